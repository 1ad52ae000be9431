"""Removing reports from a corpus: their rows in the store and their passages in the index, together.

Any report may be removed (an analyst may need to take a wrong or misattributed report out
of any corpus, not only one they uploaded).  The store is changed in one transaction, as an
ingest's batch is (:func:`index.tables.store.open_write`), then the passage index drops the
report's passages through the same sync an ingest uses when a changed file loses its report
(:func:`corpus.ingest.sync_passages`), so a question asked afterwards sees neither.

Files: a file kept under ``DATA/uploads`` (the app's uploads) is deleted with its report, so
uploading it again adds it afresh.  Any other file is the user's own and stays where it is;
ingesting it again brings the report back (:attr:`Removed.kept_files` lists them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from corpus.ingest import IngestResult, sync_passages
from corpus.upload import UPLOAD_DIR
from index.passages.settings import IndexSettings
from index.tables import store
from index.tables.browse import UnknownReport
from index.tables.store import Batch


@dataclass
class Removed:
    """What :func:`remove_reports` did."""

    report_ids: list[str]
    deleted_files: list[str] = field(default_factory=list)
    kept_files: list[str] = field(default_factory=list)
    # What the passage-index sync reported, or why it failed (the store is changed either way).
    index: dict = field(default_factory=dict)
    index_error: str | None = None


def _is_upload(path: str, data: Path) -> bool:
    uploads = (data / UPLOAD_DIR).resolve()
    return Path(path).resolve().parent == uploads


def report_files(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str]) -> dict[str, list[str]]:
    """report id → the files the store has recorded for it."""
    files: dict[str, list[str]] = {}
    for report_id in report_ids:
        rows = con.execute("SELECT source_path FROM sources WHERE report_id = ? ORDER BY source_path",
                           [report_id]).fetchall()
        files[report_id] = [path for (path,) in rows]
    return files


def uploaded_reports(con: duckdb.DuckDBPyConnection, data: str | os.PathLike[str]) -> pd.DataFrame:
    """The reports at least one of whose files came through the app's Upload page:
    report_id, agency, year and the uploaded file's name, newest year first."""
    folder = str((Path(data) / UPLOAD_DIR).resolve()) + os.sep
    return con.execute(
        "SELECT r.report_id, r.agency, r.year, min(regexp_extract(s.source_path, '[^/]+$')) AS file "
        "FROM sources s JOIN reports r USING (report_id) WHERE starts_with(s.source_path, ?) "
        "GROUP BY ALL ORDER BY r.year DESC NULLS LAST, r.agency, r.report_id", [folder]).df()


def remove_reports(data: str | os.PathLike[str], report_ids: Iterable[str], progress: bool = False,
                   index: IndexSettings = IndexSettings()) -> Removed:
    """Take ``report_ids`` out of the corpus at ``data``: store rows, sources, uploaded files, passages.

    Raises :class:`~index.tables.browse.UnknownReport` (nothing changed) when one is not
    stored, :class:`~index.tables.store.StoreBusy` while an ingest writes.
    """
    folder = Path(data)
    wanted = list(dict.fromkeys(report_ids))
    if not store.store_file(folder).exists():
        raise store.NoCorpus(folder)
    with store.open_write(folder) as con:
        present = {r for (r,) in con.execute("SELECT report_id FROM reports").fetchall()}
        missing = [r for r in wanted if r not in present]
        if missing:
            raise UnknownReport(missing[0])
        files = report_files(con, wanted)
        store.write_batch(con, Batch(delete=set(wanted), drop_sources={p for paths in files.values() for p in paths}))
    removed = Removed(wanted)
    for path in (p for paths in files.values() for p in paths):
        if _is_upload(path, folder):
            Path(path).unlink(missing_ok=True)
            removed.deleted_files.append(path)
        else:
            removed.kept_files.append(path)
    synced = IngestResult(removed_reports=sorted(wanted))
    sync_passages(folder, synced, progress, index)
    removed.index, removed.index_error = synced.index, synced.index_error
    return removed
