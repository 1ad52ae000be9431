"""The store state a passage index generation was built from: report id → content hash.

Written into each generation (``store_keys.parquet``, its digest in the manifest) by
:mod:`index.passages.indexer`, compared with the store by :mod:`index.passages.consistency`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

STORE_KEYS_FILE = "store_keys.parquet"

# report id → content hash of the file its stored record came from
Keys = dict[str, str]


def read_store_keys(con: duckdb.DuckDBPyConnection) -> Keys:
    """Report id → content hash of every report the store holds."""
    return dict(con.execute("SELECT report_id, coalesce(content_hash, '') FROM reports").fetchall())


def store_digest(con: duckdb.DuckDBPyConnection) -> str:
    """:func:`keys_digest` of the store's keys, computed by DuckDB (about 4x faster at 100,000 reports)."""
    row = con.execute("SELECT sha256(coalesce(string_agg(report_id || chr(9) || coalesce(content_hash, ''), "
                      "chr(10) ORDER BY report_id), '')) FROM reports").fetchone()
    return str(row[0]) if row else ""


def keys_digest(keys: Keys) -> str:
    text = "\n".join(f"{report_id}\t{keys[report_id]}" for report_id in sorted(keys))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def write_keys(path: Path, keys: Keys) -> None:
    ids = sorted(keys)
    pd.DataFrame({"report_id": ids, "content_hash": [keys[i] for i in ids]}).to_parquet(path, index=False)
