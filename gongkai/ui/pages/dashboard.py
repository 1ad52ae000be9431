"""Overview: the corpus in scope at a glance; every figure opens the chat with the question that gives it.

The figures come from :func:`index.tables.dashboard.dashboard` (cached per store version and
scope); each is a link to the chat page with ``?q=`` set to its question
(:mod:`gongkai.ui.dashboard_links`), which the chat asks once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gongkai.ui import cache
from gongkai.ui.dashboard_links import (breakdown_question, change_question, change_text, definitions, figure_text,
                                        mover_question, number, quality_question, reports_question, scope_text,
                                        value_question)
from gongkai.ui.state import View, current_view
from index.tables.dashboard import HEADLINE, Breakdown, Dashboard, Mover

CHAT_PAGE = "gongkai/ui/pages/chat.py"
QUALITY_PAGE = "gongkai/ui/pages/quality.py"
_YEAR_KEY = "dash.year"
# Rows of a breakdown listed on the page; the linked answer's table has them all.
SHOWN_GROUPS = 12
_WIDTHS = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0]


def _link(container: st.delta_generator.DeltaGenerator, label: str, question: str, icon: str | None = None) -> None:
    """A figure that opens the chat with ``question`` asked."""
    container.page_link(CHAT_PAGE, label=label, query_params={"q": question}, help=question, icon=icon)


def _change_icon(change: float | None) -> str | None:
    if change is None or change == 0:
        return None
    return ":material/trending_up:" if change > 0 else ":material/trending_down:"


def _by_year(view: View, board: Dashboard) -> None:
    st.subheader(view.t("dash.by_year"))
    head = st.columns(_WIDTHS)
    head[0].markdown(f"**{view.t('dash.year')}**")
    for column, (name, _) in zip(head[1:], HEADLINE):
        column.markdown(f"**{view.t(f'dash.head.{name}')}**")
    for year in reversed(board.years):
        row = st.columns(_WIDTHS, vertical_alignment="top")
        row[0].markdown(f"**{year}**")
        _link(row[0], view.t("dash.year_reports", reports=f"{board.reports_by_year[year]:,}"),
              reports_question(year, view.lang))
        for column, (name, _) in zip(row[1:], HEADLINE):
            figure = board.figure(name, year)
            if figure is None or figure.value is None:
                column.markdown("—")
                continue
            _link(column, f"**{figure_text(figure)}**", value_question(figure, view.lang))
            if figure.change is not None:
                _link(column, change_text(figure, view.lang), change_question(figure, view.lang),
                      _change_icon(figure.change))
            else:
                column.caption(view.t("dash.no_before"))
    st.caption(view.t("dash.sums") + " " + ";".join(definitions(view.lang)) if view.lang == "zh" else
               view.t("dash.sums") + " " + "; ".join(definitions(view.lang)))


def _movers(view: View, board: Dashboard, year: int) -> None:
    st.subheader(view.t("dash.movers", before=year - 1, year=year))
    if not board.rises and not board.falls:
        st.caption(view.t("dash.no_movers"))
        return
    for column, key, movers in zip(st.columns(2), ("dash.rises", "dash.falls"), (board.rises, board.falls)):
        column.markdown(f"**{view.t(key)}**")
        if not movers:
            column.caption(view.t("dash.none_moved"))
        for mover in movers:
            _link(column, _mover_label(view, mover), mover_question(mover, view.lang), _change_icon(mover.change))


def _mover_label(view: View, mover: Mover) -> str:
    sign = "+" if mover.change > 0 else "−"
    return view.t("dash.mover", agency=mover.agency, before=number(mover.before), after=number(mover.after),
                  change=f"{sign}{number(abs(mover.change))}")


def _group_name(view: View, breakdown: Breakdown, group: str | None) -> str:
    if group is None or pd.isna(group):  # reports that do not say (a row of pandas turns None into NaN)
        return view.t("dash.unnamed")
    return view.t(f"level.{group}") if breakdown.by == "level" else group


def _breakdown(view: View, container: st.delta_generator.DeltaGenerator, breakdown: Breakdown | None,
               title: str) -> None:
    container.subheader(title)
    if breakdown is None or not len(breakdown.frame):
        container.caption(view.t("dash.empty_scope"))
        return
    question = breakdown_question(breakdown, view.lang)
    for _, row in breakdown.frame.head(SHOWN_GROUPS).iterrows():
        name = _group_name(view, breakdown, row["group"])
        if row["reports"]:
            _link(container, view.t("dash.group", group=name, value=number(row["value"]), reports=row["reports"]),
                  question)
        else:
            container.markdown(view.t("dash.group_absent", group=name))
    hidden = len(breakdown.frame) - SHOWN_GROUPS
    if hidden > 0:
        container.caption(view.t("dash.more_groups", n=hidden))


def _quality(view: View, board: Dashboard) -> None:
    st.subheader(view.t("dash.quality"))
    box = st.container()
    for kind in board.quality:
        _link(box, view.t(f"dash.quality.{kind.kind}", reports=f"{kind.reports:,}"), quality_question(kind, view.lang),
              ":material/rule:")
    st.caption(view.t("dash.quality_note"))
    st.page_link(QUALITY_PAGE, label=view.t("nav.quality"), icon=":material/arrow_forward:")


def render(view: View) -> None:
    st.title(view.t("dash.title"))
    if view.version is None:
        st.info(view.t("sidebar.no_corpus"))
        return
    summary = cache.summary(str(view.data), view.version, view.scope)
    years = sorted(summary.years)
    if st.session_state.get(_YEAR_KEY) not in years:
        st.session_state.pop(_YEAR_KEY, None)
    board = cache.dashboard(str(view.data), view.version, view.scope, st.session_state.get(_YEAR_KEY))
    st.caption(scope_text(view.scope, summary.reports, view.lang))
    if not board.years or board.year is None:
        st.info(view.t("dash.empty_scope"))
        return
    st.caption(view.t("dash.intro"))
    _by_year(view, board)
    st.divider()
    newest_first = list(reversed(board.years))
    year = st.selectbox(view.t("dash.chosen_year"), newest_first, index=newest_first.index(board.year),
                        key=_YEAR_KEY)
    _movers(view, board, year)
    regions, levels = st.columns(2)
    by = board.regions.by if board.regions else "province"
    _breakdown(view, regions, board.regions, view.t("dash.regions", year=year, by=view.t(f"dash.by.{by}")))
    _breakdown(view, levels, board.levels, view.t("dash.levels", year=year))
    st.divider()
    _quality(view, board)


if __name__ == "__main__":
    render(current_view())
