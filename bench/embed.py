"""Embedding throughput against raw sentence-transformers, and the cost of a cache lookup.

Prints its figures (nothing is asserted):

1. Throughput (texts/s) of Gongkai's ``embed_texts`` (a fresh cache each run, so every text
   is encoded and appended to it) with ``embed_threads`` auto, against raw
   ``SentenceTransformer(folder).encode(texts, batch_size=64)`` on the same cores and the
   same texts, in fp32 and under the same bf16 autocast Gongkai uses; with ``--before REV``
   also the ``embed_texts`` of that revision (threads fixed at 2).  Runs are interleaved,
   ``--repeats`` times, medians reported; then Gongkai's batch sizes (``--batch-sizes``);
   then one query's latency on one thread vs every core (the answer path).
2. ``embed_texts`` of 100 cached texts with a cache of ``--small`` and ``--large`` keys:
   time per call and the growth of the process's memory, each in a process of its own, for
   this code and (with ``--before REV``) the old one reading its ``.keys`` file.  The big
   caches are synthetic: random keys, and a sparse vector file in which only the 100 real
   texts' rows are written (a lookup reads just those rows; the output says so).

Texts are real passages, cut into embedding pieces, from ``--passages`` (read only; default
the demo corpus's ``passages.parquet``).

    .venv/bin/python bench/embed.py --before c476cb9
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from index.passages import embed  # noqa: E402
from bench.sample_texts import distinct_pieces  # noqa: E402
from index.passages.chunk import text_hash  # noqa: E402

DEFAULT_PASSAGES = "/tmp/demodata/passages/current/passages.parquet"  # or any corpus directory


def uptime() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def old_module(rev: str, work: Path) -> ModuleType:
    """``index/passages/embed.py`` as it was at ``rev``, imported under another name."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:index/passages/embed.py"],
                            check=True, capture_output=True, text=True).stdout
    path = work / f"embed_{rev}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"embed_{rev}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def median(values: list[float]) -> float:
    return statistics.median(values)


# -- 1. throughput ------------------------------------------------------------------------------

def throughput(texts: list[str], repeats: int, batch_sizes: list[int], before: ModuleType | None,
               work: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    model = embed.load_model()
    cores = embed.usable_cores()
    raw = SentenceTransformer(model.name, device="cpu")  # a copy of its own, as a user would load it
    old_model = before.load_model() if before is not None else None
    chars = statistics.mean(len(t) for t in texts)
    print(f"\n== throughput: {len(texts)} distinct pieces (avg {chars:.0f} chars), {cores} usable cores, "
          f"model {Path(model.name).name}, Gongkai: device {model.device}, precision {model.precision}, "
          f"threads {model.threads}, batch {embed.BATCH_SIZE}")

    def gongkai(batch: int = embed.BATCH_SIZE) -> np.ndarray:
        embed._RECENT.clear()  # the in-process memory would answer a repeat without the model
        folder = Path(tempfile.mkdtemp(dir=work))
        saved, embed.BATCH_SIZE = embed.BATCH_SIZE, batch
        try:
            return embed.embed_texts(folder, texts, model)
        finally:
            embed.BATCH_SIZE = saved
            shutil.rmtree(folder)

    def old() -> np.ndarray:
        import torch

        assert before is not None
        before._RECENT.clear()
        torch.set_num_threads(2)  # what its load_model set
        folder = Path(tempfile.mkdtemp(dir=work))
        try:
            return before.embed_texts(folder, texts, old_model)
        finally:
            shutil.rmtree(folder)

    def raw_fp32() -> np.ndarray:
        torch.set_num_threads(cores)
        return raw.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    def raw_bf16() -> np.ndarray:
        torch.set_num_threads(cores)
        with torch.autocast("cpu", dtype=torch.bfloat16), torch.inference_mode():
            return raw.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    runs: dict[str, object] = {"gongkai embed_texts": gongkai, "raw encode fp32": raw_fp32,
                               "raw encode bf16 autocast": raw_bf16}
    if before is not None:
        runs["before: embed_texts, 2 threads"] = old
    for size in batch_sizes:
        if size != embed.BATCH_SIZE:
            runs[f"gongkai embed_texts, batch {size}"] = lambda size=size: gongkai(size)
    gongkai(), raw_fp32()  # warm-up: first calls allocate
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    last: dict[str, np.ndarray] = {}
    for repeat in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            last[name] = np.asarray(run())  # type: ignore[operator]
            seconds[name].append(time.perf_counter() - started)
        print(f"  repeat {repeat + 1}/{repeats} done ({uptime()})", flush=True)
    base = {"fp32": median(seconds["raw encode fp32"]), "bf16": median(seconds["raw encode bf16 autocast"])}
    for name, values in seconds.items():
        rate = len(texts) / median(values)
        against = "bf16" if model.precision == "bf16" and "raw encode fp32" not in name else "fp32"
        ratio = base[against] / median(values)
        print(f"  {name:38s} median {median(values):6.2f} s  {rate:6.1f} texts/s  "
              f"{ratio:4.2f}x raw {against}   runs {', '.join(f'{v:.2f}' for v in values)}")
    reference = last["raw encode fp32"]
    for name, vectors in last.items():
        cosine = np.sum(vectors * reference, axis=1)
        print(f"  cosine to raw fp32, {name:38s} min {cosine.min():.5f}  mean {cosine.mean():.6f}")
    print(f"  ({uptime()})")
    query_latency(model, texts, cores)


def query_latency(model: embed.Model, texts: list[str], cores: int, n: int = 40) -> None:
    """One query encoded on one thread (what the answer path does) vs on every core."""
    import torch

    queries = [t[:30] for t in texts[:n]]
    took: dict[int, list[float]] = {1: [], cores: []}
    with torch.inference_mode():
        for query in queries:
            for threads in took:
                torch.set_num_threads(threads)
                started = time.perf_counter()
                model.st.encode([query], normalize_embeddings=True, show_progress_bar=False)
                took[threads].append(time.perf_counter() - started)
    print(f"\n== one query (fp32), {n} queries interleaved ({uptime()})")
    for threads, values in took.items():
        print(f"  {threads} thread(s): p50 {1000 * median(values):.1f} ms, "
              f"p95 {1000 * float(np.percentile(values, 95)):.1f} ms")


# -- 2. cache lookups ---------------------------------------------------------------------------

def build_legacy_cache(folder: Path, tag: str, dim: int, size: int, texts: list[str], vectors: np.ndarray,
                       seed: int = 5) -> None:
    """An old-format cache (``.f32`` + ``.keys``) of ``size`` keys holding ``texts`` at random rows."""
    target = folder / embed.CACHE_DIR
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows = rng.choice(size, size=len(texts), replace=False)
    keys = [hashlib.sha1(f"synthetic {i}".encode()).hexdigest() for i in range(size)]
    for row, text in zip(rows, texts):
        keys[row] = text_hash(text)
    (target / f"{tag}.keys").write_text("".join(k + "\n" for k in keys), "ascii")
    with open(target / f"{tag}.f32", "wb") as fh:
        fh.truncate(size * dim * 4)  # sparse: only the real rows are written
        for row, vector in zip(rows, vectors):
            fh.seek(int(row) * dim * 4)
            fh.write(np.asarray(vector, dtype=np.float32).tobytes())


def cache_lookups(texts: list[str], sizes: list[int], before: str | None, work: Path, calls: int) -> None:
    model = embed.load_model()
    vectors = embed.embed_texts(work / "reference", texts, model)
    np.save(work / "texts-vectors.npy", vectors)
    (work / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    print(f"\n== embed_texts of {len(texts)} cached texts, {calls} calls per process ({uptime()})")
    print("  caches of synthetic keys; their vector files are sparse (only the real texts' rows written)")
    for size in sizes:
        legacy = work / f"legacy-{size}"
        started = time.perf_counter()
        build_legacy_cache(legacy, model.tag, model.dim, size, texts, vectors)
        print(f"  cache of {size:,} keys built in {time.perf_counter() - started:.1f} s "
              f"(.keys {(legacy / embed.CACHE_DIR / f'{model.tag}.keys').stat().st_size / 1e6:.0f} MB)")
        impls = (["before"] if before else []) + ["after"]
        for impl in impls:
            folder = work / f"{impl}-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(legacy, folder, copy_function=lambda s, d: subprocess.run(
                ["cp", "--sparse=always", s, d], check=True))
            command = [sys.executable, __file__, "--probe", str(folder), "--probe-work", str(work),
                       "--calls", str(calls)] + (["--before", str(before)] if impl == "before" else [])
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {impl:6s} {size:>9,} keys: first call {1000 * result['first']:8.1f} ms, "
                  f"then median {1000 * result['median']:7.1f} ms; memory +{result['rss_mb']:.0f} MB "
                  f"(peak +{result['peak_mb']:.0f} MB); vectors equal: {result['equal']}; "
                  f"files {result['files']} ({uptime()})", flush=True)
        shutil.rmtree(legacy)


def _memory() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def probe(folder: Path, work: Path, calls: int, before: str | None) -> None:
    """In a process of its own: ``calls`` embed_texts of the cached texts; time and memory growth."""
    module = old_module(before, work) if before else embed
    model = module.load_model()
    texts = json.loads((work / "texts.json").read_text("utf-8"))
    expected = np.load(work / "texts-vectors.npy")
    module.embed_texts(work / "reference", texts[:2], model)  # warm-up outside the cache under test
    rss0, _ = _memory()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    took = []
    equal = True
    for _ in range(calls):
        started = time.perf_counter()
        got = module.embed_texts(folder, texts, model)
        took.append(time.perf_counter() - started)
        equal = equal and bool(np.array_equal(got, expected))
    rss1, peak = _memory()
    files = sorted(p.name.rsplit(".", 1)[-1] for p in (folder / embed.CACHE_DIR).iterdir())
    print(json.dumps({"first": took[0], "median": median(took[1:] or took), "rss_mb": rss1 - rss0,
                      "peak_mb": peak - rss0, "equal": equal, "files": "+".join(files)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", default=DEFAULT_PASSAGES, help="a corpus directory, or an old index's passages.parquet, to read texts from")
    parser.add_argument("--texts", type=int, default=2000, help="distinct pieces embedded per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", default="32,64,128,256")
    parser.add_argument("--before", default=None, help="a git revision whose embed.py is measured too")
    parser.add_argument("--small", type=int, default=40_000, help="keys of the small cache")
    parser.add_argument("--large", type=int, default=2_600_000, help="keys of the large cache (0: skip)")
    parser.add_argument("--calls", type=int, default=6, help="embed_texts calls per cache probe")
    parser.add_argument("--skip", choices=("throughput", "cache"), action="append", default=[])
    parser.add_argument("--work", default=None, help="scratch folder (default: a new temporary one)")
    parser.add_argument("--probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--probe-work", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(Path(args.probe), Path(args.probe_work), args.calls, args.before)
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="gongkai-bench-embed-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"bench/embed.py: {uptime()}")
    texts = distinct_pieces(args.passages, args.texts)
    if "throughput" not in args.skip:
        before = old_module(args.before, work) if args.before else None
        throughput(texts, args.repeats, [int(b) for b in args.batch_sizes.split(",") if b], before, work)
    if "cache" not in args.skip:
        sizes = [s for s in (args.small, args.large) if s]
        cache_lookups(texts[:100], sizes, args.before, work, args.calls)
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
