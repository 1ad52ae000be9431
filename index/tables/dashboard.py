"""The dashboard's figures: the corpus (within a scope) at a glance, computed once per scope.

Every figure here is the one the question layer gives for the matching question, because it
is computed the same way: headline totals and rates run through :func:`index.tables.query.run`
(sums skip absent cells; a rate pools numerators over denominators, as ``DERIVED_SHARES`` of
:mod:`index.tables.metrics` defines it); the data-quality counts follow the kinds of
``qa.data_quality`` (the tables' arithmetic: every check family but the narrative one; the
text against the tables: the narrative family and, for reports on no national table, their
text against their own statistics table).

* :func:`yearly` — per year, the :data:`HEADLINE` metrics with their change from the year
  before (only when that year is in the corpus and scope; absent years are never bridged);
* :func:`movers` — the agencies whose requests rose or fell most from one year to the next;
* :func:`breakdown` — one year's requests by region or by agency level;
* :func:`quality_kinds` — how many reports have each kind of problem;
* :func:`dashboard` — all of it for one scope and one chosen year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from index.tables import metrics as catalogue_module
from index.tables.quality import FAMILIES, stated_comparisons
from index.tables.query import QuerySpec, run
from index.tables.resolve import REGION_LEVELS
from index.tables.summary import Scope, scope_where
from parsing.template import TEMPLATE_UNKNOWN

REQUESTS = "applications.new_received.total"
DISCLOSURE_RATE = "applications.granted_share.total"
REVIEWS = "review_litigation.review.total"
LAWSUITS = "review_litigation.litigation.total"
CORRECTION_RATE = "review_litigation.review_corrected_share.total"
# The five figures of the year at a glance, in the order shown: (name used by the UI, metric key).
HEADLINE = (("requests", REQUESTS), ("disclosure_rate", DISCLOSURE_RATE), ("reviews", REVIEWS),
            ("lawsuits", LAWSUITS), ("correction_rate", CORRECTION_RATE))
# The region level broken down below each scope region level (none chosen: provinces).
NEXT_REGION_LEVEL = {None: "province", "province": "city", "city": "county", "county": "township"}
# Kinds of data-quality problem as the chat's data-quality questions name them, with the check
# families (index.tables.quality) each is made of.
QUALITY_KINDS = {"balance": tuple(f for f in FAMILIES if f != "narrative"), "narrative": ("narrative",)}
TOP_MOVERS = 5


@dataclass(frozen=True)
class YearFigure:
    """One headline metric in one year: its value over the reports that have it, and the change
    from the year before (None when that year is not in scope or either value is absent)."""

    name: str
    metric: str
    year: int
    value: float | None
    reports: int
    previous_year: int | None = None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Mover:
    """An agency's requests in two consecutive years."""

    agency: str
    metric: str
    year_from: int
    year_to: int
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Breakdown:
    """One year's requests by ``by`` (a region level or ``level``): ``frame`` has the columns
    ``group`` (None where the reports do not say), ``value`` and ``reports``, largest first."""

    by: str
    year: int
    metric: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class QualityKind:
    """A kind of data-quality problem: how many reports in scope have it, and how many failed
    checks (of ``families``) they hold."""

    kind: str
    families: tuple[str, ...]
    reports: int
    checks: int


@dataclass
class Dashboard:
    scope: Scope
    years: list[int]
    reports_by_year: dict[int, int]
    figures: list[YearFigure]
    year: int | None
    rises: list[Mover] = field(default_factory=list)
    falls: list[Mover] = field(default_factory=list)
    regions: Breakdown | None = None
    levels: Breakdown | None = None
    quality: list[QualityKind] = field(default_factory=list)

    def figure(self, name: str, year: int) -> YearFigure | None:
        return next((f for f in self.figures if f.name == name and f.year == year), None)


def _spec(scope: Scope | None, **values: object) -> QuerySpec:
    """A query spec restricted to ``scope`` (years, region, agencies, level)."""
    scope = scope or Scope()
    return QuerySpec(year_from=scope.year_from, year_to=scope.year_to, region=scope.region_dict,
                     agencies=list(scope.agencies), level=scope.level, **values)  # type: ignore[arg-type]


def _number(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def report_years(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> dict[int, int]:
    """How many reports each year of ``scope`` holds, oldest first."""
    where, params = scope_where(scope)
    rows = con.execute(f"SELECT year, count(*) FROM reports r{where}{' AND' if where else ' WHERE'} "
                       "year IS NOT NULL GROUP BY year ORDER BY year", params).fetchall()
    return {int(y): int(n) for y, n in rows}


def yearly(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> list[YearFigure]:
    """Every :data:`HEADLINE` metric for every year in scope, with its change from the year before."""
    keys = [key for _, key in HEADLINE]
    frame = run(con, _spec(scope, metrics=keys, group_by="year")).frame
    frame = frame[frame["year"].notna()]
    by_year = {int(row["year"]): row for _, row in frame.iterrows()}
    figures = []
    for year, row in sorted(by_year.items()):
        before = by_year.get(year - 1)
        for name, key in HEADLINE:
            reports = int(row[key + "__reports"])
            value = _number(row[key]) if reports else None
            previous = None
            if before is not None and int(before[key + "__reports"]):
                previous = _number(before[key])
            figures.append(YearFigure(name, key, year, value, reports,
                                      year - 1 if before is not None else None, previous))
    return figures


def movers(con: duckdb.DuckDBPyConnection, year: int, scope: Scope | None = None, metric: str = REQUESTS,
           top: int = TOP_MOVERS) -> tuple[list[Mover], list[Mover]]:
    """The ``top`` largest rises and falls of ``metric`` from ``year - 1`` to ``year``, among
    agencies with one report carrying the figure in each of the two years (ties by name)."""
    sql_metric = catalogue_module.get(metric)
    where, params = scope_where(scope, alias="m")
    params.update({"y0": year - 1, "y1": year})
    tests = (where + " AND " if where else " WHERE ") + f"m.year IN ($y0, $y1) AND {sql_metric.sql} IS NOT NULL"
    frame = con.execute(f"SELECT m.agency, m.year, {sql_metric.sql} AS value FROM metrics m{tests}", params).df()
    if not len(frame):
        return [], []
    # An agency with two reports in one year is no single figure to compare: left out.
    counts = frame.groupby(["agency", "year"]).size()
    single = counts[counts == 1].reset_index()[["agency", "year"]]
    frame = frame.merge(single, on=["agency", "year"])
    wide = frame.pivot(index="agency", columns="year", values="value").dropna()
    if year - 1 not in wide or year not in wide:
        return [], []
    made = [Mover(str(agency), metric, year - 1, year, float(row[year - 1]), float(row[year]))
            for agency, row in wide.iterrows()]
    rises = sorted((m for m in made if m.change > 0), key=lambda m: (-m.change, m.agency))[:top]
    falls = sorted((m for m in made if m.change < 0), key=lambda m: (m.change, m.agency))[:top]
    return rises, falls


def region_level(scope: Scope | None) -> str:
    """The region level a breakdown by region uses: the one below the scope's deepest region."""
    chosen = [level for level, _ in (scope.region if scope else ())]
    deepest = max(chosen, key=REGION_LEVELS.index) if chosen else None
    return NEXT_REGION_LEVEL.get(deepest, "township")


def breakdown(con: duckdb.DuckDBPyConnection, year: int, by: str, scope: Scope | None = None,
              metric: str = REQUESTS) -> Breakdown:
    """``metric`` summed in ``year`` by ``by`` (a region level or ``level``), largest first."""
    frame = run(con, _spec(scope, metrics=[metric], years=[year], group_by=by)).frame
    shown = pd.DataFrame({
        "group": [None if pd.isna(g) else str(g) for g in frame[by]] if len(frame) else [],
        "value": frame[metric].astype("float64") if len(frame) else [],
        "reports": frame[metric + "__reports"].astype("int64") if len(frame) else [],
    })
    shown = shown.sort_values(["value", "group"], ascending=[False, True], na_position="last", kind="stable")
    return Breakdown(by, year, metric, shown.reset_index(drop=True))


def quality_kinds(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> list[QualityKind]:
    """Per kind of problem (:data:`QUALITY_KINDS`), the reports in scope that have it.

    The narrative kind also counts reports on no national table whose text states a figure
    of the year that their own statistics table contradicts (as the chat's answer does).
    """
    where, params = scope_where(scope)
    failed = con.execute(
        f"SELECT c.report_id, c.rule FROM checks c JOIN reports r USING (report_id)"
        f"{where}{' AND' if where else ' WHERE'} NOT c.ok", params).fetchall()
    older = [rid for (rid,) in con.execute(
        f"SELECT report_id FROM reports r{where}{' AND' if where else ' WHERE'} r.template = $unknown",
        {**params, "unknown": TEMPLATE_UNKNOWN}).fetchall()]
    stated = stated_comparisons(con, older) if older else pd.DataFrame(columns=["report_id", "ok"])
    stated_failed = set(stated.loc[~stated["ok"].astype(bool), "report_id"]) if len(stated) else set()
    made = []
    for kind, families in QUALITY_KINDS.items():
        narrative = kind == "narrative"
        mine = [(rid, rule) for rid, rule in failed if rule.startswith("narrative.") == narrative]
        reports = {rid for rid, _ in mine} | (stated_failed if narrative else set())
        made.append(QualityKind(kind, families, len(reports), len(mine)))
    return made


def latest_year(figures: list[YearFigure]) -> int | None:
    years = [f.year for f in figures]
    return max(years) if years else None


def dashboard(con: duckdb.DuckDBPyConnection, scope: Scope | None = None, year: int | None = None) -> Dashboard:
    """Everything the dashboard shows for ``scope``; movers and breakdowns for ``year``
    (default: the latest year in scope)."""
    scope = scope or Scope()
    figures = yearly(con, scope)
    reports_by_year = report_years(con, scope)
    years = sorted(reports_by_year)
    chosen = year if year in reports_by_year else (years[-1] if years else None)
    board = Dashboard(scope, years, reports_by_year, figures, chosen, quality=quality_kinds(con, scope))
    if chosen is not None:
        board.rises, board.falls = movers(con, chosen, scope)
        board.regions = breakdown(con, chosen, region_level(scope), scope)
        board.levels = breakdown(con, chosen, "level", scope)
    return board
