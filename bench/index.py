"""Passage index speed: embedding throughput, index build time, search latency.

    .venv/bin/python bench/index.py [--sizes 10000 200000] [--sample 1500] [--searches 200]

1. Embedding: real demo passages through the real model (2 threads, batch 64): passages/s,
   and the time to embed one report's passages on its own (what an ingest of one report costs).
2. For each size, a corpus of demo reports (built straight from the generator's records,
   no parsing) with at least that many passages is indexed with ``build_index``.  Every
   sentence gets its report's agency and year appended, so that pieces are as distinct as
   in real reports (the phrase bank repeats sentences across reports).  Embedding
   200,000 passages for real would take hours on 2 cores, so the embedding cache is filled
   first: pieces of the sample embedded above keep their real vectors, every other piece
   gets a perturbed copy of a real vector (cosine ≈ 0.9 to it).  The build then runs the
   real path (chunking, jieba, FAISS, near-duplicates, writing) with no model call.
3. Search latency: hybrid searches (query encoding, BM25, FAISS, fusion) with a mix of
   filters, p50 and p95 over ``--searches`` queries after a warm-up.
4. ``--crossover``: FAISS flat vs HNSW single-query latency by vector count, the figures
   behind the ``exact_index_max`` setting.

Results are printed; the corpora stay in bench/out/index/ for inspection.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demo import generate_records  # noqa: E402
from index.passages import vectors  # noqa: E402
from index.passages.embed import EmbeddingCache, load_model  # noqa: E402
from index.passages.evaluate import load_set  # noqa: E402
from index.passages.chunk import chunk_report, embedding_pieces, text_hash  # noqa: E402
from index.passages.indexer import current_folder, load_state  # noqa: E402
from index.passages.search import build_index, search  # noqa: E402
from index.passages.topics import TOPICS  # noqa: E402
from parsing.record import Report  # noqa: E402

OUT = ROOT / "bench" / "out" / "index"
YEARS = range(2019, 2025)


def _vary(report: Report, number: int) -> None:
    """Make every sentence of ``report`` its own: the demo's phrase bank repeats sentences
    across reports far more than real reports do, which would leave a 200,000-passage
    index with a few thousand distinct vectors."""
    tag = f"({report.agency}{report.year}-{number})"
    for section in report.sections:
        section.text = re.sub(r"([。；;])", lambda m: tag + m.group(1), section.text)


def demo_reports(passages_wanted: int, seed: int = 11,
                 vary: bool = True) -> tuple[list[Report], dict[str, list[str]], dict[str, int]]:
    """Demo reports, in generator order, until they hold ``passages_wanted`` passages,
    with each report's embedding pieces and passage count (by report id)."""
    agencies = passages_wanted // (8 * len(YEARS)) + 20
    reports: list[Report] = []
    pieces: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    total = 0
    for record in generate_records(agencies, YEARS, seed):
        truth = record.truth()
        identity = f"{seed}|{record.index}|{record.key}|{record.year}"
        report = Report.from_dict({**truth, "id": hashlib.sha1(identity.encode()).hexdigest()[:12],
                                   "source": f"demo-{record.index}.txt", "checks": [], "warnings": []})
        if vary:
            _vary(report, len(reports))
        passages = chunk_report(report)
        reports.append(report)
        pieces[report.id] = [piece for p in passages for piece in embedding_pieces(p.simplified)]
        counts[report.id] = len(passages)
        total += len(passages)
        if total >= passages_wanted:
            break
    return reports, pieces, counts


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def bench_embedding(reports: list[Report], sample: int) -> dict[str, np.ndarray]:
    """Embed ``sample`` real passages; print throughput and per-report time."""
    model = load_model()
    print(f"model {Path(model.name).name} ({model.precision}, {model.dim} dims), torch threads 2, batch 64")
    passages = [p for r in reports for p in chunk_report(r)][:sample]
    pieces = list(dict.fromkeys(piece for p in passages for piece in embedding_pieces(p.simplified)))
    model.encode(pieces[:64])  # warm-up
    started = time.perf_counter()
    vectors_ = model.encode(pieces)
    seconds = time.perf_counter() - started
    print(f"embedding: {len(passages)} passages = {len(pieces)} distinct pieces "
          f"(avg {statistics.mean(len(p) for p in pieces):.0f} chars) in {seconds:.1f} s: "
          f"{len(passages) / seconds:.1f} passages/s, {len(pieces) / seconds:.1f} pieces/s")
    per_report = []
    sizes = []
    for report in reports[:30]:
        own = [piece for p in chunk_report(report) for piece in embedding_pieces(p.simplified)]
        started = time.perf_counter()
        model.encode(own)
        per_report.append(time.perf_counter() - started)
        sizes.append(len(chunk_report(report)))
    print(f"one report's passages ({statistics.mean(sizes):.1f} passages, embedded alone): "
          f"mean {statistics.mean(per_report):.2f} s, p95 {percentile(per_report, 95):.2f} s (target < 0.5 s)")
    return {text_hash(t): v for t, v in zip(pieces, vectors_)}


def fill_cache(data: Path, reports: list[Report], pieces: dict[str, list[str]], real: dict[str, np.ndarray],
               seed: int = 3) -> tuple[int, int]:
    """Put a vector for every piece of ``reports`` into the cache: real if known, else perturbed."""
    model = load_model()
    cache = EmbeddingCache(data, model.tag, model.dim)
    rng = np.random.default_rng(seed)
    bases = np.stack(list(real.values()))
    keys = list(dict.fromkeys(text_hash(piece) for r in reports for piece in pieces[r.id]))
    out = np.empty((len(keys), model.dim), dtype=np.float32)
    known = np.array([k in real for k in keys])
    for i in np.flatnonzero(known):
        out[i] = real[keys[i]]
    missing = np.flatnonzero(~known)
    for start in range(0, len(missing), 50_000):
        block = missing[start:start + 50_000]
        # Noise of norm ~0.48 around a real vector: cosine ~0.9 to it.
        noisy = bases[rng.integers(len(bases), size=len(block))] \
            + rng.standard_normal((len(block), model.dim)).astype(np.float32) * (0.48 / np.sqrt(model.dim))
        out[block] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    synthetic = len(missing)
    cache.add(keys, out)
    return len(keys), synthetic


def bench_size(size: int, reports: list[Report], pieces: dict[str, list[str]], real: dict[str, np.ndarray],
               searches: int, reuse: bool) -> None:
    data = OUT / f"n{size}"
    if reuse and current_folder(data) is not None:
        manifest = load_state(data).manifest
        print(f"\n{size:,} passages wanted: reusing {data}: {manifest['passages']:,} passages, "
              f"{manifest['vector_rows']:,} vectors ({manifest['vector_kind']})")
    else:
        shutil.rmtree(data, ignore_errors=True)
        distinct, synthetic = fill_cache(data, reports, pieces, real)
        started = time.perf_counter()
        manifest = build_index(data, reports, progress=False)
        build = time.perf_counter() - started
        print(f"\n{size:,} passages wanted: {len(reports):,} reports, {manifest['passages']:,} passages, "
              f"{manifest['vector_rows']:,} vectors ({manifest['vector_kind']}); {distinct:,} distinct pieces, "
              f"{synthetic:,} of them perturbed copies of real vectors")
        print(f"  build_index: {build:.1f} s (no model calls: every piece was cached)")
    queries = [q.query for q in load_set(ROOT / "tests" / "retrieval_set.jsonl")]
    agencies = sorted({r.agency for r in reports if r.agency})
    rng = np.random.default_rng(5)
    filters: list[dict] = [{}, {"kind": "measures"}, {"year": 2021}, {"kind": "problems", "year": 2023},
                           {"agency": agencies[0]}, {"topic": TOPICS[0].key}, {"region": reports[0].region.city}]
    for q in queries[:5]:
        search(data, q, k=5)  # warm-up: loads the index, the model, jieba
    timings: dict[str, list[float]] = {"hybrid": [], "bm25": [], "dense": []}
    for i in range(searches):
        query = queries[i % len(queries)]
        chosen = filters[int(rng.integers(len(filters)))]
        for name, retrievers in (("hybrid", ("bm25", "dense")), ("bm25", ("bm25",)), ("dense", ("dense",))):
            started = time.perf_counter()
            search(data, query, k=5, retrievers=retrievers, **chosen)
            timings[name].append((time.perf_counter() - started) * 1000)
    for name, values in timings.items():
        print(f"  search {name:6}: p50 {percentile(values, 50):6.1f} ms, p95 {percentile(values, 95):6.1f} ms"
              + ("  (target p95 < 50 ms)" if name == "hybrid" else ""))


def bench_crossover(dim: int = 512) -> None:
    """Single-query latency of exact vs HNSW search by vector count (synthetic unit vectors)."""
    rng = np.random.default_rng(1)
    print("\nexact (IndexFlatIP) vs HNSW (M=32, efSearch=64), one query, one thread:")
    for n in (10_000, 25_000, 50_000, 100_000, 200_000):
        x = rng.standard_normal((n, dim)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        queries = x[rng.integers(n, size=100)] + 0.02 * rng.standard_normal((100, dim)).astype(np.float32)
        flat = vectors.build(x, exact_max=n)
        started = time.perf_counter()
        graph = vectors.build(x, exact_max=0)
        built = time.perf_counter() - started
        lat: dict[str, list[float]] = {"flat": [], "hnsw": []}
        for q in queries:
            for name, index in (("flat", flat), ("hnsw", graph)):
                t = time.perf_counter()
                index.search(q, 50)
                lat[name].append((time.perf_counter() - t) * 1000)
        print(f"  {n:>7,} vectors: flat p95 {percentile(lat['flat'], 95):5.1f} ms, "
              f"hnsw p95 {percentile(lat['hnsw'], 95):5.2f} ms (built in {built:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--sample", type=int, default=1500, help="Passages embedded for real.")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--crossover", action="store_true", help="Also measure flat vs HNSW by size.")
    parser.add_argument("--reuse", action="store_true", help="Search the indexes already built under bench/out.")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} (other work on the machine slows every figure)")
    started = time.perf_counter()
    reports, pieces, counts = demo_reports(max(args.sizes))
    print(f"{len(reports):,} demo reports generated and chunked in {time.perf_counter() - started:.1f} s")
    real = bench_embedding(reports, args.sample)
    for size in sorted(args.sizes):
        wanted: list[Report] = []
        total = 0
        for report in reports:
            if total >= size:
                break
            wanted.append(report)
            total += counts[report.id]
        bench_size(size, wanted, pieces, real, args.searches, args.reuse)
    if args.crossover:
        bench_crossover()


if __name__ == "__main__":
    main()
