"""The parts of a summed figure carried with an answer's chart, so that the chart can stack them.

A declared sum (``index.tables.metrics.DERIVED_SUMS``: lawsuits = filed directly + after
reconsideration) shown per report in an answer's table is charted as its parts stacked.  The
parts are the report cells the answer already cites (``Answer.cells``), matched to the table's
rows by agency and year; a row whose parts are missing, ambiguous (two reports of one agency
and year with different cells) or do not add up to the row's figure leaves the chart unstacked.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from index.tables.metrics import DERIVED_SUMS, Metric, catalogue
from qa.facts import Facts
from qa.figures import GROUP_NAMES, year_text


# The purpose of the query that sums a declared sum's parts per group (qa.answer runs it).
PARTS_QUERY = "chart_parts"


def part_keys(key: str) -> list[str]:
    """The metric keys of the parts of the declared sum ``key`` ([] when it is none)."""
    metrics = catalogue()
    for derived in DERIVED_SUMS:
        prefix = f"{derived.table}.{derived.key}."
        if key.startswith(prefix) and key in metrics:
            parts = [f"{derived.table}.{row}.{key[len(prefix):]}" for row in derived.rows]
            if all(p in metrics for p in parts):
                return parts
    return []


def sum_parts(column: str, lang: str) -> list[Metric] | None:
    """The part metrics of the declared sum whose name in ``lang`` is ``column`` (None: not a sum)."""
    metrics = catalogue()
    for derived in DERIVED_SUMS:
        prefix = f"{derived.table}.{derived.key}."
        for key, metric in metrics.items():
            if key.startswith(prefix) and metric.name(lang) == column:
                cell_column = key[len(prefix):]
                parts = [metrics.get(f"{derived.table}.{row}.{cell_column}") for row in derived.rows]
                if all(p is not None for p in parts):
                    return [p for p in parts if p is not None]
    return None


def _cell_values(cells: list[dict[str, Any]], field: str) -> dict[tuple[str, str], set[float | None]]:
    found: dict[tuple[str, str], set[float | None]] = {}
    for cell in cells:
        if cell.get("field") == field:
            key = (str(cell.get("agency")), year_text(cell.get("year")))
            found.setdefault(key, set()).add(cell.get("value"))
    return found


def parts_frame(facts: Facts) -> pd.DataFrame | None:
    """The frame of the query that summed a declared sum's parts by group (None: none ran)."""
    return next((q.result.frame for q in facts.queries if q.purpose == PARTS_QUERY), None)


def with_parts(chart: dict[str, Any] | None, table: dict[str, Any] | None, cells: list[dict[str, Any]],
               lang: str, groups: pd.DataFrame | None = None) -> dict[str, Any] | None:
    """``chart`` with ``parts``: {y column: [{"name", "key", "values" per table row}]} when its one
    value column is a declared sum and every row's parts are known and add up to it.

    A per-report table's parts are the cited cells; a grouped table's (sums by year or region)
    come from ``groups``, the frame of the query that summed the parts over the same groups."""
    if not chart or not table or not isinstance(chart.get("y"), str):
        return chart
    columns = table["columns"]
    column = chart["y"]
    if column not in columns:
        return chart
    agency, year = GROUP_NAMES["agency"][lang == "en"], GROUP_NAMES["year"][lang == "en"]
    if agency in columns and year in columns:
        series = _report_parts(column, table, cells, lang)
    else:
        series = _group_parts(column, table, groups, lang)
    if series is None or not _adds_up(table["rows"], columns.index(column), series):
        return chart
    return {**chart, "parts": {column: series}}


def _report_parts(column: str, table: dict[str, Any], cells: list[dict[str, Any]],
                  lang: str) -> list[dict[str, Any]] | None:
    parts = sum_parts(column, lang)
    if not parts:
        return None
    columns = table["columns"]
    ai = columns.index(GROUP_NAMES["agency"][lang == "en"])
    yi = columns.index(GROUP_NAMES["year"][lang == "en"])
    series: list[dict[str, Any]] = []
    for part in parts:
        known = _cell_values(cells, ".".join(part.cells[0]))
        values: list[float | None] = []
        for row in table["rows"]:
            found = known.get((str(row[ai]), str(row[yi])))
            if found is None or len(found) != 1:
                return None
            values.append(next(iter(found)))
        series.append({"name": part.name(lang), "key": part.key, "values": values})
    return series


def _group_label(value: Any, key: str, lang: str) -> str:
    """A group's label as the grouped table writes it (qa.compose._grouped)."""
    if key == "year":
        return year_text(value)
    return str(value) if isinstance(value, str) and value else ("(无)" if lang == "zh" else "(none)")


def _group_parts(column: str, table: dict[str, Any], groups: pd.DataFrame | None,
                 lang: str) -> list[dict[str, Any]] | None:
    if groups is None or not len(groups):
        return None
    first = table["columns"][0]
    key = next((k for k, names in GROUP_NAMES.items() if first in names and k in groups.columns), None)
    if key is None:
        return None
    metrics = catalogue()
    series: list[dict[str, Any]] = []
    for part_key in [c for c in groups.columns if c in metrics]:
        by_label = {_group_label(g, key, lang): v for g, v in zip(groups[key], groups[part_key])}
        if len(by_label) != len(groups):
            return None
        values: list[float | None] = []
        for row in table["rows"]:
            if str(row[0]) not in by_label:
                return None
            value = by_label[str(row[0])]
            values.append(None if value is None or pd.isna(value) else float(value))
        series.append({"name": metrics[part_key].name(lang), "key": part_key, "values": values})
    # Only a declared sum's own parts, named as its total's column says.
    parts = [p.key for p in sum_parts(_sum_name(column, lang), lang) or []]
    return series if parts and [s["key"] for s in series] == parts else None


def _sum_name(column: str, lang: str) -> str:
    """A grouped table's column (行政诉讼·总计合计 / … (sum)) back to its metric's name."""
    for suffix in ("合计", " (sum)"):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def _adds_up(rows: list[list[Any]], at: int, series: list[dict[str, Any]]) -> bool:
    """Every row's parts are all there and add up to its figure (or all absent with it)."""
    for i, row in enumerate(rows):
        total = row[at]
        parts_of_row: list[float | None] = [s["values"][i] for s in series]
        present = [v for v in parts_of_row if v is not None]
        if total is None or len(present) < len(parts_of_row):
            if total is not None or present:
                return False
            continue
        if abs(sum(present) - float(total)) > 1e-6:
            return False
    return True
