"""A demo corpus with many agencies in one year, for the chart tests: 40 agencies × 2024–2025,
tables only (no passage index, no model), built once per session.  Its figures are read back
with SQL on the store, never from the answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from index.tables import store as table_store

AGENCIES = 40
YEARS = range(2024, 2026)
SEED = 12

_BUILT: dict[str, Path] = {}


def charts_corpus(factory: pytest.TempPathFactory) -> Path:
    if "charts" not in _BUILT:
        from corpus.demo import write_corpus
        from corpus.ingest import ingest

        files = factory.mktemp("charts-demo-files")
        write_corpus(files, AGENCIES, YEARS, seed=SEED)
        data = factory.mktemp("charts-demo")
        result = ingest([files], data, workers=1, progress=False, passages=False)
        assert not result.failed, result.failed
        _BUILT["charts"] = data
    return _BUILT["charts"]


def sql(data: Path, query: str, params: list[Any] | None = None, con: Any = None) -> list[tuple]:
    """Rows of ``query`` over the corpus store: on ``con`` (a connection already open on it, as
    DuckDB allows one configuration per file), else opened read-only."""
    import duckdb

    if con is not None:
        return con.execute(query, params or []).fetchall()
    with table_store.reading(data) as fresh:
        return fresh.execute(query, params or []).fetchall()
