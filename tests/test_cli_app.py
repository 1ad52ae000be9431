"""``gongkai app``: the demo corpus on first use, and the `streamlit run app.py` command it starts
(run for real in tests/test_cli_run.py)."""

from __future__ import annotations

from gongkai.commands.app import DEMO_FOLDER, app_url, ingest_demo, streamlit_command
from index.tables import store
from tests.conftest import ROOT


def test_app_command_runs_streamlit_through_the_warming_server():
    argv = streamlit_command(8599, "localhost", 20)
    assert argv[1:5] == ["-m", "gongkai.ui.serve", "run", str(ROOT / "app.py")]
    assert argv[argv.index("--server.port") + 1] == "8599"
    assert argv[argv.index("--server.headless") + 1] == "true"
    assert argv[argv.index("--server.maxUploadSize") + 1] == "20"
    # Gongkai says the URL itself once the port answers (tests/test_cli_run.py runs it for real).
    assert argv[argv.index("--logger.hideWelcomeMessage") + 1] == "true"


def test_app_url_names_a_host_a_browser_can_open():
    assert app_url("localhost", 8501) == "http://localhost:8501"
    assert app_url("0.0.0.0", 8502) == "http://localhost:8502"


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
