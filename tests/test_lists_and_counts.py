"""List questions (agencies whose figure is above 0, or 0) and counts of the corpus itself (issue 11).

Expected values read from the reports:

Seeds: 表四 行政复议 总计 — 越城区 3, the four others 0; 表二 行政处罚 处理决定数量 — 大涌镇 191,
安康高新区 51, 宝力根苏木 2, 越城区 0, 将乐县 0; 表三 本年新收 总计 — 宝力根苏木 0 (the only 0).

Real (../shared/real): reports before 2019 are crawl/02, 03, 04, 05, 08, 10, 14, 15, 16, 17, 18,
20 (12; the html pages are 2019 and later, each the same report as a crawl dump); the agencies
are 平潭综合实验区 (its 2014 report titled 平潭综合实验区管委会), 平潭县人民政府 (2011–2013) and
平潭综合实验区地方税务局 (2013); the national-template reports of 平潭综合实验区 are 2019
(07), 2021 (11), 2022 (12), 2024 (06), 2025 (19).
"""

from __future__ import annotations

import pytest

from qa import Corpus, ask
from tests.conftest import stated


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["列举行政处罚决定数不为零的机关", "哪几家单位作出过行政处罚决定",
                                      "List every agency with administrative penalty decisions, with their counts."])
def test_agencies_with_a_figure_above_zero(seeds, question):
    answer = ask(question, None, seeds)
    assert answer.plan.intent == "list", (answer.plan.intent, answer.text)
    for name, number in (("大涌", "191"), ("安康", "51"), ("宝力根", "2")):
        assert name in answer.text and stated(number, answer.text), (name, answer.text)
    assert "越城区" not in answer.text and "将乐" not in answer.text


@pytest.mark.parametrize("question", ["谁遇到过信息公开行政复议", "列出行政复议数大于0的机关",
                                      "Who had any administrative reconsideration cases?"])
def test_agencies_with_reconsiderations(seeds, question):
    answer = ask(question, None, seeds)
    assert answer.plan.intent == "list", (answer.plan.intent, answer.text)
    assert "越城区" in answer.text and stated("3", answer.text)
    assert "大涌" not in answer.text and "宝力根" not in answer.text


@pytest.mark.parametrize("question", ["哪家单位全年一件公开申请都没收到", "本年新收申请数量为0的机关是哪个",
                                      "Which agencies got zero disclosure requests?"])
def test_agencies_with_zero(seeds, question):
    answer = ask(question, None, seeds)
    assert answer.plan.intent == "list", (answer.plan.intent, answer.text)
    assert answer.plan.threshold == {"op": "=", "value": 0.0}
    assert "宝力根" in answer.text and "越城区" not in answer.text


def test_not_zero_is_above_zero(seeds):
    answer = ask("行政处罚不为零的是哪些单位", None, seeds)
    assert "大涌" in answer.text and "越城区" not in answer.text


def test_a_figure_question_keeps_its_figure(seeds):
    answer = ask("越城区2021年收到多少申请", None, seeds)
    assert answer.plan.intent == "lookup" and stated("36", answer.text)


# --- the corpus itself ----------------------------------------------------------------------


def _corpus(corpus: Corpus, question: str):
    answer = ask(question, None, corpus)
    assert answer.plan.intent == "corpus", (question, answer.plan.intent, answer.text)
    return answer


@pytest.mark.parametrize("question", ["2019年之前的报告一共几份", "How many reports are older than 2019?",
                                      "早于2019年的年报数量是多少"])
def test_reports_before_a_year(real, question):
    answer = _corpus(real, question)
    assert answer.plan.year_to == 2018
    assert stated("12", answer.text.splitlines()[0]), answer.text
    assert "2019年报告" not in answer.text and "2019 report" not in answer.text


@pytest.mark.parametrize("question", ["库里都有哪些单位的年报", "Name all the agencies in the database",
                                      "把语料中所有机关列出来"])
def test_every_agency(real, question):
    answer = _corpus(real, question)
    assert answer.plan.corpus["ask"] == "agency_list"
    for name in ("平潭综合实验区", "平潭县人民政府", "平潭综合实验区地方税务局", "平潭综合实验区管委会"):
        assert name in answer.text, (name, answer.text)


def test_agencies_of_one_year(real):
    answer = _corpus(real, "2011年都有哪些单位出了年报")
    assert "平潭县人民政府" in answer.text and "平潭综合实验区" in answer.text
    assert "地方税务局" not in answer.text


@pytest.mark.parametrize("question", ["平潭综合实验区哪些年份的报告用的是全国统一格式",
                                      "Which years of the Pingtan Comprehensive Experimental Zone's reports use the national statistics "
                                      "tables?"])
def test_years_with_the_national_tables(real, question):
    answer = _corpus(real, question)
    first = answer.text.splitlines()[0]
    for year in ("2019", "2021", "2022", "2024", "2025"):
        assert year in first, (year, first)
    for year in ("2018", "2015", "2011"):
        assert year not in first, (year, first)


@pytest.mark.parametrize("question", ["平潭综合实验区的年报有几个年份", "For how many years does the Pingtan Comprehensive Experimental Zone "
                                      "have reports?"])
def test_years_of_an_agency_with_a_similar_name_said(real, question):
    answer = _corpus(real, question)
    lines = answer.text.splitlines()
    assert stated("12", lines[0]), answer.text
    assert "平潭综合实验区管委会" in lines[1] and stated("13", lines[1]), answer.text


@pytest.mark.parametrize("question", ["有几份报告采用2019年版的统计表格式", "旧版模板的年报有几份"])
def test_reports_by_template(seeds, question):
    answer = _corpus(seeds, question)
    assert stated("1", answer.text.splitlines()[0]) and "安康" in answer.text


@pytest.mark.parametrize("question", ["每个机关各有几份年报", "How many reports does each agency have?"])
def test_each_agencys_reports(real, question):
    answer = _corpus(real, question)
    assert answer.plan.corpus["ask"] == "agency_list"
    assert "平潭县人民政府(3份" in answer.text or "平潭县人民政府 (3:" in answer.text, answer.text


@pytest.mark.parametrize("question", ["2023年发布的年报有几份", "How many reports were published in 2023?"])
def test_published_in_a_year_offers_both_readings(seeds, question):
    """004 大涌镇's 2022 report was published 2023-01-10; 003 宝力根苏木's is the 2023 report."""
    answer = _corpus(seeds, question)
    assert "宝力根" in answer.text  # the year the report covers
    assert "大涌镇" in answer.text and "2023-01-10" in answer.text  # the year it came out


@pytest.mark.parametrize("question", ["哪些机关被人申请过行政复议", "有谁被申请信息公开复议了"])
def test_applied_for_reconsideration_names_no_request_figure(seeds, question):
    """申请 here is the verb of 复议 (applied for reconsideration), not the requests table."""
    answer = ask(question, None, seeds)
    assert answer.plan.metrics == ["review_litigation.review.total"], answer.plan.metrics
    assert "越城区" in answer.text and stated("3", answer.text) and "大涌" not in answer.text


@pytest.mark.parametrize("question", ["将乐县2024年报是哪个部门出的", "Which agency published the Jiangle report? Give its full name."])
def test_issuing_agency(seeds, question):
    answer = _corpus(seeds, question)
    assert "将乐县人民政府办公室" in answer.text and answer.plan.level is None
