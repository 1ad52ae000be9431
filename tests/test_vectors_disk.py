"""Vector indexes as files mapped into memory, and the inverted file past ON_DISK_MIN.

Real vectors: the seeds' embedding pieces (real m3e vectors) and the seeds questions of
tests/retrieval_set.jsonl encoded by the real model.  The inverted file needs more vectors
than five reports hold, so the corpus is completed with copies of the real vectors plus noise
(cosine ~0.9 to their source, as in bench/vectors.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.passages import vectors
from index.passages.chunk import chunk_report, embedding_pieces
from index.passages.embed import encode_query, load_model
from index.passages.evaluate import load_set

CORPUS = 20_000
K = 10
# What bench/vectors.py measured for the inverted file (recall@10 against exact search).
CLAIMED_RECALL = 0.95


def noisy(bases: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = bases[rng.integers(len(bases), size=n)] + rng.standard_normal((n, bases.shape[1])).astype(np.float32) * (
        0.48 / np.sqrt(bases.shape[1]))
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def real_vectors(seed_reports) -> np.ndarray:
    """The seeds' embedding pieces through the real model (what their index holds)."""
    pieces = sorted({piece for report in seed_reports.values() for passage in chunk_report(report)
                     for piece in embedding_pieces(passage.simplified)})
    return load_model().encode(pieces)


@pytest.fixture(scope="module")
def corpus(real_vectors) -> np.ndarray:
    return np.concatenate([real_vectors, noisy(real_vectors, CORPUS - len(real_vectors), seed=3)])


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    model = load_model()
    texts = [q.query for q in load_set(Path(__file__).parent / "retrieval_set.jsonl") if q.corpus == "seeds"]
    return np.concatenate([encode_query(text, model) for text in texts])


@pytest.fixture(scope="module")
def on_disk(corpus, tmp_path_factory) -> vectors.VectorIndex:
    path = tmp_path_factory.mktemp("ivf") / "vectors.faiss"
    vectors.save(vectors.build(corpus, exact_max=0, kind=vectors.IVF), path)
    return vectors.load(path)


def hits(corpus: np.ndarray, query: np.ndarray, rows: np.ndarray, allowed: np.ndarray | None, k: int = K) -> int:
    """Returned rows whose exact score reaches the exact k-th best among ``allowed``
    (a tie with the k-th is not a miss)."""
    scores = corpus @ query
    if allowed is not None:
        keep = np.full(len(corpus), -np.inf, dtype=np.float32)
        keep[allowed] = 0
        scores = scores + keep
    kth = np.sort(scores)[-k]
    return int((scores[rows] >= kth - 1e-5).sum())


def test_the_inverted_file_finds_what_exact_search_finds(on_disk, corpus, queries, real_vectors):
    assert real_vectors.shape[1] == 512 and len(real_vectors) > 100
    assert (on_disk.kind, on_disk.ntotal, on_disk.mapped) == (vectors.IVF, CORPUS, True)
    found = 0
    for query in queries:
        rows, scores = on_disk.search(query, K)
        assert len(rows) == K and list(scores) == sorted(scores, reverse=True)
        found += hits(corpus, query, rows, None)
    assert found / (K * len(queries)) >= CLAIMED_RECALL


@pytest.mark.parametrize("allowed_count", [150, 2_000, 10_000])  # narrow: every list; broad: wider probe
def test_filters_apply_inside_the_inverted_file(on_disk, corpus, queries, allowed_count):
    allowed = np.sort(np.random.default_rng(allowed_count).choice(CORPUS, allowed_count, replace=False))
    found = 0
    for query in queries:
        rows, _ = on_disk.search(query, K, allowed)
        assert len(rows) == K and set(rows) <= set(allowed)
        found += hits(corpus, query, rows, allowed)
    assert found / (K * len(queries)) >= CLAIMED_RECALL


def test_a_written_index_is_mapped_not_read(corpus, tmp_path):
    path = tmp_path / "flat.faiss"
    vectors.save(vectors.build(corpus, exact_max=len(corpus)), path)
    loaded = vectors.load(path)
    assert (loaded.kind, loaded.mapped) == (vectors.FLAT, True)
    maps = Path("/proc/self/maps").read_text()
    assert str(path) in maps
    rows, scores = loaded.search(corpus[123], 1)
    assert rows[0] == 123 and scores[0] == pytest.approx(1.0, abs=1e-5)
    # FAISS cannot grow a mapped file: add reads the index into memory first.
    vectors.add(loaded, corpus[:5])
    assert (loaded.ntotal, loaded.mapped) == (len(corpus) + 5, False)
    assert loaded.search(corpus[3], 2)[0].tolist() in ([3, len(corpus) + 3], [len(corpus) + 3, 3])


def test_segments_merge_to_the_whole_index(corpus, queries, tmp_path):
    whole = vectors.build(corpus, exact_max=len(corpus))
    bounds = [0, 7_000, 7_100, CORPUS]
    parts = []
    for number, (start, stop) in enumerate(zip(bounds, bounds[1:])):
        path = tmp_path / f"segment-{number}.faiss"
        vectors.save(vectors.build(corpus[start:stop], exact_max=CORPUS), path)
        parts.append((vectors.load(path), start))
    allowed = np.sort(np.random.default_rng(0).choice(CORPUS, 3_000, replace=False))
    for query in queries:
        for allow in (None, allowed, allowed[allowed < 7_000]):
            rows, scores = vectors.search_segments(parts, query, K, allow)
            expected_rows, expected_scores = whole.search(query, K, allow)
            np.testing.assert_allclose(scores, expected_scores, atol=1e-5)
            assert hits(corpus, query, rows, allow) == K
            if allow is not None:
                assert set(rows) <= set(allow)
