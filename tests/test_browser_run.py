"""Uploading a real report and removing it again, in a real headless Chromium.

The app runs on a copy of the seeds corpus (store and passage index) that the test may change.
The report uploaded is a real published page (../shared/real/html/06.html) copied to a temporary
folder; counts are checked against SQL on the store.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.ui.i18n import t
from index.tables import store
from tests.browser_support import STEP, app_fixture, open_page, screenshot
from tests.conftest import REAL
from tests.qa_corpus import seeds_corpus

pytestmark = pytest.mark.browser

REPORT = REAL / "html" / "06.html"
CORPUS: dict[str, Path] = {}


def _writable_seeds(factory: pytest.TempPathFactory) -> Path:
    data = factory.mktemp("run-corpus") / "corpus"
    shutil.copytree(seeds_corpus(factory), data, symlinks=True)  # passages/current is a link
    CORPUS["data"] = data
    return data


app_url = app_fixture(_writable_seeds)


def _sql(query: str, params: list | None = None) -> list[tuple]:
    # Through the store's own reader: DuckDB refuses a second connection of another configuration.
    with store.reading(CORPUS["data"]) as con:
        return con.execute(query, params or []).fetchall()


def _click(page, button: str) -> None:
    """Click ``button`` once the page has finished its current run (Streamlit marks the app with
    its script state): a click sent while a long page is still being drawn was seen lost at load 12."""
    from playwright.sync_api import expect

    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1)
    page.get_by_role("button", name=button).click()


def _sidebar_reports(page):
    return (page.get_by_test_id("stSidebar").get_by_test_id("stMetric")
            .filter(has_text=t("sidebar.reports", "en")).get_by_test_id("stMetricValue"))


def _report_options(page) -> list[str]:
    """The labels the Reports page offers to pick from (its select box opened and closed)."""
    from playwright.sync_api import expect

    page.get_by_test_id("stMainBlockContainer").get_by_test_id("stSelectbox").first.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    page.keyboard.press("Escape")
    return labels


def test_upload_a_real_report_see_it_then_remove_it(app_url, tmp_path):
    from playwright.sync_api import expect

    (before,), = _sql("SELECT count(*) FROM reports")
    upload = tmp_path / "annual-report-06.html"
    shutil.copyfile(REPORT, upload)
    with open_page(app_url, "en", "/upload") as page:
        expect(page.get_by_role("heading", name=t("upload.title", "en"))).to_be_visible()
        expect(_sidebar_reports(page)).to_have_text(str(before))
        expect(page.get_by_text(t("remove.uploaded_none", "en")).first).to_be_visible()
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name=t("upload.go", "en")).click()
        expect(page.get_by_text(t("upload.done", "en", ok=1, bad=0)).first).to_be_visible(timeout=STEP * 3000)

        # The store has the report now; the sidebar counts it and the page lists it as uploaded.
        rows = _sql("SELECT r.report_id, r.agency, r.year FROM reports r JOIN sources s USING (report_id) "
                    "WHERE s.source_path LIKE ?", ["%/uploads/annual-report-06.html"])
        assert len(rows) == 1, rows
        report_id, agency, year = rows[0]
        expect(_sidebar_reports(page)).to_have_text(str(before + 1))
        uploaded = page.get_by_role("combobox", name=t("remove.pick", "en"))
        expect(uploaded).to_have_value(f"{agency} · {year} · annual-report-06.html")
        screenshot(page, "browser_run_uploaded")

        # Removing asks first; cancelling keeps the report.
        _click(page, t("remove.button", "en"))
        expect(page.get_by_text(f"Remove “{agency} · {year} · annual-report-06.html”?").first).to_be_visible()
        screenshot(page, "browser_run_confirm")
        _click(page, t("remove.cancel", "en"))
        expect(page.get_by_role("button", name=t("remove.button", "en"))).to_be_visible()
        assert _sql("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]) == [(1,)]

        _click(page, t("remove.button", "en"))
        _click(page, t("remove.yes", "en"))
        expect(page.get_by_text(f"Removed “{agency} · {year} · annual-report-06.html”.").first).to_be_visible(
            timeout=STEP * 3000)
        expect(_sidebar_reports(page)).to_have_text(str(before))
        expect(page.get_by_text(t("remove.uploaded_none", "en")).first).to_be_visible()
        screenshot(page, "browser_run_removed")
    assert _sql("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]) == [(0,)]
    assert _sql("SELECT count(*) FROM reports") == [(before,)]
    assert not (CORPUS["data"] / "uploads" / "annual-report-06.html").exists()

    # The Reports page no longer offers it.
    with open_page(app_url, "en", "/reports") as page:
        expect(page.get_by_role("heading", name=t("reports.title", "en"))).to_be_visible()
        labels = _report_options(page)
        assert len(labels) == before and not any(agency in label and str(year) in label for label in labels)


def test_remove_any_report_from_the_reports_page(app_url):
    from playwright.sync_api import expect

    # 中山市大涌镇's 2022 report (seed 004): removed from the Reports page, where any report can be.
    (before,), = _sql("SELECT count(*) FROM reports")
    (report_id, source), = _sql("SELECT report_id, source FROM reports WHERE agency = '中山市大涌镇'")
    with open_page(app_url, "zh", f"/reports?report={report_id}") as page:
        expect(page.get_by_role("combobox", name=t("reports.pick", "zh"))).to_have_value(f"中山市大涌镇 · 2022 · {source}")
        _click(page, t("remove.button", "zh"))
        expect(page.get_by_text(f"确定删除“中山市大涌镇 · 2022 · {source}”吗?").first).to_be_visible()
        _click(page, t("remove.yes", "zh"))
        expect(page.get_by_text(f"已删除“中山市大涌镇 · 2022 · {source}”。").first).to_be_visible(timeout=STEP * 3000)
        # The seed file is the user's own: it stays, and the page says so.
        expect(page.get_by_text("仍在原处").first).to_be_visible()
        expect(page.get_by_test_id("stSidebar").get_by_test_id("stMetric").filter(has_text=t("sidebar.reports", "zh"))
               .get_by_test_id("stMetricValue")).to_have_text(str(before - 1))
        screenshot(page, "browser_run_removed_from_reports")
        labels = _report_options(page)
        assert len(labels) == before - 1 and not any("中山市大涌镇" in label for label in labels)
    assert _sql("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]) == [(0,)]


def test_while_the_demo_is_prepared_the_page_says_so_then_shows_the_corpus_by_itself(tmp_path_factory):
    from playwright.sync_api import expect

    from gongkai.ui.preparing import MARKER
    from tests.browser_support import CHROMIUM, serve

    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    data = tmp_path_factory.mktemp("run-preparing") / "corpus"
    data.mkdir()
    # What `gongkai app` does on a first run: the folder is marked by a live process, no store yet.
    builder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        (data / MARKER).write_text(str(builder.pid), "ascii")
        with serve(data, tmp_path_factory) as url, open_page(url, "en") as page:
            expect(page.get_by_text(t("app.preparing", "en")).first).to_be_visible()
            expect(page.get_by_text(t("sidebar.no_corpus", "en"))).to_have_count(0)
            screenshot(page, "browser_run_preparing")
            # The build ends: the corpus is there and the builder's mark is gone.
            built = seeds_corpus(tmp_path_factory)
            for part in built.iterdir():
                target = data / part.name
                (shutil.copytree(part, target, symlinks=True) if part.is_dir() else shutil.copyfile(part, target))
            (data / MARKER).unlink()
            # The open page shows the corpus without being reloaded.
            with store.reading(data) as con:
                (reports,), = con.execute("SELECT count(*) FROM reports").fetchall()
            expect(_sidebar_reports(page)).to_have_text(str(reports))
            expect(page.get_by_text(t("app.preparing", "en"))).to_have_count(0)
            screenshot(page, "browser_run_prepared")
    finally:
        builder.kill()
        builder.wait()
