"""``gongkai ingest``, ``gongkai sql`` and ``gongkai export``: the corpus store."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click
import pandas as pd

from corpus.entries import summary_lines as skipped_lines
from corpus.ingest import IngestResult, ingest as ingest_paths
from gongkai import settings
from gongkai.commands.repair import say_waiting
from index.tables import store
from index.tables.export import FORMATS, export as export_tables
from index.tables.labels import HEADERS
from index.tables.sql import run_sql
from parsing.errors import GongkaiError

# Failed checks are listed up to this many; the rest are one query away.
_SHOW_CHECKS = 20
_FAILED_CHECKS_SQL = "SELECT source, rule, detail FROM checks JOIN reports USING (report_id) WHERE NOT ok"
_NAMELESS_SQL = "SELECT source FROM reports WHERE agency IS NULL ORDER BY source"


def _summary(result: IngestResult, data: Path) -> list[str]:
    rate = result.parsed / result.seconds if result.seconds else 0.0
    lines = [
        f"{len(result.new)} new, {len(result.updated)} updated, {len(result.unchanged)} unchanged, "
        f"{len(result.duplicates)} same report as another file, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped "
        f"({result.seconds:.1f} s, {rate:.0f} files/s)"
    ]
    if result.failed:
        lines.append("Failed:")
        lines += [f"  {f.path}: {f.reason}" for f in result.failed]
    lines += skipped_lines(result.skipped, result.escaped_names)
    if result.failed_checks:
        reports = len({c.report_id for c in result.failed_checks})
        lines.append(f"Failed checks ({len(result.failed_checks)} in {reports} reports):")
        lines += [f"  {c.path}: {c.rule} ({c.detail})" for c in result.failed_checks[:_SHOW_CHECKS]]
        if len(result.failed_checks) > _SHOW_CHECKS:
            lines.append(f"  … {len(result.failed_checks) - _SHOW_CHECKS} more: gongkai sql \"{_FAILED_CHECKS_SQL}\"")
    if store.store_file(data).exists():
        with store.reading(data) as con:
            held = store.summary(con)
            nameless = [row[0] for row in con.execute(_NAMELESS_SQL).fetchall()]
        lines.append(f"Corpus {data}: {held.reports} reports from {held.sources} files, {held.cells} cells.")
        if nameless:
            # Such a report is stored under no agency: said here, not discovered in an answer.
            lines.append(f"{len(nameless)} report(s) name no agency that could be read; they are stored "
                         f"without one: {', '.join(nameless[:_SHOW_CHECKS])}")
    if result.index:
        lines.append(f"Passage index: {result.index.get('passages', '?')} passages of "
                     f"{result.index.get('reports', '?')} reports.")
        if result.index.get("repaired"):
            lines.append(f"The passage index had been left behind the store by an interrupted ingest: "
                         f"{result.index['repaired']} report(s) brought in step.")
    if result.index_error:
        lines.append(f"The passage index was not updated: {result.index_error}\n"
                     "The store is updated; run `gongkai ingest` again once this is fixed.")
    return lines


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@settings.options("data", "workers", "model", "embed_precision", "embed_device", "embed_threads", "chunk_chars",
                  "exact_index_max", "ocr_threads",
                  *settings.LIMIT_SETTINGS)
@click.option("--no-ocr", "no_ocr", is_flag=True, help="Do not OCR PDF pages that have no text layer.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: parse and embed in processes of this machine. ray: parse in Ray tasks and embed in a "
                   "Ray actor pool (the cluster of RAY_ADDRESS, else a Ray instance started here; --workers is "
                   "then the number of embedding actors, 0 = one per GPU, else one per CPU), then store and "
                   "index here. Needs the extra: pip install 'gongkai[ray]'.")
def ingest(paths: tuple[str, ...], data: str | None, workers: int | None, ocr_threads: int | None, no_ocr: bool,
           quiet: bool, engine: str, **index: object) -> None:
    """Parse report files and folders (recursively) into the corpus store.

    Unchanged files are skipped, changed files replace their report, and a second file of a
    report already stored (the PDF of an HTML report) is recorded against it.  Files that
    fail are listed with their reasons after the rest are stored; the exit status is then 1.
    """
    data_dir = settings.data_dir(data)
    run: Callable[..., IngestResult] = ingest_paths  # ingest_ray takes the same keyword arguments
    if engine == "ray":
        from corpus.ray_engine import RayOptions, RayUnavailable, import_ray, ingest_ray

        try:
            import_ray()
        except RayUnavailable as exc:
            click.echo(f"Error: {exc}", err=True)
            raise click.exceptions.Exit(2) from None
        # RAY_ADDRESS is Ray's own variable: the cluster to join; unset, a Ray instance is started here.
        run = partial(ingest_ray, ray_options=RayOptions(address=os.environ.get("RAY_ADDRESS", "")))
    try:
        result = run(paths, data_dir, workers=int(settings.get("workers", workers)), progress=not quiet,
                     index=settings.index_settings(**index), ocr=not no_ocr,
                     ocr_threads=int(settings.get("ocr_threads", ocr_threads)), limits=settings.limits(**index),
                     wait=True, on_wait=say_waiting(data_dir))
        lines = _summary(result, data_dir)
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("\n".join(lines))
    if result.failed:
        raise click.exceptions.Exit(1)


def _whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    # Cell values are DOUBLE; counts read better as 36 than as 36.0.
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column) and column.dropna().mod(1).eq(0).all():
            frame[name] = column.astype("Int64")
    return frame


@click.command()
@click.argument("query")
@settings.options("data", "sql_timeout_s")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of an aligned table.")
def sql(query: str, data: str | None, sql_timeout_s: int | None, as_csv: bool) -> None:
    """Run one read-only SQL statement (SELECT, WITH, DESCRIBE, SHOW…) over the store.

    Tables: reports, sources, cells, sections, checks, and metrics (one row per report,
    one column per table cell, e.g. applications__new_received__total).  In cells the
    columns "table", "row" and "column" are SQL keywords: write them in double quotes.
    A statement running longer than --sql-timeout-s seconds is stopped.

    \b
    gongkai sql 'SELECT agency, year, applications__new_received__total FROM metrics'
    gongkai sql "SELECT \\"row\\", value FROM cells WHERE \\"table\\" = 'review_litigation'"
    """
    try:
        frame = run_sql(settings.data_dir(data), query, timeout_s=float(settings.get("sql_timeout_s", sql_timeout_s)))
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_csv:
        click.echo(_whole_numbers(frame).to_csv(index=False), nl=False)
    elif frame.empty:
        click.echo(" | ".join(map(str, frame.columns)) + "\n(0 rows)")
    else:
        # East-Asian width: a Chinese character takes two columns of the terminal.
        with pd.option_context("display.unicode.east_asian_width", True):
            click.echo(_whole_numbers(frame).to_string(index=False, na_rep="NULL"))


@click.command()
@settings.options("data")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write into (default: DATA/export).")
@click.option("--headers", type=click.Choice(HEADERS), default="names", show_default=True,
              help="First row: the store's column names, or Chinese (zh) or English (en) labels.")
@click.option("--with-record", is_flag=True,
              help="Add each report's whole record as JSON to reports (csv and parquet; large).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def export(data: str | None, fmt: str, out: str | None, headers: str, with_record: bool, quiet: bool) -> None:
    """Write the store's tables (reports, sources, cells, sections, checks, metrics) as files.

    CSV files start with a UTF-8 byte-order mark, so Excel shows their Chinese text.
    Progress (table by table, rows written) goes to stderr; the files written to stdout.
    """
    data_dir = settings.data_dir(data)
    try:
        written = export_tables(data_dir, Path(out) if out else data_dir / "export", fmt, headers=headers,
                                with_record=with_record, progress=None if quiet else _ExportProgress())
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(str(path))


class _ExportProgress:
    """Progress lines on stderr: a table's start, every batch of rows, and its time."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, table: str, done: int, total: int) -> None:
        if done == 0:
            self.started = time.perf_counter()
            click.echo(f"{table}: writing {total:,} rows …" if total else f"{table}: no rows", err=True)
        elif done >= total:
            click.echo(f"{table}: {total:,} rows written ({time.perf_counter() - self.started:.1f} s)", err=True)
        else:
            click.echo(f"{table}: {done:,} of {total:,} rows ({100 * done // total} %)", err=True)
