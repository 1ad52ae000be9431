"""Latency of typical structured queries (``index.tables.query.run``) on a store of 100,000 reports.

    python bench/query.py [--reports 100000] [--data DIR] [--repeat 30]

The store is built from records of the demo generator (``corpus.demo.generate_records``),
turned straight into ``Report`` records (no rendering, no parsing: this measures queries,
not the parser) with the checks the parser would compute, and written through
``index.tables.store``; it is kept (in the temp folder unless ``--data`` says where) and reused by
the next run.  Prints the one-off cost of the agency index a loaded store keeps
(``index.tables.resolve.agency_index``), passed to every query, then per query p50 / p95 wall-clock and p95 CPU time, and p50 / p95 over the metric queries
(target: p95 < 20 ms).  The machine's load average is printed too: wall-clock figures on a
busy machine mostly measure waiting for a core.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demo import as_report, generate_records  # noqa: E402
from index.tables import store  # noqa: E402
from index.tables.query import Compare, QuerySpec, Rank, Threshold, run  # noqa: E402
from index.tables.resolve import agency_index, split_place, strip_government  # noqa: E402

YEARS = range(2019, 2025)
BATCH = 5000


def build_store(data: Path, n_reports: int) -> float:
    started = time.perf_counter()
    n_agencies = math.ceil(n_reports / len(YEARS))
    batch = store.Batch()
    written = 0
    with store.open_write(data) as con:
        for demo in generate_records(n_agencies, YEARS, seed=7):
            report = as_report(demo)
            batch.add(store.StoredReport(report, report.to_json(), f"/bench/{report.source}", report.id,
                                         "text", report.id))
            written += 1
            if len(batch.reports) >= BATCH or written == n_reports:
                store.write_batch(con, batch)
                batch = store.Batch()
                print(f"  {written} reports written ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
            if written == n_reports:
                break
    return time.perf_counter() - started


def typical_specs(con) -> list[tuple[str, QuerySpec]]:
    """Ten questions of the kinds users ask, over agencies and places present in the store."""
    county_gov = con.execute(
        "SELECT agency, province, city, county FROM reports WHERE level = 'county' AND county IS NOT NULL "
        "ORDER BY report_id LIMIT 1").fetchone()
    others = [r[0] for r in con.execute(
        "SELECT DISTINCT agency FROM reports WHERE level = 'county' ORDER BY agency LIMIT 2").fetchall()]
    agency, province, city, county = county_gov
    short = split_place(strip_government(agency))[0] if agency == county else strip_government(agency)
    return [
        ("lookup: one agency, one year", QuerySpec(metrics=["review_litigation.litigation.total"], years=[2021],
                                                    agencies=[agency])),
        ("lookup by short name", QuerySpec(metrics=["applications.new_received.total"], years=[2024],
                                           agencies=[short])),
        ("rank penalties top 10 in 2022", QuerySpec(metrics=["active_disclosure.penalty.decisions"], years=[2022],
                                                    rank=Rank(top_n=10))),
        ("province by city, sum of requests", QuerySpec(metrics=["applications.new_received.total"],
                                                        region={"province": province}, years=[2023],
                                                        group_by="city")),
        ("trend of one agency", QuerySpec(metrics=["applications.new_received.total",
                                                   "review_litigation.litigation.total"], agencies=[agency],
                                          trend=True)),
        ("threshold: >10 lawsuits in 2021, count", QuerySpec(
            metrics=["review_litigation.litigation.total"], years=[2021], aggregate="count",
            threshold=Threshold("review_litigation.litigation.total", ">", 10))),
        ("share granted by level", QuerySpec(metrics=["applications.granted_share.total"], group_by="level",
                                             year_from=2021, year_to=2024)),
        ("compare two agencies", QuerySpec(metrics=["applications.new_received.total"], years=[2022],
                                           compare=Compare("agency", others))),
        ("failed narrative checks in a city", QuerySpec(failed_checks="narrative", region={"city": city})),
        ("documents by year across templates", QuerySpec(
            metrics=["active_disclosure.normative_documents.issued",
                     "active_disclosure.normative_documents.new_made"], trend=True, region={"county": county})),
        ("top 20 county refusals 2023", QuerySpec(metrics=["applications.denied.total"], years=[2023],
                                                  level="county", rank=Rank(top_n=20))),
    ]


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None  # an aggregate without GROUP BY returns one row
    return row[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=None,
                        help="store directory, reused when it holds enough reports (default: in the temp folder)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    # The generated store is kept in the temp folder and reused by the next run.
    data = args.data or Path(tempfile.gettempdir()) / f"gongkai-bench-query-{args.reports}"
    have = 0
    if store.store_file(data).exists():
        con = store.open_read(data)
        have = count(con, "SELECT count(*) FROM reports")
        con.close()
    if have >= args.reports:
        print(f"store: reusing {data} ({have} reports)")
    else:
        print(f"store: generating {args.reports} demo records (corpus.demo.generate_records) into {data} …")
        seconds = build_store(data, args.reports)
        print(f"store: built in {seconds:.0f} s")
    con = store.open_read(data)
    n = count(con, "SELECT count(*) FROM reports")
    agencies = count(con, "SELECT count(DISTINCT agency) FROM reports")
    print(f"store: {n} reports, {agencies} agencies")
    # Kept for as long as the store is loaded, as qa.corpus does (index.cache is gone).
    started = time.perf_counter()
    known_agencies = agency_index(con)
    print(f"agency index built once per loaded store (index.tables.resolve.agency_index): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    specs = typical_specs(con)
    wall_all: list[float] = []
    cpu_all: list[float] = []
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'query':42} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8} {'cpu p95':>8}")
    for name, spec in specs:
        for _ in range(2):
            result = run(con, spec, known_agencies)
        wall, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = run(con, spec, known_agencies)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        if spec.metrics:
            wall_all += wall
            cpu_all += cpu
        print(f"{name:42} {len(result.frame):>5} {statistics.median(wall):>8.1f} {percentile(wall, 0.95):>8.1f} "
              f"{percentile(cpu, 0.95):>8.1f}")
    p95 = percentile(wall_all, 0.95)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"metric queries: p50 {statistics.median(wall_all):.1f} ms, p95 {p95:.1f} ms wall "
          f"(target < 20 ms: {'met' if p95 < 20 else 'NOT met'}); p95 CPU time {percentile(cpu_all, 0.95):.1f} ms")
    print("(the failed-check listing scans every stored check and is shown apart from the metric queries)")
    con.close()


if __name__ == "__main__":
    main()
