"""Agency and place names in question text: known ones resolved, unknown ones named.

Known names come from :meth:`qa.corpus.Vocabulary.mentions`; a word that looks like a place
or an agency (a few characters and 市 / 县 / 局 …, or "X District") but is not in the
corpus is reported as unknown, so that the answer says so instead of answering for all.
"""

from __future__ import annotations

import re

from index.tables.resolve import AMBIGUITY_MARGIN, REGION_WEIGHT, Resolution, split_place, strip_government
from qa.corpus import Mention, Vocabulary
from qa.metric_terms import metric_phrases
from qa.plan import Entity, Plan, Reading
from qa.quantities import blank, blank_all, detect_language, phrase_pattern

# A place or agency name the vocabulary did not know: a few characters and a suffix.
_NAME_SUFFIXES = ("自治区", "自治州", "自治县", "高新区", "开发区", "新区", "街道", "苏木", "管委会", "委员会", "办公室", "办公厅",
                  "人民政府", "省", "市", "区", "县", "镇", "乡", "旗", "盟", "州", "局", "委", "厅")
_UNKNOWN_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:" + "|".join(_NAME_SUFFIXES) + r")")
_NOT_IN_NAMES = set("哪各所全每按该本其这那些个的是有在与及或年多少几")
# Words that open a phrase, not a name ("关于…").
_NOT_NAME_STARTS = ("关于", "对于", "有关", "针对", "按照", "根据")
_EN_UNKNOWN_NAME = re.compile(
    r"\b([A-Z][a-z]+(?:[ \-][A-Z][a-z]+)*)\s+(District|County|Town|Township|City|Province|Subdistrict|Banner|Zone)\b")


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
    if prefer_region and regions and best.agency is not None and not names_an_office(mention.text, best.how):
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


def read_names(text: str, vocabulary: Vocabulary, plan: Plan) -> tuple[list[Mention], str]:
    """Agency and place names (known, fuzzy, unknown); returns them and the text without them."""
    mentions = vocabulary.mentions(text)
    # A short name inside a metric's name (a place called 许可 in 行政许可) is the metric.
    named = metric_phrases(text)
    phrases_at = [(m.start(), m.end()) for m in re.finditer(phrase_pattern(named), text.lower())] if named else []
    mentions = [m for m in mentions
                if not any(s <= m.start and m.end <= e and (m.end - m.start) < (e - s) for s, e in phrases_at)]
    plan.lang = detect_language(text, [(m.start, m.end) for m in mentions])
    if not re.sub(r"[\W\d_]", "", blank_all(text, [m.text for m in mentions])):
        plan.lang = detect_language(text)  # nothing but names ("Jiangle?"): their script decides
    plan.readings.append(Reading("language", "", plan.lang, f"answer in {'English' if plan.lang == 'en' else 'Chinese'}",
                                 "用中文回答" if plan.lang == "zh" else "用英文回答"))
    rest = text
    for m in mentions:
        rest = blank(rest, m.start, m.end)
    unknown, fuzzy = unknown_names(rest, vocabulary)
    plan.unknown_names = unknown
    rest = blank_all(rest, [m.text for m in fuzzy] + unknown)
    return sorted(mentions + fuzzy, key=lambda m: m.start), rest
