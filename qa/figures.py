"""How figures are written: numbers as the reports print them, units, names, arithmetic, tables.

Every number an answer shows goes through :func:`fmt`; a figure that adds up or divides
stored cells carries its arithmetic (:func:`arithmetic`), built from the cells' provenance.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from index.tables.metrics import Metric, catalogue
from parsing.template import TEMPLATE_2021, TEMPLATES
from qa.answer import Facts

GROUP_NAMES = {"agency": ("机关", "Agency"), "year": ("年份", "Year"), "province": ("省份", "Province"),
               "city": ("城市", "City"), "county": ("区县", "County"), "township": ("乡镇", "Township"),
               "level": ("层级", "Level"), "template": ("模板", "Template")}


# ---------------------------------------------------------------------------
# Numbers and names
# ---------------------------------------------------------------------------


def fmt(value: Any, unit: str = "") -> str:
    """A stored value as the report writes it: 36, 2191.563; shares with one decimal."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    number = float(value)
    if unit == "%":
        return f"{number:.1f}%"
    if abs(number - round(number)) < 1e-9:
        return str(int(round(number)))
    return f"{number:.6f}".rstrip("0").rstrip(".")


def unit_word(metric: Metric, lang: str) -> str:
    if metric.unit == "%":
        return "%"
    if lang == "zh":
        return metric.unit
    return " (10k yuan)" if metric.unit == "万元" else ""


def amount(value: Any, metric: Metric, lang: str) -> str:
    if metric.unit == "%":
        return fmt(value, "%")
    return fmt(value) + (unit_word(metric, lang) if value is not None and not pd.isna(value) else "")


def table_name(metric: Metric, lang: str) -> str:
    table = TEMPLATES[TEMPLATE_2021].tables[metric.table]
    return table.heading if lang == "zh" else table.en


def join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else "; ").join(items)


def json_number(value: Any) -> Any:
    """A table value for JSON: int when whole, float otherwise, None when absent."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        number = float(value)
        return int(round(number)) if abs(number - round(number)) < 1e-9 else round(number, 6)
    return value


def year_text(value: Any) -> str:
    return "?" if value is None or pd.isna(value) else str(int(value))


# ---------------------------------------------------------------------------
# Arithmetic behind a figure
# ---------------------------------------------------------------------------


def cell_values(facts: Facts, report_id: str) -> dict[str, Any]:
    return {c["field"]: c["value"] for c in facts.cells if c["report_id"] == report_id}


def arithmetic(facts: Facts, report_id: str, metric: Metric, lang: str) -> str:
    """"(= 1 + 2)" for a sum, "(= (14 + 6) / 38)" for a share, "" for a plain cell."""
    if metric.kind == "cell":
        return ""
    values = cell_values(facts, report_id)
    cells = [".".join(c) for c in metric.cells]
    if metric.kind == "share":
        numerator = [values.get(c) for c in cells[:-1] if values.get(c) is not None]
        denominator = values.get(cells[-1])
        if not numerator or denominator is None:
            return ""
        top = " + ".join(fmt(v) for v in numerator)
        top = f"({top})" if len(numerator) > 1 else top
        return f" (= {top} / {fmt(denominator)} × 100)"
    parts = [(c, values.get(c)) for c in cells if values.get(c)]
    if len(parts) < 2:
        return ""
    return " (= " + " + ".join(f"{part_name(c, lang)} {fmt(v)}" for c, v in parts) + ")"


def part_name(cell: str, lang: str) -> str:
    """The row of a cell as a short name: 未经复议直接起诉, "lawsuits filed directly"."""
    metric = catalogue().get(cell)
    if metric is None:
        return cell
    if lang == "zh":
        return metric.zh.rsplit("·", 1)[0].split("·")[-1]
    return metric.en.rsplit(",", 1)[0].split(": ")[-1]


def report_table(frame: pd.DataFrame, metrics: list[Metric], lang: str, rank: bool = False) -> dict[str, Any]:
    head = [GROUP_NAMES["agency"][lang == "en"], GROUP_NAMES["year"][lang == "en"]]
    columns = (["#"] if rank else []) + head + [m.name(lang) for m in metrics if m.key in frame]
    rows = []
    for _, row in frame.iterrows():
        values = [json_number(row[m.key]) for m in metrics if m.key in frame]
        rows.append(([json_number(row["rank"])] if rank and "rank" in frame else []) + [row["agency"], year_text(row["year"])]
                    + values)
    if rank and "rank" not in frame:
        columns = columns[1:]
    return {"columns": columns, "rows": rows}

