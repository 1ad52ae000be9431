"""Issue 13: ``gongkai sql`` stops a statement past its time limit (setting ``sql_timeout_s``).

Before: ``SELECT count(*) FROM range(…)`` over 10^11 rows ran for hours with no way out but
a kill.  The tests assert the message, never the time taken.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from index.tables.sql import QueryTimeout, run_sql

LIMIT_MESSAGE = ("The statement ran longer than the time limit of 1 s (sql_timeout_s) and was stopped. "
                 "Narrow it (a WHERE, a LIMIT), or raise the limit: --sql-timeout-s or GONGKAI_SQL_TIMEOUT_S "
                 "(0 = no limit).")


def test_a_statement_past_the_limit_ends_with_a_message_naming_it(seeds_store):
    result = CliRunner().invoke(cli, ["sql", "SELECT count(*) FROM range(100000000000)", "--data",
                                      str(seeds_store), "--sql-timeout-s", "1"])
    assert result.exit_code == 1
    assert result.output == f"Error: {LIMIT_MESSAGE}\n"


def test_the_issue_statement_ends_with_a_message(seeds_store, monkeypatch):
    # The statement of the issue, word for word, with the limit from the environment.  The
    # DuckDB of this project (2.0) refuses range(DOUBLE) at once; an older one ran it, and then
    # the limit stops it.  Either way the command ends with a message, not a traceback.
    monkeypatch.setenv("GONGKAI_SQL_TIMEOUT_S", "1")
    result = CliRunner().invoke(cli, ["sql", "SELECT count(*) FROM range(1e11)", "--data", str(seeds_store)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith(("Error: SQL error: Binder Error: No function matches", f"Error: {LIMIT_MESSAGE}"))


def test_the_limit_raises_a_query_timeout_and_the_store_reads_again(seeds_store):
    with pytest.raises(QueryTimeout) as raised:
        run_sql(seeds_store, "SELECT count(*) FROM range(100000000000)", timeout_s=1)
    assert raised.value.seconds == 1
    # A statement within the limit is not touched, and 0 turns the limit off.
    assert run_sql(seeds_store, "SELECT count(*) AS n FROM reports", timeout_s=1)["n"].tolist() == [5]
    assert run_sql(seeds_store, "SELECT count(*) AS n FROM reports", timeout_s=0)["n"].tolist() == [5]
