"""The app's server process: Streamlit, with the corpus loaded when the server starts.

    python -m gongkai.ui.serve run app.py [streamlit options]     (what `gongkai app` runs)

Streamlit runs ``app.py`` only when a browser opens a page, so whatever the page loads
lazily (torch and the embedding model, the passage index, the store's vocabulary) would be
paid by the first reader.  This module starts the Streamlit command line as ``streamlit``
itself would, after starting one thread that loads all of that in the same process: the
caches it fills (``gongkai.ui.cache.corpus``, the model, the passage index) are the ones the
pages read.  ``streamlit run app.py`` still works; it just loads on the first page instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from gongkai import settings
from gongkai.ui import pages
from gongkai.ui.i18n import LANGUAGES, t
from parsing.errors import GongkaiError

# The chat page's example questions: asked once at start (answers thrown away), so the code
# path of a first question has run before a reader asks one.
WARM_QUESTIONS = ("chat.example.1",)
# While the corpus is being built (the demo's first run), look again this often.
POLL_SECONDS = 1.0


def _say(text: str) -> None:
    print(f"Gongkai: {text}", file=sys.stderr, flush=True)


def _wait_for(check: Callable[[], object], seconds: float = POLL_SECONDS) -> None:
    while not check():
        time.sleep(seconds)


def warm(data: str) -> None:
    """Load what the first page and the first question need; say on stderr when done."""
    from gongkai.ui import cache
    from index.tables import store
    from qa.warm import load_model, load_passages, warm_up

    started = time.perf_counter()
    for module in pkgutil.iter_modules(pages.__path__, pages.__name__ + "."):
        importlib.import_module(module.name)
    importlib.import_module("gongkai.ui.answer_view")
    opened = cache.corpus(data)
    folder = Path(data)
    being_built = not store.store_file(folder).exists()
    try:
        # Not under the lock that guards the store's connection: a page opened meanwhile is drawn.
        load_model(opened)
        if being_built:
            # `gongkai app` builds the demo corpus (or a first upload comes) while the server
            # already runs: wait for the store, then for the passage index an ingest writes last.
            _wait_for(lambda: store.store_file(folder).exists())
            _wait_for(lambda: load_passages(opened))
        else:
            load_passages(opened)
    except GongkaiError as exc:  # the model cannot load: questions say so themselves
        _say(f"could not load everything in advance: {exc}")
        return
    questions = [t(key, lang) for key in WARM_QUESTIONS for lang in LANGUAGES]
    with cache._LOCK:
        try:
            warmed = warm_up(opened, questions)
        finally:
            opened.release()  # an open connection keeps ingests from writing
    _first_page(cache, data)
    if warmed.problem:
        _say(f"could not load everything in advance: {warmed.problem}")
    else:
        _say(f"the model and the indexes are loaded ({time.perf_counter() - started:.1f} s): "
             "answers come without waiting for them.")


def _first_page(cache: ModuleType, data: str) -> None:
    """Fill the caches the first page reads (the sidebar's summary and filters, the overview
    with no filter set), so that opening the app does not compute them."""
    from index.tables.summary import Scope

    version = cache.store_version(Path(data))
    if version is None:
        return
    cache.options(data, version)
    cache.summary(data, version)
    cache.summary(data, version, Scope())
    cache.dashboard(data, version, Scope(), None)


def _start_when_running(data: str) -> None:
    from streamlit.runtime import Runtime

    # The app's cache module declares Streamlit caches, which must see the runtime: import
    # it only once the server has created it (a fraction of a second).
    _wait_for(Runtime.exists, 0.05)
    from gongkai.ui import cache

    cache.start_server_warm_up(data, lambda: warm(data))


def main() -> None:
    data = str(settings.data_dir())  # as app.py names it: the key of the caches both fill
    threading.Thread(target=_start_when_running, args=(data,), daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
