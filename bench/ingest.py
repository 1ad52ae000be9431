"""How fast ``gongkai ingest`` stores generated reports (embeddings excluded).

    python bench/ingest.py [--reports 10000] [--workers 0]

Prints reports/s for a first ingest into an empty corpus (target: >= 150 on 2 cores), the
time of a second ingest where nothing changed, and the time of a typical query on the
``metrics`` table against the same query aggregated from ``cells``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demo import write_corpus  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from index.tables import store  # noqa: E402


def write_reports(out: Path, n: int) -> int:
    """About ``n`` files of the demo corpus (whole agencies over five years); how many."""
    years = range(2019, 2024)
    write_corpus(out, max(1, n // len(years)), years)
    return max(1, n // len(years)) * len(years)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the parser processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pivot_sql() -> str:
    """What ``metrics`` would be as a view: conditional aggregation over ``cells``."""
    columns = ",\n".join(
        f"max(c.value) FILTER (WHERE c.\"table\" = '{t}' AND c.\"row\" = '{r}' AND c.\"column\" = '{k}') AS {name}"
        for name, (t, r, k) in store.METRICS.items()
    )
    head = ", ".join(f"any_value(r.{c}) AS {c}" for c in store.REPORT_COLUMNS[1:])
    return (f"SELECT r.report_id, {head}, {columns} FROM reports r "
            f"LEFT JOIN cells c USING (report_id) GROUP BY r.report_id")


def timed_query(data: Path, sql: str, repeat: int = 3) -> float:
    con = store.open_read(data)
    try:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            best = min(best, time.perf_counter() - started)
        return best
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    try:
        files, data = tmp / "files", tmp / "data"
        files.mkdir()
        started = time.perf_counter()
        n = write_reports(files, args.reports)
        print(f"generated {n} demo report files in {time.perf_counter() - started:.1f} s")

        workers = args.workers or os.cpu_count() or 1
        load = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        result = ingest([files], data, workers=args.workers, progress=False, passages=False)
        cpu = _cpu_seconds() - cpu_before
        rate = len(result.new) / result.seconds
        print(f"first ingest: {len(result.new)} new reports, {len(result.duplicates)} duplicates, "
              f"{len(result.failed)} failed in {result.seconds:.1f} s = {rate:.0f} reports/s "
              f"(target >= 150) with {workers} workers")
        # The wall-clock rate depends on what else runs; the CPU cost per report does not.
        print(f"  load average before: {load:.1f}; CPU {cpu / len(result.new) * 1000:.1f} ms per report "
              f"(= {len(result.new) / cpu * min(workers, os.cpu_count() or 1):.0f} reports/s "
              f"on {min(workers, os.cpu_count() or 1)} idle cores)")

        again = ingest([files], data, workers=args.workers, progress=False, passages=False)
        print(f"second ingest: {len(again.unchanged)} unchanged in {again.seconds:.1f} s")
        size = store.store_file(data).stat().st_size / 2**20
        print(f"store: {size:.0f} MiB")

        sql = ("SELECT year, sum(applications__new_received__total), "
               "sum(review_litigation__litigation_direct__total) FROM {} GROUP BY year")
        table = timed_query(data, sql.format("metrics"))
        view = timed_query(data, sql.format(f"({pivot_sql()})"))
        with store.reading(data) as con:
            first = con.execute("SELECT min(report_id) FROM reports").fetchone()
            assert first is not None  # an aggregate without GROUP BY returns one row
            some_id = first[0]
        one = f"SELECT * FROM {{}} WHERE report_id = '{some_id}'"
        print(f"sum of 2 metrics by year: metrics table {table * 1000:.1f} ms, "
              f"as a view over cells {view * 1000:.1f} ms")
        print(f"one report's full row: metrics table {timed_query(data, one.format('metrics')) * 1000:.1f} ms, "
              f"as a view over cells {timed_query(data, one.format(f'({pivot_sql()})')) * 1000:.1f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
