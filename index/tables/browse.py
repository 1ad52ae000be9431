"""One stored report as the official template draws it, and one agency across years.

:func:`official_table` lays a report's cells out in the template's own row and column
order with its labels (Chinese or English), marking cells the report lacks and cells a
failed check involves; :func:`agency_figures` lines up an agency's key figures by year.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from index.tables.store import metric_name
from parsing.errors import GongkaiError
from parsing.record import Report
from parsing.template import (KEY_FIGURES, RESULT_GROUPS, TEMPLATE_2019, TEMPLATE_2021, TEMPLATES, Row, Table,
                              review_rows)

# How a cell is shown: absent from the report, or not part of the template at all.
ABSENT = "—"
NOT_IN_TEMPLATE = ""
FAILED_MARK = " ✗"

CellKey = tuple[str, str, str]


class UnknownReport(GongkaiError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"No report {report_id!r} in the corpus: pick one from the list of reports.")


def load_report(con: duckdb.DuckDBPyConnection, report_id: str) -> Report:
    """The full record of one stored report."""
    row = con.execute("SELECT record FROM reports WHERE report_id = ?", [report_id]).fetchone()
    if row is None:
        raise UnknownReport(report_id)
    return Report.from_dict(json.loads(row[0]))


def stored_reports(con: duckdb.DuckDBPyConnection, batch: int = 500) -> Iterator[Report]:
    """Every stored report's record, in id order, read ``batch`` at a time."""
    result = con.execute("SELECT record FROM reports ORDER BY report_id")
    while rows := result.fetchmany(batch):
        for (record,) in rows:
            yield Report.from_dict(json.loads(record))


# ---------------------------------------------------------------------------
# Which cells a check is about
# ---------------------------------------------------------------------------

_BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def check_cells(rule: str) -> set[CellKey]:
    """The cells a failed check ``rule`` puts in doubt: the totals it compares.

    A sum that does not hold cannot say which part is wrong, so the totals on either side
    of it are marked rather than every addend.
    """
    parts = rule.split(".")
    if rule.startswith("applications.balance.") and len(parts) == 3:
        return {("applications", row, parts[2]) for row in _BALANCE_ROWS}
    if rule.startswith("applications.row_total."):
        return {("applications", rule.removeprefix("applications.row_total."), "total")}
    if rule.startswith("applications.processed_total.") and len(parts) == 3:
        return {("applications", "total_processed", parts[2])}
    if rule.startswith("review_litigation.total.") and len(parts) == 3:
        return {("review_litigation", parts[2], "total")}
    if rule == "narrative.applications.requests":
        return {("applications", "new_received", "total"), ("applications", "total_processed", "total")}
    if rule == "narrative.review_litigation.litigation.total":
        return {("review_litigation", row, "total") for row in review_rows() if row.startswith("litigation")}
    if rule.startswith("narrative.") and len(parts) == 4:
        return {(parts[1], parts[2], parts[3])}
    return set()


def failed_cells(report: Report) -> dict[CellKey, list[str]]:
    """Each cell a failed check of ``report`` involves → the rules that failed."""
    found: dict[CellKey, list[str]] = {}
    for check in report.failed_checks:
        for cell in check_cells(check.rule):
            found.setdefault(cell, []).append(check.rule)
    return found


# ---------------------------------------------------------------------------
# The official tables
# ---------------------------------------------------------------------------


@dataclass
class TableView:
    """One table of a report: shown values and, cell by cell, "ok", "absent", "failed" or "none"."""

    key: str
    heading: str
    frame: pd.DataFrame
    status: pd.DataFrame

    def count(self, status: str) -> int:
        return int((self.status == status).to_numpy().sum())


def _template_of(report: Report) -> str:
    return report.template if report.template in TEMPLATES else TEMPLATE_2021


def _row_label(row: Row, lang: str) -> str:
    if lang == "en":
        group = RESULT_GROUPS.get(row.parent or "")
        return f"{group[2]}: {row.en}" if group else row.en
    if row.parent and row.parent in RESULT_GROUPS:
        return f"{RESULT_GROUPS[row.parent][0]} {row.label}"
    return row.label


def _extra_row_label(key: str, lang: str) -> str:
    # A row the report has but its template lacks (a 2021 report printing 2019's (六)其他处理).
    group = RESULT_GROUPS.get(key)
    if group:
        return group[2] if lang == "en" else group[0]
    return key


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _rows_of(report: Report, table: Table) -> list[tuple[str, str, tuple[str, ...]]]:
    """(row key, label key, columns) for the template's rows plus any extra rows the report has."""
    rows = [(r.key, r.key, r.columns) for r in table.rows]
    known = {r.key for r in table.rows}
    for key, by_column in report.table(table.key).items():
        if key not in known:
            rows.append((key, key, tuple(c.key for c in table.columns if c.key in by_column)))
    return rows


def official_table(report: Report, table_key: str, lang: str = "zh") -> TableView:
    """``table_key`` of ``report`` in the template's row and column order, with its labels."""
    table = TEMPLATES[_template_of(report)].table(table_key)
    grid = report.table(table_key)
    doubtful = failed_cells(report)
    rows = _rows_of(report, table)
    used = {c for _, _, columns in rows for c in columns}
    columns = [c for c in table.columns if c.key in used]
    labels = {r.key: _row_label(r, lang) for r in table.rows}
    shown: list[list[str]] = []
    status: list[list[str]] = []
    for key, _, row_columns in rows:
        shown_row, status_row = [], []
        for column in columns:
            value = grid.get(key, {}).get(column.key)
            if column.key not in row_columns:
                shown_row.append(NOT_IN_TEMPLATE)
                status_row.append("none")
            elif value is None:
                shown_row.append(ABSENT)
                status_row.append("absent")
            elif (table_key, key, column.key) in doubtful:
                shown_row.append(_fmt(value) + FAILED_MARK)
                status_row.append("failed")
            else:
                shown_row.append(_fmt(value))
                status_row.append("ok")
        shown.append(shown_row)
        status.append(status_row)
    index = [labels.get(key) or _extra_row_label(key, lang) for key, _, _ in rows]
    header = [c.en if lang == "en" else c.label for c in columns]
    heading = table.en if lang == "en" else table.heading
    return TableView(table_key, heading, pd.DataFrame(shown, index=index, columns=header),
                     pd.DataFrame(status, index=index, columns=header))


def checks_frame(report: Report) -> pd.DataFrame:
    """The report's checks, failed first: rule, ok and the arithmetic."""
    rows = [(c.rule, c.ok, c.detail) for c in report.checks]
    frame = pd.DataFrame(rows, columns=["rule", "ok", "detail"])
    return frame.sort_values(["ok", "rule"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# One agency across years
# ---------------------------------------------------------------------------


def figure_label(cell: CellKey, lang: str = "zh") -> str:
    """The label of one template cell, from whichever template has it (2021 first)."""
    table_key, row_key, column_key = cell
    for template in (TEMPLATE_2021, TEMPLATE_2019):
        table = TEMPLATES[template].table(table_key)
        try:
            row = table.row(row_key)
        except KeyError:
            continue
        if column_key in row.columns:
            column = table.column(column_key)
            if lang == "en":
                return f"{_row_label(row, 'en')} · {column.en}"
            label = row.label.split("、", 1)[-1] if row.label[:1] in "一二三四" else row.label
            return f"{label}·{column.label}"
    return ".".join(cell)


def agency_figures(con: duckdb.DuckDBPyConnection, agency: str, lang: str = "zh",
                   cells: tuple[CellKey, ...] = KEY_FIGURES) -> pd.DataFrame:
    """``agency``'s key figures, one row per figure and one column per year (absent = NaN).

    Figures no year has are left out; a year with two reports keeps the first by id.
    """
    names = [metric_name(*cell) for cell in cells]
    selected = ", ".join(f"m.{name}" for name in names)
    rows = con.execute(
        f"SELECT m.year, {selected} FROM metrics m WHERE m.agency = ? AND m.year IS NOT NULL "
        "ORDER BY m.year, m.report_id", [agency]
    ).fetchall()
    by_year: dict[int, tuple] = {}
    for year, *values in rows:
        by_year.setdefault(int(year), tuple(values))
    frame = pd.DataFrame(
        {year: list(values) for year, values in by_year.items()},
        index=[figure_label(cell, lang) for cell in cells], dtype="float64",
    )
    return frame.dropna(how="all")
