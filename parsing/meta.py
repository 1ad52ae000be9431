"""Report metadata: agency, year reported on, publication date, script, template."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from parsing.template import TEMPLATE_2019, TEMPLATE_2021, TEMPLATE_UNKNOWN, TEMPLATES
from parsing.vocabulary import (BARE_DATE_LABEL, DATE_LABELS, GLUED_VERBS, NOT_PLACELESS, OFFICE_NAMES,
                                OFFICE_OBJECT_VERBS, PLACELESS_PREFIXES, SELF_REFERENCES)

_REPORT_TITLE = re.compile(
    r"^(?:.*?[:：|，,。]\s*)?(?P<agency>[\u4e00-\u9fff（）()·]{2,40}?)\s*(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*"
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?报告"
)
_TITLE_ONLY = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?报告")
_PERIOD_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_REPORTED_YEAR = re.compile(r"(?:现将|现就|根据|对)\s*((?:19|20)\d{2})\s*年度?[^。]{0,30}?(?:政府信息公开|政务公开)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(
    r"(?:" + "|".join(DATE_LABELS) + rf"|(?:(?<=\s)|^){BARE_DATE_LABEL}(?=\s*[:：]))\s*[:：]?\s*[|｜]?\s*"
    r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", re.M)
# "2024年示例市科委政府信息公开工作年度报告": the year before the agency.
_YEAR_FIRST_TITLE = re.compile(
    r"^(?P<year>(?:19|20)\d{2})\s*年度?\s*(?!度|政府信息|政务公开|信息公开)(?P<agency>[\u4e00-\u9fff（）()·]{2,30}?)\s*"
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?报告")
_GLUED_VERB = re.compile("^(?:" + "|".join(sorted(GLUED_VERBS, key=len, reverse=True)) + ")+")
_CHROME_PREFIX = re.compile(r"^(?:文件名称|标题|名称|题名)\s*[:：]?\s*[|｜]?\s*")

# Administrative units a self-named agency ends with, and the office names that follow them
# (OFFICE is public: index.tables.level classifies agencies by the same words).
_PLACE = r"(?:[\u4e00-\u9fff]{1,10}?(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|新区|镇|乡|街道|苏木))"
OFFICE = "(?:" + "|".join(OFFICE_NAMES) + ")"
_FULL_AGENCY = re.compile(rf"({_PLACE}{{1,3}}?{OFFICE})(?!门户|网站|网|公报|信息公开(?:网|平台|专栏))")
_SHORT_OFFICE = re.compile(rf"({_PLACE}{{1,3}}?)(?:政府办|府办)(?!公)")
_SHORT_FULL_NAME = "人民政府办公室"
_OFFICE_OBJECT_VERB = re.compile("^(?:" + "|".join(OFFICE_OBJECT_VERBS) + ")")
_LEADING_PLACE = re.compile(rf"^({_PLACE}{{1,3}}?)(?=严格|认真|坚持|始终|按照|根据|全面|深入|高度|紧紧|积极|以)")


def report_year(work_text: str, title_year: int | None, narrative: str) -> int | None:
    """The year the report is about (not the year it was published)."""
    if title_year:
        return title_year
    period = _PERIOD_YEAR.search(work_text)
    if period and period.group(1) == period.group(2):
        return int(period.group(1))
    stated = _REPORTED_YEAR.search(work_text)
    if stated:
        return int(stated.group(1))
    years = Counter(int(y) for y in _YEAR.findall(narrative or work_text))
    if not years:
        return None
    return years.most_common(1)[0][0]


def find_title(work_lines: Sequence[str], limit: int = 25) -> tuple[str | None, int | None, int | None]:
    """(agency, year, line number) of the report's title, if it prints one near the top.

    A title may be split over two lines ("2024 年示例市科委政府信息公开工作" / "年度报告").
    """
    head = [_CHROME_PREFIX.sub("", line.strip()) for line in work_lines[:limit + 1]]
    for i, text in enumerate(head[:limit]):
        found = _title_in(text)
        if found is None and i + 1 < len(head) and 0 < len(text) < 40 and 0 < len(head[i + 1]) < 20:
            found = _title_in(text + head[i + 1])
        if found is not None:
            return found[0], found[1], i
    return None, None, None


def _title_in(text: str) -> tuple[str | None, int] | None:
    match = _REPORT_TITLE.search(text)
    if match:
        agency = strip_glued_verb(match.group("agency").strip("|｜ "))
        return (agency or None), int(match.group("year"))
    first = _YEAR_FIRST_TITLE.search(re.sub(r"(?<=\d)\s+(?=年)", "", text))
    if first and len(text) < 60:
        return strip_glued_verb(first.group("agency")) or None, int(first.group("year"))
    only = _TITLE_ONLY.search(text)
    if only and len(text) < 40 and text.startswith(only.group(0)[:4]):
        return None, int(only.group("year"))
    return None


def strip_glued_verb(agency: str) -> str:
    """An agency name without the verb the opening sentence glued to it ("特编制示例市…")."""
    cut = _GLUED_VERB.match(agency)
    name = agency[cut.end():] if cut and len(agency) - cut.end() >= 2 else agency
    # "现将我局…报告": the report names itself, not its agency.
    return "" if name.startswith(SELF_REFERENCES) else name


_PLACE_OF_LEVEL = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|县|自治县|区|旗|镇|乡))")


def place_for(agency: str, texts: Sequence[str]) -> str:
    """An agency named without its place ("区统计局") with the place the page states.

    The place is the most frequent full agency name's place in ``texts`` (the page's
    publisher, its narrative) whose level matches the agency's first character; without one
    the name is kept as given.
    """
    if len(agency) < 3 or agency[0] not in PLACELESS_PREFIXES or agency[1] in PLACELESS_PREFIXES:
        return agency
    if agency.startswith(NOT_PLACELESS):
        return agency
    places: Counter[str] = Counter()
    # Best: the same office spelt with its place ("…请与示例市青石区统计局联系").
    same_office = re.compile(r"([\u4e00-\u9fff]{1,12}" + re.escape(agency[0]) + ")" + re.escape(agency[1:]))
    for text in texts:
        for m in same_office.finditer(text or ""):
            place = _trim(m.group(1) + agency[1:])[:-len(agency) + 1]
            if len(place) > 1 and not _NOT_A_PLACE_START.match(place):
                places[place] += 1
    if places:
        return places.most_common(1)[0][0] + agency[1:]
    for text in texts:
        for m in _FULL_AGENCY.finditer(text or ""):
            place = re.sub(OFFICE + "$", "", _trim(m.group(1)))
            if place.endswith(agency[0]) and len(place) > 1:
                places[place] += 1
    if not places:
        return agency
    place = places.most_common(1)[0][0]
    return place + agency[1:]


def find_agency(work_text: str) -> str | None:
    """The agency a report without a title names itself by.

    Prefers full office names ("…区人民政府办公室"), then "…政府办" short forms expanded to
    the full office name, then a place name opening the first sentence.
    """
    full = Counter(m.group(1) for m in _FULL_AGENCY.finditer(work_text))
    # The place of a short form: neither a verb taking the office as object nor a clause's
    # last characters ("2021年区府办") are part of it; a bare "区" is no place.
    short_names = (_trim(_OFFICE_OBJECT_VERB.sub("", m.group(1)) + _SHORT_FULL_NAME)
                   for m in _SHORT_OFFICE.finditer(work_text))
    short = Counter(name for name in short_names if len(name) > len(_SHORT_FULL_NAME) + 1)
    candidates = full + short
    # Drop names that are only a province/city prefix of a longer candidate's place.
    if candidates:
        best = max(candidates.items(), key=lambda kv: (kv[1], len(kv[0])))
        return _trim(best[0])
    lead = _LEADING_PLACE.search(work_text.lstrip())
    if lead:
        return _trim(lead.group(1))
    return None


# Characters that end a clause or are function words, never the first character of a place
# name; the non-greedy place pattern can swallow them ("2021年请与示例县…").
# (Only characters no place name starts with: 和平区, 本溪市, 即墨区, 从化区, 日照市 rule out
# 和 本 即 从 日 and the like.)
_NOT_A_PLACE_START = re.compile(r"^.*[年的了在由据我与及请把被给让使、]")


def _trim(name: str) -> str:
    place_end = re.search(OFFICE, name)
    head = name[:place_end.start()] if place_end else name
    cut = _NOT_A_PLACE_START.match(head)
    return name[cut.end():] if cut and cut.end() < len(head) else name


# Every date label holds one of these words, at most _DATE_LEAD characters into the label: a
# match starts no earlier than that before the first of them (None: some label holds none).
_DATE_KEYS = ("日期", BARE_DATE_LABEL)
_DATE_LEAD = (max(min(label.find(k) for k in _DATE_KEYS if k in label) for label in DATE_LABELS)
              if all(any(k in label for k in _DATE_KEYS) for label in DATE_LABELS) else None)


def published_date(work_text: str) -> str | None:
    start = 0
    if _DATE_LEAD is not None:
        found = [p for p in (work_text.find(k) for k in _DATE_KEYS) if p >= 0]
        if not found:
            return None
        start = max(0, min(found) - _DATE_LEAD)
    match = _DATE.search(work_text, start)
    if not match:
        return None
    y, m, d = (int(x) for x in match.groups())
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def detect_template(work_text: str) -> str:
    """"2021", "2019" or "unknown", from the header phrases only one template prints."""
    scores = {key: sum(marker in work_text for marker in spec.markers) for key, spec in TEMPLATES.items()}
    if scores[TEMPLATE_2021] == 0 and scores[TEMPLATE_2019] == 0:
        # No header phrases: a table may still be there if its row labels are.
        apps = TEMPLATES[TEMPLATE_2021].tables["applications"]
        rows = sum(any(m in work_text for m in r.match) for r in apps.rows if r.match)
        if rows >= len(apps.rows) // 2:
            return TEMPLATE_2021 if "逾期不补正" in work_text else TEMPLATE_2019
        return TEMPLATE_UNKNOWN
    return TEMPLATE_2021 if scores[TEMPLATE_2021] >= scores[TEMPLATE_2019] else TEMPLATE_2019


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def detect_script(original: str, simplified: str, sample: int = 6000) -> str:
    """"traditional" when converting to simplified changes a noticeable share of the text."""
    original, simplified = original[:sample], simplified[:sample]
    if original == simplified:  # nothing changed (most reports): simplified, CJK or not
        return "simplified"
    cjk = len(_CJK.findall(original))
    if not cjk:
        return "simplified"
    if len(original) == len(simplified):
        changed = sum(map(str.__ne__, original, simplified))
    else:
        changed = len(set(original) ^ set(simplified)) * 10
    return "traditional" if changed / cjk > 0.03 else "simplified"
