"""FAISS search with filters inside: every path returns the nearest allowed vectors."""

from __future__ import annotations

import numpy as np
import pytest

from index.passages import vectors


@pytest.fixture(scope="module")
def unit_vectors() -> np.ndarray:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3000, 64)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def nearest(x: np.ndarray, query: np.ndarray, allowed: np.ndarray, k: int) -> list[int]:
    scores = x[allowed] @ query
    return list(allowed[np.argsort(-scores)[:k]])


@pytest.mark.parametrize("kind_max, share", [
    (10_000, 0.02),   # exact index, narrow filter
    (10_000, 0.5),    # exact index, broad filter
    (0, 0.02),        # HNSW, narrow filter: exact scan of the allowed rows
    (0, 0.5),         # HNSW, broad filter: graph walk with a selector and a wider beam
])
def test_filtered_search_returns_the_nearest_allowed(unit_vectors, kind_max, share, monkeypatch):
    monkeypatch.setattr(vectors, "SUBSET_EXACT_MAX", 500)
    index = vectors.build(unit_vectors, exact_max=kind_max)
    assert index.kind == (vectors.FLAT if kind_max else vectors.HNSW)
    rng = np.random.default_rng(1)
    allowed = np.sort(rng.choice(len(unit_vectors), int(len(unit_vectors) * share), replace=False))
    found = 0
    for query in unit_vectors[rng.integers(len(unit_vectors), size=20)] + 0.05:
        query = query / np.linalg.norm(query)
        rows, scores = index.search(query, 10, allowed)
        assert set(rows) <= set(allowed)
        assert list(scores) == sorted(scores, reverse=True)
        found += len(set(rows) & set(nearest(unit_vectors, query, allowed, 10)))
    # Exact paths are exact; the graph walk may miss a neighbour now and then.
    assert found / 200 >= (1.0 if kind_max or share < 0.1 else 0.95)


def test_rows_are_stable_across_save_and_load(unit_vectors, tmp_path):
    index = vectors.build(unit_vectors[:100], exact_max=0)
    vectors.add(index, unit_vectors[100:150])
    vectors.save(index, tmp_path / "v.faiss")
    loaded = vectors.load(tmp_path / "v.faiss")
    assert (loaded.kind, loaded.ntotal) == (vectors.HNSW, 150)
    rows, _ = loaded.search(unit_vectors[120], 1)
    assert rows[0] == 120


def test_empty_filter_and_empty_index(unit_vectors):
    index = vectors.build(unit_vectors[:10], exact_max=100)
    assert len(index.search(unit_vectors[0], 5, np.array([], dtype=np.int64))[0]) == 0
    assert len(vectors.empty(64, vectors.FLAT).search(unit_vectors[0], 5)[0]) == 0
