"""Immutable segments of the passage index, and the generations that list them.

A sync writes the passages it adds as one new *segment* and a small *generation* naming the
segments that are live, so adding N reports writes what N reports need, not the corpus::

    DATA/passages/segments/seg-000012/passages.parquet  the batch's passages (marks as written)
    DATA/passages/segments/seg-000012/vectors.faiss     its vectors (rows = vec_first … of its passages)
    DATA/passages/segments/seg-000012/counts.npz        BM25 term counts, columns = global term ids
    DATA/passages/segments/seg-000012/bands.npy         MinHash LSH band table (near-duplicate candidates)
    DATA/passages/segments/seg-000012/reports.parquet   report id → first row, passages (rows are contiguous)
    DATA/passages/segments/seg-000012/dead-000015.npy   its rows removed as of generation 15 (replaced or
                                                         removed reports), written when they change
    DATA/passages/segments/seg-000012/marks-000015.parquet  near-duplicate marks changed since it was written
    DATA/passages/vocab-000001.txt                      BM25 terms, one a line, append-only (a rebuild starts
                                                         a new file); a generation reads its first ``terms``
    DATA/passages/gen-000015/manifest.json              the segments (with their dead/marks files), vocabulary
                                                         length, model, sizes, store digest
    DATA/passages/gen-000015/userdict.txt               jieba's user dictionary (template, agency, place words)
    DATA/passages/gen-000015/store_keys.parquet         the store state this generation matches

Nothing a generation names is ever modified: a changed dead set or mark is a new file, and an
appended vocabulary only grows past the length older generations read.  The *global row* of a
passage is its position among the live passages of the generation's segments taken in order
(each segment's rows in order, dead rows left out): :func:`read_passages` returns them so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import scipy.sparse as sp

SEGMENTS_DIR = "segments"
MANIFEST = "manifest.json"
USERDICT = "userdict.txt"
SEG_PASSAGES = "passages.parquet"
SEG_VECTORS = "vectors.faiss"
SEG_COUNTS = "counts.npz"
SEG_BANDS = "bands.npy"
SEG_REPORTS = "reports.parquet"
# Rows per Parquet row group of a segment: fetching a few passages by row reads their groups only.
ROW_GROUP = 1024
# Columns of a segment's passages the mark overrides replace.
MARK_COLUMNS = ["duplicate_of", "duplicate_score"]


@dataclass
class SegmentRef:
    """One live segment as a generation lists it."""

    name: str
    passages: int  # rows written (live and dead)
    vectors: int
    dead: str | None = None  # file of dead rows in the segment's folder
    dead_count: int = 0
    marks: str | None = None  # file of changed near-duplicate marks

    @property
    def live(self) -> int:
        return self.passages - self.dead_count

    def to_dict(self) -> dict:
        return asdict(self)


def segments_root(index_root: Path) -> Path:
    return Path(index_root) / SEGMENTS_DIR


def read_manifest(folder: Path) -> dict:
    return json.loads((Path(folder) / MANIFEST).read_text("utf-8"))


def refs(manifest: dict) -> list[SegmentRef]:
    return [SegmentRef(**entry) for entry in manifest.get("segments", [])]


def segment_folder(index_root: Path, ref: SegmentRef | str) -> Path:
    return segments_root(index_root) / (ref if isinstance(ref, str) else ref.name)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def dead_rows(index_root: Path, ref: SegmentRef) -> np.ndarray:
    """The segment's dead rows (sorted, int64)."""
    if not ref.dead:
        return np.zeros(0, dtype=np.int64)
    return np.load(segment_folder(index_root, ref) / ref.dead).astype(np.int64)


def live_rows(index_root: Path, ref: SegmentRef) -> np.ndarray:
    """The segment's live rows in order (int64)."""
    mask = np.ones(ref.passages, dtype=bool)
    mask[dead_rows(index_root, ref)] = False
    return np.flatnonzero(mask).astype(np.int64)


def mark_overrides(index_root: Path, ref: SegmentRef) -> pd.DataFrame:
    """Near-duplicate marks changed since the segment was written: row, duplicate_of, duplicate_score."""
    if not ref.marks:
        return pd.DataFrame({"row": pd.Series(dtype=np.int64), "duplicate_of": pd.Series(dtype=object),
                             "duplicate_score": pd.Series(dtype=float)})
    return pd.read_parquet(segment_folder(index_root, ref) / ref.marks)


def _apply_marks(frame: pd.DataFrame, overrides: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame`` (the segment's ``rows``) with the overridden marks in place."""
    if overrides.empty or not any(c in frame.columns for c in MARK_COLUMNS):
        return frame
    position = pd.Series(np.arange(len(rows)), index=rows)
    hit = overrides[overrides["row"].isin(rows)]
    if hit.empty:
        return frame
    at = position.loc[hit["row"].to_numpy()].to_numpy()
    frame = frame.copy()
    for column in MARK_COLUMNS:
        if column in frame.columns:
            values = frame[column].to_numpy(dtype=object).copy()
            values[at] = hit[column].to_numpy(dtype=object)
            frame[column] = values
    return frame


def segment_passages(index_root: Path, ref: SegmentRef, columns: Sequence[str] | None = None,
                     rows: np.ndarray | None = None, live: np.ndarray | None = None) -> pd.DataFrame:
    """Rows ``rows`` of a segment (None: its live rows, ``live`` when known), marks overridden,
    index reset."""
    path = segment_folder(index_root, ref) / SEG_PASSAGES
    wanted = list(columns) if columns is not None else None
    if rows is None:
        rows = live if live is not None else live_rows(index_root, ref)
        frame = pd.read_parquet(path, columns=wanted)
        if len(rows) != len(frame):
            frame = frame.iloc[rows]
    else:
        frame = take_rows(path, rows, wanted)
    frame = frame.reset_index(drop=True)
    return _apply_marks(frame, mark_overrides(index_root, ref), rows)


def take_rows(path: Path, rows: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows ``rows`` (in the order given) of a Parquet file, reading only their row groups."""
    rows = np.asarray(rows, dtype=np.int64)
    reader = pq.ParquetFile(path)
    sizes = np.array([reader.metadata.row_group(i).num_rows for i in range(reader.num_row_groups)], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    if len(rows) == 0:
        return reader.schema_arrow.empty_table().select(columns or reader.schema_arrow.names).to_pandas()
    groups = np.unique(np.searchsorted(starts, rows, side="right") - 1)
    table = reader.read_row_groups(groups.tolist(), columns=columns)
    # Position of each wanted row inside the groups read.
    before = np.concatenate([[0], np.cumsum(sizes[groups])])
    group_of = np.searchsorted(starts, rows, side="right") - 1
    local = before[np.searchsorted(groups, group_of)] + rows - starts[group_of]
    return table.take(local).to_pandas()


def generation_folder(data_dir_or_folder: Path) -> Path | None:
    """A generation folder, or the current one of a corpus directory (None without an index)."""
    path = Path(data_dir_or_folder)
    if (path / MANIFEST).exists():
        return path.resolve()
    link = path / "passages" / "current"
    return link.resolve() if link.exists() else None


def read_passages(data_dir_or_folder: Path | str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The live passages of a generation (or of a corpus directory's current one), in global row order.

    ``columns``: only those (all by default; ``vec_first`` is the row in the passage's own segment).
    Marks changed after a segment was written are applied.
    """
    folder = generation_folder(Path(data_dir_or_folder))
    if folder is None:
        raise FileNotFoundError(f"no passage index generation in {data_dir_or_folder}")
    root = folder.parent
    parts = [segment_passages(root, ref, columns) for ref in refs(read_manifest(folder))]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in (columns or [])})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def segment_reports(index_root: Path, ref: SegmentRef) -> pd.DataFrame:
    """report_id, first, count of the reports written in a segment (live or not)."""
    return pd.read_parquet(segment_folder(index_root, ref) / SEG_REPORTS)


# ---------------------------------------------------------------------------
# BM25 counts and the vocabulary
# ---------------------------------------------------------------------------


def read_vocab(index_root: Path, vocab: dict) -> list[str]:
    """The first ``vocab['terms']`` terms of the append-only vocabulary file the generation names."""
    if not vocab.get("file") or int(vocab["terms"]) == 0:
        return []
    with open(Path(index_root) / vocab["file"], "rb") as fh:
        text = fh.read(int(vocab["bytes"])).decode("utf-8")
    terms = text.split("\n")[:-1] if text else []
    if len(terms) != int(vocab["terms"]):
        raise ValueError(f"vocabulary {vocab['file']} holds {len(terms)} terms, the generation names {vocab['terms']}")
    return terms


def append_vocab(index_root: Path, vocab: dict, new_terms: Sequence[str]) -> dict:
    """Append ``new_terms`` after the generation's ``vocab`` (dropping what a killed writer appended
    past it, which no generation reads); the vocabulary entry of the next generation."""
    path = Path(index_root) / vocab["file"]
    size = int(vocab["bytes"])
    data = "".join(f"{t}\n" for t in new_terms).encode("utf-8")
    with open(path, "r+b" if path.exists() else "w+b") as fh:
        fh.truncate(size)
        fh.seek(size)
        fh.write(data)
        fh.flush()
    return {"file": vocab["file"], "terms": int(vocab["terms"]) + len(new_terms), "bytes": size + len(data)}


def save_counts(path: Path, counts: sp.csr_matrix) -> None:
    sp.save_npz(path, counts.tocsr(), compressed=False)


def load_counts(path: Path, n_terms: int) -> sp.csr_matrix:
    counts = sp.load_npz(path).tocsr()
    return sp.csr_matrix((counts.data, counts.indices, counts.indptr), shape=(counts.shape[0], n_terms))


# ---------------------------------------------------------------------------
# Near-duplicate band tables (index.passages.duplicates.BandIndex, rows local to the segment)
# ---------------------------------------------------------------------------


def signatures_of(minhash: Sequence[bytes]) -> np.ndarray:
    """The MinHash signatures of passages (rows) from their stored bytes."""
    from index.passages.duplicates import N_HASHES

    if len(minhash) == 0:
        return np.zeros((0, N_HASHES), dtype=np.uint32)
    return np.frombuffer(b"".join(minhash), dtype=np.uint32).reshape(len(minhash), -1)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    from index.passages import duplicates

    return duplicates.band_keys(signatures)


def write_bands(folder: Path, keys: np.ndarray, rows: np.ndarray, signatures: np.ndarray | None = None) -> None:
    """The segment's band table; with the passages' ``signatures``, also the file that lets a
    lookup leave out passages too different to be compared (BandIndex.lookup)."""
    from index.passages.duplicates import BandIndex

    BandIndex.write(folder / SEG_BANDS, keys, rows, signatures)


def lookup_bands(folder: Path, keys: np.ndarray, signatures: np.ndarray | None = None) -> np.ndarray:
    """Rows of the segment in ``folder`` sharing a band key with any of ``keys`` (sorted, distinct);
    given the querying passages' ``signatures``, only those agreeing with one on enough hashes."""
    from index.passages.duplicates import BandIndex

    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(BandIndex.open(folder / SEG_BANDS).lookup(keys, signatures), dtype=np.int64)


# ---------------------------------------------------------------------------
# Merge policy
# ---------------------------------------------------------------------------

# Segments are merged by tiers: a segment's tier is how many times MERGE_FACTOR its live
# passages exceed TIER_BASE; when MERGE_FACTOR segments share a tier they become one
# segment of the next tier.  Each passage is so rewritten once per tier it climbs
# (log_MERGE_FACTOR of the corpus over TIER_BASE times), and at most MERGE_FACTOR - 1
# segments per tier stay apart.
MERGE_FACTOR = 8
TIER_BASE = 2000
# Past this share of dead rows a segment is rewritten with its live rows only.
MAX_DEAD_SHARE = 0.2


def tier(live: int) -> int:
    level, size = 0, TIER_BASE
    while live >= size:
        level += 1
        size *= MERGE_FACTOR
    return level


def plan_merges(segments: Sequence[SegmentRef]) -> list[tuple[list[str], bool]]:
    """The next segment list: (source segment names, rewrite) in order.

    A segment with no live row is dropped; one past MAX_DEAD_SHARE dead rows is rewritten with
    its live rows; MERGE_FACTOR adjacent segments of one tier become one segment (repeatedly:
    a merge may fill the next tier).  Only adjacent segments merge, so the global row order of
    the live passages never changes.
    """
    plan: list[tuple[list[str], int, bool]] = []
    for ref in segments:
        if ref.live == 0:
            continue
        plan.append(([ref.name], ref.live, ref.dead_count / max(ref.passages, 1) > MAX_DEAD_SHARE))
    merging = True
    while merging:
        merging = False
        tiers = [tier(live) for _, live, _ in plan]
        for start in range(len(plan) - MERGE_FACTOR + 1):
            window = tiers[start:start + MERGE_FACTOR]
            if all(t == window[0] for t in window):
                group = plan[start:start + MERGE_FACTOR]
                merged = ([n for names, _, _ in group for n in names], sum(live for _, live, _ in group), True)
                plan[start:start + MERGE_FACTOR] = [merged]
                merging = True
                break
    return [(names, rewrite) for names, _, rewrite in plan]
