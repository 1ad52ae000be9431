"""Question → :class:`~qa.plan.Plan`: the one place where question text is read.

Steps, each a function: the language and names (:mod:`qa.names`); years, ranges and relative
years against the newest report year of the corpus, thresholds, top-N, groupings
(:mod:`qa.quantities`); metrics (:mod:`qa.metric_terms`); cue words for intents, narrative
kinds and data-quality questions (:mod:`qa.lexicon`); the intent; the text to search.
Every piece read is recorded as a :class:`~qa.plan.Reading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.passages.topics import tag_topics
from parsing.meta import to_simplified
from qa import change, corpus_facts, data_quality, intents, lexicon, rates
from qa.corpus import Mention, Vocabulary
from qa.coverage import name_like, only_name, original_case, unlinked_words
from qa.metric_terms import MetricMatch, find_metrics, row_phrases_in
from qa.names import entity_for, read_names
from qa.plan import STRUCTURED, Plan, Reading
from qa.quantities import (blank_all, chinese_years, find_cue, phrase_pattern, read_group, read_level,
                           read_threshold, read_top, read_years)

# ---------------------------------------------------------------------------
# Cues and intent
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The whole reading
# ---------------------------------------------------------------------------


@dataclass
class _Cues:
    """Cue words found in the question (metric names blanked), by what they ask for."""

    found: dict[str, str | None]
    quality: str | None
    quality_words: str | None
    kinds: list[str]
    kind_words: str | None
    pronoun: str | None
    agency_list: str | None

    def __getitem__(self, key: str) -> str | None:
        return self.found[key]

    @property
    def numeric(self) -> bool:
        # A structured intent's cue other than a list word (哪些) asks for a figure.
        return bool(self.found["numeric"]) or any(
            self.found[k] for k in self.found if k not in ("numeric", "list") and intents.get(k).structured)

    @property
    def narrative(self) -> bool:
        return bool(self.kinds or self.kind_words)


def read_cues(cue_text: str, figure_named: bool = False, whole: str | None = None) -> _Cues:
    """The cue words of ``cue_text`` (the question with its figure's words blanked); ``whole``, the
    question before blanking, for checks named by a figure's own words (结转数前后对不上)."""
    found = {name: find_cue(cue_text, words) for name, words in intents.cue_words().items()}
    found["numeric"] = find_cue(cue_text, lexicon.NUMERIC)
    count = found.get("count")
    if count and any(f"{w}{count}" in cue_text for w in lexicon.WHICH):
        found["count"] = None  # "哪几家单位…" asks which, not how many
    quality, quality_words = data_quality.kind(cue_text, figure_named, whole)
    kinds, kind_words = _narrative_kinds(cue_text)
    agency_list = _agency_list_cue(cue_text)
    pronoun = find_cue(cue_text, lexicon.PLURAL_PRONOUNS)
    if pronoun and (quality or agency_list or (found["list"] and pronoun.isascii())):
        pronoun = None  # "哪些机关有诉讼，它们…" / "which reports … their tables": inside the question
    return _Cues(found, quality, quality_words, kinds, kind_words, pronoun, agency_list)


def read_metric(plan: Plan, match: MetricMatch | None) -> None:
    if not match:
        return
    plan.metrics = match.keys
    plan.given.append("metrics")
    phrases = "、".join(match.phrases)
    how = {"catalogue": ("the metric catalogue's names", "指标目录中的名称"),
           "english word forms": ("the catalogue's English names", "指标目录中的英文名称"),
           "column only": ("a column named without its row: each row that has it", "只写了列名,列出有该列的各行"),
           "embedding": (f"embedding similarity {match.confidence:.2f} to “{phrases}”",
                         f"与“{phrases}”语义相似(相似度{match.confidence:.2f})")}[match.how]
    plan.readings.append(Reading("metric", phrases, list(match.keys), how[0], how[1], match.confidence))


def decide_intent(plan: Plan, cues: _Cues, mentions: list[Mention], plural: bool, text: str,
                  column_words: bool = False) -> None:
    # "What did procurement cost": a word that chose a column asks for the figure, not for
    # passages, unless problems or measures are asked for.
    practice_only = cues.narrative and not cues.kinds and column_words and bool(plan.metrics)
    # "How did the reconsideration caseload change between 2024 and 2025": a figure's change.
    practice_only = practice_only or (cues.narrative and not cues.kinds and bool(plan.metrics)
                                      and change.when(plan, cues.found, len(mentions)))
    if cues.quality:
        plan.intent, plan.quality = "quality", cues.quality
        plan.given.append("quality")
        plan.readings.append(Reading("quality", cues.quality_words or "", cues.quality,
                                     f"data quality: {cues.quality}", f"数据质量:{cues.quality}"))
    elif cues.narrative and not practice_only:
        condition = plan.metrics and (cues.agency_list or plan.threshold or cues["rank"] or cues["count"])
        plan.intent = "mixed" if condition else "narrative"
        plan.kinds = cues.kinds
        plan.given.append("kinds")
        plan.readings.append(Reading("kind", cues.kind_words or "", cues.kinds,
                                     f"passages: {', '.join(cues.kinds) or 'any section'}",
                                     f"段落类型:{'、'.join(cues.kinds) or '不限'}"))
    elif plan.metrics or cues.numeric or practice_only:
        n_agencies = 0 if plural and len(mentions) == 1 else len(mentions)
        plan.intent = intents.structured_intent(plan, cues.found, n_agencies)
    elif mentions or len(re.sub(r"[\W\d_]", "", text)) >= 4:
        plan.intent = "narrative"
    explicit = cues.quality or cues.narrative or any(cues[k] for k in cues.found if k != "numeric")
    if explicit or plan.threshold or plan.top_n:
        plan.given.append("intent")
    plan.readings.append(Reading("intent", "", plan.intent, f"intent: {plan.intent}", f"意图:{plan.intent}"))


def _each_item(cue_text: str, match: MetricMatch | None) -> str:
    """行政许可和行政处罚各是多少 / 新收和结转分别多少: with two figures named, 各 is each of
    them, not each agency (the words blanked)."""
    if match is None or len(match.keys) < 2:
        return cue_text
    return blank_all(cue_text, [w for w in lexicon.EACH_ITEM if w in cue_text])


def read_entities(plan: Plan, mentions: list[Mention], plural: bool, vocabulary: Vocabulary) -> None:
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


def read_topic(plan: Plan, words: str, match: MetricMatch | None) -> None:
    if plan.intent == "mixed" and match:
        # The condition's metric (诉讼) is not what the passages should be about.
        words = blank_all(english_forms_safe(words.lower()), match.phrases)
    topics = tag_topics(words)
    if topics:
        plan.topic = topics[0]
        plan.given.append("topic")
        plan.readings.append(Reading("topic", "", topics[0], f"topic {topics[0]}", f"主题{topics[0]}"))


def understand(question: str, vocabulary: Vocabulary) -> Plan:
    """A plan for ``question`` alone (follow-ups are merged by :mod:`qa.dialogue`)."""
    plan = Plan(question=question, newest_year=vocabulary.newest)
    text = chinese_years(to_simplified(question).strip())
    mentions, rest = read_names(text, vocabulary, plan)
    # Lower case with positions kept (normalize() would collapse spaces).
    lowered = rest.lower().replace("（", "(").replace("）", ")")
    # 比去年 / than the year before: the base of a change, not the newest report year (qa.change).
    lowered = read_years(change.read_change(lowered, plan), vocabulary.newest, plan)
    if plan.has_years():
        plan.given.append("years")
    lowered = read_top(read_threshold(lowered, plan), plan)
    read_group(lowered, plan)
    forms = english_forms_safe(lowered)
    # A share of a rate's parts (拒绝的比例, "what share … were refused") is the rate (qa.rates).
    match = rates.read_rate(find_metrics(lowered), forms)
    cue_text = blank_all(forms, row_phrases_in(forms) if match else [])
    cues = read_cues(cue_text, match is not None, forms)
    if cues["rank"] and find_cue(cue_text, lexicon.RANK_ASC) and not find_cue(cue_text, lexicon.RANK_DESC):
        plan.order = "asc"
    if cues.pronoun:
        plan.from_previous = True
        plan.given.append("from_previous")
        plan.readings.append(Reading("agency", cues.pronoun, "previous answer", "the agencies of the previous answer",
                                     "上一问答案中的机关"))
    numeric = cues.numeric or plan.threshold is not None or plan.top_n is not None
    if match is None and numeric and not cues.quality and not cues.narrative and vocabulary.similar_metric:
        residual = blank_all(cue_text, [c for c in cues.found.values() if c])
        match = vocabulary.similar_metric(re.sub(r"[\s?？,，。]+", " ", residual).strip())
    read_metric(plan, match)
    plural = bool(cues["count"] or cues["rank"] or cues["total"] or cues["average"] or cues.agency_list
                  or plan.group_by or (cues["list"] and not mentions)
                  or find_cue(_each_item(cue_text, match), ("各", "所有", "全部")))
    if len(mentions) == 1 and change.asks_which_year(cue_text):
        plural = False  # 平潭哪一年的公开率最高: the years of the agency named, not its region
    if plural:
        read_level(cue_text, plan)
    decide_intent(plan, cues, mentions, plural, lowered, bool(match and match.columns))
    read_entities(plan, mentions, plural, vocabulary)
    # About the reports themselves (几份年报 / 哪天发布 / 繁体): only when no figure was named.
    # A column named without its row (哪天发布 → 本年制发?) is a loose reading: the corpus reading wins
    # when every other word is a corpus word.
    corpus_facts.read(plan, cue_text, match is not None and match.how not in ("embedding", "column only"),
                      bool(cues.quality or cues.kinds))
    # Negation: "哪些机关没有行政诉讼" asks for the zero rows.
    if plan.intent in ("list", "count") and plan.threshold is None and plan.metrics:
        negation = find_cue(lowered, lexicon.NEGATION)
        if negation and _negates_metric(lowered, negation, match):
            plan.threshold = {"op": "=", "value": 0.0}
            plan.readings.append(Reading("threshold", negation, plan.threshold, "a figure of 0", "数值为0"))
    if plan.intent in ("narrative", "mixed"):
        read_topic(plan, blank_all(rest, [m.text for m in mentions]), match)
    plan.search_text = search_text(rest, plan)
    read_coverage(plan, text, cue_text, match)
    return plan


def read_coverage(plan: Plan, question: str, cue_text: str, match: MetricMatch | None) -> None:
    """The question's content words that nothing above linked (figures only: a narrative
    question's other words are what its passages are searched for).  A word standing where
    a name stands (平潭2022年…) is an agency the corpus lacks: the answer says so."""
    words = unlinked_words(cue_text, match.columns + match.unused if match else [])
    if plan.intent not in STRUCTURED:
        # Only a bare follow-up (那平潭呢？ / And Pingtan?) is read for a name here: a passage
        # question's other words are what it searches for.
        words = [w for w in words if only_name(w, question)]
    names = [original_case(w, question) for w in words if name_like(w, question)]
    if names:
        plan.unknown_names += [n for n in names if n not in plan.unknown_names]
        plan.readings.append(Reading("agency", "、".join(names), None, "a name the corpus does not hold",
                                     "语料库中没有的名称", 0.0))
    if plan.intent not in STRUCTURED or (match is not None and match.how == "embedding"):
        return  # an embedding match is stated as a loose match already
    plan.unlinked = list(dict.fromkeys((match.unused if match else []) + [w for w in words if original_case(w, question) not in names]))
    if plan.unlinked:
        plan.readings.append(Reading("unlinked", "、".join(plan.unlinked), plan.unlinked, "not understood",
                                     "没有识别", 0.0))


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
            # A verb's negation after the figure: "一件申请都没收到" (not "不为零": that is more than 0).
            before = text.rfind(phrase, 0, found.start())
            gap = text[before + len(phrase):found.start()] if before >= 0 else ""
            if before >= 0 and len(gap) <= 3 and "不" not in gap and negation not in lexicon.NUMERIC_NEGATION:
                return True
    return False


def search_text(rest: str, plan: Plan) -> str:
    """The question without names, years and question words: what the passage search looks for."""
    text = re.sub(r"(?:19|20)\d{2}\s*年?度?", " ", rest)
    for reading in plan.readings:
        if reading.piece in ("year", "threshold", "top_n") and reading.text:
            text = text.replace(reading.text, " ")
    text = re.sub(phrase_pattern(lexicon.SEARCH_NOISE + lexicon.PLURAL_PRONOUNS + lexicon.FOLLOW_UP_TAIL),
                  " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,，。?？!！、")
    if len(re.sub(r"\W", "", text)) < 2:
        defaults = {"measures": "改进措施", "problems": "存在的问题", "overview": "总体情况"}
        text = " ".join(defaults[k] for k in plan.kinds if k in defaults) or text
    return text
