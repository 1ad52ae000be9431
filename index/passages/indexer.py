"""The passage index on disk, and keeping it in step with the store.

Layout, beside the store in the corpus directory::

    DATA/passages/current -> gen-000007     (symlink, swapped atomically)
    DATA/passages/gen-000007/passages.parquet   passages, metadata, duplicate marks
    DATA/passages/gen-000007/vectors.faiss      FAISS index (exact or HNSW)
    DATA/passages/gen-000007/copies.parquet     copied sections (index.passages.copies)
    DATA/passages/gen-000007/bm25/              term counts, vocabulary, user dictionary
    DATA/passages/gen-000007/manifest.json      model, sizes, generation, the store digest
    DATA/passages/gen-000007/store_keys.parquet the store's reports (id, content hash) it matches
    DATA/embeddings/<model tag>.f32 / .keys     embedding cache (append-only)

A sync writes a complete new generation and then repoints ``current``, so a reader
never sees half an update and a failed sync leaves the previous index as it was.  Each
generation records which state of the store it was built from (``store_keys.parquet``, its
digest in the manifest): :mod:`index.passages.consistency` compares that with the store.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from index import crashpoints
from index.passages import copies, duplicates, lexical, vectors
from index.passages.embed import Model, embed_texts, load_model
from index.passages.chunk import Passage, chunk_report, embedding_pieces
from index.passages.settings import IndexSettings
from index.passages.store_keys import STORE_KEYS_FILE, keys_digest, read_store_keys, write_keys
from index.progress import count, step
from parsing.errors import GongkaiError
from parsing.record import Report

INDEX_DIR = "passages"
CURRENT = "current"
PASSAGES_FILE = "passages.parquet"
VECTORS_FILE = "vectors.faiss"
BM25_DIR = "bm25"
MANIFEST = "manifest.json"
INDEX_VERSION = 2  # 2: a vector per sentence piece (vec_first, vec_count)
# Past this share of dead rows in the vector index, a sync rebuilds it instead of adding.
MAX_DEAD_SHARE = 0.2

PASSAGE_COLUMNS = [
    "id", "report_id", "source", "agency", "year", "province", "city", "county", "township",
    "section_no", "section_title", "kind", "ordinal", "marker", "text", "simplified", "topics",
    "duplicate_of", "duplicate_score", "hash", "vec_first", "vec_count", "minhash",
]


class NoIndex(GongkaiError):
    """The corpus directory holds no passage index."""

    def __init__(self, data: Path) -> None:
        super().__init__(f"No passage index in {data}: run `gongkai ingest PATH --data {data}` first.")


class IndexOutdated(GongkaiError):
    def __init__(self, path: Path, found: object) -> None:
        super().__init__(f"{path} holds passage index v{found}, this Gongkai reads v{INDEX_VERSION}: "
                         f"ingest the files again to rebuild it.")


@dataclass
class IndexState:
    """Everything a search needs, as loaded from one generation."""

    folder: Path
    manifest: dict
    passages: pd.DataFrame
    vectors: vectors.VectorIndex
    lexical: lexical.LexicalIndex


def index_root(data_dir: Path) -> Path:
    return Path(data_dir) / INDEX_DIR


def current_folder(data_dir: Path) -> Path | None:
    link = index_root(data_dir) / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def load_state(data_dir: Path) -> IndexState:
    folder = current_folder(data_dir)
    if folder is None:
        raise NoIndex(Path(data_dir))
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    if manifest.get("version") != INDEX_VERSION:
        raise IndexOutdated(folder, manifest.get("version"))
    passages = pd.read_parquet(folder / PASSAGES_FILE)
    return IndexState(folder, manifest, passages, vectors.load(folder / VECTORS_FILE),
                      lexical.load(folder / BM25_DIR))


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in PASSAGE_COLUMNS})


# ---------------------------------------------------------------------------
# Building and syncing
# ---------------------------------------------------------------------------


def build_index(data_dir: Path, reports: Iterable[Report], progress: bool = True,
                settings: IndexSettings = IndexSettings(), store_keys: dict[str, str] | None = None) -> dict:
    """Index ``reports`` from scratch, replacing any index in ``data_dir``.

    ``store_keys`` (report id → content hash): the store state these reports are, recorded in
    the generation so that readers and the next ingest can tell whether the index is behind.
    """
    return _update(Path(data_dir), reports, set(), progress, rebuild=True, settings=settings,
                   store_keys=store_keys)


def sync_index(data_dir: Path, upserted_reports: Iterable[Report], removed_report_ids: Iterable[str],
               progress: bool = False, settings: IndexSettings = IndexSettings(),
               store_keys: dict[str, str] | None = None) -> dict:
    """Replace the passages of ``upserted_reports`` and drop those of ``removed_report_ids``.

    Each call writes a whole new generation of the index, so call it once per ingest
    with every changed report (any iterable: reports are chunked as they come).
    """
    return _update(Path(data_dir), upserted_reports, set(removed_report_ids), progress, rebuild=False,
                   settings=settings, store_keys=store_keys)


def rebuild_from_store(data_dir: Path, progress: bool = True, settings: IndexSettings = IndexSettings()) -> dict:
    """Index every report the store holds, from scratch (after a model change, or when
    the passage index was lost).  Embeddings already cached are reused."""
    from index.tables import store
    from index.tables.browse import stored_reports

    with store.reading(Path(data_dir)) as con:
        return build_index(data_dir, stored_reports(con), progress=progress, settings=settings,
                           store_keys=read_store_keys(con))


def _update(data_dir: Path, reports: Iterable[Report], removed: set[str], progress: bool, rebuild: bool,
            settings: IndexSettings, store_keys: dict[str, str] | None = None) -> dict:
    started = time.perf_counter()
    with _writer_lock(data_dir):
        old = None if rebuild or current_folder(data_dir) is None else load_state(data_dir)
        upserted: set[str] = set()
        new: list[Passage] = []
        step("Cutting the reports' sections into passages …", progress)
        for report in reports:
            upserted.add(report.id)
            new.extend(chunk_report(report, settings.chunk_chars))
        new_frame = passage_frame(new)
        frame = old.passages if old is not None else empty_frame()
        keep = ~frame["report_id"].isin(removed | upserted).to_numpy(dtype=bool)
        frame = pd.concat([frame[keep], new_frame], ignore_index=True) if len(frame) else new_frame
        step(f"  {count(len(new), 'passage')} from {count(len(upserted), 'report')}"
             + (f"; the passages of {count(len(removed), 'report')} dropped" if removed else ""), progress)

        step("Loading the embedding model …", progress)
        model = load_model(settings.model, settings.embed_precision)
        new_pieces = [embedding_pieces(t) for t in new_frame["simplified"]]
        frame.loc[len(frame) - len(new_frame):, "vec_count"] = [len(p) for p in new_pieces]
        new_vectors = embed_texts(data_dir, [p for ps in new_pieces for p in ps], model, progress=progress,
                                  label=f"Computing vectors for {count(len(new_frame), 'passage')}")
        step(f"Building the vector index ({count(int(frame['vec_count'].sum()), 'vector')}) …", progress)
        vector_index, frame = _vectors(data_dir, old, frame, keep, new_vectors, model, progress,
                                       settings.exact_index_max)

        step("Building the keyword index …", progress)
        words = lexical.dictionary_words(frame["agency"].dropna().unique(), _places(frame))
        tokens = [lexical.tokenize(t, words) for t in new_frame["simplified"]]
        lexical_index = lexical.build(tokens, words) if old is None else lexical.update(old.lexical, keep, tokens, words)

        step(f"Marking near-identical passages among {count(len(frame), 'passage')} …", progress)
        frame = mark_duplicates(frame)
        manifest = {
            "version": INDEX_VERSION,
            "model": model.name,
            "model_tag": model.tag,
            "dim": model.dim,
            "vector_kind": vector_index.kind,
            "passages": int(len(frame)),
            "reports": int(frame["report_id"].nunique()),
            "vector_rows": vector_index.ntotal,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        step("Writing the passage index …", progress)
        _write(data_dir, frame, vector_index, lexical_index, manifest, store_keys)
    manifest["seconds"] = round(time.perf_counter() - started, 3)
    manifest["added"] = len(new)
    manifest["removed_reports"] = len(removed)
    return manifest


def passage_frame(passages: Sequence[Passage]) -> pd.DataFrame:
    """Passages as the rows the index stores (vector rows not yet assigned)."""
    if not passages:
        return empty_frame()
    names = [f.name for f in fields(Passage)]
    # Column by column: dataclasses.asdict deep-copies every field and is 20x slower.
    columns = {name: [getattr(p, name) for p in passages] for name in names}
    columns["hash"] = [p.hash for p in passages]
    columns["duplicate_score"] = [None] * len(passages)
    columns["vec_first"] = [-1] * len(passages)
    columns["vec_count"] = [0] * len(passages)
    columns["minhash"] = [duplicates.signature(p.simplified).tobytes() for p in passages]
    frame = pd.DataFrame(columns, columns=PASSAGE_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _places(frame: pd.DataFrame) -> list[str]:
    places: set[str] = set()
    for column in ("province", "city", "county", "township"):
        places.update(frame[column].dropna().unique())
    return sorted(places)


def _vectors(data_dir: Path, old: IndexState | None, frame: pd.DataFrame, keep: np.ndarray,
             new_vectors: np.ndarray, model: Model, progress: bool,
             exact_max: int) -> tuple[vectors.VectorIndex, pd.DataFrame]:
    """The vector index for ``frame``: the old one plus new rows, or rebuilt.

    A passage owns the rows ``vec_first`` … ``vec_first + vec_count - 1``, one per piece
    (see :func:`index.passages.chunk.embedding_pieces`).  The index is rebuilt when the model
    changed (its vectors cannot answer this model's queries), when the corpus crossed
    the exact/HNSW threshold, or when too many rows are dead.
    """
    counts = frame["vec_count"].to_numpy(dtype=np.int64)
    n_new_rows = len(new_vectors)
    n_live_rows = int(counts.sum())
    frame = frame.copy()
    if old is not None and old.manifest.get("model_tag") == model.tag:
        index = old.vectors
        dead = index.ntotal - (n_live_rows - n_new_rows)
        same_kind = vectors.kind_for(n_live_rows, exact_max) == index.kind
        if same_kind and dead / max(index.ntotal + n_new_rows, 1) <= MAX_DEAD_SHARE:
            first = index.ntotal
            vectors.add(index, new_vectors)
            starts = np.array(frame["vec_first"], dtype=np.int64)
            new = len(frame) - int((starts < 0).sum())  # new passages are the frame's last rows
            starts[new:] = first + _offsets(counts[new:])
            frame["vec_first"] = starts
            return index, frame
    # Rebuild: every live piece's vector comes from the cache (no model call).
    pieces = [p for text in frame["simplified"] for p in embedding_pieces(text)]
    all_vectors = embed_texts(data_dir, pieces, model, progress=progress)
    frame["vec_first"] = _offsets(counts)
    return vectors.build(all_vectors, exact_max, dim=model.dim), frame


def _offsets(counts: np.ndarray) -> np.ndarray:
    """Where each run of ``counts`` rows starts when the runs are laid end to end."""
    return (np.cumsum(counts) - counts).astype(np.int64)


def mark_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``duplicate_of`` / ``duplicate_score`` recomputed over all its passages."""
    if frame.empty:
        return frame
    signatures = np.frombuffer(b"".join(frame["minhash"]), dtype=np.uint32).reshape(len(frame), -1)
    years = frame["year"].fillna(9999).to_numpy(dtype=np.int64)
    order = np.lexsort((frame["ordinal"].to_numpy(dtype=np.int64), frame["report_id"].to_numpy(dtype=str), years))
    found = duplicates.find_duplicates(list(frame["simplified"]), signatures, list(frame["report_id"]), order)
    ids = frame["id"].to_numpy(dtype=object)
    frame = frame.copy()
    frame["duplicate_of"] = [ids[f[0]] if f else None for f in found]
    frame["duplicate_score"] = [round(f[1], 3) if f else None for f in found]
    return frame


# ---------------------------------------------------------------------------
# Writing a generation
# ---------------------------------------------------------------------------


@contextmanager
def _writer_lock(data_dir: Path) -> Iterator[None]:
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clear_leftovers(root: Path) -> None:
    """Staging folders and link files of killed writers (called under the writer lock: no other
    writer is running, so every one left is a dead writer's)."""
    for left in root.glob(".staging-*"):
        shutil.rmtree(left, ignore_errors=True)
    for left in root.glob(".current-*"):
        left.unlink(missing_ok=True)


def _write(data_dir: Path, frame: pd.DataFrame, vector_index: vectors.VectorIndex,
           lexical_index: lexical.LexicalIndex, manifest: dict, store_keys: dict[str, str] | None = None) -> None:
    root = index_root(data_dir)
    previous = current_folder(data_dir)
    _clear_leftovers(root)
    generation = _next_generation(root)
    folder = root / f"gen-{generation:06d}"
    staging = root / f".staging-{generation:06d}-{os.getpid()}"
    staging.mkdir(parents=True)
    manifest["generation"] = generation
    frame.to_parquet(staging / PASSAGES_FILE, index=False)
    crashpoints.reached("staging_index")
    # Copied sections (index.passages.copies), over the whole corpus like the duplicate marks.
    copies.write(frame, staging / copies.COPIES_FILE)
    vectors.save(vector_index, staging / VECTORS_FILE)
    lexical.save(lexical_index, staging / BM25_DIR)
    if store_keys is not None:
        write_keys(staging / STORE_KEYS_FILE, store_keys)
        manifest["store_digest"] = keys_digest(store_keys)
        manifest["store_reports"] = len(store_keys)
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    os.replace(staging, folder)
    crashpoints.reached("before_index_switch")
    link = root / f".current-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(folder.name, link)
    os.replace(link, root / CURRENT)
    crashpoints.reached("after_index_switch")
    for old in root.glob("gen-*"):
        # Keep the previous generation: a reader may still be loading it.
        if old != folder and old != previous:
            shutil.rmtree(old, ignore_errors=True)


def _next_generation(root: Path) -> int:
    numbers = [int(p.name.split("-")[1]) for p in root.glob("gen-*") if p.name.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1
