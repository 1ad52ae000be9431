"""FAISS over unit vectors (inner product = cosine), memory-mapped when loaded.

Three kinds, by the number of vectors ``n``:

* up to ``exact_index_max``: exact (``IndexFlatIP``);
* below ``ON_DISK_MIN`` (only when ``exact_index_max`` is set lower than it): an HNSW graph
  (``IndexHNSWFlat``);
* past both: an inverted-file index over 8-bit scalar-quantised vectors
  (``IndexIVFScalarQuantizer``, ``"ivf"``).  A search reads ``nprobe`` of its ``nlist``
  lists, under 1% of the file at a million vectors, and the file is a quarter of the float32 vectors, so even a
  process that ends up touching every list holds at most that quarter.

:func:`load` memory-maps the file (``faiss.IO_FLAG_MMAP_IFC``, zero-copy in faiss ≥ 1.12) for
every kind: a loaded index costs the process a few MB of private memory, and only the pages a
search reads come into its resident set (shared with every other process reading the same
generation, and reclaimable by the kernel).  The crossovers were measured with
``bench/vectors.py``: see that script's output.

Filters are applied inside the search, never after the top-k:

* the allowed rows go into FAISS as an ``IDSelectorBitmap``;
* the exact index scans the allowed rows only;
* HNSW with a filter that leaves few rows (up to ``SUBSET_EXACT_MAX``) scans those rows
  exactly in the graph's own flat storage (a graph walk through mostly forbidden nodes
  would miss them); with a broader filter it walks the graph with the selector and a
  beam (``efSearch``) widened in proportion to how much the filter removes;
* the inverted file reads ``nprobe / share`` lists (all of them under a narrow filter), so
  about as many allowed rows are scored as without a filter.

Row numbers are positions in the order vectors were added.  Rows of removed passages stay
in the index until the next rebuild; callers pass the rows still live as the filter.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from index.passages import runtime  # noqa: F401  (passive OpenMP: before FAISS loads)

import faiss  # noqa: E402
import numpy as np  # noqa: E402

FLAT = "flat"
HNSW = "hnsw"
IVF = "ivf"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
HNSW_EF_MAX = 1024
# HNSW searches whose filter leaves at most this many rows score those rows exactly: a
# dot product per allowed row plus a bit test per stored row, a few ms at 500,000 rows.
SUBSET_EXACT_MAX = 50000
# From this many vectors on, an index past the exact range is the inverted file, not HNSW.
# bench/vectors.py at 37,794 real m3e vectors, 150,000 and 400,000 (real plus noise): the
# inverted file has the better recall@10 against exact (0.98 against 0.72-0.75 for HNSW
# with efSearch 64), builds 5-13x faster, and a process holds a third of what the mapped
# graph ends up holding; HNSW is faster only by under 1 ms at p50.  So the crossover is the
# end of the default exact range: HNSW is left for a lowered ``exact_index_max``.
ON_DISK_MIN = 100_000
# Inverted lists: about 2·√n of them, trained on IVF_TRAIN_PER_LIST vectors per list;
# a search reads nprobe of them (recall@10 against exact ≥ 0.95 on m3e vectors, see
# bench/vectors.py).
IVF_TRAIN_PER_LIST = 40
IVF_NPROBE_MIN = 16
IVF_NPROBE_SHARE = 1 / 200
# Vectors assigned to lists per call while building (bounds the assignment's scratch memory).
ADD_CHUNK = 65536


@dataclass
class VectorIndex:
    index: faiss.Index
    kind: str
    dim: int
    # The file this index is memory-mapped from (None: held in memory, can take ``add``).
    path: Path | None = None
    # The HNSW graph's flat storage, downcast once (the graph owns it).
    _flat: faiss.IndexFlat | None = field(default=None, repr=False)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def mapped(self) -> bool:
        return self.path is not None

    def _storage(self) -> faiss.IndexFlat:
        if self._flat is None:
            # Only an HNSW index asks for its storage, which is flat.
            graph = cast(faiss.IndexHNSW, self.index)
            self._flat = cast(faiss.IndexFlat, faiss.downcast_index(graph.storage))
        return self._flat

    def nprobe(self) -> int:
        """Lists an unfiltered search of an inverted-file index reads."""
        nlist = int(cast(faiss.IndexIVF, self.index).nlist)
        return min(nlist, max(IVF_NPROBE_MIN, math.ceil(nlist * IVF_NPROBE_SHARE)))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the ``k`` nearest vectors among rows ``allowed`` (None: all)."""
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is not None and len(allowed) >= self.ntotal:
            allowed = None
        k = min(k, self.ntotal if allowed is None else len(allowed))
        with _single_thread():
            if allowed is None:
                scores, rows = self.index.search(query, k, params=self._params(k, None, 1.0))
            else:
                # ``bitmap`` and ``selector`` must outlive the search: FAISS reads them.
                bitmap = _bitmap(allowed, self.ntotal)
                selector = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bitmap))
                share = len(allowed) / self.ntotal
                if self.kind == HNSW and len(allowed) <= SUBSET_EXACT_MAX:
                    scores, rows = self._storage().search(query, k, params=_search_params(sel=selector))
                else:
                    scores, rows = self.index.search(query, k, params=self._params(k, selector, share))
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def _params(self, k: int, selector: faiss.IDSelector | None, share: float) -> faiss.SearchParameters | None:
        """Search parameters for ``k`` results under a filter keeping ``share`` of the rows
        (1: no filter)."""
        fields: dict[str, Any] = {} if selector is None else {"sel": selector}
        if self.kind == FLAT:
            return _search_params(**fields) if fields else None
        if self.kind == HNSW:
            ef = int(min(HNSW_EF_MAX, max(HNSW_EF_SEARCH, k) / max(share, 1e-9))) if share < 1 else max(HNSW_EF_SEARCH, k)
            return cast(Any, faiss).SearchParametersHNSW(efSearch=ef, **fields)
        nlist = int(cast(faiss.IndexIVF, self.index).nlist)
        # As many allowed rows scored as without a filter; a narrow filter reads every list
        # (a bit test per stored row, a distance per allowed row, like an exact scan).
        nprobe = min(nlist, math.ceil(self.nprobe() / min(share, 1.0)))
        return cast(Any, faiss).SearchParametersIVF(nprobe=nprobe, **fields)


def _search_params(**fields: Any) -> faiss.SearchParameters:
    # FAISS sets keyword arguments as fields; its stubs declare an __init__ without them.
    return cast(Any, faiss.SearchParameters)(**fields)


def _bitmap(rows: np.ndarray, n: int) -> np.ndarray:
    """FAISS's bitmap layout: bit ``i & 7`` of byte ``i >> 3`` is set for each row i."""
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return np.packbits(mask, bitorder="little")


@contextmanager
def _single_thread() -> Iterator[None]:
    """One query is one thread's work: OpenMP workers waiting on busy cores cost more
    than they save (measured: 40 ms instead of 2.5 ms for 25,000 vectors on 2 loaded cores)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def search_segments(parts: Sequence[tuple[VectorIndex, int]], query: np.ndarray, k: int,
                    allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(global rows, scores) of the ``k`` nearest vectors over several indexes, the rows of
    each starting at its offset, among global rows ``allowed`` (None: all).

    Each index returns its own best ``k`` among its allowed rows, so the best ``k`` overall
    are among them."""
    found_rows: list[np.ndarray] = []
    found_scores: list[np.ndarray] = []
    for index, offset in parts:
        local = None
        if allowed is not None:
            inside = allowed[(allowed >= offset) & (allowed < offset + index.ntotal)]
            if len(inside) == 0:
                continue
            local = inside - offset
        rows, scores = index.search(query, k, local)
        found_rows.append(rows + offset)
        found_scores.append(scores)
    if not found_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows = np.concatenate(found_rows)
    scores = np.concatenate(found_scores)
    best = np.argsort(-scores, kind="stable")[:k]
    return rows[best], scores[best]


def kind_for(n: int, exact_max: int) -> str:
    if n <= exact_max:
        return FLAT
    return HNSW if n < ON_DISK_MIN else IVF


def stored_vectors(index: VectorIndex) -> np.ndarray | None:
    """The float32 vectors (rows in order) if the index keeps them exactly; None for the
    inverted file, whose 8-bit codes give back approximations (about 2e-3 off): take its
    vectors from the embedding cache instead."""
    if index.kind == IVF:
        return None
    return np.asarray(index.index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def outgrown(index: VectorIndex) -> bool:
    """Whether an inverted file has grown by appends to 4x what its lists were trained
    for (each list then holds 4x the vectors a search should read): rebuild it."""
    if index.kind != IVF:
        return False
    return int(cast(faiss.IndexIVF, index.index).nlist) * 2 <= nlist_for(index.ntotal)


def nlist_for(n: int) -> int:
    """Inverted lists for ``n`` vectors: about 2·√n, so a list holds about √n / 2."""
    return max(1, min(65536, round(2 * math.sqrt(n))))


def empty(dim: int, kind: str) -> VectorIndex:
    if kind == FLAT:
        index: faiss.Index = faiss.IndexFlatIP(dim)
    elif kind == HNSW:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"an index of kind {kind!r} is trained on its vectors: build it with build()")
    return VectorIndex(index, kind, dim)


def build(vectors: np.ndarray, exact_max: int, dim: int | None = None, kind: str | None = None) -> VectorIndex:
    """An index of ``vectors`` (rows 0…n-1), exact, HNSW or inverted file by size (or of
    ``kind``).  ``vectors`` may be a memory-mapped array: it is read in chunks."""
    dim = int(dim or vectors.shape[1])
    kind = kind or kind_for(len(vectors), exact_max)
    if kind == IVF:
        index = _trained_ivf(vectors, dim)
    else:
        index = empty(dim, kind)
    add(index, vectors)
    return index


def _trained_ivf(vectors: np.ndarray, dim: int) -> VectorIndex:
    nlist = nlist_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    # An evenly spaced sample (a fixed choice: the same vectors give the same index).
    sample_size = min(len(vectors), nlist * IVF_TRAIN_PER_LIST)
    picks = np.linspace(0, len(vectors) - 1, sample_size).astype(np.int64)
    ivf.train(np.ascontiguousarray(vectors[picks], dtype=np.float32))
    return VectorIndex(ivf, IVF, dim)


def add(index: VectorIndex, vectors: np.ndarray) -> None:
    """Append ``vectors``; they take rows ntotal, ntotal+1, …

    A memory-mapped index is first read into memory (FAISS cannot grow a mapped file)."""
    if not len(vectors):
        return
    if index.path is not None:
        index.index = faiss.read_index(str(index.path))
        index.path = None
        index._flat = None
    for start in range(0, len(vectors), ADD_CHUNK):
        index.index.add(np.ascontiguousarray(vectors[start:start + ADD_CHUNK], dtype=np.float32))


def save(index: VectorIndex, path: Path) -> None:
    faiss.write_index(index.index, str(path))


def load(path: Path) -> VectorIndex:
    """The index in ``path``, memory-mapped: only the pages a search reads are resident."""
    # read_index returns the concrete class already; downcasting again would hand back
    # a second wrapper that does not own the C++ object.
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    if isinstance(index, faiss.IndexHNSW):
        kind = HNSW
    elif isinstance(index, faiss.IndexIVF):
        kind = IVF
    else:
        kind = FLAT
    return VectorIndex(index, kind, int(index.d), Path(path))
