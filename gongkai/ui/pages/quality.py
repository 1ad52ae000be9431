"""Data quality: every failed check and narrative conflict in scope, filterable and exportable."""

from __future__ import annotations

import streamlit as st

from gongkai.ui import cache
from gongkai.ui.state import View, current_view
from gongkai.ui.widgets import downloads
from index.tables.quality import FAMILIES, family_counts

_SHOWN = ("agency", "year", "family", "rule", "detail", "source", "report_id")


def render(view: View) -> None:
    st.title(view.t("quality.title"))
    st.caption(view.t("quality.intro"))
    if view.version is None:
        st.info(view.t("sidebar.no_corpus"))
        return
    left, right = st.columns([3, 2])
    families = left.multiselect(view.t("quality.families"), FAMILIES, key="quality.families",
                                format_func=lambda f: view.t(f"family.{f}"), placeholder=view.t("sidebar.any"))
    text = right.text_input(view.t("quality.search"), key="quality.agency")
    issues = cache.issues(str(view.data), view.version, view.scope, tuple(families), text.strip())
    if issues.empty:
        st.success(view.t("quality.none"))
        return
    st.write(view.t("quality.count", issues=len(issues), reports=issues["report_id"].nunique()))
    counts = family_counts(issues)
    for column, (family, count) in zip(st.columns(len(counts)), counts.items()):
        column.metric(view.t(f"family.{family}"), count)
    shown = issues[list(_SHOWN)].copy()
    shown["family"] = shown["family"].map(lambda f: view.t(f"family.{f}"))
    shown.columns = [view.t("col.agency"), view.t("col.year"), view.t("col.family"), view.t("col.rule"),
                     view.t("col.detail"), view.t("col.source"), "report_id"]
    # A link per row to the report's page (its tables with the doubtful cells marked).
    linked = shown.assign(**{view.t("col.report"): "./reports?report=" + shown["report_id"]})
    st.dataframe(linked, width="stretch", hide_index=True, column_config={
        view.t("col.detail"): st.column_config.TextColumn(width="large"),
        view.t("col.year"): st.column_config.NumberColumn(format="%d", width="small"),
        view.t("col.report"): st.column_config.LinkColumn(display_text=view.t("chat.open_report"), width="small"),
        "report_id": None,
    })
    downloads(shown, "gongkai-quality", view.lang, key="dl.quality")


if __name__ == "__main__":
    render(current_view())
