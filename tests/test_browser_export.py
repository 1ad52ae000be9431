"""“Download this answer” in a real headless Chromium: ask, click the button under the answer,
and read the workbook the browser saved."""

from __future__ import annotations

import openpyxl
import pytest

from tests.browser_support import FIRST_ANSWER, app_fixture, open_page, screenshot
from tests.conftest import seed_path
from tests.qa_corpus import seeds_corpus

pytestmark = pytest.mark.browser

app_url = app_fixture(seeds_corpus)


@pytest.mark.parametrize("lang, question, button, sheets", [
    ("zh", "大涌镇2022年行政处罚决定有多少件？", "下载本回答(Excel)", ["回答", "表格", "来源", "SQL"]),
    ("en", "How many administrative penalty decisions did 大涌镇 make in 2022?", "Download this answer (Excel)",
     ["answer", "table", "sources", "SQL"]),
])
def test_download_this_answer(app_url, tmp_path, lang, question, button, sheets):
    from playwright.sync_api import expect

    # Seed 004 prints 行政处罚 … 191 (处理决定数量), read here, not from the app.
    assert "行政处罚\n\n191" in seed_path("004").read_text(encoding="utf-8")
    with open_page(app_url, lang, "/chat") as page:
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(question)
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer).to_contain_text("191", timeout=FIRST_ANSWER * 1000)
        download_button = answer.get_by_test_id("stDownloadButton").filter(has_text=button)
        expect(download_button).to_be_visible()
        download_button.scroll_into_view_if_needed()
        screenshot(page, f"browser_export_answer_{lang}")
        with page.expect_download() as info:
            download_button.get_by_role("button").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved, read_only=True)
    assert book.sheetnames == sheets
    rows = list(book[sheets[0]].iter_rows(values_only=True))
    assert rows[1][1] == question
    sources = list(book[sheets[2]].iter_rows(values_only=True))
    assert len(sources) == 2
    agency, year, value, source = sources[1][1], sources[1][2], sources[1][4], sources[1][5]
    assert (agency, year, value, source) == ("中山市大涌镇", 2022, 191, seed_path("004").name)
