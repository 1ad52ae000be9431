"""The data-quality page's copied text in a real headless Chromium: the most copied section first,
and a picked pair side by side with the shared text marked (``tests.copies_corpus``: 将乐县 2024
has 越城区 2021's section 一; 大涌镇 2022 has two paragraphs of 安康高新区 2019's)."""

from __future__ import annotations

import pytest

from tests.browser_support import app_fixture, choose, open_page, screenshot
from tests.copies_corpus import COPIED_PART, OWN_PART, copied_seeds_corpus

pytestmark = pytest.mark.browser

app_url = app_fixture(copied_seeds_corpus)


def test_side_by_side_marks_the_copied_text(app_url):
    from playwright.sync_api import expect

    with open_page(app_url, "zh", "/quality") as page:
        page.get_by_role("tab", name="雷同文字(2)").click()
        # The most copied pair is shown first: the whole section 一 of 将乐县, beside 越城区's.
        expect(page.get_by_role("heading", name="将乐县人民政府办公室2024年报告")).to_be_visible()
        expect(page.get_by_role("heading", name="绍兴市越城区人民政府办公室2021年报告")).to_be_visible()
        expect(page.get_by_text("有100%的文字")).to_be_visible()
        # The whole section is one marked stretch on each side.
        marks = page.locator("mark")
        expect(marks).to_have_count(2)
        screenshot(page, "browser_copied_whole")
        # Pick the partial copy: 大涌镇's two borrowed paragraphs are marked, its own are not.
        picker = page.get_by_role("combobox", name="选择一处雷同,对照两份报告")
        expect(picker).to_have_value("将乐县人民政府办公室 2024 · 第一部分 · 100% ← 绍兴市越城区人民政府办公室 2021")
        choose(page, picker, "中山市大涌镇 2022")
        expect(page.get_by_role("heading", name="中山市大涌镇2022年报告")).to_be_visible()
        expect(page.get_by_role("heading", name="安康高新区2019年报告")).to_be_visible()
        borrowed = COPIED_PART[0].strip()[10:30]
        expect(marks.filter(has_text=borrowed).first).to_be_visible()
        own = OWN_PART[1].strip()[10:30]
        expect(page.get_by_text(own)).to_be_visible()
        assert marks.filter(has_text=own).count() == 0
        screenshot(page, "browser_copied_partial")


def test_copied_text_in_english(app_url):
    from playwright.sync_api import expect

    with open_page(app_url, "en", "/quality") as page:
        page.get_by_role("tab", name="Copied text (2)").click()
        expect(page.get_by_text("100% of section 1 (Overview)")).to_be_visible()
        expect(page.get_by_role("heading", name="将乐县人民政府办公室, 2024 report")).to_be_visible()
        expect(page.locator("mark").first).to_be_visible()
        screenshot(page, "browser_copied_en")
