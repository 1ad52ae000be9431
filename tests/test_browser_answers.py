"""Issue 12, answers, in a real Chromium: a total over 40 agencies cites its largest reports
first, says how many more there are, and the table it points to is there, under the answer,
with one row per contributing report; the answer ends with its scope.

The demo corpus of tests/charts_corpus.py (40 agencies, tables only); expected values by SQL.
"""

from __future__ import annotations

import pytest

from gongkai.ui.answer_view import MAX_FIGURE_SOURCES
from tests.browser_support import app_fixture, chinese_page, screenshot
from tests.charts_corpus import charts_corpus, sql

pytestmark = pytest.mark.browser

app_url = app_fixture(charts_corpus)
QUESTION = "2025年各机关收到的申请一共多少"


def test_a_totals_sources_and_the_table_they_point_to(app_url, tmp_path_factory):
    from playwright.sync_api import expect

    data = charts_corpus(tmp_path_factory)
    rows = sql(data, "SELECT r.agency, c.value FROM cells c JOIN reports r USING (report_id) WHERE r.year = 2025 "
                     "AND c.\"table\" = 'applications' AND c.\"row\" = 'new_received' AND c.\"column\" = 'total' "
                     "AND c.value IS NOT NULL ORDER BY c.value DESC")
    assert len(rows) > MAX_FIGURE_SOURCES
    with chinese_page(app_url) as page:
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(QUESTION)
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("范围:2025年。")).to_be_visible()
        cited = answer.get_by_test_id("stExpander").filter(has_text="· 2025年 ·")
        expect(cited.first).to_contain_text(rows[0][0])
        more = len(rows) - MAX_FIGURE_SOURCES
        expect(answer.get_by_text(f"另有 {more} 份报告")).to_be_visible()
        table = answer.get_by_test_id("stExpander").filter(has_text=f"全部出处:{len(rows)} 份报告")
        expect(table).to_be_visible()
        expect(table.get_by_test_id("stDataFrame")).to_be_visible()
        expect(table.get_by_role("button", name="下载 CSV")).to_be_visible()
        screenshot(page, "answers-total-sources")


def test_a_traditional_copy_is_named_inside_its_passage(tmp_path_factory):
    from playwright.sync_api import expect

    from tests.browser_support import CHROMIUM, serve
    from tests.test_answers12 import traditional_copy_corpus

    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    data = traditional_copy_corpus(tmp_path_factory)
    with serve(data, tmp_path_factory) as url, chinese_page(url) as page:
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("越城区存在哪些问题")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("2份报告在“存在的问题”部分提到相关内容", exact=False)).to_be_visible()
        problems = answer.get_by_test_id("stExpander").filter(has_text="第5部分")
        expect(problems).to_have_count(1)
        problems.first.click()
        expect(problems.first.get_by_text("几乎相同的文字另见", exact=False)).to_be_visible()
        expect(problems.first).to_contain_text("yuecheng-2022-traditional.txt")
        expect(problems.first.get_by_text("政务公开工作面广量大", exact=False).first).to_be_visible()
        screenshot(page, "answers-traditional-copy")
