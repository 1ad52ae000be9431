"""Whether the passage index holds what the store holds, and bringing it in step.

The store and the passage index are written one after the other (the store swapped in, then
a new index generation), so a crash between the two leaves an index behind its store.  Each
generation therefore records the store state it was built from: every report id with the
content hash of the file its record came from (``store_keys.parquet``, a digest in the
manifest).  Comparing that with the store's ``reports`` says which reports the index lacks
(or holds an older record of) and which it holds that the store dropped, whatever happened
before: an ingest repairs from that difference, not from what it changed itself, and a
reader says the index is behind instead of answering from it silently.

A generation written before this record existed: its reports are those of its passages
(a report with no passage then looks missing once, and the next sync records it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from index.passages.indexer import (
    INDEX_VERSION, MANIFEST, IndexOutdated, current_folder, read_passages, rebuild_from_store, sync_index,
)
from index.passages.settings import IndexSettings
from index.passages.store_keys import STORE_KEYS_FILE, Keys, read_store_keys, store_digest
from index.progress import count, step
from index.tables import store

def index_keys(folder: Path) -> dict[str, str | None]:
    """The store state generation ``folder`` was built from (see the module docstring)."""
    path = folder / STORE_KEYS_FILE
    if path.exists():
        frame = pd.read_parquet(path)
        return dict(zip(frame["report_id"], frame["content_hash"]))
    ids = read_passages(folder, ["report_id"])["report_id"].dropna().unique()
    return dict.fromkeys(map(str, ids))


@dataclass(frozen=True)
class Difference:
    """What the passage index lacks and holds beyond the store."""

    store_reports: int
    missing: tuple[str, ...]  # in the store; not indexed, or indexed from an older record
    extra: tuple[str, ...]  # indexed; no longer in the store

    @property
    def in_step(self) -> bool:
        return not self.missing and not self.extra

    @property
    def indexed(self) -> int:
        """Store reports the index holds as stored now."""
        return self.store_reports - len(self.missing)

    def en(self, data: Path) -> str:
        if store.ingest_under_way(data):  # batches are stored first, indexed at the end of the ingest
            return (f"An ingest is under way in {data}: the store holds {self.store_reports} reports so far, the "
                    f"passage index {self.indexed} of them. Passage search and narrative answers miss the rest "
                    f"until the ingest has indexed them, once its files are stored.")
        extra = f", and still holds {count(len(self.extra), 'report')} the store no longer has" if self.extra else ""
        return (f"The passage index is behind the store: it holds {self.indexed} of the store's "
                f"{self.store_reports} reports as stored{extra} (an ingest was interrupted). Passage "
                f"search and narrative answers miss the rest until `gongkai repair --data {data}` "
                f"(or `gongkai ingest` again) brings it in step.")

    def zh(self, data: Path) -> str:
        if store.ingest_under_way(data):
            return (f"{data} 正在导入:报告库目前有{self.store_reports}份报告,段落索引暂含其中{self.indexed}份。"
                    f"导入把文件存完后才为它们建索引,在此之前段落检索和文字类回答会漏掉其余报告。")
        extra = f",另有{len(self.extra)}份报告已不在库中" if self.extra else ""
        return (f"段落索引落后于报告库:库中{self.store_reports}份报告,索引只含其中{self.indexed}份{extra}"
                f"(上次导入被中断)。段落检索和文字类回答会漏掉其余报告;请运行 `gongkai repair --data {data}`"
                f"(或再次 `gongkai ingest`)补齐。")


def compare(stored: Keys, indexed: dict[str, str | None]) -> Difference:
    missing = tuple(sorted(r for r, h in stored.items() if r not in indexed or indexed[r] not in (None, h)))
    extra = tuple(sorted(r for r in indexed if r not in stored))
    return Difference(len(stored), missing, extra)


# Readers: one comparison per (store file, index generation) seen by this process.
_SEEN: dict[tuple[Path, object, Path], Difference] = {}


def _stamp(data: Path) -> object:
    # The store file and its write-ahead log (a batch committed by a writer killed before its checkpoint).
    return store.version(data)


def difference(data_dir: Path) -> Difference | None:
    """How the current passage index differs from the store; None without a store or an index.

    Cheap after the first call for a given store file and generation (cached): readers call it
    before every search.
    """
    data = Path(data_dir)
    stamp = _stamp(data)
    folder = current_folder(data)
    if stamp is None or folder is None:
        return None
    key = (data.resolve(), stamp, folder)
    if key not in _SEEN:
        try:
            manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            manifest = {}
        with store.reading(data) as con:
            same = manifest.get("store_digest") == store_digest(con)
            stored = {} if same else read_store_keys(con)
        if same:
            found = Difference(int(manifest.get("store_reports", 0)), (), ())
        else:
            found = compare(stored, index_keys(folder))
        if len(_SEEN) > 16:
            _SEEN.clear()
        _SEEN[key] = found
    return _SEEN[key]


def _model_changed(folder: Path, model: str) -> bool:
    """True when the generation was built with another model than ``model`` names, or cannot be read."""
    from index.passages.embed import model_name, model_tag

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return manifest.get("version") != INDEX_VERSION or manifest.get("model_tag") != model_tag(model_name(model))


def bring_in_step(data_dir: Path, changed: int = 0, progress: bool = True,
                  settings: IndexSettings = IndexSettings()) -> dict:
    """Make the passage index hold exactly the store's reports; the new manifest, or {} when it did.

    Called under the corpus write lock (the store cannot change meanwhile).  ``changed``: how
    many reports the caller's own write added or removed, so that a difference beyond them
    is said to be a repair.
    """
    data = Path(data_dir)
    folder = current_folder(data)
    with store.reading(data) as con:
        stored = read_store_keys(con)
    indexed: dict[str, str | None] | None = None
    if folder is not None and not _model_changed(folder, settings.model):
        try:
            indexed = index_keys(folder)
        except (OSError, ValueError, IndexOutdated):  # an unreadable generation is rebuilt
            indexed = None
    if indexed is None:
        step("Indexing the passages of every report in the store (first time, after a model change, "
             "or the index could not be read):", progress)
        result = rebuild_from_store(data, progress=progress, settings=settings)
        result["repaired"] = 0
        return result
    found = compare(stored, indexed)
    if found.in_step:
        return {}
    behind = max(0, len(found.missing) + len(found.extra) - changed)
    if behind:
        step(f"The passage index was behind the store (an earlier ingest was interrupted): "
             f"bringing {count(behind, 'report')} in step as well.", progress)
    step(f"Updating the passage index: {count(len(found.missing), 'new or changed report')}, "
         f"{count(len(found.extra), 'report')} gone:", progress)
    with store.reading(data) as con:
        result = sync_index(data, store.iter_reports(con, found.missing), found.extra, progress=progress,
                            settings=settings, store_keys=stored)
    result["repaired"] = behind
    return result
