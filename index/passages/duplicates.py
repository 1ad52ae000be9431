"""Near-duplicate passages: text another report already printed almost word for word.

Reports are often copied from one year to the next, or from a neighbouring agency.  A
passage is marked ``duplicate_of`` the passage of another report ranked before it (year, then
report id, then place in the report) most similar to it, the earliest of those equally
similar, when their character 5-gram Jaccard similarity is at least ``THRESHOLD``
(:func:`find_duplicates`, the rule in :func:`_marks`).

Candidates come from MinHash signatures with LSH banding (:func:`band_keys`): two passages
are compared only when one band of their signatures is the same, so the work grows with the
corpus, not its square; every candidate pair is then checked with the exact Jaccard.
Signatures are computed once per passage and stored with it.

Adding passages costs what they cost: :func:`incremental_marks` compares only the new
passages with the existing ones sharing a band key with them (found on disk through a
:class:`BandIndex`), and gives the same marks as marking the whole corpus again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

SHINGLE = 5
THRESHOLD = 0.9
N_HASHES = 64
BANDS = 16
ROWS = N_HASHES // BANDS
# Shorter passages are boilerplate ("本年度未收取信息处理费"): identical everywhere, not copying.
MIN_CHARS = 40

_rng = np.random.default_rng(20240601)
_A = (_rng.integers(1, 2**63 - 1, size=N_HASHES, dtype=np.int64).astype(np.uint64) | np.uint64(1))
_B = _rng.integers(0, 2**63 - 1, size=N_HASHES, dtype=np.int64).astype(np.uint64)
_BASE = np.uint64(1000003)
_KEY_BASE = np.uint64(0x9E3779B97F4A7C15)
# The columns incremental_marks reads, and those it returns.
MARK_INPUT = ["id", "report_id", "year", "ordinal", "simplified", "minhash"]
MARK_COLUMNS = ["id", "duplicate_of", "duplicate_score"]


# Python's \w is str.isalnum() plus "_" (checked over every code point): the rest goes.
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Letters and digits only (``str.isalnum``): spacing and punctuation do not make text different."""
    return _NOT_ALNUM.sub("", text)


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the character 5-grams of ``normalise(text)``, distinct."""
    codes = np.frombuffer(normalise(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        return _distinct(codes)
    hashes = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            hashes = hashes * _BASE + codes[j:len(codes) - SHINGLE + 1 + j]
    return _distinct(hashes)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique``, by sorting: its hash-based way is slower on short arrays)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


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


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, ``BANDS``) uint64 LSH keys of MinHash signatures (n, ``N_HASHES``) uint32.

    Band ``b`` holds hashes ``b * ROWS`` … ``(b + 1) * ROWS - 1``; two passages are candidates
    when they have the same key in the same band.  The ``ROWS`` 32-bit values are mixed into
    64 bits (a collision only adds a candidate, which the exact check then drops)."""
    sig = np.ascontiguousarray(signatures, dtype=np.uint32).reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(signatures), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys = _mix(keys * _KEY_BASE + sig[:, :, r])
    return keys


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


class BandIndex:
    """LSH band keys of a set of passages on disk, sorted per band for lookups by key.

    One ``.npy`` file of shape (``BANDS``, 2, n) uint64: per band, the sorted keys and, beside
    them, the passages' row numbers.  Opened memory-mapped, so a lookup reads a few pages.
    Written with the passages' signatures, a second file beside it (:func:`signatures_path`:
    rows and signatures by row) lets a lookup leave out the passages whose signature agrees with
    no querying one on enough hashes to be checked (:data:`_MIN_AGREEING`)."""

    def __init__(self, table: np.ndarray, signatures: np.ndarray | None = None) -> None:
        self._table = table
        self._signatures = signatures

    @staticmethod
    def write(path: Path, keys: np.ndarray, rows: np.ndarray, signatures: np.ndarray | None = None) -> None:
        """Write the band ``keys`` (n, ``BANDS``) of the passages at ``rows`` (global row numbers,
        distinct) and, when given, their ``signatures`` (n, ``N_HASHES``)."""
        keys = np.asarray(keys, dtype=np.uint64).reshape(-1, BANDS)
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) != len(keys):
            raise ValueError(f"BandIndex.write: {len(keys)} key rows for {len(rows)} passage rows")
        table = np.empty((BANDS, 2, len(rows)), dtype=np.uint64)
        for band in range(BANDS):
            order = np.lexsort((rows, keys[:, band]))
            table[band, 0] = keys[order, band]
            table[band, 1] = rows[order].astype(np.uint64)
        with open(path, "wb") as fh:
            np.save(fh, table)
        if signatures is not None:
            signatures = np.asarray(signatures, dtype=np.uint32).reshape(len(rows), N_HASHES)
            by_row = np.argsort(rows, kind="stable")
            stored = np.empty(len(rows), dtype=_SIGNATURE_ROW)
            stored["row"] = rows[by_row]
            stored["signature"] = signatures[by_row]
            with open(signatures_path(path), "wb") as fh:
                np.save(fh, stored)

    @classmethod
    def open(cls, path: Path) -> BandIndex:
        beside = signatures_path(path)
        return cls(np.load(path, mmap_mode="r"), np.load(beside, mmap_mode="r") if beside.exists() else None)

    def __len__(self) -> int:
        return int(self._table.shape[2])

    def lookup(self, keys: np.ndarray, signatures: np.ndarray | None = None) -> np.ndarray:
        """Distinct row numbers, sorted, of the passages sharing a key with ``keys`` (n, ``BANDS``)
        in the same band.  With the querying passages' ``signatures`` (n, ``N_HASHES``) and an index
        written with signatures: only those agreeing on at least :data:`_MIN_AGREEING` hashes with a
        querying passage they share a key with (the others are never compared)."""
        keys = np.asarray(keys, dtype=np.uint64).reshape(-1, BANDS)
        if len(self) == 0 or len(keys) == 0:
            return np.zeros(0, dtype=np.int64)
        if signatures is not None and self._signatures is not None:
            return self._agreeing_rows(keys, np.asarray(signatures, dtype=np.uint32).reshape(len(keys), N_HASHES))
        found: list[np.ndarray] = []
        for band in range(BANDS):
            stored = self._table[band, 0]
            wanted = np.unique(keys[:, band])
            lo = np.searchsorted(stored, wanted, side="left")
            hi = np.searchsorted(stored, wanted, side="right")
            hit = hi > lo
            if hit.any():
                found.append(np.asarray(self._table[band, 1][_ranges(lo[hit], hi[hit])]))
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found)).astype(np.int64)

    def _agreeing_rows(self, keys: np.ndarray, signatures: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
        assert self._signatures is not None
        by_row = self._signatures["row"]
        # Every (querying passage, stored position) pair sharing a key, once however many bands.
        codes: list[np.ndarray] = []
        n = np.int64(len(self))
        for band in range(BANDS):
            stored = self._table[band, 0]
            lo = np.searchsorted(stored, keys[:, band], side="left")
            hi = np.searchsorted(stored, keys[:, band], side="right")
            queries = np.flatnonzero(hi > lo)
            if not len(queries):
                continue
            rows = np.asarray(self._table[band, 1][_ranges(lo[queries], hi[queries])]).astype(np.int64)
            codes.append(_distinct(np.repeat(queries, (hi - lo)[queries]) * n + np.searchsorted(by_row, rows)))
        if not codes:
            return np.zeros(0, dtype=np.int64)
        pairs = _distinct(np.concatenate(codes))
        query, position = pairs // n, pairs % n
        agree = np.zeros(len(pairs), dtype=bool)
        for start in range(0, len(pairs), chunk):
            at = slice(start, start + chunk)
            theirs = np.asarray(self._signatures["signature"][position[at]])
            agree[at] = np.count_nonzero(theirs == signatures[query[at]], axis=1) >= _MIN_AGREEING
        return _distinct(np.asarray(by_row[position[agree]], dtype=np.int64))


def signatures_path(path: Path) -> Path:
    """The file beside a band index's holding its passages' signatures."""
    path = Path(path)
    return path.with_name(f"{path.stem}.signatures.npy")


_SIGNATURE_ROW = np.dtype([("row", "<i8"), ("signature", "<u4", (N_HASHES,))])


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Every integer of each [start, end), concatenated."""
    sizes = ends - starts
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes)
    return offsets + np.arange(total, dtype=np.int64)


# ---------------------------------------------------------------------------
# Marking: the same rule over the whole corpus and for added passages
# ---------------------------------------------------------------------------

def _marks(texts: Sequence[str], signatures: np.ndarray, reports: np.ndarray, rank: np.ndarray,
           fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each passage, the row of its original (-1: none) and the score, over the candidate
    pairs that involve a passage with the same text as a ``fresh`` one.

    The rule: among the eligible passages of other reports ranked before it that share a band
    key with it, agree on at least ``THRESHOLD - 0.2`` of the signature and have an exact
    Jaccard of at least ``THRESHOLD``, the one with the highest score (the similarity rounded to
    3 places, as stored), then the earliest.  Every such pair is checked, so the marks of a
    corpus do not depend on the order its passages came in.

    Passages with the same normalised text are handled once (a *class*): they have the same
    signature, the same similarity to every other passage and similarity 1 to each other, so
    stock paragraphs printed by hundreds of reports cost one comparison per other text.
    """
    n = len(texts)
    best = np.full(n, -1, dtype=np.int64)
    score = np.full(n, np.nan)
    norm = [normalise(t) for t in texts]
    idx = np.flatnonzero(np.array([len(t) >= MIN_CHARS for t in norm], dtype=bool))
    if len(idx) < 2:
        return best, score
    class_of: dict[str, int] = {}
    cls = np.array([class_of.setdefault(norm[i], len(class_of)) for i in idx], dtype=np.int64)
    k = len(class_of)
    rep = np.empty(k, dtype=np.int64)
    rep[cls] = idx
    fresh_class = np.zeros(k, dtype=bool)
    fresh_class[cls[np.asarray(fresh, dtype=bool)[idx]]] = True
    # Members of each class by rank: the earliest (m0) and the earliest of another report than m0's (m1).
    order = np.lexsort((rank[idx], cls))
    members, member_class = idx[order], cls[order]
    starts = np.flatnonzero(np.r_[True, member_class[1:] != member_class[:-1]])
    sizes = np.diff(np.r_[starts, len(members)])
    m0 = members[starts]
    position = np.where(reports[members] != reports[m0][member_class], np.arange(len(members)), len(members))
    first_other = np.minimum.reduceat(position, starts)
    m1 = np.where(first_other < len(members), members[np.minimum(first_other, len(members) - 1)], -1)
    # Pairs of classes sharing a band key, one of them fresh; then the two checks.
    a, b = _class_pairs(band_keys(signatures[rep]), fresh_class)
    agree = _agreeing(signatures[rep], a, b)
    a, b = a[agree], b[agree]
    shingles: dict[int, np.ndarray] = {}

    def get(c: int) -> np.ndarray:
        if c not in shingles:
            shingles[c] = shingle_hashes(texts[rep[c]])
        return shingles[c]

    similarity = np.array([jaccard(get(x), get(y)) for x, y in zip(a.tolist(), b.tolist())], dtype=np.float64)
    close = similarity >= THRESHOLD
    a, b, pair_score = a[close], b[close], np.round(similarity[close], 3)
    # Directed class edges (both ways, and each class to itself with score 1) expanded to the
    # passages of the source class; the candidate in the target class is its earliest passage of
    # another report than the passage's.
    touched = np.unique(np.r_[a, b, np.flatnonzero(fresh_class)])
    source = np.r_[a, b, touched]
    target = np.r_[b, a, touched]
    edge_score = np.r_[pair_score, pair_score, np.ones(len(touched))]
    passage = members[_ranges(starts[source], starts[source] + sizes[source])]
    edge = np.repeat(np.arange(len(source)), sizes[source])
    t = target[edge]
    candidate = np.where(reports[m0[t]] != reports[passage], m0[t], m1[t])
    valid = candidate >= 0
    valid[valid] = rank[candidate[valid]] < rank[passage[valid]]
    passage, candidate, s = passage[valid], candidate[valid], edge_score[edge][valid]
    pick = np.lexsort((rank[candidate], -s, passage))
    first = pick[np.r_[True, passage[pick][1:] != passage[pick][:-1]]] if len(pick) else pick
    best[passage[first]] = candidate[first]
    score[passage[first]] = s[first]
    return best, score


# The signature agreement estimates the similarity: pairs agreeing on fewer hashes are not checked.
_MIN_AGREEING = int(np.flatnonzero(np.arange(N_HASHES + 1) / N_HASHES >= THRESHOLD - 0.2)[0])


def _agreeing(signatures: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Whether rows ``a`` and ``b`` of ``signatures`` agree on at least ``_MIN_AGREEING`` hashes."""
    out = np.zeros(len(a), dtype=bool)
    for start in range(0, len(a), chunk):
        x, y = a[start:start + chunk], b[start:start + chunk]
        out[start:start + chunk] = np.count_nonzero(signatures[x] == signatures[y], axis=1) >= _MIN_AGREEING
    return out


def _class_pairs(keys: np.ndarray, fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (a < b) of rows sharing a key in some band, at least one of them ``fresh``."""
    k = len(keys)
    codes: list[np.ndarray] = []
    for band in range(BANDS):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, k])
        group = np.repeat(np.arange(len(starts)), sizes)
        # Each fresh row of a shared key, with every row of its key.
        at = np.flatnonzero(fresh[order] & (sizes[group] > 1))
        if not len(at):
            continue
        g = group[at]
        left = np.repeat(order[at], sizes[g])
        right = order[_ranges(starts[g], starts[g] + sizes[g])]
        apart = left != right
        left, right = left[apart], right[apart]
        codes.append(_distinct(np.minimum(left, right) * k + np.maximum(left, right)))
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pairs = _distinct(np.concatenate(codes))
    return pairs // k, pairs % k


def find_duplicates(texts: Sequence[str], signatures: np.ndarray, report_ids: Sequence[str],
                    order: np.ndarray) -> list[tuple[int, float] | None]:
    """For each passage, (index of the passage it repeats, score) or None.

    ``order`` ranks passages by precedence (year, then report, then place): only an earlier
    passage of another report can be the original.  The score is the similarity rounded to 3
    places; of several originals with the same score the earliest is taken.
    """
    n = len(texts)
    if n < 2:
        return [None] * n
    rank = np.empty(n, dtype=np.int64)
    rank[np.asarray(order)] = np.arange(n)
    _, codes = np.unique(np.asarray(report_ids, dtype=str), return_inverse=True)
    best, score = _marks(texts, np.asarray(signatures, dtype=np.uint32), codes.astype(np.int64), rank,
                         np.ones(n, dtype=bool))
    return [(int(j), float(s)) if j >= 0 else None for j, s in zip(best, score)]


def precedence(frame: pd.DataFrame) -> np.ndarray:
    """Rank of each passage of ``frame`` (columns year, report_id, ordinal): earlier year first
    (no year: last), then report id, then place in the report."""
    years = frame["year"].astype("Float64").fillna(9999).to_numpy(dtype=np.int64)
    order = np.lexsort((frame["ordinal"].to_numpy(dtype=np.int64), frame["report_id"].to_numpy(dtype=str), years))
    rank = np.empty(len(frame), dtype=np.int64)
    rank[order] = np.arange(len(frame))
    return rank


def signatures_of(frame: pd.DataFrame) -> np.ndarray:
    """The stored MinHash signatures (column ``minhash``, bytes) as an (n, ``N_HASHES``) array."""
    if frame.empty:
        return np.zeros((0, N_HASHES), dtype=np.uint32)
    return np.frombuffer(b"".join(frame["minhash"]), dtype=np.uint32).reshape(len(frame), N_HASHES)


def missing_originals(existing: pd.DataFrame) -> set[str]:
    """Ids the rows of ``existing`` are marked duplicates of that ``existing`` does not hold.

    :func:`incremental_marks` needs them (their rank breaks a tie with a new passage): a
    caller fetches them with the candidates."""
    if existing.empty:
        return set()
    marked = set(existing["duplicate_of"].dropna())
    return marked - set(existing["id"])


def incremental_marks(new: pd.DataFrame, existing: pd.DataFrame) -> pd.DataFrame:
    """The duplicate marks after adding the passages ``new`` to a marked corpus.

    ``new`` and ``existing`` have the columns :data:`MARK_INPUT`; ``existing`` also
    ``duplicate_of`` and ``duplicate_score`` and holds the corpus's passages sharing a band key
    with a new one (:meth:`BandIndex.lookup`) and the passages those are marked duplicates of
    (:func:`missing_originals`).  Returns :data:`MARK_COLUMNS` for every new passage and every
    existing one whose mark changes (a new passage of an earlier year can be its original).
    The marks are those :func:`find_duplicates` gives over the whole corpus.

    A passage of ``existing`` whose original is removed is marked again by passing it in
    ``new`` (with the candidates of its band keys in ``existing``).
    """
    columns = MARK_INPUT
    existing = existing[~existing["id"].isin(set(new["id"]))].drop_duplicates("id")
    pool = (pd.concat([new[columns], existing[columns]], ignore_index=True) if len(existing)
            else new[columns].reset_index(drop=True))
    n_new = len(new)
    if n_new == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MARK_COLUMNS})
    rank = precedence(pool)
    _, reports = np.unique(pool["report_id"].to_numpy(dtype=str), return_inverse=True)
    fresh = np.zeros(len(pool), dtype=bool)
    fresh[:n_new] = True
    best, score = _marks(list(pool["simplified"]), signatures_of(pool), reports.astype(np.int64), rank, fresh)
    ids = pool["id"].to_numpy(dtype=object)
    out_ids = list(ids[:n_new])
    out_of: list[object] = [ids[j] if j >= 0 else None for j in best[:n_new]]
    out_score: list[float | None] = [float(s) if j >= 0 else None for j, s in zip(best[:n_new], score[:n_new])]
    row_of = {str(i): r for r, i in enumerate(ids)}
    current_of = existing["duplicate_of"].tolist()
    current_score = pd.to_numeric(existing["duplicate_score"], errors="coerce").to_numpy(dtype=np.float64)
    for e in range(len(existing)):
        row = n_new + e
        j = int(best[row])
        if j < 0:
            continue
        held = current_of[e]
        if isinstance(held, str) and held:
            if held == ids[j]:
                continue
            if score[row] < current_score[e]:
                continue
            if score[row] == current_score[e]:
                at = row_of.get(held)
                if at is None or rank[at] < rank[j]:
                    continue  # an original the caller did not fetch keeps its place on a tie
        out_ids.append(ids[row])
        out_of.append(ids[j])
        out_score.append(float(score[row]))
    return pd.DataFrame({"id": out_ids, "duplicate_of": out_of,
                         "duplicate_score": pd.array(out_score, dtype="Float64").astype(np.float64)})
