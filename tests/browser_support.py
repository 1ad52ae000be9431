"""Plumbing shared by the real-browser tests: start the app on a corpus, open it in headless Chromium.

Uses Debian's ``chromium`` at /usr/bin/chromium driven by Playwright; no browser is ever
downloaded (never ``playwright install``).  A browser test module gets a running app with
``app_url = app_fixture(seeds_corpus)`` (module scope, one server per test file) and a page
with ``with open_page(app_url, "en") as page: ...``.  Every wait is on a condition; the
bounds below only say when to give up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

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


def app_fixture(corpus: Callable[[Any], Path], env: dict[str, str] | None = None) -> Any:
    """A module-scoped fixture: the app served on ``corpus(tmp_path_factory)``; yields its URL."""

    @pytest.fixture(scope="module")
    def app_url(tmp_path_factory) -> Iterator[str]:
        if not CHROMIUM.exists():
            pytest.skip("Chromium not installed: apt-get install chromium")
        with serve(corpus(tmp_path_factory), tmp_path_factory, env) as url:
            yield url

    return app_url


@contextmanager
def serve(data: Path, tmp_path_factory: Any, env: dict[str, str] | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on ``data`` at a free port until the block ends; yields its URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit-log") / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false",
               "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "GONGKAI_DATA": str(data), **(env or {})},
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


LOCALES = {"zh": "zh-CN", "en": "en-US"}


@contextmanager
def open_page(app_url: str, lang: str = "zh", path: str = "") -> Iterator[Any]:
    """A page of a fresh headless Chromium whose browser language is ``lang``, opened on the app."""
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
            page = browser.new_page(locale=LOCALES[lang], viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(STEP * 1000)
            page.goto(app_url + path, timeout=STEP * 1000)
            yield page
        finally:
            browser.close()


# The chat's address: the landing page ("/") is the overview when the corpus has reports.
CHAT_PATH = "/chat"


def chinese_page(app_url: str, path: str = CHAT_PATH) -> Any:
    """A page in Chinese opened on the chat (or on ``path``; "" for the landing page, the overview)."""
    return open_page(app_url, "zh", path)


def run_finished(page: Any) -> None:
    """Wait until the app's script run is over: until then elements of the previous run (in the
    language before a switch, say) may still be on the page."""
    from playwright.sync_api import expect

    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1)


def choose(page: Any, box: Any, option: str, attempts: int = 3) -> None:
    """Open the select box ``box`` and pick ``option``, once the app's script run is over.

    A rerun that ends while the list is open draws the widget again and closes the list (seen
    once in CI: the option never appeared): the list is opened again, up to ``attempts`` times.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        run_finished(page)
        box.click()
        wanted = page.get_by_role("option", name=option)
        try:
            wanted.wait_for(state="visible", timeout=20_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        wanted.click()
        return


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts (kept for review, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
