"""Plan → facts: the queries, passages and checks an answer is made of.

Structured steps run through :func:`index.tables.query.run` (one :class:`~index.tables.query.QuerySpec`
each, so every figure keeps its SQL and its cells' provenance); passages come from
:func:`index.passages.search.search`; data-quality questions read the store's ``checks`` table and
the passage index's near-duplicate marks.  A mixed question first finds the agencies, then
searches their passages only.  Before anything runs, what the corpus cannot answer is
named: unknown agencies, years without reports, an agency without a report for a year.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pandas as pd

from index.tables import metrics as catalogue_module
from index.tables.metrics import Metric
from index.tables.query import QueryResult, QuerySpec, Rank, Threshold, run
from index.passages.consistency import difference as index_difference
from index.passages.search import Hit, NoIndex, matching_reports, search
from parsing.template import TEMPLATE_UNKNOWN
from parsing.vocabulary import STATED_FIELD_METRICS
from qa.chart_parts import PARTS_QUERY, part_keys
from qa.corpus import Corpus
from qa.facts import Facts, Note, Query
from qa import passage_focus, passage_groups
from qa.names import unknown_note
from qa.nearest_year import missing_year_notes
from qa.plan import STRUCTURED, Plan

# Passages cited in a narrative answer, and at most this many from one report.
PER_REPORT = 2
# Agencies of a mixed answer whose passages are searched.
MAX_MIXED_AGENCIES = 10
DEFAULT_TOP = 10
# Failed checks are looked up for this many reports of an answer at most.
MAX_CHECKED_REPORTS = 50


# ---------------------------------------------------------------------------
# Scope: what the corpus cannot answer
# ---------------------------------------------------------------------------


def _year_span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else "none"


def scope_notes(plan: Plan, corpus: Corpus, facts: Facts) -> bool:
    """Fill ``facts.missing`` / ``facts.notes``; False when nothing asked for exists."""
    vocabulary = corpus.vocabulary()
    ok = True
    for name in plan.unknown_names:
        facts.missing.append(Note(*unknown_note(name, vocabulary)))
        ok = False
    for entity in plan.entities:
        if entity.ambiguous:
            listed = "; ".join(entity.names)
            facts.notes.append(Note(
                f"“{entity.text}” matches {len(entity.names)} agencies equally well: {listed}. "
                "The answer shows each of them; name one to narrow it down.",
                f"“{entity.text}”同样符合{len(entity.names)}个机关:{'、'.join(entity.names)}。以下分别列出,请指明其中一个。"))
        elif entity.confidence < 1:
            target = entity.names[0] if entity.names else "".join(entity.region.values())
            facts.notes.append(Note(
                f"“{entity.text}” was read as {target} ({entity.how}, confidence {entity.confidence:.2f}).",
                f"“{entity.text}”识别为{target}(方式:{entity.how_zh},置信度{entity.confidence:.2f})。"))
    for reading in plan.readings:
        if reading.piece == "metric" and reading.confidence < 1:
            names = "、".join(catalogue_module.get(k).zh for k in reading.value)
            names_en = "; ".join(catalogue_module.get(k).en for k in reading.value)
            facts.notes.append(Note(
                f"No metric name occurs in the question; “{names_en}” was chosen by {reading.how} (a loose match).",
                f"问题中没有指标名称,按{reading.how_zh}选取了“{names}”(近似匹配)。"))
    corpus_years = vocabulary.years
    absent_years = [y for y in plan.years if y not in corpus_years]
    for year in absent_years:
        facts.missing.append(Note(f"The corpus has no reports for {year} (it covers {_year_span(corpus_years)}).",
                                  f"语料库中没有{year}年的报告(现有年份:{_year_span(corpus_years)})。"))
    if plan.years and len(absent_years) == len(plan.years):
        ok = False
    if plan.intent in ("lookup", "compare", "trend", "total", "narrative", "mixed") or plan.from_previous:
        facts.missing += missing_year_notes(plan, corpus)  # with the nearest year's figures, marked
    if plan.intent in STRUCTURED and not plan.metrics:
        facts.missing.append(Note(
            "The question names no figure of the report tables that I can tell; name one, e.g. "
            "“requests received”, “lawsuits”, “administrative penalties”.",
            "没能判断问的是统计表中的哪一项,请写明指标,例如“收到申请数”“行政诉讼”“行政处罚”。"))
        ok = False
    return ok


# ---------------------------------------------------------------------------
# Structured steps
# ---------------------------------------------------------------------------


def _spec(plan: Plan, agencies: list[str] | None = None, **kwargs: Any) -> QuerySpec:
    return QuerySpec(metrics=list(plan.metrics), years=list(plan.years), year_from=plan.year_from,
                     year_to=plan.year_to, agencies=list(plan.agencies if agencies is None else agencies),
                     region=dict(plan.region), level=plan.level, **kwargs)


def _run(corpus: Corpus, facts: Facts, purpose: str, spec: QuerySpec) -> pd.DataFrame:
    result = run(corpus.connection(), spec, corpus.vocabulary().index)
    facts.queries.append(Query(purpose, spec, result))
    if not facts.metrics:
        facts.metrics = [m for m in result.metrics]
    for en, zh in zip(result.warnings, result.warnings_zh):
        facts.notes.append(Note(en, zh))
    return result.frame


def _condition(plan: Plan) -> Threshold:
    metric = plan.metrics[0]
    if plan.threshold:
        high = plan.threshold.get("high")
        return Threshold(metric, plan.threshold["op"], float(plan.threshold["value"]),
                         high=float(high) if high is not None else None)
    return Threshold(metric, ">", 0.0)


def lookup(plan: Plan, corpus: Corpus, facts: Facts, purpose: str = "") -> None:
    """The asked figures of the named agencies (side by side in the order the question names them)."""
    frame = _run(corpus, facts, purpose or plan.intent, _spec(plan))
    if plan.intent == "compare" and len(frame):
        order = {name: i for i, name in enumerate(plan.agencies)}
        frame = frame.sort_values(["agency", "year"], key=lambda s: s.map(order) if s.name == "agency" else s,
                                  kind="stable").reset_index(drop=True)
    facts.frame = frame
    facts.agencies = list(dict.fromkeys(frame["agency"])) if len(frame) else list(plan.agencies)
    _absent_cells(plan, corpus, facts)


def compare(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    if plan.compare == "year" and not plan.agencies:
        # Years side by side over every report in scope: each year's sum.
        facts.frame = _run(corpus, facts, plan.intent, _spec(plan, aggregate="sum", group_by="year"))
        _sum_parts(plan, corpus, facts, aggregate="sum", group_by="year")
    else:
        lookup(plan, corpus, facts)


def listing(plan: Plan, corpus: Corpus, facts: Facts, purpose: str = "") -> None:
    """The agencies meeting the condition (list and count)."""
    frame = _run(corpus, facts, purpose or plan.intent, _spec(plan, threshold=_condition(plan)))
    facts.frame = frame
    facts.agencies = list(dict.fromkeys(frame["agency"]))


def ranking(plan: Plan, corpus: Corpus, facts: Facts, purpose: str = "") -> None:
    top = plan.top_n or DEFAULT_TOP
    frame = _run(corpus, facts, purpose or plan.intent, _spec(plan, rank=Rank(plan.metrics[0], plan.order, top)))
    facts.frame = frame
    facts.agencies = list(dict.fromkeys(frame["agency"]))
    _ties(plan, corpus, facts, top)


def _ties(plan: Plan, corpus: Corpus, facts: Facts, top: int) -> None:
    """The reports a top-``top`` cut left out that share the value of its last row."""
    frame, key = facts.frame, plan.metrics[0]
    if frame is None or key not in frame or frame[key].notna().sum() < top:
        return
    last = float(frame[key].dropna().iloc[-1])
    equal = _run(corpus, facts, "ties", _spec(plan, threshold=Threshold(key, "=", last)))
    facts.ties = equal[~equal["report_id"].isin(frame["report_id"])].reset_index(drop=True)


def trend(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """Named agencies' figures over the years, or every report's sum per year."""
    if plan.agencies:
        lookup(plan, corpus, facts)
    else:
        facts.frame = _run(corpus, facts, plan.intent, _spec(plan, trend=True, aggregate="sum"))
        _sum_parts(plan, corpus, facts, trend=True, aggregate="sum")


def totals(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """Sums (and the report counts an average divides by), by group or by year."""
    group = plan.group_by
    if group is None and not plan.years and len(_years_in_scope(plan, corpus)) > 1:
        group = "year"  # adding up different years' figures answers no question
    facts.frame = _run(corpus, facts, plan.intent, _spec(plan, aggregate="sum", group_by=group))
    if group is not None:
        _sum_parts(plan, corpus, facts, aggregate="sum", group_by=group)


def _sum_parts(plan: Plan, corpus: Corpus, facts: Facts, **kwargs: Any) -> None:
    """A declared sum (all lawsuits) summed by group: its parts summed over the same groups, so
    that the answer's chart can stack them (qa.chart_parts)."""
    keys = part_keys(plan.metrics[0]) if plan.metrics else []
    if not keys:
        return
    spec = _spec(plan, **kwargs)
    spec.metrics = keys
    facts.queries.append(Query(PARTS_QUERY, spec, run(corpus.connection(), spec, corpus.vocabulary().index)))


def _years_in_scope(plan: Plan, corpus: Corpus) -> list[int]:
    years = corpus.vocabulary().years
    low = plan.year_from if plan.year_from is not None else -10**6
    high = plan.year_to if plan.year_to is not None else 10**6
    return [y for y in years if low <= y <= high]


def _zero_base(facts: Facts, report_id: str, metric: Metric) -> bool:
    """Is ``metric`` a rate whose denominator the report gives as 0 (every cell of it present)?"""
    if metric.kind != "share" or not metric.denominator_key:
        return False
    values = {c["field"]: c["value"] for c in facts.cells if c["report_id"] == report_id}
    found = [values.get(".".join(c)) for c in catalogue_module.get(metric.denominator_key).cells]
    present = [float(v) for v in found if v is not None and not pd.isna(v)]
    return bool(present) and sum(present) == 0


def _stated_figures(corpus: Corpus, row: Any, metric: Any, facts: Facts) -> bool:
    """State what a report on no national template says of ``metric`` (its stated figures),
    quoted and marked as not a table cell; False when it states nothing about it."""
    fields = [f for f, key in STATED_FIELD_METRICS.items() if key == metric.key]
    if not fields:
        return False
    marks = ", ".join(f"${i}" for i in range(2, len(fields) + 2))
    found = corpus.connection().execute(
        f"SELECT DISTINCT source, value, unit, quote FROM stated_figures WHERE report_id = $1 AND field IN ({marks}) "
        "AND period = 'year' ORDER BY source DESC, value", [row["report_id"], *fields]).fetchall()
    if not found:
        return False
    agency, year = row["agency"], int(row["year"])
    said_en, said_zh = [], []
    for source, value, unit, quote in found[:2]:
        figure = f"{value:g}{unit}"
        prose = source == "prose"
        said_en.append(f"{'its text says' if prose else 'its own statistics table says'} “{quote}”: {figure}")
        said_zh.append(f"{'报告正文写明' if prose else '报告自己的统计表写明'}:“{quote.rstrip('。')}”,即{figure}")
    facts.missing.append(Note(
        f"{agency}'s {year} report predates the national tables and has no {metric.en}; "
        + "; ".join(said_en) + " (figures stated in the report, not table cells).",
        f"{agency}{year}年的报告早于全国统一表格,没有“{metric.zh}”;" + ";".join(said_zh)
        + "(报告所述数字,不是统计表单元格)。"))
    return True


def _absent_cells(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """Name every asked figure a report lacks, and the other template's cells it has instead."""
    frame = facts.frame
    if frame is None or not len(frame):
        return
    metrics = catalogue_module.catalogue()
    asked = [metrics[k] for k in plan.metrics if k in metrics]
    # Both templates' versions asked together (规范性文件 → 制发 and 新制作): each report has one.
    covered = {t for m in asked for t in m.templates}
    wanted: list[str] = []
    for _, row in frame.iterrows():
        for metric in asked:
            if metric.key in frame and pd.isna(row[metric.key]):
                template = row["template"]
                if template == TEMPLATE_UNKNOWN and _stated_figures(corpus, row, metric, facts):
                    continue
                if template not in metric.templates:
                    if template in covered:
                        continue
                    others = [metrics[k] for k in metric.counterparts if template in metrics[k].templates]
                    wanted += [o.key for o in others]
                    names_en = "; ".join(o.en for o in others)
                    names_zh = "、".join(o.zh for o in others)
                    facts.missing.append(Note(
                        f"{row['agency']}'s {row['year']} report uses the {template} template, which has no "
                        f"{metric.en}" + (f"; it has {names_en} instead (a different measure, shown below)." if others
                                          else "."),
                        f"{row['agency']}{row['year']}年的报告采用{template}版模板,没有“{metric.zh}”"
                        + (f";该模板有“{names_zh}”(口径不同,见下表)。" if others else "。")))
                elif _zero_base(facts, row["report_id"], metric):
                    base = catalogue_module.get(str(metric.denominator_key))
                    facts.missing.append(Note(
                        f"{row['agency']}'s {row['year']} report has no {metric.en}: its denominator, {base.en}, "
                        f"is 0 ({metric.definition_en}).",
                        f"{row['agency']}{row['year']}年没有{metric.zh}:分母“{base.zh}”为0,无法计算"
                        f"({metric.definition_zh})。"))
                else:
                    facts.missing.append(Note(
                        f"{row['agency']}'s {row['year']} report does not give {metric.en} (absent, not 0).",
                        f"{row['agency']}{row['year']}年的报告没有填写“{metric.zh}”(缺项,不是0)。"))
    if wanted:
        ids = frame["report_id"].tolist()
        spec = QuerySpec(metrics=list(dict.fromkeys(wanted)), agencies=list(dict.fromkeys(frame["agency"])),
                         years=sorted({int(y) for y in frame["year"]}))
        result = run(corpus.connection(), spec, corpus.vocabulary().index)
        facts.queries.append(Query("counterparts", spec, result))
        facts.counterparts = result.frame[result.frame["report_id"].isin(ids)].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Passages
# ---------------------------------------------------------------------------


def _diverse(hits: list[Hit], k: int, agencies: list[str]) -> list[Hit]:
    """Up to ``k`` hits, at most ``PER_REPORT`` per report (more when few reports compete:
    :func:`qa.passage_focus.per_report`), every listed agency first served once."""
    cap = passage_focus.per_report(hits, k, PER_REPORT)
    chosen: list[Hit] = []
    per_report: dict[str, int] = {}
    for agency in agencies:
        hit = next((h for h in hits if h.agency == agency), None)
        if hit is not None and len(chosen) < max(k, len(agencies)):
            chosen.append(hit)
            per_report[hit.report_id] = 1
    chosen.sort(key=hits.index)  # each agency served once, in the order of relevance
    for hit in hits:
        if len(chosen) >= max(k, min(len(agencies), MAX_MIXED_AGENCIES)):
            break
        if hit in chosen or per_report.get(hit.report_id, 0) >= cap:
            continue
        chosen.append(hit)
        per_report[hit.report_id] = per_report.get(hit.report_id, 0) + 1
    return chosen


def _level_reports(corpus: Corpus, level: str) -> dict[str, str]:
    """The reports of the store whose agency is at ``level`` (county, township …): id → agency."""
    rows = corpus.connection().execute(
        "SELECT report_id, agency FROM reports WHERE level = ? AND agency IS NOT NULL", [level])
    return dict(rows.fetchall())


def _mentions(plan: Plan, corpus: Corpus, filters: dict[str, Any], level_ids: set[str] | None,
              shown: list[Hit], copies: dict[str, list[Hit]]) -> passage_groups.Mentions | None:
    """How many reports mention what was asked: a topic's over every passage of the index in
    scope; otherwise among the passages shown and their folded copies (qa.passage_groups)."""
    if not shown:
        return None
    if plan.topic:
        ids = matching_reports(corpus.data, topic=plan.topic, kind=plan.kinds or None, **filters)
        if level_ids is not None:
            ids &= level_ids
        if ids:
            found = corpus.connection().execute(
                f"SELECT count(DISTINCT agency) FROM reports WHERE report_id IN ({', '.join('?' for _ in ids)})",
                sorted(ids)).fetchone()
            return passage_groups.Mentions("topic", len(ids), int(found[0]) if found else 0, topic=plan.topic,
                                           kinds=list(plan.kinds))
    reports, agencies = passage_groups.count_reports(shown, copies)
    searched = len(shown) + sum(len(c) for c in copies.values())
    return passage_groups.Mentions("retrieved", reports, agencies, kinds=list(plan.kinds), searched=searched)


def passages(plan: Plan, corpus: Corpus, facts: Facts, agencies: list[str] | None = None,
             top_k: int | None = None) -> None:
    k = top_k or corpus.index.top_k
    names = agencies if agencies is not None else plan.agencies
    filters: dict[str, Any] = {}
    years = plan.years or (_years_in_scope(plan, corpus) if plan.has_years() else [])
    if years:
        filters["years"] = years
    if names:
        filters["agency"] = names
    level_ids: set[str] | None = None
    if not names and plan.level:
        # The passage index has no level: the agencies of that level narrow the search, their
        # reports of that level are kept (an agency filter matches by name part).
        found_level = _level_reports(corpus, plan.level)
        filters["agency"] = sorted(set(found_level.values()))
        level_ids = set(found_level)
    if plan.region:
        filters["region"] = list(plan.region.values())
    query = plan.search_text or plan.question
    depth = max(3 * k, 3 * len(names))
    try:
        hits = search(corpus.data, query, kind=plan.kinds or None, topic=plan.topic, k=depth, **filters) \
            if plan.topic else []
        if len(hits) < k:
            more = search(corpus.data, query, kind=plan.kinds or None, k=depth, **filters)
            hits += [h for h in more if h.id not in {x.id for x in hits}]
        if not hits and plan.kinds:
            hits = search(corpus.data, query, k=depth, **filters)
    except NoIndex as exc:
        facts.missing.append(Note(str(exc), f"还没有段落索引:{exc}"))
        return
    behind = index_difference(corpus.data)
    if behind is not None and not behind.in_step:  # said with the answer, never answered from silently
        facts.notes.append(Note(behind.en(corpus.data), behind.zh(corpus.data)))
    # A term the question quotes (“三个一”) is looked for literally.
    quoted = passage_focus.quoted_phrases(plan.question)
    if quoted:
        seen = {h.id for h in hits}
        hits += [h for h in passage_focus.literal_hits(corpus.passages(), quoted, None, names) if h.id not in seen]
        hits = passage_focus.literal_first(hits, quoted)
    if level_ids is not None:
        hits = [h for h in hits if h.report_id in level_ids]
    distinct, copies = passage_groups.fold_copies(hits)  # one passage for text printed several times
    facts.passages = _diverse(distinct, k, names)
    facts.passage_copies = {h.id: copies[h.id] for h in facts.passages if h.id in copies}
    facts.mentions = _mentions(plan, corpus, filters, level_ids, facts.passages, facts.passage_copies)
    if not facts.agencies:
        facts.agencies = list(dict.fromkeys(h.agency for h in facts.passages if h.agency))
    if not facts.passages:
        facts.missing.append(Note("No passage of the corpus matches the question within its filters.",
                                  "在所给范围内没有找到相关段落。"))


# ---------------------------------------------------------------------------
# Everything
# ---------------------------------------------------------------------------


def _report_ids(facts: Facts) -> list[str]:
    ids: list[str] = []
    if facts.frame is not None and "report_id" in facts.frame:
        ids += facts.frame["report_id"].tolist()
    if facts.quality is not None and "report_id" in facts.quality:
        ids += facts.quality["report_id"].tolist()
    ids += [h.report_id for h in facts.passages]
    return list(dict.fromkeys(ids))[:MAX_CHECKED_REPORTS]


def _report_facts(corpus: Corpus, facts: Facts) -> None:
    ids = _report_ids(facts)
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    con = corpus.connection()
    facts.sources = dict(con.execute(f"SELECT report_id, source FROM reports WHERE report_id IN ({marks})",
                                     ids).fetchall())
    for report_id, rule, detail in con.execute(
            f"SELECT report_id, rule, detail FROM checks WHERE NOT ok AND report_id IN ({marks}) "
            "ORDER BY report_id, rule", ids).fetchall():
        facts.failed_checks.setdefault(report_id, []).append((rule, detail))


def mixed(plan: Plan, corpus: Corpus, facts: Facts, top_k: int | None = None) -> None:
    """The agencies meeting the condition (ranked when asked), then their passages."""
    if plan.top_n or plan.order == "asc":
        ranking(plan, corpus, facts, "rank")
    else:
        listing(plan, corpus, facts, "list")
    found = facts.agencies[:MAX_MIXED_AGENCIES]
    if found:
        scoped = plan
        if not plan.has_years() and facts.frame is not None and len(facts.frame):
            # The passages of the reports that met the condition: their years.
            scoped = copy.copy(plan)
            scoped.years = sorted({int(y) for y in facts.frame["year"].dropna()})
        passages(scoped, corpus, facts, agencies=found, top_k=top_k)
        facts.agencies = found


# What one intent gathers (qa.intents names one per intent).
Step = Callable[[Plan, Corpus, Facts, "int | None"], None]


def gather(plan: Plan, corpus: Corpus, step: Step, top_k: int | None = None, checks: bool = True) -> Facts:
    """Run ``plan`` against ``corpus``: what the corpus cannot answer, then the intent's ``step``
    (every query, passage and check the answer needs; ``top_k`` passages at most, default the
    corpus's setting), then the sources and failed checks of the reports used (unless ``checks``
    is False).  :func:`qa.intents.gather` picks the step of the plan's intent."""
    facts = Facts(plan)
    if not scope_notes(plan, corpus, facts):
        return facts
    if plan.from_previous and not plan.agencies:
        facts.missing.append(Note("The previous answer named no agencies for “they” to refer to.",
                                  "上一问的答案中没有机关,无法确定“它们”指哪些机关。"))
        return facts
    step(plan, corpus, facts, top_k)
    if checks:
        _report_facts(corpus, facts)
    return facts
