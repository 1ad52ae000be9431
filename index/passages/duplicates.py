"""Near-duplicate passages: text another report already printed almost word for word.

Reports are often copied from one year to the next, or from a neighbouring agency.  A
passage is marked ``duplicate_of`` the earliest passage of another report (earlier year
first) whose character 5-gram Jaccard similarity with it is at least ``THRESHOLD``.

Candidates come from MinHash signatures with LSH banding, so the work grows with the
corpus, not its square; every candidate pair is then checked with the exact Jaccard.
Signatures are computed once per passage and stored with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

SHINGLE = 5
THRESHOLD = 0.9
N_HASHES = 64
BANDS = 16
ROWS = N_HASHES // BANDS
# Shorter passages are boilerplate ("本年度未收取信息处理费"): identical everywhere, not copying.
MIN_CHARS = 40
# Per bucket, a passage is compared with this many of the earliest members before it.
CANDIDATES_PER_BUCKET = 4

_rng = np.random.default_rng(20240601)
_A = (_rng.integers(1, 2**63 - 1, size=N_HASHES, dtype=np.int64).astype(np.uint64) | np.uint64(1))
_B = _rng.integers(0, 2**63 - 1, size=N_HASHES, dtype=np.int64).astype(np.uint64)
_BASE = np.uint64(1000003)


def normalise(text: str) -> str:
    """Letters and digits only: spacing and punctuation do not make text different."""
    return "".join(ch for ch in text if ch.isalnum())


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the character 5-grams of ``normalise(text)``, distinct."""
    codes = np.frombuffer(normalise(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        return np.unique(codes)
    hashes = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            hashes = hashes * _BASE + codes[j:len(codes) - SHINGLE + 1 + j]
    return np.unique(hashes)


def signature(text: str) -> np.ndarray:
    """MinHash signature (``N_HASHES`` uint32) of the text's 5-gram set."""
    hashes = shingle_hashes(text)
    if len(hashes) == 0:
        return np.full(N_HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        mixed = hashes[None, :] * _A[:, None] + _B[:, None]
    return (mixed.min(axis=1) >> np.uint64(32)).astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 and len(b) == 0:
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def find_duplicates(texts: Sequence[str], signatures: np.ndarray, report_ids: Sequence[str],
                    order: np.ndarray) -> list[tuple[int, float] | None]:
    """For each passage, (index of the passage it repeats, similarity) or None.

    ``order`` ranks passages by precedence (year, then report): only an earlier passage
    of another report can be the original.
    """
    n = len(texts)
    result: list[tuple[int, float] | None] = [None] * n
    if n < 2:
        return result
    eligible = np.array([len(normalise(t)) >= MIN_CHARS for t in texts])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        keys = np.ascontiguousarray(signatures[:, band * ROWS:(band + 1) * ROWS]).view(
            np.dtype((np.void, 4 * ROWS))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[inverse] > 1)
        shared = shared[eligible[shared]]
        buckets: dict[int, list[int]] = defaultdict(list)
        for i in shared[np.argsort(rank[shared], kind="stable")]:
            buckets[int(inverse[i])].append(int(i))
        for members in buckets.values():
            for pos, i in enumerate(members[1:], start=1):
                earlier = members[:min(pos, CANDIDATES_PER_BUCKET)] + members[max(0, pos - 2):pos]
                for j in earlier:
                    if report_ids[j] != report_ids[i]:
                        pairs.add((i, j))
    shingles: dict[int, np.ndarray] = {}

    def get(i: int) -> np.ndarray:
        if i not in shingles:
            shingles[i] = shingle_hashes(texts[i])
        return shingles[i]

    for i, j in sorted(pairs):
        # The signature agreement estimates the similarity: skip pairs far below it.
        if np.mean(signatures[i] == signatures[j]) < THRESHOLD - 0.2:
            continue
        similarity = jaccard(get(i), get(j))
        if similarity < THRESHOLD:
            continue
        best = result[i]
        if best is None or similarity > best[1] + 1e-9 or (abs(similarity - best[1]) <= 1e-9 and rank[j] < rank[best[0]]):
            result[i] = (j, similarity)
    return result
