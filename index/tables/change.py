"""Changes between two years and figures over an agency's years, from one-row-per-report frames.

:func:`index.tables.query.run` fetches the cells (with their provenance); these pure steps
shape them: :func:`year_over_year` pairs each agency's base-year and target-year values
(Δ and % change; a base of 0 has no % change, said as such, never 0 % or infinity),
:func:`rank_changes` orders agencies by their change, :func:`over_years` adds up or averages
one agency's years and says which years were left out and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from parsing.template import TEMPLATE_UNKNOWN

CHANGE_COLUMNS = ("agency", "base_year", "base", "year", "value", "delta", "pct", "base_report", "report")


def _value(row: pd.Series, key: str) -> float | None:
    value = row.get(key)
    return None if value is None or pd.isna(value) else float(value)


def percent_change(base: float, value: float) -> float | None:
    """(value − base) / base in per cent; None when the base is 0 (no percentage exists)."""
    if base == 0:
        return None
    return 100.0 * (value - base) / base


def year_over_year(frame: pd.DataFrame, key: str, base_year: int, year: int) -> pd.DataFrame:
    """One row per agency that has ``key`` in both years: base and target values, Δ and %.

    ``frame`` has one row per report (``agency``, ``year``, ``report_id``, ``key``); a report
    lacking the cell is left out, so an agency missing either value is not in the result.
    """
    if frame is None or not len(frame) or key not in frame:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    # Vectorised: a ranking by change pairs thousands of agencies.
    present = frame.loc[frame[key].notna(), ["agency", "year", "report_id", key]]
    base = present[present["year"] == base_year].drop_duplicates("agency").set_index("agency")
    target = present[present["year"] == year].drop_duplicates("agency").set_index("agency")
    joined = target.merge(base, how="inner", left_index=True, right_index=True, suffixes=("_t", "_b"))
    if not len(joined):
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    base_values = joined[key + "_b"].astype(float)
    values = joined[key + "_t"].astype(float)
    delta = values - base_values
    pct = (100.0 * delta / base_values.where(base_values != 0)).astype(object)
    pct = pct.where(base_values != 0, None)
    return pd.DataFrame({"agency": joined.index, "base_year": base_year, "base": base_values.to_numpy(), "year": year,
                         "value": values.to_numpy(), "delta": delta.to_numpy(), "pct": pct.to_numpy(),
                         "base_report": joined["report_id_b"].to_numpy(), "report": joined["report_id_t"].to_numpy()},
                        columns=list(CHANGE_COLUMNS)).reset_index(drop=True)


def rank_changes(changes: pd.DataFrame, order: str = "desc", top_n: int | None = None) -> pd.DataFrame:
    """Agencies by their change (largest rise first, or largest fall first with ``order="asc"``),
    numbered; ties share a rank."""
    if not len(changes):
        return changes.assign(rank=pd.Series(dtype="Int64"))
    ranked = changes.sort_values(["delta", "agency"], ascending=[order == "asc", True], kind="stable")
    ranked = ranked.reset_index(drop=True)
    ranked.insert(0, "rank", ranked["delta"].rank(method="min", ascending=order == "asc").astype("Int64"))
    return ranked.head(top_n) if top_n else ranked


@dataclass
class Span:
    """One agency's figure over its years: the years added up, and those left out."""

    agency: str
    key: str
    included: list[tuple[int, float, str]] = field(default_factory=list)  # (year, value, report_id)
    pre_template: list[int] = field(default_factory=list)  # reports before the national tables
    other_template: list[int] = field(default_factory=list)  # a template without this figure
    absent: list[int] = field(default_factory=list)  # the template has it, the report left it empty

    @property
    def total(self) -> float:
        return sum(v for _, v, _ in self.included)

    @property
    def mean(self) -> float | None:
        return self.total / len(self.included) if self.included else None


def over_years(frame: pd.DataFrame, key: str, templates: tuple[str, ...]) -> list[Span]:
    """Per agency (in the frame's order): the years whose report has ``key`` and the others,
    by why they lack it.  ``templates`` are the templates whose reports carry the figure."""
    spans: list[Span] = []
    if frame is None or not len(frame) or key not in frame:
        return spans
    for agency, group in frame.sort_values(["year"], kind="stable").groupby("agency", sort=False):
        span = Span(str(agency), key)
        for _, row in group.iterrows():
            year = int(row["year"])
            value = _value(row, key)
            if value is not None:
                span.included.append((year, value, str(row["report_id"])))
            elif row.get("template") == TEMPLATE_UNKNOWN:
                span.pre_template.append(year)
            elif row.get("template") not in templates:
                span.other_template.append(year)
            else:
                span.absent.append(year)
        spans.append(span)
    return spans
