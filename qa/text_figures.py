"""Figures a report states only in its text (关停政务新媒体2个, 主动公开政府信息14571条).

A question that names an agency and asks a quantity whose words link to no table cell (or
only loosely) is looked up in the narrative of that agency's reports: every figure with a
unit (条/个/篇/件/次/万元…) in a sentence is scored by how much of the question's content
its clause and its sentence share, and the best figures are answered with the sentence
quoted, the report as source, and the mark "stated in the text, not a table cell".  Figures
that score alike in different sentences are shown side by side as readings; when none
scores well enough the answer says so.  Never a figure of an unrelated sentence.

Steps, each a function: :func:`asks_quantity` (is a number asked for?), :func:`concepts`
(the question's content: Chinese segments, English words with the Chinese a report would
use), :func:`figures_in` (numbers with units in a sentence, with their clause), :func:`score`,
:func:`find` (over the passages of the reports in scope) and :func:`lines` (the answer).
Words live in :mod:`qa.narrative_terms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from index.passages.search import Hit
from parsing.meta import to_simplified
from qa import lexicon, narrative_terms as terms
from qa.corpus import Corpus
from qa.facts import Facts, Note
from qa.figures import year_text
from qa.plan import STRUCTURED, Plan, Reading
from qa.report_scope import region_clauses, report_clauses, where_sql

INTENT = "text_figure"
# Structured intents a figure of one report's text may answer instead.
SINGLE_FIGURE = ("lookup", "total", "count")

# A figure answers when its score (0–1, the share of the question's content it matches) is
# at least this; figures within READING_MARGIN of the best are shown beside it as readings.
MIN_SCORE = 0.6
READING_MARGIN = 0.08
MAX_READINGS = 3
# Reports searched at most (an agency over many years, never the whole corpus).
MAX_REPORTS = 12
# Words of the sentence outside the figure's own clause count this much.
SENTENCE_WEIGHT = 0.7
GENERIC_WEIGHT = 0.3
# A figure in another unit than the question counts in (13个 for 多少条) scores this much less.
UNIT_COST = 0.2
# A figure of things acted on (关停5个) when the question names no such act ("有几个") scores this much
# less: enough to fall below MIN_SCORE alone (it answers another question).
ACT_COST = 0.5
# A figure whose clause says more than the question (区直各部门…1822条 against 全区…3460条) is a
# part of what is asked: each character of its clause the question does not share costs this
# much in the ranking (not in MIN_SCORE), up to MAX_EXTRA.
EXTRA_COST = 0.01
MAX_EXTRA = 0.2
# A part ("其中区直各部门…1822条，占53%") whose clause names what the question does not is
# ranked this much lower than the whole it is part of; a figure whose own clause holds the
# question's words ranks higher than one that borrows them from its sentence.
PART_COST = 0.1
NEAR_WEIGHT = 0.2
UNKNOWN_ENGLISH_WEIGHT = 0.5
QUOTE_CHARS = 160
MARK_ZH = "正文所述，非统计表单元格"
MARK_EN = "stated in the report's text, not a table cell"

_UNIT = "|".join(sorted((re.escape(u) for u in terms.FIGURE_UNITS), key=len, reverse=True))
# A number, "余"/"多" (more than: 10余场), a unit.
_FIGURE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?(?:万|亿)?(?:余|多)?)\s*({_UNIT})")
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")
_CLAUSE_MARK = re.compile(r"[，,；;：:（）()]")
_YEAR = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}(?!\d)\s*年?度?|\d{2}\s*年度?)")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9][A-Za-z0-9+\-]*")
_ASK = re.compile(rf"(?:多少|几)\s*(?:{_UNIT})?|" + "|".join(sorted((re.escape(w) for w in terms.ASK_WORDS), key=len,
                                                                 reverse=True)))
_SPLIT = re.compile(f"[{re.escape(terms.SPLIT_CHARS)}]")


@dataclass(frozen=True)
class Concept:
    """One piece of the question's content: its words and the strings that match it."""

    text: str
    forms: tuple[str, ...]  # any one found in a sentence matches the whole concept
    weight: float
    chinese: bool  # a Chinese segment may also match in part (its two-character pieces)


@dataclass
class TextFigure:
    """A figure found in a report's narrative, with the sentence it is quoted from."""

    passage_id: str
    report_id: str
    agency: str
    year: int | None
    source: str
    section_no: int
    kind: str
    value: str
    unit: str
    quote: str
    score: float
    matched: list[str] = field(default_factory=list)
    rank: float = 0.0  # the score less the cost of what the clause says beyond the question

    @property
    def figure(self) -> str:
        return f"{self.value}{self.unit}"


# ---------------------------------------------------------------------------
# The question
# ---------------------------------------------------------------------------


def _lower(question: str) -> str:
    return to_simplified(question).lower()


def asks_quantity(question: str) -> bool:
    """Does the question ask for a number (多少 / 几个 / …数量 / how many / items …)?"""
    text = _lower(question)
    cues = terms.QUANTITY_CUES
    chinese = [c for c in cues if not c.isascii()]
    english = [c for c in cues if c.isascii()]
    if any(c in text for c in chinese):
        return True
    if any(re.search(rf"\b{re.escape(c)}\b", text) for c in english):
        return True
    stripped = text.rstrip(" ?？。!！")
    if stripped.endswith(terms.QUANTITY_ENDINGS):
        return True
    return any(re.search(rf"\b{re.escape(noun)}\b", text) for noun in terms.COUNTED_NOUNS)


def question_unit(question: str) -> str | None:
    """The measure word the question counts in (多少个 → 个, 篇数 → 篇, tickets → 件)."""
    text = _lower(question)
    found = re.search(rf"(?:多少|几)\s*({_UNIT})", text) or re.search(rf"({_UNIT})数", text)
    if found:
        return found.group(1)
    for noun, unit in terms.COUNTED_NOUNS.items():
        if re.search(rf"\b{re.escape(noun)}\b", text):
            return unit
    return None


def _content_text(plan: Plan) -> str:
    """The question without names, years and words that only ask for a number."""
    text = _lower(plan.question)
    names = sorted({e.text.lower() for e in plan.entities if e.text}, key=len, reverse=True)
    for name in names:
        text = text.replace(to_simplified(name), " ")
    for name in plan.agencies:
        text = text.replace(to_simplified(name).lower(), " ")
    return _YEAR.sub(" ", text)


def _char_weights(segment: str) -> list[float]:
    """Each character's weight: 1, or GENERIC_WEIGHT inside a generic word (信息, 公开 …)."""
    weights = [1.0] * len(segment)
    for word in terms.GENERIC_WORDS:
        for match in re.finditer(re.escape(word), segment):
            for i in range(match.start(), match.end()):
                weights[i] = GENERIC_WEIGHT
    return weights


def _generic_share(segment: str) -> float:
    """The weight of a Chinese segment: its characters, generic words counting less."""
    return sum(_char_weights(segment))


def _synonyms(word: str) -> tuple[str, ...]:
    forms = [word]
    for group in terms.SYNONYMS:
        if word in group:
            forms += [w for w in group if w not in forms]
    return tuple(forms)


def concepts(plan: Plan) -> list[Concept]:
    """The question's content: what a sentence must share with it for its figure to answer.
    A follow-up that names none (那2024年呢？) asks about the previous turn's content, which the
    dialogue keeps as the plan's search text."""
    found = _concepts_of(_content_text(plan))
    if plan.follow_up and not any(c.forms for c in found) and plan.search_text:
        found = _concepts_of(_YEAR.sub(" ", _lower(plan.search_text)))
    return found


def _concepts_of(text: str) -> list[Concept]:
    found: list[Concept] = []
    english = text
    for phrase in sorted(terms.ENGLISH_TERMS, key=len, reverse=True):
        pattern = rf"(?<![a-z\-]){re.escape(phrase)}(?![a-z\-])"
        if re.search(pattern, english):
            found.append(Concept(phrase, terms.ENGLISH_TERMS[phrase], 1.0, False))
            english = re.sub(pattern, " ", english)
    ignore = set(terms.ENGLISH_IGNORE) | {w.lower() for w in lexicon.FILLER_WORDS if w.isascii()}
    ignore |= {w for w in (*terms.COUNTED_NOUNS, *lexicon.NUMERIC, *lexicon.SEARCH_NOISE) if w.isascii()}
    for word in re.findall(r"[a-z][a-z\-']*", english):
        word = word.strip("'").removesuffix("'s")
        if len(word) <= 2 or word in ignore:
            continue
        parts = [p for p in word.split("-") if p in terms.ENGLISH_TERMS]
        if parts:  # service-hotline: the parts a report would name
            found += [Concept(p, terms.ENGLISH_TERMS[p], 1.0, False) for p in parts]
        else:
            found.append(Concept(word, (), UNKNOWN_ENGLISH_WEIGHT, False))
    chinese = re.sub(r"[A-Za-z]+", " ", english)
    chinese = _ASK.sub(" ", chinese)
    for run in _CJK_RUN.findall(chinese):
        if run.isascii():
            if run.isdigit() and len(run) >= 3:  # 12345 (a hotline), not a year or a count
                found.append(Concept(run, (run,), 1.0, False))
            continue
        for segment in _SPLIT.split(run):
            if segment.endswith(terms.QUANTITY_ENDINGS) and len(segment) > 2:
                segment = segment[:-1]  # 主动公开信息数 → 主动公开信息
            if len(segment) < 2:
                continue
            forms = [segment]
            for group in terms.SYNONYMS:
                for word in group:
                    if word in segment:
                        forms += [segment.replace(word, other) for other in group if other != word]
            found.append(Concept(segment, tuple(dict.fromkeys(forms)), _generic_share(segment), True))
    return found


# ---------------------------------------------------------------------------
# Sentences and their figures
# ---------------------------------------------------------------------------


@dataclass
class _Figure:
    value: str
    unit: str
    start: int
    end: int
    clause: str  # the text of the figure's own clause: what it counts
    part: bool = False  # "其中…" before it or "占…" after it


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def figures_in(sentence: str) -> list[_Figure]:
    """Each number with a unit, and the clause around it up to the neighbouring figures."""
    matches = list(_FIGURE.finditer(sentence))
    found = []
    for i, match in enumerate(matches):
        left_end = matches[i - 1].end() if i else 0
        right_end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        left = sentence[left_end:match.start()]
        cut = [m.end() for m in _CLAUSE_MARK.finditer(left)]
        left = left[cut[-1]:] if cut else left
        right = sentence[match.end():right_end]
        stop = _CLAUSE_MARK.search(right)
        right = right[:stop.start()] if stop else right
        if i + 1 < len(matches) and right.lstrip().startswith("、"):
            right = ""  # 政府网站1个、政务新媒体2个: what follows the 、 names the next figure
        part = any(w in left for w in terms.PART_BEFORE) \
            or sentence[match.end():].lstrip("，, ").startswith(terms.PART_AFTER) \
            or sentence.lstrip("（(一二三四五六七八九十)） ").startswith(terms.PART_BEFORE)
        found.append(_Figure(match.group(1), match.group(2), match.start(), match.end(), left + " " + right, part))
    return found


def _covered(concept: Concept, text: str) -> set[int]:
    """The positions of ``concept`` (its characters; position 0 for a non-Chinese one) that
    ``text`` holds: all of them when one of its forms occurs, else those of its two-character
    pieces and synonyms found (a part of a longer Chinese segment)."""
    whole = set(range(len(concept.text))) if concept.chinese else {0}
    if any(form and form in text for form in concept.forms):
        return whole
    if not concept.chinese or len(concept.text) < 3:
        return set()
    covered: set[int] = set()
    segment = concept.text
    for i in range(len(segment) - 1):
        if segment[i:i + 2] in text:
            covered |= {i, i + 1}
    for group in terms.SYNONYMS:
        for word in group:
            at = segment.find(word)
            if at >= 0 and any(other in text for other in group):
                covered |= set(range(at, at + len(word)))
    return covered


def score(found: list[Concept], clause: str, sentence: str) -> tuple[float, list[str]]:
    """The share of the question's content weight that the figure's clause holds (in full)
    or only its sentence (SENTENCE_WEIGHT), character by character, and the concepts matched."""
    total = sum(c.weight for c in found)
    if total <= 0:
        return 0.0, []
    got = 0.0
    matched = []
    for concept in found:
        near = _covered(concept, clause)
        far = _covered(concept, sentence) if sentence else set()
        if not near and not far:
            continue
        matched.append(concept.text)
        weights = _char_weights(concept.text) if concept.chinese else [1.0]
        credit = sum(w * (1.0 if i in near else SENTENCE_WEIGHT if i in far else 0.0) for i, w in enumerate(weights))
        got += concept.weight * credit / sum(weights) if sum(weights) else 0.0
    return got / total, matched


def rank(found: list[Concept], figure: _Figure, value: float) -> float:
    """The order among figures that score alike: the figure's own clause holding the
    question's words first, parts naming what the question does not last."""
    near, _ = score(found, figure.clause, "")
    extra = _extra(found, figure.clause)
    cost = min(MAX_EXTRA, EXTRA_COST * extra) + (PART_COST if figure.part and extra >= 3 else 0.0)
    return value + NEAR_WEIGHT * near - cost


def _extra(found: list[Concept], clause: str) -> int:
    """Characters of the clause (Chinese, not particles or generic words) no concept covers."""
    covered = [False] * len(clause)
    for concept in found:
        pieces = [f for f in concept.forms if f]
        if concept.chinese:
            pieces += [concept.text[i:i + 2] for i in range(len(concept.text) - 1)]
        for piece in pieces:
            for match in re.finditer(re.escape(piece), clause):
                covered[match.start():match.end()] = [True] * (match.end() - match.start())
    for word in terms.GENERIC_WORDS:
        for match in re.finditer(re.escape(word), clause):
            covered[match.start():match.end()] = [True] * (match.end() - match.start())
    return sum(1 for ch, c in zip(clause, covered)
               if not c and "\u4e00" <= ch <= "\u9fff" and ch not in terms.SPLIT_CHARS)


def _unasked_act(clause: str, asked: str) -> bool:
    """Does the clause count what was acted on (关停, 新增 …) by an act the question does not name?"""
    for act in terms.ACTS:
        if act in clause:
            group = next((g for g in terms.SYNONYMS if act in g), (act,))
            if not any(word in asked for word in group):
                return True
    return False


def _same_unit(a: str, b: str) -> bool:
    a, b = a.removeprefix("余").removeprefix("万"), b.removeprefix("余").removeprefix("万")
    return a == b or any(a in g and b in g for g in terms.UNIT_GROUPS)


def _quote(sentence: str, figure: _Figure) -> str:
    """The sentence, cut to about QUOTE_CHARS around the figure at a clause mark."""
    if len(sentence) <= QUOTE_CHARS:
        return " ".join(sentence.split())
    earliest = max(0, figure.start - QUOTE_CHARS // 2)
    marks = [m.end() for m in re.finditer(r"[，,；;。]", sentence[earliest:figure.start])]
    start = earliest + marks[0] if marks else earliest
    piece = sentence[start:start + QUOTE_CHARS]
    return ("…" if start else "") + " ".join(piece.split()) + ("…" if start + QUOTE_CHARS < len(sentence) else "")


# ---------------------------------------------------------------------------
# Over the reports in scope
# ---------------------------------------------------------------------------


def short_years(question: str) -> list[int]:
    """Two-digit years the question writes (18年 → 2018) where the plan read none."""
    return [2000 + int(y) for y in re.findall(r"(?<![\d.])(\d{2})\s*年", to_simplified(question))]


def report_ids(plan: Plan, corpus: Corpus) -> list[str]:
    """The reports the question names: its agencies (or its region), its years; [] when it
    names neither agency nor region, or more than MAX_REPORTS reports."""
    places: tuple[list[str], list[Any]] = ([], [])
    if not plan.agencies and plan.region:
        # The region, or agencies named after the words that named it (平潭 → 平潭综合实验区).
        places = region_clauses(plan.region)
        for e in plan.entities:
            if e.kind == "region" and e.text and not e.text.isascii():
                places[0].append("agency LIKE ?")
                places[1].append(to_simplified(e.text) + "%")
    if not plan.agencies and not places[0]:
        return []
    years = plan.years or ([] if plan.has_years() else short_years(plan.question))
    clauses, values = report_clauses(plan, years=years, region=False)
    if places[0]:
        clauses.append("(" + " OR ".join(places[0]) + ")")
        values += places[1]
    rows = corpus.connection().execute(
        "SELECT report_id FROM reports" + where_sql(clauses) + " ORDER BY year DESC", values).fetchall()
    return [r[0] for r in rows] if len(rows) <= MAX_REPORTS else []


def candidates(plan: Plan, passages: pd.DataFrame, reports: list[str]) -> list[TextFigure]:
    """Every figure of the scoped passages, scored against the question (best first)."""
    found = concepts(plan)
    if not found or not all(c.forms for c in found):
        return []  # an English word with no Chinese to look for: its figure cannot be checked
    unit = question_unit(plan.question)
    asked = " ".join(f for c in found for f in c.forms)
    out: list[TextFigure] = []
    for _, row in passages[passages["report_id"].isin(reports)].iterrows():
        for sentence in sentences(str(row["text"])):
            simplified = to_simplified(sentence).lower()
            for figure in figures_in(simplified):
                value, got = score(found, figure.clause, simplified)
                if got and unit and not _same_unit(unit, figure.unit):
                    value -= UNIT_COST
                if _unasked_act(figure.clause, asked):
                    value -= ACT_COST
                if value <= 0:
                    continue
                original = figures_in(sentence)
                shown = next((f for f in original if f.start == figure.start), figure)
                out.append(TextFigure(
                    passage_id=str(row["id"]), report_id=str(row["report_id"]), agency=str(row["agency"]),
                    year=None if pd.isna(row["year"]) else int(row["year"]), source=str(row["source"]),
                    section_no=int(row["section_no"]), kind=str(row["kind"]), value=shown.value,
                    unit=shown.unit, quote=_quote(sentence, shown), score=round(value, 3), matched=got,
                    rank=round(rank(found, figure, value), 3)))
    out.sort(key=lambda f: (-f.rank, -f.score, f.section_no))
    return out


def find(plan: Plan, corpus: Corpus) -> list[TextFigure]:
    """The figures that answer the question: the best one and those close to it (readings),
    one per sentence and value, at most MAX_READINGS sentences; [] when none scores MIN_SCORE."""
    passages = corpus.passages()
    reports = report_ids(plan, corpus)
    if passages is None or not len(passages) or not reports:
        return []
    scored = candidates(plan, passages, reports)
    scored = [f for f in scored if f.score >= MIN_SCORE]
    if not scored:
        return []
    best = scored[0].rank
    chosen: list[TextFigure] = []
    seen: set[tuple[str, str, str]] = set()
    for figure in scored:
        if figure.rank < best - READING_MARGIN:
            break
        key = (figure.report_id, figure.figure, figure.quote)
        same_quote = any(c.report_id == figure.report_id and c.quote == figure.quote for c in chosen)
        if key in seen:
            continue
        seen.add(key)
        if same_quote or len(chosen) < MAX_READINGS:
            chosen.append(figure)
    return chosen


# ---------------------------------------------------------------------------
# When the text answers: the registry's fallback step
# ---------------------------------------------------------------------------


def _loose_metric(plan: Plan) -> bool:
    return any(r.piece == "metric" and r.confidence < 1 for r in plan.readings)


def _covers(words: list[str], figures: list[TextFigure]) -> bool:
    """Does the best figure match every word of the question the tables did not link?"""
    matched = [to_simplified(m).lower() for m in figures[0].matched] if figures else []
    # Words that name no content (an English counted noun: "articles", "items") need no match.
    # Only such words unlinked: the table figure answers, nothing is left for the text to explain.
    empty = set(terms.ENGLISH_IGNORE) | set(terms.COUNTED_NOUNS)
    content = [to_simplified(w).lower() for w in words if to_simplified(w).lower() not in empty]
    if not content:
        return False
    return all(any(w in m or m in w for m in matched) for w in content)


def wanted(plan: Plan) -> bool:
    """Is the question a count about named reports that the tables may not hold?  A table
    figure read with confidence from every word of the question wins over the text."""
    if plan.unknown_names or not (plan.agencies or plan.region) or not asks_quantity(plan.question):
        return False
    if plan.intent in SINGLE_FIGURE:
        return (not plan.metrics or _loose_metric(plan) or bool(plan.unlinked)) and plan.group_by is None
    return plan.intent == "narrative" and not plan.kinds


def _cue(question: str, cues: tuple[str, ...]) -> bool:
    text = _lower(question)
    return any((re.search(rf"\b{re.escape(c)}\b", text) if c.isascii() else c in text) for c in cues)


def asks_passages(plan: Plan) -> bool:
    """A figure question about named reports that asks no number: why (为什么, reason), or
    words the tables left unlinked, no 多少 / how many, and a noun of practice (机制, What
    mechanism did … set up)."""
    if plan.intent != "lookup" or not plan.agencies or plan.unknown_names:
        return False
    if _cue(plan.question, terms.REASON_CUES):
        return True
    return bool(plan.unlinked) and not asks_quantity(plan.question) and _cue(plan.question, terms.PRACTICE_NOUNS)


def reroute(plan: Plan, corpus: Corpus) -> None:
    """Answer from the reports' text when the tables cannot: the plan's intent becomes
    ``text_figure`` when a stated figure matches the question (and the words the tables left
    unlinked), or when no table figure was named at all (the answer then says none was found);
    ``narrative`` when the question asks why, or asks no number and the tables left words unread."""
    if asks_passages(plan):
        plan.readings.append(Reading(
            "intent", "", "narrative", "the question asks no number (why / what): the reports' text is searched",
            "问题不是问数字(为什么/是什么):检索报告正文"))
        plan.intent = "narrative"
        plan.unlinked = []
        return
    if not wanted(plan):
        return
    if plan.intent != "lookup" and len(report_ids(plan, corpus)) > 1:
        return  # a total or count over several reports is a question for the tables
    found = find(plan, corpus)
    table_named = bool(plan.metrics) or plan.intent not in STRUCTURED
    # A thing only the text counts (new media, 解读, a hotline …), left unread by the tables or
    # beside a loosely matched table figure: that figure answers another question.
    text_only = _cue(" ".join(plan.unlinked), terms.TEXT_ONLY) or (
        _loose_metric(plan) and _cue(plan.question, terms.TEXT_ONLY))
    if found and plan.metrics and not _loose_metric(plan) and not _covers(plan.unlinked, found) and not text_only:
        return  # the text does not explain the words the tables left unread
    if not found and table_named and not text_only:
        return
    plan.readings.append(Reading(
        "intent", "", INTENT,
        "a figure stated in the reports' text (no table cell answers the question)" if found else
        "no table cell answers the question; the reports' text was searched",
        "报告正文所述的数字(统计表中没有对应单元格)" if found else "统计表中没有对应单元格,已检索报告正文"))
    plan.intent = INTENT
    plan.metrics = []
    if found:
        plan.unlinked = []  # the text matched them


def _hit(row: Any, score: float) -> Hit:
    return Hit(id=str(row["id"]), report_id=str(row["report_id"]), source=str(row["source"]),
               agency=None if pd.isna(row["agency"]) else str(row["agency"]),
               year=None if pd.isna(row["year"]) else int(row["year"]), region="",
               section_no=int(row["section_no"]), section_title=str(row["section_title"]), kind=str(row["kind"]),
               marker="", text=str(row["text"]), topics=[], duplicate_of=None, score=score)


def gather(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """The figures of the text that answer ``plan``, and their passages as the sources."""
    found = find(plan, corpus)
    facts.text_figures = found
    if not found:
        facts.missing.append(Note(not_found_line(plan, "en"), not_found_line(plan, "zh")))
        return
    passages = corpus.passages()
    assert passages is not None  # find() found figures in them
    rows = passages.set_index("id", drop=False)
    facts.passages = [_hit(rows.loc[pid], max(f.score for f in found if f.passage_id == pid))
                      for pid in dict.fromkeys(f.passage_id for f in found)]
    facts.agencies = list(dict.fromkeys(f.agency for f in found))


def compose(facts: Facts, lang: str, out: list[str]) -> dict[str, object] | None:
    out += lines(facts.text_figures, lang)
    return None


def has_rows(facts: Facts) -> bool:
    return bool(facts.text_figures)


# ---------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------


def lines(found: list[TextFigure], lang: str) -> list[str]:
    """One line per quoted sentence: the figures it states, the quote, the report, the mark."""
    by_quote: dict[tuple[str, str], list[TextFigure]] = {}
    for figure in found:
        by_quote.setdefault((figure.report_id, figure.quote), []).append(figure)
    out = []
    several = len(by_quote) > 1
    if several:
        out.append(f"报告正文中有{len(by_quote)}处可能的说法,请选择:" if lang == "zh" else
                   f"The reports' text states {len(by_quote)} possible figures; choose the one you mean:")
    for i, ((_, quote), group) in enumerate(by_quote.items(), start=1):
        first = group[0]
        figures = ("、" if lang == "zh" else ", ").join(dict.fromkeys(f.figure for f in group))
        head = f"({i}) " if several else ""
        if lang == "zh":
            out.append(f"{head}{first.agency}{year_text(first.year)}年:{figures}。报告原文:“{quote}”"
                       f"(第{first.section_no}部分,文件 {first.source};{MARK_ZH})。")
        else:
            out.append(f"{head}{first.agency}, {year_text(first.year)}: {figures}. The report says: “{quote}” "
                       f"(section {first.section_no}, file {first.source}; {MARK_EN}).")
    return out


def not_found_line(plan: Plan, lang: str) -> str:
    names = ("、" if lang == "zh" else "; ").join(plan.agencies or list(plan.region.values()))
    if lang == "zh":
        return (f"统计表中没有与问题对应的指标,{names}报告的正文中也没有找到与问题相符的数字"
                "(可写明统计表中的指标,例如“收到申请数”“行政诉讼”)。")
    return (f"No figure of the report tables matches the question, and the text of {names}'s reports states "
            "no figure that matches it (name a table figure, e.g. “requests received”, “lawsuits”).")
