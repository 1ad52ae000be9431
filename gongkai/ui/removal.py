"""Removing a report from the app: a button, a confirmation, then :func:`corpus.remove.remove_reports`.

Drawn on the Reports page (under the report shown: any report) and on the Upload page (the
reports that came through uploads).  Nothing is deleted before the reader confirms; the
outcome is shown once, after the rerun that makes the sidebar and every page read the
store without the report.
"""

from __future__ import annotations

import streamlit as st

from corpus.remove import remove_reports, uploaded_reports
from gongkai import settings
from gongkai.ui import cache
from gongkai.ui.state import View
from gongkai.ui.widgets import plain
from parsing.errors import GongkaiError

_PENDING_KEY = "removal.pending"
_CONFIRMED_KEY = "removal.confirmed"
_DONE_KEY = "removal.done"


def _remove(view: View, report_id: str, label: str) -> None:
    # Nothing of this process may hold the old store open while the removal swaps it.
    cache.release(str(view.data))
    try:
        removed = remove_reports(view.data, [report_id], index=settings.index_settings())
    except GongkaiError as exc:
        st.session_state[_DONE_KEY] = ("error", view.t("remove.failed", reason=plain(exc)))
        return
    lines = [view.t("remove.done", report=plain(label))]
    lines += [view.t("remove.file_kept", path=plain(path)) for path in removed.kept_files]
    if removed.index_error:
        lines.append(view.t("remove.index_failed", reason=plain(removed.index_error)))
    st.session_state[_DONE_KEY] = ("warning" if removed.index_error else "success", "\n\n".join(lines))


def outcome() -> None:
    """The outcome of the last removal, once (call it near the top of the page)."""
    done = st.session_state.pop(_DONE_KEY, None)
    if done:
        kind, text = done
        {"error": st.error, "warning": st.warning}.get(kind, st.success)(text)


def _set(name: str, value: object) -> None:
    if value is None:
        st.session_state.pop(name, None)
    else:
        st.session_state[name] = value


def control(view: View, report_id: str, label: str, key: str) -> None:
    """A "remove this report" button for ``report_id`` (described to the reader as ``label``)
    that asks for confirmation before anything is deleted.

    The buttons only record the reader's choice (callbacks, kept in the session): a click that
    lands while the page is still being drawn is never lost, and the removal runs in the next
    run of the page, under a spinner.
    """
    if st.session_state.get(_CONFIRMED_KEY) == (key, report_id):
        with st.spinner(view.t("remove.working")):
            _remove(view, report_id, label)
            _set(_CONFIRMED_KEY, None)
        st.rerun()
    if st.session_state.get(_PENDING_KEY) != (key, report_id):
        st.button(view.t("remove.button"), key=f"{key}.ask", icon=":material/delete:",
                  on_click=_set, args=(_PENDING_KEY, (key, report_id)))
        return
    st.warning(plain(view.t("remove.confirm", report=label)))
    yes, no, _ = st.columns([2, 2, 5])

    def confirm() -> None:
        _set(_PENDING_KEY, None)
        _set(_CONFIRMED_KEY, (key, report_id))

    yes.button(view.t("remove.yes"), key=f"{key}.yes", type="primary", on_click=confirm)
    no.button(view.t("remove.cancel"), key=f"{key}.no", on_click=_set, args=(_PENDING_KEY, None))


def uploaded_section(view: View) -> None:
    """The Upload page's list of the reports that came through uploads, each removable."""
    if view.version is None:
        return
    with cache.reading(str(view.data)) as con:  # one small query: not worth a cache entry
        frame = uploaded_reports(con, view.data)
    st.subheader(view.t("remove.uploaded_title"))
    if frame.empty:
        st.caption(view.t("remove.uploaded_none"))
        return
    labels = {str(row.report_id): f"{row.agency or '?'} · {row.year or '?'} · {row.file}"  # type: ignore[str-bytes-safe]
              for row in frame.itertuples()}
    shown = frame[["agency", "year", "file"]].copy()
    shown.columns = [view.t("col.agency"), view.t("col.year"), view.t("col.file")]
    st.dataframe(shown, width="stretch", hide_index=True)
    report_id: str | None = st.selectbox(view.t("remove.pick"), list(labels), format_func=lambda r: labels[r],
                                         key="removal.upload.pick")
    if report_id is not None:
        control(view, report_id, labels[report_id], key="removal.upload")
