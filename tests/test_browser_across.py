"""The data-quality page's checks across years, in a real headless Chromium.

The corpus is tests/across_fixtures.write_all: the real 平潭综合实验区 reports with the 2024 report's
结转下年度继续办理 set to 12 (its real 2025 report carried over 0), a 2023 report made from the 2024
one, and a county reporting 0 requests among five peers at 154.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.across_fixtures import ingest_folder, write_all
from tests.browser_support import app_fixture, open_page, screenshot

pytestmark = pytest.mark.browser


def across_corpus(factory: pytest.TempPathFactory) -> Path:
    root = factory.mktemp("across-browser")
    return ingest_folder(write_all(root / "src"), root / "data")


app_url = app_fixture(across_corpus)


@pytest.mark.parametrize("lang, tab, finding, other", [
    ("zh", "跨年度核对(6)", "2024年报告结转下年度继续办理12件，2025年报告上年结转填0件，相差12件。", "本年新收申请填0件"),
    ("en", "Across years (6)", "The 2024 report carries 12 requests forward to the next year; the 2025 report says 0 "
     "were carried over (a difference of 12).", "gives 0 requests received"),
])
def test_quality_page_shows_the_checks_across_years(app_url, lang, tab, finding, other):
    from playwright.sync_api import expect

    with open_page(app_url, lang, "/quality") as page:
        tab_button = page.get_by_role("tab", name=tab)
        expect(tab_button).to_be_visible()
        tab_button.click()
        panel = page.get_by_role("tabpanel").filter(has=page.get_by_test_id("stMetric")).last
        # Each kind counted: 1 carry-over, 4 jumps, 1 zero among peers.
        metrics = panel.get_by_test_id("stMetricValue")
        expect(metrics).to_have_text(["1", "4", "1"])
        # The findings in plain words, both reports linked.
        grid = panel.get_by_test_id("stDataFrame")
        expect(grid.first).to_be_visible()
        expect(panel.get_by_text(finding)).to_be_attached()
        expect(panel.get_by_text(other, exact=False)).to_be_attached()
        page.wait_for_function(  # the grid has painted its canvas
            "() => [...document.querySelectorAll('[data-testid=stDataFrame] canvas')]"
            ".some(c => c.width > 0 && c.height > 0)")
        screenshot(page, f"browser_quality_across_{lang}")


def test_chat_answers_with_both_reports_as_sources(app_url):
    from playwright.sync_api import expect

    from tests.browser_support import FIRST_ANSWER, chinese_page

    with chinese_page(app_url) as page:
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("哪些机关的结转数前后对不上?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer).to_contain_text("2024年报告结转下年度继续办理12件，2025年报告上年结转填0件",
                                       timeout=FIRST_ANSWER * 1000)
        # Year N's cell and year N+1's cell, each under its own report.
        for year, cell, value in (("2024年", "结转下年度继续办理", "12"), ("2025年", "上年结转", "0")):
            source = answer.get_by_test_id("stExpander").filter(has_text=f"平潭综合实验区 · {year}").first
            source.locator("summary").click()
            expect(source).to_contain_text(cell)
            expect(source.get_by_role("cell", name=value, exact=True).first).to_be_visible()
        screenshot(page, "browser_chat_across")
