"""Answer latency of ``qa.ask`` on the demo corpus at 10,000 reports.

    python bench/answer.py [--reports 10000] [--data DIR] [--repeat 5] [--build-only]

The corpus is built once into a cache directory (default ``$TMPDIR/gongkai-bench-answer-<n>``)
and reused: demo records (``corpus.demo.generate_records``) become ``Report`` records with
the checks the parser computes (no rendering, no parsing: this measures answers, not the
parser), are written through ``index.tables.store`` and indexed with ``index.passages.search.build_index``
(the embedding of ~80,000 passages takes a while the first time only).

Questions are made from agencies, places and years present in the corpus, in Chinese and
English.  The model is loaded before timing starts.  Prints p50 / p95 per kind, structured
(target p95 < 100 ms) and narrative (target p95 < 300 ms).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demo import as_report, generate_records  # noqa: E402
from index.tables import store  # noqa: E402
from index.passages.search import build_index  # noqa: E402
from parsing.record import Report  # noqa: E402

YEARS = range(2019, 2025)
BATCH = 2000
STAMP = "answer-bench.json"


def build_corpus(data: Path, n_reports: int) -> None:
    """Store and passage index of ``n_reports`` demo reports in ``data``."""
    started = time.perf_counter()
    n_agencies = math.ceil(n_reports / len(YEARS))
    reports: list[Report] = []
    with store.open_write(data) as con:
        batch = store.Batch()
        for demo in generate_records(n_agencies, YEARS, seed=11):
            report = as_report(demo)
            reports.append(report)
            batch.add(store.StoredReport(report, report.to_json(), f"/bench/{report.source}", report.id,
                                         "text", report.id))
            if len(batch.reports) >= BATCH or len(reports) == n_reports:
                store.write_batch(con, batch)
                batch = store.Batch()
            if len(reports) == n_reports:
                break
    print(f"store: {len(reports)} reports written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    manifest = build_index(data, reports, progress=True)
    print(f"index: {manifest['passages']} passages in {manifest['seconds']:.0f} s", file=sys.stderr)
    (data / STAMP).write_text(json.dumps({"reports": len(reports)}), encoding="utf-8")


def rebuild_index(data: Path) -> None:
    """The passage index again, from the records the store keeps (the embedding cache is reused)."""
    with store.reading(data) as con:
        reports = [Report.from_dict(json.loads(r)) for (r,) in con.execute("SELECT record FROM reports").fetchall()]
    manifest = build_index(data, reports, progress=True)
    print(f"index: {manifest['passages']} passages in {manifest['seconds']:.0f} s", file=sys.stderr)


def ensure_corpus(data: Path, n_reports: int) -> None:
    stamp = data / STAMP
    if stamp.exists() and json.loads(stamp.read_text("utf-8")).get("reports") == n_reports:
        from index.passages.indexer import load_state
        from parsing.errors import GongkaiError

        try:
            load_state(data)
        except GongkaiError as exc:
            print(f"corpus: the passage index must be rebuilt ({exc})")
            rebuild_index(data)
        print(f"corpus: reusing {data}")
        return
    print(f"corpus: building {n_reports} demo reports into {data} (once) …")
    # Keep DATA/embeddings: an interrupted build's vectors are reused.
    import shutil

    for stale in (data / "passages", store.store_file(data)):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink(missing_ok=True)
    build_corpus(data, n_reports)


def questions(con) -> dict[str, list[list[str]]]:
    """Conversations of each kind, made from names and years the store holds."""
    rows = con.execute(
        "SELECT agency, county, city, year FROM reports WHERE level = 'county' AND county IS NOT NULL "
        "AND agency LIKE '%政府%' ORDER BY report_id LIMIT 40").fetchall()
    agencies = list(dict.fromkeys(r[0] for r in rows))[:6]
    counties = list(dict.fromkeys(r[1] for r in rows))[:6]
    cities = list(dict.fromkeys(r[2] for r in rows))[:3]
    year = max(YEARS) - 1
    structured: list[list[str]] = []
    narrative: list[list[str]] = []
    for i, county in enumerate(counties):
        other = counties[(i + 1) % len(counties)]
        city = cities[i % len(cities)]
        structured += [
            [f"{county}{year}年收到多少政府信息公开申请？"],
            [f"{county}{year - 1}年行政处罚决定有多少件？", "那行政强制呢？", f"那{year}年呢？"],
            [f"{year}年哪些机关有行政诉讼？"],
            [f"{year}年行政诉讼超过5件的机关有哪些？"],
            [f"{city}{year}年收到申请最多的前五个机关"],
            [f"比较{county}和{other}{year}年本年新收的申请数量"],
            [f"{county}近三年的行政复议数量变化趋势"],
            [f"{year}年{city}各机关平均收到多少申请？"],
            ["Which agency received the most information disclosure requests in 2022?"],
            [f"{year}年哪些报告勾稽关系不平衡？"],
        ]
        narrative += [
            ["关于丰富政策解读形式，有哪些改进措施？"],
            [f"{county}在政务公开工作中存在哪些主要问题？"],
            [f"{year}年哪些机关有行政诉讼，它们打算怎么改进？"],
            [f"{agencies[i % len(agencies)]}在政务新媒体方面有哪些做法？"],
            ["What measures did agencies plan for training staff?"],
        ]
    return {"structured": structured, "narrative": narrative}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    data = args.data or Path(tempfile.gettempdir()) / f"gongkai-bench-answer-{args.reports}"
    ensure_corpus(data, args.reports)
    if args.build_only:
        return
    from index.passages.embed import load_model
    from qa import Conversation, Corpus, ask

    started = time.perf_counter()
    load_model()
    print(f"model loaded in {time.perf_counter() - started:.1f} s (not counted)")
    corpus = Corpus(data)
    started = time.perf_counter()
    corpus.vocabulary()
    print(f"corpus vocabulary (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    kinds = questions(corpus.connection())
    # One warm-up pass: the passage index and the English name forms load on first use.
    for conversations in kinds.values():
        for turns in conversations[:3]:
            conversation = Conversation()
            for turn in turns:
                ask(turn, conversation, corpus)
    for kind, conversations in kinds.items():
        times: list[float] = []
        for _ in range(args.repeat):
            for turns in conversations:
                conversation = Conversation()
                for turn in turns:
                    t0 = time.perf_counter()
                    ask(turn, conversation, corpus)
                    times.append((time.perf_counter() - t0) * 1000)
        target = 100 if kind == "structured" else 300
        print(f"{kind:10s} n={len(times):4d}  p50 {statistics.median(times):6.1f} ms  "
              f"p95 {percentile(times, 0.95):6.1f} ms  max {max(times):6.1f} ms  (target p95 < {target} ms)")
    corpus.close()


if __name__ == "__main__":
    main()
