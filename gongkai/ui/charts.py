"""Chart specs for the app, built from DataFrames as Altair charts: pure functions, no Streamlit.

* An answer's bar chart (:func:`answer_chart`): horizontal bars sorted by value, largest on
  top, with the value written at the end of each bar; the axis leaves room for the longest
  name (:func:`label_width`) and the chart grows with the number of bars.  A sum whose parts
  the answer's chart spec carries (``spec["parts"]``, e.g. lawsuits filed directly and after
  reconsideration) is drawn as stacked bars.  Years stay in their order.
* One agency across years (:func:`years_chart`): one small chart per figure, each with its own
  axis, so that a figure in the thousands does not flatten one in single digits; the parts of
  a declared sum share one stacked panel.

Absent values are never drawn as 0 and never written ``None``/``nan``: a bar is missing and its
label reads :data:`ABSENT`.  Every chart is rendered as SVG (``usermeta.embedOptions``), so that
its text is real text in the page.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, cast

import altair as alt
import pandas as pd

from index.tables.browse import figure_label
from index.tables.metrics import DERIVED_SUMS, catalogue
from qa.figures import GROUP_NAMES

ABSENT = "—"
FONT_SIZE = 12  # axis labels and value labels, in px
BAR_STEP = 24  # px per bar (or per group of bars)
# A chart never draws more bars than this; the table below it holds them all.
MAX_BARS = 60
PANEL_WIDTH = 260
PANEL_HEIGHT = 150
PANEL_COLUMNS = 3
# Colours of a stacked sum's parts, then of single series.
PART_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")
SERIES_COLOUR = "#4c78a8"
_EMBED = {"embedOptions": {"renderer": "svg", "actions": False}}
# Internal field names of the long data every chart draws.
CATEGORY, SERIES, VALUE, TOTAL, LABEL, RANK = "category", "series", "value", "total", "label", "rank"


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def is_absent(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def value_text(value: Any) -> str:
    """A figure as written on a chart or in a table: 1,751 · 12.5 · ``—`` when absent."""
    if is_absent(value):
        return ABSENT
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def label_width(text: str, font_size: int = FONT_SIZE) -> int:
    """A generous estimate of ``text``'s width in px: wide (CJK) characters take a full em."""
    em = 0.0
    for char in text:
        em += 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.62
    return int(math.ceil(em * font_size)) + 6


def label_limit(labels: list[str], font_size: int = FONT_SIZE) -> int:
    """The axis label limit (px) that writes every label of ``labels`` in full."""
    return max((label_width(label, font_size) for label in labels), default=0) + 4


def table_style(frame: pd.DataFrame) -> Any:
    """``frame`` styled for ``st.dataframe``: numbers written by :func:`value_text` (absent: ``—``),
    text left as it is, the values themselves kept (sorting and downloads see numbers)."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    mixed = [c for c in frame.columns if c not in numeric]
    return frame.style.format(value_text, subset=cast(Any, numeric)).format(
        lambda v: ABSENT if is_absent(v) else str(v), subset=cast(Any, mixed))


# ---------------------------------------------------------------------------
# An answer's chart
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartData:
    """What one answer chart draws: long rows (category, series, value, total, label, rank)."""

    kind: str  # "bar" (across, sorted by value), "line" or "columns" (stacked, over ordered categories)
    data: pd.DataFrame
    categories: list[str]  # in drawing order (bars: top to bottom)
    series: list[str]
    stacked: bool
    shown: int  # categories drawn
    total: int  # categories in the table

    @property
    def label_limit(self) -> int:
        return label_limit(self.categories)


def _y_columns(spec: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    ys = spec.get("y") or []
    ys = [ys] if isinstance(ys, str) else list(ys)
    return [y for y in ys if y in frame.columns and y != spec.get("x")]


def _categories(frame: pd.DataFrame, x: str) -> list[str]:
    """Each row's category name; a name met twice (one agency in two years) gets its year."""
    names = [str(v) for v in frame[x]]
    year = next((y for y in GROUP_NAMES["year"] if y in frame.columns and y != x), None)
    if year is not None and len(set(names)) < len(names):
        names = [f"{n} · {y}" for n, y in zip(names, frame[year].astype(str))]
    # Still the same twice (two reports of one agency and year): number them, never merge them.
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _parts(spec: dict[str, Any], y: str, rows: int) -> list[tuple[str, list[Any]]] | None:
    """The stacked parts of column ``y`` the spec carries, when each has a value per row."""
    parts = spec.get("parts") or {}
    found = parts.get(y) if isinstance(parts, dict) else None
    if not found:
        return None
    series = [(str(p["name"]), list(p["values"])) for p in found]
    if len(series) < 2 or any(len(values) != rows for _, values in series):
        return None
    return series


def chart_data(spec: dict[str, Any] | None, frame: pd.DataFrame | None) -> ChartData | None:
    """The long data of an answer's chart spec over its table, sorted for drawing (None: no chart)."""
    if not spec or frame is None or not len(frame):
        return None
    x = spec.get("x")
    ys = _y_columns(spec, frame)
    if not isinstance(x, str) or x not in frame.columns or not ys:
        return None
    kind = "line" if spec.get("type") == "line" else "bar"
    categories = _categories(frame, x)
    values = {y: pd.to_numeric(frame[y], errors="coerce").tolist() for y in ys}
    by_year = x in GROUP_NAMES["year"]
    parts = _parts(spec, ys[0], len(frame)) if len(ys) == 1 else None
    if parts is not None and kind == "line":
        kind = "columns"  # a sum's parts over the years: stacked columns rather than one line
    totals = values[ys[0]]
    order = list(range(len(categories)))
    if by_year:
        order.sort(key=lambda i: categories[i])
    elif kind == "bar":
        # Largest first; absent last; ties keep the table's order.
        order.sort(key=lambda i: (is_absent(totals[i]), -(0.0 if is_absent(totals[i]) else float(totals[i]))))
    shown = order if kind != "bar" else order[:MAX_BARS]
    rows = []
    for rank, i in enumerate(shown):
        total = totals[i]
        if parts is not None:
            for name, part in parts:
                rows.append((categories[i], name, _number(part[i]), _number(total), value_text(total), rank))
        else:
            for y in ys:
                rows.append((categories[i], y, _number(values[y][i]), _number(values[y][i]),
                             value_text(values[y][i]), rank))
    data = pd.DataFrame(rows, columns=[CATEGORY, SERIES, VALUE, TOTAL, LABEL, RANK])
    series = [name for name, _ in parts] if parts is not None else ys
    return ChartData(kind, data, [categories[i] for i in shown], series, parts is not None,
                     len(shown), len(categories))


def _number(value: Any) -> float | None:
    return None if is_absent(value) else float(value)


def answer_chart(spec: dict[str, Any] | None, frame: pd.DataFrame | None) -> alt.LayerChart | None:
    """The Altair chart of an answer's chart spec over its table (None: nothing to draw)."""
    found = chart_data(spec, frame)
    return None if found is None else chart_of(found)


def chart_of(found: ChartData) -> alt.LayerChart:
    """The chart that draws ``found``: bars across, a line, or stacked columns."""
    if found.kind == "line":
        return line_chart(found)
    if found.kind == "columns":
        return column_chart(found)
    return bar_chart(found)


def _colour(series: list[str], legend: Literal["top", "bottom"] = "top") -> Any:
    if len(series) == 1:
        return alt.value(SERIES_COLOUR)
    return alt.Color(f"{SERIES}:N", sort=series, title=None,
                     scale=alt.Scale(domain=series, range=list(PART_COLOURS[:len(series)])),
                     legend=alt.Legend(orient=legend, labelLimit=label_limit(series) + 20, direction="vertical"))


def bar_chart(found: ChartData) -> alt.LayerChart:
    """Horizontal bars, one row per category in ``found.categories`` order, value at each bar's end."""
    data = found.data
    top = max((v for v in data[TOTAL].dropna()), default=0.0)
    # Room past the longest bar for its label.
    domain_max = top * 1.18 if top > 0 else 1.0
    y = alt.Y(f"{CATEGORY}:N", sort=found.categories, title=None,
              axis=alt.Axis(labelLimit=found.label_limit, labelFontSize=FONT_SIZE, labelOverlap=False))
    x = alt.X(f"{VALUE}:Q", title=None, stack="zero" if found.stacked else None,
              scale=alt.Scale(domain=[0, domain_max], nice=False), axis=alt.Axis(format=",~f", tickCount=5, tickMinStep=1))
    tooltip = [alt.Tooltip(f"{CATEGORY}:N", title=" "), alt.Tooltip(f"{SERIES}:N", title=" "),
               alt.Tooltip(f"{LABEL}:N", title="=")]
    encoding: dict[str, Any] = {"y": y, "x": x, "color": _colour(found.series), "tooltip": tooltip}
    if len(found.series) > 1 and not found.stacked:
        encoding["yOffset"] = alt.YOffset(f"{SERIES}:N", sort=found.series)
    base = alt.Chart(data)
    bars = base.mark_bar().encode(**encoding)
    if found.stacked:
        # One label per bar: the stack's total, at its end.
        labels_data = base.transform_filter(alt.datum[SERIES] == found.series[0])
        labels = labels_data.mark_text(align="left", dx=4, fontSize=FONT_SIZE).encode(
            y=alt.Y(f"{CATEGORY}:N", sort=found.categories), x=alt.X(f"{TOTAL}:Q"), text=f"{LABEL}:N")
    else:
        text_encoding: dict[str, Any] = {"y": alt.Y(f"{CATEGORY}:N", sort=found.categories),
                                         "x": alt.X(f"{TOTAL}:Q"), "text": f"{LABEL}:N"}
        if len(found.series) > 1:
            text_encoding["yOffset"] = alt.YOffset(f"{SERIES}:N", sort=found.series)
        labels = base.transform_calculate(**{TOTAL: f"isValid(datum.{TOTAL}) ? datum.{TOTAL} : 0"}).mark_text(
            align="left", dx=4, fontSize=FONT_SIZE).encode(**text_encoding)
    step = BAR_STEP * (len(found.series) if len(found.series) > 1 and not found.stacked else 1)
    return (bars + labels).properties(height=alt.Step(step), usermeta=_EMBED)


def column_chart(found: ChartData) -> alt.LayerChart:
    """Stacked columns over ordered categories (years), each column's total written above it."""
    data = found.data
    top = max((v for v in data[TOTAL].dropna()), default=0.0)
    x = alt.X(f"{CATEGORY}:O", sort=found.categories, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{VALUE}:Q", title=None, stack="zero",
              scale=alt.Scale(domain=[0, top * 1.18 if top > 0 else 1.0], nice=False),
              axis=alt.Axis(format=",~f", tickCount=5, tickMinStep=1))
    base = alt.Chart(data)
    bars = base.mark_bar().encode(x=x, y=y, color=_colour(found.series),
                                  tooltip=[alt.Tooltip(f"{CATEGORY}:N", title=" "),
                                           alt.Tooltip(f"{SERIES}:N", title=" "),
                                           alt.Tooltip(f"{VALUE}:Q", title="=", format=",")])
    labels = base.transform_filter(alt.datum[SERIES] == found.series[0]).transform_calculate(
        **{TOTAL: f"isValid(datum.{TOTAL}) ? datum.{TOTAL} : 0"}).mark_text(dy=-7, fontSize=FONT_SIZE).encode(
        x=x, y=alt.Y(f"{TOTAL}:Q"), text=f"{LABEL}:N")
    return (bars + labels).properties(height=280, usermeta=_EMBED)


def line_chart(found: ChartData) -> alt.LayerChart:
    """Values over ordered categories (years): points joined by lines, each value written above."""
    data = found.data.copy()
    x = alt.X(f"{CATEGORY}:O", sort=found.categories, title=None, axis=alt.Axis(labelAngle=0))
    colour = _colour(found.series)
    base = alt.Chart(data)
    present = base.transform_filter(f"isValid(datum.{VALUE})")
    y = alt.Y(f"{VALUE}:Q", title=None, axis=alt.Axis(format=",~f", tickMinStep=1))
    line = present.mark_line(point=True).encode(x=x, y=y, color=colour,
                                                tooltip=[alt.Tooltip(f"{CATEGORY}:N", title=" "),
                                                         alt.Tooltip(f"{LABEL}:N", title="=")])
    labels = base.transform_calculate(**{TOTAL: f"isValid(datum.{VALUE}) ? datum.{VALUE} : 0"}).mark_text(
        dy=-9, fontSize=FONT_SIZE).encode(x=x, y=alt.Y(f"{TOTAL}:Q"), text=f"{LABEL}:N", color=colour)
    return (line + labels).properties(height=280, usermeta=_EMBED)


# ---------------------------------------------------------------------------
# One agency across years
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One small chart of the years view: a figure (or a sum's parts, stacked) per year."""

    title: str
    series: list[str]  # one name, or the parts of a sum
    values: dict[str, list[float | None]]  # series → value per year

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    def totals(self) -> list[float | None]:
        rows = list(zip(*self.values.values()))
        return [None if any(v is None for v in row) else float(sum(v for v in row if v is not None)) for row in rows]


def _sum_parts(lang: str) -> list[tuple[str, list[str]]]:
    """Each declared sum (DERIVED_SUMS) as (its total's name, its parts' figure labels)."""
    found = []
    metrics = catalogue()
    for derived in DERIVED_SUMS:
        key = f"{derived.table}.{derived.key}.total"
        if key not in metrics:
            continue
        parts = [figure_label((derived.table, row, "total"), lang) for row in derived.rows]
        found.append((metrics[key].name(lang), parts))
    return found


def year_list(years: list[str], lang: str) -> str:
    """Years written short: runs of consecutive years as 2011–2013 (2011–2013、2015 / 2011–2013, 2015)."""
    numbers = sorted(int(y) for y in years)
    runs: list[list[int]] = []
    for year in numbers:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ("、" if lang == "zh" else ", ").join(map(str, r)) for r in runs]
    return ("、" if lang == "zh" else ", ").join(parts)


def years_panels(figures: pd.DataFrame, lang: str) -> tuple[list[str], list[Panel]]:
    """The years that have any figure and one panel per figure of ``figures``
    (rows: figure labels, columns: years, NaN absent); a declared sum's parts share a panel."""
    present = figures.dropna(axis=1, how="all")
    years = [str(c) for c in present.columns]
    rows = {str(label): [_number(v) for v in present.loc[label].tolist()] for label in present.index}
    panels: list[Panel] = []
    used: set[str] = set()
    stacks = {parts[0]: (title, parts) for title, parts in _sum_parts(lang) if all(p in rows for p in parts)}
    for label in rows:
        if label in used:
            continue
        if label in stacks:
            title, parts = stacks[label]
            panels.append(Panel(title, parts, {p: rows[p] for p in parts}))
            used.update(parts)
        else:
            panels.append(Panel(label, [label], {label: rows[label]}))
            used.add(label)
    return years, panels


def panel_data(years: list[str], panel: Panel) -> pd.DataFrame:
    rows = []
    totals = panel.totals()
    for i, year in enumerate(years):
        for name in panel.series:
            rows.append((year, name, panel.values[name][i], totals[i], value_text(totals[i])))
    return pd.DataFrame(rows, columns=[CATEGORY, SERIES, VALUE, TOTAL, LABEL])


def _panel_chart(years: list[str], panel: Panel) -> alt.LayerChart:
    data = panel_data(years, panel)
    top = max((v for v in data[TOTAL].dropna()), default=0.0)
    x = alt.X(f"{CATEGORY}:O", sort=years, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{VALUE}:Q", title=None, stack="zero" if panel.stacked else None,
              scale=alt.Scale(domain=[0, top * 1.25 if top > 0 else 1.0], nice=False),
              axis=alt.Axis(format=",~f", tickCount=4, tickMinStep=1))
    colour = _colour(panel.series, "bottom")
    base = alt.Chart(data)
    bars = base.mark_bar().encode(x=x, y=y, color=colour,
                                  tooltip=[alt.Tooltip(f"{CATEGORY}:N", title=" "),
                                           alt.Tooltip(f"{SERIES}:N", title=" "),
                                           alt.Tooltip(f"{VALUE}:Q", title="=", format=",")])
    labels = base.transform_filter(alt.datum[SERIES] == panel.series[0]).transform_calculate(
        **{TOTAL: f"isValid(datum.{TOTAL}) ? datum.{TOTAL} : 0"}).mark_text(
        dy=-7, fontSize=FONT_SIZE - 1).encode(x=x, y=alt.Y(f"{TOTAL}:Q"), text=f"{LABEL}:N")
    title = alt.TitleParams(panel.title, fontSize=FONT_SIZE + 1, limit=PANEL_WIDTH + 40)
    return (bars + labels).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT, title=title)


def years_chart(figures: pd.DataFrame, lang: str) -> alt.ConcatChart | None:
    """Small multiples of one agency's figures across years (None: fewer than two years)."""
    years, panels = years_panels(figures, lang)
    if len(years) < 2 or not panels:
        return None
    charts = [_panel_chart(years, panel) for panel in panels]
    return alt.concat(*charts, columns=PANEL_COLUMNS).resolve_scale(color="independent", y="independent") \
        .properties(usermeta=_EMBED)
