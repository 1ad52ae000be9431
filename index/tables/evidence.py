"""What a query result rests on and what it lacks: provenance cells and coverage warnings.

* provenance: for the figures shown, the stored cells behind them (report, source file,
  agency, year, cell key, value);
* coverage: per template, how many reports in scope have each metric, which lack it, and
  which have a share's base at 0, turned into warnings in Chinese and English: a sum
  says how many reports lacked a cell, a lookup says "absent" instead of 0, and a metric
  one template lacks names the other template's look-alike cells, which are never added.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd

from index.tables import metrics as catalogue_module
from index.tables.metrics import Metric

# Provenance is kept for this many reports at most; a sum over thousands cites a sample.
MAX_PROVENANCE_REPORTS = 50
# Columns a per-report query carries for provenance and coverage, dropped from its frame.
PROVENANCE_PREFIX = "cell:"
PRESENT_PREFIX = "present:"
ZERO_PREFIX = "zero:"
# A grouped query's per-group count of reports lacking each metric.
MISSING_PREFIX = "missing:"
HIDDEN = (PROVENANCE_PREFIX, PRESENT_PREFIX, ZERO_PREFIX, MISSING_PREFIX)
# A result's columns as fetched, name → values (lists are cheaper than a DataFrame here).
Columns = dict[str, list[Any]]


def _quoted(name: str) -> str:
    # Names come from the catalogue (letters, digits, dots, underscores, colons).
    return '"' + name.replace('"', "") + '"'


def zero_sql(metric: Metric) -> str:
    """True when a share's base is 0 (the report has the cells but no share)."""
    return f"coalesce({metric.denominator} = 0, false)" if metric.kind == "share" else "false"


def cell_columns(metrics: list[Metric]) -> dict[str, str]:
    """The stored cells behind ``metrics``, each once: ``metrics`` column → cell key."""
    return {catalogue_module.metric_name(*c): ".".join(c) for m in metrics for c in m.cells}


def hidden_columns(metrics: list[Metric]) -> list[str]:
    """SELECT items a per-report query adds so that provenance and coverage need no query.

    A share needs its own presence and zero-base flags; any other metric is present when
    its value is not NULL.
    """
    shares = [m for m in metrics if m.kind == "share"]
    return ([f"m.{c} AS {_quoted(PROVENANCE_PREFIX + c)}" for c in cell_columns(metrics)]
            + [f"{m.present_sql} AS {_quoted(PRESENT_PREFIX + m.key)}" for m in shares]
            + [f"{zero_sql(m)} AS {_quoted(ZERO_PREFIX + m.key)}" for m in shares])


def group_gap_columns(metrics: list[Metric]) -> list[str]:
    """Aggregates a grouped query adds: per group, reports lacking each metric or with a zero base."""
    return ([f"COUNT(*) FILTER (WHERE NOT {m.present_sql}) AS {_quoted(MISSING_PREFIX + m.key)}" for m in metrics]
            + [f"COUNT(*) FILTER (WHERE {zero_sql(m)}) AS {_quoted(ZERO_PREFIX + m.key)}"
               for m in metrics if m.kind == "share"])


def used_params(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters ``text`` mentions (DuckDB rejects unused named parameters)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}(?!\d)", text)}


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------


def provenance(con: duckdb.DuckDBPyConnection, metrics: list[Metric], data: Columns, where: str,
               params: dict[str, Any], group_keys: list[str]) -> list[dict[str, Any]]:
    """The stored cells behind the figures: report, file, agency, year, cell key and value.

    A per-report result carries its cells; for a grouped result, up to
    :data:`MAX_PROVENANCE_REPORTS` reports of the groups shown are read (``where`` selects
    the reports in scope).
    """
    columns = cell_columns(metrics)
    if not columns:
        return []
    if "report_id" in data and PROVENANCE_PREFIX + next(iter(columns)) in data:
        n = MAX_PROVENANCE_REPORTS
        rows = list(zip(data["report_id"][:n], data["agency"][:n], data["year"][:n],
                        *(data[PROVENANCE_PREFIX + c][:n] for c in columns)))
    else:
        rows = _group_reports(con, list(columns), data, where, params, group_keys)
    if not rows:
        return []
    sources = report_sources(con, [row[0] for row in rows])
    found = []
    for report_id, agency, year, *values in rows:
        for column, value in zip(columns, values):
            found.append({"report_id": report_id, "source": sources.get(report_id), "agency": agency,
                          "year": None if pd.isna(year) else int(year), "field": columns[column],
                          "value": None if value is None or pd.isna(value) else float(value)})
    return found


def _group_reports(con: duckdb.DuckDBPyConnection, columns: list[str], data: Columns, where: str,
                   params: dict[str, Any], group_keys: list[str]) -> list[tuple]:
    """Reports (id, agency, year, cells…) of the groups in ``data``; unordered LIMIT stops the scan early."""
    if not next(iter(data.values()), []):
        return []
    restrict, values = [], dict(used_params(where, params))
    for key in group_keys:
        shown = [v for v in dict.fromkeys(data[key]) if v is not None]
        names = []
        for value in shown:
            names.append(f"$g{len(values)}")
            values[f"g{len(values)}"] = value
        # Group keys come from the query layer's whitelist (index.tables.query.GROUP_KEYS).
        restrict.append(f"m.{key} IN ({', '.join(names)})" if names else "false")
    condition = " AND ".join(restrict)
    if condition:
        where = f"{where} AND {condition}" if where else f" WHERE {condition}"
    cited = ", ".join(f"m.{c}" for c in columns)
    query = f"SELECT m.report_id, m.agency, m.year, {cited} FROM metrics m{where} LIMIT {MAX_PROVENANCE_REPORTS}"
    rows = con.execute(query, values).fetchall()
    return sorted(rows, key=lambda r: (r[2] is None, r[2] or 0, r[1] or "", r[0]))


def report_sources(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> dict[str, str]:
    """report_id → source file name."""
    if not report_ids:
        return {}
    ids = {f"r{i}": report_id for i, report_id in enumerate(dict.fromkeys(report_ids))}
    placeholders = ", ".join(f"${k}" for k in ids)
    return dict(con.execute(f"SELECT report_id, source FROM reports WHERE report_id IN ({placeholders})",
                            ids).fetchall())


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------


def coverage(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], metrics: list[Metric],
             data: Columns, complete: bool) -> list[tuple]:
    """Rows of (template, n, first year, last year, then per metric: have, lacking names, zero base).

    ``where`` selects the reports in scope before thresholds (a report lacking the cell
    cannot pass one).  A result that holds every report in scope (``complete``: no
    threshold, no top-N) is counted in place when it can be: a per-report result row by
    row, a grouped one when its groups lack nothing; otherwise a query counts.
    """
    if not metrics:
        return []
    if complete and "report_id" in data and metrics[0].key in data:
        return _coverage_of_rows(data, metrics)
    if complete and MISSING_PREFIX + metrics[0].key in data and not any(
            sum(data[MISSING_PREFIX + m.key]) for m in metrics):
        n = sum(data["reports"])
        row: list[Any] = [None, n, None, None]
        for m in metrics:
            row += [n, [], sum(data.get(ZERO_PREFIX + m.key, []))]
        return [tuple(row)]
    text = _coverage_sql(where, metrics)
    rows = [list(row) for row in con.execute(text, used_params(text, params)).fetchall()]
    # Names of lacking reports only where a template that has the metric lacks it: a second,
    # rarer query, because naming costs more than counting.
    wanted = [i for i, m in enumerate(metrics)
              if any(row[0] in m.templates and row[1] > row[4 + 3 * i] for row in rows)]
    if wanted:
        text = _lacking_sql(where, [metrics[i] for i in wanted])
        names = {row[0]: row[1:] for row in con.execute(text, used_params(text, params)).fetchall()}
        for row in rows:
            for position, i in enumerate(wanted):
                row[5 + 3 * i] = (names.get(row[0]) or [None] * len(wanted))[position] or []
    return [tuple(row) for row in rows]


def _coverage_sql(where: str, metrics: list[Metric]) -> str:
    """Per template: reports in scope, their years, and per metric how many have it (names come later)."""
    parts = ["m.template", "COUNT(*) AS n", "MIN(m.year) AS y0", "MAX(m.year) AS y1"]
    for i, m in enumerate(metrics):
        parts += [f"COUNT(*) FILTER (WHERE {m.present_sql}) AS have{i}", f"NULL AS lack{i}",
                  f"COUNT(*) FILTER (WHERE {zero_sql(m)}) AS zero{i}"]
    return f"SELECT {', '.join(parts)} FROM metrics m{where} GROUP BY m.template"


def _lacking_sql(where: str, metrics: list[Metric]) -> str:
    """Per template, the first five reports (by year, agency) lacking each metric."""
    parts = ["m.template"] + [
        f"min_by(m.agency || ' ' || coalesce(CAST(m.year AS VARCHAR), '?'), (m.year, m.agency), 5) "
        f"FILTER (WHERE NOT {m.present_sql})"
        for m in metrics
    ]
    return f"SELECT {', '.join(parts)} FROM metrics m{where} GROUP BY m.template"


def _coverage_of_rows(data: Columns, metrics: list[Metric]) -> list[tuple]:
    by_template: dict[Any, list[int]] = {}
    for position, template in enumerate(data["template"]):
        by_template.setdefault(template, []).append(position)
    agencies, years = data["agency"], data["year"]
    rows = []
    for template, positions in by_template.items():
        known = [years[i] for i in positions if not pd.isna(years[i])]
        row: list[Any] = [template, len(positions), min(known, default=None), max(known, default=None)]
        for m in metrics:
            if m.kind == "share":
                present, zero = data[PRESENT_PREFIX + m.key], data[ZERO_PREFIX + m.key]
            else:
                present, zero = [v is not None for v in data[m.key]], [False] * len(data[m.key])
            lacking = sorted(((years[i], agencies[i]) for i in positions if not present[i]),
                             key=lambda p: (pd.isna(p[0]), 0 if pd.isna(p[0]) else p[0], p[1] or ""))
            row += [sum(1 for i in positions if present[i]),
                    [f"{a} {'?' if pd.isna(y) else int(y)}" for y, a in lacking[:5]],
                    sum(1 for i in positions if zero[i])]
        rows.append(tuple(row))
    return rows


def warnings(metrics: list[Metric], rows: list[tuple], grouped: bool,
             aggregate: str | None) -> tuple[list[str], list[str]]:
    """Warnings in English and Chinese from :func:`coverage` rows."""
    en: list[str] = []
    zh: list[str] = []
    catalogue = catalogue_module.catalogue()
    for i, m in enumerate(metrics):
        for row in rows:
            template, n, y0, y1 = row[:4]
            have, lack, zero = row[4 + 3 * i], row[5 + 3 * i] or [], row[6 + 3 * i]
            if zero:
                en.append(f"{zero} report(s) have 0 as the base of {m.en}, so they have no share.")
                zh.append(f"{zero}份报告的{m.zh}分母为0,没有比例。")
            missing = n - have
            if not missing:
                continue
            years = f"{y0}" if y0 == y1 else f"{y0}–{y1}"
            if template not in m.templates:
                others = [catalogue[k] for k in m.counterparts if template in catalogue[k].templates]
                alt_en = "; ".join(f"{o.en} ({o.unit})" for o in others)
                alt_zh = "、".join(f"{o.zh}({o.unit})" for o in others)
                fate_en = "are left out" if grouped else "show it as absent (not 0)"
                fate_zh = "未计入" if grouped else "显示为缺项(不是0)"
                en.append(
                    f"{m.en} exists only in the {'/'.join(m.templates)} template: {missing} report(s) on the "
                    f"{template} template ({years}) lack it and {fate_en}."
                    + (f" Their nearest figures ({alt_en}) measure something else and are not added." if others else "")
                )
                zh.append(
                    f"{m.zh}只见于{'/'.join(m.templates)}版模板:{missing}份{template}版模板的报告({years}年)没有该项,{fate_zh}。"
                    + (f"这些报告中相近的{alt_zh}口径不同,未相加。" if others else "")
                )
            else:
                listed = ", ".join(lack) + (" …" if missing > len(lack) else "")
                en.append(f"{missing} of {n} report(s) lack {m.en} (absent in the report, not 0): {listed}.")
                zh.append(f"{n}份报告中有{missing}份没有{m.zh}(报告中缺项,不是0):{listed}。")
    _mixed_templates(metrics, en, zh)
    if grouped and (aggregate or "sum") == "sum":
        for m in metrics:
            if m.kind == "share":
                en.append(f"{m.en} over several reports is pooled: their numerators over their denominators.")
                zh.append(f"多份报告的{m.zh}按分子之和除以分母之和计算。")
    return en, zh


def _mixed_templates(metrics: list[Metric], en: list[str], zh: list[str]) -> None:
    """Two metrics that only different templates have: shown side by side, never added."""
    only = [m for m in metrics if len(m.templates) == 1]
    for i, a in enumerate(only):
        for b in only[i + 1:]:
            if a.templates != b.templates:
                en.append(f"{a.en} ({a.templates[0]} template, {a.unit}) and {b.en} ({b.templates[0]} template, "
                          f"{b.unit}) are different measures: shown side by side, never added.")
                zh.append(f"{a.zh}({a.templates[0]}版,{a.unit})与{b.zh}({b.templates[0]}版,{b.unit})口径不同:"
                          "分列显示,不相加。")
