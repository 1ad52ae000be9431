"""The store written in place: one DuckDB transaction per batch, real SIGKILLs inside the write,
readers and writers of different processes waiting for each other, the sources list growing by
lines, and a reader noticing a change without a swapped file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from corpus.ingest import ingest
from corpus.remove import remove_reports
from index import limits
from index.tables import sources_list, store
from tests.conftest import ROOT
from tests.test_crash import write_variants

NEW = 6  # variant reports added by each write below
BATCH = 2  # reports per batch: three transactions


@pytest.fixture(scope="module")
def base(tmp_path_factory, seeds_dir) -> Path:
    """The five seeds, stored without a passage index."""
    data = tmp_path_factory.mktemp("inplace-base") / "data"
    result = ingest([seeds_dir], data, workers=1, progress=False, passages=False)
    assert len(result.new) == 5
    return data


@pytest.fixture(scope="module")
def variants(tmp_path_factory, seeds_dir) -> Path:
    folder = tmp_path_factory.mktemp("inplace-variants")
    write_variants(folder, seeds_dir, NEW)
    return folder


def corpus_copy(base: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(base, data)
    return data


def run_python(code: str, *args: str, crash_at: str | None = None, wait: bool = True) -> subprocess.Popen:
    """``code`` in a new Python process (the repository importable), optionally killed at a crash point."""
    prelude = "import sys\nfrom index import crashpoints\ncrashpoints.arm(sys.argv[1] or None)\n"
    proc = subprocess.Popen([sys.executable, "-c", prelude + textwrap.dedent(code), crash_at or "", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if wait:
        proc.wait(timeout=600)
    return proc


INGEST = f"""
from corpus.ingest import ingest
ingest([sys.argv[2]], sys.argv[3], workers=1, progress=False, passages=False, batch_reports={BATCH})
"""


def count(data: Path, table: str = "reports") -> int:
    with store.reading(data) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]


def whole_reports(data: Path) -> bool:
    """Every stored report has its file, its cells and its sections; every file names a stored report."""
    with store.reading(data) as con:
        orphans = con.execute("SELECT count(*) FROM sources "
                              "WHERE report_id NOT IN (SELECT report_id FROM reports)").fetchall()
        bare = con.execute("SELECT count(*) FROM reports WHERE report_id NOT IN (SELECT report_id FROM sources) "
                           "OR report_id NOT IN (SELECT report_id FROM sections)").fetchall()
        return orphans == [(0,)] and bare == [(0,)]


def listed_paths(data: Path) -> set[str]:
    return {f.path for f in sources_list.read(data) or []}


# Where a kill inside the write leaves the store: reports held, and whether the sources list
# already names them (it is brought up to date by the next writer when it does not).
KILLS = {
    "store_batch_written": (5, True),  # the first batch uncommitted: rolled back
    "store_batch_committed": (5 + BATCH, False),  # committed into the log only: replayed by readers
    "after_store_checkpoint": (5 + BATCH, False),  # in the file; the sources list not yet told
    "after_sources_list": (5 + BATCH, True),
}


@pytest.mark.parametrize("point", KILLS)
def test_a_kill_inside_the_write_leaves_whole_batches(tmp_path, base, variants, point):
    data = corpus_copy(base, tmp_path)
    before = listed_paths(data)
    proc = run_python(INGEST, str(variants), str(data), crash_at=point)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()  # type: ignore[union-attr]

    held, listed = KILLS[point]
    assert count(data) == held and count(data, "sources") == held
    assert whole_reports(data)
    if point == "store_batch_committed":
        assert store.store_file(data).with_name("store.duckdb.wal").exists()  # the batch is in the log
    # The list read straight after the kill; then the next writer mends it.
    assert (len(listed_paths(data)) == held) == listed and before <= listed_paths(data)

    result = ingest([variants], data, workers=1, progress=False, passages=False, batch_reports=BATCH)
    assert len(result.unchanged) == held - 5 and len(result.new) == 5 + NEW - held
    assert count(data) == 5 + NEW and whole_reports(data)
    assert not store.store_file(data).with_name("store.duckdb.wal").exists()
    with store.reading(data) as con:
        stored = {path for (path,) in con.execute("SELECT source_path FROM sources").fetchall()}
    assert listed_paths(data) == stored and len(stored) == 5 + NEW


def test_a_write_changes_the_file_in_place_and_appends_to_the_sources_list(tmp_path, base, variants):
    data = corpus_copy(base, tmp_path)
    live = store.store_file(data)
    sources_list.write(data, [(f.path, f.content_hash, f.report_id) for f in sources_list.read(data) or []])
    inode, whole = live.stat().st_ino, sources_list.sources_file(data).read_bytes()
    ingest([variants], data, workers=1, progress=False, passages=False, batch_reports=BATCH)
    assert live.stat().st_ino == inode  # the same file, written in place (no copy swapped in)
    assert not list(data.glob("store.duckdb.*"))  # no working copy, no write-ahead log left
    assert sources_list.sources_file(data).read_bytes() == whole  # the whole list is not rewritten
    lines = sources_list.changes_file(data).read_text("utf-8").splitlines()
    assert len(lines) == NEW  # one line per added file, in three appends
    assert len(listed_paths(data)) == 5 + NEW


def test_a_removal_is_a_line_of_the_sources_list(tmp_path, base):
    data = corpus_copy(base, tmp_path)
    with store.reading(data) as con:
        report_id, path = con.execute("SELECT report_id, source_path FROM sources ORDER BY 1 LIMIT 1").fetchone()  # type: ignore[misc]
    remove_reports(data, [report_id])
    assert path not in listed_paths(data) and len(listed_paths(data)) == 4
    assert '"removed": true' in sources_list.changes_file(data).read_text("utf-8")


def test_the_changes_are_folded_into_the_list_once_they_outgrow_it(tmp_path, base, variants, monkeypatch):
    data = corpus_copy(base, tmp_path)
    monkeypatch.setattr(sources_list, "_MIN_COMPACT_BYTES", 0)
    ingest([variants], data, workers=1, progress=False, passages=False)  # 6 lines > the list of 5
    assert not sources_list.changes_file(data).exists()
    assert len(listed_paths(data)) == 5 + NEW
    assert len(sources_list.read(data) or []) == 5 + NEW


def test_a_line_cut_short_by_a_kill_loses_only_itself(tmp_path):
    sources_list.write(tmp_path, [("/a.txt", "h1", "r1")])
    sources_list.append(tmp_path, {"/b.txt": ("h2", "r2")}, set())
    with open(sources_list.changes_file(tmp_path), "ab") as out:
        out.write(b'{"path": "/c.txt", "sha')  # a kill in the middle of a line
    sources_list.append(tmp_path, {"/d.txt": ("h4", "r4")}, {"/a.txt"})
    assert listed_paths(tmp_path) == {"/b.txt", "/d.txt"}


# ---------------------------------------------------------------------------
# Readers and writers of different processes
# ---------------------------------------------------------------------------

HOLD_WRITE = """
import time
from index.tables import store
from index.tables.store import Batch
with store.open_write(sys.argv[2]) as con:
    con.execute("DELETE FROM checks")
    print("writing", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def _started(proc: subprocess.Popen, word: str) -> None:
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.strip() == word, proc.stderr.read()  # type: ignore[union-attr]


def test_a_reader_waits_for_a_batch_then_sees_it(tmp_path, base):
    data = corpus_copy(base, tmp_path)
    assert count(data, "checks") > 0
    writer = run_python(HOLD_WRITE, str(data), "1.5", wait=False)
    try:
        _started(writer, "writing")
        started = time.monotonic()
        assert count(data, "checks") == 0  # waited for the commit, then read it
        assert time.monotonic() - started > 0.5
    finally:
        writer.communicate(timeout=300)
    assert writer.returncode == 0


def test_a_reader_that_waits_too_long_is_told_who_writes(tmp_path, base, monkeypatch):
    data = corpus_copy(base, tmp_path)
    writer = run_python(HOLD_WRITE, str(data), "30", wait=False)
    try:
        _started(writer, "writing")
        monkeypatch.setattr(limits, "store_wait_s", 0.3)
        with pytest.raises(store.StoreLocked, match=f"an ingest \\(process {writer.pid}\\) kept writing") as caught:
            count(data)
        assert "store_wait_s" in str(caught.value) and "GONGKAI_STORE_WAIT_S" in str(caught.value)
    finally:
        writer.kill()
        writer.wait()
    assert count(data, "checks") > 0  # the killed write was never committed


def test_a_writer_waits_for_a_reader_and_says_so_past_the_wait(tmp_path, base, variants):
    data = corpus_copy(base, tmp_path)
    code = INGEST.replace("from corpus.ingest import ingest", "from index import limits\n"
                          "limits.store_wait_s = float(sys.argv[4])\nfrom corpus.ingest import ingest")
    con = store.open_read(data)
    try:
        refused = run_python(code, str(variants), str(data), "0.3")
        assert refused.returncode == 1
        err = refused.stderr.read()  # type: ignore[union-attr]
        assert f"process {os.getpid()} kept the corpus store" in err and "open for reading" in err, err
        waiting = run_python(code, str(variants), str(data), "120", wait=False)
        time.sleep(1.0)
        assert waiting.poll() is None  # waiting for the reader
    finally:
        con.close()
    waiting.communicate(timeout=600)
    assert waiting.returncode == 0
    assert count(data) == 5 + NEW


def test_a_lock_held_by_another_process_is_not_damage(tmp_path, base):
    data = corpus_copy(base, tmp_path)
    writer = run_python(HOLD_WRITE, str(data), "30", wait=False)
    try:
        _started(writer, "writing")
        with pytest.raises(duckdb.Error) as caught:
            duckdb.connect(str(store.store_file(data)), read_only=True)
        assert store.is_locked(caught.value) and not store.is_damage(caught.value)
    finally:
        writer.kill()
        writer.wait()


def test_ingest_under_way_is_seen_from_another_process(tmp_path, base):
    data = corpus_copy(base, tmp_path)
    assert not store.ingest_under_way(data)
    holder = run_python("from index.tables import store\nimport time\nwith store.writing(sys.argv[2]):\n"
                        "    print('holding', flush=True)\n    time.sleep(30)\n", str(data), wait=False)
    try:
        _started(holder, "holding")
        assert store.ingest_under_way(data)
    finally:
        holder.kill()
        holder.wait()
    assert not store.ingest_under_way(data)


def test_the_question_layer_sees_an_ingest_without_a_swapped_file(tmp_path, base, variants):
    from qa.corpus import Corpus

    data = corpus_copy(base, tmp_path)
    with Corpus(data) as corpus:
        before = corpus.vocabulary()
        assert not any("甲甲甲甲县" in form for form in before.forms)
        corpus.release()
        ingest([variants], data, workers=1, progress=False, passages=False)
        after = corpus.vocabulary()  # reopened, and the store's version changed: rebuilt
        assert after is not before and any("甲甲甲甲县" in form for form in after.forms)
        corpus.release()
        assert corpus.vocabulary() is after  # nothing changed: kept
