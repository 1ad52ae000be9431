"""FAISS over unit vectors (inner product = cosine).

Up to ``exact_index_max`` vectors the index is exact (``IndexFlatIP``); past it an HNSW
graph (``IndexHNSWFlat``), whose search time hardly grows with the corpus.  The crossover
was measured with ``bench/index.py``: see that script's output.

Filters are applied inside the search, never after the top-k:

* a filter that leaves few rows (up to ``SUBSET_EXACT_MAX``) is searched exactly over
  those rows alone (gather + one matrix product), whatever the index kind;
* a broader filter goes into FAISS as an ``IDSelectorBitmap``; HNSW then widens its
  beam (``efSearch``) in proportion to how much the filter removes, so the k results it
  returns are still the nearest allowed ones.

Row numbers are positions in the order vectors were added.  Rows of removed passages stay
in the index until the next rebuild; callers pass the rows still live as the filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

FLAT = "flat"
HNSW = "hnsw"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
HNSW_EF_MAX = 1024
# Filtered searches that leave at most this many rows are exact over those rows: a
# gather and a product of this size take ~2 ms, cheaper and surer than a sparse graph walk.
SUBSET_EXACT_MAX = 20000


@dataclass
class VectorIndex:
    index: faiss.Index
    kind: str
    dim: int

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def matrix(self) -> np.ndarray:
        """The stored vectors (ntotal × dim), a view into FAISS's own storage."""
        flat = self.index if self.kind == FLAT else self._storage()
        if self.ntotal == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return faiss.rev_swig_ptr(flat.get_xb(), self.ntotal * self.dim).reshape(self.ntotal, self.dim)

    def _storage(self) -> faiss.IndexFlat:
        # Keep the downcast wrapper on the object: the storage belongs to the HNSW index.
        if getattr(self, "_flat", None) is None:
            self._flat = faiss.downcast_index(self.index.storage)
        return self._flat

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the ``k`` nearest vectors among rows ``allowed`` (None: all)."""
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is not None and len(allowed) >= self.ntotal:
            allowed = None
        if allowed is not None and (len(allowed) <= SUBSET_EXACT_MAX or self.kind == FLAT and
                                    len(allowed) <= self.ntotal // 4):
            return self._subset_search(query, k, allowed)
        k = min(k, self.ntotal if allowed is None else len(allowed))
        params = self._params(k, allowed)
        with _single_thread():
            scores, rows = self.index.search(query, k, params=params) if params else self.index.search(query, k)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def _subset_search(self, query: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.sort(allowed.astype(np.int64))
        scores = self.matrix()[rows] @ query[0]
        if len(rows) > k:
            top = np.argpartition(-scores, k - 1)[:k]
            rows, scores = rows[top], scores[top]
        order = np.argsort(-scores, kind="stable")
        return rows[order], scores[order].astype(np.float32)

    def _params(self, k: int, allowed: np.ndarray | None) -> faiss.SearchParameters | None:
        if allowed is None:
            if self.kind == HNSW:
                return faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
            return None
        mask = np.zeros(self.ntotal, dtype=bool)
        mask[allowed] = True
        bitmap = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bitmap))
        selector.bitmap_array = bitmap  # keep the bytes alive while FAISS reads them
        if self.kind == FLAT:
            return faiss.SearchParameters(sel=selector)
        share = len(allowed) / self.ntotal
        ef = int(min(HNSW_EF_MAX, max(HNSW_EF_SEARCH, k) / max(share, 1e-3)))
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
        params.selector_ref = selector
        return params


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
