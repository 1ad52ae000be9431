"""The English interface in a real headless Chromium: no Chinese left in its own words.

What is read: every piece of text the interface itself writes and a reader sees on the page:
page and section headings, the sidebar's navigation, widget labels, the values shown in choice
boxes, input placeholders, buttons, tabs, expander titles, metric labels, captions, alerts
(warnings, notes, successes) and the "how this was answered" table.

What is left out, and why: the report data these words carry, which is Chinese in the
reports themselves and must stay as written: agency names and the places of the region box
(read from the store), text “in quotation marks” (a report's own words, quoted), and the
language switch, whose label "语言 / Language" and option "中文" are bilingual on purpose so
that a reader of either language can find it.  Table grids are drawn on a canvas (no text
in the page) and passages of report text are report data, so neither is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import FIRST_ANSWER, app_fixture, open_page, run_finished, screenshot
from tests.qa_corpus import seeds_corpus
from index.tables import store as table_store

pytestmark = pytest.mark.browser

app_url = app_fixture(seeds_corpus)

HAN = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")
# The interface's own words: (what, CSS selector, read the placeholder attribute instead of the text).
INTERFACE_TEXT = (
    ("heading", "h1, h2, h3", False),
    ("navigation", "[data-testid='stSidebarNav'] a", False),
    ("label", "[data-testid='stWidgetLabel']", False),
    ("choice", "[data-baseweb='select']", False),
    ("placeholder", "input[placeholder], textarea[placeholder]", True),
    ("button", "button", False),
    ("tab", "[role='tab']", False),
    ("expander", "[data-testid='stExpander'] summary", False),
    ("metric", "[data-testid='stMetricLabel']", False),
    ("caption", "[data-testid='stCaptionContainer']", False),
    ("alert", "[data-testid='stAlert']", False),
    ("table", "[data-testid='stTable']", False),
)
# Bilingual on purpose: the language switch reads the same in both languages.
LANGUAGE_SWITCH = ("语言 / Language", "中文")


@pytest.fixture(scope="module")
def report_names(tmp_path_factory) -> list[str]:
    """Report data the page may carry: every agency name and every place name of the corpus."""
    data = seeds_corpus(tmp_path_factory)  # the corpus the app serves (built once per session)
    with table_store.reading(Path(data)) as con:
        rows = con.execute("SELECT agency, province, city, county, township FROM reports").fetchall()
    names = {v for row in rows for v in row if v}
    return sorted(names, key=len, reverse=True)


def chinese_left(text: str, names: list[str]) -> list[str]:
    """The Chinese of ``text`` once report data (quotations, agency and place names) is taken out."""
    text = QUOTED.sub("", text)
    for name in (*names, *LANGUAGE_SWITCH):
        text = text.replace(name, "")
    return HAN.findall(text)


def interface_text(page) -> Iterator[tuple[str, str]]:
    for what, selector, placeholder in INTERFACE_TEXT:
        for element in page.locator(selector).all():
            if not element.is_visible():
                continue
            text = element.get_attribute("placeholder") if placeholder else element.inner_text()
            if text:
                yield what, text


def assert_english(page, names: list[str], name: str) -> None:
    run_finished(page)
    screenshot(page, name)
    found = [(what, text) for what, text in interface_text(page) if chinese_left(text, names)]
    assert found == [], found


def test_chat_answer_with_a_warning_is_english(app_url, report_names):
    from playwright.sync_api import expect

    with open_page(app_url, "en", "/chat") as page:
        box = page.get_by_test_id("stChatInputTextArea")
        expect(box).to_be_visible()
        box.fill("How many lawsuits did Ankang have in 2019?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        # Seed 002 says "未發生…行政復議和訴訟案件" while its table 四 counts 3 lawsuits (直接起诉 3, 复议后 0).
        warning = answer.get_by_test_id("stAlert").filter(has_text="no lawsuit")
        expect(warning).to_be_visible(timeout=FIRST_ANSWER * 1000)
        expect(warning).to_contain_text("The text says there was no lawsuit, but the table gives 3 for lawsuits.")
        expect(warning).not_to_contain_text("narrative.")  # the rule id is for the audit view only
        # The audit view holds the rule id; "how this was answered" reads in words.
        answer.get_by_text("Audit details").click()
        answer.get_by_text("How this was answered").click()
        how = answer.get_by_test_id("stTabs").get_by_test_id("stTable")
        expect(how).to_contain_text("Kind of question")
        expect(how).to_contain_text("Answer language")
        expect(how).to_contain_text("English")
        expect(how).not_to_contain_text("intent:")
        expect(answer.get_by_role("tab", name="Technical details")).to_be_visible()
        assert_english(page, report_names, "plain-en-chat-answer")


@pytest.mark.parametrize("path, heading", [("/quality", "Data quality"), ("/reports", "Reports"),
                                           ("/upload", "Upload reports"), ("/chat", "Ask the reports")])
def test_pages_are_english(app_url, report_names, path, heading):
    from playwright.sync_api import expect

    with open_page(app_url, "en", path) as page:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Agency level", exact=True)).to_be_visible()
        if path == "/quality":
            table = page.get_by_test_id("stDataFrame").first
            expect(table).to_be_visible()
        if path == "/reports":
            expect(page.get_by_role("tab", name="Checks")).to_be_visible()
            page.get_by_role("tab", name="Checks").click()
        assert_english(page, report_names, f"plain-en-{path.strip('/')}")


def test_switching_to_english_relabels_the_scope_boxes(app_url, report_names):
    """Chosen in Chinese, then switched: the region and level boxes must not keep 全部."""
    from playwright.sync_api import expect

    with open_page(app_url, "zh", "/quality") as page:
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("机关层级", exact=True)).to_be_visible()
        sidebar.get_by_text("English", exact=True).click()
        expect(sidebar.get_by_text("Agency level", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Data quality")).to_be_visible()
        boxes = sidebar.locator("[data-baseweb='select']")
        expect(boxes.filter(has_text="全部")).to_have_count(0)
        assert_english(page, report_names, "plain-en-switched")


def test_upload_refusal_is_english(app_url, report_names, tmp_path):
    """A file that claims to be a PDF but is not one: refused, and said in English."""
    from playwright.sync_api import expect

    fake = tmp_path / "not-a-report.pdf"
    fake.write_bytes("这不是PDF".encode())
    with open_page(app_url, "en", "/upload") as page:
        expect(page.get_by_role("heading", name="Upload reports")).to_be_visible()
        page.locator("input[type='file']").set_input_files(str(fake))
        page.get_by_role("button", name="Ingest").click()
        expect(page.get_by_test_id("stAlert").filter(has_text="0 stored, 1 failed")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible()
        assert_english(page, report_names, "plain-en-upload-refused")
