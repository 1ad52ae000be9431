"""The corpus store: one DuckDB database ``DATA/store.duckdb`` of parsed reports.

Tables (field names follow ../shared/SCHEMA.md):

* ``reports``: one row per report: metadata, where it came from, ``record`` (the full JSON);
* ``sources``: one row per ingested file; several files may hold one report;
* ``cells``: every table cell; ``"table"``, ``"row"`` and ``"column"`` are SQL keywords, so
  quote them: ``SELECT "row", value FROM cells WHERE "table" = 'applications'``;
* ``sections`` and ``checks``: the narrative sections and the SCHEMA.md checks;
* ``stated_figures``: figures a report states outside the national tables (pre-2019 reports'
  prose and local statistics tables), each with the sentence or row it came from; never cells;
* ``metrics``: one row per report and one column per template cell, named
  ``<table>__<row, '.' as '_'>__<column>`` (``applications__new_received__total``).

Writers change the file in place, one DuckDB transaction per :func:`open_write` block (an
ingest opens one per batch of reports): committed through DuckDB's write-ahead log
(``store.duckdb.wal``), then checkpointed into the file, then the connection is closed.  A
failed or killed write leaves the store as it was before its transaction (an uncommitted
transaction is never in the file or the log; a committed one is replayed from the log by the
next connection), so a kill at any point leaves every earlier batch and nothing of a later one.

DuckDB lets no other process open the file, not even read-only, while a connection writes to
it, and a writer cannot open it while readers have it open.  So writers hold their connection
only for one transaction, readers (:func:`open_read`, always ``read_only``) only for one use,
and both wait for the other (:func:`wait_seconds`, setting ``store_wait_s``) before saying
who holds the store (:class:`StoreLocked`).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

import duckdb
import pyarrow as pa

from index import crashpoints, limits
from index.tables import sources_list
from index.tables.level import report_level
from parsing.errors import GongkaiError
from parsing.record import Report
from parsing.template import TABLES, TEMPLATE_2019, TEMPLATE_2021, all_cells

STORE_FILE = "store.duckdb"
SCHEMA_VERSION = 2
DATA_TABLES = ("reports", "sources", "cells", "sections", "checks", "metrics", "stated_figures")
# The tables that hold one report's rows (replaced together when the report changes).
_REPORT_TABLES = ("reports", "cells", "sections", "checks", "metrics", "stated_figures")
REPORT_COLUMNS = ("report_id", "agency", "year", "province", "city", "county", "township", "level", "template")


class NoCorpus(GongkaiError):
    """The corpus directory holds no store yet."""

    def __init__(self, data: Path) -> None:
        super().__init__(f"No corpus in {data}: run `gongkai ingest PATH --data {data}` first.")


class StoreBusy(GongkaiError):
    """Another ingest is writing to the same corpus."""

    def __init__(self, data: Path) -> None:
        super().__init__(f"Another ingest is writing to {data}; wait for it to finish and try again.")


class StoreDamaged(GongkaiError):
    """The store file cannot be read: damaged on disk (cut short, bytes overwritten)."""

    def __init__(self, data: Path, detail: str) -> None:
        self.data, self.detail = Path(data), detail
        listed = sources_list.read(self.data)
        known = (f"ingests the known source files again (its {len(listed)} source files are listed in "
                 f"{sources_list.sources_file(self.data)})" if listed else
                 "ingests again the source files it can still read from the damaged store's own list; "
                 "if it cannot, ingest the report files again")
        super().__init__(
            f"The corpus store {store_file(self.data)} is damaged and cannot be read ({detail}). "
            f"Run `gongkai repair --data {self.data}`: it moves the damaged file aside and {known}.")


_LOCK_CONFLICT = "Could not set lock on file"


def is_locked(exc: BaseException) -> bool:
    """Whether a DuckDB error means another process holds the store file (not damage, not a bad query)."""
    return isinstance(exc, duckdb.Error) and _LOCK_CONFLICT in str(exc)


class StoreLocked(GongkaiError):
    """Another process kept the store file from being opened for longer than the wait allows."""

    def __init__(self, data: Path, seconds: float, writing: bool, detail: str) -> None:
        self.data = Path(data)
        pid = re.search(r"\(PID (\d+)\)", detail)
        holder = f"process {pid.group(1)}" if pid else "another process"
        if writing:
            what = (f"{holder} kept the corpus store {store_file(data)} open for reading for {seconds:g} s, "
                    f"so this write could not start")
        else:
            what = (f"an ingest ({holder}) kept writing to the corpus store {store_file(data)} for {seconds:g} s, "
                    f"so it could not be read meanwhile")
        super().__init__(f"The store is busy: {what}. Try again when it is done, or wait longer "
                         f"(setting store_wait_s, GONGKAI_STORE_WAIT_S).")


def wait_seconds() -> float:
    """How long opening the store waits for another process that holds it (setting ``store_wait_s``)."""
    return float(limits.store_wait_s)


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error means the database file itself is unreadable (not a bad query)."""
    if is_locked(exc):
        return False
    if isinstance(exc, (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)):
        return True
    text = str(exc)
    return isinstance(exc, duckdb.Error) and any(
        words in text for words in ("Corrupt database file", "not a valid DuckDB database file", "checksum"))


@contextmanager
def damage_reported(data: Path) -> Iterator[None]:
    """Turn a DuckDB error that means a damaged store file into :class:`StoreDamaged`."""
    try:
        yield
    except duckdb.Error as exc:
        if is_damage(exc):
            raise StoreDamaged(Path(data), str(exc).splitlines()[0]) from exc
        raise


class StoreOutdated(GongkaiError):
    """The store was written by another version of Gongkai."""

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"{path} has store schema v{found}, this Gongkai writes v{SCHEMA_VERSION}: "
            f"delete it and ingest the files again."
        )


def metric_name(table: str, row: str, column: str) -> str:
    """The ``metrics`` column of one template cell."""
    return f"{table}__{row.replace('.', '_')}__{column}"


def metric_cells() -> list[tuple[str, str, str]]:
    """Every (table, row, column) of both templates, 2021 first, each once."""
    seen: dict[tuple[str, str, str], None] = {}
    for template in (TEMPLATE_2021, TEMPLATE_2019):
        seen.update(dict.fromkeys(all_cells(template)))
    return list(seen)


METRICS = {metric_name(*key): key for key in metric_cells()}
_METRIC_COLUMN = {key: name for name, key in METRICS.items()}


def _ddl() -> list[str]:
    metric_columns = ",\n".join(f"  {name} DOUBLE" for name in METRICS)
    return [
        "CREATE TABLE IF NOT EXISTS store_info (schema_version INTEGER)",
        """CREATE TABLE IF NOT EXISTS reports (
  report_id VARCHAR PRIMARY KEY, agency VARCHAR, province VARCHAR, city VARCHAR,
  county VARCHAR, township VARCHAR, level VARCHAR, year INTEGER, published DATE,
  template VARCHAR, script VARCHAR, source VARCHAR, source_path VARCHAR,
  content_hash VARCHAR, format VARCHAR, warnings VARCHAR[], n_failed_checks INTEGER,
  record JSON, ingested_at TIMESTAMP, cells_hash VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS sources (
  source_path VARCHAR PRIMARY KEY, content_hash VARCHAR, report_id VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS cells (
  report_id VARCHAR, "table" VARCHAR, "row" VARCHAR, "column" VARCHAR, value DOUBLE)""",
        "CREATE TABLE IF NOT EXISTS sections (report_id VARCHAR, no INTEGER, title VARCHAR, text VARCHAR)",
        "CREATE TABLE IF NOT EXISTS checks (report_id VARCHAR, rule VARCHAR, ok BOOLEAN, detail VARCHAR)",
        """CREATE TABLE IF NOT EXISTS stated_figures (
  report_id VARCHAR, field VARCHAR, label VARCHAR, value DOUBLE, unit VARCHAR, period VARCHAR,
  quote VARCHAR, section INTEGER, source VARCHAR, national_table BOOLEAN)""",
        f"""CREATE TABLE IF NOT EXISTS metrics (
  report_id VARCHAR, agency VARCHAR, year INTEGER, province VARCHAR, city VARCHAR,
  county VARCHAR, township VARCHAR, level VARCHAR, template VARCHAR,
{metric_columns})""",
    ]


def create_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the tables of an empty store, or check the version of an existing one."""
    for statement in _ddl():
        con.execute(statement)
    rows = con.execute("SELECT schema_version FROM store_info").fetchall()  # every row: the result is finished
    row = rows[0] if rows else None
    if row is None:
        con.execute("INSERT INTO store_info VALUES (?)", [SCHEMA_VERSION])
    elif row[0] != SCHEMA_VERSION:
        raise StoreOutdated(path, row[0])


def store_file(data: Path) -> Path:
    return Path(data) / STORE_FILE


def _connect(data: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection to the store, waiting up to :func:`wait_seconds` while another process holds it."""
    path = store_file(data)
    config: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": False} if read_only else {}
    deadline = time.monotonic() + wait_seconds()
    pause = 0.005
    while True:
        try:
            with damage_reported(data):
                return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            if not is_locked(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreLocked(Path(data), wait_seconds(), not read_only, str(exc)) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def open_read(data: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store; file system access from SQL is switched off.

    While an ingest writes a batch it waits (:func:`wait_seconds`); close it soon (see
    :func:`reading`): while it is open no ingest can write.
    """
    path = store_file(data)
    if not path.exists():
        raise NoCorpus(Path(data))
    return _connect(Path(data), read_only=True)


def version(data: Path) -> tuple[tuple[int, int, int], tuple[int, int] | None] | None:
    """What changes whenever a write reaches the store: (mtime ns, size, inode) of the file and
    (mtime ns, size) of its write-ahead log when there is one; None without a store.

    Every write is checkpointed into the file before its connection closes; a writer killed
    between its commit and the checkpoint leaves the change in the log, which readers replay.
    """
    try:
        stat = store_file(data).stat()
    except FileNotFoundError:
        return None
    try:
        wal = _wal(store_file(data)).stat()
        logged: tuple[int, int] | None = (wal.st_mtime_ns, wal.st_size)
    except FileNotFoundError:
        logged = None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino), logged


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextmanager
def reading(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one use, closed afterwards.

    Open one per query or request rather than holding one: while any connection of any
    process is open, no ingest can write (it waits for it), and DuckDB shares an open
    database between the connections of a process.
    """
    con = open_read(data)
    try:
        with damage_reported(data):
            yield con
    finally:
        con.close()


LOCK_FILE = ".ingest.lock"
# Corpus folders whose write lock this process holds (:func:`writing`), by the holding thread.
_HELD: dict[Path, int] = {}
# How long a writer that must not wait (``writing(wait=False)``) still retries the lock: a
# reader asking :func:`ingest_under_way` holds it shared for a moment.
_PROBE_GRACE_S = 0.5


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text("utf-8").strip()
    except OSError:
        return ""


def _try_lock(lock: IO[str]) -> bool:
    deadline = time.monotonic() + _PROBE_GRACE_S
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
        time.sleep(0.02)


def ingest_under_way(data: Path) -> bool:
    """Whether a writer (an ingest, a repair, a removal) holds the corpus write lock right now.

    While one does, the store may hold reports the passage index does not have yet: the
    index is brought in step once the store side of the ingest is done.
    """
    data = Path(data)
    if data.resolve() in _HELD:
        return True
    try:
        fd = os.open(data / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def writing(data: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the corpus write lock for a whole write: read the store's state, write, index.

    Another writer holding it: wait for it (``wait``; ``on_wait`` is called once with who
    holds it, for a message) or raise :class:`StoreBusy`.  :func:`open_write` inside the
    block (same thread) goes through.  flock is released by the kernel when the process
    dies, so a killed ingest never leaves the corpus locked.  On taking it, the sources list
    is brought up to date if a writer was killed between its store write and the list.
    """
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    key = data.resolve()
    if _HELD.get(key) == threading.get_ident():
        yield
        return
    lock_path = data / LOCK_FILE
    with open(lock_path, "a+", encoding="utf-8") as lock:
        if not _try_lock(lock):
            if not wait:
                raise StoreBusy(data) from None
            if on_wait is not None:
                on_wait(_holder(lock_path))
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}\n")
        lock.flush()
        _HELD[key] = threading.get_ident()
        try:
            _refresh_sources_list(data)
            yield
            if sources_list.needs_compaction(data):
                _refresh_sources_list(data, always=True)
        finally:
            del _HELD[key]


def _refresh_sources_list(data: Path, always: bool = False) -> None:
    """Rewrite the sources list whole from the store: ``always``, or when the store changed
    after the list (a writer killed between a store write and its list line)."""
    live = store_file(data)
    state = version(data)
    if state is None:
        return
    changed = max(state[0][0], state[1][0] if state[1] else 0)
    listed = sources_list.listed_at(data)
    if not always and listed is not None and listed >= changed:
        return
    try:
        with reading(data) as con:
            files = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
    except (GongkaiError, duckdb.Error, OSError):  # a damaged store: the list it had stays as it is
        return
    if live.exists():
        sources_list.write(data, files)


@contextmanager
def _writer_lock(data: Path) -> Iterator[None]:
    with writing(data):
        yield


_WRITING: set[Path] = set()  # corpus folders with a write connection open in this process


@contextmanager
def _one_writer(data: Path) -> Iterator[None]:
    # The write lock lets the thread holding it through again; a second write connection is refused.
    key = Path(data).resolve()
    if key in _WRITING:
        raise StoreBusy(Path(data))
    _WRITING.add(key)
    try:
        yield
    finally:
        _WRITING.discard(key)


@dataclass
class _Journal:
    """What the transaction of one :func:`open_write` block changed in ``sources``, for the sources list."""

    upserts: dict[str, tuple[str, str]] = field(default_factory=dict)  # source_path -> (content_hash, report_id)
    dropped: set[str] = field(default_factory=set)  # source paths deleted


_JOURNALS: dict[int, _Journal] = {}  # id of an open_write connection -> its journal


@contextmanager
def open_write(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the store, in one transaction committed when the block succeeds.

    The store is changed in place: the transaction is committed (DuckDB's write-ahead log),
    checkpointed into the file, and the connection closed at the end of the block, so hold it
    for one batch, not for a whole ingest: no reader can open the store meanwhile.  On an
    exception the transaction is rolled back; after a kill an uncommitted transaction is gone
    and a committed one is replayed from the log.  Either way the store holds every earlier
    block and nothing half-written.  Change ``sources`` through :func:`write_batch` only: its
    changes are what the sources list (:mod:`index.tables.sources_list`) is told.
    """
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    live = store_file(data)
    with _writer_lock(data), _one_writer(data):
        # A working copy an earlier version of Gongkai left behind after a kill.
        for stale in (live.with_name(live.name + ".new"), _wal(live.with_name(live.name + ".new"))):
            stale.unlink(missing_ok=True)
        con = _connect(data, read_only=False)
        journal = _JOURNALS[id(con)] = _Journal()
        try:
            with damage_reported(data):
                con.execute("BEGIN TRANSACTION")
                create_schema(con, live)
                yield con
                crashpoints.reached("store_batch_written")
                con.execute("COMMIT")
                crashpoints.reached("store_batch_committed")
                con.execute("CHECKPOINT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # committed already, or no transaction left to roll back
                pass
            con.close()
            raise
        finally:
            _JOURNALS.pop(id(con), None)
        con.close()
        crashpoints.reached("after_store_checkpoint")
        # Plain text beside the store: what to ingest again should the store file be damaged.
        sources_list.append(data, journal.upserts, journal.dropped)
        crashpoints.reached("after_sources_list")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


@dataclass
class StoredReport:
    """A parsed report with what the store keeps about the file it came from."""

    report: Report
    record_json: str
    source_path: str
    content_hash: str
    format: str
    cells_hash: str


@dataclass
class Batch:
    """Changes written together (:func:`write_batch`): deletions first, then sources and reports."""

    delete: set[str] = field(default_factory=set)
    reports: dict[str, StoredReport] = field(default_factory=dict)
    # source_path -> (content_hash, report_id)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    # source paths whose rows go (a removed report's files)
    drop_sources: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.delete) + len(self.reports) + len(self.sources) + len(self.drop_sources)

    def add(self, stored: StoredReport) -> None:
        self.reports[stored.report.id] = stored

    def remove(self, report_id: str) -> None:
        # A report added earlier in this batch was never written: just forget it.
        if self.reports.pop(report_id, None) is None:
            self.delete.add(report_id)


def _published(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _table(rows: dict[str, list], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pydict(rows, schema=schema)


_REPORTS_SCHEMA = pa.schema([
    ("report_id", pa.string()), ("agency", pa.string()), ("province", pa.string()),
    ("city", pa.string()), ("county", pa.string()), ("township", pa.string()),
    ("level", pa.string()), ("year", pa.int32()), ("published", pa.date32()),
    ("template", pa.string()), ("script", pa.string()), ("source", pa.string()),
    ("source_path", pa.string()), ("content_hash", pa.string()), ("format", pa.string()),
    ("warnings", pa.list_(pa.string())), ("n_failed_checks", pa.int32()),
    ("record", pa.string()), ("ingested_at", pa.timestamp("us")), ("cells_hash", pa.string()),
])
_CELLS_SCHEMA = pa.schema([
    ("report_id", pa.string()), ("table", pa.string()), ("row", pa.string()),
    ("column", pa.string()), ("value", pa.float64()),
])
_SECTIONS_SCHEMA = pa.schema([
    ("report_id", pa.string()), ("no", pa.int32()), ("title", pa.string()), ("text", pa.string()),
])
_CHECKS_SCHEMA = pa.schema([
    ("report_id", pa.string()), ("rule", pa.string()), ("ok", pa.bool_()), ("detail", pa.string()),
])
_STATED_SCHEMA = pa.schema([
    ("report_id", pa.string()), ("field", pa.string()), ("label", pa.string()), ("value", pa.float64()),
    ("unit", pa.string()), ("period", pa.string()), ("quote", pa.string()), ("section", pa.int32()),
    ("source", pa.string()), ("national_table", pa.bool_()),
])
_SOURCES_SCHEMA = pa.schema([
    ("source_path", pa.string()), ("content_hash", pa.string()), ("report_id", pa.string()),
])
_METRICS_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("agency", pa.string()), ("year", pa.int32()),
     ("province", pa.string()), ("city", pa.string()), ("county", pa.string()),
     ("township", pa.string()), ("level", pa.string()), ("template", pa.string())]
    + [(name, pa.float64()) for name in METRICS]
)


def _columns(schema: pa.Schema) -> dict[str, list]:
    return {name: [] for name in schema.names}


def report_tables(stored: Iterable[StoredReport]) -> dict[str, pa.Table]:
    """The rows of ``reports``, ``cells``, ``sections``, ``checks`` and ``metrics`` as Arrow tables."""
    now = datetime.now()
    reports, cells = _columns(_REPORTS_SCHEMA), _columns(_CELLS_SCHEMA)
    sections, checks = _columns(_SECTIONS_SCHEMA), _columns(_CHECKS_SCHEMA)
    metrics, stated = _columns(_METRICS_SCHEMA), _columns(_STATED_SCHEMA)
    for item in stored:
        r = item.report
        region = r.region
        level = report_level(r.agency, region)
        head = {"report_id": r.id, "agency": r.agency, "province": region.province, "city": region.city,
                "county": region.county, "township": region.township, "level": level,
                "year": r.year, "template": r.template}
        values = {
            **head, "published": _published(r.published), "script": r.script, "source": r.source,
            "source_path": item.source_path, "content_hash": item.content_hash, "format": item.format,
            "warnings": list(r.warnings), "n_failed_checks": len(r.failed_checks),
            "record": item.record_json, "ingested_at": now, "cells_hash": item.cells_hash,
        }
        for name, column in reports.items():
            column.append(values[name])
        wide: dict[str, float] = {}
        for table in TABLES:
            for row, by_column in r.table(table).items():
                for column_key, value in by_column.items():
                    cells["report_id"].append(r.id)
                    cells["table"].append(table)
                    cells["row"].append(row)
                    cells["column"].append(column_key)
                    cells["value"].append(float(value))
                    metric = _METRIC_COLUMN.get((table, row, column_key))
                    if metric is not None:
                        wide[metric] = float(value)
        for name, column in metrics.items():
            column.append(head[name] if name in head else wide.get(name))
        for s in r.sections:
            sections["report_id"].append(r.id)
            sections["no"].append(s.no)
            sections["title"].append(s.title)
            sections["text"].append(s.text)
        for f in r.stated_figures:
            figure: dict[str, object] = {"report_id": r.id, "field": f.field, "label": f.label, "value": float(f.value),
                                        "unit": f.unit, "period": f.period, "quote": f.quote, "section": f.section,
                                        "source": f.source, "national_table": f.national_table}
            for name, column in stated.items():
                column.append(figure[name])
        for c in r.checks:
            checks["report_id"].append(r.id)
            checks["rule"].append(c.rule)
            checks["ok"].append(c.ok)
            checks["detail"].append(c.detail)
    return {
        "reports": _table(reports, _REPORTS_SCHEMA),
        "cells": _table(cells, _CELLS_SCHEMA),
        "sections": _table(sections, _SECTIONS_SCHEMA),
        "checks": _table(checks, _CHECKS_SCHEMA),
        "metrics": _table(metrics, _METRICS_SCHEMA),
        "stated_figures": _table(stated, _STATED_SCHEMA),
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    if rows.num_rows == 0:
        return
    con.register("_batch_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch_rows")
    finally:
        con.unregister("_batch_rows")


def _delete_reports(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str]) -> None:
    ids = pa.table({"report_id": pa.array(sorted(report_ids), pa.string())})
    con.register("_batch_ids", ids)
    try:
        for table in _REPORT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM _batch_ids)")
    finally:
        con.unregister("_batch_ids")


def write_batch(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    """Apply one batch inside the transaction of :func:`open_write` (committed with its block)."""
    if batch.delete:
        _delete_reports(con, batch.delete)
    dropped = set(batch.drop_sources) | set(batch.sources)
    if dropped:
        paths = pa.table({"source_path": pa.array(sorted(dropped), pa.string())})
        con.register("_batch_paths", paths)
        try:
            con.execute("DELETE FROM sources WHERE source_path IN (SELECT source_path FROM _batch_paths)")
        finally:
            con.unregister("_batch_paths")
    if batch.sources:
        rows = _columns(_SOURCES_SCHEMA)
        for path, (content_hash, report_id) in batch.sources.items():
            rows["source_path"].append(path)
            rows["content_hash"].append(content_hash)
            rows["report_id"].append(report_id)
        _insert(con, "sources", _table(rows, _SOURCES_SCHEMA))
    if batch.reports:
        for table, rows in report_tables(batch.reports.values()).items():
            _insert(con, table, rows)
    journal = _JOURNALS.get(id(con))
    if journal is not None:
        for path in batch.drop_sources:
            journal.upserts.pop(path, None)
            journal.dropped.add(path)
        for path, row in batch.sources.items():
            journal.dropped.discard(path)
            journal.upserts[path] = row


# ---------------------------------------------------------------------------
# Reading what an ingest needs, and the summary
# ---------------------------------------------------------------------------


def load_sources(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_path -> (content_hash, report_id) for every ingested file."""
    rows = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
    return {path: (content_hash, report_id) for path, content_hash, report_id in rows}


def _with_strings(con: duckdb.DuckDBPyConnection, name: str, values: Iterable[str], sql: str) -> list[tuple]:
    con.register(name, pa.table({"value": pa.array(sorted(set(values)), pa.string())}))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.unregister(name)


def sources_for(con: duckdb.DuckDBPyConnection, paths: Iterable[str],
                hashes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(source_path, content_hash, report_id) of the stored files at ``paths`` or with one of ``hashes``:
    what an ingest of those files needs to know, read without reading every file's row into Python."""
    con.register("_hashes", pa.table({"value": pa.array(sorted(set(hashes)), pa.string())}))
    try:
        return _with_strings(con, "_paths", paths,
                             "SELECT source_path, content_hash, report_id FROM sources "
                             "WHERE source_path IN (SELECT value FROM _paths) "
                             "OR content_hash IN (SELECT value FROM _hashes) ORDER BY source_path")
    finally:
        con.unregister("_hashes")


def has_reports(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds any report."""
    rows = con.execute("SELECT EXISTS (SELECT 1 FROM reports)").fetchall()  # every row: the result is finished
    return bool(rows[0][0])


def source_counts(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str]) -> dict[str, int]:
    """How many stored files hold each of ``report_ids`` (absent: none)."""
    return dict(_with_strings(con, "_ids", report_ids, "SELECT report_id, count(*) FROM sources "
                              "WHERE report_id IN (SELECT value FROM _ids) GROUP BY report_id"))


def source_files_of(con: duckdb.DuckDBPyConnection, report_id: str) -> list[tuple[str, str]]:
    """(source_path, content_hash) of every stored file of one report."""
    return con.execute("SELECT source_path, content_hash FROM sources WHERE report_id = ? ORDER BY source_path",
                       [report_id]).fetchall()


def report_keys_like(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str],
                     keys: Iterable[tuple[str, int]]) -> list[tuple[str, str | None, int | None, str]]:
    """(report_id, agency, year, cells_hash) of the stored reports that are one of ``report_ids``
    or have one of the (agency, year) ``keys``: what identity matching compares records with,
    in stored order."""
    con.register("_keys", pa.table({"value": pa.array(sorted({f"{a}\t{y}" for a, y in keys}), pa.string())}))
    try:
        return _with_strings(con, "_ids", report_ids,
                             "SELECT report_id, agency, year, coalesce(cells_hash, '') FROM reports "
                             "WHERE report_id IN (SELECT value FROM _ids) "
                             "OR agency || chr(9) || CAST(year AS VARCHAR) IN (SELECT value FROM _keys) ORDER BY rowid")
    finally:
        con.unregister("_keys")


def load_report_keys(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, int | None, str]]:
    """(report_id, agency, year, cells_hash) of every report: what identity matching needs."""
    return con.execute("SELECT report_id, agency, year, cells_hash FROM reports").fetchall()


def report_cells(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[tuple[str, str, str], float]:
    """Every cell of one report, keyed (table, row, column)."""
    rows = con.execute('SELECT "table", "row", "column", value FROM cells WHERE report_id = ?', [report_id])
    return {(t, r, c): v for t, r, c, v in rows.fetchall()}


def section_text(con: duckdb.DuckDBPyConnection, report_id: str) -> str:
    """The narrative of one report, sections in order, one per line."""
    row = con.execute(
        "SELECT string_agg(text, chr(10) ORDER BY no) FROM sections WHERE report_id = ?", [report_id]
    ).fetchone()
    return (row[0] if row else None) or ""


def iter_reports(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str], chunk: int = 500) -> Iterator[Report]:
    """The stored records of ``report_ids`` as :class:`Report` objects, in the order given."""
    ids = list(report_ids)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        records = dict(con.execute(
            "SELECT report_id, CAST(record AS VARCHAR) FROM reports WHERE list_contains(?, report_id)", [part]
        ).fetchall())
        for report_id in part:
            if report_id in records:
                yield Report.from_dict(json.loads(records[report_id]))


@dataclass
class StoreSummary:
    reports: int
    sources: int
    cells: int
    sections: int
    reports_with_failed_checks: int
    years: dict[int, int]


def summary(con: duckdb.DuckDBPyConnection) -> StoreSummary:
    """Counts of what the store holds."""
    def count(sql: str) -> int:
        row = con.execute(sql).fetchone()
        assert row is not None  # an aggregate without GROUP BY returns one row
        return row[0]

    years = dict(con.execute(
        "SELECT year, count(*) FROM reports WHERE year IS NOT NULL GROUP BY year ORDER BY year"
    ).fetchall())
    return StoreSummary(
        reports=count("SELECT count(*) FROM reports"),
        sources=count("SELECT count(*) FROM sources"),
        cells=count("SELECT count(*) FROM cells"),
        sections=count("SELECT count(*) FROM sections"),
        reports_with_failed_checks=count("SELECT count(*) FROM reports WHERE n_failed_checks > 0"),
        years=years,
    )
