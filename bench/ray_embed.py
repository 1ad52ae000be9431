"""Embedding throughput of the Ray engine: 1 actor against 2 actors (1 thread each).

Prints its figures (nothing is asserted).  The texts are real passages cut into embedding
pieces (``--texts`` distinct ones, default 2,000) from ``--passages`` (read only; default the
demo corpus's ``passages.parquet``).  A local Ray instance is started once (``--cpus``
CPUs; its start-up time is printed, not counted); then the engine's own embedding stage
(:func:`corpus.ray_engine.embedded`: the same blocks, actor pool and batch size as
``gongkai ingest --engine ray``, vectors streamed into a fresh embedding cache) runs with 1
and with 2 actors, interleaved, ``--repeats`` times.  For each run:

* **wall**: from submitting the texts to the last vector in the cache, actors' start-up
  (worker process, ``import torch``/sentence-transformers, model load) included;
* **start-up**: until the first actor began to encode (worker process, ``import torch``, model load);
* **embedding**: texts/s of encoding, start-up left out: each actor's texts over the time
  from its first batch's start to its last batch's end (times taken inside the actors),
  summed over the actors (they encode at the same time);
* **texts per CPU-second**: texts over the CPU time the actors spent encoding them; on a
  machine shared with other work (load average above the cores) the wall-clock ratio says
  little, and this one says whether two actors do more work per CPU than one.

Before and after, the free parallelism of the machine: the work 2 busy-loop processes do
over what 1 does (2.0 on 2 idle cores); the 2-actor ratio cannot exceed it.

Medians; the ratio 2 actors / 1 actor of each.

    .venv/bin/python bench/ray_embed.py
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from corpus.ray_engine import PIECES_BLOCK, Embedder, RayOptions, embedded, import_ray  # noqa: E402
from bench.sample_texts import distinct_pieces  # noqa: E402
from index.passages.chunk import text_hash  # noqa: E402
from index.passages.embed import EmbeddingCache, model_name, model_tag  # noqa: E402
from index.passages.settings import IndexSettings  # noqa: E402

DEFAULT_PASSAGES = "/tmp/demodata/passages/current/passages.parquet"  # or any corpus directory


def uptime() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


class TimedEmbedder(Embedder):
    """The engine's actor, saying when each of its batches began and ended (this machine's clock)."""

    def __call__(self, batch: pa.Table) -> dict[str, np.ndarray]:
        began, cpu = time.time(), time.process_time()
        out = super().__call__(batch)
        n = len(out["key"])
        return out | {"began": np.full(n, began), "ended": np.full(n, time.time()), "actor": np.full(n, os.getpid()),
                      "cpu": np.full(n, (time.process_time() - cpu) / n)}


def _spin(out: Any, seconds: float) -> None:
    end, n = time.time() + seconds, 0
    while time.time() < end:
        for _ in range(10_000):
            pass
        n += 1
    out.value = n


def free_parallelism(seconds: float = 3.0) -> float:
    """Work of 2 busy-loop processes over that of 1, run one after the other: what a second
    process can add on this machine now (2.0 on 2 idle cores, about 1.0 when other work leaves
    one core's worth)."""
    import multiprocessing

    totals = []
    for k in (1, 2):
        values = [multiprocessing.Value("l", 0) for _ in range(k)]
        processes = [multiprocessing.Process(target=_spin, args=(v, seconds)) for v in values]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        totals.append(sum(v.value for v in values))
    return totals[1] / max(1, totals[0])


def run(ray: object, texts: list[str], actors: int, dim: int) -> dict[str, float]:
    """One embedding stage over ``texts`` with ``actors`` actors of 1 thread, into a fresh cache."""
    folder = Path(tempfile.mkdtemp(prefix="h14-ray-bench-"))
    try:
        cache = EmbeddingCache(folder, model_tag(model_name(None)), dim)
        started = time.perf_counter()
        keys = [text_hash(t) for t in texts]
        blocks = [ray.put(pa.table({"key": keys[i:i + PIECES_BLOCK], "text": texts[i:i + PIECES_BLOCK]}))  # type: ignore[attr-defined]
                  for i in range(0, len(texts), PIECES_BLOCK)]
        submitted = time.time()
        began = float("inf")
        actors_seen: dict[int, list[float]] = {}  # pid -> [first began, last ended, texts]
        done = 0
        cpu = 0.0
        dataset = embedded(ray, blocks, IndexSettings(), RayOptions(actors=actors, actor_threads=1), TimedEmbedder)
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            cache.add([str(k) for k in batch["key"]], np.asarray(batch["vector"], dtype=np.float32))
            began = min(began, float(batch["began"].min()))
            for pid, start, end in {(int(a), float(b), float(e))
                                    for a, b, e in zip(batch["actor"], batch["began"], batch["ended"])}:
                seen = actors_seen.setdefault(pid, [start, end, 0.0])
                seen[0], seen[1] = min(seen[0], start), max(seen[1], end)
            for pid in batch["actor"]:
                actors_seen[int(pid)][2] += 1
            done += len(batch["key"])
            cpu += float(batch["cpu"].sum())
        wall = time.perf_counter() - started
        assert done == len(texts) and len(cache) == len(texts), (done, len(cache))
        rate = sum(texts / max(1e-9, end - start) for start, end, texts in actors_seen.values())
        return {"wall": wall, "startup": began - submitted, "steady": rate, "actors": len(actors_seen),
                "per_cpu_s": done / max(1e-9, cpu)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", default=DEFAULT_PASSAGES)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    args = parser.parse_args()

    texts = distinct_pieces(args.passages, args.texts)
    print(f"Free parallelism before: 2 busy-loop processes do {free_parallelism():.2f}x the work of 1 ({uptime()})")
    print(f"{len(texts)} distinct pieces from {args.passages} "
          f"(median {statistics.median(len(t) for t in texts):.0f} characters); {os.cpu_count()} cores; {uptime()}")
    ray = import_ray()
    started = time.perf_counter()
    ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    print(f"Ray start-up (ray.init of a local instance, {args.cpus} CPUs): {time.perf_counter() - started:.1f} s, "
          f"not counted below; {ray.__version__}")
    from index.passages.embed import load_model

    dim = load_model(None, None, "cpu", 1).dim  # for the cache's row size only
    figures: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    try:
        for repeat in range(args.repeats):
            for actors in ((1, 2) if repeat % 2 == 0 else (2, 1)):
                result = run(ray, texts, actors, dim)
                figures[actors].append(result)
                print(f"  repeat {repeat + 1}/{args.repeats}, {actors} actor(s): wall {result['wall']:.1f} s, "
                      f"start-up {result['startup']:.1f} s, embedding {result['steady']:.1f} texts/s by {result['actors']:.0f} actor(s), {result['per_cpu_s']:.1f} texts per CPU-second ({uptime()})",
                      flush=True)
    finally:
        ray.shutdown()
    medians = {a: {k: statistics.median(r[k] for r in runs) for k in ("wall", "startup", "steady", "per_cpu_s")}
               for a, runs in figures.items()}
    print(f"Free parallelism after: 2 busy-loop processes do {free_parallelism():.2f}x the work of 1 ({uptime()})")
    print(f"\n== Ray engine embedding, {len(texts)} texts, medians of {args.repeats} ({uptime()})")
    print(f"{'actors':>7} {'wall s':>8} {'texts/s':>8} {'start-up s':>11} {'embedding texts/s':>19} "
          f"{'texts/CPU-s':>12}")
    for actors, m in medians.items():
        print(f"{actors:>7} {m['wall']:>8.1f} {len(texts) / m['wall']:>8.1f} {m['startup']:>11.1f} {m['steady']:>19.1f} "
              f"{m['per_cpu_s']:>12.1f}")
    print(f"2 actors / 1 actor: {medians[1]['wall'] / medians[2]['wall']:.2f}x wall, "
          f"{medians[2]['steady'] / medians[1]['steady']:.2f}x embedding (target >= 1.5x); "
          f"texts per CPU-second {medians[2]['per_cpu_s'] / medians[1]['per_cpu_s']:.2f}x of one actor's "
          f"(2 actors on 2 free cores would embed about twice that ratio of one actor's rate)")


if __name__ == "__main__":
    main()
