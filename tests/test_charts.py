"""Chart specs (gongkai/ui/charts.py, qa/chart_parts.py) on real answers and real reports, no browser.

Expected orders and values are read with SQL from the stores, never from the answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gongkai.ui.answer_view import table_frame
from gongkai.ui.charts import (ABSENT, MAX_BARS, answer_chart, chart_data, label_limit, label_width, table_style,
                               value_text, year_list, years_chart, years_panels)
from index.tables.browse import agency_figures
from qa import ask
from tests.charts_corpus import charts_corpus, sql
from tests.conftest import open_corpus
from index.tables import store as table_store

RECEIVED = "applications__new_received__total"
DIRECT = "review_litigation__litigation_direct__total"
AFTER_REVIEW = "review_litigation__litigation_after_review__total"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return charts_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def corpus(data):
    yield from open_corpus(data)


def _spec_axis(chart) -> dict:
    spec = chart.to_dict()
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    return bars["encoding"]["y"]


def test_bars_run_by_value_largest_first_with_every_name_in_full(data, corpus):
    answer = ask("2025年收到申请超过0件的机关", None, corpus)
    found = chart_data(answer.chart, table_frame(answer.table))
    expected = sql(data, f"SELECT agency, {RECEIVED} FROM metrics WHERE year = 2025 AND {RECEIVED} > 0",
                   con=corpus.connection())
    assert len(expected) >= 15 and found is not None and found.kind == "bar"
    # The table lists the agencies by name; the chart by value, largest on top.
    values = dict(expected)
    assert sorted(found.categories) == sorted(values)
    assert [values[c] for c in found.categories] == sorted(values.values(), reverse=True)
    assert found.data["label"].tolist() == [value_text(values[c]) for c in found.categories]
    # The axis leaves room for the longest name, and the chart grows with the bars.
    longest = max(values, key=label_width)
    axis = _spec_axis(answer_chart(answer.chart, table_frame(answer.table)))
    assert axis["axis"]["labelLimit"] >= label_width(longest) > 12 * len(longest)
    assert axis["sort"] == found.categories
    assert answer_chart(answer.chart, table_frame(answer.table)).to_dict()["height"] == {"step": 24}


def test_lawsuits_are_stacked_by_kind(data, corpus):
    answer = ask("2025年哪些机关有行政诉讼", None, corpus)
    found = chart_data(answer.chart, table_frame(answer.table))
    expected = {agency: (direct, after) for agency, direct, after in sql(
        data, f"SELECT agency, {DIRECT}, {AFTER_REVIEW} FROM metrics WHERE year = 2025 AND {DIRECT} + {AFTER_REVIEW} > 0",
        con=corpus.connection())}
    assert expected and found is not None and found.stacked
    assert found.series == ["行政诉讼·未经复议直接起诉·总计", "行政诉讼·复议后起诉·总计"]
    for category in found.categories:
        rows = found.data[found.data["category"] == category]
        assert tuple(rows["value"]) == expected[category]
        assert set(rows["label"]) == {value_text(sum(expected[category]))}
    totals = [sum(expected[c]) for c in found.categories]
    assert totals == sorted(totals, reverse=True)
    assert answer_chart(answer.chart, table_frame(answer.table)).to_dict()["layer"][0]["encoding"]["x"]["stack"] == "zero"


def test_lawsuits_summed_by_year_are_stacked_columns(data, corpus):
    """Litigation summed by year: each year's two kinds, summed over the same reports by their own query."""
    answer = ask("各年行政诉讼合计", None, corpus)
    found = chart_data(answer.chart, table_frame(answer.table))
    expected = sql(data, f"SELECT year, sum({DIRECT}), sum({AFTER_REVIEW}) FROM metrics WHERE {DIRECT} IS NOT NULL "
                         f"AND {AFTER_REVIEW} IS NOT NULL GROUP BY year ORDER BY year", con=corpus.connection())
    assert found is not None and found.kind == "columns" and found.stacked
    assert found.categories == [str(year) for year, *_ in expected]
    for year, direct, after in expected:
        rows = found.data[found.data["category"] == str(year)]
        assert tuple(rows["value"]) == (direct, after)
        assert set(rows["label"]) == {value_text(direct + after)}
    # The parts' query is one of the answer's queries, shown with its SQL.
    assert [q["purpose"] for q in answer.queries][-1] == "chart_parts"


def test_a_sum_without_its_parts_is_not_stacked():
    frame = pd.DataFrame({"年份": ["2024", "2025"], "行政诉讼·总计合计": [4, 5]})
    spec = {"type": "line", "x": "年份", "y": "行政诉讼·总计合计",
            "parts": {"行政诉讼·总计合计": [{"name": "直接", "values": [1, 2]}]}}
    found = chart_data(spec, frame)
    assert found.kind == "line" and not found.stacked


def test_years_run_in_order_not_by_value():
    frame = pd.DataFrame({"年份": ["2023", "2021", "2022"], "行政诉讼·总计": [1, 9, None]})
    found = chart_data({"type": "bar", "x": "年份", "y": "行政诉讼·总计"}, frame)
    assert found.categories == ["2021", "2022", "2023"]
    assert found.data["label"].tolist() == ["9", ABSENT, "1"]


def test_absent_values_are_a_dash_last_never_none():
    frame = pd.DataFrame({"机关": ["甲", "乙", "丙"], "年份": ["2024"] * 3, "收到申请": [3, None, 1751]})
    found = chart_data({"type": "bar", "x": "机关", "y": "收到申请"}, frame)
    assert found.categories == ["丙", "甲", "乙"]
    assert found.data["label"].tolist() == ["1,751", "3", ABSENT]
    html = table_style(frame).to_html()
    assert ABSENT in html and "None" not in html and "nan" not in html


def test_a_chart_draws_at_most_max_bars():
    frame = pd.DataFrame({"机关": [f"机关{i}" for i in range(MAX_BARS + 5)], "收到申请": range(MAX_BARS + 5)})
    found = chart_data({"type": "bar", "x": "机关", "y": "收到申请"}, frame)
    assert (found.shown, found.total) == (MAX_BARS, MAX_BARS + 5)
    assert found.categories[0] == f"机关{MAX_BARS + 4}"


def test_label_width_counts_wide_characters_as_a_full_em():
    assert label_width("平潭综合实验区", 12) >= 7 * 12
    assert label_width("Pingtan", 12) < label_width("平潭综合实验", 12)
    assert label_limit(["a", "平潭综合实验区"]) >= label_width("平潭综合实验区")


def test_years_view_has_one_panel_per_figure_and_lawsuits_stacked(real_store):
    """平潭综合实验区 across its reports: 行政许可 in the thousands gets its own axis."""
    with table_store.reading(real_store) as con:
        figures = agency_figures(con, "平潭综合实验区", "zh")
        rows = con.execute(f"SELECT year, {DIRECT}, {AFTER_REVIEW} FROM metrics WHERE agency = '平潭综合实验区' "
                           f"AND {DIRECT} IS NOT NULL ORDER BY year").fetchall()
    years, panels = years_panels(figures, "zh")
    # Years whose reports give none of the figures are left out of the charts.
    assert years == [str(year) for year, *_ in rows]
    titles = [p.title for p in panels]
    assert "行政许可·处理决定数量" in titles and "行政诉讼·总计" in titles
    lawsuits = panels[titles.index("行政诉讼·总计")]
    assert lawsuits.stacked
    assert lawsuits.values["行政诉讼·未经复议直接起诉·总计"] == [direct for _, direct, _ in rows]
    assert lawsuits.values["行政诉讼·复议后起诉·总计"] == [after for _, _, after in rows]
    assert lawsuits.totals() == [direct + after for _, direct, after in rows]
    # Each figure is its own small chart with its own vertical scale.
    spec = years_chart(figures, "zh").to_dict()
    assert len(spec["concat"]) == len(panels) and spec["resolve"]["scale"]["y"] == "independent"
    written = json.dumps(spec, ensure_ascii=False)
    assert "None" not in written and "NaN" not in written and "nan" not in written
    html = table_style(figures).to_html()
    assert ABSENT in html and "nan" not in html


def test_year_list_writes_runs_short():
    assert year_list(["2011", "2012", "2013", "2015", "2017", "2018"], "zh") == "2011–2013、2015、2017、2018"
    assert year_list(["2011", "2012"], "en") == "2011, 2012"
