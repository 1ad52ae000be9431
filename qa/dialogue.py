"""Conversations: follow-up questions reuse what they leave out from the previous turn.

A turn is a follow-up when it says so (那…呢, "what about …", "and …?"), points back (它们,
"they"), or cannot stand alone (a year, a metric or an agency and nothing else).  A
follow-up keeps the previous plan and replaces only the pieces it names: 那2022年呢? keeps
the agency and the metric, 那行政强制呢? keeps the agency and the year, 将乐县呢? keeps the
metric and the year, 它们的改进措施呢? asks for the passages of the agencies the previous
answer named.  The merged plan says how it was read (``read_as``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from index.tables.metrics import catalogue
from parsing.meta import to_simplified
from parsing.template import TABLES, TEMPLATE_2021, TEMPLATES
from qa import lexicon
from qa.plan import STRUCTURED, Plan

# Pieces a follow-up can name, in the order they are described.
PIECES = ("agencies", "region", "years", "metrics", "threshold", "top_n", "group_by", "level", "kinds", "topic",
          "quality")
# Pieces that matter to each kind of answer (the others are carried along but not named).
_STRUCTURED_PIECES = ("agencies", "region", "years", "metrics", "threshold", "top_n", "group_by", "level")
_RELEVANT = {**{i: _STRUCTURED_PIECES for i in STRUCTURED},
             "narrative": ("agencies", "region", "years", "kinds", "topic"),
             "mixed": (*_STRUCTURED_PIECES, "kinds", "topic"),
             "quality": ("agencies", "region", "years", "quality")}
_PIECE_WORDS = {
    "agencies": ("机关", "agency"), "region": ("地区", "region"), "years": ("年份", "year"),
    "metrics": ("指标", "figure"), "threshold": ("条件", "condition"), "top_n": ("名次", "top-N"),
    "group_by": ("分组", "grouping"), "level": ("机关层级", "agency level"), "kinds": ("段落类型", "passage kind"), "topic": ("主题", "topic"),
    "quality": ("质量问题", "quality check"), "intent": ("问题类型", "kind of question"),
}


@dataclass
class Turn:
    question: str
    plan: Plan
    agencies: list[str] = field(default_factory=list)  # what the answer was about, for 它们 / "they"
    text: str = ""


@dataclass
class Conversation:
    """The turns so far, oldest first."""

    turns: list[Turn] = field(default_factory=list)

    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)


def _marked(question: str) -> bool:
    text = to_simplified(question).strip().lower()
    bare = re.sub(r"[\s?？!！。.，,]+$", "", text)
    if any(bare.endswith(t) for t in lexicon.FOLLOW_UP_TAIL):
        return True
    for head in lexicon.FOLLOW_UP_HEAD:
        if head.isascii():
            if re.match(rf"{re.escape(head)}\b", bare):
                return True
        elif bare.startswith(head):
            return True
    return False


def is_follow_up(plan: Plan, previous: Plan | None) -> bool:
    """Does ``plan`` lean on the previous turn?"""
    if previous is None:
        return False
    if plan.from_previous or plan.intent == "unknown" or _marked(plan.question):
        return True
    if plan.intent in STRUCTURED and "metrics" not in plan.given:
        return True
    # A name, a year or a metric alone.
    named = [p for p in plan.given if p not in ("intent",)]
    return bool(named) and "intent" not in plan.given and set(named) <= {"agencies", "region", "years", "metrics"} \
        and len(re.sub(r"[\W\d_]", "", plan.search_text)) <= 8 and plan.intent not in STRUCTURED


# Pieces a follow-up replaces by copying one plan attribute (lists are copied, not shared).
_COPIED = {"metrics": "metrics", "threshold": "threshold", "top_n": "top_n", "group_by": "group_by",
           "level": "level", "kinds": "kinds", "topic": "topic", "quality": "quality"}


def _take(merged: Plan, new: Plan, piece: str) -> None:
    if piece in ("agencies", "region"):
        merged.entities = list(new.entities)
        merged.from_previous = False
        merged.previous_agencies = []
    elif piece == "years":
        merged.years, merged.year_from, merged.year_to = list(new.years), new.year_from, new.year_to
    elif piece in _COPIED:
        value = getattr(new, _COPIED[piece])
        setattr(merged, _COPIED[piece], list(value) if isinstance(value, list) else value)


def _intent_after(previous: Plan, merged: Plan, new: Plan) -> str:
    """The intent of a follow-up that names no intent of its own."""
    intent = previous.intent
    n_agencies = len(merged.agency_entities())
    if "agencies" in new.given:
        if n_agencies >= 2:
            merged.compare = "agency"
            return "compare"
        if intent in ("list", "count", "rank", "total", "average", "compare") and n_agencies == 1:
            return "lookup"
    if "years" in new.given:
        if intent == "compare" and previous.compare == "year" and len(merged.years) == 1:
            return "lookup"
        if intent == "trend" and merged.years and merged.year_from is None and merged.year_to is None:
            return "lookup"
        if intent == "lookup" and merged.year_from is not None:
            return "trend"
    if intent in ("narrative", "mixed", "quality") and "metrics" in new.given:
        return "lookup" if n_agencies else "total"
    return intent


def merge(new: Plan, previous: Turn) -> Plan:
    """``new`` completed with what it leaves out of ``previous.plan``."""
    old = previous.plan
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.readings = list(new.readings)
    merged.unknown_names = list(new.unknown_names)
    merged.unlinked = list(new.unlinked)
    merged.search_text = new.search_text if len(re.sub(r"\W", "", new.search_text)) >= 2 else old.search_text
    merged.given = list(new.given)
    changed = [p for p in PIECES if p in new.given]
    for piece in changed:
        _take(merged, new, piece)
    if "metrics" not in new.given:
        swapped = swap_column(old.metrics, new.question)
        if swapped != old.metrics:
            merged.metrics = swapped
            changed.append("metrics")
    if "agencies" in new.given and "region" not in new.given:
        merged.entities = [e for e in merged.entities if e.kind == "agency"]
    if new.from_previous:
        merged.entities = []
        merged.from_previous = True
        merged.previous_agencies = list(previous.agencies)
    if "intent" in new.given:
        merged.intent = new.intent
        merged.compare = new.compare
        merged.order = new.order
        if new.intent in ("narrative", "mixed") and "kinds" not in new.given:
            merged.kinds = list(new.kinds)
    else:
        merged.intent = _intent_after(old, merged, new)
    if merged.intent == "compare" and merged.compare is None:
        merged.compare = "agency"
    relevant = _RELEVANT.get(merged.intent, PIECES)
    kept = [p for p in PIECES if p not in changed and _has(old, p) and p in relevant]
    if new.from_previous or (new.unknown_names and not new.entities):
        kept = [p for p in kept if p not in ("agencies", "region")]
    if new.unknown_names and not new.entities:
        merged.entities = []  # 那平潭呢: a name the corpus lacks replaces the previous agency
    merged.inherited = kept
    merged.read_as_zh, merged.read_as = describe(merged, "zh"), describe(merged, "en")
    return merged


def swap_column(metrics: list[str], question: str) -> list[str]:
    """"那结果纠正呢?" after a 结果维持 question: the same rows, the column the follow-up names.

    A follow-up may name only a column of the previous metric's table (结果纠正, 尚未审结,
    自然人, 本年废止件数 …); the metric keeps its row and takes that column, when the
    catalogue has such a cell.
    """
    text = to_simplified(question)
    known = catalogue()
    out = []
    for key in metrics:
        parts = key.split(".")
        if len(parts) < 3 or parts[0] not in TABLES:
            out.append(key)
            continue
        table, row, column = parts[0], ".".join(parts[1:-1]), parts[-1]
        named = {c.key for c in _table_columns(table)
                 if c.key != column and any(w and w in text for w in (c.label, *c.synonyms))}
        candidates = [f"{table}.{row}.{c}" for c in named if f"{table}.{row}.{c}" in known]
        out.append(candidates[0] if len(candidates) == 1 else key)
    return out


def _table_columns(table: str):
    return TEMPLATES[TEMPLATE_2021].tables[table].columns


def _has(plan: Plan, piece: str) -> bool:
    return {
        "agencies": bool(plan.agency_entities()) or plan.from_previous, "region": bool(plan.region),
        "years": plan.has_years(), "metrics": bool(plan.metrics), "threshold": plan.threshold is not None,
        "top_n": plan.top_n is not None, "group_by": plan.group_by is not None, "level": plan.level is not None,
        "kinds": bool(plan.kinds),
        "topic": plan.topic is not None, "quality": plan.quality is not None,
    }[piece]


def plan_for(new: Plan, conversation: Conversation | None) -> Plan:
    """The plan to run for ``new``: merged with the previous turn when it is a follow-up."""
    previous = conversation.last() if conversation else None
    if previous is None:
        new.from_previous = False  # nothing before for "它们" / "they" to point at
        return new
    if not is_follow_up(new, previous.plan):
        return new
    return merge(new, previous)


# ---------------------------------------------------------------------------
# Saying how a plan was read
# ---------------------------------------------------------------------------


def _years(plan: Plan, lang: str) -> str:
    if plan.years:
        return "、".join(f"{y}年" for y in plan.years) if lang == "zh" else ", ".join(map(str, plan.years))
    if plan.year_from is not None or plan.year_to is not None:
        low = plan.year_from if plan.year_from is not None else "…"
        high = plan.year_to if plan.year_to is not None else "…"
        return f"{low}年至{high}年" if lang == "zh" else f"{low}–{high}"
    return ""


def describe(plan: Plan, lang: str) -> str:
    """One line: the plan's scope, figure and kind of answer, and what came from the previous turn."""
    metrics = catalogue()
    parts: list[str] = []
    names = plan.agencies
    if names:
        parts.append("、".join(names) if lang == "zh" else "; ".join(names))
    elif plan.region:
        parts.append("".join(plan.region.values()))
    years = _years(plan, lang)
    if years:
        parts.append(years)
    if plan.metrics and plan.intent not in ("narrative", "quality"):
        parts.append(("、" if lang == "zh" else "; ").join(metrics[k].name(lang) for k in plan.metrics if k in metrics))
    if plan.threshold:
        parts.append(f"{plan.threshold['op']} {plan.threshold['value']:g}")
    if plan.top_n:
        parts.append(f"前{plan.top_n}名" if lang == "zh" else f"top {plan.top_n}")
    if plan.kinds:
        parts.append("、".join(plan.kinds) if lang == "zh" else ", ".join(plan.kinds))
    parts.append(plan.intent)
    kept = [_PIECE_WORDS[p][0 if lang == "zh" else 1] for p in plan.inherited]
    if lang == "zh":
        text = "理解为:" + " · ".join(parts)
        if plan.from_previous:
            text += "(“它们”指上一问答案中的机关)"
        if kept:
            text += f"(沿用上一问的{'、'.join(kept)})"
        return text
    text = "Read as: " + " · ".join(parts)
    if plan.from_previous:
        text += " (“they” = the agencies of the previous answer)"
    if kept:
        text += f" ({', '.join(kept)} kept from the previous question)"
    return text
