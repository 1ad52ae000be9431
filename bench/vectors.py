"""Vector index memory and speed: what a process that answers holds, and what a search costs.

    .venv/bin/python bench/vectors.py --real DATA/passages/current/vectors.faiss \
        [--sizes 37794 400000 2600000] [--queries 100] [--all-kinds]

``--real`` is a real index (its vectors are read back) or an embedding cache (``.f32``).
Sizes up to its vector count use its real vectors; larger sizes append synthetic vectors (the
output says how many): each is a distinct real vector plus noise of norm ~0.48, half along the
direction of another real vector (so noise stays in the space the model's vectors span), half
isotropic — cosine ~0.9 to its source, as in ``bench/index.py``.

Queries: the questions of ``tests/retrieval_set.jsonl`` encoded by the real model, completed to
``--queries`` with real vectors plus the same noise.  The 10% filter is a fixed random 10% of
the rows (an agency or year filter keeps rows spread over the whole index).

For each size and index kind, a fresh subprocess loads the saved index and reads its own
``/proc/self/status`` (VmRSS, split into RssAnon = private memory and RssFile = pages of mapped
files, shared with other processes and reclaimable) after imports, after load and after the
queries.  Recall@10 is against exact search over the same vectors; a returned row counts when
its exact score reaches the exact 10th best (ties between duplicate vectors are not misses).
"today" is the index as this code loaded it before (``faiss.read_index``, whole into memory).

Work files (source vectors, indexes) stay in ``--work`` (default bench/out/vectors/).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.passages import vectors  # noqa: E402

import faiss  # noqa: E402

DIM = 512
NOISE = 0.48
FILTER_SHARE = 0.1
# The narrow filter keeps every NARROW-th row of the 10% one (1% of the rows).
NARROW = 10
K = 10


def read_real(path: Path) -> np.ndarray:
    if path.suffix == ".f32":
        return np.fromfile(path, dtype=np.float32).reshape(-1, DIM)
    index = faiss.read_index(str(path))
    return index.reconstruct_n(0, index.ntotal)


def noisy(bases: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` synthetic unit vectors around random rows of ``bases`` (cosine ~0.9 to them)."""
    source = bases[rng.integers(len(bases), size=n)]
    direction = bases[rng.integers(len(bases), size=n)] - bases.mean(axis=0)
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    iso = rng.standard_normal((n, DIM)).astype(np.float32) / np.sqrt(DIM)
    out = source + NOISE / np.sqrt(2) * (direction + iso)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def source_vectors(work: Path, real: np.ndarray, n: int, seed: int = 5) -> np.memmap:
    """The first ``n`` rows: the real vectors, then synthetic ones (a file, made once)."""
    path = work / f"source-{len(real)}-{n}-{seed}.f32"
    if not path.exists():
        rng = np.random.default_rng(seed)
        bases = np.unique(real, axis=0)
        out = np.memmap(str(path) + ".part", dtype=np.float32, mode="w+", shape=(n, DIM))
        head = min(n, len(real))
        out[:head] = real[:head]
        for start in range(head, n, 100_000):
            stop = min(n, start + 100_000)
            out[start:stop] = noisy(bases, rng, stop - start)
        out.flush()
        del out
        os.replace(str(path) + ".part", path)
    return np.memmap(path, dtype=np.float32, mode="r", shape=(n, DIM))


def query_vectors(work: Path, real: np.ndarray, count: int) -> tuple[np.ndarray, int]:
    """(queries, how many are encoded questions)."""
    path = work / "questions.npy"
    if not path.exists():
        from index.passages.embed import encode_query, load_model
        from index.passages.evaluate import load_set
        model = load_model()
        texts = [q.query for q in load_set(ROOT / "tests" / "retrieval_set.jsonl")]
        np.save(path, np.concatenate([encode_query(t, model) for t in texts]).astype(np.float32))
    questions = np.load(path)[:count]
    extra = noisy(np.unique(real, axis=0), np.random.default_rng(9), count - len(questions))
    return np.concatenate([questions, extra]), len(questions)


def exact_top(source: np.ndarray, queries: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """Per query, the exact ``K``-th best score (among ``allowed`` rows if given)."""
    best = np.full((len(queries), K), -np.inf, dtype=np.float32)
    mask = None
    if allowed is not None:
        mask = np.zeros(len(source), dtype=bool)
        mask[allowed] = True
    for start in range(0, len(source), 200_000):
        block = np.asarray(source[start:start + 200_000])
        scores = queries @ block.T
        if mask is not None:
            scores[:, ~mask[start:start + len(block)]] = -np.inf
        merged = np.concatenate([best, scores], axis=1)
        best = -np.sort(-merged, axis=1)[:, :K]
    return best[:, -1]


def recall(source: np.ndarray, queries: np.ndarray, rows: list[list[int]], tenth: np.ndarray) -> float:
    hits = 0
    for query, found, threshold in zip(queries, rows, tenth):
        found = sorted(found[:K])
        exact = np.asarray(source[found]) @ query if found else np.zeros(0)
        hits += int((exact >= threshold - 1e-5).sum())
    return hits / (K * len(queries))


# ---------------------------------------------------------------------------
# The subprocess: load, query, report its own memory
# ---------------------------------------------------------------------------


def memory() -> dict[str, int]:
    """VmRSS, RssAnon and RssFile of this process, in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name = line.split(":")[0]
        if name in ("VmRSS", "RssAnon", "RssFile"):
            out[name] = int(line.split()[1]) // 1024
    return out


def worker(index_path: str, mode: str, queries_path: str, allowed_path: str, out_path: str) -> None:
    queries = np.load(queries_path)
    allowed = np.load(allowed_path)
    report: dict = {"imported": memory()}
    if mode == "today":
        raw = faiss.read_index(index_path)
        kind = vectors.HNSW if isinstance(raw, faiss.IndexHNSW) else vectors.FLAT
        index = vectors.VectorIndex(raw, kind, int(raw.d))
    else:
        index = vectors.load(Path(index_path))
    report["loaded"] = memory()
    times: dict[str, list[float]] = {"all": [], "filtered": [], "narrow": []}
    rows: dict[str, list[list[int]]] = {"all": [], "filtered": [], "narrow": []}
    for name, allow in (("all", None), ("filtered", allowed), ("narrow", allowed[::NARROW])):
        for query in queries:
            start = time.perf_counter()
            found, _ = index.search(query, K, allow)
            times[name].append(time.perf_counter() - start)
            rows[name].append(found.tolist())
        report[f"after_{name}"] = memory()
    report["after_filtered"] = report.pop("after_narrow")
    report["times"] = times
    report["rows"] = rows
    Path(out_path).write_text(json.dumps(report))


def measure(work: Path, index_path: Path, mode: str) -> dict:
    out = work / "result.json"
    subprocess.run([sys.executable, __file__, "--worker", str(index_path), mode, str(work / "queries.npy"),
                    str(work / "allowed.npy"), str(out)], check=True)
    return json.loads(out.read_text())


# ---------------------------------------------------------------------------


def ms(values: list[float], q: float) -> float:
    return 1000 * float(np.percentile(values, q))


def bench_size(work: Path, real: np.ndarray, n: int, queries: np.ndarray, kinds: list[str]) -> None:
    """Build each of ``kinds`` over ``n`` vectors, then measure it loaded in a fresh process."""
    source = source_vectors(work, real, n)
    synthetic = max(0, n - len(real))
    print(f"\n== {n:,} vectors: {n - synthetic:,} real, {synthetic:,} synthetic"
          f"{' (real vectors plus noise)' if synthetic else ''}")
    allowed = np.sort(np.random.default_rng(4).choice(n, int(n * FILTER_SHARE), replace=False))
    np.save(work / "allowed.npy", allowed)
    np.save(work / "queries.npy", queries)
    start = time.perf_counter()
    tenth_all = exact_top(source, queries, None)
    tenth_filtered = exact_top(source, queries, allowed)
    tenth_narrow = exact_top(source, queries, allowed[::NARROW])
    print(f"   exact scan of all vectors, numpy, {len(queries)} queries at once: "
          f"{time.perf_counter() - start:.1f} s for both sets   [{load()}]")
    print(f"   {'kind':<6} {'load':<6} {'build s':>8} {'file MB':>8} {'RSS import':>10} {'RSS load':>15} "
          f"{'RSS 100 q':>15} {'RSS filters':>15} {'p50 ms':>7} {'p95 ms':>7} {'p50 f':>7} "
          f"{'p95 f':>7} {'p50 1%':>7} {'p95 1%':>7} {'rec@10':>6} {'rec f':>6} {'rec 1%':>6}")
    for kind in kinds:
        path = work / f"{kind}-{n}.faiss"
        start = time.perf_counter()
        index = vectors.build(source, exact_max=0, kind=kind)
        built = time.perf_counter() - start
        if kind == vectors.IVF:
            sweep(index, source, queries, tenth_all)
        vectors.save(index, path)
        del index
        size = path.stat().st_size / 2**20
        modes = ["today", "mmap"] if kind != vectors.IVF else ["mmap"]
        for mode in modes:
            r = measure(work, path, mode)

            def mem(stage: str) -> str:
                m = r[stage]
                return f"{m['VmRSS']}({m['RssAnon']}+{m['RssFile']})"
            print(f"   {kind:<6} {mode:<6} {built:8.1f} {size:8.0f} {r['imported']['VmRSS']:>10} "
                  f"{mem('loaded'):>15} {mem('after_all'):>15} {mem('after_filtered'):>15} "
                  f"{ms(r['times']['all'], 50):7.2f} {ms(r['times']['all'], 95):7.2f} "
                  f"{ms(r['times']['filtered'], 50):7.2f} {ms(r['times']['filtered'], 95):7.2f} "
                  f"{ms(r['times']['narrow'], 50):7.2f} {ms(r['times']['narrow'], 95):7.2f} "
                  f"{recall(source, queries, r['rows']['all'], tenth_all):6.3f} "
                  f"{recall(source, queries, r['rows']['filtered'], tenth_filtered):6.3f} "
                  f"{recall(source, queries, r['rows']['narrow'], tenth_narrow):6.3f}   [{load()}]")
        path.unlink()


def sweep(index: vectors.VectorIndex, source: np.ndarray, queries: np.ndarray, tenth: np.ndarray) -> None:
    """Recall@10 of the inverted file by lists read (the default is marked)."""
    ivf = cast(faiss.IndexIVF, index.index)
    figures = []
    for nprobe in (8, 16, 32, 64, 128):
        params = cast(Any, faiss).SearchParametersIVF(nprobe=nprobe)
        _, rows = ivf.search(np.ascontiguousarray(queries), K, params=params)
        mark = "*" if nprobe == index.nprobe() else ""
        figures.append(f"{nprobe}{mark}: {recall(source, queries, [r.tolist() for r in rows], tenth):.3f}")
    print(f"   ivf nlist {ivf.nlist}, recall@10 by nprobe: " + ", ".join(figures))


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:7])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=Path, required=True, help="a real index (.faiss) or embedding cache (.f32)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[37_794, 400_000, 2_600_000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--exact-max", type=int, default=100_000, help="exact_index_max")
    parser.add_argument("--all-kinds", action="store_true",
                        help="every kind at every size (flat up to --exact-max, HNSW up to --hnsw-max)")
    parser.add_argument("--hnsw-max", type=int, default=500_000, help="with --all-kinds: no HNSW graph past this size")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "vectors")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    real = read_real(args.real)
    queries, questions = query_vectors(args.work, real, args.queries)
    print(f"{len(real):,} real vectors from {args.real}; {len(queries)} queries: {questions} encoded "
          f"questions of tests/retrieval_set.jsonl, {len(queries) - questions} real vectors plus noise")
    print(f"kinds: flat up to exact_index_max, hnsw below ON_DISK_MIN = {vectors.ON_DISK_MIN:,}, ivf past it. "
          "RSS in MB: VmRSS(RssAnon+RssFile); 'f' = with a 10% filter, '1%' = with a 1% filter")
    for n in args.sizes:
        kinds = [vectors.kind_for(n, args.exact_max)]
        if args.all_kinds:
            kinds = ([vectors.FLAT] if n <= args.exact_max else []) \
                + ([vectors.HNSW] if n <= args.hnsw_max else []) + [vectors.IVF]
        bench_size(args.work, real, n, queries, kinds)


if __name__ == "__main__":
    main()
