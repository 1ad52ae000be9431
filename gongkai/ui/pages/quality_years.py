"""The data-quality page's section on checks across years: drawn here, computed by
:mod:`index.tables.across_years` (carry-over against the next report, jumps, zeros among peers)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gongkai.ui import cache
from gongkai.ui.state import View
from gongkai.ui.widgets import downloads
from index.tables import across_years as ay
from index.tables.summary import Scope

REPORTS_LINK = "./reports?report="


@st.cache_data(show_spinner=False, max_entries=32)
def findings(data: str, version: cache.Version, scope: Scope | None) -> pd.DataFrame:
    """Every finding across years in ``scope`` (cached per store version and scope)."""
    with cache.reading(data) as con:
        frame = ay.findings(con, scope)
        frame.attrs["compared"] = ay.compared(con, scope)
        return frame


def count(view: View) -> int:
    """How many findings the current scope holds (for the tab's label)."""
    return len(findings(str(view.data), view.version, view.scope))


def render(view: View) -> None:
    st.subheader(view.t("years.title"))
    st.caption(view.t("years.intro"))
    frame = findings(str(view.data), view.version, view.scope)
    with st.expander(view.t("years.rules")):
        for entry in ay.CHECKS:
            st.markdown(f"**{_name(entry.id, view.lang)}**{'：' if view.lang == 'zh' else ': '}"
                        f"{entry.description(view.lang)}")
    if frame.empty:
        pairs = frame.attrs.get("compared", {}).get("jump", 0)
        st.success(view.t("years.none", pairs=pairs) if pairs else view.t("years.no_pairs"))
        return
    counts = ay.counts(frame)
    for column, (check_id, n) in zip(st.columns(len(counts)), counts.items()):
        column.metric(_name(check_id, view.lang), n)
    chosen = st.multiselect(view.t("years.checks"), list(ay.CHECK_IDS), key="years.checks",
                            format_func=lambda c: _name(c, view.lang), placeholder=view.t("sidebar.any"))
    if chosen:
        frame = frame[frame["check"].isin(chosen)]
    st.write(view.t("years.count", n=len(frame), agencies=frame["agency"].nunique()))
    shown = shown_table(frame, view)
    # On screen: who, which check, the finding in words, both reports; years, files, rule ids and raw
    # figures go to the audit details and the downloads.
    hidden = [view.t(k) for k in ("audit.rule", "audit.detail", "years.col.check", "years.col.year",
                                  "years.col.next_year", "col.source")]
    st.dataframe(shown.drop(columns=hidden), width="stretch",
                 hide_index=True, column_config={
                     view.t("years.col.finding"): st.column_config.TextColumn(width="large"),
                     view.t("years.col.report"): st.column_config.LinkColumn(display_text=view.t("years.open"),
                                                                              width="small"),
                     view.t("years.col.next_report"): st.column_config.LinkColumn(
                         display_text=view.t("years.open"), width="small", help=view.t("years.col.next_report_help")),
                 })
    with st.expander(view.t("audit.title")):
        st.caption(view.t("audit.caption"))
        st.dataframe(shown[[view.t("col.agency"), view.t("col.source"), view.t("audit.rule"), view.t("audit.detail")]],
                     width="stretch", hide_index=True)
    downloads(shown, "gongkai-across-years", view.lang, key="dl.years")


def shown_table(frame: pd.DataFrame, view: View) -> pd.DataFrame:
    """The findings as the page shows them: plain words first, both reports linked, the rule and raw
    figures for auditors."""
    message = "message_zh" if view.lang == "zh" else "message_en"
    # The report compared with: the next year's, or for a zero among peers the peer at the median.
    other = frame["next_report_id"].where(frame["next_report_id"].notna(), frame["peer_report_id"])
    other_source = frame["next_source"].where(frame["next_source"].notna(), frame["peer_source"])
    return pd.DataFrame({
        view.t("col.agency"): frame["agency"],
        view.t("years.col.check"): frame["check"].map(lambda c: _name(c, view.lang)),
        view.t("years.col.finding"): frame[message],
        view.t("years.col.year"): frame["year"],
        view.t("years.col.next_year"): frame["next_year"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
        view.t("years.col.report"): REPORTS_LINK + frame["report_id"],
        view.t("years.col.next_report"): REPORTS_LINK + other,
        view.t("col.source"): frame["source"] + " / " + other_source,
        view.t("audit.rule"): "across_years." + frame["check"] + "." + frame["figure"],
        view.t("audit.detail"): [ay.raw_figures(r) for _, r in frame.iterrows()],
    })


def _name(check_id: str, lang: str) -> str:
    """A check's name as a label (capitalised in English)."""
    name = ay.check(check_id).name(lang)
    return name[:1].upper() + name[1:]
