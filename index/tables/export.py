"""The store's tables as files for analysts: CSV, Parquet or one Excel workbook.

* CSV files start with a UTF-8 byte-order mark, so Excel reads their Chinese text as such;
* headers are the store's column names, or Chinese or English labels
  (:mod:`index.tables.labels`, the one vocabulary of column headers);
* the report's whole record (a long JSON text, 32 MB of a 1,800-report CSV) is left out
  unless asked for: every field of it is in the other tables;
* ``progress`` hears of every batch of rows written, so a long export can say how far it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from index.tables import store
from index.tables.labels import HEADERS, cell_labels, column_labels
from parsing.errors import GongkaiError

FORMATS = ("csv", "parquet", "xlsx")
EXPORT_TABLES = ("reports", "sources", "cells", "sections", "checks", "metrics", "stated_figures")
# Excel's hard limits: rows per sheet (less the header) and characters per cell.
EXCEL_MAX_ROWS = 1_048_575
EXCEL_MAX_CHARS = 32_767
UTF8_BOM = b"\xef\xbb\xbf"
# Characters an xlsx cell cannot hold (XML 1.0 forbids them): openpyxl's ILLEGAL_CHARACTERS_RE.
_ILLEGAL_IN_EXCEL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_ROWS_PER_BATCH = 100_000
_XLSX_ROWS_PER_BATCH = 20_000  # smaller batches: progress on the slower workbook comes more often

# (table, rows written so far, rows in the table): called after each batch and once at 0.
Progress = Callable[[str, int, int], None]


class ExportError(GongkaiError):
    """The store cannot be exported in the format asked for."""


_CELL_LABELS = "export_cell_labels"


def _select(table: str, fmt: str, with_record: bool, headers: str = "names") -> str:
    if table == "cells" and headers != "names":
        # Labelled headers are for people: each cell's name (规章·本年制发件数) beside its keys.
        return (f'SELECT c.*, l.label AS cell_label FROM cells c LEFT JOIN {_CELL_LABELS} l '
                'ON l."table" = c."table" AND l."row" = c."row" AND l."column" = c."column" ORDER BY c.rowid')
    if table != "reports":
        return f"SELECT * FROM {table}"
    record = "CAST(record AS VARCHAR) AS record" if with_record else None
    if fmt == "parquet":
        return f"SELECT * REPLACE ({record}) FROM reports" if record else "SELECT * EXCLUDE (record) FROM reports"
    # CSV and Excel hold no lists: the warnings are written as a JSON list.
    warnings = "CAST(to_json(warnings) AS VARCHAR) AS warnings"
    if record:
        return f"SELECT * REPLACE ({warnings}, {record}) FROM reports"
    return f"SELECT * EXCLUDE (record) REPLACE ({warnings}) FROM reports"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # fetchall: the result is finished, so the connection is free for the next query.
    (counted,), = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(counted)


def _reader(con: duckdb.DuckDBPyConnection, sql: str, headers: str, rows: int) -> pa.RecordBatchReader:
    relation = con.sql(sql)
    to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
    reader = to_reader(rows)
    if headers == "names":
        return reader
    labels = column_labels(reader.schema.names, headers)
    schema = pa.schema([field.with_name(label) for field, label in zip(reader.schema, labels)])
    return pa.RecordBatchReader.from_batches(schema, (pa.RecordBatch.from_arrays(b.columns, schema=schema)
                                                      for b in reader))


def _write_stream(reader: pa.RecordBatchReader, path: Path, fmt: str, report: Callable[[int], None]) -> None:
    # Streamed batch by batch: the cells of a large corpus need not fit in memory.
    written = 0
    if fmt == "parquet":
        with pq.ParquetWriter(str(path), reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                written += batch.num_rows
                report(written)
        return
    with path.open("wb") as sink:
        # A byte-order mark first: without it Excel reads UTF-8 as the local code page.
        sink.write(UTF8_BOM)
        with pa_csv.CSVWriter(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                written += batch.num_rows
                report(written)


def _tell_rows(tell: Progress, table: str, total: int, done: int) -> None:
    tell(table, done, total)


def export(data: Path, out: Path, fmt: str = "csv", headers: str = "names", with_record: bool = False,
           progress: Progress | None = None) -> list[Path]:
    """Write every table of the store at ``data`` into ``out``; the files written.

    ``headers``: ``names`` (the store's), ``zh`` or ``en`` labels.  ``with_record`` adds the
    report's whole record as JSON to ``reports`` (CSV and Parquet only: an Excel cell holds
    at most 32,767 characters).
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    if headers not in HEADERS:
        raise ExportError(f"Unknown headers {headers!r}: choose one of {', '.join(HEADERS)}.")
    if with_record and fmt == "xlsx":
        raise ExportError("The whole record does not fit an Excel cell (at most 32,767 characters): "
                          "export it with --format csv or --format parquet.")
    tell: Progress = progress or (lambda table, done, total: None)
    with store.reading(data) as con:
        con.execute("SET enable_progress_bar = false")  # progress is ours to tell, table by table
        if headers != "names":
            labels = cell_labels(headers)
            con.register(_CELL_LABELS, pa.table({key: [cell[i] for cell in labels]
                                                 for i, key in enumerate(("table", "row", "column", "label"))}))
        totals = {table: _count(con, table) for table in EXPORT_TABLES}
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            return [_export_xlsx(con, out / "gongkai.xlsx", headers, totals, tell)]
        written = []
        for table in EXPORT_TABLES:
            path = out / f"{table}.{fmt}"
            tell(table, 0, totals[table])
            reader = _reader(con, _select(table, fmt, with_record, headers), headers, _ROWS_PER_BATCH)
            _write_stream(reader, path, fmt, partial(_tell_rows, tell, table, totals[table]))
            written.append(path)
        return written


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------


def excel_text(value: str) -> str:
    """Text an Excel cell can hold: control characters dropped, cut at 32,767 characters."""
    return _ILLEGAL_IN_EXCEL.sub("", value)[:EXCEL_MAX_CHARS]


def _text_cell(sheet: Any, value: str | None) -> Any:
    """A string for a write-only sheet: "=…" is written as text (openpyxl would make it a formula)."""
    if not value:
        return value
    value = excel_text(value)
    if value[:1] != "=":
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _excel_rows(sheet: Any, batch: pa.RecordBatch) -> Iterator[tuple[Any, ...]]:
    columns = []
    for array in batch.columns:
        kind = array.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            values = [_text_cell(sheet, v) for v in array.to_pylist()]
        elif pa.types.is_floating(kind):
            values = [None if v is None or v != v else v for v in array.to_pylist()]  # NaN: an empty cell
        else:
            values = array.to_pylist()
        columns.append(values)
    return zip(*columns)


def _export_xlsx(con: duckdb.DuckDBPyConnection, path: Path, headers: str, totals: dict[str, int],
                 tell: Progress) -> Path:
    from openpyxl import Workbook

    for table, rows in totals.items():
        if rows > EXCEL_MAX_ROWS:
            raise ExportError(
                f"Table {table} has {rows:,} rows, more than an Excel sheet holds "
                f"({EXCEL_MAX_ROWS:,}): export with --format parquet or --format csv."
            )
    # Write-only: each row goes to the file as it comes, never held as cell objects (pandas'
    # to_excel built every cell of every sheet first: 1.3 GB and twice the time on the demo).
    book = Workbook(write_only=True)
    for table in EXPORT_TABLES:
        sheet = book.create_sheet(title=table)
        tell(table, 0, totals[table])
        reader = _reader(con, _select(table, "xlsx", False, headers), headers, _XLSX_ROWS_PER_BATCH)
        sheet.append(reader.schema.names)
        done = 0
        for batch in reader:
            for row in _excel_rows(sheet, batch):
                sheet.append(row)
            done += batch.num_rows
            tell(table, done, totals[table])
    book.save(path)
    return path
