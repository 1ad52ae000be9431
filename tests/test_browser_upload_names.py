"""Issue 13 in a real headless Chromium: a batch with a 200-character Chinese file name.

Before: saving the name (cut at 120 characters, 360 bytes) raised ``OSError: File name too
long``; the page showed the traceback with the server's paths and the files after it were
never ingested.  Now all three go in and the page says so, with no trace anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import ingest
from tests.browser_support import FIRST_ANSWER, app_fixture, open_page
from tests.conftest import seed_path

pytestmark = pytest.mark.browser

LONG = ("政府信息公开工作年度报告" * 17)[:200] + ".txt"


def one_report_corpus(factory: pytest.TempPathFactory) -> Path:
    """A corpus of its own (this test adds to it): one seed, with its passage index."""
    data = factory.mktemp("upload-names")
    result = ingest([seed_path("004")], data, workers=1, progress=False)
    assert not result.failed and not result.index_error, (result.failed, result.index_error)
    return data


app_url = app_fixture(one_report_corpus)


def test_a_long_chinese_name_and_two_good_files_all_go_in(app_url):
    from playwright.sync_api import expect

    files = [{"name": name, "mimeType": "text/plain", "buffer": seed_path(seed).read_bytes()}
             for name, seed in (("first.txt", "000"), (LONG, "001"), ("last.txt", "002"))]
    with open_page(app_url, "en", "/upload") as page:
        expect(page.get_by_role("heading", name="Upload reports")).to_be_visible()
        page.locator("input[type='file']").set_input_files(files)
        page.get_by_role("button", name="Ingest").click()
        expect(page.get_by_test_id("stAlert").filter(has_text="Done: 3 stored, 0 failed.")).to_be_visible(
            timeout=FIRST_ANSWER * 1000)
        text = page.locator("body").inner_text()
        assert "Traceback" not in text and "File name too long" not in text and "OSError" not in text
        expect(page.get_by_test_id("stException")).to_have_count(0)
