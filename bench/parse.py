"""Parsing speed: reports per second on ONE core, for text dumps and for HTML.

Generates demo reports in memory (every text layout, and HTML with rowspan/colspan), then
times ``parsing.parse_bytes`` on them in this single process, pinned to one core.  The rate
is reported per CPU-second of that process (what one core delivers, unaffected by other load
on the machine) and per wall-clock second.  Targets (issue 2):
>= 300 text reports/s and >= 60 HTML reports/s on one core of the 2-core machine.

    python bench/parse.py [--reports 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.demo import generate_records  # noqa: E402
from corpus.demo_render import LAYOUTS, render  # noqa: E402
from parsing import parse_bytes  # noqa: E402
from parsing.errors import ParseError  # noqa: E402

TEXT_LAYOUTS = [layout for layout in LAYOUTS if layout != "html"]


def make_files(count: int, html: bool) -> list[tuple[str, bytes]]:
    years = range(2019, 2025)
    agencies = max(1, count // len(years) + 1)
    files: list[tuple[str, bytes]] = []
    for i, report in enumerate(generate_records(agencies, years, seed=7)):
        if len(files) == count:
            break
        layout = "html" if html else TEXT_LAYOUTS[i % len(TEXT_LAYOUTS)]
        files.append(render(report, layout))
    return files


def time_parse(files: list[tuple[str, bytes]]) -> tuple[float, float, list[float], int]:
    """(wall seconds, CPU seconds of this process, per-file wall seconds, failures)."""
    per_file: list[float] = []
    failed = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for name, data in files:
        t0 = time.perf_counter()
        try:
            parse_bytes(data, name)
        except ParseError:
            failed += 1
        per_file.append(time.perf_counter() - t0)
    return time.perf_counter() - started, time.process_time() - cpu_started, per_file, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports per format (default 2000)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    # Warm-up: gazetteers, OpenCC and lxml load once per process.
    time_parse(make_files(5, html=False) + make_files(5, html=True))
    print(f"parse benchmark: {args.reports} reports per format, one core")
    for label, html, target in (("text", False, 300), ("html", True, 60)):
        files = make_files(args.reports, html)
        size = sum(len(d) for _, d in files) / len(files) / 1024
        elapsed, cpu, per_file, failed = time_parse(files)
        rate, cpu_rate = len(files) / elapsed, len(files) / cpu
        p95 = statistics.quantiles(per_file, n=20)[-1] * 1000
        verdict = "meets" if cpu_rate >= target else "MISSES"
        print(f"  {label:4}: {cpu_rate:7.1f} reports per CPU-second of one core ({rate:.1f}/s wall clock; "
              f"p95 {p95:.1f} ms/report, {size:.1f} KiB avg, {failed} failed) — {verdict} the target of {target}/s")


if __name__ == "__main__":
    main()
