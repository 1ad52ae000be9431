"""A tiny run of ``bench/scale.py``: every figure of issue 14's benchmark is printed.

Two corpora of 20 and 30 generated reports, 5 added to each, one repeat; the program runs
Gongkai in subprocesses (ingest, ask, sql) as the full benchmark does.  No timing is asserted:
only that each figure, its load average and its target are printed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FIGURES = (
    "ingest, store only",
    "ingest, embeddings from a pre-filled cache",
    "add 5 reports, store only",
    "add 5 reports, index too (cached emb.)",
    "cold gongkai ask, narrative",
    "cold gongkai ask, structured",
    "warm answer latency, structured",
    "warm answer latency, narrative",
)
TARGETS = (
    "(target ≤ 1.2×)",
    "(target ≤ 2,048 MB)",
    "(target ≤ 1.5 s on an idle machine)",
    "(target: unchanged",
)


@pytest.mark.slow
def test_scale_prints_every_figure(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "20,30", "--add", "5", "--repeats", "1",
         "--p95-runs", "1", "--p95-passes", "1", "--prefix", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=1800, cwd=ROOT)
    out = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert "FAILED" not in out and "failed" not in out, out
    for size in ("== 20 reports (+5 to add)", "== 30 reports (+5 to add)"):
        assert size in out, out
        section = out.split(size, 1)[1].split("\n== ", 1)[0]
        for figure in FIGURES:
            lines = [line for line in section.splitlines() if figure in line]
            assert lines, f"{figure!r} missing at {size}:\n{out}"
            assert "load average" in lines[0], lines[0]
        assert "peak RSS" in section and "p95" in section
        assert "SYNTHETIC vectors" in section
    summary = out.split("== Ratios and targets", 1)[1]
    for target in TARGETS:
        assert target in summary, summary
    assert "EXTRAPOLATED" in summary  # 100k is not measured here, and the output says so
    assert "at 1M passages" in summary
    assert "load average" in summary
    # Every generated report is its own agency and year: nothing was stored twice.
    files = sorted((tmp_path / "bench-30" / "files").iterdir())
    assert len(files) == 30 and len(list((tmp_path / "bench-30" / "add").iterdir())) == 5
