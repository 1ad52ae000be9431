"""The parts of a summed figure carried with an answer's chart, so that the chart can stack them.

A declared sum (``index.tables.metrics.DERIVED_SUMS``: lawsuits = filed directly + after
reconsideration) shown per report in an answer's table is charted as its parts stacked.  The
parts are the report cells the answer already cites (``Answer.cells``), matched to the table's
rows by agency and year; a row whose parts are missing, ambiguous (two reports of one agency
and year with different cells) or do not add up to the row's figure leaves the chart unstacked.
"""

from __future__ import annotations

from typing import Any

from index.tables.metrics import DERIVED_SUMS, Metric, catalogue
from qa.figures import GROUP_NAMES, year_text


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


def with_parts(chart: dict[str, Any] | None, table: dict[str, Any] | None, cells: list[dict[str, Any]],
               lang: str) -> dict[str, Any] | None:
    """``chart`` with ``parts``: {y column: [{"name", "key", "values" per table row}]} when its one
    value column is a declared sum and every row's parts are known and add up to it."""
    if not chart or not table or not isinstance(chart.get("y"), str):
        return chart
    columns = table["columns"]
    column = chart["y"]
    agency, year = GROUP_NAMES["agency"][lang == "en"], GROUP_NAMES["year"][lang == "en"]
    if column not in columns or agency not in columns or year not in columns:
        return chart
    parts = sum_parts(column, lang)
    if not parts:
        return chart
    at, ai, yi = columns.index(column), columns.index(agency), columns.index(year)
    series: list[dict[str, Any]] = []
    for part in parts:
        field = ".".join(part.cells[0])
        known = _cell_values(cells, field)
        values: list[float | None] = []
        for row in table["rows"]:
            found = known.get((str(row[ai]), str(row[yi])))
            if found is None or len(found) != 1:
                return chart
            values.append(next(iter(found)))
        series.append({"name": part.name(lang), "key": part.key, "values": values})
    for i, row in enumerate(table["rows"]):
        total = row[at]
        parts_of_row: list[float | None] = [s["values"][i] for s in series]
        present = [v for v in parts_of_row if v is not None]
        if total is None or len(present) < len(parts_of_row):
            if total is not None or present:
                return chart
            continue
        if abs(sum(present) - float(total)) > 1e-6:
            return chart
    return {**chart, "parts": {column: series}}
