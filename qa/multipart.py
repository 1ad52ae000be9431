"""Questions in several parts: "How many lawsuits…, and how many are still pending?".

A question is split into parts at clause punctuation and at joining words between two asks
(the words in :mod:`qa.lexicon`: ``PART_JOINERS``, ``PART_ASKS``); a piece that asks nothing
("平潭2022年规范性文件制发、废止、") joins the next one, so an enumeration of row names under one
ask stays one part (one plan with several metrics).  Each part is understood on its own, with
what it leaves out taken from the whole question (the agencies, the years) and, when it names
no figure, from the previous part's figure words ("…行政诉讼，其中还有几件没审结" → 行政诉讼·尚未审结).
Every part is gathered and composed by its own intent; the answer states each part with its
figures and sources, and a part not understood is said, never dropped.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from qa import intents, lexicon
from qa.compose import Answer
from qa.corpus import Corpus, Vocabulary
from qa.facts import Facts
from qa.figures import json_number, unit_word, year_text
from qa.plan import STRUCTURED, Plan
from qa.quantities import find_cue, phrase_pattern
from qa.understand import understand

# Clause punctuation a question's parts are separated by.
_CLAUSE = re.compile(r"[，,；;？?、]|\s-\s")


@dataclass
class Part:
    """One part of a question: its words and the plan read from them (with the context added)."""

    text: str
    plan: Plan
    understood: bool
    # The pronoun (它 / its) that points at the previous part's answer.
    refers_back: str | None = None


def _asks(text: str) -> bool:
    return find_cue(text.lower(), lexicon.PART_ASKS) is not None


def _spans(question: str) -> list[tuple[int, int]]:
    """Pieces of ``question`` between clause punctuation and between joiners that stand between
    two asks ("批了多少许可又罚了多少", "how many X and how many Y")."""
    cuts = [0]
    for found in _CLAUSE.finditer(question):
        cuts += [found.start(), found.end()]
    cuts.append(len(question))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    joiners = re.compile(phrase_pattern(lexicon.PART_JOINERS), re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for start, end in pieces:
        at = start
        for found in joiners.finditer(question, start, end):
            before, after = question[at:found.start()], question[found.end():end]
            if found.start() > at and _asks(before) and _asks(after):
                spans.append((at, found.start()))
                at = found.start()
        spans.append((at, end))
    return [(s, e) for s, e in spans if question[s:e].strip()]


def _strip_joiners(text: str) -> str:
    leading = re.compile(r"^\s*(?:" + phrase_pattern(lexicon.PART_JOINERS) + r")\s*", re.IGNORECASE)
    while True:
        stripped = leading.sub("", text, count=1)
        if stripped == text:
            return text.strip()
        text = stripped


def split(question: str) -> list[str]:
    """The parts of ``question`` that each ask for something (one part when it is not split)."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for start, end in _spans(question):
        if not _asks(question[start:end]):
            pending = start if pending is None else pending
            continue
        merged.append((pending if pending is not None else start, end))
        pending = None
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], len(question))
        else:
            merged = [(pending, len(question))]
    parts = [question[s:e].strip(" ，,；;？?、") for s, e in merged]
    return [p for p in parts if _strip_joiners(p)] or [question]


def _context(whole: Plan, part: Plan) -> str:
    """The agencies and years of the whole question that ``part`` does not name itself."""
    words: list[str] = []
    # A word of a part alone can look like a name (还剩多少有效): the whole question's names were read already.
    if not part.entities and not part.from_previous:
        if whole.agencies:
            words.append("、".join(whole.agencies))
        elif whole.region:
            words.append("".join(whole.region.values()))
        words += whole.unknown_names
    if not part.has_years():
        en = whole.lang == "en"
        if whole.years:
            words.append(", ".join(f"in {y}" for y in whole.years) if en else "、".join(f"{y}年" for y in whole.years))
        elif whole.year_from is not None and whole.year_to is not None:
            words.append(f"from {whole.year_from} to {whole.year_to}" if en else f"{whole.year_from}年至{whole.year_to}年")
        elif whole.year_from is not None:
            words.append(f"since {whole.year_from}" if en else f"{whole.year_from}年以来")
    return " ".join(words)


def _loose(plan: Plan) -> bool:
    reading = plan.reading("metric")
    return not plan.metrics or (reading is not None and reading.confidence < 1)


def _figure_words(plan: Plan) -> str:
    reading = plan.reading("metric")
    return reading.text if reading is not None else ""


def _understand_part(said: str, whole: Plan, previous: Part | None, vocabulary: Vocabulary) -> Part | None:
    """``said`` read with the whole question's context; None when it only asks again for the
    previous part's figure (哪些机关有行政诉讼，各有多少件: one question)."""
    text = _strip_joiners(said)
    pronoun = find_cue(text.lower(), lexicon.SINGULAR_PRONOUNS + lexicon.PLURAL_PRONOUNS) if previous else None
    plan = understand(text, vocabulary)
    own = bool(plan.entities) or plan.has_years()
    context = _context(whole, plan)
    if context:
        plan = understand(f"{context} {text}", vocabulary)
    if _loose(plan) and previous is not None:
        # "其中还有几件没审结": the previous part's figure words say of what.
        retry = understand(f"{context} {_figure_words(previous.plan)} {text}".strip(), vocabulary)
        if not _loose(retry):
            plan = retry
    plan.question, plan.lang = said, whole.lang
    same = previous is not None and plan.metrics == previous.plan.metrics and not own and not pronoun
    if same and not plan.unlinked:
        return None  # every word understood, and it is the previous figure again
    understood = bool(plan.metrics) and plan.intent in STRUCTURED and not same
    return Part(said, plan, understood, pronoun)


def _refer_back(part: Part, agencies: list[str], whole: Plan, vocabulary: Vocabulary) -> Part:
    """"…最多的机关是哪个，它有多少诉讼": the pronoun is the previous part's answer's agencies."""
    if not part.refers_back:
        return part
    if not agencies:
        return Part(part.text, part.plan, False, part.refers_back)  # nothing for 它 to point at: said
    text = re.sub(phrase_pattern((part.refers_back,)), "、".join(agencies), _strip_joiners(part.text),
                  count=1, flags=re.IGNORECASE)
    read = _understand_part(text, whole, None, vocabulary)
    if read is None:
        return part
    return Part(part.text, read.plan, read.understood)


def parts(whole: Plan, vocabulary: Vocabulary) -> list[Part] | None:
    """The parts of ``whole``'s question, or None when one plan answers it: a single part, a
    question that is not about table figures, or parts that all ask for figures the whole plan
    already holds (制发、废止、现行有效各多少 is one row's columns)."""
    if whole.intent not in STRUCTURED:
        return None
    texts = split(whole.question)
    if len(texts) < 2:
        return None
    found: list[Part] = []
    for text in texts:
        previous = next((p for p in reversed(found) if p.understood), None)
        part = _understand_part(text, whole, previous, vocabulary)
        if part is not None:
            found.append(part)
        elif found:
            found[-1].text += ("，" if whole.lang == "zh" else ", ") + text
    understood = [p for p in found if p.understood]
    if len(found) < 2 or not understood:
        return None
    asked = {k for p in understood for k in p.plan.metrics}
    if asked <= set(whole.metrics) and whole.intent == "lookup" and len(understood) == len(found) \
            and not any(p.refers_back for p in found):
        return None
    return found


# ---------------------------------------------------------------------------
# The answer: every part, numbered, with its figures and sources
# ---------------------------------------------------------------------------


def _rows(index: int, facts: Facts, lang: str) -> list[list[Any]]:
    frame = facts.frame
    if frame is None or not len(frame) or "agency" not in frame or "year" not in frame:
        return []
    rows = []
    for _, row in frame.iterrows():
        for metric in facts.metrics:
            value = row.get(metric.key)
            if value is not None and value == value:
                rows.append([index, row["agency"], year_text(row["year"]), metric.name(lang), json_number(value),
                             metric.unit if lang == "zh" else unit_word(metric, lang).strip(" ()")])
    return rows


def turn_plan(whole: Plan, found: list[Part]) -> Plan:
    """The plan a follow-up builds on: the whole question's, with every understood part's figures
    (越城区2021年有多少诉讼，其中几件没审结 → 那将乐县2024年呢? asks both again)."""
    merged = copy.deepcopy(whole)
    merged.metrics = list(dict.fromkeys(k for p in found if p.understood for k in p.plan.metrics)) or whole.metrics
    merged.unlinked = []
    return merged


def answer(whole: Plan, found: list[Part], corpus: Corpus, top_k: int | None = None) -> Answer:
    """One answer with every part's: its words, then its own answer (or that it was not understood)."""
    lang = whole.lang
    lines = [f"这个问题有{len(found)}个部分,逐一回答:" if lang == "zh" else
             f"The question has {len(found)} parts, answered one by one:"]
    answers: list[Answer] = []
    rows: list[list[Any]] = []
    vocabulary = corpus.vocabulary()
    for i, part in enumerate(found, start=1):
        head = f"({i}){part.text}" if lang == "zh" else f"({i}) {part.text}"
        if part.refers_back:
            part = _refer_back(part, answers[-1].agencies if answers else [], whole, vocabulary)
            found[i - 1] = part
        if not part.understood:
            lines += [head, f"没有识别这一部分问的是哪一项数字,没有回答;请单独再问。" if lang == "zh" else
                      "I could not tell which figure this part asks for, so it is not answered; ask it on its own."]
            continue
        facts = intents.gather(part.plan, corpus, top_k)
        said = intents.compose(facts)
        answers.append(said)
        rows += _rows(i, facts, lang)
        # What every part would say again (an agency without the year's report) is said once.
        lines += [head] + [line for line in said.text.split("\n") if line not in lines]
    table = None
    if rows:
        columns = ["部分", "机关", "年份", "指标", "数值", "单位"] if lang == "zh" else \
            ["Part", "Agency", "Year", "Figure", "Value", "Unit"]
        table = {"columns": columns, "rows": rows}
    text = "\n".join(lines)
    return Answer(question=whole.question, text=text, plan=turn_plan(whole, found), lang=lang, table=table, chart=None,
                  sources=[s for a in answers for s in a.sources], cells=[c for a in answers for c in a.cells],
                  warnings=list(dict.fromkeys(w for a in answers for w in a.warnings)),
                  audit=[n for a in answers for n in a.audit],
                  queries=[q for a in answers for q in a.queries],
                  no_data=all(a.no_data for a in answers) if answers else True,
                  agencies=list(dict.fromkeys(n for a in answers for n in a.agencies)), composed=text)
