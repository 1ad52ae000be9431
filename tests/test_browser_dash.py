"""The overview in a real headless Chromium: it is the landing page, and a figure opens its question in the chat."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_support import FIRST_ANSWER, app_fixture, choose, open_page, run_finished, screenshot
from tests.qa_corpus import seeds_corpus

pytestmark = pytest.mark.browser

app_url = app_fixture(seeds_corpus)


def test_landing_page_is_the_overview_and_a_figure_asks_its_question(app_url):
    from playwright.sync_api import expect

    with open_page(app_url, "zh") as page:
        expect(page.get_by_role("heading", name="概览")).to_be_visible()
        expect(page.get_by_text("范围:全部报告 · 5份报告")).to_be_visible()
        # 越城区's 2021 report (seed 000, the seeds' only 2021 report), table 三: 本年新收 36 件.
        figure = page.get_by_role("link", name="36", exact=True)
        expect(figure).to_be_visible()
        # The figure is a link to the chat with its question in the address.
        href = urlsplit(figure.get_attribute("href") or "")
        assert href.path.endswith("chat")
        assert parse_qs(href.query)["q"] == ["2021年收到的政府信息公开申请数是多少"]
        screenshot(page, "browser_dashboard")
        figure.click()
        # The chat opens with the figure's question asked and answered with the same figure.
        expect(page.get_by_role("heading", name="问答")).to_be_visible()
        messages = page.get_by_test_id("stChatMessage")
        expect(messages.nth(0)).to_contain_text("2021年收到的政府信息公开申请数是多少")
        expect(messages.nth(1)).to_contain_text("36件", timeout=FIRST_ANSWER * 1000)
        expect(messages).to_have_count(2)
        screenshot(page, "browser_dashboard_chat")


def test_overview_in_english(app_url):
    from playwright.sync_api import expect

    with open_page(app_url, "en") as page:
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        expect(page.get_by_text("Scope: all reports · 5 reports")).to_be_visible()
        # 将乐县 2024 (seed 001), table 三: (予以公开 3 + 部分公开 0) / 总计 4 = 75.00%.
        expect(page.get_by_role("link", name="75.00%", exact=True)).to_be_visible()
        screenshot(page, "browser_dashboard_en")


def test_the_sidebar_scope_applies_to_the_overview_and_to_the_question_it_opens(app_url):
    from playwright.sync_api import expect

    with open_page(app_url, "zh") as page:
        expect(page.get_by_role("heading", name="概览")).to_be_visible()
        choose(page, page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="机关层级"),
               "乡镇级")
        # Two township reports among the seeds: 大涌镇 2022 (seed 004, 4 received) and 宝力根苏木 2023
        # (seed 003, none received).
        expect(page.get_by_text("范围:乡镇级 · 2份报告")).to_be_visible()
        run_finished(page)  # until then the previous run's copy of a link may still be on the page
        change = page.get_by_role("link", name="−4", exact=True)
        expect(change).to_be_visible()
        screenshot(page, "browser_dashboard_scoped")
        change.click()
        messages = page.get_by_test_id("stChatMessage")
        expect(messages.nth(0)).to_contain_text("2022年与2023年收到的政府信息公开申请数对比")
        expect(messages.nth(1)).to_contain_text("2023年比2022年减少4", timeout=FIRST_ANSWER * 1000)
        screenshot(page, "browser_dashboard_scoped_chat")
