"""A real ``gongkai ingest`` killed (SIGKILL) inside the segmented index sync: after the new
segment is written, and after a merge, before the generation files.  The previous generation
keeps answering, what the killed writer left is named by no generation and is removed by the
next writer, which brings the index in step."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.ingest import ingest
from index import crashpoints
from index.passages import segments
from index.passages.consistency import difference
from index.passages.indexer import current_folder, index_root, read_passages
from tests.conftest import ROOT
from tests.test_crash import MORE, store_ids, write_variants


def gongkai(*args: str, crash_at: str | None = None, merge_factor: int | None = None) -> subprocess.Popen:
    """The CLI in a real process; ``merge_factor`` sets segments.MERGE_FACTOR first (a merge in a small corpus)."""
    env = {k: v for k, v in os.environ.items() if k != crashpoints.ENV}
    if crash_at:
        env[crashpoints.ENV] = crash_at
    code = "from gongkai.cli import cli; cli()"
    if merge_factor is not None:
        code = f"from index.passages import segments; segments.MERGE_FACTOR = {merge_factor}; " + code
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def on_disk(data: Path) -> set[str]:
    return {p.name for p in segments.segments_root(index_root(data)).glob("seg-*")}


def named(data: Path) -> set[str]:
    """Segments the generations on disk name."""
    names: set[str] = set()
    for folder in index_root(data).glob("gen-*"):
        names |= {entry["name"] for entry in json.loads((folder / "manifest.json").read_text())["segments"]}
    return names


@pytest.fixture(scope="module")
def base(tmp_path_factory, seeds_dir) -> Path:
    data = tmp_path_factory.mktemp("seg-crash-base") / "data"
    result = ingest([seeds_dir], data, workers=1, progress=False)
    assert result.index_error is None and result.index["reports"] == 5
    return data


@pytest.fixture(scope="module")
def more(tmp_path_factory, seeds_dir) -> Path:
    folder = tmp_path_factory.mktemp("seg-crash-more")
    write_variants(folder, seeds_dir, MORE)
    return folder


@pytest.mark.parametrize("point, merge_factor", [("segment_written", None), ("before_generation_files", None),
                                                 ("before_generation_files", 2)])
def test_a_kill_inside_the_sync_leaves_the_previous_index_answering(tmp_path, base, more, point, merge_factor):
    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    before = current_folder(data)
    before_segments = on_disk(data)
    proc = gongkai("ingest", str(more), "--data", str(data), "--workers", "1", "--quiet", crash_at=point,
                   merge_factor=merge_factor)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL, err

    # The killed writer's segments are on disk, named by no generation; current is the previous one.
    assert current_folder(data) == before
    left = on_disk(data) - before_segments
    assert left and not left & named(data)
    if merge_factor:
        assert len(left) == 2  # its own segment and the merged one
    assert set(read_passages(data, ["report_id"])["report_id"]) == set(read_passages(base, ["report_id"])["report_id"])
    behind = difference(data)
    assert behind is not None and len(behind.missing) == MORE
    search = gongkai("search", "政务新媒体", "--data", str(data), "-k", "2")
    out, err = search.communicate(timeout=600)
    assert search.returncode == 0, err
    assert "越城区" in out  # the previous generation answers

    # The next ingest removes what the killed writer left and brings the index in step.
    result = ingest([more], data, workers=1, progress=False)
    assert result.index_error is None
    assert difference(data).in_step  # type: ignore[union-attr]
    assert set(read_passages(data, ["report_id"])["report_id"]) == store_ids(data)
    assert on_disk(data) == named(data)
    assert not list(segments.segments_root(index_root(data)).glob(".staging-*"))
