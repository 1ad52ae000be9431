"""Numbers in question text: years and ranges, thresholds, top-N, groupings, levels, language.

Readers take the question (lower case, names blanked out), record what they read in the
plan and return the text with what they read blanked, for the next reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from index.tables.operators import MAGNITUDES
from qa import lexicon
from qa.plan import Plan, Reading

_CN_NUMBER = "[零〇○一二两三四五六七八九十百千]+"
_EN_NUMBER = "|".join(sorted(lexicon.ENGLISH_NUMBERS, key=len, reverse=True))
NUMBER = rf"(\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d+(?:\.\d+)?|{_CN_NUMBER}|(?<![a-z])(?:{_EN_NUMBER})(?![a-z]))"
_YEAR = r"((?:19|20)\d{2})"
_UNITS = "|".join(map(re.escape, lexicon.UNITS))
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
    """三 → 3, 十五 → 15, 一百二十 → 120, 三千五 → 3500 (cn2an, spoken short forms too);
    None when not a numeral."""
    if not text or any(c not in lexicon.CHINESE_DIGITS and c not in lexicon.CHINESE_UNITS for c in text):
        return None
    if len(text) == 1:
        # 三 / 百 alone (cn2an wants a digit before 百 / 千, and takes 0.4 s to import).
        return lexicon.CHINESE_DIGITS.get(text, lexicon.CHINESE_UNITS.get(text))
    import cn2an

    text = text.replace("○", "〇")
    try:
        value = cn2an.cn2an(text, "smart")
    except ValueError:
        return None
    return int(value)


def parse_number(token: str) -> float | None:
    token = token.strip().lower()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):
        token = token.replace(",", "")  # 1,000
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if token in lexicon.ENGLISH_NUMBERS:
        return float(lexicon.ENGLISH_NUMBERS[token])
    value = chinese_number(token)
    return float(value) if value is not None else None


def phrase_pattern(phrases: Iterable[str]) -> str:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        parts.append(rf"(?<![a-z]){escaped}(?![a-z])" if phrase.isascii() else escaped)
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=1024)
def _cue_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(phrase_pattern(phrases))


def find_cue(text: str, phrases: Iterable[str]) -> str | None:
    """The first cue of ``phrases`` in ``text`` (English phrases as whole words), longest first."""
    match = _cue_pattern(tuple(phrases)).search(text)
    return match.group(0) if match else None


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_all(text: str, pieces: Iterable[str]) -> str:
    """Every occurrence of every piece blanked, overlapping ones too (found in the original text)."""
    blank = [False] * len(text)
    for piece in {p for p in pieces if p}:
        start = text.find(piece)
        while start >= 0:
            blank[start:start + len(piece)] = [True] * len(piece)
            start = text.find(piece, start + 1)
    return "".join(" " if b else c for c, b in zip(text, blank))


def chinese_years(text: str) -> str:
    """二〇二一年 → 2021年; 21年 / 22年的 / 12年 → 2021年 / 2022年的 / 2012年 (:func:`short_years`)."""
    def convert(match: re.Match[str]) -> str:
        return "".join(str(lexicon.CHINESE_DIGITS[c]) for c in match.group(1)) + "年"

    return short_years(re.sub(r"([零〇○一二三四五六七八九]{4})年", convert, text))


def short_years(text: str) -> str:
    """A two-digit year before 年 → its year in 2000–2039 (21年 → 2021年), unless the words
    around it make it a number of years (近10年, 第12年, 10年来: :data:`lexicon.SHORT_YEAR_NOT_AFTER`,
    :data:`lexicon.SHORT_YEAR_NOT_BEFORE`)."""
    def convert(match: re.Match[str]) -> str:
        before, after = text[:match.start()], text[match.end():]
        if before.rstrip().endswith(lexicon.SHORT_YEAR_NOT_AFTER) or after.startswith(lexicon.SHORT_YEAR_NOT_BEFORE):
            return match.group(0)
        value = int(match.group(1))
        return f"{2000 + value}年" if value < 40 else match.group(0)

    return re.sub(r"(?<![\d.])(\d{2})\s*年", convert, text)


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
            text = blank(text, match.start(), match.end())
    since = rf"{_YEAR}\s*年?\s*(以来|之后|以后|起)|(since|after|from)\s+{_YEAR}"
    for match in list(re.finditer(since, text)):
        year = int(match.group(1) or match.group(4))
        after = (match.group(2) in ("之后", "以后")) or match.group(3) == "after"
        plan.year_from = year + 1 if after else year
        note(match.group(0), plan.year_from, f"from {plan.year_from} on", f"{plan.year_from}年起")
        text = blank(text, match.start(), match.end())
    after_year = "|".join(re.escape(w) for w in lexicon.BEFORE if not w.isascii())
    before_year = "|".join(re.escape(w) for w in lexicon.BEFORE_YEAR)
    before = rf"{_YEAR}\s*(?:年度|年)?\s*({after_year})|({before_year})\s*{_YEAR}(?:\s*(?:年度|年))?"
    for match in list(re.finditer(before, text)):
        year = int(match.group(1) or match.group(4))
        plan.year_to = year if match.group(3) in lexicon.UNTIL else year - 1
        note(match.group(0), plan.year_to, f"up to {plan.year_to}", f"截至{plan.year_to}年")
        text = blank(text, match.start(), match.end())
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
        text = blank(text, match.start(), match.end())
    relative = phrase_pattern(lexicon.RELATIVE_YEARS)
    named = _row_name_spans(text)
    for match in list(re.finditer(relative, text)):
        if newest is None or any(s <= match.start() and match.end() <= e for s, e in named):
            continue  # 承接上一年度: a row's name (上年结转), not a year
        word = match.group(0)
        year = newest + lexicon.RELATIVE_YEARS[word]
        plan.years.append(year)
        note(word, year,
             f"“{word}” read as {year}: the newest report year in the corpus is {newest} "
             "(reports describe the year before they come out)",
             f"“{word}”理解为{year}年:语料库中最新的报告年份是{newest}年(年报在次年发布)")
        text = blank(text, match.start(), match.end())
    carried = rf"(?:{phrase_pattern(lexicon.CARRIED_TO_YEAR)})\s*({_YEAR}\s*(?:年度|年)?)"
    for match in list(re.finditer(carried, text)):
        # 转到2026年接着办: where to, not which year; read as 转到下年度 (same length: positions kept).
        start, end = match.start(1), match.end(1)
        if end - start >= 3 and re.search(r"[\u4e00-\u9fff]", match.group(0)):
            text = text[:start] + "下年度".ljust(end - start) + text[end:]
        else:
            text = blank(text, start, end)
    for match in list(re.finditer(rf"(?<![\d.]){_YEAR}(?![\d.%])\s*(年度|年)?", text)):
        after = text[match.end():match.end() + 2].strip()
        if not match.group(2) and after[:1] and any(after.startswith(u) for u in lexicon.UNITS):
            continue  # 2000件 is a number, not a year
        year = int(match.group(1))
        if year not in plan.years:
            plan.years.append(year)
            note(match.group(0), year, f"year {year}", f"{year}年")
        text = blank(text, match.start(), match.end())
    return text


def _row_name_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a table row (its words may hold a relative year: 承接上一年度)."""
    from index.tables.metrics import phrase_hits

    return [(h.start, h.end) for h in phrase_hits(text) if h.kind == "row"]


# ---------------------------------------------------------------------------
# Thresholds and top-N
# ---------------------------------------------------------------------------


def read_threshold(text: str, plan: Plan) -> str:
    """"超过10件" / "more than 5" / "10件以上" / "最多不超过5件" / "过百" / "两位数" into
    ``plan.threshold``; returns the text without it.  The operators and their words are
    declared once in :mod:`index.tables.operators`."""
    sizes = {w: m for m in MAGNITUDES for w in m.words}
    match = re.search(phrase_pattern(sizes), text)  # longest words first: 达到两位数 before 两位数
    if match:
        size = sizes[match.group(0)]
        return _take_threshold(text, match, size.op, plan, size.low, size.high)
    for words, op in lexicon.THRESHOLD_BEFORE:
        # Two words of one operator read as one: 最多不超过5件, at most no more than 5.
        pattern = rf"(?:{phrase_pattern(words)}\s*)+{NUMBER}\s*(?:{_UNITS})?"
        match = re.search(pattern, text)
        if match:
            return _take_threshold(text, match, op, plan)
    for words, op in lexicon.THRESHOLD_AFTER:
        pattern = rf"{NUMBER}\s*(?:{_UNITS})?\s*{phrase_pattern(words)}"
        match = re.search(pattern, text)
        if match:
            return _take_threshold(text, match, op, plan)
    return text


def _take_threshold(text: str, match: re.Match[str], op: str, plan: Plan, value: float | None = None,
                    high: float | None = None) -> str:
    if value is None:
        value = parse_number(match.group(1))
    if value is None:
        return text
    plan.threshold = {"op": op, "value": value}
    if high is not None:
        plan.threshold["high"] = high
    said = f"{value:g}–{high:g}" if high is not None else f"{op} {value:g}"
    plan.readings.append(Reading("threshold", match.group(0).strip(), dict(plan.threshold),
                                 f"a figure {said}", f"数值{said}"))
    plan.given.append("threshold")
    return blank(text, match.start(), match.end())


def read_top(text: str, plan: Plan) -> str:
    """前五 / top 3, or "5个机关" next to a ranking cue: the plan's top-N."""
    agencies = "|".join(lexicon.GROUP_WORDS["agency"])
    candidates = [re.search(rf"前\s*{NUMBER}\s*(?:名|个|位|家|强)?(?!\s*年)", text),
                  re.search(rf"(?:top|first)\s*{NUMBER}", text)]
    if find_cue(text, lexicon.RANK_DESC + lexicon.RANK_ASC):
        candidates.append(re.search(rf"{NUMBER}\s*(?:个|家|位)?\s*(?:{agencies})", text))
    for match in candidates:
        value = parse_number(match.group(1)) if match else None
        if match and value:
            plan.top_n = int(value)
            plan.readings.append(Reading("top_n", match.group(0).strip(), plan.top_n, f"top {plan.top_n}",
                                         f"前{plan.top_n}名"))
            plan.given.append("top_n")
            return blank(text, match.start(), match.end())
    return text


def read_level(text: str, plan: Plan) -> None:
    """"哪些街道办…" / "which townships …": only agencies of that level (never a grouping "各乡镇")."""
    prefixes = tuple(lexicon.GROUP_PREFIX)
    for level, words in lexicon.LEVEL_WORDS.items():
        for match in re.finditer(phrase_pattern(words), text):
            if text[max(0, match.start() - 1):match.start()] in prefixes or plan.group_by:
                continue
            plan.level = level
            plan.given.append("level")
            plan.readings.append(Reading("level", match.group(0), level, f"only {level} agencies",
                                         f"只看{match.group(0)}"))
            return


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
