"""Reports: one report as the official template's tables, its checks and sections; one agency across years."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pandas as pd
import streamlit as st

from gongkai.ui import cache, removal
from gongkai.ui.charts import table_style, year_list, years_chart
from gongkai.ui.highlight import passage_html
from gongkai.ui.plain_words import script_name, template_name
from gongkai.ui.state import View, current_view
from gongkai.ui.widgets import downloads, plain
from index.tables.browse import TableView, checks_frame, official_table
from parsing.check_words import check_sentence
from parsing.record import Report
from parsing.template import SECTIONS, TABLES

REPORT_PARAM = "report"
_PICK_KEY = "reports.pick"
_SEEN_PARAM = "reports.seen_param"
# Cell colours: a cell in a failed check, a cell the report lacks.
_FAILED_STYLE = "background-color: rgba(255, 75, 75, 0.25)"
_ABSENT_STYLE = "color: rgba(128, 128, 128, 0.9)"


def _pick(view: View, frame: pd.DataFrame) -> str:
    """The report to show: the one the URL names (a source link), else the reader's choice."""
    ids: list[str] = frame["report_id"].tolist()
    # The stub types a row's fields as any scalar, bytes included; these columns hold text and years.
    labels = {row.report_id: f"{row.agency or '?'} · {row.year or '?'} · {row.source}"  # type: ignore[str-bytes-safe]
              for row in frame.itertuples()}
    wanted = st.query_params.get(REPORT_PARAM)
    # A link followed (the URL names a report not yet seen) overrides the previous choice.
    if wanted and wanted != st.session_state.get(_SEEN_PARAM) and wanted in labels:
        st.session_state[_PICK_KEY] = wanted
    st.session_state[_SEEN_PARAM] = wanted
    if st.session_state.get(_PICK_KEY) not in labels:
        st.session_state[_PICK_KEY] = wanted if wanted in labels else ids[0]
    # dict.get is overloaded, which the stub's Callable[[Any], str] does not accept.
    chosen = st.selectbox(view.t("reports.pick"), ids, key=_PICK_KEY, format_func=cast(Callable[[Any], str], labels.get))
    if chosen != wanted:
        st.query_params[REPORT_PARAM] = chosen
        st.session_state[_SEEN_PARAM] = chosen
    return chosen


def _styled(table: TableView) -> pd.io.formats.style.Styler:
    styles = table.status.replace({"failed": _FAILED_STYLE, "absent": _ABSENT_STYLE, "ok": "", "none": ""})
    return table.frame.style.apply(lambda _: styles, axis=None)


def _tables(view: View, report: Report) -> None:
    st.caption(view.t("reports.legend"))
    for key in TABLES:
        table = official_table(report, key, view.lang)
        st.markdown(f"**{plain(table.heading)}**")
        st.caption(view.t("reports.absent_count", absent=table.count("absent"), failed=table.count("failed")))
        st.dataframe(_styled(table), width="stretch", height=min(38 + 35 * len(table.frame), 900))
        downloads(table.frame, f"{report.id}-{key}", view.lang, key=f"dl.{report.id}.{key}", index=True)


def _checks(view: View, report: Report) -> None:
    frame = checks_frame(report)
    failed = int((~frame["ok"]).sum()) if len(frame) else 0
    st.write(view.t("reports.checks_summary", total=len(frame), failed=failed))
    if not failed and len(frame):
        st.success(view.t("reports.all_ok"))
    # Each check in plain words; its rule id and raw figures in the audit view below.
    shown = pd.DataFrame({
        view.t("col.ok"): frame["ok"].map({True: "✓ " + view.t("reports.ok"), False: "✗ " + view.t("reports.failed")}),
        view.t("audit.text"): [check_sentence(r, d, bool(ok), view.lang)
                               for r, d, ok in zip(frame["rule"], frame["detail"], frame["ok"])],
    })
    st.dataframe(shown, width="stretch", hide_index=True,
                 column_config={view.t("audit.text"): st.column_config.TextColumn(width="large")})
    with st.expander(view.t("audit.title")):
        st.dataframe(frame.rename(columns={"rule": view.t("audit.rule"), "ok": view.t("col.ok"),
                                           "detail": view.t("audit.detail")}), width="stretch", hide_index=True)
    if report.warnings:
        # The parser's own notes are technical and in English: kept, folded, and said to be so.
        with st.expander(view.t("reports.warnings", n=len(report.warnings))):
            for warning in report.warnings:
                st.text(warning)


def _sections(view: View, report: Report) -> None:
    titles = {s.no: (s.en if view.lang == "en" else s.title) for s in SECTIONS}
    for section in sorted(report.sections, key=lambda s: s.no):
        label = f"{section.no}. {titles.get(section.no, '')}"
        with st.expander(plain(label), expanded=section.no == 1):
            # The report's own heading and text, escaped: nothing in a report is rendered as markup.
            st.html(passage_html(f"{section.title}\n\n{section.text}"))


def _across_years(view: View, report: Report) -> None:
    agencies = cache.options(str(view.data), view.version).agencies
    default = agencies.index(report.agency) if report.agency in agencies else 0
    agency = st.selectbox(view.t("reports.agency"), agencies, index=default, key=f"reports.agency.{report.id}")
    figures = cache.figures(str(view.data), view.version, agency, view.lang)
    if figures.shape[1] < 2:
        st.info(view.t("reports.no_years"))
    # Absent cells read "—"; the numbers stay numbers in the downloads.
    st.dataframe(table_style(figures), width="stretch")
    downloads(figures, f"{agency}-years", view.lang, key=f"dl.years.{report.id}", index=True)
    chart = years_chart(figures, view.lang)
    if chart is not None:
        st.caption(view.t("reports.years_chart"))
        st.altair_chart(chart, width="content")
    empty = [str(year) for year in figures.columns if figures[year].isna().all()]
    if empty and figures.shape[1] > len(empty):
        st.caption(view.t("reports.years_without", years=year_list(empty, view.lang)))


def render(view: View) -> None:
    st.title(view.t("reports.title"))
    removal.outcome()
    if view.version is None:
        st.info(view.t("sidebar.no_corpus"))
        return
    frame = cache.reports(str(view.data), view.version, view.scope)
    if frame.empty:
        st.info(view.t("reports.none"))
        return
    report_id = _pick(view, frame)
    report = cache.report(str(view.data), view.version, report_id)
    region = report.region.label() or "—"
    st.subheader(plain(view.t("reports.meta", agency=report.agency or "?", year=report.year or "?", region=region)))
    st.caption(plain(view.t("reports.template", template=template_name(report.template, view.lang),
                            script=script_name(report.script, view.lang),
                            published=report.published or "—", source=report.source)))
    label = f"{report.agency or '?'} · {report.year or '?'} · {report.source}"
    removal.control(view, report.id, label, key="removal.report")
    tables, checks, sections, years = st.tabs([view.t("reports.tables"), view.t("reports.checks"),
                                               view.t("reports.sections"), view.t("reports.years")])
    with tables:
        _tables(view, report)
    with checks:
        _checks(view, report)
    with sections:
        _sections(view, report)
    with years:
        _across_years(view, report)


if __name__ == "__main__":
    render(current_view())
