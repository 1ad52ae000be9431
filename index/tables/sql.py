"""Read-only SQL over the store, for power users (``gongkai sql``)."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd

from index.limits import SQL_TIMEOUT_S
from index.tables import store
from parsing.errors import GongkaiError

# Statement kinds that only read: SELECT (which DuckDB also uses for FROM-first queries,
# DESCRIBE, SHOW and SUMMARIZE) and EXPLAIN.
READ_ONLY_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class QueryError(GongkaiError):
    """The SQL given to ``gongkai sql`` failed; the message holds DuckDB's reason."""


class QueryTimeout(QueryError):
    """The statement ran past the time limit (setting ``sql_timeout_s``) and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The statement ran longer than the time limit of {seconds:g} s (sql_timeout_s) and was stopped. "
            "Narrow it (a WHERE, a LIMIT), or raise the limit: --sql-timeout-s or GONGKAI_SQL_TIMEOUT_S "
            "(0 = no limit).")
        self.seconds = seconds


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


def run_sql(data: Path, sql: str, timeout_s: float = SQL_TIMEOUT_S) -> pd.DataFrame:
    """The result of one read-only statement over the store at ``data``.

    A statement still running (or its rows still being fetched) after ``timeout_s`` seconds
    is interrupted and :class:`QueryTimeout` raised; 0 = no limit."""
    query = check_read_only(sql)
    with store.reading(data) as con:
        # DuckDB stops a running statement when another thread calls interrupt().
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            con.interrupt()

        timer = threading.Timer(timeout_s, stop) if timeout_s and timeout_s > 0 else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            return con.execute(query).df()
        except duckdb.Error as exc:
            if fired.is_set():
                raise QueryTimeout(timeout_s) from None
            if store.is_damage(exc):  # the store file, not the query: say how to recover
                raise store.StoreDamaged(data, str(exc).splitlines()[0]) from exc
            raise QueryError(f"SQL error: {exc}") from exc
        finally:
            if timer is not None:
                timer.cancel()
