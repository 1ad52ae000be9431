"""Question → :class:`~qa.plan.Plan`: the one place where question text is read.

Steps, each a function: the language; agency and place names (:class:`qa.corpus.Vocabulary`);
years, ranges and relative years (against the newest report year of the corpus);
thresholds and top-N; metrics (:mod:`qa.metric_terms`); cue words for intents, narrative
kinds and data-quality questions (:mod:`qa.lexicon`); the intent; the text to search.
Every piece read is recorded as a :class:`~qa.plan.Reading`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.resolve import AMBIGUITY_MARGIN, HOW_ZH, REGION_WEIGHT, Resolution
from index.topics import tag_topics
from parsing.meta import to_simplified
from qa import lexicon
from qa.corpus import Mention, Vocabulary
from qa.metric_terms import MetricMatch, embedding_match, find_metrics, metric_phrases
from qa.plan import Entity, Plan, Reading

_CN_NUMBER = "[零〇○一二两三四五六七八九十百千]+"
_EN_NUMBER = "|".join(sorted(lexicon.ENGLISH_NUMBERS, key=len, reverse=True))
NUMBER = rf"(\d+(?:\.\d+)?|{_CN_NUMBER}|(?<![a-z])(?:{_EN_NUMBER})(?![a-z]))"
_YEAR = r"((?:19|20)\d{2})"
_UNITS = "|".join(map(re.escape, lexicon.UNITS))
# A place or agency name the vocabulary did not know: a few characters and a suffix.
_NAME_SUFFIXES = ("自治区", "自治州", "自治县", "高新区", "开发区", "新区", "街道", "苏木", "管委会", "委员会", "办公室", "办公厅",
                  "人民政府", "省", "市", "区", "县", "镇", "乡", "旗", "盟", "州", "局", "委", "厅")
_UNKNOWN_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:" + "|".join(_NAME_SUFFIXES) + r")")
_NOT_IN_NAMES = set("哪各所全每该本其这那些个的是有在与及或年多少几")
# Words that open a phrase, not a name ("关于…").
_NOT_NAME_STARTS = ("关于", "对于", "有关", "针对", "按照", "根据")
_EN_UNKNOWN_NAME = re.compile(
    r"\b([A-Z][a-z]+(?:[ \-][A-Z][a-z]+)*)\s+(District|County|Town|Township|City|Province|Subdistrict|Banner|Zone)\b")


# ---------------------------------------------------------------------------
# Small readers
# ---------------------------------------------------------------------------


def detect_language(text: str, skip: Iterable[tuple[int, int]] = ()) -> str:
    """"en" when Latin letters outweigh Chinese characters (names excluded), else "zh"."""
    chars = list(text)
    for start, end in skip:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    rest = "".join(chars)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", rest))
    latin = len(re.findall(r"[A-Za-z]", rest))
    return "en" if latin >= 3 and latin > 2 * cjk else "zh"


def chinese_number(text: str) -> int | None:
    """三 → 3, 十 → 10, 十五 → 15, 二十 → 20, 一百二十 → 120; None when not a numeral."""
    if not text or any(c not in lexicon.CHINESE_DIGITS and c not in lexicon.CHINESE_UNITS for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char in lexicon.CHINESE_DIGITS:
            current = lexicon.CHINESE_DIGITS[char]
        else:
            total += (current or 1) * lexicon.CHINESE_UNITS[char]
            current = 0
    return total + current


def parse_number(token: str) -> float | None:
    token = token.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if token in lexicon.ENGLISH_NUMBERS:
        return float(lexicon.ENGLISH_NUMBERS[token])
    value = chinese_number(token)
    return float(value) if value is not None else None


def _phrase_pattern(phrases: Iterable[str]) -> str:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        parts.append(rf"(?<![a-z]){escaped}(?![a-z])" if phrase.isascii() else escaped)
    return "(?:" + "|".join(parts) + ")"


def find_cue(text: str, phrases: Iterable[str]) -> str | None:
    """The first cue of ``phrases`` in ``text`` (English phrases as whole words), longest first."""
    match = re.search(_phrase_pattern(phrases), text)
    return match.group(0) if match else None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _blank_all(text: str, pieces: Iterable[str]) -> str:
    for piece in sorted({p for p in pieces if p}, key=len, reverse=True):
        text = text.replace(piece, " " * len(piece))
    return text


def _chinese_years(text: str) -> str:
    """二〇二一年 → 2021年."""
    def convert(match: re.Match[str]) -> str:
        return "".join(str(lexicon.CHINESE_DIGITS[c]) for c in match.group(1)) + "年"

    return re.sub(r"([零〇○一二三四五六七八九]{4})年", convert, text)


# ---------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------


def read_years(text: str, newest: int | None, plan: Plan) -> str:
    """Years, ranges and relative years in ``text`` into ``plan``; returns the text without them."""
    def note(words: str, value: object, how: str, how_zh: str) -> None:
        plan.readings.append(Reading("year", words.strip(), value, how, how_zh))

    range_words = "|".join(re.escape(w) for w in lexicon.RANGE_WORDS if w != "and")
    patterns = [
        (rf"(?:between\s+){_YEAR}\s*(?:and|-|–)\s*{_YEAR}", "range"),
        (rf"(?:from\s+)?{_YEAR}\s*(?:年度?)?\s*(?:{range_words})\s*{_YEAR}\s*(?:年度?)?", "range"),
    ]
    for pattern, _ in patterns:
        for match in list(re.finditer(pattern, text)):
            low, high = sorted((int(match.group(1)), int(match.group(2))))
            plan.year_from, plan.year_to = low, high
            note(match.group(0), [low, high], f"years {low} to {high}", f"{low}年至{high}年")
            text = _blank(text, match.start(), match.end())
    since = rf"{_YEAR}\s*年?\s*(以来|之后|以后|起)|(since|after|from)\s+{_YEAR}"
    for match in list(re.finditer(since, text)):
        year = int(match.group(1) or match.group(4))
        after = (match.group(2) in ("之后", "以后")) or match.group(3) == "after"
        plan.year_from = year + 1 if after else year
        note(match.group(0), plan.year_from, f"from {plan.year_from} on", f"{plan.year_from}年起")
        text = _blank(text, match.start(), match.end())
    before = rf"{_YEAR}\s*年?\s*(以前|之前)|(before|until)\s+{_YEAR}"
    for match in list(re.finditer(before, text)):
        year = int(match.group(1) or match.group(4))
        plan.year_to = year if match.group(3) == "until" else year - 1
        note(match.group(0), plan.year_to, f"up to {plan.year_to}", f"截至{plan.year_to}年")
        text = _blank(text, match.start(), match.end())
    recent = (rf"(?:近|最近|过去|前)\s*{NUMBER}\s*(?:个)?\s*年|(?:last|past|recent|previous)\s+{NUMBER}\s+years"
              rf"|(?:近|最近)\s*(?:几|数)\s*年")
    for match in list(re.finditer(recent, text)):
        count = parse_number(match.group(1) or match.group(2) or "") if (match.group(1) or match.group(2)) else 3.0
        if newest is None or not count:
            continue
        plan.year_from, plan.year_to = newest - int(count) + 1, newest
        note(match.group(0), [plan.year_from, plan.year_to],
             f"the last {int(count)} years up to the newest report year {newest}: {plan.year_from}–{newest}",
             f"截至语料库最新报告年份{newest}年的近{int(count)}年:{plan.year_from}年至{newest}年")
        text = _blank(text, match.start(), match.end())
    relative = _phrase_pattern(lexicon.RELATIVE_YEARS)
    for match in list(re.finditer(relative, text)):
        if newest is None:
            continue
        word = match.group(0)
        year = newest + lexicon.RELATIVE_YEARS[word]
        plan.years.append(year)
        note(word, year,
             f"“{word}” read as {year}: the newest report year in the corpus is {newest} "
             "(reports describe the year before they come out)",
             f"“{word}”理解为{year}年:语料库中最新的报告年份是{newest}年(年报在次年发布)")
        text = _blank(text, match.start(), match.end())
    for match in list(re.finditer(rf"(?<![\d.]){_YEAR}(?![\d.%])\s*(年度|年)?", text)):
        after = text[match.end():match.end() + 2].strip()
        if not match.group(2) and after[:1] and any(after.startswith(u) for u in lexicon.UNITS):
            continue  # 2000件 is a number, not a year
        year = int(match.group(1))
        if year not in plan.years:
            plan.years.append(year)
            note(match.group(0), year, f"year {year}", f"{year}年")
        text = _blank(text, match.start(), match.end())
    return text


# ---------------------------------------------------------------------------
# Thresholds and top-N
# ---------------------------------------------------------------------------


def read_threshold(text: str, plan: Plan) -> str:
    """"超过10件" / "more than 5" / "10件以上" into ``plan.threshold``; returns the text without it."""
    for words, op in lexicon.THRESHOLD_BEFORE:
        pattern = rf"{_phrase_pattern(words)}\s*{NUMBER}\s*(?:{_UNITS})?"
        match = re.search(pattern, text)
        if match:
            return _take_threshold(text, match, op, plan)
    for words, op in lexicon.THRESHOLD_AFTER:
        pattern = rf"{NUMBER}\s*(?:{_UNITS})?\s*{_phrase_pattern(words)}"
        match = re.search(pattern, text)
        if match:
            return _take_threshold(text, match, op, plan)
    return text


def _take_threshold(text: str, match: re.Match[str], op: str, plan: Plan) -> str:
    value = parse_number(match.group(1))
    if value is None:
        return text
    plan.threshold = {"op": op, "value": value}
    plan.readings.append(Reading("threshold", match.group(0).strip(), {"op": op, "value": value},
                                 f"a figure {op} {value:g}", f"数值{op}{value:g}"))
    plan.given.append("threshold")
    return _blank(text, match.start(), match.end())


def read_top(text: str, plan: Plan) -> str:
    patterns = [rf"前\s*{NUMBER}\s*(?:名|个|位|家|强)?(?!\s*年)", rf"(?:top|first)\s*{NUMBER}"]
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            value = parse_number(match.group(1))
            if value:
                plan.top_n = int(value)
                plan.readings.append(Reading("top_n", match.group(0).strip(), plan.top_n, f"top {plan.top_n}",
                                             f"前{plan.top_n}名"))
                plan.given.append("top_n")
                return _blank(text, match.start(), match.end())
    agencies = "|".join(lexicon.GROUP_WORDS["agency"])
    match = re.search(rf"{NUMBER}\s*(?:个|家|位)?\s*(?:{agencies})", text)
    if match and find_cue(text, lexicon.RANK_DESC + lexicon.RANK_ASC):
        value = parse_number(match.group(1))
        if value:
            plan.top_n = int(value)
            plan.readings.append(Reading("top_n", match.group(0).strip(), plan.top_n, f"top {plan.top_n}",
                                         f"前{plan.top_n}名"))
            plan.given.append("top_n")
            return _blank(text, match.start(), match.end())
    return text


def read_group(text: str, plan: Plan) -> None:
    prefixes = "|".join(lexicon.GROUP_PREFIX)
    for key, words in lexicon.GROUP_WORDS.items():
        chinese = [w for w in words if not w.isascii()]
        english = [w for w in words if w.isascii()]
        match = re.search(rf"(?:{prefixes})\s*(?:{'|'.join(chinese)})", text) if chinese else None
        if match is None and english:
            match = re.search(rf"\b(?:by|per|each|every)\s+(?:{'|'.join(english)})\b", text)
        if match is None:
            continue
        words_found = match.group(0)
        # "各机关" / "each agency" asks about every report, not a grouping by agency.
        if key == "agency" and not words_found.startswith(("按", "by")):
            continue
        if key == "year" and not words_found.startswith(("按", "by")):
            continue  # 每年 / each year: a trend cue
        plan.group_by = key
        plan.given.append("group_by")
        plan.readings.append(Reading("group_by", words_found, key, f"grouped by {key}", f"按{words_found[-2:]}分组"))
        return


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def _candidates(resolution: Resolution) -> list:
    top = resolution.matches[0].confidence
    return [m for m in resolution.matches if top - m.confidence < AMBIGUITY_MARGIN]


def _region_confidence(match) -> float:
    # Resolution weighs regions below agencies to rank them; as a reading, a region's own
    # name is not a loose match.
    return round(min(1.0, match.confidence / REGION_WEIGHT), 3)


def entity_for(mention: Mention, prefer_region: bool, vocabulary: Vocabulary) -> Entity:
    """The agency (or region) a mention means; ambiguous names keep every candidate."""
    resolution = mention.resolution
    matches = resolution.matches
    best = matches[0]
    regions = [m for m in matches if m.agency is None]
    if prefer_region and regions and best.agency is not None:
        # A government named after a place, asked about its place: the place is meant.
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


def unknown_names(text: str, vocabulary: Vocabulary) -> tuple[list[str], list[Mention]]:
    """Names left in ``text`` (known names already blanked): unknown ones, and fuzzy matches."""
    unknown: list[str] = []
    fuzzy: list[Mention] = []
    spans: list[list[int]] = []
    for match in _UNKNOWN_NAME.finditer(text):
        if set(match.group(0)) & _NOT_IN_NAMES or metric_phrases(match.group(0)) \
                or match.group(0).startswith(_NOT_NAME_STARTS):
            continue
        if spans and spans[-1][1] == match.start():
            spans[-1][1] = match.end()  # 北京市 + 朝阳区: one name
        else:
            spans.append([match.start(), match.end()])
    spans += [[m.start(), m.end()] for m in _EN_UNKNOWN_NAME.finditer(text)]
    for start, end in spans:
        name = text[start:end]
        resolution = vocabulary.resolve(name)
        if resolution.matches:
            fuzzy.append(Mention(start, end, name, resolution))
        else:
            unknown.append(name)
    return unknown, fuzzy


# ---------------------------------------------------------------------------
# Cues and intent
# ---------------------------------------------------------------------------


def _quality_kind(text: str) -> tuple[str | None, str | None]:
    copied = find_cue(text, lexicon.QUALITY_COPIED)
    if copied:
        return "copied", copied
    narrative = find_cue(text, lexicon.QUALITY_NARRATIVE)
    if narrative:
        return "narrative", narrative
    balance = find_cue(text, lexicon.QUALITY_BALANCE)
    if balance:
        return "balance", balance
    mismatch = find_cue(text, lexicon.QUALITY_MISMATCH)
    named = find_cue(text, lexicon.QUALITY_NARRATIVE_OBJECT)
    if mismatch and named:
        return "narrative", f"{named}…{mismatch}"
    if mismatch:
        return "any", mismatch
    general = find_cue(text, lexicon.QUALITY_GENERAL)
    if general:
        return "any", general
    return None, None


def _narrative_kinds(text: str) -> tuple[list[str], str | None]:
    kinds: list[str] = []
    words: list[str] = []
    problems = find_cue(text, lexicon.PROBLEMS)
    if problems:
        kinds.append("problems")
        words.append(problems)
    measures = find_cue(text, lexicon.MEASURES)
    if measures:
        kinds.append("measures")
        words.append(measures)
    if not kinds:
        overview = find_cue(text, lexicon.OVERVIEW)
        if overview:
            return ["overview"], overview
        practice = find_cue(text, lexicon.PRACTICE)
        if practice:
            return [], practice
        return [], None
    return kinds, "、".join(words)


def _agency_list_cue(text: str) -> str | None:
    nouns = "|".join(lexicon.GROUP_WORDS["agency"] + ("政府", "地方", "governments", "offices"))
    lists = "|".join(re.escape(w) for w in lexicon.LIST)
    match = re.search(rf"(?:{lists})\s*(?:个|家|些)?\s*(?:{nouns})", text)
    return match.group(0) if match else None


def _structured_intent(plan: Plan, cues: dict[str, str | None], n_agencies: int) -> str:
    explicit_years = len(plan.years)
    if cues["compare"] or n_agencies >= 2:
        if n_agencies >= 2:
            plan.compare = "agency"
        elif explicit_years >= 2:
            plan.compare = "year"
        elif len(plan.metrics) >= 2:
            plan.compare = "metric"
        else:
            plan.compare = "agency"
        return "compare"
    if n_agencies == 1 and explicit_years >= 2:
        plan.compare = "year"
        return "compare"
    if cues["trend"] or (n_agencies >= 1 and plan.year_from is not None and not cues["rank"]):
        return "trend"
    if cues["rank"] or plan.top_n:
        return "rank"
    if cues["count"]:
        return "count"
    if cues["list"] or plan.threshold:
        return "list"
    if cues["average"]:
        return "average"
    if n_agencies >= 1:
        return "lookup"
    if plan.group_by:
        return "total"
    return "total"


# ---------------------------------------------------------------------------
# The whole reading
# ---------------------------------------------------------------------------


def understand(question: str, vocabulary: Vocabulary) -> Plan:
    """A plan for ``question`` alone (follow-ups are merged by :mod:`qa.dialogue`)."""
    newest = vocabulary.newest
    text = _chinese_years(to_simplified(question).strip())
    mentions = vocabulary.mentions(text)
    # A short name inside a metric's name (a place called 许可 in 行政许可) is the metric.
    named = metric_phrases(text)
    phrases_at = [(m.start(), m.end()) for m in re.finditer(_phrase_pattern(named), text.lower())] if named else []
    mentions = [m for m in mentions
                if not any(s <= m.start and m.end <= e and (m.end - m.start) < (e - s) for s, e in phrases_at)]
    plan = Plan(question=question, newest_year=newest)
    plan.lang = detect_language(text, [(m.start, m.end) for m in mentions])
    if not re.sub(r"[\W\d_]", "", _blank_all(text, [m.text for m in mentions])):
        plan.lang = detect_language(text)  # nothing but names ("Jiangle?"): their script decides
    plan.readings.append(Reading("language", "", plan.lang, f"answer in {'English' if plan.lang == 'en' else 'Chinese'}",
                                 "用中文回答" if plan.lang == "zh" else "用英文回答"))
    rest = text
    for m in mentions:
        rest = _blank(rest, m.start, m.end)
    unknown, fuzzy = unknown_names(rest, vocabulary)
    for m in fuzzy:
        rest = rest.replace(m.text, " " * len(m.text))
    mentions = sorted(mentions + fuzzy, key=lambda m: m.start)
    plan.unknown_names = unknown
    for name in unknown:
        rest = rest.replace(name, " " * len(name))
    # Lower case with positions kept (normalize() would collapse spaces).
    lowered = rest.lower().replace("（", "(").replace("）", ")")
    lowered = read_years(lowered, newest, plan)
    if plan.has_years():
        plan.given.append("years")
    lowered = read_threshold(lowered, plan)
    lowered = read_top(lowered, plan)
    read_group(lowered, plan)
    # Metrics.
    match = find_metrics(lowered)
    cue_text = _blank_all(english_forms_safe(lowered), match.phrases if match else [])
    plurals = {
        "list": find_cue(cue_text, lexicon.LIST),
        "count": find_cue(cue_text, lexicon.COUNT),
        "rank": find_cue(cue_text, lexicon.RANK_DESC + lexicon.RANK_ASC),
        "total": find_cue(cue_text, lexicon.TOTAL),
        "average": find_cue(cue_text, lexicon.AVERAGE),
        "compare": find_cue(cue_text, lexicon.COMPARE),
        "trend": find_cue(cue_text, lexicon.TREND),
        "numeric": find_cue(cue_text, lexicon.NUMERIC),
    }
    if plurals["rank"] and find_cue(cue_text, lexicon.RANK_ASC) and not find_cue(cue_text, lexicon.RANK_DESC):
        plan.order = "asc"
    quality, quality_words = _quality_kind(cue_text)
    kinds, kind_words = _narrative_kinds(cue_text)
    pronoun = find_cue(cue_text, lexicon.PLURAL_PRONOUNS)
    if pronoun and (quality or _agency_list_cue(cue_text) or (plurals["list"] and pronoun.isascii())):
        pronoun = None  # "哪些机关有诉讼，它们…" / "which reports … their tables": inside the question
    if pronoun:
        # "哪些机关有诉讼，它们…": the pronoun points inside the question, not to the previous answer.
        plan.from_previous = True
        plan.given.append("from_previous")
        plan.readings.append(Reading("agency", pronoun, "previous answer", "the agencies of the previous answer",
                                     "上一问答案中的机关"))
    numeric = any(plurals[k] for k in ("count", "rank", "total", "average", "compare", "trend", "numeric")) \
        or plan.threshold is not None or plan.top_n is not None
    if match is None and numeric and not quality and not kinds and not kind_words:
        residual = _blank_all(cue_text, [c for c in plurals.values() if c])
        match = embedding_match(re.sub(r"[\s?？,，。]+", " ", residual).strip())
    if match:
        plan.metrics = match.keys
        plan.given.append("metrics")
        plan.readings.append(Reading(
            "metric", "、".join(match.phrases), list(match.keys),
            {"catalogue": "the metric catalogue's names", "english word forms": "the catalogue's English names",
             "embedding": f"embedding similarity {match.confidence:.2f} to “{'、'.join(match.phrases)}”"}[match.how],
            {"catalogue": "指标目录中的名称", "english word forms": "指标目录中的英文名称",
             "embedding": f"与“{'、'.join(match.phrases)}”语义相似(相似度{match.confidence:.2f})"}[match.how],
            match.confidence))
    agency_list = _agency_list_cue(cue_text)
    plural = bool(plurals["count"] or plurals["rank"] or plurals["total"] or plurals["average"] or agency_list
                  or plan.group_by or (plurals["list"] and not mentions) or find_cue(cue_text, ("各", "所有", "全部")))
    # Intent.
    if quality:
        plan.intent, plan.quality = "quality", quality
        plan.given.append("quality")
        plan.readings.append(Reading("quality", quality_words or "", quality, f"data quality: {quality}",
                                     f"数据质量:{quality}"))
    elif kinds or kind_words:
        condition = plan.metrics and (agency_list or plan.threshold or plurals["rank"] or plurals["count"])
        plan.intent = "mixed" if condition else "narrative"
        plan.kinds = kinds
        plan.given.append("kinds")
        plan.readings.append(Reading("kind", kind_words or "", kinds, f"passages: {', '.join(kinds) or 'any section'}",
                                     f"段落类型:{'、'.join(kinds) or '不限'}"))
    elif plan.metrics or numeric:
        n_agencies = 0 if plural and len(mentions) == 1 else len(mentions)
        plan.intent = _structured_intent(plan, plurals, n_agencies)
    elif mentions or len(re.sub(r"[\W\d_]", "", lowered)) >= 4:
        plan.intent = "narrative"
    explicit = quality or kinds or kind_words or any(plurals[k] for k in plurals if k != "numeric")
    if explicit or plan.threshold or plan.top_n:
        plan.given.append("intent")
    plan.readings.append(Reading("intent", "", plan.intent, f"intent: {plan.intent}", f"意图:{plan.intent}"))
    # Entities.
    prefer_region = plural and len(mentions) == 1 and plan.intent not in ("lookup", "compare")
    for mention in mentions:
        entity = entity_for(mention, prefer_region, vocabulary)
        plan.entities.append(entity)
        label = entity.names if entity.kind == "agency" else entity.region
        plan.readings.append(Reading(entity.kind, mention.text, label, entity.how, entity.how_zh, entity.confidence))
    if plan.entities:
        plan.given.append("agencies" if plan.agency_entities() else "region")
    if plan.intent == "lookup" and not plan.agency_entities() and plan.region:
        plan.intent = "total"
    # Negation: "哪些机关没有行政诉讼" asks for the zero rows.
    if plan.intent in ("list", "count") and plan.threshold is None and plan.metrics:
        negation = find_cue(lowered, lexicon.NEGATION)
        if negation and _negates_metric(lowered, negation, match):
            plan.threshold = {"op": "=", "value": 0.0}
            plan.readings.append(Reading("threshold", negation, plan.threshold, "a figure of 0", "数值为0"))
    # Narrative: topic and the words to search.
    if plan.intent in ("narrative", "mixed"):
        words = _blank_all(rest, [m.text for m in mentions])
        if plan.intent == "mixed" and match:
            # The condition's metric (诉讼) is not what the passages should be about.
            words = _blank_all(english_forms_safe(words.lower()), match.phrases)
        topics = tag_topics(words)
        if topics:
            plan.topic = topics[0]
            plan.given.append("topic")
            plan.readings.append(Reading("topic", "", topics[0], f"topic {topics[0]}", f"主题{topics[0]}"))
    plan.search_text = search_text(rest, plan)
    return plan


def english_forms_safe(text: str) -> str:
    from qa.metric_terms import english_forms

    return english_forms(text) if re.search(r"[a-z]{3,}", text) else text


def _negates_metric(text: str, negation: str, match: MetricMatch | None) -> bool:
    if match is None:
        return False
    for phrase in match.phrases:
        for found in re.finditer(re.escape(negation), text):
            position = text.find(phrase, found.end())
            if 0 <= position - found.end() <= 12:
                return True
    return False


def search_text(rest: str, plan: Plan) -> str:
    """The question without names, years and question words: what the passage search looks for."""
    text = re.sub(r"(?:19|20)\d{2}\s*年?度?", " ", rest)
    for reading in plan.readings:
        if reading.piece in ("year", "threshold", "top_n") and reading.text:
            text = text.replace(reading.text, " ")
    text = re.sub(_phrase_pattern(lexicon.SEARCH_NOISE + lexicon.PLURAL_PRONOUNS + lexicon.FOLLOW_UP_TAIL),
                  " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,，。?？!！、")
    if len(re.sub(r"\W", "", text)) < 2:
        defaults = {"measures": "改进措施", "problems": "存在的问题", "overview": "总体情况"}
        text = " ".join(defaults[k] for k in plan.kinds if k in defaults) or text
    return text


def how_zh(how: str) -> str:
    return HOW_ZH.get(how, how)
