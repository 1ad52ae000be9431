"""The table store and its query layer.

``store`` (DuckDB: reports, cells, the materialised ``metrics`` table, checks), ``metrics``
(the metric catalogue), ``query`` (**where a question's plan turns into SQL**), ``resolve``
(names → agencies and regions), ``evidence`` (the cells behind a figure), ``browse``,
``summary``, ``quality``, ``export``, ``sql`` (read-only SQL) and ``level`` (agency level).
"""
