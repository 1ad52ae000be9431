"""Names users type → the agencies and regions the store holds.

A name is tried, in order of confidence, as: the agency's exact name; the same name in
simplified script; the name with generic abbreviations applied (高新技术产业开发区 → 高新区);
without the government suffix (将乐县人民政府办公室 → 将乐县); without the province / city
it starts with (绍兴市越城区 → 越城区); without its place suffix (将乐); its pinyin with an
English place word (Jiangle County); and last a fuzzy match.  Each match carries a
confidence in [0, 1] and says how it was found.  Two different agencies that match equally
well make the resolution ambiguous: the caller asks the user which one was meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
from rapidfuzz import fuzz

from parsing.errors import GongkaiError
from parsing.meta import to_simplified
from parsing.vocabulary import ABBREVIATIONS, GOVERNMENT_SUFFIXES, LEVEL_CHARS, OFFICE_SHORT_FORMS, OFFICE_WORDS, PLACE_WORDS

REGION_LEVELS = ("province", "city", "county", "township")

# The naming rules (government suffixes, abbreviations, place words) are declared once, in
# parsing.vocabulary; they are re-exported here for the callers that read them from this module.
# English words that name the government or its office rather than the place.
_ENGLISH_GOVERNMENT = re.compile(
    r"\b(?:the|of|people'?s|government|general|office|administrative committee|committee|management)\b"
)

CONFIDENCE = {
    "exact": 1.0,
    "abbreviation": 0.98,
    "short name": 0.95,
    "without province or city": 0.9,
    "without place suffix": 0.8,
    "pinyin": 0.85,
    "pinyin without place word": 0.7,
}
# The same ways in Chinese, for answers in Chinese.
HOW_ZH = {
    "exact": "全称", "abbreviation": "简称规则", "short name": "简称",
    "without province or city": "省略省市", "without place suffix": "省略行政区划字", "pinyin": "拼音或英文",
    "pinyin without place word": "拼音", "traditional → simplified": "繁体转简体", "abbreviated": "简称规则",
    "government suffix dropped": "省略政府字样", "fuzzy": "近似匹配",
}
# Fuzzy matches never look as sure as a rule-based one.
FUZZY_WEIGHT = 0.75
FUZZY_CUTOFF = 0.6
# Two agencies whose confidences differ by less than this are equally good matches.
AMBIGUITY_MARGIN = 0.02
REGION_WEIGHT = 0.9


class UnknownAgency(GongkaiError):
    """No agency or region in the corpus matches a name."""

    def __init__(self, text: str, closest: list[str]) -> None:
        hint = f" Closest names in the corpus: {', '.join(closest)}." if closest else ""
        super().__init__(
            f"No agency in the corpus matches {text!r}.{hint} "
            "Check the spelling or give the name as the report's title prints it."
        )
        self.text = text
        self.closest = closest


class AmbiguousAgency(GongkaiError):
    """A name matches several agencies equally well."""

    def __init__(self, text: str, candidates: list["Match"]) -> None:
        names = "; ".join(m.label() for m in candidates[:8])
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        super().__init__(f"{text!r} matches {len(candidates)} agencies equally well: {names}{more}. Name one of them.")
        self.text = text
        self.candidates = candidates


@dataclass
class Match:
    """One agency (``agency`` set) or one region (``region`` set) a name may mean."""

    agency: str | None
    region: dict[str, str]
    report_ids: tuple[str, ...]
    years: tuple[int, ...]
    confidence: float
    how: str

    @property
    def how_zh(self) -> str:
        parts = [p.strip() for p in self.how.split(",")]
        return "、".join(HOW_ZH.get(p.split(" (")[0], p) for p in parts)

    def label(self) -> str:
        place = "".join(self.region.get(level, "") for level in REGION_LEVELS)
        if self.agency:
            return f"{self.agency} ({place})" if place and place != self.agency else self.agency
        return place


@dataclass
class Resolution:
    """What a name matched, best first; ``ambiguous`` when the best two are different places."""

    text: str
    matches: list[Match] = field(default_factory=list)
    ambiguous: bool = False
    # Names near the text when nothing matched, for the error message.
    closest: list[str] = field(default_factory=list)

    def best(self) -> Match:
        """The one match meant; :class:`UnknownAgency` or :class:`AmbiguousAgency` otherwise."""
        if not self.matches:
            raise UnknownAgency(self.text, self.closest)
        if self.ambiguous:
            top = self.matches[0].confidence
            raise AmbiguousAgency(self.text, [m for m in self.matches if top - m.confidence < AMBIGUITY_MARGIN])
        return self.matches[0]


# ---------------------------------------------------------------------------
# Name forms
# ---------------------------------------------------------------------------


def abbreviate(name: str) -> str:
    for long, short in ABBREVIATIONS:
        name = name.replace(long, short)
    return name


@lru_cache(maxsize=1)
def _government_suffixes() -> tuple[str, ...]:
    """Government name endings, as written and abbreviated, longest first."""
    return tuple(sorted({abbreviate(s) for s in GOVERNMENT_SUFFIXES} | set(GOVERNMENT_SUFFIXES), key=len, reverse=True))



def strip_government(name: str) -> str:
    """``将乐县人民政府办公室`` → ``将乐县``; ``越城区区府办`` → ``越城区``; a name that is only a
    suffix stays."""
    for suffix in _government_suffixes():
        if name.endswith(suffix):
            rest = name[: -len(suffix)] or name
            # 区府办 / 县府办: the level character belongs to the office word when it is doubled.
            if suffix == "府办" and len(rest) >= 3 and rest[-1] in LEVEL_CHARS and rest[-2] == rest[-1]:
                rest = rest[:-1]
            return rest
    return name


def split_place(name: str) -> tuple[str, str]:
    """``将乐县`` → (``将乐``, ``县``); the core keeps at least two characters."""
    for suffix, _ in PLACE_WORDS:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)], suffix
    return name, ""


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(text.strip()))


@lru_cache(maxsize=65536)
def _pinyin(chinese: str) -> str:
    from pypinyin import lazy_pinyin

    return pinyin_letters("".join(lazy_pinyin(chinese)))


def _place_key(form: str) -> tuple[str, str] | None:
    """(pinyin of the name without its place suffix, the suffix): 将乐县 → (jiangle, 县);
    an office of a place: (pinyin of the place's core, the office): 平潭地方税务局 → (pingtan, 地方税务局)."""
    place, office = office_of(form)
    if office:
        core = split_place(place)[0]
        return (_pinyin(core), office) if re.fullmatch(r"[\u4e00-\u9fff]+", core) else None
    core, suffix = split_place(form)
    if not suffix or not re.fullmatch(r"[\u4e00-\u9fff]+", core):
        return None
    return _pinyin(core), suffix


_PINYIN = re.compile(r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|"
                     r"ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v))+")


def is_pinyin(letters: str) -> bool:
    """Could ``letters`` (lower case a–z) be pinyin syllables run together ("jiangle", "keqiao")?"""
    return bool(letters) and _PINYIN.fullmatch(letters) is not None


@lru_cache(maxsize=1)
def _english_offices() -> tuple[tuple[str, str], ...]:
    """(English office words, the Chinese office), longest words first; governments excluded
    (they name the place's own government, read by :data:`_ENGLISH_GOVERNMENT`)."""
    pairs = {(w, zh) for zh, words in OFFICE_WORDS if zh not in GOVERNMENT_SUFFIXES for w in words}
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@lru_cache(maxsize=2)
def _english_endings(kind: str) -> tuple[dict[str, str], re.Pattern[str]]:
    """English office (or place) words → their Chinese ending, and one pattern finding the
    longest of them that ends a text (the leftmost match that runs to the end is the longest)."""
    pairs = dict(_english_offices()) if kind == "office" else \
        {w: zh for zh, words in reversed(PLACE_WORDS) for w in words}
    words = sorted(pairs, key=len, reverse=True)
    return pairs, re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\s*$")


def english_key(text: str) -> tuple[str, str] | None:
    """``Jiangle County`` → (``jiangle``, ``县``); (letters, "") when no place word is given."""
    lowered = text.lower().replace("’", "'").replace("ü", "v")
    if not re.fullmatch(r"[a-z0-9 '\-.,()]+", lowered):
        return None
    offices, office_end = _english_endings("office")
    found = office_end.search(lowered)
    if found:
        # The place before the office, with or without its place word (Lanzhu County Audit Bureau).
        place = english_key(lowered[: found.start()])
        return (place[0], offices[found.group(1)]) if place else None
    lowered = _ENGLISH_GOVERNMENT.sub(" ", lowered)
    suffix = ""
    places, place_end = _english_endings("place")
    found = place_end.search(lowered)
    if found:
        lowered, suffix = lowered[: found.start()] + " ", places[found.group(1)]
    letters = pinyin_letters(lowered)
    return (letters, suffix) if letters else None


def pinyin_letters(text: str) -> str:
    """The letters of a name in pinyin, ü written u (Lüsha, Lvsha and Lusha are one name)."""
    return re.sub(r"[^a-z]", "", text.lower()).replace("v", "u")


# ---------------------------------------------------------------------------
# The index of agencies and regions in a store
# ---------------------------------------------------------------------------


@dataclass
class _Agency:
    name: str
    region: dict[str, str]
    report_ids: tuple[str, ...]
    years: tuple[int, ...]


@dataclass
class AgencyIndex:
    """Every agency and region value in a store, with the name forms each answers to."""

    agencies: dict[str, _Agency]
    regions: dict[tuple[str, str], int]  # (level, value) -> report count
    _forms: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    _english: dict[tuple[str, str], dict[str, tuple[float, str]]] | None = None

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection) -> "AgencyIndex":
        rows = con.execute(
            """SELECT agency, any_value(province), any_value(city), any_value(county), any_value(township),
                      list(report_id ORDER BY year, report_id), list(DISTINCT year ORDER BY year)
               FROM reports WHERE agency IS NOT NULL GROUP BY agency"""
        ).fetchall()
        agencies = {}
        for agency, province, city, county, township, report_ids, years in rows:
            region = {k: v for k, v in zip(REGION_LEVELS, (province, city, county, township)) if v}
            agencies[agency] = _Agency(agency, region, tuple(report_ids), tuple(y for y in years if y is not None))
        regions: dict[tuple[str, str], int] = {}
        for level in REGION_LEVELS:
            for value, count in con.execute(
                f"SELECT {level}, count(*) FROM reports WHERE {level} IS NOT NULL GROUP BY {level}"
            ).fetchall():
                regions[(level, value)] = count
        index = cls(agencies, regions)
        index._build()
        return index

    def _add(self, form: str, target: str, how: str) -> None:
        if not form:
            return
        slot = self._forms.setdefault(form, {})
        confidence = CONFIDENCE[how]
        if target not in slot or slot[target][0] < confidence:
            slot[target] = (confidence, how)

    def _build(self) -> None:
        for agency in self.agencies.values():
            for form, how in agency_forms(agency.name, agency.region):
                self._add(form, "a:" + agency.name, how)
        for (level, value) in self.regions:
            target = f"r:{level}:{value}"
            self._add(value, target, "exact")
            core, suffix = split_place(value)
            if suffix:
                self._add(core, target, "without place suffix")

    def _english_forms(self) -> dict[tuple[str, str], dict[str, tuple[float, str]]]:
        # Built on the first English query only: pinyin of every name takes a while.
        if self._english is None:
            english: dict[tuple[str, str], dict[str, tuple[float, str]]] = {}
            for form, targets in self._forms.items():
                key = _place_key(form)
                if key is None:
                    continue
                # An office (平潭地方税务局) is never its place's name alone (Pingtan).
                keys = ((key, "pinyin"),) if key[1] in _office_words() else \
                    ((key, "pinyin"), ((key[0], ""), "pinyin without place word"))
                for target, (confidence, _) in targets.items():
                    for k, how in keys:
                        slot = english.setdefault(k, {})
                        # Without a place word every agency of that place is as likely (Pingtan:
                        # 平潭县人民政府 and 平潭综合实验区, as 平潭 is in Chinese).
                        c = CONFIDENCE[how] * (1.0 if how == "pinyin without place word" else confidence)
                        if target not in slot or slot[target][0] < c:
                            slot[target] = (c, how)
            self._english = english
        return self._english

    def _match(self, target: str, confidence: float, how: str) -> Match:
        if target.startswith("a:"):
            agency = self.agencies[target[2:]]
            return Match(agency.name, dict(agency.region), agency.report_ids, agency.years, confidence, how)
        _, level, value = target.split(":", 2)
        return Match(None, {level: value}, (), (), confidence, how)

    def candidates(self, text: str) -> dict[str, tuple[float, str]]:
        """target → (confidence, how) for every rule-based match of ``text``."""
        found: dict[str, tuple[float, str]] = {}

        def offer(targets: dict[str, tuple[float, str]], factor: float, note: str) -> None:
            for target, (confidence, how) in targets.items():
                c = round(confidence * factor, 4)
                if target not in found or found[target][0] < c:
                    found[target] = (c, f"{note}{how}")

        cleaned = _clean(text)
        note = "traditional → simplified, " if cleaned != re.sub(r"\s+", "", text.strip()) else ""
        for form, factor, made in query_forms(cleaned):
            offer(self._forms.get(form, {}), factor, note + made)
        english = english_key(text)
        if english is not None and not found:
            forms = self._english_forms()
            offer(forms.get(english, {}), 1.0, "")
            if english[1] and english[1] not in _office_words():  # another office is another agency
                offer(forms.get((english[0], ""), {}), 0.9, "")
        return found

    def fuzzy(self, text: str, limit: int = 10) -> dict[str, tuple[float, str]]:
        """Names like ``text``: edit similarity of short forms, weighted below rule matches."""
        query = strip_government(abbreviate(_clean(text)))
        if not query:
            return {}
        chars = set(query)
        found: dict[str, tuple[float, str]] = {}
        for form, targets in self._forms.items():
            # Cheap filter before the edit similarity: share at least half of the characters.
            if len(chars & set(form)) * 2 < len(chars):
                continue
            ratio = _similarity(query, form)
            if ratio < FUZZY_CUTOFF:
                continue
            for target, (confidence, _) in targets.items():
                c = round(ratio * FUZZY_WEIGHT * confidence, 4)
                if target not in found or found[target][0] < c:
                    found[target] = (c, f"fuzzy ({ratio:.2f} similar to {form})")
        best = sorted(found.items(), key=lambda kv: -kv[1][0])[:limit]
        return dict(best)

    def resolve(self, text: str, kinds: tuple[str, ...] = ("agency", "region")) -> Resolution:
        prefixes = tuple({"agency": "a:", "region": "r:"}[k] for k in kinds)
        found = {t: v for t, v in self.candidates(text).items() if t.startswith(prefixes)}
        if not found:
            found = {t: v for t, v in self.fuzzy(text).items() if t.startswith(prefixes)}
        if len(kinds) > 1:
            # Asked for either, a name means its government's report before a sum over its place.
            found = {t: ((round(c * REGION_WEIGHT, 4), how) if t.startswith("r:") else (c, how))
                     for t, (c, how) in found.items()}
        matches = [self._match(t, c, how) for t, (c, how) in found.items()]
        # Agencies before regions at equal confidence: a government is named after its place.
        matches.sort(key=lambda m: (-m.confidence, m.agency is None, m.label()))
        closest = [] if matches else self.closest(text, prefixes)
        return Resolution(text, matches, _ambiguous(matches), closest)

    def closest(self, text: str, prefixes: tuple[str, ...], n: int = 3) -> list[str]:
        """Up to ``n`` names loosely like ``text`` (below the fuzzy cutoff), for an error message."""
        query = strip_government(abbreviate(_clean(text)))
        scored = []
        for form, targets in self._forms.items():
            if not set(query) & set(form):
                continue
            ratio = _similarity(query, form)
            for target in targets:
                if target.startswith(prefixes):
                    scored.append((ratio, target[2:] if target.startswith("a:") else target.split(":", 2)[2]))
        scored.sort(key=lambda p: -p[0])
        return list(dict.fromkeys(name for _, name in scored))[:n]


def _similarity(a: str, b: str) -> float:
    """Edit similarity in [0, 1] (rapidfuzz's ratio: difflib's measure, fast enough for every form)."""
    return float(fuzz.ratio(a, b)) / 100.0


def _ambiguous(matches: list[Match]) -> bool:
    if len(matches) < 2:
        return False
    top = matches[0]
    rivals = [m for m in matches[1:] if top.confidence - m.confidence < AMBIGUITY_MARGIN]
    # An agency and the region it governs are one answer, not two.
    return any(not (m.agency is None and _within(top, m)) and not (top.agency is None and _within(m, top))
               for m in rivals)


def _within(agency: Match, region: Match) -> bool:
    return agency.agency is not None and all(agency.region.get(k) == v for k, v in region.region.items())


def agency_forms(name: str, region: dict[str, str]) -> list[tuple[str, str]]:
    """Every (form, how) an agency answers to, from its name and region."""
    forms = [(name, "exact")]
    abbreviated = abbreviate(name)
    if abbreviated != name:
        forms.append((abbreviated, "abbreviation"))
    short = strip_government(abbreviated)
    if short != abbreviated:
        forms.append((short, "short name"))
    bare = short
    for level in REGION_LEVELS:
        part = region.get(level)
        if part and bare.startswith(part) and len(bare) > len(part):
            bare = bare[len(part):]
            forms.append((bare, "without province or city"))
    core, suffix = split_place(bare)
    if suffix:
        forms.append((core, "without place suffix"))
    forms += _office_forms(short, region)
    # A name without its province / city also answers with them (浙江省绍兴市越城区).
    prefix = ""
    for level in REGION_LEVELS:
        part = region.get(level)
        if part and not short.startswith(part) and not part.endswith(short) and part not in prefix:
            prefix += part
            forms.append((prefix + short, "short name"))
    # An office word alone (地方税务局) names no one agency.
    return [(f, how) for f, how in forms if len(f) >= 2 and office_of("xx" + f)[0] != "xx"]


def office_of(name: str) -> tuple[str, str]:
    """``平潭综合实验区地方税务局`` → (``平潭综合实验区``, ``地方税务局``); (name, "") for a name
    that ends with no office word (a government names itself after its place)."""
    for office in _office_words():
        if name.endswith(office) and len(name) - len(office) >= 2:
            return name[: -len(office)], office
    return name, ""


@lru_cache(maxsize=1)
def _office_words() -> tuple[str, ...]:
    words = {w for w, _ in OFFICE_WORDS if w not in GOVERNMENT_SUFFIXES} | {w for pair in OFFICE_SHORT_FORMS for w in pair}
    return tuple(sorted(words, key=len, reverse=True))


def _office_forms(name: str, region: dict[str, str]) -> list[tuple[str, str]]:
    """An office of a place answers to every short form of its place with the office word or
    its short form: 平潭综合实验区地方税务局 → 平潭地方税务局, 平潭地税局, 平潭综合实验区地税局."""
    place, office = office_of(name)
    if not office:
        return []
    offices = [office] + [short for long, short in OFFICE_SHORT_FORMS if long == office]
    places = [place]
    for level in REGION_LEVELS:
        part = region.get(level)
        if part and place.startswith(part) and len(place) > len(part):
            places.append(place[len(part):])
    places += [split_place(p)[0] for p in places if split_place(p)[1]]
    return [(p + o, "short name") for p in dict.fromkeys(places) for o in offices if p + o != name]


def query_forms(text: str) -> list[tuple[str, float, str]]:
    """The forms of a typed name to look up: (form, how much it is trusted, how it was made)."""
    forms = [(text, 1.0, "")]
    abbreviated = abbreviate(text)
    if abbreviated != text:
        forms.append((abbreviated, 0.99, "abbreviated, "))
    short = strip_government(abbreviated)
    if short != abbreviated:
        forms.append((short, 0.99, "government suffix dropped, "))
    return forms


def agency_index(con: duckdb.DuckDBPyConnection) -> AgencyIndex:
    """The index of the store behind ``con``, built now: keep it for as long as the store is
    loaded (:class:`qa.corpus.Vocabulary` does) rather than calling this per question."""
    return AgencyIndex.from_store(con)


def resolve_agency(con: duckdb.DuckDBPyConnection, text: str) -> Resolution:
    """Agencies ``text`` may name, best first."""
    return agency_index(con).resolve(text, ("agency",))


def resolve_region(con: duckdb.DuckDBPyConnection, text: str) -> Resolution:
    """Region values (province / city / county / township) ``text`` may name, best first."""
    return agency_index(con).resolve(text, ("region",))


def resolve(con: duckdb.DuckDBPyConnection, text: str) -> Resolution:
    """Agencies and regions ``text`` may name, best first (an agency before its own region)."""
    return agency_index(con).resolve(text)
