"""Removing a report: the store, the passage index and the answers no longer see it (real store,
real index, real model on a copy of the seeds corpus)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.remove import remove_reports, uploaded_reports
from corpus.upload import UPLOAD_DIR, ingest_uploads
from index.passages.search import search
from index.tables import store
from index.tables.browse import UnknownReport
from index.tables.summary import corpus_summary
from qa.corpus import Corpus
from qa.session import ask
from tests.conftest import seed_path
from tests.qa_corpus import seeds_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return seeds_corpus(tmp_path_factory)


@pytest.fixture
def corpus(built, tmp_path) -> Path:
    """A copy of the seeds corpus (store and passage index) that a test may change."""
    data = tmp_path / "corpus"
    shutil.copytree(built, data, symlinks=True)  # passages/current is a link
    return data


def _one(data: Path, sql: str, params: list | None = None) -> tuple:
    with store.reading(data) as con:
        return con.execute(sql, params or []).fetchone()


def _report_of(data: Path, agency_part: str) -> str:
    return _one(data, "SELECT report_id FROM reports WHERE agency LIKE ?", [f"%{agency_part}%"])[0]


def test_a_removed_report_is_gone_from_store_index_and_answers(corpus):
    # 将乐县's 2024 report (seed 001): 5 new requests, the answer before removal cites it.
    report_id = _report_of(corpus, "将乐县")
    before = ask("将乐县2024年收到多少申请？", None, corpus)
    assert "5件" in before.text and [c["report_id"] for c in before.cells] == [report_id]
    reports_before = _one(corpus, "SELECT count(*) FROM reports")[0]
    assert any(h.report_id == report_id for h in search(corpus, "将乐县 政府信息公开", k=20))

    removed = remove_reports(corpus, [report_id])

    assert removed.report_ids == [report_id] and removed.index_error is None
    # The seed file is the user's own: it stays, and the outcome says so.
    assert removed.kept_files == [str(seed_path("001").resolve())] and not removed.deleted_files
    assert seed_path("001").exists()
    for table in ("reports", "sources", "cells", "sections", "checks", "metrics"):
        assert _one(corpus, f"SELECT count(*) FROM {table} WHERE report_id = ?", [report_id]) == (0,), table
    assert _one(corpus, "SELECT count(*) FROM reports")[0] == reports_before - 1
    with store.reading(corpus) as con:
        assert corpus_summary(con).reports == reports_before - 1
    # Not one of its passages is left to find, whatever the query.
    hits = search(corpus, "将乐县 政府信息公开", k=200)
    assert hits and all(h.report_id != report_id for h in hits)
    after = ask("将乐县2024年收到多少申请？", None, Corpus(corpus))
    assert all(s.get("report_id") != report_id for s in after.sources)
    assert not any(c.get("report_id") == report_id for c in after.cells)
    assert "5件" not in after.text


def test_removing_an_uploaded_report_deletes_its_uploaded_file(corpus, tmp_path):
    # A real published report (../shared/real/html/06.html) uploaded through the library the app uses.
    html = Path(__file__).resolve().parents[2] / "shared" / "real" / "html" / "06.html"
    outcome = ingest_uploads([("年报.html", html.read_bytes())], corpus)[0]
    assert outcome.report_id and outcome.stored_as
    with store.reading(corpus) as con:
        listed = uploaded_reports(con, corpus)
    assert listed["report_id"].tolist() == [outcome.report_id] and listed["file"].tolist() == ["年报.html"]

    removed = remove_reports(corpus, [outcome.report_id])

    assert removed.deleted_files == [outcome.stored_as] and not removed.kept_files
    assert not Path(outcome.stored_as).exists()
    assert list((corpus / UPLOAD_DIR).iterdir()) == []
    with store.reading(corpus) as con:
        assert uploaded_reports(con, corpus).empty
    # Uploading the same file again adds it afresh.
    again = ingest_uploads([("年报.html", html.read_bytes())], corpus)[0]
    assert again.status == "new" and again.report_id == outcome.report_id


def test_an_unknown_report_changes_nothing(corpus):
    reports = _one(corpus, "SELECT count(*) FROM reports")[0]
    stamp = store.store_file(corpus).stat().st_mtime_ns
    with pytest.raises(UnknownReport):
        remove_reports(corpus, [_report_of(corpus, "将乐县"), "no-such-report"])
    assert _one(corpus, "SELECT count(*) FROM reports")[0] == reports
    assert store.store_file(corpus).stat().st_mtime_ns == stamp
