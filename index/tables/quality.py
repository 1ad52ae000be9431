"""Data quality across the corpus: every failed check and narrative conflict, by family.

A check's family is the first part of its rule (see ``CHECK_FAMILIES`` in
:mod:`index.tables.query`): the applications balance, a row's total, the processed total, the
review and litigation totals, or the narrative contradicting the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb
import pandas as pd

from index.tables.query import CHECK_FAMILIES
from parsing.meta import to_simplified
from parsing.template import TEMPLATES
from index.tables.summary import Scope, scope_where

FAMILIES = tuple(name for name, prefix in CHECK_FAMILIES.items() if prefix)
MONEY_UNIT = "万元"
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


# ---------------------------------------------------------------------------
# One report's checks, passed or failed, with their figures
# ---------------------------------------------------------------------------

REPORT_CHECK_COLUMNS = ("report_id", "agency", "year", "template", "source", "rule", "ok", "detail")


def _in_list(name: str, values: list[str], params: dict[str, object]) -> str:
    marks = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        marks.append(f"${name}{i}")
    return ", ".join(marks) or "NULL"


def report_checks(con: duckdb.DuckDBPyConnection, report_ids: list[str],
                  prefixes: Iterable[str] = ()) -> pd.DataFrame:
    """Every check of the reports ``report_ids``, passed or failed (its ``detail`` holds the
    figures compared), only rules starting with one of ``prefixes`` when given."""
    params: dict[str, object] = {}
    where = [f"c.report_id IN ({_in_list('r', report_ids, params)})"]
    wanted = [p for p in prefixes if p]
    if wanted:
        where.append("(" + " OR ".join(f"starts_with(c.rule, $p{i})" for i in range(len(wanted))) + ")")
        params.update({f"p{i}": p for i, p in enumerate(wanted)})
    columns = ", ".join(f"r.{c}" for c in ("report_id", "agency", "year", "template", "source"))
    return con.execute(
        f"SELECT {columns}, c.rule, c.ok, c.detail FROM checks c JOIN reports r USING (report_id) "
        f"WHERE {' AND '.join(where)} ORDER BY r.year, r.agency, c.rule", params).df()


STATED_COLUMNS = ("report_id", "field", "text_label", "text_value", "quote", "table_label", "table_value", "unit",
                  "ok")


def stated_comparisons(con: duckdb.DuckDBPyConnection, report_ids: list[str],
                       fields: Iterable[str] = ()) -> pd.DataFrame:
    """For reports on no national table: each figure of the year that both the report's text
    and its own statistics table state (``stated_figures``), side by side; ``ok`` is False
    when the text's figure is none of the table's."""
    params: dict[str, object] = {}
    where = [f"report_id IN ({_in_list('r', report_ids, params)})", "period = 'year'"]
    wanted = list(fields)
    if wanted:
        where.append(f"field IN ({_in_list('f', wanted, params)})")
    found = con.execute(
        f"SELECT report_id, field, label, value, unit, quote, source FROM stated_figures WHERE {' AND '.join(where)} "
        "ORDER BY report_id, field, source, value", params).df()
    rows = []
    for (report_id, field), group in found.groupby(["report_id", "field"], sort=False):
        text = group[group["source"] == "prose"]
        table = group[group["source"] == "local_table"]
        if not len(text) or not len(table):
            continue
        table_values = {float(v) for v in table["value"]}
        first = table.iloc[0]
        for _, said in text.drop_duplicates("value").iterrows():
            rows.append({"report_id": report_id, "field": field, "text_label": said["label"],
                         "text_value": float(said["value"]), "quote": said["quote"],
                         "table_label": first["label"], "table_value": float(first["value"]),
                         "unit": said["unit"] or first["unit"], "ok": float(said["value"]) in table_values})
    return pd.DataFrame(rows, columns=list(STATED_COLUMNS))


UNIT_COLUMNS = ("report_id", "table", "row", "column", "value", "written", "unit_written", "ok")
_WRITTEN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|元)?")


def money_columns() -> tuple[str, ...]:
    """Template columns whose figures are money (万元)."""
    return tuple(sorted({c.key for t in TEMPLATES.values() for table in t.tables.values() for c in table.columns
                         if c.unit == MONEY_UNIT}))


def unit_findings(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> pd.DataFrame:
    """Every money cell of the reports (a 万元 column of the template) and how the report's
    text writes it: ``ok`` is False when it is written in 元 (read as 万元 by dividing by
    10,000), True when written as a bare number or in 万元."""
    params: dict[str, object] = {}
    ids = _in_list("r", report_ids, params)
    cells = con.execute(
        f"SELECT report_id, \"table\", \"row\", \"column\", value FROM cells WHERE report_id IN ({ids}) "
        f"AND \"column\" IN ({_in_list('c', list(money_columns()), params)}) AND value IS NOT NULL "
        "ORDER BY report_id, \"table\", \"row\"", params).df()
    texts: dict[str, list[str]] = {}
    if len(cells):
        params = {}
        # Many reports (a corpus-wide question): only sections where a number is written in 元 are
        # read; a few: every section, so that a figure written right is shown too.
        yuan = " AND regexp_matches(text, '[0-9][ ]*元')" if len(report_ids) > FULL_TEXT_REPORTS else ""
        for report_id, text in con.execute(
                f"SELECT report_id, text FROM sections WHERE report_id IN ({_in_list('r', report_ids, params)}){yuan}",
                params).fetchall():
            texts.setdefault(report_id, []).append(text or "")
    rows = []
    for _, cell in cells.iterrows():
        value = float(cell["value"])
        text = to_simplified(" ".join(texts.get(cell["report_id"], [])))  # labels are simplified
        written, unit = None, None
        for window in _after_label(text, str(cell["table"]), str(cell["row"])):
            written, unit = _written(window, value)
            if written:
                break
        rows.append({"report_id": cell["report_id"], "table": cell["table"], "row": cell["row"],
                     "column": cell["column"], "value": value, "written": written, "unit_written": unit,
                     "ok": unit != "元"})
    return pd.DataFrame(rows, columns=list(UNIT_COLUMNS))


_WINDOW = 160
# Reports whose every section a unit check reads; beyond this only sections with a 元 figure.
FULL_TEXT_REPORTS = 50


def _after_label(text: str, table: str, row: str) -> list[str]:
    """The text just after each place the row's label is printed (where its cells follow)."""
    labels: set[str] = set()
    for template in TEMPLATES.values():
        spec = template.tables.get(table)
        for spec_row in spec.rows if spec else ():
            if spec_row.key == row:
                labels.update(spec_row.match)
    windows = []
    for label in sorted(labels, key=len, reverse=True):
        for found in re.finditer(re.escape(label), text):
            windows.append(text[found.end():found.end() + _WINDOW])
    return windows


def _written(text: str, value: float) -> tuple[str | None, str | None]:
    """How ``text`` writes the money figure ``value`` (in 万元): the words and their unit."""
    bare = None
    for match in _WRITTEN.finditer(text):
        number, unit = float(match.group(1)), match.group(2)
        if unit == "元" and abs(number / 10000 - value) < 1e-6 and number >= 1:
            return match.group(0), "元"
        if abs(number - value) < 1e-9 and bare is None and (unit or "." in match.group(1) or number >= 10):
            bare = (match.group(0), unit or "")
    return bare if bare else (None, None)
