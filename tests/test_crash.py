"""Crashes and collisions: a real ``gongkai ingest`` killed (SIGKILL) at each named point, two
real ingests at once, a real damaged store file.  After any of them the store and the passage
index agree again after one more ingest (or ``gongkai repair``), and a reader in between says
the index is behind instead of answering from it silently."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from corpus.ingest import ingest
from gongkai.cli import cli
from index import crashpoints
from index.passages.consistency import difference
from index.passages.indexer import current_folder, index_root, read_passages
from index.passages.store_keys import STORE_KEYS_FILE
from index.tables import sources_list, store
from tests.conftest import ROOT

_NAME_CHARS = "甲乙丙丁戊己庚辛壬癸"
MORE = 3  # reports the interrupted ingest adds


def write_variants(folder: Path, seeds_dir: Path, n: int) -> None:
    """``n`` reports of made-up counties whose sentences differ from every seed's (new passages to embed)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(seeds_dir.glob("*.txt"))
    for k in range(n):
        name = "".join(_NAME_CHARS[int(d)] for d in f"{k:04d}") + "县"
        text = seeds[k % len(seeds)].read_text(encoding="utf-8").replace("。", f"。{name}")
        (folder / f"v{k:04d}.txt").write_text(f"{name}人民政府2020年政府信息公开工作年度报告\n{text}", encoding="utf-8")


def gongkai(*args: str, crash_at: str | None = None, **popen: object) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != crashpoints.ENV}
    if crash_at:
        env[crashpoints.ENV] = crash_at
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen([sys.executable, "-c", "from gongkai.cli import cli; cli()", *args], cwd=ROOT, env=env,
                            text=True, **streams)  # type: ignore[call-overload]


def store_ids(data: Path) -> set[str]:
    with store.reading(data) as con:
        return {r for (r,) in con.execute("SELECT report_id FROM reports").fetchall()}


def index_ids(data: Path) -> tuple[set[str], set[str]]:
    """Report ids of the current generation: as recorded (store keys) and as found in its passages."""
    folder = current_folder(data)
    assert folder is not None
    keys = set(pd.read_parquet(folder / STORE_KEYS_FILE)["report_id"]) if (folder / STORE_KEYS_FILE).exists() else set()
    passages = set(read_passages(folder, ["report_id"])["report_id"])
    return keys, passages


@pytest.fixture(scope="module")
def base(tmp_path_factory, seeds_dir) -> Path:
    """The seeds ingested with their passage index: the corpus each crash starts from."""
    data = tmp_path_factory.mktemp("crash-base") / "data"
    result = ingest([seeds_dir], data, workers=1, progress=False)
    assert result.index_error is None and result.index["reports"] == 5
    return data


@pytest.fixture(scope="module")
def more(tmp_path_factory, seeds_dir) -> Path:
    folder = tmp_path_factory.mktemp("crash-more")
    write_variants(folder, seeds_dir, MORE)
    return folder


# Points after which the store holds the new reports and the index does not yet.
BEHIND = ("store_batch_committed", "after_store_checkpoint", "after_sources_list", "mid_embedding",
          "cache_keys_pending", "segment_written", "before_generation_files", "staging_index", "before_index_switch")


@pytest.mark.parametrize("point", crashpoints.POINTS)
def test_a_kill_at_any_point_is_repaired_by_the_next_ingest(tmp_path, base, more, point):
    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    proc = gongkai("ingest", str(more), "--data", str(data), "--workers", "1", "--quiet", crash_at=point)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL, err

    held = store_ids(data)
    expected = 5 if point == "store_batch_written" else 5 + MORE
    assert len(held) == expected  # the store is the previous one or the new one, never half of one
    behind = difference(data)
    assert behind is not None
    if point in BEHIND:
        # The defect: the index kept 5 reports while the store held 8, and nothing said so.
        assert len(behind.missing) == MORE and not behind.in_step
        assert "behind the store" in behind.en(data) and f"gongkai repair --data {data}" in behind.en(data)
    else:
        assert behind.in_step

    # The next ingest finds every file unchanged, and still brings the index in step.
    result = ingest([more], data, workers=1, progress=False)
    assert result.index_error is None
    assert len(result.unchanged) == (0 if point == "store_batch_written" else MORE)
    keys, passages = index_ids(data)
    assert keys == passages == store_ids(data) and len(keys) == 5 + MORE
    assert difference(data).in_step  # type: ignore[union-attr]
    assert not list(index_root(data).glob(".staging-*")) and not list(index_root(data).glob(".current-*"))
    listed = sources_list.read(data)
    assert listed is not None and len(listed) == 5 + MORE


def test_readers_say_the_index_is_behind_until_the_repair(tmp_path, base, more):
    """The CLI reader and the question layer, between a kill and the repair."""
    import qa

    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    proc = gongkai("ingest", str(more), "--data", str(data), "--workers", "1", "--quiet", crash_at="after_store_checkpoint")
    proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL

    search = gongkai("search", "政务公开工作存在的问题", "--data", str(data), "-k", "2")
    out, err = search.communicate(timeout=600)
    assert search.returncode == 0, err
    assert f"it holds 5 of the store's {5 + MORE} reports" in err and "gongkai repair" in err
    answer = qa.ask("政务公开工作存在哪些问题?", corpus=data)
    assert any("段落索引落后于报告库" in w for w in answer.warnings), answer.warnings

    repair = gongkai("repair", "--data", str(data), "--quiet")
    out, err = repair.communicate(timeout=600)
    assert repair.returncode == 0, err
    assert "nothing damaged" in out and f"of {5 + MORE} reports" in out
    keys, passages = index_ids(data)
    assert keys == passages == store_ids(data)
    answer = qa.ask("政务公开工作存在哪些问题?", corpus=data)
    assert not any("段落索引落后" in w for w in answer.warnings)


def test_while_an_ingest_runs_readers_say_so_rather_than_name_the_repair(tmp_path, base, more):
    """The store takes each batch as it is committed and the index follows at the end of the ingest:
    in between a reader says an ingest is under way; only with no ingest running is it a repair."""
    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    with store.writing(data):  # an ingest that has stored its files and not yet indexed them
        ingest([more], data, workers=1, progress=False, passages=False)
        behind = difference(data)
        assert behind is not None and len(behind.missing) == MORE
        assert "An ingest is under way" in behind.en(data) and "gongkai repair" not in behind.en(data)
        assert "正在导入" in behind.zh(data)
    assert "behind the store" in behind.en(data) and f"gongkai repair --data {data}" in behind.en(data)


def test_unknown_crash_point_is_refused():
    with pytest.raises(crashpoints.UnknownCrashPoint, match="after_store_checkpoint"):
        crashpoints.arm("nowhere")


# ---------------------------------------------------------------------------
# Two ingests at once
# ---------------------------------------------------------------------------


def test_two_ingests_at_once_take_turns(tmp_path, base, seeds_dir):
    """Two real processes ingest the same new files into one corpus: before the fix the second
    read the store's state before the first swapped in its store, then failed on a duplicate key."""
    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    files = tmp_path / "files"
    write_variants(files, seeds_dir, 40)
    first = gongkai("ingest", str(files), "--data", str(data), "--workers", "1", "--quiet")
    second = gongkai("ingest", str(files), "--data", str(data), "--workers", "1", "--quiet")
    outputs = [p.communicate(timeout=900) for p in (first, second)]
    for proc, (out, err) in zip((first, second), outputs):
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "Duplicate key" not in err
    summaries = sorted(out.splitlines()[0] for out, _ in outputs)
    # One stored the 40 files; the other, let in after it, found them unchanged.
    assert summaries[0].startswith("0 new, 0 updated, 40 unchanged"), summaries
    assert summaries[1].startswith("40 new"), summaries
    assert len(store_ids(data)) == 45
    keys, passages = index_ids(data)
    assert keys == passages == store_ids(data)


def test_an_ingest_waits_for_the_writer_and_says_so(tmp_path, seeds_dir):
    data = tmp_path / "data"
    files = tmp_path / "files"
    write_variants(files, seeds_dir, 2)
    log = tmp_path / "stderr.txt"
    with store.writing(data), open(log, "w") as stderr:  # another writer (this test process) holds the corpus
        waiting = gongkai("ingest", str(files), "--data", str(data), "--workers", "1", "--quiet", stderr=stderr)
        deadline = time.monotonic() + 300
        while "waiting for it to finish" not in log.read_text() and time.monotonic() < deadline \
                and waiting.poll() is None:
            time.sleep(0.1)
        assert f"Another ingest (process {os.getpid()}) is writing to {data}" in log.read_text()
        assert not store.store_file(data).exists()  # it read nothing and wrote nothing meanwhile
    out, _ = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, log.read_text()
    assert out.startswith("2 new")


def test_the_library_refuses_while_another_writes(tmp_path, seeds_dir):
    """The app's uploads do not wait: they are told another ingest is writing."""
    data = tmp_path / "data"
    with store.writing(data):
        code = ("import sys; from corpus.ingest import ingest; from index.tables.store import StoreBusy\n"
                "try:\n    ingest([sys.argv[1]], sys.argv[2], workers=1, progress=False, passages=False)\n"
                "except StoreBusy as exc:\n    print(exc)\n")
        done = subprocess.run([sys.executable, "-c", code, str(seeds_dir), str(data)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert f"Another ingest is writing to {data}" in done.stdout, done.stderr


# ---------------------------------------------------------------------------
# A damaged store file
# ---------------------------------------------------------------------------


@pytest.fixture()
def tables_only(tmp_path, seeds_dir) -> Path:
    data = tmp_path / "data"
    result = ingest([seeds_dir], data, workers=1, progress=False, passages=False)
    assert len(result.new) == 5
    return data


def truncate(data: Path) -> None:
    path = store.store_file(data)
    os.truncate(path, path.stat().st_size // 2)


def overwrite(data: Path) -> None:
    with open(store.store_file(data), "r+b") as fh:
        fh.seek(3 * 4096)  # the first block after the headers: checksum mismatch on opening
        fh.write(b"\x5a" * 4096)


DAMAGE = {"truncated": truncate, "overwritten": overwrite}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_said_with_the_repair_then_repaired(tables_only, seeds_dir, damage):
    data = tables_only
    listed = sources_list.read(data)
    assert listed is not None and len(listed) == 5
    DAMAGE[damage](data)
    runner = CliRunner()
    for args in (["sql", "SELECT * FROM sections"], ["ask", "越城区2021年收到多少申请?"],
                 ["ingest", str(seeds_dir), "--workers", "1", "--quiet"]):
        result = runner.invoke(cli, [*args, "--data", str(data)])
        assert result.exit_code == 1, (args, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
        assert "is damaged and cannot be read" in result.output, result.output
        assert f"gongkai repair --data {data}" in result.output
        assert "5 source files are listed" in result.output

    result = runner.invoke(cli, ["repair", "--data", str(data), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Store was damaged" in result.output and "Rebuilt from 5 files" in result.output
    assert len(store_ids(data)) == 5
    aside = list(data.glob("store.duckdb.damaged-*"))
    assert len(aside) == 1  # kept for whoever wants to look at it
    result = runner.invoke(cli, ["sql", "SELECT count(*) AS n FROM sections", "--data", str(data)])
    assert result.exit_code == 0 and "n" in result.output


def test_the_app_says_the_store_is_damaged(monkeypatch, tables_only):
    from streamlit.testing.v1 import AppTest

    truncate(tables_only)
    monkeypatch.setenv("GONGKAI_DATA", str(tables_only))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    shown = "\n".join(str(e.value) for e in at.error)
    assert "gongkai repair --data" in shown and ("已损坏" in shown or "is damaged" in shown), shown


def test_sources_list_keeps_names_that_are_not_utf8(tmp_path):
    name = os.fsdecode(b"/tmp/r\xff\xfe.txt")  # surrogate escapes
    sources_list.write(tmp_path, [(name, "abc", "r1"), ("/tmp/年报.txt", "def", "r2")])
    text = (tmp_path / sources_list.SOURCES_FILE).read_text("utf-8")
    assert "年报" in text and json.loads(text)
    assert {f.path for f in sources_list.read(tmp_path) or []} == {name, "/tmp/年报.txt"}
