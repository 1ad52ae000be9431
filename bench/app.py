"""How fast the app answers in a real browser: first answer after the page opens, then later ones.

    python bench/app.py --data DIR [--questions 6] [--server gongkai|streamlit] [--open-when listening|loaded]

Starts the app's server on DIR (a corpus with its passage index) the way ``gongkai app`` does
(``--server gongkai``: ``python -m gongkai.ui.serve run app.py``, which loads the model and the
indexes as the server starts) or as plain ``streamlit run app.py`` (``--server streamlit``: they
load on the first page), drives Debian's headless Chromium with Playwright (never downloads a
browser) and prints, in seconds, with the load average: server start (the port answers), the
end of the server's own loading (gongkai only), page ready, first answer counted from opening
the page, and each later answer from pressing Enter to the answer on screen.  The page opens
as soon as the port answers (``--open-when listening``, the worst case) or once the server
says it has loaded (``--open-when loaded``, a reader who opens the printed address then).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTIONS = ["2021年哪些机关有行政诉讼？", "各年收到的政府信息公开申请总数变化趋势", "哪些报告的勾稽关系不平衡？",
             "关于政策解读有哪些改进措施？", "收到申请最多的前五个机关", "各年行政复议总数"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the app did not start within {timeout:.0f} s")


def wait_loaded(log: Path, proc: subprocess.Popen, timeout: float = 600) -> None:
    """Until the server's log says it has loaded the model and the indexes (gongkai.ui.serve)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if "the model and the indexes are loaded" in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise SystemExit(f"the server did not say it had loaded within {timeout:.0f} s; see {log}")


def ask(page, question: str, n: int, timeout_ms: int) -> float:
    """Seconds from Enter to the n-th answer on screen."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.get_by_test_id("stChatMessage").nth(2 * n + 1).get_by_text("如何得出这个答案").wait_for(timeout=timeout_ms)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=os.environ.get("GONGKAI_DATA"), required=False)
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    parser.add_argument("--server", choices=("gongkai", "streamlit"), default="gongkai")
    parser.add_argument("--open-when", choices=("listening", "loaded"), default="listening")
    args = parser.parse_args()
    if not args.data:
        raise SystemExit("give --data DIR (a corpus built by `gongkai ingest`) or set GONGKAI_DATA")
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / "gongkai-bench-app.log"
    runner = ["gongkai.ui.serve"] if args.server == "gongkai" else ["streamlit"]
    print(f"load average        {' '.join(f'{x:.2f}' for x in os.getloadavg())} (before)")
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *runner, "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env={**os.environ, "GONGKAI_DATA": str(Path(args.data).resolve()), "PYTHONPATH": str(ROOT)},
            stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url)
        print(f"server start        {time.perf_counter() - started:6.2f} s (the port answers)")
        if args.server == "gongkai" and args.open_when == "loaded":
            wait_loaded(log, proc)
            print(f"server loaded       {time.perf_counter() - started:6.2f} s (model, indexes, vocabulary)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(locale="zh-CN")
            opened = time.perf_counter()
            page.goto(f"{url}/chat")  # the landing page is the overview
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)
            print(f"page ready          {time.perf_counter() - opened:6.2f} s")
            questions = (QUESTIONS * 3)[:args.questions]
            ask(page, questions[0], 0, 180_000)
            print(f"first answer        {time.perf_counter() - opened:6.2f} s after the page opened "
                  f"({questions[0]})")
            later = []
            for n, question in enumerate(questions[1:], start=1):
                seconds = ask(page, question, n, 60_000)
                later.append(seconds)
                print(f"answer {n + 1:2d}           {seconds:6.2f} s  ({question})")
            if later:
                print(f"later answers       median {statistics.median(later):.2f} s, max {max(later):.2f} s "
                      "(Enter to answer on screen, page rerun included)")
            browser.close()
        print(f"load average        {' '.join(f'{x:.2f}' for x in os.getloadavg())} (after)")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
