"""``gongkai app``: the demo corpus on first use, then `streamlit run app.py` with the corpus set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.commands.app import DEMO_FOLDER, app, ingest_demo
from index.tables import store
from tests.conftest import ROOT, seed_path


class Exec(Exception):
    """Raised in place of replacing the process: carries what would have run."""


@pytest.fixture
def captured(monkeypatch) -> dict:
    seen: dict = {}

    def fake_exec(file: str, argv: list[str], env: dict[str, str]) -> None:
        seen.update(file=file, argv=argv, env=env, cwd=os.getcwd())
        raise Exec()

    # Only the final exec is replaced: everything before it (demo, ingest) runs for real.
    monkeypatch.setattr(os, "execvpe", fake_exec)
    monkeypatch.chdir(ROOT)
    return seen


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_app_runs_streamlit_on_the_corpus(tmp_path, captured):
    from corpus.ingest import ingest

    ingest([seed_path("000")], tmp_path, workers=1, progress=False, passages=False)
    result = run("--data", str(tmp_path), "--port", "8599")
    assert isinstance(result.exception, Exec), result.output
    argv = captured["argv"]
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4] == str(ROOT / "app.py")
    assert argv[argv.index("--server.port") + 1] == "8599"
    assert argv[argv.index("--server.headless") + 1] == "true"
    assert argv[argv.index("--server.maxUploadSize") + 1] == "20"
    assert captured["env"]["GONGKAI_DATA"] == str(tmp_path.resolve())
    assert Path(captured["cwd"]) == ROOT  # where .streamlit/config.toml is
    assert not (tmp_path / DEMO_FOLDER).exists()  # a corpus is there: no demo


def test_no_demo_leaves_an_empty_folder_empty(tmp_path, captured):
    result = run("--data", str(tmp_path / "empty"), "--no-demo")
    assert isinstance(result.exception, Exec), result.output
    assert not store.store_file(tmp_path / "empty").exists()


def test_demo_corpus_is_generated_and_ingested_once(tmp_path):
    ingest_demo(tmp_path, n_agencies=2, progress=False)
    with store.reading(tmp_path) as con:
        reports, agencies = con.execute("SELECT count(*), count(DISTINCT agency) FROM reports").fetchone()
    assert (reports, agencies) == (12, 2)  # two agencies, 2019–2024
    assert (tmp_path / DEMO_FOLDER / "manifest.jsonl").exists()
    # Ready to ask: the passages are indexed too, so narrative questions find text.
    from index.passages.search import search

    hits = search(tmp_path, "政府信息公开", k=3)
    assert len(hits) == 3 and {h.report_id for h in hits} <= set(_ids(tmp_path))


def _ids(data) -> list[str]:
    with store.reading(data) as con:
        return [r for (r,) in con.execute("SELECT report_id FROM reports").fetchall()]
