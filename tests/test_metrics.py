"""The metric catalogue: built from the template, evaluated on the seeds, found by name."""

from __future__ import annotations

import duckdb
import pytest

from index.tables import store
from index.tables.metrics import UnknownMetric, catalogue, find_metric, find_metric_spans, get, metric_names
from parsing.template import TEMPLATES, all_cells


@pytest.fixture(scope="module")
def seeds_metrics(seed_reports):
    """The seeds' rows of the ``metrics`` table, as index.tables.store writes them, in memory."""
    con = duckdb.connect()
    stored = [store.StoredReport(r, r.to_json(), r.source, r.id, "text", r.id) for r in seed_reports.values()]
    con.register("seed_metrics", store.report_tables(stored)["metrics"])
    con.execute("CREATE TABLE metrics AS SELECT * FROM seed_metrics")
    yield con
    con.close()


def test_every_template_cell_is_a_metric_of_its_templates():
    metrics = catalogue()
    for template in TEMPLATES:
        for table, row, column in all_cells(template):
            metric = metrics[f"{table}.{row}.{column}"]
            assert template in metric.templates
            assert metric.zh and metric.en


def test_metric_sql_reads_only_store_columns():
    for metric in catalogue().values():
        assert set(metric.columns) <= set(store.METRICS), metric.key
        for column in metric.columns:
            assert column in metric.sql


def test_cell_metrics_read_the_seed_cells(seed_reports, seeds_metrics):
    """Each cell metric's SQL gives the parsed cell, and NULL (not 0) where the report lacks it."""
    cell_metrics = [m for m in catalogue().values() if m.kind == "cell"]
    select = ", ".join(m.sql for m in cell_metrics)
    for report in seed_reports.values():
        row = seeds_metrics.execute(f"SELECT {select} FROM metrics WHERE report_id = ?", [report.id]).fetchone()
        for metric, value in zip(cell_metrics, row):
            assert value == report.cell(*metric.cells[0]), (report.source, metric.key)


def test_derived_sums_add_their_parts_on_the_seeds(seed_reports, seeds_metrics):
    derived = [m for m in catalogue().values() if m.kind == "sum"]
    assert {"review_litigation.litigation.total", "applications.denied.total", "applications.unavailable.total",
            "applications.not_processed.total", "applications.other.total"} <= {m.key for m in derived}
    select = ", ".join(m.sql for m in derived)
    for report in seed_reports.values():
        row = seeds_metrics.execute(f"SELECT {select} FROM metrics WHERE report_id = ?", [report.id]).fetchone()
        for metric, value in zip(derived, row):
            parts = [report.cell(*c) for c in metric.cells if c in all_cells(report.template)]
            expected = None if not parts or any(p is None for p in parts) else sum(parts)
            assert value == expected, (report.source, metric.key)


def test_litigation_total_of_the_2021_seed_is_direct_plus_after_review(seed_reports, seeds_metrics):
    litigation = get("review_litigation.litigation.total")
    rows = dict(seeds_metrics.execute(f"SELECT agency, {litigation.sql} FROM metrics WHERE year = 2021").fetchall())
    assert rows == {"绍兴市越城区人民政府办公室": 3.0}


def test_share_granted_on_the_seeds(seed_reports, seeds_metrics):
    share = get("applications.granted_share.total")
    assert share.unit == "%"
    for report in seed_reports.values():
        value = seeds_metrics.execute(f"SELECT {share.sql} FROM metrics WHERE report_id = ?", [report.id]).fetchone()[0]
        processed = report.cell("applications", "total_processed", "total")
        granted = report.cell("applications", "granted", "total") + report.cell("applications", "partially_granted",
                                                                              "total")
        assert value == (None if not processed else pytest.approx(100.0 * granted / processed))


@pytest.mark.parametrize("key, templates, counterparts", [
    ("active_disclosure.normative_documents.issued", ("2021",), {"active_disclosure.normative_documents.new_made"}),
    ("active_disclosure.normative_documents.new_made", ("2019",), {"active_disclosure.normative_documents.issued"}),
    ("active_disclosure.fees.amount_wan", ("2021",), {"active_disclosure.fees.previous",
                                                      "active_disclosure.fees.change"}),
    ("active_disclosure.fees.previous", ("2019",), {"active_disclosure.fees.amount_wan"}),
    ("active_disclosure.penalty.decisions", ("2021", "2019"), set()),
    ("active_disclosure.licensing.decisions", ("2021", "2019"), set()),
    ("applications.other.total", ("2021", "2019"), set()),
])
def test_template_dependence(key, templates, counterparts):
    metric = get(key)
    assert metric.templates == templates
    assert metric.comparable_with == templates
    assert counterparts <= set(metric.counterparts)
    if not counterparts:
        assert metric.counterparts == ()


def test_units_come_from_the_template():
    assert get("active_disclosure.fees.amount_wan").unit == "万元"
    assert get("active_disclosure.fees.previous").unit == "件"


@pytest.mark.parametrize("text, expected", [
    ("2021年越城区行政诉讼多少件", "review_litigation.litigation.total"),
    ("打官司的有几起", "review_litigation.litigation.total"),
    ("lawsuits in 2021", "review_litigation.litigation.total"),
    ("复议后起诉的行政诉讼", "review_litigation.litigation_after_review.total"),
    ("未经复议直接起诉", "review_litigation.litigation_direct.total"),
    ("行政复议", "review_litigation.review.total"),
    ("reconsideration cases", "review_litigation.review.total"),
    ("被纠正的复议", "review_litigation.review.corrected"),
    ("将乐县2024年收到多少政府信息公开申请", "applications.new_received.total"),
    ("依申请公开数量", "applications.new_received.total"),
    ("how many requests", "applications.new_received.total"),
    ("自然人申请", "applications.new_received.natural_person"),
    ("requests from companies", "applications.new_received.commercial"),
    ("行政处罚排名", "active_disclosure.penalty.decisions"),
    ("penalties", "active_disclosure.penalty.decisions"),
    ("不予公开", "applications.denied.total"),
    ("无法提供的总数", "applications.unavailable.total"),
    ("不予处理", "applications.not_processed.total"),
    ("其他处理", "applications.other.total"),
    ("因国家秘密不予公开", "applications.denied.state_secret.total"),
    ("收费金额", "active_disclosure.fees.amount_wan"),
    ("收費金額", "active_disclosure.fees.amount_wan"),
    ("公开率", "applications.granted_share.total"),
    ("采购金额", "active_disclosure.procurement.amount_wan"),
    ("applications.carried_forward.total", "applications.carried_forward.total"),
])
def test_find_metric(text, expected):
    found = find_metric(text)
    assert found, text
    assert found[0][0].key == expected
    assert found[0][1] > 0


def test_a_row_without_a_total_offers_each_templates_first_column():
    keys = [m.key for m, _ in find_metric("規範性文件")]
    assert keys[:2] == ["active_disclosure.normative_documents.issued",
                        "active_disclosure.normative_documents.new_made"]


def test_english_names_match_whole_words_only():
    assert find_metric("the confines of the law") == []
    assert find_metric("天气") == []


def test_unknown_key_suggests_close_keys():
    with pytest.raises(UnknownMetric, match="applications.new_received.total"):
        get("applications.new_recieved.total")


def test_spans_say_where_each_name_is():
    spans = find_metric_spans("自然人提起的行政诉讼")
    assert [(s.kind, s.target, s.text) for s in spans] == [
        ("column", "applications.natural_person", "自然人"),
        ("row", "review_litigation.litigation", "行政诉讼"),
    ]
    assert ("行政诉讼", "row", "review_litigation.litigation") in metric_names()
