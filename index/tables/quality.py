"""Data quality across the corpus: every failed check and narrative conflict, by family.

A check's family is the first part of its rule (see ``CHECK_FAMILIES`` in
:mod:`index.tables.query`): the applications balance, a row's total, the processed total, the
review and litigation totals, or the narrative contradicting the table.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from index.tables.query import CHECK_FAMILIES
from index.tables.summary import Scope, scope_where

FAMILIES = tuple(name for name, prefix in CHECK_FAMILIES.items() if prefix)
ISSUE_COLUMNS = ("report_id", "agency", "year", "province", "city", "county", "township", "family", "rule",
                 "detail", "source")


def family_of(rule: str) -> str:
    """The family of a check rule; "other" for a rule no family claims."""
    for name in FAMILIES:
        if rule.startswith(CHECK_FAMILIES[name]):
            return name
    return "other"


def _family_sql() -> tuple[str, dict[str, str]]:
    # CASE over the prefixes, passed as parameters.
    params: dict[str, str] = {}
    whens = []
    for i, name in enumerate(FAMILIES):
        params[f"fp{i}"], params[f"fn{i}"] = CHECK_FAMILIES[name], name
        whens.append(f"WHEN starts_with(c.rule, $fp{i}) THEN $fn{i}")
    return f"CASE {' '.join(whens)} ELSE 'other' END", params


def quality_issues(con: duckdb.DuckDBPyConnection, scope: Scope | None = None,
                   families: Iterable[str] | None = None, agency_contains: str | None = None) -> pd.DataFrame:
    """Every failed check of the reports in ``scope``: one row each, by agency, year and rule.

    ``families`` keeps only those families (see :data:`FAMILIES`); ``agency_contains`` keeps
    agencies whose name contains that text.
    """
    where, params = scope_where(scope)
    family, family_params = _family_sql()
    params.update(family_params)
    tests = ["NOT c.ok"]
    wanted = [f for f in (families or ()) if f]
    if wanted:
        names = ", ".join(f"$w{i}" for i in range(len(wanted)))
        params.update({f"w{i}": f for i, f in enumerate(wanted)})
        tests.append(f"({family}) IN ({names})")
    if agency_contains:
        params["agency_text"] = agency_contains.strip()
        tests.append("contains(r.agency, $agency_text)")
    where = (where + " AND " if where else " WHERE ") + " AND ".join(tests)
    columns = ", ".join(f"r.{c}" for c in ("report_id", "agency", "year", "province", "city", "county", "township"))
    return con.execute(
        f"SELECT {columns}, {family} AS family, c.rule, c.detail, r.source "
        f"FROM checks c JOIN reports r USING (report_id){where} ORDER BY r.agency, r.year, c.rule",
        params,
    ).df()


def family_counts(issues: pd.DataFrame) -> dict[str, int]:
    """How many issues of each family ``issues`` holds, in :data:`FAMILIES` order (zeros kept)."""
    counts = issues["family"].value_counts() if len(issues) else pd.Series(dtype=int)
    return {name: int(counts.get(name, 0)) for name in (*FAMILIES, "other") if name != "other" or name in counts}
