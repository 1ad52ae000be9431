"""Parsing speed: reports per second on ONE core, for text dumps, HTML, PDF, DOCX and scans.

Generates demo reports in memory (every text layout, and HTML with rowspan/colspan), then
times ``parsing.parse_bytes`` on them in this single process, pinned to one core.  The rate
is reported per CPU-second of that process (what one core delivers, unaffected by other load
on the machine) and per wall-clock second.  Targets (issue 2):
>= 300 text reports/s and >= 60 HTML reports/s on one core of the 2-core machine.

Then the same for real files (``../shared/real``: crawl text dumps and published HTML pages)
and the generated PDF and DOCX fixtures, and OCR of the scanned fixture
(``tests/fixtures/reports/report_scanned.pdf``): seconds per scanned page with ONE OCR
thread, the cells it recovers against the fixture's golden cells, and the load average
(issue 10 target: a scanned page OCRed in <= 3 s on one core).

    python bench/parse.py [--reports 2000] [--repeat 20] [--ocr-threads 1] [--ocr-scale 2.0] [--no-ocr]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import parsing.ocr  # noqa: E402
from corpus.demo import generate_records  # noqa: E402
from corpus.demo_render import LAYOUTS, render  # noqa: E402
from parsing import parse_bytes  # noqa: E402
from parsing.errors import ParseError  # noqa: E402

TEXT_LAYOUTS = [layout for layout in LAYOUTS if layout != "html"]
ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"


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


def load_average() -> str:
    """The 1/5/15-minute load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def real_and_fixture_rates(repeat: int) -> None:
    """Reports per CPU-second on real files and on the generated PDF/DOCX fixtures."""
    groups = [
        ("real text (crawl)", sorted((REAL / "crawl").glob("*.txt"))),
        ("real html", sorted((REAL / "html").glob("*.html"))),
        ("pdf (fixture)", [FIXTURES / "report.pdf"]),
        ("docx (fixture)", [FIXTURES / "report.docx"]),
    ]
    for label, paths in groups:
        if not paths:
            print(f"  {label:18}: no files (../shared/real missing?)")
            continue
        files = [(p.name, p.read_bytes()) for p in paths] * repeat
        time_parse(files[:len(paths)])  # warm-up
        elapsed, cpu, per_file, failed = time_parse(files)
        pages = ""
        if label.startswith("pdf"):
            import pdfplumber

            with pdfplumber.open(paths[0]) as pdf:
                count = len(pdf.pages)
            pages = f", {count * len(files) / cpu:.1f} pages per CPU-second"
        print(f"  {label:18}: {len(files) / cpu:7.1f} reports per CPU-second ({len(files) / elapsed:.1f}/s wall; "
              f"{len(paths)} files x {repeat}, {failed} failed{pages})")


def scanned_rate(threads: int, scale: float) -> None:
    """OCR of the scanned fixture: seconds per page on one thread, and the cells it recovers."""
    import json

    path = FIXTURES / "report_scanned.pdf"
    golden = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))[path.name]["cells"]
    parsing.ocr.RENDER_SCALE = scale
    parsing.ocr.engine(threads)  # the models load once per process: not a page's cost
    pages: list[int] = []
    data = path.read_bytes()
    load_before = load_average()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = parse_bytes(data, path.name, progress=lambda _s, page, _n: pages.append(page), ocr_threads=threads)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    got = {f"{t}.{r}.{c}": v for t in ("active_disclosure", "applications", "review_litigation")
           for r, cols in report.table(t).items() for c, v in cols.items()}
    wrong = sum(1 for k, v in got.items() if golden.get(k) != v)
    per_page = cpu / len(pages)
    verdict = "meets" if per_page <= 3 else "MISSES"
    print(f"  scanned pdf       : {per_page:.2f} CPU-seconds per page ({elapsed / len(pages):.2f} s wall), "
          f"{len(pages) / cpu:.2f} pages per CPU-second; {len(pages)} pages at {72 * scale:.0f} dpi, "
          f"{threads} OCR thread(s); cells {len(got)}/{len(golden)} recovered, {wrong} wrong — {verdict} "
          f"the target of 3 s/page [{load_before} before, {load_average()} after]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports per format (default 2000)")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the real and fixture files (default 20)")
    parser.add_argument("--ocr-threads", type=int, default=1, help="ONNX intra-op threads for OCR (default 1)")
    parser.add_argument("--ocr-scale", type=float, default=parsing.ocr.RENDER_SCALE,
                        help=f"page render scale for OCR, 1.0 = 72 dpi (default {parsing.ocr.RENDER_SCALE})")
    parser.add_argument("--no-ocr", action="store_true", help="skip the scanned-PDF benchmark")
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
    print(f"real files and generated PDF/DOCX, one core [{load_average()}]")
    real_and_fixture_rates(args.repeat)
    if not args.no_ocr:
        scanned_rate(args.ocr_threads, args.ocr_scale)


if __name__ == "__main__":
    main()
