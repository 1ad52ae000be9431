"""Issue 13: an upload with a long Chinese name, or one that fails unexpectedly, never stops
the batch and never shows a traceback.

Before: the name was cut at 120 characters — 360 bytes of Chinese, past the 255 bytes a
file name may take — so saving it raised ``OSError: File name too long``, the page showed
the traceback with the server's paths, and the files after it were never ingested.
"""

from __future__ import annotations

import pytest

from corpus.upload import FAILED, NAME_BYTES, NEW, clean_name, cut_bytes, ingest_uploads
from gongkai.ui.plain_words import outcome_words
from index.tables import store
from tests.conftest import seed_path

LONG = ("政府信息公开工作年度报告" * 17)[:200] + ".txt"  # 200 characters + .txt: 604 bytes


def test_a_long_chinese_name_is_cut_by_bytes_and_the_whole_batch_goes_in(tmp_path):
    batch = [("first.txt", seed_path("000").read_bytes()), (LONG, seed_path("001").read_bytes()),
             ("last.txt", seed_path("002").read_bytes())]
    outcomes = ingest_uploads(batch, tmp_path, limit=10**7)
    assert [o.status for o in outcomes] == [NEW, NEW, NEW], [(o.name, o.detail) for o in outcomes]
    assert outcomes[1].agency == "将乐县人民政府办公室"
    saved = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    assert len(saved) == 3
    long_saved = next(n for n in saved if n.startswith("政府"))
    assert len(long_saved.encode("utf-8")) <= NAME_BYTES and long_saved.endswith(".txt")
    with store.reading(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (3,)


@pytest.mark.parametrize("name", [LONG, "报" * 300 + ".docx", "a" * 400 + ".pdf", "报告" * 100, "x" * 300 + "." + "y" * 50])
def test_clean_names_fit_in_the_byte_limit_and_keep_the_extension(name):
    cleaned = clean_name(name)
    assert len(cleaned.encode("utf-8")) <= NAME_BYTES
    cleaned.encode("utf-8").decode("utf-8")  # never half a character
    if name.endswith((".txt", ".docx", ".pdf")):
        assert cleaned.endswith(name[name.rindex("."):])


def test_long_names_that_start_alike_stay_two_files():
    assert clean_name(LONG) != clean_name(LONG[:-5] + "甲.txt")
    assert clean_name("短名.txt") == "短名.txt"  # a short name is kept as it is


def test_cut_bytes_never_splits_a_character():
    assert cut_bytes("报告abc", 4) == "报"
    assert cut_bytes("报告abc", 6) == "报告"
    assert cut_bytes("报告abc", 7) == "报告a"


def test_a_file_that_cannot_be_saved_fails_plainly_and_the_rest_go_in(tmp_path):
    # A real failure to save: a folder stands where the upload would be written.
    (tmp_path / "uploads" / "blocked.txt").mkdir(parents=True)
    batch = [("blocked.txt", seed_path("000").read_bytes()), ("after.txt", seed_path("001").read_bytes())]
    outcomes = ingest_uploads(batch, tmp_path, limit=10**7)
    assert [o.status for o in outcomes] == [FAILED, NEW]
    assert outcomes[0].code == "not_saved"
    for lang in ("zh", "en"):
        words = outcome_words(outcomes[0], lang)
        assert "Traceback" not in words and str(tmp_path) not in words
    assert outcome_words(outcomes[0], "zh").startswith("服务器无法保存这个文件(Is a directory)")


def test_the_page_says_a_batch_failure_per_file_without_a_trace(tmp_path):
    from gongkai.ui.pages.upload import _ingest_safely

    def broken_progress(done: int, total: int, name: str) -> None:
        raise RuntimeError("the progress bar went away")

    outcomes = _ingest_safely([("a.txt", seed_path("000").read_bytes())], tmp_path, progress=broken_progress,
                              limit=10**7)
    assert [(o.status, o.code) for o in outcomes] == [(FAILED, "internal")]
    assert outcome_words(outcomes[0], "zh").startswith("服务器处理这个文件时出错")
