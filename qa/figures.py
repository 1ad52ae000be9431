"""How figures are written: numbers as the reports print them, units, names, arithmetic, tables.

Every number an answer shows goes through :func:`fmt`; a figure that adds up or divides
stored cells carries its arithmetic (:func:`arithmetic`), built from the cells' provenance.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from index.tables.metrics import Metric, catalogue
from parsing.template import TEMPLATE_2021, TEMPLATES
from qa.facts import Facts

GROUP_NAMES = {"agency": ("机关", "Agency"), "year": ("年份", "Year"), "province": ("省份", "Province"),
               "city": ("城市", "City"), "county": ("区县", "County"), "township": ("乡镇", "Township"),
               "level": ("层级", "Level"), "template": ("模板", "Template")}


# ---------------------------------------------------------------------------
# Numbers and names
# ---------------------------------------------------------------------------


def fmt(value: Any, unit: str = "") -> str:
    """A stored value as the report writes it: 36, 2191.563; rates in per cent with two decimals."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    number = float(value)
    if unit == "%":
        return f"{number:.2f}%"
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


def _part_value(values: dict[str, Any], key: str) -> Any:
    """A share's part (a cell or a sum of cells) from the report's cells; None when one is absent."""
    cells = [".".join(c) for c in catalogue()[key].cells]
    found = [values.get(c) for c in cells]
    if any(v is None or (isinstance(v, float) and pd.isna(v)) for v in found):
        # A group sum's cells of the other template are absent by design: add what is there.
        found = [v for v in found if v is not None and not (isinstance(v, float) and pd.isna(v))]
        if not found or catalogue()[key].kind == "cell":
            return None
    return sum(float(v) for v in found if v is not None)


def share_parts(facts: Facts, report_id: str, metric: Metric) -> tuple[list[Any], Any]:
    """A share's numerator terms and denominator for one report (None where absent)."""
    values = cell_values(facts, report_id)
    terms = [_part_value(values, k) for k in metric.numerator_keys]
    base = _part_value(values, metric.denominator_key) if metric.denominator_key else None
    return terms, base


def definition(metric: Metric, lang: str) -> str:
    """公开率 = (予以公开 + 部分公开) / 办理结果总计; "" for a metric that is not a rate."""
    return metric.definition_zh if lang == "zh" else metric.definition_en


def arithmetic(facts: Facts, report_id: str, metric: Metric, lang: str) -> str:
    """"(= 1 + 2)" for a sum, "(= (14 + 6) / 38; 公开率 = …)" for a share, "" for a plain cell."""
    if metric.kind == "cell":
        return ""
    values = cell_values(facts, report_id)
    cells = [".".join(c) for c in metric.cells]
    if metric.kind == "share":
        terms, base = share_parts(facts, report_id, metric)
        if any(t is None for t in terms) or base is None:
            return ""
        top = " + ".join(fmt(v) for v in terms)
        top = f"({top})" if len(terms) > 1 else top
        return f" (= {top} / {fmt(base)}; {definition(metric, lang)})"
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
        values = [json_number(round(float(row[m.key]), 2) if m.unit == "%" and not pd.isna(row[m.key])
                              else row[m.key]) for m in metrics if m.key in frame]
        rows.append(([json_number(row["rank"])] if rank and "rank" in frame else []) + [row["agency"], year_text(row["year"])]
                    + values)
    if rank and "rank" not in frame:
        columns = columns[1:]
    return {"columns": columns, "rows": rows}

