"""Upload: several report files at once, checked, ingested with progress, one result per file."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import streamlit as st

from corpus.upload import FAILED, REJECTED, UploadOutcome, accepted_extensions, ingest_uploads, max_bytes
from gongkai import settings
from gongkai.ui import cache, removal
from gongkai.ui.plain_words import outcome_words
from gongkai.ui.state import View, current_view

_RESULTS_KEY = "upload.results"
_UPLOADER_KEY = "upload.files"
_LOG = logging.getLogger(__name__)


def _ingest_safely(files: list[tuple[str, bytes]], *args: Any, **kwargs: Any) -> list[UploadOutcome]:
    """:func:`ingest_uploads`, whose unexpected failure is logged and said per file in plain
    words (``upload.reason.internal``): no traceback reaches the page."""
    try:
        return ingest_uploads(files, *args, **kwargs)
    except Exception:  # noqa: BLE001 - the page must show a reason, not a trace
        _LOG.exception("upload batch failed")
        return [UploadOutcome(name, FAILED, "the server failed on this file", code="internal") for name, _ in files]


def _results_frame(view: View, outcomes: list[UploadOutcome]) -> pd.DataFrame:
    rows = []
    for o in outcomes:
        report = " · ".join(str(x) for x in (o.agency, o.year) if x) if o.report_id else ""
        rows.append((o.name, view.t(f"upload.status.{o.status}"), report, outcome_words(o, view.lang)))
    return pd.DataFrame(rows, columns=[view.t("col.file"), view.t("col.status"), view.t("col.report"),
                                       view.t("col.detail")])


def render(view: View) -> None:
    st.title(view.t("upload.title"))
    limit = max_bytes(view.max_upload_mb)
    types = accepted_extensions()
    st.caption(view.t("upload.limits", types=", ".join(f".{e}" for e in types), mb=f"{limit / 2**20:g}"))
    # The extension list and the size limit here are only the browser's first filter:
    # corpus.upload checks every file again, bytes included, before anything is parsed.
    files = st.file_uploader(view.t("upload.files"), type=types, accept_multiple_files=True, key=_UPLOADER_KEY,
                             max_upload_size=max(1, round(limit / 2**20)))
    if st.button(view.t("upload.go"), type="primary", disabled=not files, key="upload.go"):
        bar = st.progress(0.0)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total if total else 1.0,
                         text=view.t("upload.progress", name=name, done=done + (done < total), total=total))

        # Nothing of this process may hold the old store open while the ingest swaps it.
        cache.release(str(view.data))
        outcomes = _ingest_safely([(f.name, f.getvalue()) for f in files], view.data, progress=progress, limit=limit,
                                  index=settings.index_settings(), limits=settings.limits())
        bar.empty()
        st.session_state[_RESULTS_KEY] = outcomes
        # The store changed: rerun so the sidebar and every page read the new version.
        st.rerun()
    results: list[UploadOutcome] | None = st.session_state.get(_RESULTS_KEY)
    if results:
        bad = sum(o.status in (FAILED, REJECTED) for o in results)
        message = view.t("upload.done", ok=len(results) - bad, bad=bad)
        (st.warning if bad else st.success)(message)
        st.dataframe(_results_frame(view, results), width="stretch", hide_index=True)
    st.divider()
    removal.outcome()
    removal.uploaded_section(view)


if __name__ == "__main__":
    render(current_view())
