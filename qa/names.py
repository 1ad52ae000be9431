"""Agency and place names in question text: known ones resolved, unknown ones named.

Known names come from :meth:`qa.corpus.Vocabulary.mentions`; a word that looks like a place
or an agency (a few characters and 市 / 县 / 局 …, or "X District") but is not in the
corpus is reported as unknown, so that the answer says so instead of answering for all.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.tables.resolve import (AMBIGUITY_MARGIN, REGION_WEIGHT, Resolution, english_key, is_pinyin, pinyin_letters,
                                  split_place, strip_government)
from parsing.meta import to_simplified
from parsing.region import place_names
from parsing.vocabulary import (GENERIC_PLACE_NOUNS, GOVERNMENT_SUFFIXES, LEVEL_CHARS, OFFICE_ENDINGS, OFFICE_NAMES,
                                OFFICE_SHORT_FORMS, OFFICE_WORDS, PLACE_WORDS, SELF_REFERENCES,
                                SHORT_NAME_FOLLOWERS)
from qa.corpus import Mention, Vocabulary
from qa.metric_terms import metric_phrases
from qa.plan import Entity, Plan, Reading
from qa.quantities import blank, blank_all, detect_language, phrase_pattern

# A place or agency name the vocabulary did not know: a few characters and a suffix (a place
# word, a government or office ending), all declared in parsing.vocabulary.
_NAME_SUFFIXES = tuple(sorted({w for w, _ in PLACE_WORDS} | set(GOVERNMENT_SUFFIXES) | {w for w, _ in OFFICE_WORDS}
                              | set(OFFICE_ENDINGS) | {"委员会", "办公厅"}, key=len, reverse=True))
_UNKNOWN_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:" + "|".join(_NAME_SUFFIXES) + r")")
_NOT_IN_NAMES = set("哪各所全每按该本其这那些个的是有在与及或年多少几")
# Characters that join two names (将乐县和沙县); part of a name only where the gazetteer says so (和平区).
_JOINING_CHARS = set("和与及跟同、或")
# Words that open a phrase, not a name ("关于…").
_NOT_NAME_STARTS = ("关于", "对于", "有关", "针对", "按照", "根据")
# Endings that may follow a place's name to make an agency's name (沙县 + 政府办).
_AGENCY_ENDINGS = tuple(sorted(set(GOVERNMENT_SUFFIXES) | {w for w, _ in OFFICE_WORDS}, key=len, reverse=True))
_ENGLISH_PLACE_WORDS = sorted({w for _, ws in PLACE_WORDS for w in ws}, key=len, reverse=True)
_ENGLISH_OFFICE_WORDS = sorted({w for _, ws in OFFICE_WORDS for w in ws}, key=len, reverse=True)
# An English name the vocabulary did not know: one to three words and a place or office word
# ("Keqiao District", "keqiao district", "Pingtan Public Security Bureau").
_EN_UNKNOWN_NAME = re.compile(
    r"\b((?:[A-Za-z][a-z]+(?:'[a-z]+)?[ \-]){0,2}[A-Za-z][a-z]+(?:'[a-z]+)?)\s+("
    + "|".join(re.escape(w) for w in _ENGLISH_PLACE_WORDS + _ENGLISH_OFFICE_WORDS) + r")\b", re.IGNORECASE)
_EN_OFFICE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _ENGLISH_OFFICE_WORDS) + r")\b", re.IGNORECASE)
# Words before "district", "county" … that are not a place's name.
_EN_NOT_NAMES = frozenset((
    "the", "which", "what", "each", "every", "all", "this", "that", "these", "those", "its", "their", "his", "her",
    "same", "a", "an", "any", "other", "how", "many", "much", "of", "in", "for", "per", "by", "different", "both",
    "whole", "entire", "one", "some", "another", "my", "our", "your", "new", "old", "city", "county", "district",
    "town", "province", "level", "and", "or", "to", "from", "at", "on", "did", "does", "do", "was", "were", "is",
    "are", "has", "have", "had", "receive", "received", "get", "got", "requests", "request", "cases", "with"))
# Characters that may stand before a place's name (the name begins a word there).
_NAME_BOUNDARY = set(" \t,，。、;；:：?？!！()（）\"“”'‘’《》年的在和与及跟同到从那这请问看")


def _candidates(resolution: Resolution) -> list:
    top = resolution.matches[0].confidence
    return [m for m in resolution.matches if top - m.confidence < AMBIGUITY_MARGIN]


def _region_confidence(match) -> float:
    # Resolution weighs regions below agencies to rank them; as a reading, a region's own
    # name is not a loose match.
    return round(min(1.0, match.confidence / REGION_WEIGHT), 3)


def names_an_office(text: str, how: str) -> bool:
    """Does ``text`` name an agency itself (its full name, or a place plus a government or
    office ending), rather than only the place it is named after?"""
    if how.split(",")[-1].strip() in ("exact", "abbreviation", "short name") and strip_government(text) != text:
        return True
    return how.split(",")[-1].strip() == "exact" and split_place(text)[1] == ""


def entity_for(mention: Mention, prefer_region: bool, vocabulary: Vocabulary) -> Entity:
    """The agency (or region) a mention means; ambiguous names keep every candidate."""
    resolution = mention.resolution
    matches = resolution.matches
    best = matches[0]
    regions = [m for m in matches if m.agency is None]
    # Two places equally named (平潭: 平潭县 and 平潭综合实验区) are no one place: the agencies are listed.
    one_place = len([m for m in regions if regions[0].confidence - m.confidence < AMBIGUITY_MARGIN]) == 1 \
        if regions else False
    if prefer_region and one_place and best.agency is not None and not names_an_office(mention.text, best.how):
        # A government named after a place, asked about its place: the place is meant (never
        # when the words name the office itself: 示例市人民政府办公室 is not all of 示例市).
        region = regions[0]
        return Entity(mention.text, "region", region=dict(region.region), confidence=_region_confidence(region),
                      how=region.how, how_zh=region.how_zh)
    if resolution.ambiguous:
        candidates = [m for m in _candidates(resolution) if m.agency]
        if len(candidates) >= 2:
            names = list(dict.fromkeys(m.agency for m in candidates))
            return Entity(mention.text, "agency", names=names, confidence=round(best.confidence, 3), how=best.how,
                          how_zh=best.how_zh, ambiguous=True,
                          years={n: vocabulary.agency_years(n) for n in names})
    if best.agency is None:
        return Entity(mention.text, "region", region=dict(best.region), confidence=_region_confidence(best),
                      how=best.how, how_zh=best.how_zh)
    return Entity(mention.text, "agency", names=[best.agency], confidence=round(best.confidence, 3), how=best.how,
                  how_zh=best.how_zh, years={best.agency: vocabulary.agency_years(best.agency)})


# ---------------------------------------------------------------------------
# Places of the gazetteer (parsing.region) the corpus does not hold
# ---------------------------------------------------------------------------

Place = tuple[str, "str | None", "str | None", "str | None"]


def gazetteer_places(name: str) -> list[Place]:
    """The gazetteer's places ``name`` names (越秀区 → 广东省 广州市 越秀区), with or without its
    government or office ending (沙县政府办 → 沙县)."""
    names = place_names()
    for form in dict.fromkeys((name, strip_government(name), _strip_office(name))):
        if form in names:
            return list(dict.fromkeys(names[form]))
        core, suffix = split_place(form)
        if suffix and core in names:
            return list(dict.fromkeys(names[core]))
        for i in range(2, len(form) - 1):  # 天津市和平区: the place inside the place before it
            head, tail = form[:i], form[i:]
            if head in names and tail in names:
                within = {p for place in names[head] for p in place if p}
                found = [place for place in names[tail] if within & {place[0], place[1]}]
                if found:
                    return list(dict.fromkeys(found))
    return []


def _strip_office(name: str) -> str:
    for ending in _AGENCY_ENDINGS + OFFICE_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


def _place_suffix(name: str) -> tuple[str, str]:
    """``沙县`` → (``沙``, ``县``): like :func:`split_place`, but a one-character core is kept."""
    for suffix, _ in PLACE_WORDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


@lru_cache(maxsize=2)
def _pinyin_places(townships: bool) -> dict[tuple[str, str], list[str]]:
    """(pinyin of a gazetteer name without its place word, the place word) → names; counties
    and above, or townships (built only when an English name is not found among the first)."""
    from pypinyin import lazy_pinyin

    out: dict[tuple[str, str], list[str]] = {}
    for name, places in place_names().items():
        if any(p[3] is not None for p in places) != townships or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
            continue
        core, suffix = _place_suffix(name)
        letters = pinyin_letters("".join(lazy_pinyin(core)))
        for key in {(letters, suffix), (letters, "")}:
            if name not in out.setdefault(key, []):
                out[key].append(name)
    return out


def english_office(name: str) -> tuple[str, str]:
    """``Pingtan Public Security Bureau`` → (``Pingtan``, ``公安局``); (name, "") without one."""
    found = _EN_OFFICE.search(name)
    if not found:
        return name, ""
    words = found.group(0).lower()
    chinese = next(zh for zh, ws in OFFICE_WORDS if words in ws)
    return (name[:found.start()] + name[found.end():]).strip(" -,"), chinese


def chinese_reading(name: str) -> list[str]:
    """The gazetteer names an English name spells in pinyin (Keqiao District → 柯桥区), with
    the Chinese office it names (Pingtan Public Security Bureau → 平潭…公安局); [] if none."""
    if not name.isascii():
        return []
    place, office = english_office(name)
    key = english_key(place) if place else None
    if key is None:
        return [office] if office else []
    found: list[str] = []
    # The place word given first (Huangpu Town is a town, not 黄浦区), counties before townships.
    for wanted in (key,) if key[1] else ((key[0], ""),):  # the place word given must fit
        for townships in (False, True):
            found = found or _pinyin_places(townships).get(wanted, [])
    found = [n for n in found if not any(o != n and o.startswith(n) for o in found)]  # 平潭县, not also 平潭
    return [n + office for n in found[:3]] or ([office] if office else [])


def _pinyin_name(words: str) -> bool:
    """Could ``words`` be a place's name in pinyin ("Keqiao", "Sha")?"""
    letters = re.sub(r"[^a-z]", "", words.lower())
    return is_pinyin(letters)


def _gazetteer_spans(text: str, taken: list[list[int]]) -> list[list[int]]:
    """Spans of ``text`` holding a gazetteer name that starts a word (after a boundary, a year
    or a blanked name), longest first, outside ``taken``."""
    names = place_names()
    longest = 12
    spans: list[list[int]] = []
    i = 0
    while i < len(text):
        if any(s <= i < e for s, e in taken) or (i and text[i - 1] not in _NAME_BOUNDARY):
            i += 1
            continue
        for length in range(min(longest, len(text) - i), 1, -1):
            piece = text[i:i + length]
            if piece in names and not generic_name_word(piece) and _ends_a_name(piece, text[i + length:]) \
                    and not metric_phrases(piece) and not any(s < i + length and i < e for s, e in taken):
                spans.append([i, i + length])
                i += length - 1
                break
        i += 1
    return spans


def _ends_a_name(piece: str, after: str) -> bool:
    """A gazetteer name with its place word (越秀区) ends a name anywhere; a short one (柯桥, 和平)
    only before a year, a boundary, an agency ending or a word that follows names (柯桥21年,
    柯桥的, 沙县政府办; not 和平年代, 长安街, 公安机关)."""
    if _place_suffix(piece)[1]:
        return True
    after = after.lstrip(" ")
    return (not after or not re.match(r"[\u4e00-\u9fff]", after) or after.startswith(SHORT_NAME_FOLLOWERS)
            or after.startswith(_AGENCY_ENDINGS) or after.startswith(OFFICE_ENDINGS)) and not after.startswith("年代")


def generic_name_word(word: str) -> bool:
    """Is ``word`` a kind of place or office rather than a name (开发区, 管委会, 城区, 本县, 我区,
    "Development Zone", "Bureau")?  Such a word never stands for an agency the corpus lacks."""
    simplified = to_simplified(word).strip()
    lowered = simplified.lower()
    if simplified in _GENERIC_WORDS or lowered in _GENERIC_ENGLISH:
        return True
    if re.fullmatch(r"[a-z][a-z'\-]*", lowered):
        return lowered in {w for phrase in _GENERIC_ENGLISH for w in phrase.split()}
    return len(simplified) == 2 and simplified[0] in "".join(SELF_REFERENCES) + "全各" and simplified[1] in LEVEL_CHARS


_GENERIC_WORDS = frozenset({w for w, _ in PLACE_WORDS} | set(GOVERNMENT_SUFFIXES) | set(OFFICE_NAMES)
                           | set(OFFICE_ENDINGS) | set(GENERIC_PLACE_NOUNS))
_GENERIC_ENGLISH = frozenset(_ENGLISH_PLACE_WORDS + _ENGLISH_OFFICE_WORDS)


def _extend(text: str, start: int, end: int) -> int:
    """The end of an agency ending that follows a place's name (沙县 + 政府办)."""
    rest = text[end:]
    for ending in _AGENCY_ENDINGS:
        if rest.startswith(ending):
            return end + len(ending)
    return end


# A fuzzy match looser than this is no reading of a name (越秀区 is not 越城区).
FUZZY_MIN = 0.5


def unknown_names(text: str, vocabulary: Vocabulary) -> tuple[list[str], list[Mention]]:
    """Names left in ``text`` (known names already blanked): unknown ones, and fuzzy matches.

    A name is a few characters and a place, government or office ending (越秀区, 平潭公安局),
    a gazetteer name standing where a name starts (柯桥, 沙县政府办), or English words and a
    place or office word (Keqiao District, keqiao district, Public Security Bureau).  A name
    the gazetteer knows as a place the corpus lacks is unknown, never matched loosely to
    another place; other names may match loosely (越成区 → 越城区)."""
    unknown: list[str] = []
    fuzzy: list[Mention] = []
    spans: list[list[int]] = []
    for match in _UNKNOWN_NAME.finditer(text):
        start, piece = match.start(), match.group(0)
        bad = [i for i, c in enumerate(piece) if c in _NOT_IN_NAMES]
        if bad:  # 年沙县 → 沙县: the name starts after the last word that cannot be in one
            start += bad[-1] + 1
            piece = text[start:match.end()]
            if not gazetteer_places(piece) or set(piece) & _NOT_IN_NAMES:
                continue
        if not gazetteer_places(piece):  # 和沙县 → 沙县: a joining word before a place's name
            for i in range(1, len(piece) - 1):
                if set(piece[:i]) <= _JOINING_CHARS and gazetteer_places(piece[i:]):
                    start, piece = start + i, piece[i:]
                    break
        if metric_phrases(piece) or piece.startswith(_NOT_NAME_STARTS) or _only_an_ending(piece) \
                or all(generic_name_word(p) for p in re.split(f"[{''.join(_JOINING_CHARS)}]", piece) if p):
            continue  # 开发区, 市区和郊区, 街道办事处: kinds of place, not names
        if spans and spans[-1][1] == start:
            spans[-1][1] = match.end()  # 北京市 + 朝阳区: one name
        else:
            spans.append([start, match.end()])
    spans += _gazetteer_spans(text, spans)
    for span in spans:
        span[1] = _extend(text, span[0], span[1])
    spans.sort()
    merged: list[list[int]] = []
    for span in spans:
        if merged and merged[-1][1] >= span[0]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(list(span))
    merged = [span for span in merged if not _only_an_ending(text[span[0]:span[1]]) or
              text[span[0]:span[1]] in {w for w, _ in OFFICE_WORDS}]
    merged += _english_spans(text)
    for start, end in merged:
        name = text[start:end]
        resolution = vocabulary.resolve(name)
        rule_based = resolution.matches and not resolution.matches[0].how.startswith("fuzzy")
        loose_ok = resolution.matches and resolution.matches[0].confidence >= FUZZY_MIN * REGION_WEIGHT \
            and not gazetteer_places(name)
        if rule_based or loose_ok:
            fuzzy.append(Mention(start, end, name, resolution))
        else:
            unknown.append(name)
    return unknown, fuzzy


def _only_an_ending(piece: str) -> bool:
    """区府办, 政府办, 公安局 after a known name: an office ending, not a name of its own."""
    if piece in GOVERNMENT_SUFFIXES or piece in OFFICE_ENDINGS or piece in {w for w, _ in PLACE_WORDS}:
        return True
    stripped = strip_government(piece)
    return stripped != piece and len(stripped) <= 1


def _english_spans(text: str) -> list[list[int]]:
    """English names: the words before a place or office word that may name a place
    (capitalised, or the pinyin of a gazetteer name: "keqiao district"), with that word; a
    capitalised office alone ("the Public Security Bureau", its place already read)."""
    spans: list[list[int]] = []
    for match in _EN_UNKNOWN_NAME.finditer(text):
        words = list(re.finditer(r"[A-Za-z]+(?:'[a-z]+)?", match.group(1)))
        kept: list[re.Match[str]] = []
        for word in reversed(words):  # the name is the run of words just before the place word
            if word.group(0).lower() in _EN_NOT_NAMES:
                break
            kept.insert(0, word)
        office = _EN_OFFICE.fullmatch(match.group(2)) is not None
        if kept:
            start = match.start(1) + kept[0].start()
            name = " ".join(w.group(0) for w in kept)
            capitalised = all(w.group(0)[0].isupper() for w in kept)
            if (office and capitalised) or (_pinyin_name(name) and (
                    capitalised or chinese_reading(name + " " + match.group(2)))):
                spans.append([start, match.end()])
                continue
        if office and match.group(2)[0].isupper():
            spans.append([match.start(2), match.end()])
    for match in _EN_OFFICE.finditer(text):  # an office alone, its place read before (Xingping County | Finance Bureau)
        if match.group(0)[0].isupper() and not any(s < match.end() and match.start() < e for s, e in spans):
            spans.append([match.start(), match.end()])
    return spans


def unknown_note(name: str, vocabulary: Vocabulary) -> tuple[str, str]:
    """What the answer says of a name the corpus lacks (English, Chinese): the place the
    gazetteer knows by that name, and the corpus's agencies closest to it (in the same city or
    province first, else the names most alike)."""
    readings = chinese_reading(name)
    office_only = _an_office_alone(name)
    places = [] if office_only else [p for r in readings for p in gazetteer_places(r)] or gazetteer_places(name)
    if readings:
        seen_en = f"“{name}” ({'、'.join(readings)})"
        seen_zh = f"“{name}”({'、'.join(readings)})"
    else:
        seen_en = seen_zh = f"“{name}”"
    where = "、".join(dict.fromkeys(_place_text(p) for p in places[:3]))
    level, closest = _closest_in_place(places, vocabulary)
    place_en = f" The gazetteer knows it as a place in {where.replace('、', '; ')}." if where else ""
    place_zh = f"(地名库:{where})" if where else ""
    if closest:
        hint_en = f" Closest: agencies in the same {level}: {', '.join(closest)}."
        hint_zh = f"最接近:同{_LEVEL_ZH[level]}的机关{'、'.join(closest)}。"
    elif closest := _closest_by_prefix(name, vocabulary):
        hint_en = f" The corpus holds the place's own agencies: {', '.join(closest)}."
        hint_zh = f"语料库中有该地的机关:{'、'.join(closest)}。"
    elif closest := list(getattr(vocabulary.resolve(name), "closest", []) or []):
        hint_en = f" Closest names: {', '.join(closest)}."
        hint_zh = f"最接近的名称:{'、'.join(closest)}。"
    else:
        hint_en, hint_zh = " No name in the corpus is close to it.", "也没有相近的名称。"
    return (f"No agency in the corpus matches {seen_en}.{place_en}{hint_en}",
            f"语料库中没有与{seen_zh}对应的机关{place_zh}。{hint_zh}")


def _closest_by_prefix(name: str, vocabulary: Vocabulary, n: int = 3) -> list[str]:
    """The agencies the longest known beginning of ``name`` names (平潭综合实验区 of
    平潭综合实验区交通局): an office of a place the corpus holds."""
    if name.isascii():
        return []
    for end in range(len(name) - 1, 1, -1):
        found = vocabulary.index.candidates(name[:end])
        agencies = [t[2:] for t, (_, how) in sorted(found.items(), key=lambda kv: -kv[1][0])
                    if t.startswith("a:") and not how.startswith("fuzzy")]
        if agencies:
            return agencies[:n]
    return []


def _place_text(place: Place) -> str:
    """(浙江省, 绍兴市, 柯桥区, None) → 浙江省绍兴市柯桥区."""
    province, city, county, township = place
    return "".join(p for p in (province, city if city != province else None, county, township) if p)


_LEVEL_ZH = {"county": "县区", "city": "市", "province": "省"}


def _closest_in_place(places: list[Place], vocabulary: Vocabulary, n: int = 3) -> tuple[str, list[str]]:
    """The corpus's agencies in the county, else the city, else the province of ``places``
    (the level, the agencies)."""
    agencies = list(vocabulary.index.agencies.values())
    for level, position in (("county", 2), ("city", 1), ("province", 0)):
        values = {p[position] for p in places if p[position]}
        found = [a.name for a in agencies if a.region.get(level) in values]
        if found:
            return level, sorted(found, key=lambda a: -len(vocabulary.agency_years(a)))[:n]
    return "", []


# How far past a known name its official form may go on (高新技术产业开发区管委会: 12 characters).
_LONGEST_ENDING = 16


def _with_official_ending(text: str, mention: Mention, vocabulary: Vocabulary) -> Mention:
    """A known name followed by more of an agency's name takes it, when the longer words still
    name the agency by a rule (越城区 + 区府办, 平潭 + 政府办, 安康 + 高新技术产业开发区管委会):
    the words name the office, and are not left over as a name of their own."""
    simplified = to_simplified(text)
    stop = mention.end
    while stop < len(simplified) and stop - mention.end < _LONGEST_ENDING and \
            re.match(r"[\u4e00-\u9fff]", simplified[stop]):
        stop += 1
    for end in range(stop, mention.end + 1, -1):
        longer = simplified[mention.start:end]
        found = vocabulary.index.candidates(longer)
        if found and not all(how.startswith("fuzzy") for _, how in found.values()):
            return Mention(mention.start, end, longer, vocabulary.resolve(longer))
    return mention


def _an_office_alone(name: str) -> bool:
    """公安局, 交通局, "Public Security Bureau": an office's name without a place."""
    if name.isascii():
        return bool(english_office(name)[1]) and not english_office(name)[0]
    offices = {w for w, _ in OFFICE_WORDS} | {w for pair in OFFICE_SHORT_FORMS for w in pair}
    return name in offices or (name.endswith(OFFICE_ENDINGS) and not gazetteer_places(name))


def _offices_of_known_places(text: str, unknown: list[str],
                             mentions: list[Mention]) -> tuple[list[str], list[Mention]]:
    """An unknown office right after a known place (平潭 + 公安局, Pingtan + Public Security
    Bureau) is one unknown agency (平潭公安局), not the place's own figures."""
    names: list[str] = []
    for name in unknown:
        office = _an_office_alone(name)
        at = text.find(name)
        before = [m for m in mentions if office and at >= 0 and m.end <= at and not text[m.end:at].strip()]
        if before:
            mention = before[-1]
            mentions = [m for m in mentions if m is not mention]
            name = text[mention.start:at + len(name)]
        names.append(name)
    return names, mentions


def read_names(text: str, vocabulary: Vocabulary, plan: Plan) -> tuple[list[Mention], str]:
    """Agency and place names (known, fuzzy, unknown); returns them and the text without them."""
    mentions = vocabulary.mentions(text)
    # A short name inside a metric's name (a place called 许可 in 行政许可) is the metric.
    named = metric_phrases(text)
    phrases_at = [(m.start(), m.end()) for m in re.finditer(phrase_pattern(named), text.lower())] if named else []
    mentions = [m for m in mentions
                if not any(s <= m.start and m.end <= e and (m.end - m.start) < (e - s) for s, e in phrases_at)]
    mentions = [_with_official_ending(text, m, vocabulary) for m in mentions]
    plan.lang = detect_language(text, [(m.start, m.end) for m in mentions])
    if not re.sub(r"[\W\d_]", "", blank_all(text, [m.text for m in mentions])):
        plan.lang = detect_language(text)  # nothing but names ("Jiangle?"): their script decides
    plan.readings.append(Reading("language", "", plan.lang, f"answer in {'English' if plan.lang == 'en' else 'Chinese'}",
                                 "用中文回答" if plan.lang == "zh" else "用英文回答"))
    rest = text
    for m in mentions:
        rest = blank(rest, m.start, m.end)
    unknown, fuzzy = unknown_names(rest, vocabulary)
    rest = blank_all(rest, [m.text for m in fuzzy] + unknown)
    unknown, mentions = _offices_of_known_places(text, unknown, mentions)
    plan.unknown_names = unknown
    return sorted(mentions + fuzzy, key=lambda m: m.start), rest
