"""The reports a plan is about, as SQL conditions on the ``reports`` table.

One place builds the filters every per-report question shares (its agencies, its region, its
years and year range, its agencies' level); each caller adds the conditions that are its own (a
script, a region written as a name prefix …) to the lists it gets back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from index.tables.resolve import REGION_LEVELS
from qa.plan import Plan


def in_clause(column: str, values: Sequence[Any]) -> str:
    """``column IN (?, ?, …)``, one placeholder a value."""
    return f"{column} IN ({', '.join('?' for _ in values)})"


def region_clauses(region: dict[str, str]) -> tuple[list[str], list[Any]]:
    """``province = ?`` … for each region level named (other keys are not columns)."""
    levels = [level for level in region if level in REGION_LEVELS]
    return [f"{level} = ?" for level in levels], [region[level] for level in levels]


def report_clauses(plan: Plan, *, years: Sequence[int] | None = None,
                   region: bool = True) -> tuple[list[str], list[Any]]:
    """The plan's agencies, region (unless ``region`` is False), years (``years`` in place of
    ``plan.years`` when given), year range and agency level: conditions to join with AND, and
    their parameters in the same order."""
    clauses: list[str] = []
    values: list[Any] = []
    if plan.agencies:
        clauses.append(in_clause("agency", plan.agencies))
        values += plan.agencies
    if region:
        places, names = region_clauses(plan.region)
        clauses += places
        values += names
    years = plan.years if years is None else years
    if years:
        clauses.append(in_clause("year", years))
        values += years
    if plan.year_from is not None:
        clauses.append("year >= ?")
        values.append(plan.year_from)
    if plan.year_to is not None:
        clauses.append("year <= ?")
        values.append(plan.year_to)
    if plan.level:
        clauses.append("level = ?")
        values.append(plan.level)
    return clauses, values


def where_sql(clauses: list[str]) -> str:
    """`` WHERE a AND b`` ("" for no clause)."""
    return " WHERE " + " AND ".join(clauses) if clauses else ""
