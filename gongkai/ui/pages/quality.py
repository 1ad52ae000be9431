"""Data quality: every failed check and narrative conflict in scope, filterable and exportable."""

from __future__ import annotations

import streamlit as st

from gongkai.ui import cache
from gongkai.ui.pages import quality_copied, quality_years
from gongkai.ui.state import View, current_view
from gongkai.ui.widgets import downloads
from index.tables.quality import FAMILIES, family_counts
from qa.audit import issue_sentences

_SHOWN = ("agency", "year", "family", "rule", "detail", "source", "report_id")


def render(view: View) -> None:
    st.title(view.t("quality.title"))
    st.caption(view.t("quality.intro"))
    if view.version is None:
        st.info(view.t("sidebar.no_corpus"))
        return
    checks_tab, years_tab, copied_tab = st.tabs([view.t("quality.tab.checks"),
                                                 view.t("quality.tab.years", n=quality_years.count(view)),
                                                 view.t("quality.tab.copied", n=quality_copied.count(view))])
    with checks_tab:
        _checks(view)
    with years_tab:
        quality_years.render(view)
    with copied_tab:
        quality_copied.render(view)


def _checks(view: View) -> None:
    """Each report's failed checks, filterable, in plain words, with the rule ids for auditors."""
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
    # What is wrong in plain words; the rule id and raw figures stay in their own columns for auditors.
    shown.insert(3, "plain", issue_sentences(issues, view.lang))
    shown.columns = [view.t("col.agency"), view.t("col.year"), view.t("col.family"), view.t("col.explanation"),
                     view.t("audit.rule"), view.t("audit.detail"), view.t("col.source"), "report_id"]
    # A link per row to the report's page (its tables with the doubtful cells marked).
    linked = shown.assign(**{view.t("col.report"): "./reports?report=" + shown["report_id"]})
    st.dataframe(linked.drop(columns=[view.t("audit.rule"), view.t("audit.detail")]), width="stretch",
                 hide_index=True, column_config={
                     view.t("col.explanation"): st.column_config.TextColumn(width="large"),
                     view.t("col.year"): st.column_config.NumberColumn(format="%d", width="small"),
                     view.t("col.report"): st.column_config.LinkColumn(display_text=view.t("chat.open_report"),
                                                                       width="small"),
                     "report_id": None,
                 })
    with st.expander(view.t("audit.title")):
        st.caption(view.t("audit.caption"))
        st.dataframe(shown[[view.t("col.agency"), view.t("col.year"), view.t("audit.rule"), view.t("audit.detail")]],
                     width="stretch", hide_index=True,
                     column_config={view.t("col.year"): st.column_config.NumberColumn(format="%d", width="small")})
    downloads(shown.drop(columns=["report_id"]), "gongkai-quality", view.lang, key="dl.quality")


if __name__ == "__main__":
    render(current_view())
