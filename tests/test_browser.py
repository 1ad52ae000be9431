"""End to end in a real headless Chromium: start the app, ask, read the answer, open a source.

The plumbing (server, browser, screenshots) is in :mod:`tests.browser_support`.
"""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, FIRST_ANSWER, app_fixture, chinese_page
from tests.qa_corpus import seeds_corpus

pytestmark = pytest.mark.browser

app_url = app_fixture(seeds_corpus)


def test_ask_in_a_real_browser(app_url):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    with chinese_page(app_url) as page:
        # The interface follows the browser's language.
        expect(page.get_by_role("heading", name="问答")).to_be_visible()
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("2021年哪些机关有行政诉讼？")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer).to_contain_text("越城区", timeout=FIRST_ANSWER * 1000)
        # Open the source of the figure: the report's cells and a link to the whole report.
        source = answer.get_by_test_id("stExpander").filter(has_text="绍兴市越城区人民政府办公室").first
        source.locator("summary").click()
        expect(source).to_contain_text("行政诉讼·未经复议直接起诉·总计")
        link = source.get_by_role("link", name="查看整份报告")
        expect(link).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "browser_chat.png"), full_page=True)
        # The link opens the report itself, drawn as the official tables.
        link.click()
        expect(page.get_by_role("heading", name="绍兴市越城区人民政府办公室 · 2021年")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_visible()
        page.wait_for_function(  # the grid has painted its canvas
            "() => [...document.querySelectorAll('[data-testid=stDataFrame] canvas')]"
            ".some(c => c.width > 0 && c.height > 0)")
        page.screenshot(path=str(ARTIFACTS / "browser_report.png"))
    assert (ARTIFACTS / "browser_chat.png").stat().st_size > 10_000


def test_two_questions_back_to_back_both_stay(app_url):
    """The second question is sent while the first answer is still being worked out: both turns stay.

    (The turn used to be stored only after its whole answer was drawn; the rerun the second
    question starts interrupted the drawing, and the first question and answer vanished.)"""
    from playwright.sync_api import expect

    with chinese_page(app_url) as page:
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("越城区2021年收到多少申请？")
        box.press("Enter")
        messages = page.get_by_test_id("stChatMessage")
        # As soon as the first answer is on its way (its message is there), ask the next question.
        expect(messages.nth(1)).to_be_visible(timeout=FIRST_ANSWER * 1000)
        box.fill("将乐县2024年收到多少申请？")
        box.press("Enter")
        expect(messages).to_have_count(4, timeout=FIRST_ANSWER * 1000)
        expect(messages.nth(0)).to_contain_text("越城区2021年收到多少申请")
        expect(messages.nth(1)).to_contain_text("36")
        expect(messages.nth(2)).to_contain_text("将乐县2024年收到多少申请")
        expect(messages.nth(3)).to_contain_text("将乐县")
