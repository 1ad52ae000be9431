"""What the app loads once per process (``st.cache_resource``) or per store version (``st.cache_data``).

One :class:`qa.corpus.Corpus` per corpus folder holds the process's read connection to the
store, open only while a read or a question runs (:meth:`qa.corpus.Corpus.release`: an open
connection keeps ingests from writing); every read here goes through a cursor of it.  Cached
readers take the store's version (:func:`index.tables.store.version`) as an argument, so an
ingest from the Upload page or the CLI shows at the next rerun with no explicit invalidation
(batch by batch while a long ingest runs).  A lock serialises the readers and the questions,
since one connection is shared.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from gongkai import settings
from index import limits
from index.tables import store
from index.tables.browse import agency_figures, load_report
from index.tables.dashboard import Dashboard
from index.tables.dashboard import dashboard as build_dashboard
from index.tables.quality import quality_issues
from index.tables.summary import CorpusSummary, Scope, ScopeOptions, corpus_summary, report_list, scope_options
from parsing.errors import GongkaiError
from parsing.record import Report
from qa.corpus import Corpus

_LOG = logging.getLogger(__name__)

Version = tuple[tuple[int, int, int], tuple[int, int] | None] | None


def store_version(data: Path) -> Version:
    """What changes whenever an ingest writes to the store (:func:`index.tables.store.version`);
    None when there is no corpus yet."""
    return store.version(data)


_LOCK = threading.RLock()
_OPENED: dict[str, Corpus] = {}


def corpus(data: str) -> Corpus:
    """The question layer's view of the corpus at ``data``, one per process.

    A plain registry rather than ``st.cache_resource``: the server's warm-up thread
    (:mod:`gongkai.ui.serve`) fills it before any page has run, outside any script run.
    """
    with _LOCK:
        if data not in _OPENED:
            limits.store_wait_s = float(settings.get("store_wait_s"))
            _OPENED[data] = Corpus(Path(data), settings.index_settings())
        return _OPENED[data]


@atexit.register
def _close_all() -> None:
    # Close connections before the interpreter tears DuckDB's bindings down.
    for opened in _OPENED.values():
        opened.close()


@contextmanager
def reading(data: str) -> Iterator[Any]:
    """A cursor on the shared read connection, current with the store file, under the lock.

    A damaged store file raises :class:`~index.tables.store.StoreDamaged` (see :func:`damaged`)."""
    with _LOCK, store.damage_reported(Path(data)):
        opened = corpus(data)
        cursor = opened.connection().cursor()
        try:
            yield cursor
        finally:
            cursor.close()
            opened.release()  # an open connection keeps ingests from writing


def damaged(exc: store.StoreDamaged, lang: str) -> str:
    """What the page says instead of a traceback when the store file cannot be read."""
    from gongkai.ui.i18n import t
    from index.tables import sources_list

    listed = sources_list.read(exc.data)
    known = (t("app.store_damaged_known", lang, n=len(listed), list=str(sources_list.sources_file(exc.data)))
             if listed else t("app.store_damaged_unknown", lang))
    release(str(exc.data))  # the next run opens the store afresh (repaired meanwhile, say)
    return t("app.store_damaged", lang, path=str(store.store_file(exc.data)), detail=exc.detail,
             data=str(exc.data), known=known)


def release(data: str) -> None:
    """Close the shared connection (before an ingest), so nothing holds the old store open."""
    with _LOCK:
        corpus(data).close()


@st.cache_data(show_spinner=False, max_entries=64)
def summary(data: str, version: Version, scope: Scope | None = None) -> CorpusSummary:
    with reading(data) as con:
        return corpus_summary(con, scope)


@st.cache_data(show_spinner=False, max_entries=8)
def options(data: str, version: Version) -> ScopeOptions:
    with reading(data) as con:
        return scope_options(con)


@st.cache_data(show_spinner=False, max_entries=64)
def reports(data: str, version: Version, scope: Scope | None = None) -> pd.DataFrame:
    with reading(data) as con:
        return report_list(con, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def report(data: str, version: Version, report_id: str) -> Report:
    with reading(data) as con:
        return load_report(con, report_id)


@st.cache_data(show_spinner=False, max_entries=64)
def issues(data: str, version: Version, scope: Scope | None, families: tuple[str, ...],
           agency_contains: str) -> pd.DataFrame:
    with reading(data) as con:
        return quality_issues(con, scope, families or None, agency_contains or None)


@st.cache_data(show_spinner=False, max_entries=64)
def figures(data: str, version: Version, agency: str, lang: str) -> pd.DataFrame:
    with reading(data) as con:
        return agency_figures(con, agency, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def dashboard(data: str, version: Version, scope: Scope | None, year: int | None) -> Dashboard:
    """The overview of ``scope`` (movers and breakdowns for ``year``), once per store version."""
    with reading(data) as con:
        return build_dashboard(con, scope, year)


# ---------------------------------------------------------------------------
# The embedding model and the passage index: loaded once per process, in the background
# ---------------------------------------------------------------------------


# The warm-up a server started before any page ran (gongkai.ui.serve), by corpus folder.
_SERVER_WARM_UP: dict[str, threading.Thread] = {}


def start_server_warm_up(data: str, load: Any) -> threading.Thread:
    """Run ``load`` (no arguments) in a thread now, at server start; :func:`warm_up` waits for it."""
    thread = threading.Thread(target=load, name="gongkai-server-warm-up", daemon=True)
    _SERVER_WARM_UP[data] = thread
    thread.start()
    return thread


@st.cache_resource(show_spinner=False, max_entries=4)
def warm_up(data: str, version: Version) -> threading.Thread:
    """Start loading the model and the passage index of ``data`` while the page is read.

    Returns the loading thread; the first question joins it, so the reader's first answer
    does not wait for what could be loaded while they typed.  Keyed by the store version:
    after an ingest the new passage index is loaded the same way.
    """
    def load() -> None:
        from index.passages.search import search

        started = _SERVER_WARM_UP.get(data)
        if started is not None:  # the server loads all this since it started: wait for it, not twice
            started.join()
        try:
            # One search loads the passage index (BM25 and FAISS) into the search module's cache
            # and the model the index was built with.
            search(Path(data), "政府信息公开", k=1)
        except GongkaiError as exc:  # no index yet, or the model is missing: questions say so themselves
            _LOG.warning("warm-up: %s", exc)

    thread = threading.Thread(target=load, name="gongkai-warm-up", daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


def ask(data: str, question: str, conversation: Any, scope: Scope | None = None, top_k: int | None = None) -> Any:
    """``qa.ask`` on the process's corpus, under the lock that guards the shared connection."""
    import qa

    with _LOCK:
        return qa.ask(question, conversation, corpus(data), scope=scope if scope and not scope.is_empty() else None,
                      top_k=top_k, llm=settings.llm_endpoint())


def needs_model(data: str, question: str, conversation: Any) -> bool:
    """Whether ``question`` will search passages (and so needs the embedding model).

    Figures come from the store alone: such a question need not wait for the model.
    """
    import qa
    from qa.plan import STRUCTURED

    with _LOCK:
        try:
            plan = qa.plan_question(question, conversation, corpus(data))
        finally:
            corpus(data).release()
    return plan.intent not in (*STRUCTURED, "quality")
