"""What a corpus holds, within a scope: counts, filter choices and the list of reports.

A :class:`Scope` is the set of reports a reader has narrowed the corpus to (years, a
region, agencies, an agency level).  Every function here takes one and turns it into
parameterised SQL over the ``reports`` table; the app's sidebar and pages only call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from index.tables.resolve import REGION_LEVELS

LIST_COLUMNS = ("report_id", "agency", "year", "province", "city", "county", "township", "level",
                "template", "n_failed_checks", "source")


@dataclass(frozen=True)
class Scope:
    """Which reports count: every field left empty means "no restriction"."""

    year_from: int | None = None
    year_to: int | None = None
    # Region level (province, city, county, township) → exact name, as the store holds it.
    region: tuple[tuple[str, str], ...] = ()
    agencies: tuple[str, ...] = ()
    level: str | None = None

    @property
    def region_dict(self) -> dict[str, str]:
        return dict(self.region)

    def is_empty(self) -> bool:
        return (self.year_from is None and self.year_to is None and not self.region
                and not self.agencies and self.level is None)


@dataclass
class _Where:
    parts: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, value: Any) -> str:
        name = f"s{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.parts)) if self.parts else ""


def scope_where(scope: Scope | None, alias: str = "r") -> tuple[str, dict[str, Any]]:
    """`` WHERE …`` (or "") selecting the reports of ``scope`` from a reports-like table, and its parameters."""
    where = _Where()
    scope = scope or Scope()
    if scope.year_from is not None:
        where.parts.append(f"{alias}.year >= {where.param(int(scope.year_from))}")
    if scope.year_to is not None:
        where.parts.append(f"{alias}.year <= {where.param(int(scope.year_to))}")
    for level, name in scope.region:
        if level not in REGION_LEVELS:
            raise ValueError(f"region level {level!r} is not one of {', '.join(REGION_LEVELS)}")
        # ``level`` comes from the whitelist above; the name travels as a parameter.
        where.parts.append(f"{alias}.{level} = {where.param(name)}")
    if scope.agencies:
        names = ", ".join(where.param(a) for a in scope.agencies)
        where.parts.append(f"{alias}.agency IN ({names})")
    if scope.level:
        where.parts.append(f"{alias}.level = {where.param(scope.level)}")
    return where.sql(), where.params


@dataclass
class CorpusSummary:
    reports: int
    agencies: int
    years: dict[int, int]
    provinces: int
    cities: int
    counties: int
    levels: dict[str, int]
    reports_with_failed_checks: int
    failed_checks: int
    narrative_conflicts: int

    @property
    def year_range(self) -> tuple[int, int] | None:
        return (min(self.years), max(self.years)) if self.years else None


def corpus_summary(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> CorpusSummary:
    """Counts of reports, agencies, years, regions and failed checks within ``scope``."""
    where, params = scope_where(scope)
    head = con.execute(
        # A city is told apart by its province too; a report may lack the levels above.
        "SELECT count(*), count(DISTINCT agency), count(DISTINCT province), "
        "count(DISTINCT CASE WHEN city IS NOT NULL THEN concat_ws('/', province, city) END), "
        "count(DISTINCT CASE WHEN county IS NOT NULL THEN concat_ws('/', province, city, county) END), "
        f"count(*) FILTER (WHERE n_failed_checks > 0) FROM reports r{where}", params
    ).fetchone()
    assert head is not None  # an aggregate without GROUP BY returns one row
    years = dict(con.execute(
        f"SELECT year, count(*) FROM reports r{where}{' AND' if where else ' WHERE'} year IS NOT NULL "
        "GROUP BY year ORDER BY year", params
    ).fetchall())
    levels = dict(con.execute(
        f"SELECT level, count(*) FROM reports r{where} GROUP BY level ORDER BY count(*) DESC, level", params
    ).fetchall())
    checks = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE starts_with(c.rule, 'narrative.')) "
        f"FROM checks c JOIN reports r USING (report_id){where}{' AND' if where else ' WHERE'} NOT c.ok",
        params,
    ).fetchone()
    assert checks is not None  # an aggregate without GROUP BY returns one row
    failed, narrative = checks
    return CorpusSummary(
        reports=head[0], agencies=head[1], years={int(y): n for y, n in years.items()},
        provinces=head[2], cities=head[3], counties=head[4], levels=levels,
        reports_with_failed_checks=head[5], failed_checks=failed, narrative_conflicts=narrative,
    )


Place = tuple[tuple[str, str], ...]


@dataclass
class ScopeOptions:
    """The values the filters can take: what the corpus actually holds."""

    years: list[int]
    # Every region the reports name, as its chain of (level, name) from the top level the
    # report gives: (("province", "浙江省"), ("city", "绍兴市")) — a scope's ``region``.
    places: list[Place]
    agencies: list[str]
    levels: list[str]

    def names(self, level: str) -> list[str]:
        """The names of one region level, each once."""
        return sorted({place[-1][1] for place in self.places if place[-1][0] == level})


def place_label(place: Place) -> str:
    return " ".join(name for _, name in place)


def _places(rows: list[tuple[str | None, ...]]) -> list[Place]:
    """Every prefix of every region chain: a county's report also makes its city and province places."""
    found: set[Place] = set()
    for row in rows:
        chain: list[tuple[str, str]] = []
        for level, name in zip(REGION_LEVELS, row):
            if name:
                chain.append((level, name))
                found.add(tuple(chain))
    return sorted(found, key=lambda place: [name for _, name in place])


def scope_options(con: duckdb.DuckDBPyConnection) -> ScopeOptions:
    """Every year, region, agency and level the corpus holds, sorted."""
    years = [int(y) for (y,) in con.execute(
        "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY year").fetchall()]
    # Level names come from the whitelist REGION_LEVELS.
    regions = con.execute(f"SELECT DISTINCT {', '.join(REGION_LEVELS)} FROM reports").fetchall()
    agencies = [a for (a,) in con.execute(
        "SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL ORDER BY agency").fetchall()]
    levels = [lv for (lv,) in con.execute(
        "SELECT level FROM reports GROUP BY level ORDER BY count(*) DESC, level").fetchall() if lv]
    return ScopeOptions(years=years, places=_places(regions), agencies=agencies, levels=levels)


def report_list(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """One row per report in ``scope`` (agency, year, region, template, failed checks, file), by agency and year."""
    where, params = scope_where(scope)
    columns = ", ".join(f"r.{c}" for c in LIST_COLUMNS)
    return con.execute(
        f"SELECT {columns} FROM reports r{where} ORDER BY r.agency, r.year, r.report_id", params
    ).df()


def agency_reports(con: duckdb.DuckDBPyConnection, agency: str) -> list[tuple[int | None, str]]:
    """(year, report_id) of every report of ``agency``, oldest first."""
    rows = con.execute(
        "SELECT year, report_id FROM reports WHERE agency = ? ORDER BY year NULLS LAST, report_id", [agency]
    ).fetchall()
    return [(None if y is None else int(y), rid) for y, rid in rows]
