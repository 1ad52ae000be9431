"""The terminal on first use: labelled progress on ingest, `gongkai app` saying its URL as soon as
the server answers (and loading the model at start), `gongkai chat` greeting and saying how to leave.

The commands run as a user runs them (a subprocess reading stdin, writing a terminal's stderr)
or through click's runner; the figures they print are checked against SQL on the store.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from index.passages.indexer import current_folder, read_passages
from index.tables import store
from tests.conftest import ROOT, seed_path
from tests.qa_corpus import seeds_corpus

GONGKAI = [sys.executable, "-c", "from gongkai.cli import cli; cli()"]
# How long a command may take on a loaded two-core machine before the test gives up.
PATIENCE = 240


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    return seeds_corpus(tmp_path_factory)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}


def _sql(data: Path, query: str) -> tuple:
    # Through the store's own reader: DuckDB refuses a second connection of another configuration.
    with store.reading(data) as con:
        return con.execute(query).fetchone()


# ---------------------------------------------------------------------------
# Ingest: every step says what it does, every bar has a label
# ---------------------------------------------------------------------------


def test_ingest_names_each_step_and_labels_every_bar(tmp_path):
    data = tmp_path / "corpus"
    # A fresh process: its embedding cache is empty, so the vectors are really computed.
    done = subprocess.run([*GONGKAI, "ingest", str(seed_path("000")), str(seed_path("002")), "--data", str(data)],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    # tqdm redraws a bar with carriage returns: every redraw is a line of its own here.
    lines = [line.strip() for line in re.split(r"[\r\n]+", done.stderr) if line.strip()]
    passages = len(read_passages(current_folder(data), ["id"]))
    assert any(line.startswith("Reading 2 report files:") for line in lines), lines
    assert any(line.startswith(f"Computing vectors for {passages} passages:") for line in lines), lines
    for step in ("Cutting the reports' sections into passages", "Loading the embedding model",
                 "Building the vector index", "Building the keyword index", "Writing the passage index"):
        assert any(line.startswith(step) for line in lines), (step, lines)
    # Every progress bar (a line with "n/total") starts with its label: no bare "Batches", no
    # "Loading weights" of the libraries underneath.
    bars = [line for line in lines if re.search(r"\d+/\d+ \[", line)]
    assert bars and all(line.startswith(("Reading ", "Computing vectors for ")) for line in bars), bars
    assert "Batches" not in done.stderr and "Loading weights" not in done.stderr


# ---------------------------------------------------------------------------
# gongkai chat
# ---------------------------------------------------------------------------


def test_chat_greets_loads_first_and_says_how_to_leave(seeds):
    reports, agencies, first, last = _sql(seeds, "SELECT count(*), count(DISTINCT agency), min(year), max(year) "
                                                 "FROM reports")
    result = CliRunner().invoke(cli, ["chat", "--data", str(seeds)], input="将乐县2024年收到多少申请？\nexit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"Gongkai chat: questions about {reports} reports of {agencies} agencies, {first}–{last} "
                          f"(corpus {seeds}).")
    assert "To leave: an empty line, `exit`, or Ctrl-D." in out
    # The model and the indexes are loaded before the first prompt, not during the first answer.
    loaded = out.index("Loading the model and the indexes … ready (")
    assert loaded < out.index("\n? ")
    # 将乐县's 2024 report (seed 001): 本年新收政府信息公开申请数量 3 from persons + 2 from companies.
    assert "5件" in out
    assert out.rstrip().endswith("Bye.")


def test_chat_ends_on_end_of_input_with_a_goodbye(seeds):
    result = CliRunner().invoke(cli, ["chat", "--data", str(seeds)], input="")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("Bye.")


def test_chat_without_a_corpus_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["chat", "--data", str(tmp_path / "none")], input="")
    assert result.exit_code == 1
    assert f"run `gongkai ingest PATH --data {tmp_path / 'none'}` first" in result.output


# ---------------------------------------------------------------------------
# gongkai app: the URL as soon as the port answers, the model loaded at start
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_until(proc: subprocess.Popen[str], wanted: str, seen: list[str]) -> str:
    """Lines of ``proc``'s stderr until one contains ``wanted`` (kept in ``seen``)."""
    assert proc.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            continue
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line.rstrip())
        if wanted in line:
            return line
    pytest.fail(f"{wanted!r} never came; the app said:\n" + "\n".join(seen))


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_app_says_its_url_once_listening_and_loads_the_model_at_start(seeds, tmp_path):
    data = tmp_path / "corpus"
    shutil.copytree(seeds, data, symlinks=True)
    port = _free_port()
    url = f"http://localhost:{port}"
    proc = subprocess.Popen([*GONGKAI, "app", "--data", str(data), "--port", str(port)], cwd=tmp_path,
                            env=_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen: list[str] = []
    try:
        line = _read_until(proc, "Gongkai is open at", seen)
        assert f"Gongkai is open at {url}" in line and f"corpus {data}" in line
        # Said once the port answers: it answers now.
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as reply:
            assert reply.status == 200
        # Streamlit's own welcome (which would look the external address up) is not shown.
        assert not any("You can now view" in s for s in seen)
        # No page has been opened: the server process loads the model and the indexes itself.
        _read_until(proc, "the model and the indexes are loaded", seen)
        server_pids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    finally:
        _stop(proc)
    # Stopping `gongkai app` stops its server.
    assert server_pids
    for pid in server_pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_app_without_demo_on_an_empty_folder_writes_no_corpus(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([*GONGKAI, "app", "--data", str(tmp_path / "empty"), "--no-demo", "--port", str(port)],
                            cwd=tmp_path, env=_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen: list[str] = []
    try:
        _read_until(proc, f"Gongkai is open at http://localhost:{port}", seen)
    finally:
        _stop(proc)
    assert not store.store_file(tmp_path / "empty").exists()
