"""The seeds ingested into one corpus folder per test session, for the app's tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS

_BUILT: dict[str, Path] = {}


def seeds_corpus(factory: pytest.TempPathFactory) -> Path:
    """A corpus folder holding the five seeds: the store, and the passage index.

    Built once per session (both app test modules share it).  The passage index is built
    here only when the ingest did not build it itself.
    """
    if "seeds" in _BUILT:
        return _BUILT["seeds"]
    from corpus.ingest import ingest
    from index import store
    from index.indexer import current_folder
    from index.search import build_index
    from parsing.record import Report

    if not SEEDS.is_dir():
        pytest.fail(f"{SEEDS} is missing: the seeds live in ../shared/seeds")
    data = factory.mktemp("app-seeds")
    result = ingest([SEEDS], data, workers=1, progress=False)
    assert not result.failed, result.failed
    if current_folder(data) is None:
        with store.reading(data) as con:
            reports = [Report.from_dict(json.loads(r)) for (r,) in con.execute("SELECT record FROM reports").fetchall()]
        build_index(data, reports, progress=False)
    _BUILT["seeds"] = data
    return data
