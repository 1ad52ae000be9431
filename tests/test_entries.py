"""Issue 13: one bad entry never stops an ingest (corpus/entries.py).

Each hostile entry is a real one on the file system — a symbolic-link loop, a name that is
not UTF-8, a FIFO named ``.txt``, a link to ``/dev/zero``, a folder that cannot be listed —
put beside two good reports.  Before the fix the loop raised ``RuntimeError``, the name
``UnicodeEncodeError`` when the batch was stored, and the FIFO and ``/dev/zero`` hung the
ingest for good; so every ingest here runs with a bound (a thread joined with a timeout, or
a subprocess with one): a hang fails the test instead of blocking it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from corpus.entries import (EXTENSION, HIDDEN, LINK_LOOP, NOT_REGULAR, UNREADABLE_FOLDER, display_path, hash_file,
                            summary_lines, walk)
from corpus.ingest import IngestResult, file_hash, ingest
from tests.conftest import ROOT, seed_path

BOUND_S = 300  # generous: a hang, not slowness, is what fails


def _good_pair(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(seed_path("004"), folder / "good.txt")
    shutil.copy(seed_path("003"), folder / "other.txt")


def _bounded_ingest(paths: list[str], data: Path) -> IngestResult:
    """The library ingest in a thread joined with a bound: a hang fails here."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = ingest(paths, data, workers=1, progress=False, passages=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND_S)
    assert not thread.is_alive(), "the ingest hangs"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def _stored_paths(data: Path) -> list[str]:
    with duckdb.connect(str(data / "store.duckdb"), read_only=True) as con:
        return sorted(row[0] for row in con.execute("SELECT source_path FROM sources").fetchall())


def _loop(folder: Path) -> str:
    os.symlink("a.txt", folder / "b.txt")
    os.symlink("b.txt", folder / "a.txt")
    return "b.txt"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt"


def _dev_zero(folder: Path) -> str:
    os.symlink("/dev/zero", folder / "zero.txt")
    return "zero.txt"


BAD = {"loop": (_loop, LINK_LOOP), "fifo": (_fifo, NOT_REGULAR), "dev_zero": (_dev_zero, NOT_REGULAR)}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_entry_is_skipped_with_its_reason_and_the_good_files_are_stored(tmp_path, case):
    folder = tmp_path / "in"
    _good_pair(folder)
    make, kind = BAD[case]
    name = make(folder)
    result = _bounded_ingest([str(folder)], tmp_path / "data")
    assert sorted(Path(p).name for p in result.new) == ["good.txt", "other.txt"]
    assert result.failed == []
    reasons = {Path(s.path).name: s for s in result.skipped}
    assert reasons[name].kind == kind
    assert _stored_paths(tmp_path / "data") == sorted(str((folder / n).resolve()) for n in ("good.txt", "other.txt"))


def test_a_bad_entry_named_on_the_command_line_fails_with_its_reason(tmp_path):
    folder = tmp_path / "in"
    _good_pair(folder)
    _fifo(folder)
    result = _bounded_ingest([str(folder / "pipe.txt"), str(folder / "good.txt")], tmp_path / "data")
    assert [Path(p).name for p in result.new] == ["good.txt"]
    assert [(Path(f.path).name, f.reason) for f in result.failed] == [
        ("pipe.txt", "not a regular file (a FIFO): only files are read")]


def test_a_name_that_is_not_utf8_is_stored_with_its_bytes_escaped(tmp_path):
    folder = tmp_path / "in"
    _good_pair(folder)
    raw = os.fsencode(folder) + b"/bad\xff\xfe.txt"
    fd = os.open(raw, os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, seed_path("000").read_bytes())
    os.close(fd)
    escaped = f"{folder.resolve()}/bad\\xff\\xfe.txt"
    result = _bounded_ingest([str(folder)], tmp_path / "data")
    assert result.failed == []
    assert len(result.new) == 3
    assert result.escaped_names == [f"{folder}/bad\\xff\\xfe.txt"]
    assert escaped in _stored_paths(tmp_path / "data")
    with duckdb.connect(str(tmp_path / "data" / "store.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports WHERE source = 'bad\\xff\\xfe.txt'").fetchone() == (1,)
    # The escaped name is the key the next ingest compares: the file is unchanged, not new.
    again = _bounded_ingest([str(folder)], tmp_path / "data")
    assert (len(again.unchanged), again.new, again.failed) == (3, [], [])


def test_other_extensions_and_hidden_names_are_listed_as_skipped(tmp_path):
    folder = tmp_path / "in"
    _good_pair(folder)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / "README").write_text("notes")
    (folder / ".hidden.txt").write_text("x")
    (folder / ".git").mkdir()
    found = walk([folder])
    assert [p.name for p in found.files] == ["good.txt", "other.txt"]
    kinds = {Path(s.path).name: s.kind for s in found.skipped}
    assert kinds == {"photo.jpg": EXTENSION, "README": EXTENSION, ".hidden.txt": HIDDEN, ".git": HIDDEN}
    reason = next(s.reason for s in found.skipped if s.path.endswith("photo.jpg"))
    assert reason.startswith("extension .jpg is not read (only .docx, .htm, .html, .pdf")


def _too_long_folder(folder: Path) -> Path:
    """A folder whose path is longer than PATH_MAX: listing it fails even for root."""
    name = "d" * 200
    fd = os.open(folder, os.O_RDONLY)
    depth = 0
    try:
        while depth * 201 < 4200:
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            depth += 1
    finally:
        os.close(fd)
    return folder.joinpath(*[name] * depth)


@pytest.mark.parametrize("how", ["chmod_000", "path_too_long"])
def test_a_folder_that_cannot_be_listed_is_listed_as_skipped(tmp_path, how):
    folder = tmp_path / "in"
    _good_pair(folder)
    if how == "chmod_000":
        if os.geteuid() == 0:
            pytest.skip("running as root: chmod 000 does not stop root from listing a folder "
                        "(the path_too_long case makes the listing fail for root too)")
        locked = folder / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_bytes(seed_path("000").read_bytes())
        locked.chmod(0)
        unreadable = str(locked)
    else:
        unreadable = str(_too_long_folder(folder))
    try:
        result = _bounded_ingest([str(folder)], tmp_path / "data")
    finally:
        if how == "chmod_000":
            (folder / "locked").chmod(0o755)
    assert sorted(Path(p).name for p in result.new) == ["good.txt", "other.txt"]
    assert [(s.path, s.kind) for s in result.skipped] == [(unreadable, UNREADABLE_FOLDER)]
    assert result.skipped[0].reason.startswith("folder cannot be read (")


def test_hash_file_refuses_what_is_not_a_regular_file_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OSError, match="not a regular file"):
        hash_file(tmp_path / "pipe")  # opened non-blocking: no writer needed to return
    with pytest.raises(OSError, match="not a regular file"):
        hash_file("/dev/zero")
    (tmp_path / "f.txt").write_bytes(b"abc" * 1000)
    assert hash_file(tmp_path / "f.txt") == file_hash(b"abc" * 1000)


def test_display_path_escapes_only_the_bad_bytes():
    assert display_path("/tmp/报告.txt") == "/tmp/报告.txt"
    assert display_path(os.fsdecode("/tmp/报".encode() + b"\xff.txt")) == "/tmp/报\\xff.txt"


def test_the_summary_lists_twenty_and_counts_all_by_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(25):
        (folder / f"img{i:02d}.jpg").write_bytes(b"x")
    os.mkfifo(folder / "pipe.txt")
    lines = summary_lines(walk([folder]).skipped, [])
    assert lines[0] == "Skipped, not read (26: 25 other extensions, 1 not regular files):"
    assert len(lines) == 1 + 20 + 1
    assert lines[-1] == "  … 6 more, not listed"


def test_gongkai_ingest_skips_every_bad_entry_and_stores_the_good_files(tmp_path):
    """The real command, in a subprocess with a bound: all the hostile entries at once."""
    folder = tmp_path / "in"
    _good_pair(folder)
    _loop(folder)
    _fifo(folder)
    _dev_zero(folder)
    (folder / "notes.md").write_text("x")
    fd = os.open(os.fsencode(folder) + b"/bad\xff.txt", os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, seed_path("000").read_bytes())
    os.close(fd)
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "from gongkai.cli import cli; cli()", "ingest", str(folder),
                           "--data", str(data), "--workers", "1", "--quiet"],
                          capture_output=True, text=True, timeout=BOUND_S, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    assert "3 new, 0 updated, 0 unchanged, 0 same report as another file, 0 failed, 5 skipped" in out
    assert "Skipped, not read (5: 2 symbolic link loops, 2 not regular files, 1 other extensions):" in out
    assert f"  {folder}/pipe.txt: not a regular file (a FIFO): only files are read" in out
    assert f"  {folder}/zero.txt: not a regular file (a character device): only files are read" in out
    assert f"  {folder}/b.txt: symbolic link loop" in out
    assert f"  {folder}/notes.md: extension .md is not read" in out
    assert "1 file name(s) are not valid UTF-8; stored with the bad bytes escaped" in out
    assert f"  {folder}/bad\\xff.txt" in out
    assert "Passage index:" in out and "of 3 reports" in out
