"""How fast parsing.read turns files into text dumps (figures only; no pass/fail).

    .venv/bin/python bench/read.py

Reads the fixtures in tests/fixtures/reports; prints per-format throughput on one core
and the cost of encoding detection on a ~10 KB report in each legacy encoding.
"""

from __future__ import annotations

import time
from pathlib import Path

from parsing.encoding import decode
from parsing.read import read_bytes

REPORTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"


def rate(label: str, fn, seconds: float = 1.0) -> None:
    fn()  # warm caches and lazy imports
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        runs += 1
    elapsed = time.perf_counter() - start
    print(f"{label:<42} {runs / elapsed:>9.1f} /s   {elapsed / runs * 1000:>8.3f} ms each")


def main() -> None:
    for name in ("html_rowspan.html", "report_gbk.txt", "report_big5.txt", "report.docx", "report.pdf"):
        data = (REPORTS / name).read_bytes()
        rate(f"read_bytes {name} ({len(data) // 1024} KB)", lambda d=data, n=name: read_bytes(d, n))
    text = (REPORTS / "report_gbk.txt").read_bytes().decode("gb18030")
    text = (text * (10_240 // len(text.encode("gb18030")) + 1))
    for encoding in ("utf-8", "gb18030", "big5"):
        data = text.encode(encoding, errors="ignore")[:10_240]
        data = data.decode(encoding, errors="ignore").encode(encoding)
        rate(f"decode 10 KB {encoding}", lambda d=data: decode(d, "bench.txt"))


if __name__ == "__main__":
    main()
