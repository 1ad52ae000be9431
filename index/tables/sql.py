"""Read-only SQL over the store, for power users (``gongkai sql``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from index.tables import store
from parsing.errors import GongkaiError

# Statement kinds that only read: SELECT (which DuckDB also uses for FROM-first queries,
# DESCRIBE, SHOW and SUMMARIZE) and EXPLAIN.
READ_ONLY_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class QueryError(GongkaiError):
    """The SQL given to ``gongkai sql`` failed; the message holds DuckDB's reason."""


class NotReadOnly(QueryError):
    """The SQL given to ``gongkai sql`` would change something, or is not one statement."""


def check_read_only(sql: str) -> str:
    """The one read-only statement in ``sql``; raises :class:`NotReadOnly` otherwise."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise NotReadOnly(f"SQL does not parse: {exc}") from exc
    if len(statements) != 1:
        raise NotReadOnly(f"Give exactly one SQL statement (got {len(statements)}).")
    statement = statements[0]
    if statement.type not in READ_ONLY_STATEMENTS:
        kind = statement.type.name
        raise NotReadOnly(
            f"Only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN are allowed here, not {kind}: "
            "the store changes only through `gongkai ingest`."
        )
    return statement.query


def run_sql(data: Path, sql: str) -> pd.DataFrame:
    """The result of one read-only statement over the store at ``data``."""
    query = check_read_only(sql)
    with store.reading(data) as con:
        try:
            return con.execute(query).df()
        except duckdb.Error as exc:
            raise QueryError(f"SQL error: {exc}") from exc
