"""One answer of :func:`qa.ask` drawn in the chat: text, table, chart, sources, notes, and how.

Only drawing happens here; the answer (figures, passages, plan, SQL, warnings) comes whole
from the question layer.  Its text may quote reports, so it is shown as plain text.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from gongkai.ui.answer_download import answer_download
from gongkai.ui.charts import chart_data, chart_of, table_style
from gongkai.ui.highlight import passage_html, query_words
from gongkai.ui.plain_words import reading_rows
from gongkai.ui.state import View
from gongkai.ui.widgets import downloads, plain
from index.tables.browse import figure_label
from parsing.template import SECTIONS, TEMPLATE_2021, TEMPLATES
from qa import Answer
from qa.cited_cells import contribution_table, contributors, largest_first, report_groups

REPORTS_PAGE = "gongkai/ui/pages/reports.py"
# Reports whose cited cells get an expander each; the rest are counted.
MAX_FIGURE_SOURCES = 10
_SECTION_TITLES = {s.no: (s.title, s.en) for s in SECTIONS}


def table_frame(table: dict[str, Any] | None) -> pd.DataFrame | None:
    """The answer's table (``{"columns": [...], "rows": [[...]]}``) as a DataFrame."""
    if not table or not table.get("rows"):
        return None
    return pd.DataFrame(table["rows"], columns=table["columns"])


def _table(view: View, answer: Answer, key: str) -> pd.DataFrame | None:
    frame = table_frame(answer.table)
    if frame is None:
        return None
    # Absent figures read "—" (never None); the numbers stay numbers for sorting and downloads.
    st.dataframe(table_style(frame), width="stretch", hide_index=True)
    downloads(frame, "gongkai-answer", view.lang, key=f"{key}.table")
    return frame


def _chart(view: View, answer: Answer, frame: pd.DataFrame | None) -> None:
    found = chart_data(answer.chart, frame)
    if found is None:
        return
    st.altair_chart(chart_of(found), width="stretch")
    if found.shown < found.total:
        st.caption(view.t("chart.first_bars", shown=found.shown, total=found.total))


def source_label(view: View, source: dict[str, Any]) -> str:
    """"agency · year · section" of one source, safe for a Markdown label."""
    no = source.get("section")
    title = "" if no is None else _SECTION_TITLES.get(no, ("", ""))[view.lang == "en"]
    section = view.t("source.section", no=no if no is not None else "?", title=title)
    year = source.get("year")
    year_text = "?" if year is None else (f"{year}年" if view.lang == "zh" else str(year))
    return plain(f"{source.get('agency') or '?'} · {year_text} · {section}")


def _sources(view: View, answer: Answer) -> None:
    """The passages cited, grouped by agency; a passage's near-identical copies (``copy_of`` it,
    qa.passage_groups) are named inside its expander instead of repeated."""
    if not answer.sources:
        return
    st.markdown(f"**{view.t('chat.sources')}**")
    words = query_words(answer.plan.search_text or answer.question)
    copies: dict[str, list[dict[str, Any]]] = {}
    for source in answer.sources:
        if source.get("copy_of"):
            copies.setdefault(source["copy_of"], []).append(source)
    shown = [s for s in answer.sources if not s.get("copy_of")]
    agencies = list(dict.fromkeys(s.get("agency") or "?" for s in shown))
    for agency in agencies:
        for source in (s for s in shown if (s.get("agency") or "?") == agency):
            with st.expander(source_label(view, source)):
                st.html(passage_html(source.get("text", ""), words))
                report_id = source.get("report_id")
                if report_id:
                    st.page_link(REPORTS_PAGE, label=view.t("chat.open_report"), icon=":material/description:",
                                 query_params={"report": report_id})
                st.caption(plain(source.get("source") or ""))
                same = copies.get(str(source.get("id")), [])
                if same:
                    st.caption(view.t("chat.copies"))
                    for copy in same:  # each copy links to its own report
                        label = f"{source_label(view, copy)} ({plain(copy.get('source') or '?')})"
                        st.page_link(REPORTS_PAGE, label=label, icon=":material/content_copy:",
                                     query_params={"report": copy["report_id"]})


def figure_sources(cells: list[dict[str, Any]], by_size: bool = True) -> list[dict[str, Any]]:
    """The cells behind an answer's figures grouped by report, largest contribution first
    (:func:`qa.cited_cells.report_groups`: reports whose cells are all 0, then all absent, last),
    or in the answer's order (``by_size`` False: a ranking, a list, a lookup).

    Each group: ``report_id``, ``agency``, ``year``, ``source``, ``tables`` (keys, in order),
    ``cells`` as ``(table, row, column, value)``, ``total`` and ``present``.
    """
    return report_groups(cells, by_size)


def _number(value: Any) -> str:
    """A cell value as the report prints it: 36, 2191.563; "—" when absent."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _figure_label(view: View, group: dict[str, Any]) -> str:
    tables = TEMPLATES[TEMPLATE_2021].tables
    headings = [tables[t].en if view.lang == "en" else tables[t].heading for t in group["tables"] if t in tables]
    year = group.get("year")
    year_text = "?" if year is None else (f"{year}年" if view.lang == "zh" else str(year))
    return plain(f"{group.get('agency') or '?'} · {year_text} · {' / '.join(headings)}")


def _figures(view: View, answer: Answer, key: str) -> None:
    """The report cells an answer's figures come from: one expander per report (at most
    MAX_FIGURE_SOURCES), linked to it; then the table of every contributing report, downloadable.
    A sum over many reports cites them largest first, reports whose cells are all 0 counted, not
    expanded; other answers cite their reports in their own order (a ranking's, a list's)."""
    summed = largest_first(answer.plan)
    groups = figure_sources(answer.cells, by_size=summed)
    if not groups:
        return
    if not answer.sources:
        st.markdown(f"**{view.t('chat.sources')}**")
    found = contributors(groups)
    # A sum's reports with a figure first; a lookup of zeros (or of an absent cell) still links its reports.
    top = ([g for g in found if g["total"]] if summed else found) or found or groups
    top = top[:MAX_FIGURE_SOURCES]
    for group in top:
        with st.expander(_figure_label(view, group)):
            rows = [(figure_label((t, r, c), view.lang), _number(v)) for t, r, c, v in group["cells"]]
            frame = pd.DataFrame(rows, columns=[view.t("chat.cell"), view.t("chat.value")])
            # A static table: a handful of cells, readable (and searchable) as text.
            st.table(frame.set_index(view.t("chat.cell")))
            st.page_link(REPORTS_PAGE, label=view.t("chat.open_report"), icon=":material/description:",
                         query_params={"report": group["report_id"]})
            st.caption(plain(group.get("source") or ""))
    rest = [g for g in found if g not in top]
    if rest:
        zeros = sum(1 for g in rest if not g["total"])
        st.caption(view.t("chat.more_sources_zeros", n=len(rest), zeros=zeros) if zeros else
                   view.t("chat.more_sources", n=len(rest)))
    if len(found) > 1:
        # Every contributing report, one row each: what "N more reports" points to.
        with st.expander(view.t("chat.all_sources", n=len(found)), expanded=bool(rest)):
            table = contribution_table(groups, view.lang)
            st.dataframe(table, width="stretch", hide_index=True)
            downloads(table, "gongkai-sources", view.lang, key=f"{key}.sources")


def _warnings(view: View, answer: Answer) -> None:
    for warning in answer.warnings:
        st.warning(plain(warning))
    # The checks behind the notes, for auditors: rule ids and raw figures, out of the reader's way.
    audit = [a for a in answer.audit if a.get("rule")]
    if audit:
        with st.expander(view.t("audit.title")):
            st.caption(view.t("audit.caption"))
            st.dataframe(pd.DataFrame([(a.get("text", ""), a["rule"], a.get("detail", "")) for a in audit],
                                      columns=[view.t("audit.text"), view.t("audit.rule"), view.t("audit.detail")]),
                         width="stretch", hide_index=True)


def _how(view: View, answer: Answer) -> None:
    with st.expander(view.t("chat.how")):
        plan = answer.plan
        read_as = plan.read_as if view.lang == "en" else plan.read_as_zh
        if read_as:
            st.markdown(f"**{view.t('chat.plan')}**")
            st.text(read_as)
        # In words first; the SQL and the plan's keys behind a second tab (no expander may nest).
        understood, technical = st.tabs([view.t("chat.understood"), view.t("chat.technical")])
        with understood:
            if plan.readings:
                # How each piece of the question was read, every word in the interface's language.
                readings = pd.DataFrame(reading_rows(plan.readings, view.lang),
                                        columns=[view.t("chat.piece"), view.t("chat.words"), view.t("chat.read_as"),
                                                 view.t("chat.confidence")])
                st.table(readings.set_index(view.t("chat.piece")))
            for query in answer.queries:
                if query.get("description"):
                    st.text(query["description"])
        with technical:
            for query in answer.queries:
                st.code(query["sql"], language="sql")
                if query.get("params"):
                    st.caption(view.t("chat.params"))
                    st.json(_json(query["params"]), expanded=False)
            st.caption(view.t("chat.steps"))
            st.json(_json(plan.to_dict()), expanded=False)


def _json(value: Any) -> str:
    # Parameters may hold dates or numpy numbers: write them as text rather than fail.
    return json.dumps(value, ensure_ascii=False, default=str)


def render_answer(view: View, answer: Answer, key: str) -> None:
    """Draw ``answer`` inside the current chat message."""
    st.text(answer.text)
    frame = _table(view, answer, key)
    _chart(view, answer, frame)
    _sources(view, answer)
    _figures(view, answer, key)
    _warnings(view, answer)
    _how(view, answer)
    answer_download(view, answer, key)
