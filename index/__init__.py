"""The corpus store (DuckDB), its query layer and the passage index."""
