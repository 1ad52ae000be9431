"""Charts in a real headless Chromium: bars by value with every name in full, lawsuits stacked,
one agency's figures across years as small charts.

Charts are drawn as SVG (``usermeta.embedOptions.renderer``), so their axis labels and value
labels are read as text from the page.  Expected orders come from SQL on the store.
"""

from __future__ import annotations

import pytest

from gongkai.ui.charts import value_text
from tests.browser_support import ARTIFACTS, FIRST_ANSWER, app_fixture, open_page, screenshot
from tests.charts_corpus import charts_corpus, sql

pytestmark = pytest.mark.browser

app_url = app_fixture(charts_corpus)

RECEIVED = "applications__new_received__total"
# Every text of the charts on the page with its vertical position and whether Vega cut it.
_TEXTS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart] svg text')].map(t => ({
    text: t.textContent, y: t.getBoundingClientRect().y, axis: !!t.closest('.role-axis-label'),
    legend: !!t.closest('.role-legend-label')}))"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return charts_corpus(tmp_path_factory)


def _ask(page, question: str):
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    chart = answer.get_by_test_id("stVegaLiteChart")
    expect(chart.locator("svg .role-axis-label text").first).to_be_visible(timeout=FIRST_ANSWER * 1000)
    chart.scroll_into_view_if_needed()
    return chart


def test_bars_run_by_value_with_every_name_in_full(app_url, data):
    expected = dict(sql(data, f"SELECT agency, {RECEIVED} FROM metrics WHERE year = 2025 AND {RECEIVED} > 0"))
    longest = max(expected, key=len)
    with open_page(app_url, "zh", "/chat") as page:
        chart = _ask(page, "2025年收到申请超过0件的机关")
        texts = page.evaluate(_TEXTS)
        screenshot(page, "charts_bars_by_value")
        chart.screenshot(path=str(ARTIFACTS / "charts_bars_by_value_chart.png"))
    names = [t for t in sorted(texts, key=lambda t: t["y"]) if t["axis"] and t["text"] in expected]
    # One bar per agency, top to bottom from the largest figure down (as the store has them).
    assert sorted(t["text"] for t in names) == sorted(expected)
    assert [expected[t["text"]] for t in names] == sorted(expected.values(), reverse=True)
    # Every name written in full: none cut with an ellipsis, the longest among them.
    assert longest in [t["text"] for t in names]
    assert not [t for t in texts if t["text"].endswith("…")]
    # Each bar carries its value.
    labels = [t["text"] for t in texts if not t["axis"] and not t["legend"]]
    assert sorted(labels) == sorted(value_text(v) for v in expected.values())


def test_lawsuits_are_stacked_by_kind(app_url, data):
    rows = sql(data, "SELECT agency, review_litigation__litigation_direct__total, "
                     "review_litigation__litigation_after_review__total FROM metrics WHERE year = 2025 "
                     "AND review_litigation__litigation_direct__total + review_litigation__litigation_after_review__total > 0")
    assert rows
    with open_page(app_url, "zh", "/chat") as page:
        chart = _ask(page, "2025年哪些机关有行政诉讼")
        texts = page.evaluate(_TEXTS)
        # Two colours of bars, one per kind of lawsuit.
        fills = page.evaluate("() => [...new Set([...document.querySelectorAll("
                              "'[data-testid=stVegaLiteChart] svg .mark-rect path')].map(p => p.getAttribute('fill')))]")
        screenshot(page, "charts_lawsuits")
        chart.screenshot(path=str(ARTIFACTS / "charts_lawsuits_chart.png"))
    legend = [t["text"] for t in texts if t["legend"]]
    assert legend == ["行政诉讼·未经复议直接起诉·总计", "行政诉讼·复议后起诉·总计"]
    assert len(fills) == 2
    totals = [t["text"] for t in texts if not t["axis"] and not t["legend"]]
    assert sorted(totals) == sorted(value_text(direct + after) for _, direct, after in rows)


def test_an_agency_across_years_as_small_charts(app_url, data):
    from playwright.sync_api import expect

    report_id, agency = sql(data, f"SELECT report_id, agency FROM metrics WHERE year = 2025 "
                                  f"ORDER BY {RECEIVED} DESC NULLS LAST, report_id LIMIT 1")[0]
    years = [str(y) for (y,) in sql(data, "SELECT DISTINCT year FROM reports WHERE agency = ? ORDER BY year", [agency])]
    with open_page(app_url, "zh", f"/reports?report={report_id}") as page:
        page.get_by_role("tab", name="历年对比").click()
        chart = page.get_by_test_id("stVegaLiteChart")
        expect(chart.locator("svg .role-title-text text").first).to_be_visible()
        chart.scroll_into_view_if_needed()
        texts = page.evaluate(_TEXTS)
        titles = page.evaluate("() => [...document.querySelectorAll("
                               "'[data-testid=stVegaLiteChart] svg .role-title-text text')].map(t => t.textContent)")
        screenshot(page, "charts_years")
        chart.screenshot(path=str(ARTIFACTS / "charts_years_chart.png"))
    # One small chart per figure (lawsuits: one stacked chart), each over the agency's years.
    assert "本年新收政府信息公开申请数量·总计" in titles and "行政诉讼·总计" in titles
    assert "行政诉讼·未经复议直接起诉·总计" not in titles
    axis = [t["text"] for t in texts if t["axis"]]
    assert axis.count(years[0]) == len(titles) and axis.count(years[-1]) == len(titles)
    assert not [t for t in texts if t["text"] in ("None", "nan", "NaN")]
