"""Limits on the work one request to the store may do (the defaults of their settings)."""

from __future__ import annotations

# Seconds one `gongkai sql` statement may run before it is stopped (setting ``sql_timeout_s``;
# 0 = no limit).  A statement like ``SELECT count(*) FROM range(100000000000)`` otherwise runs
# for hours.
SQL_TIMEOUT_S = 60
