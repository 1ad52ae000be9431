"""The passage index on disk, and keeping it in step with the store.

The index is a list of immutable segments and a small generation naming them (layout and
row order: :mod:`index.passages.segments`)::

    DATA/passages/current -> gen-000007     (symlink, swapped atomically)
    DATA/passages/gen-000007/manifest.json      segments, vocabulary length, model, sizes, store digest
    DATA/passages/gen-000007/userdict.txt       jieba's user dictionary
    DATA/passages/gen-000007/store_keys.parquet the store's reports (id, content hash) it matches
    DATA/passages/segments/seg-000012/…         passages, vectors, BM25 counts, LSH bands of one batch
    DATA/passages/vocab-000001.txt              BM25 terms (append-only)
    DATA/embeddings/<model tag>.f32 / .keys     embedding cache (append-only)

A sync writes the passages it adds as one new segment, marks the rows of replaced and
removed reports dead (a new small file per touched segment), merges segments by tiers
(:func:`index.passages.segments.plan_merges`), then writes a new generation and repoints
``current``: a reader never sees half an update, and a failed sync leaves the previous index
as it was (what it wrote is named by no generation and removed by the next writer).  Each
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
import scipy.sparse as sp

from index import crashpoints
from index.passages import duplicates, lexical, segments, vectors
from index.passages.embed import Model, embed_texts, load_model
from index.passages.chunk import Passage, chunk_report, embedding_pieces
from index.passages.segments import SegmentRef, read_passages
from index.passages.settings import IndexSettings
from index.passages.store_keys import STORE_KEYS_FILE, keys_digest, read_store_keys, write_keys
from index.progress import count, step
from parsing.errors import GongkaiError
from parsing.record import Report

INDEX_DIR = "passages"
CURRENT = "current"
MANIFEST = segments.MANIFEST
# A segment's passages file (generations hold no passages: read them with read_passages).
PASSAGES_FILE = segments.SEG_PASSAGES
INDEX_VERSION = 3  # 2: a vector per sentence piece (vec_first, vec_count); 3: segments
MAX_DEAD_SHARE = segments.MAX_DEAD_SHARE

PASSAGE_COLUMNS = [
    "id", "report_id", "source", "agency", "year", "province", "city", "county", "township",
    "section_no", "section_title", "kind", "ordinal", "marker", "text", "simplified", "topics",
    "duplicate_of", "duplicate_score", "hash", "vec_first", "vec_count", "minhash",
]
# What a search keeps in memory of each passage (the MinHash signature only serves syncs).
STATE_COLUMNS = [c for c in PASSAGE_COLUMNS if c != "minhash"]
# What the near-duplicate check reads of a passage.
MARK_INPUT = ["id", "report_id", "year", "ordinal", "simplified", "minhash", "duplicate_of", "duplicate_score"]

__all__ = ["read_passages", "load_state", "build_index", "sync_index", "rebuild_from_store", "IndexState",
           "NoIndex", "IndexOutdated", "current_folder", "index_root"]


class NoIndex(GongkaiError):
    """The corpus directory holds no passage index."""

    def __init__(self, data: Path) -> None:
        super().__init__(f"No passage index in {data}: run `gongkai ingest PATH --data {data}` first.")


class IndexOutdated(GongkaiError):
    def __init__(self, path: Path, found: object) -> None:
        super().__init__(f"{path} holds passage index v{found}, this Gongkai reads v{INDEX_VERSION}: "
                         f"ingest the files again to rebuild it.")


@dataclass
class VectorPart:
    """One segment's vectors and where its live passages sit among the global rows."""

    vectors: vectors.VectorIndex
    first_row: int  # global row of the segment's first live passage
    live: np.ndarray  # the segment's live passage rows; live[i] is global row first_row + i


@dataclass
class IndexState:
    """Everything a search needs, as loaded from one generation."""

    folder: Path
    manifest: dict
    passages: pd.DataFrame  # live passages in global row order (vec_first: row in its segment's vectors)
    parts: list[VectorPart]
    lexical: lexical.LexicalIndex


def index_root(data_dir: Path) -> Path:
    return Path(data_dir) / INDEX_DIR


def current_folder(data_dir: Path) -> Path | None:
    link = index_root(data_dir) / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def load_state(data_dir: Path, columns: Sequence[str] = STATE_COLUMNS) -> IndexState:
    """The current generation: live passages (``columns``), each segment's vectors, BM25 over
    the live passages (term counts stacked in global row order, weights from them)."""
    folder = current_folder(data_dir)
    if folder is None:
        raise NoIndex(Path(data_dir))
    manifest = _manifest(folder)
    root = folder.parent
    n_terms = int(manifest["vocab"]["terms"])
    frames: list[pd.DataFrame] = []
    parts: list[VectorPart] = []
    counts: list[sp.csr_matrix] = []
    first = 0
    for ref in segments.refs(manifest):
        live = segments.live_rows(root, ref)
        place = segments.segment_folder(root, ref)
        frames.append(segments.segment_passages(root, ref, columns, live=live))
        parts.append(VectorPart(vectors.load(place / segments.SEG_VECTORS), first, live))
        segment_counts = segments.load_counts(place / segments.SEG_COUNTS, n_terms)
        counts.append(segment_counts if len(live) == ref.passages else segment_counts[live])  # no copy if all live
        first += len(live)
    passages = pd.concat(frames, ignore_index=True) if frames else empty_frame()[list(columns)]
    matrix = (counts[0] if len(counts) == 1 else sp.vstack(counts, format="csr")) if counts \
        else sp.csr_matrix((0, n_terms), dtype=np.int32)
    terms = segments.read_vocab(root, manifest["vocab"])
    words = [w for w in (folder / segments.USERDICT).read_text("utf-8").split("\n") if w]
    return IndexState(folder, manifest, passages, parts,
                      lexical.LexicalIndex(matrix, {t: i for i, t in enumerate(terms)}, words))


def _manifest(folder: Path) -> dict:
    manifest = segments.read_manifest(folder)
    if manifest.get("version") != INDEX_VERSION:
        raise IndexOutdated(folder, manifest.get("version"))
    return manifest


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


class _Clock:
    """Seconds spent in each step of a sync (returned with its manifest, for benchmarks)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self._last, 4)
        self._last = now


def _update(data_dir: Path, reports: Iterable[Report], removed: set[str], progress: bool, rebuild: bool,
            settings: IndexSettings, store_keys: dict[str, str] | None = None) -> dict:
    started = time.perf_counter()
    clock = _Clock()
    with _writer_lock(data_dir):
        root = index_root(data_dir)
        _clear_leftovers(root)
        folder = None if rebuild else current_folder(data_dir)
        previous = _manifest(folder) if folder is not None else None
        generation = _next_generation(root)
        clock.lap("open")

        upserted: set[str] = set()
        new: list[Passage] = []
        step("Cutting the reports' sections into passages …", progress)
        for report in reports:
            upserted.add(report.id)
            new.extend(chunk_report(report, settings.chunk_chars))
        new_frame = passage_frame(new)
        step(f"  {count(len(new), 'passage')} from {count(len(upserted), 'report')}"
             + (f"; the passages of {count(len(removed), 'report')} dropped" if removed else ""), progress)
        clock.lap("chunk")

        step("Loading the embedding model …", progress)
        model = load_model(settings.model, settings.embed_precision, settings.embed_device, settings.embed_threads)
        gone = removed | upserted
        if folder is not None and previous is not None and previous.get("model_tag") != model.tag:
            # The old vectors cannot answer this model's queries: every live passage is indexed again.
            carried = read_passages(folder, PASSAGE_COLUMNS)
            carried = carried[~carried["report_id"].isin(gone)]
            new_frame = pd.concat([carried, new_frame], ignore_index=True) if len(carried) else new_frame
            previous = None
        old_refs = segments.refs(previous) if previous else []
        dead_now, where = _dead_rows(root, old_refs, gone)
        clock.lap("model+dead rows")

        new_pieces = [embedding_pieces(t) for t in new_frame["simplified"]]
        piece_counts = np.array([len(p) for p in new_pieces], dtype=np.int64)
        new_frame["vec_count"] = piece_counts
        new_frame["vec_first"] = _offsets(piece_counts)
        new_vectors = embed_texts(data_dir, [p for ps in new_pieces for p in ps], model, progress=progress,
                                  label=f"Computing vectors for {count(len(new_frame), 'passage')}")
        clock.lap("embed")

        step("Building the keyword index …", progress)
        words = _userdict(folder if previous else None, new_frame)
        vocab_entry = previous["vocab"] if previous else {"file": f"vocab-{generation:06d}.txt", "terms": 0, "bytes": 0}
        terms = segments.read_vocab(root, vocab_entry)
        vocab = {t: i for i, t in enumerate(terms)}
        tokens = [lexical.tokenize(t, words) for t in new_frame["simplified"]]
        clock.lap("tokenize")
        new_counts = lexical.count_matrix(tokens, vocab)
        new_terms = list(vocab)[len(terms):]
        clock.lap("bm25 counts")

        step(f"Marking near-identical passages among {count(len(new_frame), 'new passage')} …", progress)
        marks, overrides = _duplicate_marks(root, old_refs, dead_now, where, new_frame)
        new_frame["duplicate_of"] = marks["duplicate_of"].to_numpy(dtype=object)
        new_frame["duplicate_score"] = marks["duplicate_score"].to_numpy(dtype=object)
        clock.lap("near-duplicates")

        step(f"Building the vector index ({count(len(new_vectors), 'new vector')}) …", progress)
        refs = [_with_changes(root, ref, dead_now.get(ref.name), overrides.get(ref.name), generation)
                for ref in old_refs]
        clock.lap("dead rows+marks files")
        vocab_entry = segments.append_vocab(root, vocab_entry, new_terms)
        number = _next_segment(root)
        if len(new_frame):
            refs.append(_write_segment(root, f"seg-{number:06d}", new_frame, new_vectors, new_counts,
                                       settings.exact_index_max, model.dim))
            number += 1
            crashpoints.reached("segment_written")
        clock.lap("write segment")
        merged: list[SegmentRef] = []
        by_name = {ref.name: ref for ref in refs}
        for names, rewrite in segments.plan_merges(refs):
            if not rewrite:
                merged.append(by_name[names[0]])
                continue
            merged.append(_rewrite(data_dir, [by_name[n] for n in names], f"seg-{number:06d}",
                                   int(vocab_entry["terms"]), settings.exact_index_max, model))
            number += 1
        clock.lap("merge segments")
        crashpoints.reached("before_generation_files")
        step("Writing the passage index …", progress)
        biggest = max(merged, key=lambda r: r.vectors, default=None)
        manifest = {
            "version": INDEX_VERSION,
            "model": model.name,
            "model_tag": model.tag,
            "dim": model.dim,
            "vector_kind": vectors.kind_for(biggest.vectors if biggest else 0, settings.exact_index_max),
            "passages": int(sum(r.live for r in merged)),
            "reports": len(set(where.runs) | set(new_frame["report_id"])),
            "vector_rows": int(sum(r.vectors for r in merged)),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "generation": generation,
            "vocab": vocab_entry,
            "segments": [r.to_dict() for r in merged],
        }
        _write_generation(data_dir, generation, manifest, words, store_keys)
        clock.lap("write generation")
    manifest["seconds"] = round(time.perf_counter() - started, 3)
    manifest["added"] = len(new)
    manifest["removed_reports"] = len(removed)
    manifest["steps"] = clock.seconds
    return manifest


def _userdict(folder: Path | None, new_frame: pd.DataFrame) -> list[str]:
    """jieba's user dictionary: the previous generation's, with the new passages' agency and place names.

    Passages already indexed keep the tokens they were cut into (a name added later does not cut
    them again); a rebuild cuts everything with the whole corpus's names.
    """
    words = set(lexical.dictionary_words(new_frame["agency"].dropna().unique(), _places(new_frame)))
    if folder is not None and (folder / segments.USERDICT).exists():
        words.update(w for w in (folder / segments.USERDICT).read_text("utf-8").split("\n") if w)
    return sorted(words)


@dataclass
class _Where:
    """Where each live report's passages are: segment, first row, how many (rows are contiguous)."""

    runs: dict[str, tuple[str, int, int]]


def _dead_rows(root: Path, refs: Sequence[SegmentRef], gone: set[str]) -> tuple[dict[str, np.ndarray], _Where]:
    """Rows of the reports ``gone`` (replaced or removed) per segment, and where the reports left live are."""
    dead: dict[str, np.ndarray] = {}
    runs: dict[str, tuple[str, int, int]] = {}
    for ref in refs:
        table = segments.segment_reports(root, ref)
        alive = table[~np.isin(table["first"].to_numpy(), segments.dead_rows(root, ref))]
        hit = alive["report_id"].isin(gone).to_numpy()
        kept = alive[~hit]
        runs.update((r, (ref.name, int(f), int(c))) for r, f, c in zip(kept["report_id"], kept["first"], kept["count"]))
        if hit.any():
            firsts = alive.loc[hit, "first"].to_numpy(dtype=np.int64)
            counts = alive.loc[hit, "count"].to_numpy(dtype=np.int64)
            dead[ref.name] = _runs(firsts, counts)
    return dead, _Where(runs)


def _runs(firsts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The rows first … first + count - 1 of each run, laid end to end."""
    total = int(counts.sum())
    return np.repeat(firsts, counts) + np.arange(total, dtype=np.int64) - np.repeat(_offsets(counts), counts)


def _with_changes(root: Path, ref: SegmentRef, new_dead: np.ndarray | None, new_marks: pd.DataFrame | None,
                  generation: int) -> SegmentRef:
    """``ref`` with more dead rows and changed marks, written as new files of the segment."""
    if (new_dead is None or not len(new_dead)) and (new_marks is None or new_marks.empty):
        return ref
    place = segments.segment_folder(root, ref)
    changed = SegmentRef(**ref.to_dict())
    if new_dead is not None and len(new_dead):
        dead = np.union1d(segments.dead_rows(root, ref), new_dead).astype(np.int64)
        changed.dead = f"dead-{generation:06d}.npy"
        changed.dead_count = len(dead)
        np.save(place / changed.dead, dead)
    if new_marks is not None and not new_marks.empty:
        old = segments.mark_overrides(root, ref)
        table = pd.concat([old[~old["row"].isin(new_marks["row"])], new_marks], ignore_index=True)
        changed.marks = f"marks-{generation:06d}.parquet"
        table.to_parquet(place / changed.marks, index=False)
    return changed


def _write_segment(root: Path, name: str, frame: pd.DataFrame, vecs: np.ndarray, counts: sp.csr_matrix,
                   exact_max: int, dim: int) -> SegmentRef:
    """Write a segment (passages, vectors, BM25 counts, LSH bands, reports) into place atomically."""
    final = segments.segment_folder(root, name)
    staging = segments.segments_root(root) / f".staging-{name}-{os.getpid()}"
    staging.mkdir(parents=True)
    frame = frame.reset_index(drop=True)
    frame.to_parquet(staging / segments.SEG_PASSAGES, index=False, row_group_size=segments.ROW_GROUP)
    vectors.save(vectors.build(vecs, exact_max, dim), staging / segments.SEG_VECTORS)
    segments.save_counts(staging / segments.SEG_COUNTS, counts)
    signatures = segments.signatures_of(list(frame["minhash"]))
    segments.write_bands(staging, segments.band_keys(signatures), np.arange(len(frame), dtype=np.int64), signatures)
    ids = frame["report_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(ids)] if len(ids) else starts
    pd.DataFrame({"report_id": ids[starts], "first": starts.astype(np.int64),
                  "count": (ends - starts).astype(np.int64)}).to_parquet(staging / segments.SEG_REPORTS, index=False)
    os.replace(staging, final)
    return SegmentRef(name, len(frame), len(vecs))


def _stored_vectors(data_dir: Path, ref: SegmentRef, model: Model) -> np.ndarray:
    """Every vector a segment holds (rows in order): read back from its index, or from the
    embedding cache for an index kind that cannot give its vectors back."""
    root = index_root(data_dir)
    index = vectors.load(segments.segment_folder(root, ref) / segments.SEG_VECTORS)
    stored = vectors.stored_vectors(index)
    if stored is not None:
        return stored
    frame = segments.segment_passages(root, ref, ["simplified"], rows=np.arange(ref.passages))
    pieces = [p for text in frame["simplified"] for p in embedding_pieces(text)]
    return embed_texts(data_dir, pieces, model)


def _rewrite(data_dir: Path, sources: Sequence[SegmentRef], name: str, n_terms: int, exact_max: int,
             model: Model) -> SegmentRef:
    """One segment holding the live passages of ``sources`` in order (a merge, or a compaction)."""
    root = index_root(data_dir)
    frames: list[pd.DataFrame] = []
    parts: list[np.ndarray] = []
    counts: list[sp.csr_matrix] = []
    for ref in sources:
        live = segments.live_rows(root, ref)
        place = segments.segment_folder(root, ref)
        frame = segments.segment_passages(root, ref, PASSAGE_COLUMNS, live=live)
        if len(frame):
            all_vectors = _stored_vectors(data_dir, ref, model)
            firsts = frame["vec_first"].to_numpy(dtype=np.int64)
            piece_counts = frame["vec_count"].to_numpy(dtype=np.int64)
            parts.append(all_vectors[_runs(firsts, piece_counts)])
            frames.append(frame)
        counts.append(segments.load_counts(place / segments.SEG_COUNTS, n_terms)[live])
    frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    frame["vec_first"] = _offsets(frame["vec_count"].to_numpy(dtype=np.int64))
    vecs = np.concatenate(parts) if parts else np.zeros((0, model.dim), dtype=np.float32)
    return _write_segment(root, name, frame, vecs, sp.vstack(counts, format="csr"), exact_max, model.dim)


def _duplicate_marks(root: Path, refs: Sequence[SegmentRef], dead_now: dict[str, np.ndarray], where: _Where,
                     new_frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Near-duplicate marks of the new passages, and the changed marks of live passages per segment.

    Only passages sharing an LSH band with a new passage (or with a passage that went) are read,
    with the originals they are marked duplicates of: :func:`index.passages.duplicates.incremental_marks`
    compares the new passages with those; a live passage marked as a copy of a passage that went
    is marked again (passed as new).
    """
    by_name = {ref.name: ref for ref in refs}
    folder = {ref.name: segments.segment_folder(root, ref) for ref in refs}
    dead_all = {ref.name: np.union1d(segments.dead_rows(root, ref), dead_now.get(ref.name, np.zeros(0, np.int64)))
                for ref in refs}

    def fetch(name: str, rows: np.ndarray) -> pd.DataFrame:
        return segments.segment_passages(root, by_name[name], MARK_INPUT, rows=rows).assign(_segment=name, _row=rows)

    def candidates(minhash: list[bytes], leave: dict[str, np.ndarray]) -> list[pd.DataFrame]:
        """Live rows close enough to one of the passages ``minhash`` to be compared with it."""
        signatures = segments.signatures_of(minhash)
        keys = segments.band_keys(signatures)
        found = []
        for ref in refs:
            rows = np.setdiff1d(segments.lookup_bands(folder[ref.name], keys, signatures), dead_all[ref.name])
            rows = np.setdiff1d(rows, leave.get(ref.name, np.zeros(0, np.int64)))
            if len(rows):
                found.append(fetch(ref.name, rows))
        return found

    # Live passages whose original went: marked again.
    orphans: pd.DataFrame | None = None
    went = [segments.segment_passages(root, by_name[name], ["id", "minhash"], rows=rows)
            for name, rows in dead_now.items()]
    if went:
        gone = pd.concat(went, ignore_index=True)
        gone_ids = set(gone["id"])
        near = candidates(list(gone["minhash"]), {})
        if near:
            table = pd.concat(near, ignore_index=True)
            table = table[table["duplicate_of"].isin(gone_ids)]
            orphans = table.reset_index(drop=True) if len(table) else None
    fresh = new_frame[MARK_INPUT[:6]].assign(_segment="", _row=-1)
    if orphans is not None:
        fresh = pd.concat([fresh, orphans.drop(columns=["duplicate_of", "duplicate_score"])], ignore_index=True)
    # Live passages sharing a band with a fresh one, and the originals they are marked copies of.
    leave: dict[str, np.ndarray] = {}
    if orphans is not None:
        leave = {str(name): group["_row"].to_numpy(dtype=np.int64) for name, group in orphans.groupby("_segment")}
    found = candidates(list(fresh["minhash"]), leave)
    existing = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in [*MARK_INPUT, "_segment", "_row"]})
    wanted = duplicates.missing_originals(existing[MARK_INPUT]) - set(fresh["id"])
    extra = _fetch_ids(root, by_name, where, wanted)
    if extra is not None:
        existing = pd.concat([existing, extra], ignore_index=True)
    changes = duplicates.incremental_marks(fresh, existing[MARK_INPUT])
    of = dict(zip(changes["id"], changes["duplicate_of"]))
    score = dict(zip(changes["id"], changes["duplicate_score"]))
    marks = pd.DataFrame({"duplicate_of": [_none(of.get(i)) for i in new_frame["id"]],
                          "duplicate_score": [_none(score.get(i)) for i in new_frame["id"]]})
    overrides: dict[str, list[tuple[int, object, object]]] = {}
    for table in (fresh.iloc[len(new_frame):], existing):
        for pid, name, row in zip(table["id"], table["_segment"], table["_row"]):
            if pid in of and name:
                overrides.setdefault(name, []).append((int(row), _none(of[pid]), _none(score[pid])))
    return marks, {name: pd.DataFrame(entries, columns=["row", "duplicate_of", "duplicate_score"])
                   .astype({"duplicate_score": float}) for name, entries in overrides.items()}


def _fetch_ids(root: Path, by_name: dict[str, SegmentRef], where: _Where, ids: set[str]) -> pd.DataFrame | None:
    """The live passages ``ids`` (a passage id is its report id and place: the report's run is read)."""
    wanted: dict[str, set[int]] = {}
    for pid in ids:
        run = where.runs.get(str(pid).rsplit("-", 1)[0])
        if run is not None:
            wanted.setdefault(run[0], set()).update(range(run[1], run[1] + run[2]))
    parts = []
    for name, rows in wanted.items():
        ordered = np.array(sorted(rows), dtype=np.int64)
        frame = segments.segment_passages(root, by_name[name], MARK_INPUT, rows=ordered).assign(_segment=name, _row=ordered)
        parts.append(frame[frame["id"].isin(ids)])
    return pd.concat(parts, ignore_index=True) if parts else None


def _none(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


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
    """What killed writers left (called under the writer lock: no other writer is running, so
    every one left is a dead writer's): staging folders, link files, generations newer than
    ``current`` (complete but never switched to), and segment files no generation names."""
    for left in [*root.glob(".staging-*"), *segments.segments_root(root).glob(".staging-*")]:
        shutil.rmtree(left, ignore_errors=True)
    for left in root.glob(".current-*"):
        left.unlink(missing_ok=True)
    link = root / CURRENT
    current = _generation_number(link.resolve()) if link.exists() else 0
    for folder in root.glob("gen-*"):
        if _generation_number(folder) > current:
            shutil.rmtree(folder, ignore_errors=True)
    _remove_unreferenced(root)


def _generation_number(folder: Path) -> int:
    tail = folder.name.split("-")[-1]
    return int(tail) if tail.isdigit() else 0


def _remove_unreferenced(root: Path) -> None:
    """Segments, segment files and vocabularies that no generation on disk names."""
    named: dict[str, set[str]] = {}
    vocabularies: set[str] = set()
    for folder in root.glob("gen-*"):
        try:
            manifest = segments.read_manifest(folder)
        except (OSError, ValueError):
            continue
        if manifest.get("vocab", {}).get("file"):
            vocabularies.add(manifest["vocab"]["file"])
        for ref in segments.refs(manifest):
            named.setdefault(ref.name, set()).update(f for f in (ref.dead, ref.marks) if f)
    for place in segments.segments_root(root).glob("seg-*"):
        if place.name not in named:
            shutil.rmtree(place, ignore_errors=True)
            continue
        for left in [*place.glob("dead-*"), *place.glob("marks-*")]:
            if left.name not in named[place.name]:
                left.unlink(missing_ok=True)
    for left in root.glob("vocab-*.txt"):
        if left.name not in vocabularies:
            left.unlink(missing_ok=True)


def _write_generation(data_dir: Path, generation: int, manifest: dict, words: Sequence[str],
                      store_keys: dict[str, str] | None = None) -> None:
    """Write generation ``generation`` (its segments are written already) and switch ``current`` to it."""
    root = index_root(data_dir)
    previous = current_folder(data_dir)
    folder = root / f"gen-{generation:06d}"
    staging = root / f".staging-{generation:06d}-{os.getpid()}"
    staging.mkdir(parents=True)
    (staging / segments.USERDICT).write_text("\n".join(words), "utf-8")
    crashpoints.reached("staging_index")
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
    _remove_unreferenced(root)


def _next_generation(root: Path) -> int:
    numbers = [int(p.name.split("-")[1]) for p in root.glob("gen-*") if p.name.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1


def _next_segment(root: Path) -> int:
    numbers = [_generation_number(p) for p in segments.segments_root(root).glob("seg-*")]
    return max(numbers, default=0) + 1
