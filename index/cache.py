"""What the query layer computes once per store version: the agency index, the source names.

A read connection sees a store that never changes (a writer swaps in a new file), so what
is computed from it is kept per connection, and per store file (path, inode, mtime) so that
a new connection to the same file reuses it.  :func:`warm` builds everything up front (the
app at start-up, the benchmark before timing); until then queries work without the caches.
"""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb

T = TypeVar("T")
_BY_CONNECTION: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, Any]]" = weakref.WeakKeyDictionary()
_BY_FILE: dict[tuple[str, int, int], dict[str, Any]] = {}
_FILES_KEPT = 4


def _file_key(con: duckdb.DuckDBPyConnection) -> tuple[str, int, int] | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if not row or not row[0]:
        return None  # an in-memory database: cached per connection only
    try:
        stat = os.stat(row[0])
    except OSError:
        return None
    return (row[0], stat.st_ino, stat.st_mtime_ns)


def _slot(con: duckdb.DuckDBPyConnection, create: bool) -> dict[str, Any] | None:
    slot = _BY_CONNECTION.get(con)
    if slot is not None:
        return slot
    if not _BY_FILE and not create:
        return None
    key = _file_key(con)
    slot = _BY_FILE.get(key) if key else None
    if slot is None:
        if not create:
            return None
        slot = {}
        if key:
            while len(_BY_FILE) >= _FILES_KEPT:
                del _BY_FILE[next(iter(_BY_FILE))]
            _BY_FILE[key] = slot
    _BY_CONNECTION[con] = slot
    return slot


def peek(con: duckdb.DuckDBPyConnection, name: str) -> Any | None:
    """The cached value ``name`` for the store behind ``con``, or None if not built yet."""
    slot = _slot(con, create=False)
    return None if slot is None else slot.get(name)


def get(con: duckdb.DuckDBPyConnection, name: str, build: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """The cached value ``name``, built with ``build(con)`` on first use."""
    slot = _slot(con, create=True)
    assert slot is not None
    if name not in slot:
        slot[name] = build(con)
    return slot[name]


def warm(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Build every cache of the store behind ``con``; seconds each took (0 when already built)."""
    from index.evidence import load_sources
    from index.resolve import AgencyIndex

    took = {}
    for name, build in (("agencies", AgencyIndex.from_store), ("sources", load_sources)):
        started = time.perf_counter()
        get(con, name, build)
        took[name] = time.perf_counter() - started
    return took
