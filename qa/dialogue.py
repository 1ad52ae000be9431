"""Conversations: follow-up questions reuse what they leave out from the previous turn.

A turn is a follow-up when it says so (那…呢, "what about …", "and …?", 其中, "of those"),
points back (它们, "they", 它那年), or cannot stand alone: a year, a metric or an agency and
nothing else, or a figure with no agency and no year after a turn that had them (同意公开的有
多少？, "So what is the correction rate?").  A question about agencies in general (各机关,
哪些, "agencies … their") is never one.  A follow-up keeps the previous plan and replaces
only the pieces it names:

* 那2022年呢? keeps agency and metric; 那行政强制呢? / 它那年打了几场官司? agency and year;
  将乐县呢? / what about X metric and year (a year the agency lacks: the nearest, marked);
* a column or unit of the previous row (其中自然人…, 企业呢, 还有几件没审结, 花了多少钱,
  "how many of those were corrected") keeps the row: :func:`swap_column`;
* years counted from the previous turn's (前一年, 再往前一年, the year before, 近三年呢):
  :func:`turn_years`; 近三年 of a named agency with no earlier year ends at its newest report
  (:func:`anchor_recent`); 比上一年 / 跟2021年比 / 增加了多少 become the change intent;
* the previous question reshaped (按年份列出来, 画成图, 换成表格, 变化趋势呢), explained ("how
  did you calculate it": the figure and each term as a figure of its own), broken down (结果
  都是怎样的: every column of its row) or filtered ("which of those have the national tables").

The merged plan says how it was read and every value it carried over (``read_as``:
"…(沿用上一问的机关、年份:平潭综合实验区、2024年)").
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from index.tables.metrics import catalogue
from parsing.meta import to_simplified
from parsing.template import COLUMN_GROUPS, TABLES, TEMPLATE_2019, TEMPLATE_2021, TEMPLATES
from qa import lexicon
from qa.plan import STRUCTURED, Plan, Reading
from qa.quantities import blank_all, find_cue, phrase_pattern
from qa.turn_years import anchor_recent, column_hits, turn_years

# Pieces a follow-up can name, in the order they are described.
PIECES = ("agencies", "region", "years", "metrics", "threshold", "top_n", "group_by", "level", "kinds", "topic",
          "quality")
# Pieces that matter to each kind of answer (the others are carried along but not named).
_STRUCTURED_PIECES = ("agencies", "region", "years", "metrics", "threshold", "top_n", "group_by", "level")
_RELEVANT = {**{i: _STRUCTURED_PIECES for i in STRUCTURED},
             "narrative": ("agencies", "region", "years", "kinds", "topic"),
             "mixed": (*_STRUCTURED_PIECES, "kinds", "topic"),
             "quality": ("agencies", "region", "years", "quality"),
             "corpus": ("agencies", "region", "years", "level")}
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
    years: list[int] = field(default_factory=list)  # the years of the answer's figures


@dataclass
class Conversation:
    """The turns so far, oldest first."""

    turns: list[Turn] = field(default_factory=list)

    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)


def _text(question: str) -> str:
    return to_simplified(question).strip().lower()


def _marked(question: str) -> bool:
    text = _text(question)
    bare = re.sub(r"[\s?？!！。.，,]+$", "", text)
    if any(bare.endswith(t) for t in lexicon.FOLLOW_UP_TAIL):
        return True
    for head in lexicon.FOLLOW_UP_HEAD:
        if head.isascii():
            if re.match(rf"{re.escape(head)}\b", bare):
                return True
        elif bare.startswith(head):
            return True
    return bool(find_cue(text, lexicon.SUBSET))


def _has_scope(plan: Plan) -> bool:
    return bool(plan.agency_entities() or plan.from_previous or plan.region or plan.has_years())


def elliptical(plan: Plan, previous: Plan) -> bool:
    """A question that names a figure but no agency and no year, after a turn that had them:
    其中自然人提交的有多少？ / 同意公开的有多少？ / 花了多少钱？ / "So what is the correction rate?".
    A question about agencies in general (各机关, "agencies", 哪些) is not one."""
    if plan.entities or plan.unknown_names or plan.has_years() or plan.from_previous or not _has_scope(previous):
        return False
    text = _text(plan.question)
    if find_cue(text, lexicon.GENERAL_PLURALS + lexicon.WIDE_SCOPE):
        return False
    if plan.intent in STRUCTURED:
        return "intent" not in plan.given and plan.threshold is None and plan.top_n is None \
            and plan.group_by is None and plan.level is None
    if plan.intent in ("narrative", "mixed", "quality", "corpus"):
        if find_cue(text, lexicon.SINGULAR_PRONOUNS):
            return True  # "What problems did it report?" / 这份报告是哪天发布的？
        # 存在哪些问题？ / 有什么改进措施？: a kind of passage and nothing else.
        return plan.intent == "narrative" and bool(plan.kinds) and plan.topic is None \
            and len(re.sub(r"[\W\d_]", "", plan.search_text)) <= 6
    return False


def is_follow_up(plan: Plan, previous: Plan | None) -> bool:
    """Does ``plan`` lean on the previous turn?"""
    if previous is None:
        return False
    if plan.from_previous or plan.intent == "unknown" or _marked(plan.question):
        return True
    if plan.intent in STRUCTURED and "metrics" not in plan.given:
        return True
    if elliptical(plan, previous):
        return True
    if plan.intent in ("compare", "change") and not plan.entities and not plan.unknown_names \
            and ("metrics" not in plan.given or _loose_metric(plan)) and previous.metrics:
        return True  # "Compared with 2019?" / 跟前年比呢？
    if plan.intent == "quality" and not plan.entities and not plan.has_years() and find_cue(
            _text(plan.question), lexicon.SINGULAR_PRONOUNS + lexicon.PLURAL_PRONOUNS + lexicon.DEMONSTRATIVES):
        return True  # "正文里说的和这个一致吗" / "does its table balance?": the previous answer's reports
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
    n_agencies = len(merged.agency_entities()) + len(merged.previous_agencies if merged.from_previous else [])
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
    if intent not in STRUCTURED and "metrics" in new.given:
        # A figure asked after passages, data checks or a question about the reports.
        return "lookup" if n_agencies else "total"
    return intent


def _change_after(merged: Plan, new: Plan) -> None:
    """比上一年增加了多少？ / "how much did it grow?" after a figure of one year: the change
    from the year before (qa.change), once the previous turn supplied the figure and the year."""
    word = new.change.get("words") or find_cue(_text(new.question), lexicon.CHANGE_WORDS)
    if not word or not merged.metrics or merged.intent in ("rank", "list", "count"):
        return
    if len(merged.years) == 1:
        merged.intent, merged.change = "change", {"base": "previous", **new.change, "words": word}
    elif len(merged.years) == 2 or (merged.year_from is not None and merged.year_to is not None):
        merged.intent, merged.change = "change", {"base": "between", **new.change, "words": word}


def _about_years(plan: Plan) -> bool:
    """Does the question speak of years or of comparing them (跟2021年比, the year before, 增长)?"""
    text = _text(plan.question)
    return plan.has_years() or bool(find_cue(text, lexicon.TURN_YEAR_COMPARED + lexicon.COMPARE + lexicon.CHANGE_WORDS
                                             + tuple(lexicon.TURN_RELATIVE_YEARS)))


def _loose_metric(plan: Plan) -> bool:
    """Was the plan's metric chosen by embedding similarity (no catalogue name in the question)?"""
    return any(r.piece == "metric" and r.confidence < 1 for r in plan.readings)


def _has_content(text: str) -> bool:
    """Does a follow-up's search text name anything (not only "And", 那, "what about")?"""
    words = (*lexicon.FOLLOW_UP_HEAD, *lexicon.FOLLOW_UP_TAIL, *lexicon.FILLER_WORDS)
    rest = text.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest) if word.isascii() else rest.replace(word, " ")
    return len(re.sub(r"[\W\d_]", "", rest)) >= 2


def merge(new: Plan, previous: Turn) -> Plan:
    """``new`` completed with what it leaves out of ``previous.plan``."""
    old = previous.plan
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.readings = list(new.readings)
    merged.unknown_names = list(new.unknown_names)
    merged.unlinked = list(new.unlinked)
    merged.search_text = new.search_text if _has_content(new.search_text) else old.search_text
    merged.given = list(new.given)
    changed = [p for p in PIECES if p in new.given]
    if {"agencies", "region"} & set(changed):
        changed += [p for p in ("agencies", "region") if p not in changed]  # a new scope replaces both
    for piece in changed:
        _take(merged, new, piece)
    if "metrics" not in new.given or _loose_metric(new):
        # A column (自然人, 结果纠正, 花了多少钱) of the previous figure's row comes before a
        # loosely similar metric of some other row.
        swapped, words = swap_column(old.metrics, new.question)
        if swapped == old.metrics and "metrics" in new.given and old.metrics and _about_years(new):
            # "Compared with 2019?": a loose guess at a figure from words about years; the
            # previous figure stands.
            merged.metrics = list(old.metrics)
            merged.readings = [r for r in merged.readings if r.piece != "metric"]
            changed.remove("metrics")
        elif swapped != old.metrics:
            merged.metrics = swapped
            merged.readings = [r for r in merged.readings if r.piece != "metric"]
            merged.readings.append(Reading("metric", "、".join(words), swapped,
                                           "a column of the previous question's row", "上一问那一行的另一列"))
            merged.unlinked = [w for w in merged.unlinked if w not in words]
            if "metrics" not in changed:
                changed.append("metrics")
    if "agencies" in new.given and "region" not in new.given:
        merged.entities = [e for e in merged.entities if e.kind == "agency"]
    if new.from_previous:
        merged.entities = []
        merged.from_previous = True
        merged.previous_agencies = list(previous.agencies)
    own_kind = new.intent in ("narrative", "corpus", "quality", "mixed") and bool(
        find_cue(_text(new.question), lexicon.SINGULAR_PRONOUNS))
    if "intent" in new.given or own_kind:
        # (它的网址是什么？: passages of the previous agency, never its previous figure again.)
        merged.intent = new.intent
        merged.compare = new.compare
        merged.order = new.order
        merged.change = dict(new.change)
        if new.intent == "corpus":
            merged.corpus, merged.metrics = dict(new.corpus), []
        if new.intent in ("narrative", "mixed") and "kinds" not in new.given:
            merged.kinds = list(new.kinds)
        if new.intent in ("narrative", "quality") and "metrics" not in new.given:
            merged.metrics = []
    else:
        merged.intent = _intent_after(old, merged, new)
    text = _text(new.question)
    if "years" in new.given and len(new.years) == 1 and len(old.years) == 1 and new.years != old.years \
            and merged.metrics and find_cue(text, lexicon.TURN_YEAR_COMPARED + lexicon.COMPARE):
        # 跟2021年比呢？ after a 2022 figure: the two years side by side, and the change.
        merged.years = sorted(old.years + new.years)
        merged.intent, merged.change = "change", {"base": "between", "words": find_cue(
            text, lexicon.TURN_YEAR_COMPARED + lexicon.COMPARE)}
    if merged.intent == "trend" and "years" not in new.given and len(merged.years) == 1:
        # "Show me the trend" after one year's figure: every year, not that one year again.
        merged.years = []
        changed.append("years")
    _change_after(merged, new)
    if merged.intent not in STRUCTURED:
        merged.unlinked = []  # a passage or text-figure question searches for its other words
    if new.from_previous and "metrics" in new.given and "intent" not in new.given \
            and merged.intent in ("list", "count") and merged.threshold is None:
        # 它们的行政复议呢？ after 哪些机关有行政诉讼: each of those agencies' figure, zeros too
        # (the previous list's condition was about the previous figure).
        merged.intent = "compare" if len(merged.agencies) > 1 else "lookup"
        merged.compare = "agency" if merged.intent == "compare" else None
    if merged.intent == "compare" and merged.compare is None:
        merged.compare = "agency"
    if merged.intent == "lookup" and merged.region and not merged.agency_entities() and not merged.from_previous:
        merged.intent = "total"  # 福州市呢？: the figure over the place's agencies
    if "agencies" in new.given and "years" not in new.given and merged.intent in ("narrative", "mixed", "corpus") \
            and merged.years and not _holds(merged, merged.years):
        # 同样的问题，将乐县呢？ of passages: the previous agency's year, which the new one
        # lacks, is not carried over (its own reports' passages are searched).
        merged.years, merged.year_from, merged.year_to = [], None, None
        changed.append("years")
    relevant = _RELEVANT.get(merged.intent, PIECES)
    kept = [p for p in PIECES if p not in changed and _has(old, p) and p in relevant]
    if new.from_previous or (new.unknown_names and not new.entities):
        kept = [p for p in kept if p not in ("agencies", "region")]
    if new.unknown_names and not new.entities:
        merged.entities = []  # 那平潭呢: a name the corpus lacks replaces the previous agency
    merged.inherited = kept
    return _described(merged)


def _holds(plan: Plan, years: list[int]) -> bool:
    """Does any agency the plan names have a report for one of ``years`` (unknown: yes)?"""
    held = [y for e in plan.agency_entities() for ys in e.years.values() for y in ys]
    return not held or bool(set(held) & set(years))


def _described(plan: Plan) -> Plan:
    plan.read_as_zh, plan.read_as = describe(plan, "zh"), describe(plan, "en")
    return plan


def swap_column(metrics: list[str], question: str) -> tuple[list[str], list[str]]:
    """"那结果纠正呢?" after a 结果维持 question: the same rows, the column the follow-up names.

    A follow-up may name only a column of the previous metric's table (结果纠正, 尚未审结,
    自然人, 本年废止件数 …) or a unit (花了多少钱 → the 万元 column); the metric keeps its
    row and takes that column, when the catalogue has such a cell.  Returns the metrics and
    the words that chose a column.
    """
    known = catalogue()
    hits = column_hits(question)
    text = to_simplified(question).lower()
    out, words = [], []
    for key in metrics:
        parts = key.split(".")
        if len(parts) < 3 or parts[0] not in TABLES:
            out.append(key)
            continue
        table, row, column = parts[0], ".".join(parts[1:-1]), parts[-1]
        group = next(((w, cols) for names, cols in COLUMN_GROUPS.get(table, ()) for w in names if w in text), None)
        if group is not None:
            # 法人或其他组织呢？: each column the header spans (its 其他组织 is not the 其他 column).
            keys = [f"{table}.{row}.{c}" for c in group[1] if f"{table}.{row}.{c}" in known]
            if keys:
                out += keys
                words.append(group[0])
                continue
        named = [(w, f"{table}.{row}.{target.split('.', 1)[1]}") for w, kind, target in hits
                 if kind == "column" and target.split(".", 1)[0] == table]
        candidates = {k for _, k in named if k in known and k != key}
        used = [w for w, k in named if k in candidates]
        if not candidates:
            units = {target for _, kind, target in hits if kind == "unit"}
            candidates = {k for k, m in known.items() if k.startswith(f"{table}.{row}.") and k != key
                          and m.unit in units and len(k.split(".")) == len(parts)}
            used = [w for w, kind, target in hits if kind == "unit" and candidates]
        if len(candidates) == 1:
            out.append(candidates.pop())
            words += used
        else:
            out.append(key)
    return out, list(dict.fromkeys(words))


def _has(plan: Plan, piece: str) -> bool:
    return {
        "agencies": bool(plan.agency_entities()) or plan.from_previous, "region": bool(plan.region),
        "years": plan.has_years(), "metrics": bool(plan.metrics), "threshold": plan.threshold is not None,
        "top_n": plan.top_n is not None, "group_by": plan.group_by is not None, "level": plan.level is not None,
        "kinds": bool(plan.kinds),
        "topic": plan.topic is not None, "quality": plan.quality is not None,
    }[piece]


# ---------------------------------------------------------------------------
# Pronouns, and the previous question reshaped, explained, broken down, changed, filtered
# ---------------------------------------------------------------------------


def _plain(readings: list[Reading]) -> list[Reading]:
    """A previous plan's readings without how that plan was itself reshaped (画成图 after 列成表格)."""
    return [r for r in readings if not (r.piece == "intent" and r.value in _SPECIAL)]


def _previous_pronoun(new: Plan) -> Reading | None:
    return next((r for r in new.readings if r.piece == "agency" and r.value == "previous answer"), None)


def _unbind_pronoun(new: Plan, previous: Turn) -> None:
    """"agencies … their" and "how many of those": the pronoun does not name the previous
    answer's agencies (the question's own plural noun, or a part of the previous figure).
    After a list of agencies, "how many of them …" does mean those agencies."""
    if not new.from_previous:
        return
    reading = _previous_pronoun(new)
    text = _text(new.question)
    pronoun = reading.text.lower() if reading else ""
    at = text.find(pronoun) if pronoun else -1
    plural = re.search(phrase_pattern(lexicon.GENERAL_PLURALS), text)
    subset = find_cue(text, lexicon.SUBSET)
    listed = previous.plan.intent in ("list", "count", "rank", "mixed") and len(previous.agencies) > 1
    if (plural and 0 <= plural.start() < max(at, 0)) or (subset and pronoun and pronoun in subset and not listed):
        new.from_previous = False
        new.given = [g for g in new.given if g != "from_previous"]
        new.readings = [r for r in new.readings if r is not reading]


def _reshaped(new: Plan, previous: Turn) -> Plan | None:
    """按年份列出来 / 画成图 / 换成表格 / "as a table": the previous question again, reshaped."""
    text = _text(new.question)
    shape = next((k for k, words in lexicon.RESHAPE.items() if find_cue(text, words)), None)
    trend = find_cue(text, lexicon.TREND)
    if shape is None and trend and not new.kinds and not find_cue(text, lexicon.TURN_CHANGE + lexicon.CHANGE_WORDS) and new.topic is None and previous.plan.metrics \
            and len(re.sub(r"[\W\d_]", "", blank_all(text, [trend] + list(lexicon.TREND)))) <= 4:
        shape = "year"  # 变化趋势如何？ / "and the trend?" after a figure: that figure over the years
    if shape is None or new.entities or new.unknown_names or ("metrics" in new.given and not _loose_metric(new)):
        return None
    old = previous.plan
    if not old.metrics and old.intent in STRUCTURED:
        return None
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given = [g for g in new.given if g == "years"]
    merged.unlinked, merged.unknown_names = [], []
    if new.has_years():
        merged.years, merged.year_from, merged.year_to = list(new.years), new.year_from, new.year_to
    by_year = shape == "year" or (shape == "chart" and old.intent == "lookup")
    if by_year and old.intent in ("lookup", "compare") and merged.agencies and old.metrics:
        # One figure of an agency, year by year: every year it has (or the years asked).
        if not new.has_years():
            merged.years, merged.year_from, merged.year_to = [], None, None
        merged.intent, merged.compare = "trend", None
    elif by_year and old.intent in ("total", "average") and merged.group_by is None:
        merged.group_by = "year"
    merged.inherited = [p for p in PIECES if _has(old, p) and p in _RELEVANT.get(merged.intent, PIECES)
                        and not (p == "years" and not merged.has_years())]
    merged.readings = [r for r in _plain(old.readings) if r.piece not in ("unlinked",)] + [
        Reading("intent", find_cue(text, lexicon.RESHAPE[shape]) or "", shape, f"the previous question, {_SHAPES[shape][1]}",
                f"上一问,{_SHAPES[shape][0]}")]
    return _described(merged)


_SHAPES = {"year": ("按年份列出", "year by year"), "chart": ("画成图", "as a chart"), "table": ("列成表格", "as a table")}


def _explained(new: Plan, previous: Turn) -> Plan | None:
    """"How did you calculate it?": the previous answer again, with its arithmetic and sources."""
    text = _text(new.question)
    cue = find_cue(text, lexicon.EXPLAIN)
    if cue is None or new.entities or ("metrics" in new.given and not _loose_metric(new)):
        return None
    old = previous.plan
    if not old.metrics:
        return None
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given, merged.unlinked, merged.unknown_names = [], [], []
    # The figure again, then each term it is computed from, stated as a figure of its own.
    merged.metrics = list(dict.fromkeys(old.metrics + [k for key in old.metrics for k in terms_of(key)]))
    merged.inherited = [p for p in PIECES if _has(old, p) and p in _RELEVANT.get(merged.intent, PIECES)]
    merged.readings = _plain(old.readings) + [Reading("intent", cue, "explain", "how the previous answer was computed",
                                                    "上一问答案的计算方法")]
    return _described(merged)


def terms_of(key: str) -> list[str]:
    """The catalogue metrics a derived metric is computed from: a share's numerator terms and
    denominator, a sum's cells; none for a single cell."""
    known = catalogue()
    metric = known.get(key)
    if metric is None:
        return []
    if metric.kind == "share":
        parts = [*metric.numerator_keys, *([metric.denominator_key] if metric.denominator_key else [])]
    elif metric.kind == "sum":
        parts = [f"{t}.{r}.{c}" for t, r, c in metric.cells]
    else:
        parts = []
    return [k for k in parts if k in known and k != key]


def _row_columns(key: str) -> list[str]:
    """Every catalogue metric of ``key``'s row (table.row.*), in the template's column order."""
    parts = key.split(".")
    if len(parts) < 3 or parts[0] not in TABLES:
        return []
    prefix = ".".join(parts[:-1]) + "."
    known = catalogue()
    order: list[str] = []
    for template in (TEMPLATE_2021, TEMPLATE_2019):
        order += [c.key for c in TEMPLATES[template].tables[parts[0]].columns if c.key not in order]
    keys = [prefix + c for c in order if prefix + c in known]
    return keys if len(keys) > 1 else []


def _broken_down(new: Plan, previous: Turn) -> Plan | None:
    """结果都是怎样的？ / "what were the outcomes?": every column of the previous figure's row."""
    text = _text(new.question)
    cue = find_cue(text, lexicon.BREAKDOWN)
    old = previous.plan
    if cue is None or new.entities or ("metrics" in new.given and not _loose_metric(new)) or len(old.metrics) != 1:
        return None
    keys = _row_columns(old.metrics[0])
    if not keys:
        return None
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given, merged.unlinked, merged.unknown_names = ["metrics"], [], []
    merged.metrics = keys
    if merged.intent not in STRUCTURED:
        merged.intent = "lookup" if merged.agencies else "total"
    merged.inherited = [p for p in PIECES if p != "metrics" and _has(old, p) and p in _RELEVANT.get(merged.intent, PIECES)]
    merged.readings = [r for r in _plain(old.readings) if r.piece != "metric"] + [
        Reading("metric", cue, keys, "every column of the previous question's row", "上一问那一行的各列")]
    return _described(merged)


def _changed(new: Plan, conversation: Conversation) -> Plan | None:
    """增加了多少？ after the same figure asked for two years: the change between them."""
    text = _text(new.question)
    cue = find_cue(text, lexicon.TURN_CHANGE)
    if cue is None or len(conversation.turns) < 2 or new.entities or new.has_years() \
            or ("metrics" in new.given and not _loose_metric(new)):
        return None
    last, before = conversation.turns[-1].plan, conversation.turns[-2].plan
    if not (last.metrics and last.metrics == before.metrics and last.agencies == before.agencies
            and len(last.years) == 1 and len(before.years) == 1 and last.years != before.years):
        return None
    merged = copy.deepcopy(last)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given, merged.unlinked, merged.unknown_names = [], [], []
    merged.years = sorted(set(before.years + last.years))
    merged.intent, merged.compare = "change", None
    merged.change = {"base": "between", "words": cue}
    merged.inherited = [p for p in PIECES if _has(last, p) and p in _RELEVANT.get("change", PIECES)]
    merged.readings = _plain(last.readings) + [Reading("intent", cue, "change", "the change between the last two years asked",
                                                     "前两问两个年份之间的变化")]
    return _described(merged)


def _widened(new: Plan, previous: Turn) -> Plan | None:
    """全部机关呢？ / 所有机关加起来呢？ / "and across all agencies?": the previous figure over every
    agency (the previous years kept), not a question about the corpus itself."""
    text = _text(new.question)
    cue = find_cue(text, lexicon.EVERY_AGENCY)
    old = previous.plan
    if cue is None or new.entities or new.unknown_names or not old.metrics or old.intent not in STRUCTURED \
            or ("metrics" in new.given and not _loose_metric(new)):
        return None
    if not (_marked(new.question) or find_cue(text, lexicon.TOTAL)) \
            or len(re.sub(r"[\W\d_]", "", blank_all(text, [cue, *lexicon.TOTAL, *lexicon.FOLLOW_UP_HEAD,
                                                            *lexicon.FOLLOW_UP_TAIL]))) > 4:
        return None
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given, merged.unlinked, merged.unknown_names = ["agencies"], [], []
    merged.entities, merged.from_previous, merged.previous_agencies = [], False, []
    if new.has_years():
        merged.years, merged.year_from, merged.year_to = list(new.years), new.year_from, new.year_to
    if old.intent in ("lookup", "compare", "change"):
        merged.intent, merged.compare, merged.change = "total", None, {}
    elif old.intent == "trend":
        merged.intent, merged.group_by = "total", "year"
    merged.inherited = [p for p in PIECES if p not in ("agencies", "region") and _has(old, p)
                        and p in _RELEVANT.get(merged.intent, PIECES)]
    merged.readings = _plain(old.readings) + [Reading("agency", cue, "every agency", "every agency of the corpus",
                                                      "语料库中的全部机关")]
    return _described(merged)


def _relanguaged(new: Plan, previous: Turn) -> Plan | None:
    """"In English please" / 用中文回答: the previous question again, answered in that language."""
    text = _text(new.question)
    found = [(k, find_cue(text, words)) for k, words in lexicon.ANSWER_LANGUAGE.items()]
    lang, cue = next(((k, c) for k, c in found if c), (None, None))
    if lang is None or cue is None or new.entities or new.has_years():
        return None
    if "metrics" in new.given and not _loose_metric(new):
        from qa.metric_terms import find_metrics

        if find_metrics(blank_all(text, [cue])) is not None:
            return None  # a figure of its own (not "Answer in English", whose "answer" is no figure)
    merged = copy.deepcopy(previous.plan)
    merged.question, merged.lang, merged.follow_up = new.question, lang, True
    merged.given, merged.unlinked, merged.unknown_names = [], [], []
    merged.inherited = [p for p in PIECES if _has(previous.plan, p) and p in _RELEVANT.get(merged.intent, PIECES)]
    return _described(merged)


def _filtered(new: Plan, previous: Turn) -> Plan | None:
    """"Which of those have the national statistics tables?" after a question about the reports
    themselves: the previous list again, filtered by template or script."""
    old = previous.plan
    text = _text(new.question)
    if old.intent != "corpus" or new.entities or not (find_cue(text, lexicon.SUBSET)
                                                       or find_cue(text, lexicon.PLURAL_PRONOUNS)):
        return None
    found: dict[str, tuple[str, str]] = {}
    for piece, values in (("template", lexicon.CORPUS_TEMPLATE_VALUES), ("script", lexicon.CORPUS_SCRIPT_VALUES)):
        for value, words in values.items():
            word = find_cue(text, words)
            if word:
                found[piece] = (value, word)
                break
    if not found:
        return None
    merged = copy.deepcopy(old)
    merged.question, merged.lang, merged.follow_up = new.question, new.lang, True
    merged.given, merged.unlinked, merged.unknown_names = ["intent"], [], []
    merged.corpus = {**old.corpus, **{piece: value for piece, (value, _) in found.items()}}
    if old.corpus.get("ask") == "years" and not old.has_years():
        merged.corpus["ask"] = "years"
    merged.inherited = [p for p in PIECES if _has(old, p) and p in ("agencies", "region", "years", "level")]
    merged.readings = _plain(old.readings) + [
        Reading(piece, word, value, f"only {piece} {value}, among the previous answer's reports",
                f"上一问的报告中只看{word}") for piece, (value, word) in found.items()]
    return _described(merged)


def _first_place(new: Plan, previous: Turn) -> bool:
    """那第一名的处罚呢？ after a ranking or a list: the first agency that answer named."""
    if new.entities or not previous.agencies or previous.plan.intent not in ("rank", "list", "mixed") \
            or not find_cue(_text(new.question), lexicon.FIRST_PLACE):
        return False
    new.from_previous = True
    if "from_previous" not in new.given:
        new.given.append("from_previous")
    new.readings.append(Reading("agency", find_cue(_text(new.question), lexicon.FIRST_PLACE) or "", "previous answer",
                                "the first agency of the previous answer", "上一问答案中的第一个机关"))
    return True


def _soft_intent(new: Plan, previous: Plan) -> None:
    """一共花了多少钱？ / 当中个人申请的有几份？: 一共 and 几份 say "how much" here, not "over
    every agency" — after a turn with a scope, and with no noun of many agencies or reports."""
    if new.intent not in ("count", "total") or "intent" not in new.given or new.entities or new.has_years() \
            or not _has_scope(previous) or new.threshold is not None or new.top_n is not None or new.group_by:
        return
    if find_cue(_text(new.question), lexicon.GENERAL_PLURALS + lexicon.WIDE_SCOPE + lexicon.MANY_NOUNS):
        return
    new.given = [g for g in new.given if g != "intent"]


# Heads that ask the previous question again (同样的问题…, "same question for …"): their
# 问题 / question is no passage kind.
_SAME = tuple(h for h in lexicon.FOLLOW_UP_HEAD if "问" in h or "same" in h)


def _same_question(new: Plan) -> None:
    if not find_cue(_text(new.question), _SAME):
        return
    new.given = [g for g in new.given if g not in ("kinds", "intent", "topic")]
    new.kinds, new.topic = [], None
    new.readings = [r for r in new.readings if r.piece not in ("kind", "topic")]


def _not_names(new: Plan) -> None:
    """A follow-up's own words (当中, 其中, 几起) are never an unknown agency name."""
    words = lexicon.SUBSET + lexicon.FOLLOW_UP_HEAD + tuple(lexicon.TURN_RELATIVE_YEARS)
    false = [n for n in new.unknown_names
             if n.lower() in words or any(q in n for q in ("几", "多少", *lexicon.WHICH, *lexicon.WHO))]
    if not false:
        return
    new.unknown_names = [n for n in new.unknown_names if n not in false]
    new.readings = [r for r in new.readings
                    if not (r.piece == "agency" and r.value is None and set((r.text or "").split("、")) <= set(false))]


def plan_for(new: Plan, conversation: Conversation | None) -> Plan:
    """The plan to run for ``new``: merged with the previous turn when it is a follow-up."""
    previous = conversation.last() if conversation else None
    if previous is None or conversation is None:
        new.from_previous = False  # nothing before for "它们" / "they" to point at
        anchor_recent(new)
        return new
    _unbind_pronoun(new, previous)
    _not_names(new)
    _same_question(new)
    _soft_intent(new, previous.plan)
    for special in (_changed(new, conversation), _reshaped(new, previous), _explained(new, previous),
                    _broken_down(new, previous), _filtered(new, previous), _relanguaged(new, previous),
                    _widened(new, previous)):
        if special is not None:
            return special
    first = _first_place(new, previous)
    relative = turn_years(new, previous.plan, previous.years)
    if not (relative or first or is_follow_up(new, previous.plan)):
        anchor_recent(new)
        return new
    merged = merge(new, previous)
    if first:
        merged.previous_agencies = list(previous.agencies[:1])
        if merged.intent in ("rank", "list", "count"):
            merged.intent, merged.top_n, merged.threshold = "lookup", None, None
        merged = _described(merged)
    if not relative and "years" in new.given:
        anchor_recent(merged)
        merged = _described(merged)
    return merged


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
    parts += [r.how_zh if lang == "zh" else r.how for r in plan.readings if r.piece in ("template", "script")
              or (r.piece == "year" and "上一问" in r.how_zh)  # 前一年 → 2021: counted from the previous turn
              or (r.piece == "agency" and r.value == "every agency")]
    special = next((r for r in plan.readings if r.piece == "intent" and r.value in _SPECIAL), None)
    if special is not None:
        parts.append(special.how_zh if lang == "zh" else special.how)
    first = next((r for r in plan.readings if r.piece == "agency" and r.how == "the first agency of the previous answer"),
                 None)
    inherited = [p for p in plan.inherited if _has(plan, p)]  # (a figure a later step dropped is not kept)
    kept = [_PIECE_WORDS[p][0 if lang == "zh" else 1] for p in inherited]
    values = [v for v in (_piece_value(plan, p, lang) for p in inherited) if v]
    if lang == "zh":
        text = "理解为:" + " · ".join(parts)
        if plan.from_previous:
            text += f"(“{first.text}”指上一问答案中的第一个机关)" if first else "(“它们”指上一问答案中的机关)"
        if kept:
            text += f"(沿用上一问的{'、'.join(kept)}:{'、'.join(values)})" if values else \
                f"(沿用上一问的{'、'.join(kept)})"
        return text
    text = "Read as: " + " · ".join(parts)
    if plan.from_previous:
        text += f" (“{first.text}” = the first agency of the previous answer)" if first else \
            " (“they” = the agencies of the previous answer)"
    if kept:
        text += f" ({', '.join(kept)} kept from the previous question: {'; '.join(values)})" if values else \
            f" ({', '.join(kept)} kept from the previous question)"
    return text


_SPECIAL = ("year", "chart", "table", "explain", "change")


def _piece_value(plan: Plan, piece: str, lang: str) -> str:
    """What a piece carried over from the previous turn says (平潭综合实验区, 2024年, 行政诉讼·总计)."""
    sep = "、" if lang == "zh" else ", "
    if piece == "agencies":
        return sep.join(plan.agencies)
    if piece == "region":
        return "".join(plan.region.values())
    if piece == "years":
        return _years(plan, lang)
    if piece == "metrics":
        known = catalogue()
        return sep.join(known[k].name(lang) for k in plan.metrics if k in known)
    if piece == "threshold" and plan.threshold:
        return f"{plan.threshold['op']} {plan.threshold['value']:g}"
    if piece == "top_n" and plan.top_n:
        return f"前{plan.top_n}名" if lang == "zh" else f"top {plan.top_n}"
    if piece == "kinds":
        return sep.join(plan.kinds)
    if piece == "topic":
        return plan.topic or ""
    if piece == "level":
        return plan.level or ""
    if piece == "group_by":
        return plan.group_by or ""
    return ""
