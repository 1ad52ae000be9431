"""A typed query over the store: :class:`QuerySpec` → parameterised SQL → :class:`QueryResult`.

Every step of a spec (a filter, a grouping, a ranking) yields an SQL fragment, its
parameters and one plain sentence in Chinese and English, as datasette's filters do.
Values the user gave (years, names, thresholds) travel as ``$p0``-style parameters; the
only text pasted into SQL is what the catalogue and the whitelists below provide.

Absent cells stay absent: sums skip them and say how many reports lacked them; a lookup of
an absent cell says so rather than showing 0; a metric one template lacks never borrows the
other template's look-alike cell (see :mod:`index.tables.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from index.tables import evidence
from index.tables import metrics as catalogue_module
from index.tables.level import LEVELS
from index.tables.metrics import Metric
from index.tables.operators import BY_KEY as _OPERATORS
from index.tables.operators import operator
from index.tables.resolve import REGION_LEVELS, AgencyIndex, Match
from parsing.errors import GongkaiError
from parsing.template import TEMPLATES

GROUP_KEYS = ("agency", "year", "province", "city", "county", "township", "level", "template")
AGGREGATES = ("sum", "avg", "count", "max", "min")
OPERATORS = tuple(_OPERATORS)  # index.tables.operators: each one's SQL, words and description
# Failed-check families users ask about → the prefix of the rules of that family.
CHECK_FAMILIES = {
    "any": "",
    "balance": "applications.balance.",
    "row_total": "applications.row_total.",
    "processed_total": "applications.processed_total.",
    "review": "review_litigation.total.",
    "narrative": "narrative.",
}
REPORT_COLUMNS = ("report_id", "agency", "year", "province", "city", "county", "township", "level", "template")
_AGG_WORDS = {"sum": ("合计", "total"), "avg": ("平均", "average"), "count": ("计数", "count"),
              "max": ("最大值", "maximum"), "min": ("最小值", "minimum")}
_GROUP_WORDS = {"agency": ("机关", "agency"), "year": ("年份", "year"), "province": ("省份", "province"),
                "city": ("城市", "city"), "county": ("区县", "county"), "township": ("乡镇街道", "township"),
                "level": ("层级", "level"), "template": ("模板", "template")}


class InvalidQuery(GongkaiError):
    """A query spec that cannot run; the message names the bad field and the allowed values."""


@dataclass
class Threshold:
    """Keep rows whose ``metric`` compares with ``value`` (``op`` a key of
    :data:`index.tables.operators.OPERATORS`; ``between`` uses ``high`` too, both inclusive);
    ``scope="group"`` tests the aggregate."""

    metric: str
    op: str
    value: float
    scope: str = "report"
    high: float | None = None


@dataclass
class Rank:
    """Order by ``by`` (the first metric when None), largest first unless ``order="asc"``."""

    by: str | None = None
    order: str = "desc"
    top_n: int | None = None


@dataclass
class Compare:
    """Side by side: ``by="agency"`` with agency names, or ``by="year"`` with years."""

    by: str
    values: list[Any]


@dataclass
class QuerySpec:
    """A structured question: which metrics, over which reports, shaped how.

    With neither ``group_by``, ``trend``, ``compare`` nor ``aggregate`` the result has one
    row per report; otherwise one row per group (or a single row), ``aggregate`` defaulting
    to ``sum``.  With no metrics and ``failed_checks`` set, it lists the failed checks.
    """

    metrics: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    agencies: list[str] = field(default_factory=list)
    region: dict[str, str] = field(default_factory=dict)
    level: str | None = None
    template: str | None = None
    threshold: Threshold | None = None
    thresholds: list[Threshold] = field(default_factory=list)
    group_by: list[str] | str | None = None
    rank: Rank | None = None
    compare: Compare | None = None
    trend: bool = False
    aggregate: str | None = None
    failed_checks: str | None = None

    def all_thresholds(self) -> list[Threshold]:
        return ([self.threshold] if self.threshold else []) + list(self.thresholds)

    def group_keys(self) -> list[str]:
        keys = [self.group_by] if isinstance(self.group_by, str) else list(self.group_by or [])
        if self.compare and self.compare.by not in keys:
            keys.append(self.compare.by)
        if self.trend and "year" not in keys:
            keys.append("year")
        return keys

    def grouped(self) -> bool:
        return bool(self.group_keys() or self.aggregate)


@dataclass
class Step:
    """One step of a query in plain words."""

    zh: str
    en: str


@dataclass
class QueryResult:
    """The answer to a spec.

    ``frame`` columns: per report ``report_id, agency, year, province … template`` then one
    column per metric key; per group the group keys, ``reports`` (how many reports the group
    holds), per metric its aggregate and ``<key>__reports`` (how many had the cell), with
    ``<key>__change`` for a trend and ``<key>__vs_first`` for a comparison; ``rank`` first
    when ranked.  A failed-check listing has ``report_id, source, agency, year, template,
    rule, detail``.  Absent values are NaN, never 0.  ``cells`` cite the stored cells behind
    the figures; ``warnings``/``warnings_zh`` say what the figures lack.
    """

    frame: pd.DataFrame
    sql: str
    params: dict[str, Any]
    steps: list[Step]
    warnings: list[str]
    warnings_zh: list[str]
    cells: list[dict[str, Any]]
    metrics: list[Metric]
    resolved: list[Match] = field(default_factory=list)

    @property
    def description_zh(self) -> str:
        return "\n".join(s.zh for s in self.steps)

    @property
    def description_en(self) -> str:
        return "\n".join(s.en for s in self.steps)

    @property
    def description(self) -> str:
        """One sentence per step, Chinese then English."""
        return self.description_zh + "\n\n" + self.description_en

    def column_names(self, lang: str = "zh") -> dict[str, str]:
        """Display names of the frame's metric columns (``{"applications.new_received.total": "…"}``)."""
        names = {}
        suffixes = {"": ("", ""), "__reports": ("(有数据的报告数)", " (reports with the cell)"),
                    "__change": ("(较上年)", " (change on previous year)"),
                    "__vs_first": ("(与首项之差)", " (difference from the first)")}
        for metric in self.metrics:
            for suffix, (zh, en) in suffixes.items():
                if metric.key + suffix in self.frame:
                    names[metric.key + suffix] = metric.name(lang) + (zh if lang == "zh" else en)
        return names


# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------


@dataclass
class _Sql:
    """Fragments and parameters collected while compiling."""

    filters: list[str] = field(default_factory=list)  # which reports
    tests: list[str] = field(default_factory=list)  # report thresholds
    params: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    resolved: list[Match] = field(default_factory=list)
    # Compared values as the store names them, in the order given.
    compare_order: list[Any] = field(default_factory=list)
    agencies: AgencyIndex | None = None  # names → agencies, when the caller keeps one

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def params_for(self, values: list[Any]) -> str:
        return ", ".join(self.param(v) for v in values)


def _metrics(spec: QuerySpec) -> list[Metric]:
    keys = list(spec.metrics)
    for extra in [t.metric for t in spec.all_thresholds()] + ([spec.rank.by] if spec.rank and spec.rank.by else []):
        if extra not in keys:
            keys.append(extra)
    return [catalogue_module.get(k) for k in keys]


def _validate(spec: QuerySpec) -> None:
    for key in spec.group_keys():
        if key not in GROUP_KEYS:
            raise InvalidQuery(f"Cannot group by {key!r}: use one of {', '.join(GROUP_KEYS)}.")
    if spec.aggregate and spec.aggregate not in AGGREGATES:
        raise InvalidQuery(f"Unknown aggregate {spec.aggregate!r}: use one of {', '.join(AGGREGATES)}.")
    for t in spec.all_thresholds():
        if t.op not in OPERATORS:
            raise InvalidQuery(f"Unknown comparison {t.op!r} in a threshold: use one of {' '.join(OPERATORS)}.")
        if t.op == "between" and t.high is None:
            raise InvalidQuery("A 'between' threshold needs high (its upper bound).")
        if t.scope not in ("report", "group"):
            raise InvalidQuery(f"Threshold scope must be 'report' or 'group', not {t.scope!r}.")
        if t.scope == "group" and not spec.grouped():
            raise InvalidQuery("A threshold on groups needs group_by, trend, compare or aggregate.")
    if spec.level and spec.level not in LEVELS:
        raise InvalidQuery(f"Unknown level {spec.level!r}: use one of {', '.join(LEVELS)}.")
    if spec.template and spec.template not in (*TEMPLATES, "unknown"):
        raise InvalidQuery(f"Unknown template {spec.template!r}: use one of {', '.join((*TEMPLATES, 'unknown'))}.")
    if spec.rank and spec.rank.order not in ("asc", "desc"):
        raise InvalidQuery(f"Rank order must be 'asc' or 'desc', not {spec.rank.order!r}.")
    if spec.rank and not (spec.metrics or spec.rank.by):
        raise InvalidQuery("A ranking needs a metric: name one in metrics or in rank.by.")
    if spec.rank and spec.rank.top_n is not None and spec.rank.top_n < 1:
        raise InvalidQuery("top_n must be at least 1.")
    if spec.compare and spec.compare.by not in ("agency", "year"):
        raise InvalidQuery(f"Compare by 'agency' or 'year', not {spec.compare.by!r}.")
    if spec.failed_checks is not None and spec.failed_checks not in CHECK_FAMILIES:
        raise InvalidQuery(f"Unknown check family {spec.failed_checks!r}: use one of {', '.join(CHECK_FAMILIES)}.")
    if not spec.metrics and not spec.failed_checks and spec.grouped() and spec.aggregate not in (None, "count"):
        raise InvalidQuery("Name at least one metric to aggregate.")


def _years_text(years: list[int]) -> tuple[str, str]:
    listed = "、".join(f"{y}年" for y in years)
    return listed, ", ".join(str(y) for y in years)


def _agencies(con: duckdb.DuckDBPyConnection, sql: _Sql) -> AgencyIndex:
    """The caller's agency index, else one built from the store for this query."""
    if sql.agencies is None:
        sql.agencies = AgencyIndex.from_store(con)
    return sql.agencies


def _resolve_agencies(con: duckdb.DuckDBPyConnection, names: list[str], sql: _Sql) -> list[str]:
    """Store names for the given names: exact names as they are, others through resolution."""
    if not names:
        return []
    if sql.agencies is not None:
        present = {name for name in names if name in sql.agencies.agencies}
    else:
        probe = _Sql()
        present = {row[0] for row in con.execute(
            f"SELECT DISTINCT agency FROM reports WHERE agency IN ({probe.params_for(names)})", probe.params
        ).fetchall()}
    resolved: list[str] = []
    for name in names:
        if name in present:
            resolved.append(name)
            continue
        match = _agencies(con, sql).resolve(name, ("agency",)).best()
        sql.resolved.append(match)
        sql.steps.append(Step(
            f"“{name}”识别为{match.agency}(方式:{match.how_zh},置信度{match.confidence:.2f})。",
            f"“{name}” was read as {match.agency} ({match.how}, confidence {match.confidence:.2f}).",
        ))
        resolved.append(match.agency or name)
    return resolved


def _resolve_region(con: duckdb.DuckDBPyConnection, level: str, name: str, sql: _Sql) -> str:
    if level not in REGION_LEVELS:
        raise InvalidQuery(f"Unknown region level {level!r}: use one of {', '.join(REGION_LEVELS)}.")
    if sql.agencies is not None and (level, name) in sql.agencies.regions:
        return name
    if sql.agencies is None and con.execute(f"SELECT 1 FROM reports WHERE {level} = $v LIMIT 1", {"v": name}).fetchone():
        return name
    resolution = _agencies(con, sql).resolve(name, ("region",))
    same_level = [m for m in resolution.matches if level in m.region]
    if not same_level:
        resolution.best()  # raises UnknownAgency with the reason
        raise InvalidQuery(f"{name!r} is a {next(iter(resolution.matches[0].region))} here, not a {level}.")
    match = same_level[0]
    sql.resolved.append(match)
    value = match.region[level]
    sql.steps.append(Step(f"“{name}”识别为{value}(置信度{match.confidence:.2f})。",
                          f"“{name}” was read as {value} (confidence {match.confidence:.2f})."))
    return value


def _filters(con: duckdb.DuckDBPyConnection, spec: QuerySpec, sql: _Sql) -> None:
    """WHERE fragments for everything that selects reports (not thresholds)."""
    years = list(spec.years)
    if spec.compare and spec.compare.by == "year":
        years = list(dict.fromkeys(years + [int(y) for y in spec.compare.values]))
    if years:
        sql.filters.append(f"m.year IN ({sql.params_for(years)})")
        zh, en = _years_text(years)
        sql.steps.append(Step(f"年份为{zh}。", f"Year is {en}."))
    if spec.year_from is not None:
        sql.filters.append(f"m.year >= {sql.param(int(spec.year_from))}")
    if spec.year_to is not None:
        sql.filters.append(f"m.year <= {sql.param(int(spec.year_to))}")
    if spec.year_from is not None or spec.year_to is not None:
        low = spec.year_from if spec.year_from is not None else "…"
        high = spec.year_to if spec.year_to is not None else "…"
        sql.steps.append(Step(f"年份在{low}年至{high}年之间。", f"Year from {low} to {high}."))
    names = list(spec.agencies)
    if spec.compare and spec.compare.by == "agency":
        compared = _resolve_agencies(con, [str(v) for v in spec.compare.values], sql)
        sql.compare_order = compared
        agencies = list(dict.fromkeys(_resolve_agencies(con, names, sql) + compared))
    else:
        agencies = list(dict.fromkeys(_resolve_agencies(con, names, sql)))
    if spec.compare and spec.compare.by == "year":
        sql.compare_order = [int(y) for y in spec.compare.values]
    if agencies:
        sql.filters.append(f"m.agency IN ({sql.params_for(agencies)})")
        sql.steps.append(Step(f"发布机关为{'、'.join(agencies)}。", f"Agency is {' or '.join(agencies)}."))
    for level, name in spec.region.items():
        value = _resolve_region(con, level, name, sql)
        # The level comes from the whitelist REGION_LEVELS, checked above.
        sql.filters.append(f"m.{level} = {sql.param(value)}")
        sql.steps.append(Step(f"地区({_GROUP_WORDS[level][0]})为{value}。", f"{level.capitalize()} is {value}."))
    if spec.level:
        sql.filters.append(f"m.level = {sql.param(spec.level)}")
        sql.steps.append(Step(f"机关层级为{spec.level}。", f"Agency level is {spec.level}."))
    if spec.template:
        sql.filters.append(f"m.template = {sql.param(spec.template)}")
        sql.steps.append(Step(f"采用{spec.template}版模板。", f"Report uses the {spec.template} template."))
    if spec.failed_checks is not None and not _lists_checks(spec):
        family = spec.failed_checks
        if family == "any":
            # The reports table counts failed checks: no need to scan every check.
            sql.filters.append("m.report_id IN (SELECT report_id FROM reports WHERE n_failed_checks > 0)")
        else:
            sql.filters.append(
                "m.report_id IN (SELECT report_id FROM checks WHERE NOT ok AND starts_with(rule, "
                f"{sql.param(CHECK_FAMILIES[family])}))"
            )
        sql.steps.append(Step(f"只看有未通过校验({family})的报告。",
                              f"Only reports with a failed check ({family})."))


def _group_tests(spec: QuerySpec) -> list[Threshold]:
    return [t for t in spec.all_thresholds() if t.scope == "group"]


def _lists_checks(spec: QuerySpec) -> bool:
    """A spec without metrics that names a check family lists the failed checks themselves."""
    return not spec.metrics and spec.failed_checks is not None and not spec.grouped()


def _report_thresholds(spec: QuerySpec, sql: _Sql) -> None:
    for t in spec.all_thresholds():
        if t.scope != "report":
            continue
        metric = catalogue_module.get(t.metric)
        op = operator(t.op)
        high = sql.param(float(t.high)) if t.high is not None else None
        sql.tests.append(op.where(metric.sql, sql.param(float(t.value)), high))
        sql.steps.append(Step(f"每份报告的{metric.zh}{_said(t, 'zh', metric.unit)}。",
                              f"Each report's {metric.en} is {_said(t, 'en')}."))


def _said(t: Threshold, lang: str, unit: str = "") -> str:
    """A threshold in words: 不少于10件 / at least 10 / 10至99件之间."""
    high = f"{t.high:g}" if t.high is not None else None
    return operator(t.op).describe(lang, f"{t.value:g}", high, unit)


def _has_value(metric: Metric) -> str:
    """True when a report has a value of ``metric``; a share's test skips the division."""
    if metric.kind == "share":
        return f"{metric.numerator} IS NOT NULL AND {metric.denominator} > 0"
    return f"{metric.sql} IS NOT NULL"


def _aggregate_sql(metric: Metric, how: str) -> str:
    if metric.kind == "share" and how == "sum":
        # A sum of shares is the pooled share: numerators over denominators of the reports that
        # have a share (both parts present, base above 0).
        has = _has_value(metric)
        return (f"100.0 * SUM({metric.numerator}) FILTER (WHERE {has}) / "
                f"NULLIF(SUM({metric.denominator}) FILTER (WHERE {has}), 0)")
    return f"{how.upper()}({metric.sql})"


def _quoted(name: str) -> str:
    # Names come from the catalogue (letters, digits, dots, underscores): quoting is enough.
    return '"' + name.replace('"', "") + '"'


def _where(sql: _Sql, tests: bool = True) -> str:
    parts = sql.filters + (sql.tests if tests else [])
    return (" WHERE " + " AND ".join(parts)) if parts else ""


def compile_spec(con: duckdb.DuckDBPyConnection, spec: QuerySpec,
                 agencies: AgencyIndex | None = None) -> tuple[str, _Sql, list[Metric]]:
    """The SQL of ``spec`` with its parameters and steps; names are resolved against ``con``.

    ``agencies`` is the store's agency index when the caller keeps one (a loaded corpus
    does: :class:`qa.corpus.Vocabulary`); without it, one is built only if a name needs it.
    """
    _validate(spec)
    metrics = _metrics(spec)
    sql = _Sql(agencies=agencies)
    _filters(con, spec, sql)
    _report_thresholds(spec, sql)
    if _lists_checks(spec):
        return _checks_sql(spec, sql), sql, metrics
    if spec.grouped():
        return _grouped_sql(spec, sql, metrics), sql, metrics
    return _reports_sql(spec, sql, metrics), sql, metrics


def _checks_sql(spec: QuerySpec, sql: _Sql) -> str:
    family = spec.failed_checks or "any"
    prefix = sql.param(CHECK_FAMILIES[family])
    sql.steps.append(Step(f"列出每条未通过的校验({family})及其算式。",
                          f"List each failed check ({family}) with its arithmetic."))
    where = _where(sql)
    where += (" AND " if where else " WHERE ") + f"NOT c.ok AND starts_with(c.rule, {prefix})"
    return (
        "SELECT m.report_id, r.source, m.agency, m.year, m.template, c.rule, c.detail FROM checks c "
        "JOIN metrics m ON m.report_id = c.report_id JOIN reports r ON r.report_id = c.report_id"
        f"{where} ORDER BY m.agency, m.year, c.rule"
    )


def _order(spec: QuerySpec, metrics: list[Metric], default: list[str]) -> tuple[str, list[Step]]:
    if spec.rank is None:
        return ", ".join(default), []
    by = catalogue_module.get(spec.rank.by) if spec.rank.by else metrics[0]
    direction = "DESC" if spec.rank.order == "desc" else "ASC"
    zh = "从高到低" if direction == "DESC" else "从低到高"
    en = "highest first" if direction == "DESC" else "lowest first"
    steps = [Step(f"按{by.zh}{zh}排序。", f"Ranked by {by.en}, {en}.")]
    return ", ".join([f"{_quoted(by.key)} {direction} NULLS LAST", *default]), steps


def _limit(spec: QuerySpec, sql: _Sql) -> str:
    if spec.rank is None or spec.rank.top_n is None:
        return ""
    sql.steps.append(Step(f"取前{spec.rank.top_n}名。", f"Top {spec.rank.top_n}."))
    return f" LIMIT {sql.param(int(spec.rank.top_n))}"


def _reports_sql(spec: QuerySpec, sql: _Sql, metrics: list[Metric]) -> str:
    # The cells behind each figure and their presence ride along for provenance and coverage.
    columns = ([f"m.{c}" for c in REPORT_COLUMNS] + [f"{m.sql} AS {_quoted(m.key)}" for m in metrics]
               + evidence.hidden_columns(metrics))
    if metrics:
        sql.steps.append(Step("每份报告一行,列出" + "、".join(m.zh for m in metrics) + "。",
                              "One row per report showing " + "; ".join(m.en for m in metrics) + "."))
    # Ranked rows break ties by year and storage order: sorting on names costs twice as much.
    order, steps = _order(spec, metrics, ["m.year", "m.rowid"] if spec.rank else ["m.year", "m.agency", "m.report_id"])
    sql.steps += steps
    text = f"SELECT {', '.join(columns)} FROM metrics m{_where(sql)} ORDER BY {order}"
    return text + _limit(spec, sql)


def _grouped_sql(spec: QuerySpec, sql: _Sql, metrics: list[Metric]) -> str:
    keys = spec.group_keys()
    how = spec.aggregate or "sum"
    columns = [f"m.{k}" for k in keys] + ["COUNT(*) AS reports"]
    for m in metrics:
        columns.append(f"{_aggregate_sql(m, how)} AS {_quoted(m.key)}")
        columns.append(f"COUNT(*) FILTER (WHERE {_has_value(m)}) AS {_quoted(m.key + '__reports')}")
    # Per group, how many reports lack each metric: when none does, coverage needs no query.
    columns += evidence.group_gap_columns(metrics)
    zh_how, en_how = _AGG_WORDS[how]
    if keys:
        sql.steps.append(Step(
            "按" + "、".join(_GROUP_WORDS[k][0] for k in keys) + "分组。",
            "Grouped by " + ", ".join(_GROUP_WORDS[k][1] for k in keys) + ".",
        ))
    if metrics:
        sql.steps.append(Step(
            f"计算{'、'.join(m.zh for m in metrics)}的{zh_how}(缺项的报告不计入,也不当作0)。",
            f"{en_how.capitalize()} of {'; '.join(m.en for m in metrics)} (reports lacking a cell are left out, "
            "not counted as 0).",
        ))
    else:
        sql.steps.append(Step("统计报告份数。", "Count the reports."))
    having = []
    for t in spec.all_thresholds():
        if t.scope == "group":
            metric = catalogue_module.get(t.metric)
            high = sql.param(float(t.high)) if t.high is not None else None
            having.append(operator(t.op).where(_aggregate_sql(metric, how), sql.param(float(t.value)), high))
            sql.steps.append(Step(f"只保留{metric.zh}{zh_how}{_said(t, 'zh')}的组。",
                                  f"Keep groups whose {en_how} {metric.en} is {_said(t, 'en')}."))
    text = f"SELECT {', '.join(columns)} FROM metrics m{_where(sql)}"
    if keys:
        text += " GROUP BY " + ", ".join(f"m.{k}" for k in keys)
    if having:
        text += " HAVING " + " AND ".join(having)
    default = [f"m.{k}" for k in dict.fromkeys((["year"] if spec.trend else []) + keys)]
    order, steps = _order(spec, metrics, default)
    sql.steps += steps
    if keys:
        text += f" ORDER BY {order}"
    return text + _limit(spec, sql)


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def run(con: duckdb.DuckDBPyConnection, spec: QuerySpec, agencies: AgencyIndex | None = None) -> QueryResult:
    """Run ``spec`` against the store behind ``con``: the frame, the SQL, words and warnings.

    Pass ``agencies`` (the store's :class:`~index.tables.resolve.AgencyIndex`) when running many
    queries against one store, as a loaded corpus does.
    """
    text, sql, metrics = compile_spec(con, spec, agencies)
    data, frame = _fetch(con, text, sql.params, spec)
    cells = evidence.provenance(con, metrics, data, _where(sql), sql.params, spec.group_keys())
    # Every report in scope is in the result: no threshold dropped any, no top-N cut any.
    complete = not sql.tests and not _group_tests(spec) and (spec.rank is None or spec.rank.top_n is None)
    coverage = evidence.coverage(con, _where(sql, tests=False), sql.params, metrics, data, complete)
    frame = _shape(spec, frame, metrics, sql.compare_order)
    warnings_en, warnings_zh = evidence.warnings(metrics, coverage, spec.grouped(), spec.aggregate)
    # An empty list of failed checks means none failed, not that no report matched.
    if not _lists_checks(spec) and (frame.empty or ("reports" in frame and not frame["reports"].sum())):
        warnings_en.insert(0, "No report in the corpus matches these conditions.")
        warnings_zh.insert(0, "语料库中没有符合这些条件的报告。")
    return QueryResult(frame, text, dict(sql.params), sql.steps, warnings_en, warnings_zh, cells, metrics,
                       sql.resolved)


def _fetch(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, Any],
           spec: QuerySpec) -> tuple[evidence.Columns, pd.DataFrame]:
    """Every fetched column as a list, and the frame of the visible ones (numbers as float64).

    fetchall and lists beat ``.df()`` by milliseconds on the small results queries return,
    and the columns kept for provenance and coverage never become pandas columns.
    """
    try:
        cursor = con.execute(text, params)
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise InvalidQuery(f"The query failed in DuckDB ({exc}); the spec was {spec!r}.") from exc
    names = [d[0] for d in cursor.description]
    data: evidence.Columns = {name: list(values) for name, values in zip(names, zip(*rows))} if rows else \
        {name: [] for name in names}
    visible = {}
    for name, description in zip(names, cursor.description):
        if name.startswith(evidence.HIDDEN):
            continue
        numeric = str(description[1]) in ("DOUBLE", "FLOAT", "DECIMAL")
        visible[name] = np.array(data[name], dtype="float64") if numeric else data[name]
    return data, pd.DataFrame(visible, columns=list(visible))


def _shape(spec: QuerySpec, frame: pd.DataFrame, metrics: list[Metric], compare_order: list[Any]) -> pd.DataFrame:
    """Rank numbers, year-on-year changes and the order of compared values (small frames only)."""
    if spec.rank is not None and len(frame):
        by = spec.rank.by or (metrics[0].key if metrics else None)
        if by is not None and by in frame:
            frame.insert(0, "rank", frame[by].rank(method="min", ascending=spec.rank.order == "asc")
                         .astype("Int64"))
    keys = spec.group_keys()
    if spec.trend and "year" in keys and len(frame):
        others = [k for k in keys if k != "year"]
        frame = frame.sort_values(others + ["year"]).reset_index(drop=True)
        for m in metrics:
            change = frame.groupby(others)[m.key].diff() if others else frame[m.key].diff()
            frame[m.key + "__change"] = change
    if spec.compare and len(frame):
        column = spec.compare.by
        order = {v: i for i, v in enumerate(compare_order)}
        frame = frame.sort_values(column, key=lambda s: s.map(lambda v: order.get(v, len(order))), kind="stable")
        frame = frame.reset_index(drop=True)
        for m in metrics:
            frame[m.key + "__vs_first"] = frame[m.key] - frame[m.key].iloc[0]
    return frame
