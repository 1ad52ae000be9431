"""Retrieval quality: Recall@5 and MRR@10 of BM25, dense and hybrid on the labelled set.

    .venv/bin/python bench/retrieval.py [--per-query]

Indexes the seeds (../shared/seeds) and the demo corpus the set was written against
(``index.passages.evaluate.DEMO_CORPUS``) under bench/out/retrieval/, then scores every query of
tests/retrieval_set.jsonl with each system.  Embeddings are cached there, so a second run
only searches.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demo import write_corpus  # noqa: E402
from corpus.ingest import SUFFIXES  # noqa: E402
from index.passages.evaluate import DEMO_CORPUS, SYSTEMS, evaluate, load_set  # noqa: E402
from index.passages.search import build_index  # noqa: E402
from parsing import parse_path  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
OUT = ROOT / "bench" / "out" / "retrieval"
SET = ROOT / "tests" / "retrieval_set.jsonl"


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)


def index_corpus(name: str, files: list[Path]) -> Path:
    data = OUT / name
    started = time.perf_counter()
    reports = [parse_path(p) for p in files]
    manifest = build_index(data, reports, progress=False)
    print(f"{name}: {len(reports)} reports, {manifest['passages']} passages indexed in "
          f"{time.perf_counter() - started:.1f} s")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-query", action="store_true", help="Print each query's scores.")
    args = parser.parse_args()
    queries = load_set(SET)
    demo_files = write_corpus(OUT / "demo-files", DEMO_CORPUS["n_agencies"], DEMO_CORPUS["years"],
                              DEMO_CORPUS["seed"])
    folders = {"seeds": index_corpus("seeds", report_files(SEEDS)),
               "demo": index_corpus("demo", report_files(demo_files))}
    per_query: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in SYSTEMS}
    for corpus, data in folders.items():
        scores = evaluate(data, [q for q in queries if q.corpus == corpus])
        for name in SYSTEMS:
            per_query[name].update(scores[name].per_query)
    groups = {
        "seeds": [q for q in queries if q.corpus == "seeds"],
        "demo": [q for q in queries if q.corpus == "demo"],
        "keyword": [q for q in queries if q.style == "keyword"],
        "paraphrase": [q for q in queries if q.style == "paraphrase"],
        "all": queries,
    }
    print(f"\n{'queries':12} {'n':>3}  " + "  ".join(f"{n + ' R@5':>11} {n + ' MRR':>11}" for n in SYSTEMS))
    summary: dict[str, dict[str, tuple[float, float]]] = {}
    for group, members in groups.items():
        summary[group] = {}
        for name in SYSTEMS:
            values = [per_query[name][q.id] for q in members]
            summary[group][name] = (sum(r for r, _ in values) / len(values), sum(m for _, m in values) / len(values))
        print(f"{group:12} {len(members):>3}  " + "  ".join(
            f"{summary[group][n][0]:>11.3f} {summary[group][n][1]:>11.3f}" for n in SYSTEMS))
    if args.per_query:
        print()
        for q in queries:
            cells = "  ".join(f"{n}={per_query[n][q.id][0]:.2f}/{per_query[n][q.id][1]:.2f}" for n in SYSTEMS)
            print(f"   {q.id} {q.style[:4]} {cells}  {q.query}")
    overall = summary["all"]
    beats = all(overall["hybrid"][i] > max(overall["bm25"][i], overall["dense"][i]) for i in (0, 1))
    print(f"\nhybrid beats both BM25 and dense on Recall@5 and MRR over all {len(queries)} queries: "
          f"{'yes' if beats else 'NO'}")

if __name__ == "__main__":
    main()
