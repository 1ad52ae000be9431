"""The seeds ingested into one corpus folder per test session, for the app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEEDS

_BUILT: dict[str, Path] = {}


def seeds_corpus(factory: pytest.TempPathFactory) -> Path:
    """A corpus folder holding the five seeds: the store, and the passage index.

    Built once per session (both app test modules share it); the ingest builds the index.
    """
    if "seeds" in _BUILT:
        return _BUILT["seeds"]
    from corpus.ingest import ingest

    if not SEEDS.is_dir():
        pytest.fail(f"{SEEDS} is missing: the seeds live in ../shared/seeds")
    data = factory.mktemp("app-seeds")
    result = ingest([SEEDS], data, workers=1, progress=False)
    assert not result.failed, result.failed
    _BUILT["seeds"] = data
    return data
