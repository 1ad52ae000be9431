"""The store's tables as files for analysts: CSV, Parquet or one Excel workbook."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from index.tables import store
from parsing.errors import GongkaiError

FORMATS = ("csv", "parquet", "xlsx")
EXPORT_TABLES = ("reports", "sources", "cells", "sections", "checks", "metrics", "stated_figures")
# Excel's hard limits: rows per sheet (less the header) and characters per cell.
EXCEL_MAX_ROWS = 1_048_575
EXCEL_MAX_CHARS = 32_767
_ROWS_PER_BATCH = 100_000


class ExportError(GongkaiError):
    """The store cannot be exported in the format asked for."""


def _select(table: str, fmt: str) -> str:
    if table != "reports":
        return f"SELECT * FROM {table}"
    if fmt == "parquet":
        return "SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM reports"
    # CSV and Excel hold no lists; the record (long JSON) is left out of the workbook, whose
    # cells hold at most 32,767 characters: every field of it is in the other tables.
    if fmt == "xlsx":
        return "SELECT * EXCLUDE (record) REPLACE (CAST(to_json(warnings) AS VARCHAR) AS warnings) FROM reports"
    return ("SELECT * REPLACE (CAST(to_json(warnings) AS VARCHAR) AS warnings, "
            "CAST(record AS VARCHAR) AS record) FROM reports")


def _reader(con: duckdb.DuckDBPyConnection, sql: str) -> pa.RecordBatchReader:
    relation = con.sql(sql)
    to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
    return to_reader(_ROWS_PER_BATCH)


def _write_stream(reader: pa.RecordBatchReader, path: Path, fmt: str) -> None:
    # Streamed batch by batch: the cells of a large corpus need not fit in memory.
    writer_class = pq.ParquetWriter if fmt == "parquet" else pa_csv.CSVWriter
    with writer_class(str(path), reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].map(
                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v)[:EXCEL_MAX_CHARS] if isinstance(v, str) else v
            )
    return frame


def export(data: Path, out: Path, fmt: str = "csv") -> list[Path]:
    """Write every table of the store at ``data`` into ``out``; the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    with store.reading(data) as con:
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            return [_export_xlsx(con, out / "gongkai.xlsx")]
        written = []
        for table in EXPORT_TABLES:
            path = out / f"{table}.{fmt}"
            _write_stream(_reader(con, _select(table, fmt)), path, fmt)
            written.append(path)
        return written


def _export_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    for table in EXPORT_TABLES:
        counted = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert counted is not None  # an aggregate without GROUP BY returns one row
        rows = counted[0]
        if rows > EXCEL_MAX_ROWS:
            raise ExportError(
                f"Table {table} has {rows:,} rows, more than an Excel sheet holds "
                f"({EXCEL_MAX_ROWS:,}): export with --format parquet or --format csv."
            )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table in EXPORT_TABLES:
            frame = _excel_safe(con.execute(_select(table, "xlsx")).df())
            frame.to_excel(writer, sheet_name=table, index=False)
    return path
