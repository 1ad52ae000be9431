"""End to end in a real headless Chromium: start the app, ask, read the answer, open a source.

Uses Debian's ``chromium`` at /usr/bin/chromium driven by Playwright; no browser is ever
downloaded (never ``playwright install``).  Skipped only when Chromium is not installed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.qa_corpus import seeds_corpus
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
# Bounds on every wait, in seconds: each wait is for a condition and ends as soon as it holds;
# the bounds only say when to give up, generous enough for a machine at load average 10.
SERVER_START = 240
FIRST_ANSWER = 300
STEP = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {SERVER_START} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    data = seeds_corpus(tmp_path_factory)
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit-log") / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false",
               "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "GONGKAI_DATA": str(data)},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextmanager
def chinese_page(app_url: str) -> Iterator[Any]:
    """A page of a fresh headless Chromium, in Chinese, opened on the app."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install playwright (never `playwright install`)")
    # expect() has its own 5 s default, apart from the page's: on a busy machine the first
    # render alone can take longer, so every assertion waits (for its condition) up to STEP.
    expect.set_options(timeout=STEP * 1000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             timeout=STEP * 1000)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(STEP * 1000)
            page.goto(app_url, timeout=STEP * 1000)
            yield page
        finally:
            browser.close()


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
