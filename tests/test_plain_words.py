"""Failed checks said in plain words (parsing.check_words), in both languages, without rule ids.

Expected figures are read in the reports themselves (seed 002's table 四, printed in
traditional script) or taken from the demo generator's own record of the cells it printed,
never from the sentence code.
"""

from __future__ import annotations

import re

import pytest

from corpus.demo import generate_records, render
from parsing import parse_bytes
from parsing.check_words import SumFigures, TextFigures, check_sentence, figures, sum_detail, text_detail
from parsing.template import result_rows
from index.tables import store as table_store

HAN = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")


def english_outside_quotes(text: str) -> list[str]:
    """Chinese characters of an English sentence outside “quoted report words”."""
    return HAN.findall(QUOTED.sub("", text))


def _failed(store, agency_like: str, rule: str) -> tuple[str, str]:
    with table_store.reading(store) as con:
        row = con.execute("SELECT c.rule, c.detail FROM checks c JOIN reports r USING (report_id) "
                          "WHERE NOT c.ok AND contains(r.agency, ?) AND c.rule = ?", [agency_like, rule]).fetchone()
    assert row, (agency_like, rule)
    return row[0], row[1]


def test_narrative_conflict_on_a_seed(seeds_store) -> None:
    # Seed 002 (安康高新区, 2019): "全年未發生有關政府信息公開事務的行政復議和訴訟案件", while its
    # table 四 prints 未經復議直接起訴 總計 3 and 復議后起訴 總計 0: 3 lawsuits.
    rule, detail = _failed(seeds_store, "安康高新区", "narrative.review_litigation.litigation.total")
    zh = check_sentence(rule, detail, False, "zh")
    en = check_sentence(rule, detail, False, "en")
    assert zh == "正文称未发生行政诉讼，表格中为3件。"
    assert en == "The text says there was no lawsuit, but the table gives 3 for lawsuits."
    for text in (zh, en):
        assert rule not in text and "narrative" not in text and "table says" not in text


def test_normative_documents_conflict_quotes_the_text(seeds_store) -> None:
    # Seed 将乐县 2024: the text says 废止或宣布失效规范性文件13件, the table's 本年废止件数 is 4.
    rule, detail = _failed(seeds_store, "将乐县", "narrative.active_disclosure.normative_documents.repealed")
    zh = check_sentence(rule, detail, False, "zh")
    en = check_sentence(rule, detail, False, "en")
    assert zh == "正文称“废止或宣布失效规范性文件13件”，表格中行政规范性文件本年废止件数为4件。"
    assert "13" in en and en.endswith("the table gives 4 for normative documents (repealed this year).")
    assert english_outside_quotes(en) == []


@pytest.fixture(scope="module")
def unbalanced():
    """A demo report planted with one wrong cell: 10 printed in a 法律服务机构 result row that
    should be 0, so that column's outcomes no longer add up to its 总计."""
    record = list(generate_records(6, range(2021, 2023), seed=3, shares={"unbalanced": 1.0}))[2]
    planted = record.defects[0]
    assert (planted["column"], planted["printed"], planted["expected"]) == ("legal_service", 10, 0)
    name, data = render(record)
    return record, parse_bytes(data, name)


def test_processed_total_in_plain_words(unbalanced) -> None:
    record, report = unbalanced
    grid = record.applications  # the generator's own figures, as printed
    outcomes = sum(grid[row]["legal_service"] for row in result_rows(record.template))
    total = grid["total_processed"]["legal_service"]
    assert (outcomes, total) == (10, 0)
    check = next(c for c in report.failed_checks if c.rule == "applications.processed_total.legal_service")
    zh = check_sentence(check.rule, check.detail, check.ok, "zh")
    en = check_sentence(check.rule, check.detail, check.ok, "en")
    assert zh == "表三“法律服务机构”栏：处理结果各项之和10件，但总计填0件。"
    assert en == ("Table 3, “legal service providers” column: the outcomes add up to 10, "
                  "but the processed total says 0.")
    for text in (zh, en):
        assert "≠" not in text and "+" not in text and "processed_total" not in text


def test_row_total_names_the_row(unbalanced) -> None:
    record, report = unbalanced
    row = record.defects[0]["row"]
    parts = sum(v for k, v in record.applications[row].items() if k != "total")
    check = next(c for c in report.failed_checks if c.rule == f"applications.row_total.{row}")
    zh = check_sentence(check.rule, check.detail, False, "zh")
    assert f"各类申请人之和{parts}件，但总计填{record.applications[row]['total']}件" in zh
    assert english_outside_quotes(check_sentence(check.rule, check.detail, False, "en")) == []


@pytest.mark.parametrize("value", [
    SumFigures((1.0, 2.0), (3.0,)), SumFigures((0.0, 1.5, 2e-05), (4.0, 0.0)),
    TextFigures("全年未收到申请", 0.0, (3.0,)), TextFigures("办理申请36件", 36.0, (36.0, 38.0)),
])
def test_detail_round_trip(value) -> None:
    for ok in (True, False):
        detail = sum_detail(value, ok) if isinstance(value, SumFigures) else text_detail(value)
        rule = "narrative.applications.requests" if isinstance(value, TextFigures) else "applications.balance.total"
        assert figures(rule, detail) == value


def test_unknown_rule_gets_a_general_sentence_without_its_id() -> None:
    zh = check_sentence("cross_year.carried.total", "2021: 5, 2022: 3", False, "zh")
    en = check_sentence("cross_year.carried.total", "2021: 5, 2022: 3", False, "en")
    assert "cross_year" not in zh + en and english_outside_quotes(en) == [] and HAN.search(zh)
