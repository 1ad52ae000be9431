"""``gongkai repair``: a damaged store rebuilt from its sources list, the passage index brought in step.

Under the corpus write lock:

1. The store file is read through, every table (DuckDB checks each block's checksum as it
   reads).  A store that cannot be read is moved aside (``store.duckdb.damaged-<UTC time>``,
   kept for whoever wants to look at it) and the files of ``DATA/sources.json`` (written
   beside the store at every store swap, plain text) are ingested again into a new one;
   files listed but gone are named.  A missing store with a sources list is rebuilt the same way.
2. The passage index is compared with the store and brought in step
   (:func:`corpus.ingest.sync_passages`), as every ingest does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from corpus.ingest import IngestResult, ingest, sync_passages
from index.passages.settings import IndexSettings
from index.progress import count, step
from index.tables import sources_list, store
from parsing.errors import GongkaiError


class NothingToRebuildFrom(GongkaiError):
    def __init__(self, data: Path, moved: Path | None) -> None:
        aside = f"The damaged store was moved to {moved}. " if moved else ""
        super().__init__(f"{aside}No list of source files is kept in {data} ({sources_list.SOURCES_FILE}), "
                         f"so the store cannot be rebuilt by itself: ingest the report files again "
                         f"(`gongkai ingest PATH --data {data}`).")


@dataclass
class RepairResult:
    damage: str | None = None  # why the store could not be read, when it could not
    moved_to: str | None = None  # where the damaged store went
    rebuilt_from: int = 0  # files of the sources list ingested again
    gone: list[str] = field(default_factory=list)  # listed files that no longer exist
    ingest: IngestResult | None = None
    sync: IngestResult = field(default_factory=IngestResult)  # the passage-index step


def store_damage(data: Path) -> str | None:
    """Why the store at ``data`` cannot be read, or None when every table reads through."""
    try:
        with store.reading(data) as con:
            tables = [name for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
            for table in tables:
                reader = con.sql(f'SELECT * FROM "{table}"').to_arrow_reader(50_000)
                for _ in reader:
                    pass
    except store.StoreDamaged as exc:
        return exc.detail
    except duckdb.Error as exc:  # reading every row of a table is no bad query: the file is at fault
        return str(exc).splitlines()[0]
    return None


def _salvage_sources(data: Path) -> list[sources_list.SourceFile] | None:
    """The damaged store's own ``sources`` table, when that part of it still reads (a store
    written before ``sources.json`` was kept)."""
    try:
        with store.reading(data) as con:
            rows = con.execute("SELECT source_path, content_hash, report_id FROM sources").fetchall()
    except (GongkaiError, duckdb.Error):
        return None
    return [sources_list.SourceFile(*row) for row in rows] or None


def _move_aside(data: Path) -> Path:
    live = store.store_file(data)
    aside = live.with_name(f"{live.name}.damaged-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
    os.replace(live, aside)
    wal = live.with_name(live.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside


def repair(data: str | os.PathLike[str], workers: int = 0, progress: bool = True,
           index: IndexSettings = IndexSettings(), ocr: bool = True, ocr_threads: int = 0,
           wait: bool = False, on_wait: Callable[[str], None] | None = None) -> RepairResult:
    """Repair the corpus at ``data`` (see the module docstring); what was found and done."""
    folder = Path(data)
    if not folder.is_dir():
        raise store.NoCorpus(folder)
    result = RepairResult()
    with store.writing(folder, wait=wait, on_wait=on_wait):
        listed = sources_list.read(folder)
        exists = store.store_file(folder).exists()
        if exists:
            step("Reading the whole store through …", progress)
            result.damage = store_damage(folder)
        if result.damage is not None or (not exists and listed):
            if result.damage is not None:
                listed = listed or _salvage_sources(folder)
                result.moved_to = str(_move_aside(folder))
                step(f"The store is damaged ({result.damage}); moved to {result.moved_to}.", progress)
            if not listed:
                raise NothingToRebuildFrom(folder, Path(result.moved_to) if result.moved_to else None)
            present = [f.path for f in listed if os.path.lexists(f.path)]
            result.gone = [f.path for f in listed if not os.path.lexists(f.path)]
            result.rebuilt_from = len(present)
            step(f"Ingesting the {count(len(present), 'file')} of {sources_list.SOURCES_FILE} again"
                 + (f" ({len(result.gone)} listed no longer exist)" if result.gone else "") + ":", progress)
            if present:
                result.ingest = ingest(present, folder, workers=workers, progress=progress, index=index, ocr=ocr,
                                       ocr_threads=ocr_threads, passages=False)
        elif not exists:
            raise store.NoCorpus(folder)
        sync_passages(folder, result.sync, progress, index)
    return result
