"""Hybrid passage search: BM25 and dense retrieval fused by reciprocal rank fusion.

Filters (year, agency, region, section kind, topic) become one boolean mask over the
passages, and each retriever searches only inside it, so a filtered search returns the
best k passages that pass the filter, not whatever survives of an unfiltered top-k.

``build_index`` and ``sync_index`` (from :mod:`index.passages.indexer`) are what the ingest calls.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from index.passages import segments, vectors
from index.passages.query_encoder import encode_query
from index.passages.indexer import IndexState, NoIndex, build_index, current_folder, load_state, sync_index
from index.passages.chunk import KINDS
from index.passages.settings import IndexSettings
from index.passages.topics import TOPICS
from index.passages.topics import topic as find_topic
from parsing.errors import GongkaiError
from parsing.meta import to_simplified

__all__ = ["Hit", "search", "browse", "facet_counts", "build_index", "sync_index", "NoIndex", "UnknownKind",
           "RETRIEVERS"]

RETRIEVERS = ("bm25", "dense")
# Reciprocal rank fusion constant (Cormack et al. 2009): 60 damps the head of each list.
RRF_K = 60
# Each retriever contributes this many candidates (at least) to the fusion.
DEPTH = 50

_KIND_ALIASES = {"measure": "measures", "improvements": "measures", "improvement": "measures",
                 "problem": "problems", "requests_handling": "requests", "review": "review_litigation",
                 "litigation": "review_litigation", "active": "active_disclosure"}


class UnknownKind(GongkaiError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown section kind {name!r}; use one of: {', '.join(KINDS)}")


@dataclass
class Hit:
    """One passage found, with where it comes from and why it ranked."""

    id: str
    report_id: str
    source: str
    agency: str | None
    year: int | None
    region: str
    section_no: int
    section_title: str
    kind: str
    marker: str
    text: str
    topics: list[str]
    duplicate_of: str | None
    score: float
    bm25_score: float | None = None
    dense_score: float | None = None
    bm25_rank: int | None = None
    dense_rank: int | None = None
    retrievers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------
# Loaded index, cached per process
# ---------------------------------------------------------------------------


# What a search keeps in memory of each passage: what the filters and the ranking need, as
# arrays (no text: a hit's text and metadata are read by row number from its segment).
_SEARCH_COLUMNS = ["report_id", "agency", "year", "province", "city", "county", "township", "kind", "ordinal",
                   "topics", "duplicate_of", "vec_first", "vec_count"]
# What a Hit shows of its passage, read for the hits only.
_HIT_COLUMNS = ["id", "report_id", "source", "agency", "year", "province", "city", "county", "township",
                "section_no", "section_title", "kind", "marker", "text", "topics", "duplicate_of"]


@dataclass
class _Loaded:
    state: IndexState  # its ``passages`` frame is left empty: the arrays below replace it
    refs: list[segments.SegmentRef]  # the generation's segments, in the order of state.parts
    year: np.ndarray
    kind_codes: np.ndarray
    kinds: list[str]
    topic_bits: np.ndarray
    duplicate: np.ndarray
    agency_codes: np.ndarray
    agencies: list[str]
    region_codes: np.ndarray
    regions: list[str]
    report_codes: np.ndarray
    reports: list[str]
    ordinal: np.ndarray
    row_of_vector: np.ndarray  # global vector row → global passage row (-1: a dead passage's)
    vector_rows: np.ndarray  # the live passages' global vector rows
    vector_owner: np.ndarray  # … and their passages' global rows
    parts: list[tuple[vectors.VectorIndex, int]]  # each segment's vectors, first global vector row
    n_vectors: int


# Loaded indexes by corpus directory; a sync makes a new generation folder, which reloads.
_CACHE: dict[Path, _Loaded] = {}
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def _loaded(data_dir: Path) -> _Loaded:
    """The current generation of ``data_dir``'s index, loaded once per process and shared by
    its threads (a lock: sessions asking at the same time wait for one load)."""
    folder = current_folder(data_dir)
    if folder is None:
        raise NoIndex(Path(data_dir))
    key = Path(data_dir).resolve()
    cached = _CACHE.get(key)
    if cached is not None and cached.state.folder == folder:
        return cached
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.state.folder == folder:
            return cached
        return _load(data_dir, key, folder)


def _load(data_dir: Path, key: Path, folder: Path) -> _Loaded:
    state = load_state(data_dir, _SEARCH_COLUMNS)
    frame = state.passages
    bit = {t.key: np.int64(1) << np.int64(i) for i, t in enumerate(TOPICS)}
    topic_bits = np.array([sum((bit[t] for t in ts if t in bit), np.int64(0)) for ts in frame["topics"]],
                          dtype=np.int64)
    agency_codes, agencies = pd.factorize(frame["agency"].fillna(""))
    labels = (frame["province"].fillna("") + frame["city"].fillna("") + frame["county"].fillna("")
              + frame["township"].fillna(""))
    region_codes, regions = pd.factorize(labels)
    kind_codes, kinds = pd.factorize(frame["kind"])
    report_codes, reports = pd.factorize(frame["report_id"])
    # Each passage owns a run of rows of its segment's vectors (one per piece); the segments'
    # rows are laid end to end as global vector rows.  Rows of removed passages stay in their
    # segment until it is merged or compacted, and belong to no passage.
    owners: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    parts: list[tuple[vectors.VectorIndex, int]] = []
    offset = 0
    all_counts = frame["vec_count"].to_numpy(dtype=np.int64)
    all_firsts = frame["vec_first"].to_numpy(dtype=np.int64)
    for part in state.parts:
        span = slice(part.first_row, part.first_row + len(part.live))
        counts, firsts = all_counts[span], all_firsts[span]
        owners.append(np.repeat(np.arange(span.start, span.stop, dtype=np.int64), counts))
        rows.append(offset + np.repeat(firsts, counts) + np.arange(int(counts.sum()), dtype=np.int64)
                    - np.repeat(np.cumsum(counts) - counts, counts))
        parts.append((part.vectors, offset))
        offset += part.vectors.ntotal
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    vector_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    row_of_vector = np.full(offset, -1, dtype=np.int64)
    row_of_vector[vector_rows] = owner
    loaded = _Loaded(
        state=replace(state, passages=frame.iloc[:0].copy()), refs=segments.refs(state.manifest),
        year=frame["year"].fillna(-1).to_numpy(dtype=np.int64),
        kind_codes=kind_codes, kinds=list(kinds),
        topic_bits=topic_bits,
        duplicate=frame["duplicate_of"].notna().to_numpy(),
        agency_codes=agency_codes, agencies=list(agencies),
        region_codes=region_codes, regions=list(regions),
        report_codes=report_codes, reports=list(reports),
        ordinal=frame["ordinal"].to_numpy(dtype=np.int64),
        row_of_vector=row_of_vector, vector_rows=vector_rows, vector_owner=owner,
        parts=parts, n_vectors=offset,
    )
    _CACHE.pop(key, None)
    while len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = loaded
    return loaded


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def resolve_kind(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _KIND_ALIASES.get(key, key)
    if key not in KINDS:
        raise UnknownKind(name)
    return key


def filter_mask(loaded: _Loaded, *, year: int | None = None, years: Iterable[int] | None = None,
                agency: str | Iterable[str] | None = None, region: str | Iterable[str] | None = None,
                kind: str | Iterable[str] | None = None, topic_name: str | Iterable[str] | None = None,
                exclude_duplicates: bool = False) -> np.ndarray | None:
    """Boolean mask of passages passing every filter given; None when no filter is given."""
    mask = np.ones(len(loaded.year), dtype=bool)
    used = False
    wanted_years = {int(y) for y in [*_as_list(year), *_as_list(years)]}
    if wanted_years:
        mask &= np.isin(loaded.year, list(wanted_years))
        used = True
    if agency is not None:
        names = [to_simplified(a) for a in _as_list(agency)]
        ok = np.array([any(n in a for n in names) for a in loaded.agencies], dtype=bool)
        mask &= ok[loaded.agency_codes] if len(ok) else False
        used = True
    if region is not None:
        names = [to_simplified(r) for r in _as_list(region)]
        ok = np.array([any(n in r for n in names) for r in loaded.regions], dtype=bool)
        mask &= ok[loaded.region_codes] if len(ok) else False
        used = True
    if kind is not None:
        wanted = {resolve_kind(k) for k in _as_list(kind)}
        ok = np.array([k in wanted for k in loaded.kinds], dtype=bool)
        mask &= ok[loaded.kind_codes] if len(ok) else False
        used = True
    if topic_name is not None:
        keys = {find_topic(t).key for t in _as_list(topic_name)}
        bits = np.int64(0)
        for i, t in enumerate(TOPICS):
            if t.key in keys:
                bits |= np.int64(1) << np.int64(i)
        mask &= (loaded.topic_bits & bits) != 0
        used = True
    if exclude_duplicates:
        mask &= ~loaded.duplicate
        used = True
    return mask if used else None


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


def search(data_dir: str | Path, query: str, *, year: int | None = None, years: Iterable[int] | None = None,
           agency: str | Iterable[str] | None = None, region: str | Iterable[str] | None = None,
           kind: str | Iterable[str] | None = None, topic: str | Iterable[str] | None = None,
           k: int = IndexSettings.top_k, retrievers: Iterable[str] = RETRIEVERS,
           exclude_duplicates: bool = False) -> list[Hit]:
    """The ``k`` best passages for ``query`` among those passing the filters.

    ``retrievers`` picks BM25, dense or both (fused by reciprocal rank fusion).  Queries
    are encoded with the model the index was built with (its manifest names it).
    """
    loaded = _loaded(Path(data_dir))
    mask = filter_mask(loaded, year=year, years=years, agency=agency, region=region, kind=kind,
                       topic_name=topic, exclude_duplicates=exclude_duplicates)
    chosen = [r for r in RETRIEVERS if r in set(retrievers)]
    if not chosen:
        raise GongkaiError(f"retrievers must name at least one of {', '.join(RETRIEVERS)}")
    if not query.strip() or (mask is not None and not mask.any()):
        return []
    depth = max(DEPTH, 4 * k)
    ranked: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if "bm25" in chosen:
        ranked["bm25"] = loaded.state.lexical.search(query, depth, mask)
    if "dense" in chosen:
        ranked["dense"] = _dense(loaded, query, depth, mask)
    return _fuse(loaded, ranked, k)


def _dense(loaded: _Loaded, query: str, depth: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Passages by their best piece's cosine similarity to the query."""
    vector = encode_query(to_simplified(query), loaded.state.manifest.get("model") or None)
    if mask is None and loaded.n_vectors == len(loaded.vector_rows):
        allowed = None
    else:
        allowed = loaded.vector_rows if mask is None else loaded.vector_rows[mask[loaded.vector_owner]]
    # A passage may fill several of the nearest rows: ask for enough rows to find
    # ``depth`` distinct passages.
    per_passage = max(1.0, len(loaded.vector_rows) / max(len(loaded.year), 1))
    vector_rows, scores = vectors.search_segments(loaded.parts, vector, int(depth * per_passage) + depth, allowed)
    rows = loaded.row_of_vector[vector_rows]
    keep = rows >= 0
    rows, scores = rows[keep], scores[keep]
    _, first = np.unique(rows, return_index=True)
    first = np.sort(first)[:depth]  # results come best first: the first row of a passage is its best
    return rows[first], scores[first]


def _fuse(loaded: _Loaded, ranked: dict[str, tuple[np.ndarray, np.ndarray]], k: int) -> list[Hit]:
    """Reciprocal rank fusion: each retriever adds 1 / (RRF_K + rank) to a passage's score."""
    fused: dict[int, float] = {}
    detail: dict[int, dict[str, tuple[int, float]]] = {}
    for name, (rows, scores) in ranked.items():
        for rank, (row, score) in enumerate(zip(rows.tolist(), scores.tolist()), start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
            detail.setdefault(row, {})[name] = (rank, float(score))
    best = sorted(fused, key=lambda r: (-fused[r], r))[:k]
    shown = _passages(loaded, best)
    return [_hit(shown.iloc[i], round(fused[row], 6), detail[row]) for i, row in enumerate(best)]


def _passages(loaded: _Loaded, rows: Sequence[int]) -> pd.DataFrame:
    """The passages at global ``rows`` (in that order), read by row number from their segments
    (only the row groups holding them), with their current near-duplicate marks."""
    wanted = np.asarray(rows, dtype=np.int64)
    if not len(wanted):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _HIT_COLUMNS})
    firsts = np.array([part.first_row for part in loaded.state.parts], dtype=np.int64)
    part_of = np.searchsorted(firsts, wanted, side="right") - 1
    frames: list[pd.DataFrame] = []
    places: list[np.ndarray] = []
    root = loaded.state.folder.parent
    for i in np.unique(part_of).tolist():
        at = np.flatnonzero(part_of == i)
        part = loaded.state.parts[i]
        frames.append(segments.segment_passages(root, loaded.refs[i], _HIT_COLUMNS,
                                                rows=part.live[wanted[at] - part.first_row]))
        places.append(at)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame.iloc[np.argsort(np.concatenate(places), kind="stable")].reset_index(drop=True)


def _hit(p: pd.Series, score: float, found: dict[str, tuple[int, float]]) -> Hit:
    return Hit(
        id=p["id"], report_id=p["report_id"], source=p["source"], agency=p["agency"],
        year=None if pd.isna(p["year"]) else int(p["year"]),
        region="".join(x for x in (p["province"], p["city"], p["county"], p["township"]) if isinstance(x, str)),
        section_no=int(p["section_no"]), section_title=p["section_title"], kind=p["kind"],
        marker=p["marker"], text=p["text"], topics=list(p["topics"]),
        duplicate_of=p["duplicate_of"] if isinstance(p["duplicate_of"], str) else None,
        score=score,
        bm25_score=found["bm25"][1] if "bm25" in found else None,
        dense_score=found["dense"][1] if "dense" in found else None,
        bm25_rank=found["bm25"][0] if "bm25" in found else None,
        dense_rank=found["dense"][0] if "dense" in found else None,
        retrievers=[name for name in RETRIEVERS if name in found],
    )


def browse(data_dir: str | Path, *, year: int | None = None, years: Iterable[int] | None = None,
           agency: str | Iterable[str] | None = None, region: str | Iterable[str] | None = None,
           kind: str | Iterable[str] | None = None, topic: str | Iterable[str] | None = None,
           exclude_duplicates: bool = False, limit: int = 100) -> list[Hit]:
    """Passages passing the filters, with no query: newest year first, then agency, in
    reading order (e.g. every improvement measure on one topic)."""
    loaded = _loaded(Path(data_dir))
    mask = filter_mask(loaded, year=year, years=years, agency=agency, region=region, kind=kind,
                       topic_name=topic, exclude_duplicates=exclude_duplicates)
    rows = np.arange(len(loaded.year)) if mask is None else np.flatnonzero(mask)
    order = np.lexsort((loaded.ordinal[rows], loaded.agency_codes[rows], -loaded.year[rows]))
    shown = _passages(loaded, rows[order][:limit].tolist())
    return [_hit(shown.iloc[i], 0.0, {}) for i in range(len(shown))]


def matching_reports(data_dir: str | Path, *, years: Iterable[int] | None = None,
                     agency: str | Iterable[str] | None = None, region: str | Iterable[str] | None = None,
                     kind: str | Iterable[str] | None = None, topic: str | Iterable[str] | None = None) -> set[str]:
    """The reports with at least one passage passing the filters (e.g. every report whose text
    carries a topic): counted over the whole index, not over a search's top results."""
    loaded = _loaded(Path(data_dir))
    mask = filter_mask(loaded, years=years, agency=agency, region=region, kind=kind, topic_name=topic)
    codes = loaded.report_codes if mask is None else loaded.report_codes[mask]
    return {loaded.reports[c] for c in np.unique(codes).tolist()}


def facet_counts(data_dir: str | Path, *, kind: str | Iterable[str] | None = None,
                 year: int | None = None, agency: str | None = None, region: str | None = None) -> dict[str, int]:
    """Passages per topic among those passing the filters (e.g. measures by topic)."""
    loaded = _loaded(Path(data_dir))
    mask = filter_mask(loaded, year=year, agency=agency, region=region, kind=kind)
    bits = loaded.topic_bits if mask is None else loaded.topic_bits[mask]
    return {t.key: int(((bits >> np.int64(i)) & 1).sum()) for i, t in enumerate(TOPICS)}
