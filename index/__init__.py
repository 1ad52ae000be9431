"""The corpus's two halves: :mod:`index.tables` (the DuckDB table store and its query layer)
and :mod:`index.passages` (the passage index: chunks, vectors, BM25, hybrid search)."""
