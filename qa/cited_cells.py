"""The report cells behind an answer's figures, by report, largest contribution first.

An answer's ``cells`` (:attr:`qa.compose.Answer.cells`) hold every stored cell its queries
read, in the queries' order.  A total over forty reports reads forty reports' cells, most of
them small or 0; cited in that order, the reports that make the figure drown among the
zeros.  :func:`report_groups` groups the cells by report and orders the reports by what they
contribute (the sum of their cells' values), largest first; reports whose cells are all 0
come after every report with a non-zero figure, and reports whose cells are all absent last.
:func:`contribution_table` is the table of every contributing report (agency, year, each
cell's value, source file), one row per report, in the same order: the table the answer's
"N more reports" points to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from index.tables.browse import figure_label

# The table's column names: (Chinese, English).
COLUMNS = {"agency": ("机关", "Agency"), "year": ("年份", "Year"), "source": ("来源文件", "Source file")}


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


# Intents whose figure adds up many reports' cells: their sources are cited largest first.
SUMMED = ("total", "average")
# These sum many reports' cells when they name no agency (the sum of every report, per year).
SUMMED_WITHOUT_AGENCIES = ("trend", "compare")


def largest_first(plan: Any) -> bool:
    """Does the answer's figure add up many reports' cells (a total, an average, every report's
    sum per year)?  Then its sources are cited largest first; other answers (a ranking, a list,
    a lookup) cite them in the answer's own order."""
    return plan.intent in SUMMED or (plan.intent in SUMMED_WITHOUT_AGENCIES and not plan.agencies)


def report_groups(cells: Iterable[dict[str, Any]], by_size: bool = True) -> list[dict[str, Any]]:
    """The cells grouped by report, largest contribution first (``by_size``; else in the answer's order).

    Each group: ``report_id``, ``agency``, ``year``, ``source``, ``tables`` (table keys, in
    order), ``cells`` as ``(table, row, column, value)`` in the answer's order, ``total`` (the
    sum of its present values) and ``present`` (how many of its cells hold a value).  Order:
    reports with a non-zero total, largest first; then reports whose cells are all 0; then
    reports whose cells are all absent.  Ties keep the answer's order.
    """
    groups: dict[str, dict[str, Any]] = {}
    for cell in cells:
        report_id = cell.get("report_id")
        field = str(cell.get("field") or "")
        if not report_id or field.count(".") < 2:
            continue
        table, rest = field.split(".", 1)
        row, column = rest.rsplit(".", 1)
        group = groups.setdefault(report_id, {"report_id": report_id, "agency": cell.get("agency"),
                                              "year": cell.get("year"), "source": cell.get("source"),
                                              "tables": [], "cells": [], "total": 0.0, "present": 0})
        if table not in group["tables"]:
            group["tables"].append(table)
        value = cell.get("value")
        group["cells"].append((table, row, column, value))
        if value is not None and _present(value):
            group["total"] += float(value)
            group["present"] += 1

    def rank(group: dict[str, Any]) -> tuple[int, float]:
        if not group["present"]:
            return 2, 0.0
        if group["total"] == 0:
            return 1, 0.0
        return 0, -abs(group["total"])

    if not by_size:
        return list(groups.values())
    return sorted(groups.values(), key=rank)  # sorted() is stable: ties keep the answer's order


def contributors(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups with at least one cell holding a value (0 included): the reports a figure is made of."""
    return [g for g in groups if g["present"]]


def contribution_table(groups: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """One row per contributing report, in the groups' order: agency, year, the value of each
    cell read (a column per cell, labelled as the template labels it; empty where the report
    lacks it) and the source file.  No sum is added: a report's cells may be different figures."""
    rows = contributors(groups)
    keys: list[tuple[str, str, str]] = []
    for group in rows:
        for table, row, column, _ in group["cells"]:
            if (table, row, column) not in keys:
                keys.append((table, row, column))
    labels = [figure_label(key, lang) for key in keys]
    en = lang == "en"
    columns = [COLUMNS["agency"][en], COLUMNS["year"][en], *labels, COLUMNS["source"][en]]
    records = []
    for group in rows:
        values = {(t, r, c): v for t, r, c, v in group["cells"]}
        record: list[Any] = [group.get("agency"), group.get("year")]
        record += [float(values[k]) if k in values and _present(values[k]) else None for k in keys]
        record.append(group.get("source"))
        records.append(record)
    frame = pd.DataFrame(records, columns=columns)
    for label in labels:  # counts read as counts (36, not 36.0); absent stays empty
        numbers = frame[label].dropna()
        if len(numbers) and (numbers == numbers.round()).all():
            frame[label] = frame[label].astype("Int64")
    return frame
