"""``gongkai ingest --engine ray`` on a local Ray instance: the same store and passage index
as the in-process engine, on the seeds and the real reports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.ray_engine import INSTALL_HINT, files_to_parse
from gongkai.cli import cli
from index import crashpoints
from tests.conftest import REAL, ROOT, SEEDS

pytest.importorskip("ray.data", reason="Ray is not installed here: pip install 'gongkai[ray]' (make install does)")

TABLES = {
    "reports": "SELECT * EXCLUDE (ingested_at) FROM reports ORDER BY report_id",
    "cells": "SELECT * FROM cells ORDER BY ALL",
    "sources": "SELECT * FROM sources ORDER BY ALL",
}
QUERIES = ("政府信息公开申请办理", "行政复议", "政策解读", "存在的主要问题及改进情况")


def _summary(output: str) -> str:
    """The first line of gongkai ingest's summary without its timing."""
    line = next(line for line in output.splitlines() if " new, " in line)
    return re.sub(r" \(.*\)$", "", line)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(in-process corpus, Ray corpus, the Ray run's output), both of the seeds and the real reports."""
    root = tmp_path_factory.mktemp("ray-engine")
    ray_data, local_data = root / "ray", root / "local"
    # Four damaged PDFs first: the first parse task on Ray returns failures only.
    broken = root / "broken"
    broken.mkdir()
    for n in range(4):
        (broken / f"damaged-{n}.pdf").write_bytes(b"%PDF-1.4 cut short")
    # The Ray engine first, in its own process with its own local Ray instance.  The crash point
    # mid_embedding kills that process (SIGKILL) the moment it encodes a text itself: exit 0 means
    # every vector the passage index needed came from the Ray actors through the cache.
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | {crashpoints.ENV: "mid_embedding"}
    done = subprocess.run([sys.executable, "-c", "from gongkai.cli import cli; cli()", "ingest", str(broken),
                           str(SEEDS), str(REAL), "--engine", "ray", "--data", str(ray_data)],
                          cwd=ROOT, env=env, text=True, capture_output=True, timeout=1800)
    assert done.returncode == 1, done.stdout + done.stderr  # the damaged PDFs, and nothing else
    local = CliRunner().invoke(cli, ["ingest", str(broken), str(SEEDS), str(REAL), "--data", str(local_data),
                                     "--quiet", "--workers", "1"])
    assert local.exit_code == 1, local.output
    assert _summary(local.output) == _summary(done.stdout)
    assert "4 failed" in _summary(local.output)
    assert _failures(local.output) == _failures(done.stdout)
    assert len(_failures(local.output)) == 4
    return local_data, ray_data, done.stdout + done.stderr


def _failures(output: str) -> list[str]:
    """The lines of the summary that name a failed file and its reason."""
    return [line for line in output.splitlines() if line.startswith("  ") and "damaged-" in line]


def _sql(data: Path, query: str) -> str:
    result = CliRunner().invoke(cli, ["sql", query, "--data", str(data), "--csv"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("table", sorted(TABLES))
def test_same_store_rows(corpora: tuple[Path, Path, str], table: str) -> None:
    local, ray, _ = corpora
    rows = _sql(local, TABLES[table])
    assert rows.count("\n") > 10
    assert _sql(ray, TABLES[table]) == rows


@pytest.mark.parametrize("query", QUERIES)
def test_same_search_results(corpora: tuple[Path, Path, str], query: str) -> None:
    local, ray, _ = corpora
    found = [CliRunner().invoke(cli, ["search", query, "--data", str(data)]) for data in (local, ray)]
    assert all(r.exit_code == 0 for r in found), [r.output for r in found]
    assert "1. " in found[0].output
    assert found[1].output == found[0].output


def test_same_passages(corpora: tuple[Path, Path, str]) -> None:
    import pandas as pd

    from index.passages.segments import read_passages

    local, ray = (read_passages(data).sort_values("id").reset_index(drop=True) for data in corpora[:2])
    assert len(local) > 100
    pd.testing.assert_frame_equal(ray, local)


def test_ray_run_says_what_ran_where(corpora: tuple[Path, Path, str]) -> None:
    output = corpora[2]
    assert "Starting a Ray instance on this machine" in output
    assert re.search(r"Embedding [\d,]+ texts on Ray: 2 actors", output), output
    assert "Traceback" not in output


def test_unchanged_files_are_not_sent_to_ray_again(corpora: tuple[Path, Path, str]) -> None:
    assert files_to_parse([SEEDS, REAL], corpora[1]) == []


def test_without_ray_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import ray` fail as it does where Ray is not installed.
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--engine", "ray", "--data", str(tmp_path / "d")])
    assert result.exit_code == 2, result.output
    assert INSTALL_HINT in result.output
    assert "--engine ray needs Ray" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "d" / "store.duckdb").exists()
