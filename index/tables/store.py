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

Writers never open the live file: :func:`open_write` works on a copy and swaps it in with
``os.replace`` once everything is written, so a failed or killed ingest leaves the previous
store as it was, and readers (:func:`open_read`, always ``read_only``) are never blocked.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from index import crashpoints
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


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error means the database file itself is unreadable (not a bad query)."""
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
    row = con.execute("SELECT schema_version FROM store_info").fetchone()
    if row is None:
        con.execute("INSERT INTO store_info VALUES (?)", [SCHEMA_VERSION])
    elif row[0] != SCHEMA_VERSION:
        raise StoreOutdated(path, row[0])


def store_file(data: Path) -> Path:
    return Path(data) / STORE_FILE


def open_read(data: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store; file system access from SQL is switched off."""
    path = store_file(data)
    if not path.exists():
        raise NoCorpus(Path(data))
    with damage_reported(data):
        return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


@contextmanager
def reading(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one use, closed afterwards.

    Open one per query or request rather than holding one: DuckDB shares an open database
    between the connections of a process, so while any connection stays open, new ones
    keep seeing the store as it was before the last ingest swapped it.
    """
    con = open_read(data)
    try:
        with damage_reported(data):
            yield con
    finally:
        con.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


LOCK_FILE = ".ingest.lock"
# Corpus folders whose write lock this process holds (:func:`writing`), by the holding thread.
_HELD: dict[Path, int] = {}


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text("utf-8").strip()
    except OSError:
        return ""


@contextmanager
def writing(data: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the corpus write lock for a whole write: read the store's state, write, swap, index.

    Another writer holding it: wait for it (``wait``; ``on_wait`` is called once with who
    holds it, for a message) or raise :class:`StoreBusy`.  :func:`open_write` inside the
    block (same thread) goes through.  flock is released by the kernel when the process
    dies, so a killed ingest never leaves the corpus locked.
    """
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    key = data.resolve()
    if _HELD.get(key) == threading.get_ident():
        yield
        return
    lock_path = data / LOCK_FILE
    with open(lock_path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
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
            yield
            _refresh_sources_list(data)
        finally:
            del _HELD[key]


def _refresh_sources_list(data: Path) -> None:
    """Write the sources list when a writer was killed after its store swap, before writing it."""
    live, listed = store_file(data), sources_list.sources_file(data)
    try:
        if not live.exists() or (listed.exists() and listed.stat().st_mtime_ns >= live.stat().st_mtime_ns):
            return
        with reading(data) as con:
            files = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
    except (GongkaiError, duckdb.Error, OSError):  # a damaged store: the list it had stays as it is
        return
    sources_list.write(data, files)


@contextmanager
def _writer_lock(data: Path) -> Iterator[None]:
    with writing(data):
        yield


_COPIES: set[Path] = set()  # corpus folders with a working copy open in this process


@contextmanager
def _one_copy(data: Path) -> Iterator[None]:
    # The write lock lets the thread holding it through again; a second working copy is refused.
    key = Path(data).resolve()
    if key in _COPIES:
        raise StoreBusy(Path(data))
    _COPIES.add(key)
    try:
        yield
    finally:
        _COPIES.discard(key)


@contextmanager
def open_write(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a working copy of the store, swapped in when the block succeeds.

    On an exception the copy is dropped; after a kill it is left behind and removed by the
    next writer.  Either way ``store.duckdb`` is the previous, complete store.
    """
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    live = store_file(data)
    work = live.with_name(live.name + ".new")
    work_files = (work, work.with_name(work.name + ".wal"))
    with _writer_lock(data), _one_copy(data):
        for stale in work_files:
            stale.unlink(missing_ok=True)
        if live.exists():
            shutil.copyfile(live, work)
            wal = live.with_name(live.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, work.with_name(work.name + ".wal"))
        with damage_reported(data):
            con = duckdb.connect(str(work))
        try:
            with damage_reported(data):
                create_schema(con, live)
                yield con
                con.execute("CHECKPOINT")
                files = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
        except BaseException:
            con.close()
            for dropped in work_files:
                dropped.unlink(missing_ok=True)
            raise
        con.close()
        _fsync(work)
        os.replace(work, live)
        _fsync(data)
        crashpoints.reached("after_store_swap")
        # Plain text beside the store: what to ingest again should the store file be damaged.
        sources_list.write(data, files)
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
    """Changes written in one transaction: deletions first, then sources and reports."""

    delete: set[str] = field(default_factory=set)
    reports: dict[str, StoredReport] = field(default_factory=dict)
    # source_path -> (content_hash, report_id)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.delete) + len(self.reports) + len(self.sources)

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
    """Apply one batch in a single transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        if batch.delete:
            _delete_reports(con, batch.delete)
        if batch.sources:
            paths = pa.table({"source_path": pa.array(list(batch.sources), pa.string())})
            con.register("_batch_paths", paths)
            try:
                con.execute("DELETE FROM sources WHERE source_path IN (SELECT source_path FROM _batch_paths)")
            finally:
                con.unregister("_batch_paths")
            rows = _columns(_SOURCES_SCHEMA)
            for path, (content_hash, report_id) in batch.sources.items():
                rows["source_path"].append(path)
                rows["content_hash"].append(content_hash)
                rows["report_id"].append(report_id)
            _insert(con, "sources", _table(rows, _SOURCES_SCHEMA))
        if batch.reports:
            for table, rows in report_tables(batch.reports.values()).items():
                _insert(con, table, rows)
        con.execute("COMMIT")
        crashpoints.reached("store_batch_written")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# ---------------------------------------------------------------------------
# Reading what an ingest needs, and the summary
# ---------------------------------------------------------------------------


def load_sources(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_path -> (content_hash, report_id) for every ingested file."""
    rows = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
    return {path: (content_hash, report_id) for path, content_hash, report_id in rows}


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
