"""A report record → a few readable lines (what ``gongkai parse`` prints)."""

from __future__ import annotations

from parsing.record import Report
from parsing.template import KEY_FIGURES, cell_label


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def describe(report: Report) -> str:
    region = report.region.label() or "—"
    lines = [
        f"{report.source}: {report.agency or '(agency unknown)'} · {report.year or '(year unknown)'}",
        f"  template {report.template} · {report.script} · region {region}"
        + (f" · published {report.published}" if report.published else ""),
    ]
    figures = [
        f"{cell_label(report.template, t, r, c)} {_fmt(v)}"
        for t, r, c in KEY_FIGURES
        if (v := report.cell(t, r, c)) is not None
    ]
    if figures:
        lines.append("  " + "; ".join(figures))
    cells = sum(len(cols) for t in ("active_disclosure", "applications", "review_litigation")
                for cols in report.table(t).values())
    failed = report.failed_checks
    lines.append(f"  {cells} cells · {len(report.sections)} sections · "
                 f"{len(report.checks)} checks, {len(failed)} failed")
    for check in failed:
        lines.append(f"  ✗ {check.rule}: {check.detail}")
    for warning in report.warnings:
        lines.append(f"  ! {warning}")
    return "\n".join(lines)
