"""Data quality, copied text: sections that repeat an earlier report, most copied first, and
one pair side by side with the shared text marked.

The finding is :mod:`index.passages.copies` through :mod:`qa.copied` (the chat's answer to
"哪些报告年报雷同" lists the same rows in the same order); this page only draws it.  Report
text is shown with :func:`gongkai.ui.highlight.spans_html`: escaped, then marked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gongkai.ui import cache
from gongkai.ui.highlight import spans_html
from gongkai.ui.state import View
from index.passages.copies import CopySettings
from index.tables.summary import Scope
from qa import copied

_PICK = "quality.copied.pick"


@st.cache_data(show_spinner=False, max_entries=16)
def copies(data: str, version: cache.Version, scope: Scope) -> pd.DataFrame:
    """The copied sections of the reports in ``scope``, most copied first (empty: none or no index)."""
    with cache.reading(data) as con:
        found = cache.corpus(data).copies()
        if found is None:
            return pd.DataFrame()
        return copied.for_scope(found, con, scope).reset_index(drop=True)


def count(view: View) -> int:
    """How many copied sections the current scope holds (for the tab's label)."""
    if view.version is None:
        return 0
    return len(copies(str(view.data), view.version, view.scope))


def render(view: View) -> None:
    found = copies(str(view.data), view.version, view.scope) if view.version is not None else pd.DataFrame()
    settings = CopySettings()
    st.caption(view.t("copied.intro", chars=settings.min_chars, agencies=settings.boilerplate_agencies))
    if found.empty:
        st.success(view.t("copied.none"))
        return
    _table(view, found)
    labels = [copied.label(row, view.lang) for _, row in found.iterrows()]
    choice = st.selectbox(view.t("copied.pick"), range(len(found)), key=_PICK, format_func=lambda i: labels[i])
    _side_by_side(view, found.iloc[int(choice or 0)])


def _table(view: View, found: pd.DataFrame) -> None:
    lang = view.lang
    shown = pd.DataFrame({
        view.t("col.agency"): found["agency"],
        view.t("col.year"): found["year"],
        view.t("copied.col.section"): [copied.section_name(n, t, lang) for n, t in
                                       zip(found["section_no"], found["section_title"])],
        view.t("copied.col.share"): [round(float(s) * 100) for s in found["share"]],
        view.t("copied.col.chars"): found["copied_chars"],
        view.t("copied.col.total"): found["section_chars"],
        view.t("copied.col.source"): [f"{a} {int(y) if pd.notna(y) else ''}" for a, y in
                                      zip(found["source_agency"], found["source_year"])],
        view.t("col.source"): found["source"],
    })
    st.dataframe(shown, width="stretch", hide_index=True, height=min(36 * (len(shown) + 1) + 2, 320),
                 column_config={
                     view.t("col.year"): st.column_config.NumberColumn(format="%d", width="small"),
                     view.t("copied.col.share"): st.column_config.ProgressColumn(
                         format="%d%%", min_value=0, max_value=100, width="medium"),
                 })


def _side_by_side(view: View, row: pd.Series) -> None:
    st.markdown(copied.line(row, view.lang))
    st.caption(view.t("copied.marked"))
    left, right = st.columns(2)
    sides = ((left, row["agency"], row["year"], row["section_no"], row["section_title"], row["source"],
              row["text"], row["spans"]),
             (right, row["source_agency"], row["source_year"], row["source_section_no"], row["source_section_title"],
              row["source_source"], row["source_text"], row["source_spans"]))
    for column, agency, year, number, title, source, text, spans in sides:
        with column:
            st.subheader(view.t("copied.report", agency=agency, year=int(year) if pd.notna(year) else "?"))
            st.caption(view.t("copied.where", section=copied.section_name(number, title, view.lang), file=source))
            st.html(spans_html(str(text), list(spans)))
