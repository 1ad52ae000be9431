"""Data-quality questions answer only the check asked about, with the figures compared (issue 11).

Expected values read from the reports themselves:

Seeds (../shared/seeds):
* 000 越城区 2021, table 三 总计 column: 本年新收 36, 上年结转 2, (七)总计 38, 结转下年度 0 → balances.
* 001 将乐县 2024, table 三 总计: 新收 5, 结转 0, 总计 4, 结转下年度 1 → balances; the text says
  "废止或宣布失效规范性文件13件", table 二 本年废止件数 4 → disagree; "现行有效138件" = 138 agrees.
* 002 安康高新区 2019: the text says "未發生有關政府信息公開事務的行政復議和訴訟案件", table 四
  行政诉讼 总计 3 → disagree.
* 004 大涌镇 2022: the text says "废止政府规范性文件6件", table 二 本年废止 6 → agree.

Real (../shared/real):
* crawl/05.txt (平潭综合实验区 2012): "2012年主动公开政府信息1913条", its own statistics table
  主动公开信息数 2012年度 739.
* crawl/15.txt (平潭综合实验区 2013): "收到1份有关政府信息公开行政复议申请", its table 行政复议数 0.
* crawl/20.txt (平潭县人民政府 2013): "其中主动公开政府信息1853条", its table 1853.
* html/12.html (2022): 表三 总计 新收 74, 上年结转 1, (七)总计 75, 结转下年度 0.
* html/07.html (2019): 政府集中采购 采购总金额 written "75394432.52元" in the 万元 column.
* html/06.html (2024): 行政事业性收费 收费金额 18651.06 (万元, written bare).
"""

from __future__ import annotations

import pytest

from qa import Corpus, ask
from tests.conftest import stated


def _quality(corpus: Corpus, question: str, kind: str):
    answer = ask(question, None, corpus)
    assert answer.plan.intent == "quality", (question, answer.plan.intent, answer.text)
    assert answer.plan.quality == kind, (question, answer.plan.quality, answer.text)
    return answer


# --- balance: table 三's identity, each side's figures ------------------------------------


@pytest.mark.parametrize("question", ["越城区2021年的申请表平衡吗", "帮我看看越城区表三勾稽关系是否成立",
                                      "Is table 3 of Yuecheng's report balanced?"])
def test_balance_states_both_sides(seeds, question):
    answer = _quality(seeds, question, "balance")
    for number in ("36", "2", "38", "0"):
        assert stated(number, answer.text), (number, answer.text)
    assert "成立" in answer.text or "balances" in answer.text
    assert "正文" not in answer.text and "text says" not in answer.text  # only what was asked


@pytest.mark.parametrize("question", ["将乐县2024年申请数据的勾稽关系对吗", "Does Jiangle's request table balance?"])
def test_balance_with_a_carried_forward_request(seeds, question):
    answer = _quality(seeds, question, "balance")
    for number in ("5", "4", "1"):
        assert stated(number, answer.text), (number, answer.text)
    assert "13" not in answer.text  # the repealed-documents conflict is not what was asked
    assert not any("13" in w for w in answer.warnings)  # nor repeated as a warning


@pytest.mark.parametrize("question", ["平潭综合实验区2022年表三的平衡关系成立吗",
                                      "Is the 2022 request table of the Pingtan zone balanced?"])
def test_balance_on_a_real_report(real, question):
    answer = _quality(real, question, "balance")
    for number in ("74", "1", "75"):
        assert stated(number, answer.text), (number, answer.text)


# --- the text against the table, for the figure named ------------------------------------


@pytest.mark.parametrize("question", ["将乐县正文里废止的规范性文件数和表格对得上吗",
                                      "将乐2024年报告文字说废止了几件，统计表里是几件",
                                      "Is Jiangle's text consistent with its table about repealed documents?"])
def test_narrative_conflict_of_the_figure_named(seeds, question):
    answer = _quality(seeds, question, "narrative")
    assert stated("13", answer.text) and stated("4", answer.text), answer.text
    assert "不一致" in answer.text or "disagree" in answer.text
    assert "138" not in answer.text  # 现行有效 agrees and was not asked about


@pytest.mark.parametrize("question", ["安康高新区的报告说没有行政诉讼，和统计表一致吗",
                                      "Does Ankang Hi-tech Zone's narrative about lawsuits agree with its table?"])
def test_narrative_says_none_table_says_three(seeds, question):
    answer = _quality(seeds, question, "narrative")
    assert stated("3", answer.text), answer.text
    assert "不一致" in answer.text or "disagree" in answer.text


@pytest.mark.parametrize("question", ["大涌镇正文中废止规范性文件的数字与表格一致吗",
                                      "Does Dayong's text agree with its table on repealed normative documents?"])
def test_narrative_agreement_is_said_with_the_figures(seeds, question):
    answer = _quality(seeds, question, "narrative")
    assert stated("6", answer.text), answer.text
    assert "全部核对通过" in answer.text or "every check passes" in answer.text


@pytest.mark.parametrize("question", ["哪些报告的正文和统计表有矛盾", "Which reports' text contradicts their tables?"])
def test_reports_whose_text_contradicts_the_tables(seeds, question):
    answer = _quality(seeds, question, "narrative")
    assert "将乐" in answer.text and "安康" in answer.text
    assert "越城区" not in answer.text and "大涌" not in answer.text


@pytest.mark.parametrize("question", ["平潭综合实验区2012年报正文和自己的统计表在主动公开数量上一致吗",
                                      "Does the 2012 Pingtan zone report's text agree with its own table on "
                                      "proactively disclosed information?"])
def test_pre_2019_text_against_its_own_table(real, question):
    answer = _quality(real, question, "narrative")
    assert stated("1913", answer.text) and stated("739", answer.text), answer.text


def test_pre_2019_agreement(real):
    answer = _quality(real, "平潭县人民政府2013年报告主动公开数前后一致吗", "narrative")
    assert stated("1853", answer.text) and "一致" in answer.text and "不一致" not in answer.text


def test_pre_2019_reconsideration_conflict(real):
    answer = _quality(real, "平潭综合实验区2013年报告里行政复议的数字正文和表格对得上吗", "narrative")
    assert stated("1", answer.text) and stated("0", answer.text) and "不一致" in answer.text
    assert "72804" not in answer.text  # 主动公开 was not asked about


# --- money units --------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["平潭综合实验区2019年报告的金额单位填对了吗",
                                      "Was the procurement total in Pingtan's 2019 report written in the wrong unit?"])
def test_money_written_in_yuan(real, question):
    answer = _quality(real, question, "unit")
    assert "75394432.52元" in answer.text and "7539.443252" in answer.text


def test_money_in_the_right_unit(real):
    answer = _quality(real, "平潭综合实验区2024年收费金额的计量单位有问题吗", "unit")
    assert "18651.06" in answer.text and "单位无误" in answer.text


# --- what stays a figure question ---------------------------------------------------------


@pytest.mark.parametrize("question, number", [("越城区2021年收到多少申请", "36"),
                                              ("大涌镇2022年行政许可和行政处罚各是多少", "191")])
def test_figure_questions_stay_figures(seeds, question, number):
    answer = ask(question, None, seeds)
    assert answer.plan.intent != "quality", answer.text
    assert stated(number, answer.text), answer.text


@pytest.mark.parametrize("question", ["越城区2021年报告的数据有没有问题", "Are there data problems in Yuecheng's report?"])
def test_any_problem_of_a_clean_report(seeds, question):
    answer = _quality(seeds, question, "any")
    assert "全部核对通过" in answer.text or "every check passes" in answer.text
    assert stated("36", answer.text) and stated("38", answer.text)  # table 三's identity written out


def test_any_problem_names_the_failed_check(seeds):
    answer = _quality(seeds, "将乐县2024年的年报有没有数据错误", "any")
    assert stated("13", answer.text) and stated("4", answer.text)
    assert "138" not in answer.text  # a check that passes is counted, not written out


def test_a_follow_up_checks_the_previous_answers_report(seeds):
    from qa import Conversation

    conversation = Conversation()
    ask("将乐县2024年废止了几件规范性文件", conversation, seeds)
    answer = ask("正文里说的和这个一致吗", conversation, seeds)
    assert answer.plan.intent == "quality" and answer.plan.agencies == ["将乐县人民政府办公室"]
    assert stated("13", answer.text) and stated("4", answer.text) and "安康" not in answer.text
    answer = ask("那它的表三平衡吗", conversation, seeds)
    assert answer.plan.quality == "balance" and stated("5", answer.text) and stated("1", answer.text)


@pytest.mark.parametrize("question", ["平潭综合实验区哪些年份的报告正文和表格对不上",
                                      "Which Pingtan Comprehensive Experimental Zone reports contradict their own tables?"])
def test_which_reports_of_one_agency(real, question):
    """Asked 'which', the answer lists the reports whose check fails (2012, 2013), not every report."""
    answer = _quality(real, question, "narrative")
    assert "2012" in answer.text and "2013" in answer.text
    assert "2022" not in answer.text and "698" not in answer.text


def test_money_in_wan_in_a_traditional_script_report(seeds):
    """002 安康高新区 writes 政府集中採購 … 2191.563萬元 (traditional script): in 万元, as the column asks."""
    answer = _quality(seeds, "安康高新区2019年采购金额的单位有问题吗", "unit")
    assert "2191.563万元" in answer.text and "单位无误" in answer.text


@pytest.mark.parametrize("question", ["越城区行政复议和诉讼的数字加起来对吗",
                                      "Do Yuecheng's lawsuit figures add up to their totals? Check the balance."])
def test_table_four_totals(seeds, question):
    """000 越城区 表四: 行政复议 结果维持 3 → 总计 3; 未经复议直接起诉 尚未审结 1 → 1; 复议后起诉 结果维持 2 → 2."""
    answer = _quality(seeds, question, "balance")
    assert "表四" in answer.text or "Table 4" in answer.text
    for number in ("3", "1", "2"):
        assert stated(number, answer.text), (number, answer.text)
    assert "表三" not in answer.text and "Table 3" not in answer.text
