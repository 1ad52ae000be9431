"""FAISS over unit vectors (inner product = cosine).

Up to ``exact_index_max`` vectors the index is exact (``IndexFlatIP``); past it an HNSW
graph (``IndexHNSWFlat``), whose search time hardly grows with the corpus.  The crossover
was measured with ``bench/index.py``: see that script's output.

Filters are applied inside the search, never after the top-k:

* the allowed rows go into FAISS as an ``IDSelectorBitmap``;
* the exact index scans the allowed rows only;
* HNSW with a filter that leaves few rows (up to ``SUBSET_EXACT_MAX``) scans those rows
  exactly in the graph's own flat storage (a graph walk through mostly forbidden nodes
  would miss them); with a broader filter it walks the graph with the selector and a
  beam (``efSearch``) widened in proportion to how much the filter removes.

Row numbers are positions in the order vectors were added.  Rows of removed passages stay
in the index until the next rebuild; callers pass the rows still live as the filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from index.passages import runtime  # noqa: F401  (passive OpenMP: before FAISS loads)

import faiss  # noqa: E402
import numpy as np  # noqa: E402

FLAT = "flat"
HNSW = "hnsw"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
HNSW_EF_MAX = 1024
# HNSW searches whose filter leaves at most this many rows scan those rows exactly: a
# dot product per allowed row plus a bit test per stored row, a few ms at 500,000 rows.
SUBSET_EXACT_MAX = 50000


@dataclass
class VectorIndex:
    index: faiss.Index
    kind: str
    dim: int
    # The HNSW graph's flat storage, downcast once (the graph owns it).
    _flat: faiss.IndexFlat | None = field(default=None, repr=False)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def _storage(self) -> faiss.IndexFlat:
        if self._flat is None:
            # Only an HNSW index asks for its storage, which is flat.
            graph = cast(faiss.IndexHNSW, self.index)
            self._flat = cast(faiss.IndexFlat, faiss.downcast_index(graph.storage))
        return self._flat

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
                params = _search_params_hnsw(efSearch=max(HNSW_EF_SEARCH, k)) if self.kind == HNSW else None
                scores, rows = self.index.search(query, k, params=params)
            else:
                # ``bitmap`` and ``selector`` must outlive the search: FAISS reads them.
                bitmap = _bitmap(allowed, self.ntotal)
                selector = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bitmap))
                if self.kind == FLAT or len(allowed) <= SUBSET_EXACT_MAX:
                    target = self.index if self.kind == FLAT else self._storage()
                    scores, rows = target.search(query, k, params=_search_params(sel=selector))
                else:
                    share = len(allowed) / self.ntotal
                    ef = int(min(HNSW_EF_MAX, max(HNSW_EF_SEARCH, k) / share))
                    params = _search_params_hnsw(sel=selector, efSearch=ef)
                    scores, rows = self.index.search(query, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]


def _search_params(**fields: Any) -> faiss.SearchParameters:
    # FAISS sets keyword arguments as fields; its stubs declare an __init__ without them.
    return cast(Any, faiss.SearchParameters)(**fields)


def _search_params_hnsw(**fields: Any) -> faiss.SearchParameters:
    # FAISS's stubs lack SearchParametersHNSW (a SearchParameters with efSearch).
    return cast(Any, faiss).SearchParametersHNSW(**fields)


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


def kind_for(n: int, exact_max: int) -> str:
    return FLAT if n <= exact_max else HNSW


def empty(dim: int, kind: str) -> VectorIndex:
    if kind == FLAT:
        index: faiss.Index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return VectorIndex(index, kind, dim)


def build(vectors: np.ndarray, exact_max: int, dim: int | None = None) -> VectorIndex:
    """An index of ``vectors`` (rows 0…n-1), exact or HNSW by size."""
    dim = int(dim or vectors.shape[1])
    index = empty(dim, kind_for(len(vectors), exact_max))
    add(index, vectors)
    return index


def add(index: VectorIndex, vectors: np.ndarray) -> None:
    """Append ``vectors``; they take rows ntotal, ntotal+1, …"""
    if len(vectors):
        index.index.add(np.ascontiguousarray(vectors, dtype=np.float32))


def save(index: VectorIndex, path: Path) -> None:
    faiss.write_index(index.index, str(path))


def load(path: Path) -> VectorIndex:
    # read_index returns the concrete class already; downcasting again would hand back
    # a second wrapper that does not own the C++ object.
    index = faiss.read_index(str(path))
    kind = HNSW if isinstance(index, faiss.IndexHNSW) else FLAT
    return VectorIndex(index, kind, int(index.d))
