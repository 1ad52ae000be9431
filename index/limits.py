"""Limits on the work one request to the store may do (the defaults of their settings)."""

from __future__ import annotations

# Seconds one `gongkai sql` statement may run before it is stopped (setting ``sql_timeout_s``;
# 0 = no limit).  A statement like ``SELECT count(*) FROM range(100000000000)`` otherwise runs
# for hours.
SQL_TIMEOUT_S = 60

# Seconds a reader or writer of the store waits while another process holds it in a way that
# shuts it out (setting ``store_wait_s``): DuckDB lets no process open a store file, not even
# read-only, while another writes to it, and none write while others read.  Writers hold it
# one batch at a time (a fraction of a second), so a reader waits at most that long.
STORE_WAIT_S = 60
# The value in force in this process: the edges (CLI, app) set it from the setting.
store_wait_s: float = STORE_WAIT_S
