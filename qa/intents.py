"""The intent registry: what each kind of question asks for, declared once.

Each :class:`Intent` names its cue words (:mod:`qa.lexicon`), when the understanding step
picks it, the step that gathers its facts (plan → query specs, :mod:`qa.answer`), the
function that writes its answer (:mod:`qa.compose`) and its chart.  :func:`gather` and
:func:`compose` look the plan's intent up here; adding an intent is adding one entry
(see DEVELOPERS.md, "How to add an intent").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from qa import answer, change, compose as writing, corpus_facts, data_quality, lexicon
from qa.answer import Step
from qa.compose import Answer, ChartPick, Composer, has_figures
from qa.corpus import Corpus
from qa.facts import Facts
from qa import text_figures
from qa.plan import Plan

# The cue words found in a question, by intent name ("numeric" too), and the number of
# agencies it names: what a structured intent's ``when`` decides by.
Cues = Mapping[str, "str | None"]
When = Callable[[Plan, Cues, int], bool]


class UnknownIntent(KeyError):
    """A plan names an intent the registry does not hold."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"No intent named “{self.name}” in qa.intents.REGISTRY (known: {', '.join(BY_NAME)})."


@dataclass(frozen=True)
class Intent:
    """One kind of question.

    ``when`` (structured intents only) is tried in registry order after the question was read;
    the first that holds is the intent.  ``refine`` then sets what the intent needs from the
    plan (compare: agencies, years or metrics).  ``has_rows`` tells whether the facts hold
    data (no_data otherwise); ``say_nothing`` writes which filters matched no report when the
    figures came back empty (list, count and rank say it their own way); ``checks`` adds the
    failed checks of the reports used.
    """

    name: str
    description: str
    gather: Step
    compose: Composer
    cues: tuple[str, ...] = ()
    when: When | None = None
    refine: Callable[[Plan, Cues, int], None] | None = None
    chart: ChartPick | None = None
    structured: bool = False
    has_rows: Callable[[Facts], bool] = has_figures
    say_nothing: bool = True
    checks: bool = True


# ---------------------------------------------------------------------------
# Steps and composers that adapt a module's function to the registry's signatures
# ---------------------------------------------------------------------------


def _step(run: Callable[[Plan, Corpus, Facts], None]) -> Step:
    def step(plan: Plan, corpus: Corpus, facts: Facts, top_k: int | None) -> None:
        run(plan, corpus, facts)
    return step


def _passages(plan: Plan, corpus: Corpus, facts: Facts, top_k: int | None) -> None:
    answer.passages(plan, corpus, facts, top_k=top_k)


def _figures(write: Composer) -> Composer:
    """A composer of table figures: written only when a query ran and a metric was asked."""
    def composer(facts: Facts, lang: str, lines: list[str]) -> dict[str, object] | None:
        return write(facts, lang, lines) if facts.queries and facts.metrics else None
    return composer


def _count(facts: Facts, lang: str, lines: list[str]) -> dict[str, object] | None:
    return writing.listing(facts, lang, lines, count=True)


def _narrative(facts: Facts, lang: str, lines: list[str]) -> dict[str, object] | None:
    writing.narrative(facts, lang, lines)
    return None


def _nothing(plan: Plan, corpus: Corpus, facts: Facts, top_k: int | None) -> None:
    return None


def _nothing_written(facts: Facts, lang: str, lines: list[str]) -> dict[str, object] | None:
    return None


def _has_quality(facts: Facts) -> bool:
    return facts.quality is not None and len(facts.quality) > 0


def _has_frame(facts: Facts) -> bool:
    return facts.frame is not None and len(facts.frame) > 0


# ---------------------------------------------------------------------------
# When a structured intent holds
# ---------------------------------------------------------------------------


def _compares(plan: Plan, cues: Cues, agencies: int) -> bool:
    return bool(cues["compare"]) or agencies >= 2 or (agencies == 1 and len(plan.years) >= 2)


def _compare_what(plan: Plan, cues: Cues, agencies: int) -> None:
    if agencies >= 2:
        plan.compare = "agency"
    elif len(plan.years) >= 2:
        plan.compare = "year"
    elif len(plan.metrics) >= 2:
        plan.compare = "metric"
    else:
        plan.compare = "agency"


def _over_years(plan: Plan, cues: Cues) -> bool:
    """平均每年 / 历年合计 / 2021到2025年一共: a total or average over years, not a trend (qa.change)."""
    return bool(cues["average"] or cues["total"]) and len(plan.years) != 1


def _trend(plan: Plan, cues: Cues, agencies: int) -> bool:
    if _over_years(plan, cues):
        return False
    return bool(cues["trend"]) or (agencies >= 1 and plan.year_from is not None and not cues["rank"])


def _rank(plan: Plan, cues: Cues, agencies: int) -> bool:
    return bool(cues["rank"]) or bool(plan.top_n)


def _cued(name: str) -> When:
    def when(plan: Plan, cues: Cues, agencies: int) -> bool:
        return bool(cues[name])
    return when


def _list(plan: Plan, cues: Cues, agencies: int) -> bool:
    return bool(cues["list"]) or bool(plan.threshold)


def _lookup(plan: Plan, cues: Cues, agencies: int) -> bool:
    return agencies >= 1 and not _over_years(plan, cues)


def _always(plan: Plan, cues: Cues, agencies: int) -> bool:
    return True


# ---------------------------------------------------------------------------
# The registry (structured intents in the order they are tried)
# ---------------------------------------------------------------------------

REGISTRY: tuple[Intent, ...] = (
    Intent(change.INTENT, "a figure's change between two years (Δ and %), or agencies ranked by it",
           _step(change.gather), _figures(change.compose), cues=change.CUES, when=change.when, refine=change.refine,
           chart=change.chart_change, structured=True, say_nothing=False),
    Intent("compare", "agencies, years or metrics side by side, with the differences worked out",
           _step(answer.compare), _figures(writing.comparison), cues=lexicon.COMPARE, when=_compares,
           refine=_compare_what, chart=writing.chart_compare, structured=True),
    Intent("trend", "a figure over the years (named agencies', or every report's sum per year)",
           _step(answer.trend), _figures(writing.trend), cues=lexicon.TREND, when=_trend,
           chart=writing.chart_trend, structured=True),
    Intent("rank", "agencies ranked by a figure, largest (or smallest) first",
           _step(answer.ranking), _figures(writing.ranking), cues=lexicon.RANK_DESC + lexicon.RANK_ASC, when=_rank,
           chart=writing.chart_by_agency, structured=True, say_nothing=False),
    Intent("count", "how many agencies meet a condition",
           _step(answer.listing), _figures(_count), cues=lexicon.COUNT, when=_cued("count"),
           chart=writing.chart_by_agency, structured=True, say_nothing=False),
    Intent("list", "the agencies that meet a condition (a threshold, or any figure above 0)",
           _step(answer.listing), _figures(writing.listing), cues=lexicon.LIST, when=_list,
           chart=writing.chart_by_agency, structured=True, say_nothing=False),
    Intent("average", "a figure's average per report, by group or year; per year over a named agency's years",
           _step(change.gather_totals), change.compose_totals(average=True), cues=lexicon.AVERAGE,
           when=_cued("average"), chart=change.chart_totals(average=True), structured=True),
    Intent("lookup", "one figure of named agencies",
           _step(answer.lookup), _figures(writing.lookup), when=_lookup, structured=True),
    Intent("total", "a figure summed over many reports, by group or year, or over a named agency's years",
           _step(change.gather_totals), change.compose_totals(average=False), cues=lexicon.TOTAL, when=_always,
           chart=change.chart_totals(average=False), structured=True),
    Intent("mixed", "agencies meeting a condition on a figure, then their passages",
           answer.mixed, writing.mixed, chart=writing.chart_by_agency),
    Intent("narrative", "passages of the reports' text", _passages, _narrative),
    Intent(data_quality.INTENT, "data problems, only the check asked about (table 三's identity, the text against "
           "the table, money units, copied text, checks across years), per report with the figures compared",
           _step(data_quality.gather), data_quality.compose, has_rows=_has_quality, checks=False),
    Intent(corpus_facts.INTENT, "the reports themselves: how many, which years, published when, script, template",
           _step(corpus_facts.gather), corpus_facts.compose, has_rows=_has_frame, checks=False),
    Intent(text_figures.INTENT, "a count stated only in a report's text (关停政务新媒体2个): the sentence quoted, "
           "marked as not a table cell; chosen when no table figure answers the question",
           _step(text_figures.gather), text_figures.compose, has_rows=text_figures.has_rows),
    Intent("unknown", "nothing understood: the answer says so", _nothing, _nothing_written),
)
BY_NAME: dict[str, Intent] = {intent.name: intent for intent in REGISTRY}


def get(name: str) -> Intent:
    """The registry's entry for ``name``; :class:`UnknownIntent` when there is none."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownIntent(name) from None


def cue_words() -> dict[str, tuple[str, ...]]:
    """Each intent's cue words, by intent name (intents without cue words left out)."""
    return {intent.name: intent.cues for intent in REGISTRY if intent.cues}


def structured_intent(plan: Plan, cues: Cues, agencies: int) -> str:
    """The first structured intent whose ``when`` holds (``refine`` applied)."""
    for intent in REGISTRY:
        if intent.when is not None and intent.when(plan, cues, agencies):
            if intent.refine is not None:
                intent.refine(plan, cues, agencies)
            return intent.name
    raise UnknownIntent("(no structured intent holds)")


def gather(plan: Plan, corpus: Corpus, top_k: int | None = None) -> Facts:
    """The facts ``plan`` needs, gathered by its intent's step (:func:`qa.answer.gather`)."""
    text_figures.reroute(plan, corpus)  # a count the tables lack, stated in the text
    intent = get(plan.intent)
    return answer.gather(plan, corpus, intent.gather, top_k, checks=intent.checks)


def compose(facts: Facts) -> Answer:
    """The answer written by the plan's intent's composer (:func:`qa.compose.compose`)."""
    intent = get(facts.plan.intent)
    return writing.compose(facts, intent.compose, intent.chart, intent.has_rows, intent.say_nothing)
