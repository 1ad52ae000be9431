"""Change over time, totals and averages over an agency's years, thresholds and rates (issue 11).

Values read by hand from the reports, not from Gongkai's output:

* ../shared/real, 平潭综合实验区 (crawl/NN.txt = html/NN.html):
  07 (2019): 本年新收 23, 办结总计 23, 予以公开 7, 部分公开 1; 行政处罚 430; 行政复议 总计 0;
  11 (2021): 本年新收 70 (64 + 2 + 4), 予以公开 30, 部分公开 5, 总计 69 → 公开率 35/69 = 50.72%; 行政处罚 1282;
             行政复议 维持1 纠正0 其他2 未结0 总计3;
  12 (2022): 本年新收 74, 总计 75, 行政处罚 2113;
  06 (2024): 本年新收 218, 行政处罚 1100; 行政复议 维持2 纠正1 其他3 未结1 总计7; 不予公开 39;
  19 (2025): 本年新收 154, 行政处罚 644; 行政复议 维持25 纠正3 其他8 未结0 总计36 → 复议纠错率 3/36 = 8.33%;
  2011–2018: reports before the national tables; no 2020 or 2023 report.
* ../shared/seeds: 本年新收 越城区 36, 将乐县 5, 安康高新区 2, 宝力根苏木 0, 大涌镇 4; 行政许可 越城区 0, 将乐 0,
  安康 201, 宝力根 146, 大涌 6181; 越城区 2021 予以公开 14 + 部分公开 6 of 38 → 52.63%, 不予公开 3 → 7.89%;
  宝力根苏木 2023 办结总计 0 (no 公开率).
"""

from __future__ import annotations

import pandas as pd
import pytest

from index.tables.change import over_years, percent_change, rank_changes, year_over_year
from index.tables.operators import MAGNITUDES, OPERATORS, operator
from qa import Corpus, ask
from qa.plan import Plan
from qa.quantities import read_threshold


def _answer(question: str, corpus: Corpus):
    return ask(question, None, corpus)


# ---------------------------------------------------------------------------
# Change between two years
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "平潭综合实验区2022年的新收申请跟前一年相比变了多少？",
    "Compared with the previous year, how many more requests did Pingtan get in 2022?",
    "平潭2022年依申请公开的新收数量较上年增加了几件",
    "How much did Pingtan's new requests grow from 2021 to 2022?",
])
def test_a_change_on_the_year_before_gives_both_values_the_difference_and_the_percentage(real, question):
    answer = _answer(question, real)
    assert answer.plan.intent == "change", answer.plan.intent
    for figure in ("70", "74", "4", "5.71%"):
        assert figure in answer.text, answer.text
    assert "11.html" in answer.text and "12.html" in answer.text  # both cells as sources
    assert not answer.plan.unlinked


@pytest.mark.parametrize("question, figures", [
    ("2025年平潭综合实验区的行政处罚决定同比减少了多少", ("1100", "644", "456", "41.45%")),
    ("Year-on-year, by how much did Pingtan's penalty decisions fall in 2025?", ("1100", "644", "456", "41.45%")),
    ("平潭综合实验区2025年行政复议案件比上年多了几起", ("7", "36", "29", "414.29%")),
])
def test_a_fall_and_a_rise_are_signed(real, question, figures):
    answer = _answer(question, real)
    assert answer.plan.intent == "change"
    assert all(f in answer.text for f in figures), answer.text
    fell = "456" in figures
    assert ("减少" in answer.text or "down" in answer.text) if fell else ("增加" in answer.text or "up" in answer.text)


@pytest.mark.parametrize("question, lang", [
    ("平潭综合实验区2021年收到的申请比上一年多吗", "zh"),
    ("Did Pingtan receive more requests in 2021 than in the year before?", "en"),
])
def test_a_missing_base_year_is_said_and_the_nearest_earlier_year_is_marked(real, question, lang):
    text = _answer(question, real).text
    assert "2020" in text  # no 2020 report: said
    marker = "不是上一年" if lang == "zh" else "not the year before"
    assert marker in text, text
    assert "2019" in text and "23" in text and "47" in text  # 2019 offered: 70 − 23 = 47


def test_a_base_of_zero_has_no_percentage(real):
    text = _answer("平潭综合实验区2021年的行政复议比2019年增加了多少", real).text
    assert "0" in text and "3" in text
    assert "没有增减百分比" in text, text
    assert "inf" not in text and "∞" not in text and "+0.00%" not in text


def test_a_year_without_reports_in_the_corpus_is_said(seeds):
    for question in ("越城区2021年新收申请同比增长了多少", "How much did Yuecheng's requests grow in 2021 over the previous year?"):
        text = _answer(question, seeds).text
        assert "2020" in text and "36" in text, text


@pytest.mark.parametrize("question, order, delta", [
    ("2022年比2021年新收申请增长最多的机关", "desc", "4"),
    ("Which agency had the biggest drop in penalty decisions from 2024 to 2025?", "asc", "456"),
])
def test_agencies_ranked_by_change_have_delta_and_percentage_columns(real, question, order, delta):
    answer = _answer(question, real)
    assert answer.plan.intent == "change" and answer.plan.change.get("rank") == order
    assert "平潭综合实验区" in answer.text and delta in answer.text, answer.text
    assert answer.table is not None and len(answer.table["columns"]) == 6
    assert answer.table["rows"][0][1] == "平潭综合实验区"


def test_ranking_by_change_with_no_agency_having_both_years_says_so(seeds):
    text = _answer("2024年比2023年收到申请增加最多的五个机关", seeds).text
    assert "没有机关同时有" in text, text


# ---------------------------------------------------------------------------
# Totals and averages over an agency's years
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, figure", [
    ("平潭综合实验区历年收到的信息公开申请加在一起是多少", "539"),
    ("Pingtan: requests received, added up over all its years?", "539"),
    ("平潭综合实验区年均收到多少件申请", "107.8"),
    ("On average, how many penalty decisions did Pingtan make each year?", "1113.8"),
    ("平潭综合实验区2021年至2025年一共作出多少行政处罚决定", "5139"),
])
def test_totals_and_averages_over_an_agencys_years_show_each_year_and_the_years_left_out(real, question, figure):
    answer = _answer(question, real)
    assert answer.plan.intent in ("total", "average"), answer.plan.intent
    assert figure in answer.text, answer.text
    assert "218" in answer.text or "1100" in answer.text  # the per-year values
    if "2021" not in question:
        assert "2018" in answer.text  # the pre-2019 reports are named as left out


def test_two_figures_over_an_agencys_years_each_have_their_sum_and_the_years_left_out_said_once(real):
    # 本年废止件数 alone: 规章 (0 each year) and 行政规范性文件 3 + 55 + 33 + 45 = 136 (crawl 11, 12, 06, 19).
    text = _answer("平潭综合实验区历年废止的件数加起来是多少", real).text
    assert "136" in text and "3 + 55 + 33 + 45" in text, text
    assert text.count("早于全国统一表格,没有") == 1 and text.count("同上") == 1 and text.count("都没有") <= 1


def test_an_average_over_an_agencys_years_names_the_years_it_divides_by(real):
    text = _answer("平潭综合实验区行政处罚决定每年平均多少", real).text
    assert "5569 ÷ 5" in text and "430 + 1282 + 2113 + 1100 + 644" in text, text
    assert "2020" in text and "2023" in text  # years with no report, said


# ---------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------


def test_every_operator_has_sql_words_and_a_description():
    for op in OPERATORS:
        assert "{x}" in op.sql and "{a}" in op.sql and op.zh and op.en
        assert op.describe("zh", "5") and op.describe("en", "5")
    assert operator("between").where("v", "$a", "$b") == "v BETWEEN $a AND $b"
    assert all(m.words and m.low >= 0 for m in MAGNITUDES)


@pytest.mark.parametrize("text, op, value, high", [
    ("最多不超过4件", "<=", 4, None),
    ("至多不多于四件", "<=", 4, None),
    ("at most four", "<=", 4, None),
    ("至少十件", ">=", 10, None),
    ("1,000 or more", ">=", 1000, None),
    ("三件以内", "<=", 3, None),
    ("上百", ">=", 100, None),
    ("过千", ">=", 1000, None),
    ("两位数", "between", 10, 99),
    ("达到两位数", ">=", 10, None),
    ("double-digit", "between", 10, 99),
])
def test_threshold_words_read_as_one_operator(text, op, value, high):
    plan = Plan()
    rest = read_threshold(text, plan)
    assert plan.threshold is not None and plan.threshold["op"] == op and plan.threshold["value"] == value
    assert plan.threshold.get("high") == high
    assert not rest.strip()


@pytest.mark.parametrize("question, listed, left_out", [
    ("新收申请最多不超过4件的单位有哪些", ("安康", "宝力根", "大涌"), ("将乐", "越城")),
    ("Which agencies got at most four new requests?", ("安康", "宝力根", "大涌"), ("将乐", "越城")),
    ("行政许可决定上百的机关", ("安康", "宝力根", "大涌"), ("将乐", "越城")),
    ("Which agencies had double-digit new requests?", ("越城",), ("将乐", "大涌", "安康")),
])
def test_thresholds_list_the_agencies(seeds, question, listed, left_out):
    answer = _answer(question, seeds)
    assert answer.plan.intent == "list", answer.plan.intent
    assert all(a in answer.text for a in listed), answer.text
    assert not any(a in answer.text for a in left_out), answer.text


def test_most_alone_still_ranks(seeds):
    answer = _answer("哪个机关收到的申请最多", seeds)
    assert answer.plan.intent == "rank" and answer.plan.threshold is None
    assert "越城区" in answer.text and "36" in answer.text


@pytest.mark.parametrize("question", ["平潭综合实验区哪些年份的行政处罚不到一千件",
                                      "In which years did Pingtan make fewer than 1,000 penalty decisions?"])
def test_a_threshold_over_a_named_agencys_years_lists_years(real, question):
    text = _answer(question, real).text
    assert "2019" in text and "430" in text and "2025" in text and "644" in text, text
    assert "1282" not in text and "2113" not in text


# ---------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, figure", [
    ("2025年平潭综合实验区行政复议中结果被纠正的占多大比例", "8.33%"),
    ("What fraction of Pingtan's 2024 processed requests ended in refusal?", "17.89%"),
    ("越城区2021年申请中全部或部分公开的比例", "52.63%"),
    ("Yuecheng 2021: proportion of requests granted in full or in part?", "52.63%"),
    ("越城区2021年不予公开的比例", "7.89%"),
    ("按(予以公开+部分公开)/办结算，越城区2021年是多少", "52.63%"),
])
def test_a_rate_named_by_its_parts_is_the_rate_with_its_definition(seeds, real, question, figure):
    corpus = real if "平潭" in question or "Pingtan" in question else seeds
    answer = _answer(question, corpus)
    assert figure in answer.text, answer.text
    assert "=" in answer.text  # the arithmetic and the definition
    assert not answer.plan.unlinked, answer.plan.unlinked


def test_a_share_of_a_figure_without_a_rate_stays_not_understood(seeds):
    answer = _answer("越城区2021年行政处罚的比例是多少", seeds)
    assert "比例" in answer.plan.unlinked


@pytest.mark.parametrize("question, year, figure", [
    ("平潭综合实验区哪一年的公开率最高", "2021", "50.72%"),
    ("In which year was Pingtan's disclosure rate lowest?", "2019", "34.78%"),
])
def test_an_agencys_years_ranked_by_a_rate(real, question, year, figure):
    answer = _answer(question, real)
    assert answer.plan.intent == "rank"
    assert year in answer.text and figure in answer.text, answer.text


def test_a_zero_denominator_is_said_never_zero_percent(seeds, real):
    text = _answer("宝力根苏木2023年的公开率是多少", seeds).text
    assert "为0" in text and "0.00%" not in text, text
    text = _answer("平潭综合实验区2019年复议纠错率", real).text
    assert "为0" in text and "0.00%" not in text, text


# ---------------------------------------------------------------------------
# The arithmetic on frames
# ---------------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"report_id": ["a1", "a2", "b1", "b2", "c2"], "agency": ["A", "A", "B", "B", "C"],
                         "year": [2021, 2022, 2021, 2022, 2022], "template": ["2021"] * 5,
                         "m": [10.0, 15.0, 0.0, 4.0, 9.0]})


def test_year_over_year_pairs_agencies_with_both_years():
    changes = year_over_year(_frame(), "m", 2021, 2022)
    assert list(changes["agency"]) == ["A", "B"]  # C lacks 2021
    assert list(changes["delta"]) == [5.0, 4.0]
    assert changes["pct"].iloc[0] == 50.0 and pd.isna(changes["pct"].iloc[1])  # base 0: no percentage
    assert percent_change(0, 3) is None
    ranked = rank_changes(changes, "asc")
    assert list(ranked["agency"]) == ["B", "A"] and list(ranked["rank"]) == [1, 2]


def test_over_years_says_why_years_are_left_out():
    frame = pd.DataFrame({"report_id": ["x", "y", "z"], "agency": ["A"] * 3, "year": [2015, 2019, 2021],
                          "template": ["unknown", "2019", "2021"], "m": [None, None, 7.0]})
    span = over_years(frame, "m", ("2021",))[0]
    assert span.included == [(2021, 7.0, "z")] and span.pre_template == [2015] and span.other_template == [2019]
    assert span.total == 7.0 and span.mean == 7.0


@pytest.mark.parametrize("question, figures", [
    ("平潭综合实验区2022年行政处罚决定数量与上年相比有何变化", ("1282", "2113", "831", "64.82%")),
    ("Pingtan's 2025 lawsuits vs 2024: up or down?", ("19", "9", "10", "52.63%")),
    ("2025年平潭综合实验区新收申请比2024年少了百分之多少", ("218", "154", "64", "29.36%")),
])
def test_more_ways_of_asking_for_a_change(real, question, figures):
    answer = _answer(question, real)
    assert answer.plan.intent == "change", answer.plan.intent
    assert all(f in answer.text for f in figures), answer.text


def test_newly_added_documents_are_a_figure_not_a_change(real):
    answer = _answer("平潭综合实验区2022年新增加了几件规范性文件", real)
    assert answer.plan.intent == "lookup" and "88" in answer.text


def test_a_rates_change_is_in_percentage_points(real):
    text = _answer("平潭综合实验区2024年的公开率比2022年高了多少", real).text
    assert "5.87个百分点" in text and "40.00%" in text and "45.87%" in text, text
    text = _answer("平潭综合实验区公开率的变化", real).text
    assert "13.19个百分点" in text, text


def test_an_average_rate_is_pooled_never_divided_by_the_number_of_reports():
    from index.tables.metrics import get
    from qa import compose as writing
    from qa.facts import Facts

    rate = get("applications.granted_share.total")
    # Four reports pooled: (20 + 3 + 2 + 4) / (38 + 4 + 2 + 4) = 60.42%, never 60.42 ÷ 4.
    for frame in (pd.DataFrame({rate.key: [60.416667], rate.key + "__reports": [4], "reports": [4]}),
                  pd.DataFrame({"year": [2021], "reports": [4], rate.key: [60.416667], rate.key + "__reports": [4]})):
        facts = Facts(Plan(intent="average", lang="zh"), frame=frame, metrics=[rate])
        lines: list[str] = []
        writing.totals(facts, "zh", lines, average=True)
        text = "\n".join(lines)
        assert "60.42%" in text and "汇总" in text and "15.1" not in text, text


def test_a_ranking_by_change_has_a_bar_chart_of_the_change(real):
    answer = _answer("Which agencies grew the most in new requests from 2021 to 2022?", real)
    assert answer.plan.intent == "change"
    assert answer.table is not None and answer.table["columns"][-2] == "Change"


def test_a_change_asked_of_a_place_ranks_its_agencies_and_adds_them_up(real):
    # The corpus's agencies with both 2021 and 2022: only 平潭综合实验区 (70 → 74).
    text = _answer("2022年各机关收到的申请比上年增加了多少", real).text
    assert "平潭综合实验区" in text and "70" in text and "74" in text, text


@pytest.mark.parametrize("question", ["In 2021 how many of Yuecheng's requests were left over from the previous year?",
                                      "越城区2021年从上年结转过来的申请有几件"])
def test_a_rows_name_with_the_previous_year_in_it_is_no_change(seeds, question):
    answer = _answer(question, seeds)
    assert answer.plan.intent == "lookup" and "2" in answer.text and "2020" not in answer.text, answer.text


def test_lost_lawsuits_are_the_corrected_column_and_their_share_the_rate(seeds):
    # 越城区 2021: 行政诉讼 结果纠正 0 + 0 of 1 + 2 → 0.00% (a base of 3, not 0).
    answer = _answer("What percentage of lawsuits did Yuecheng lose in 2021?", seeds)
    assert answer.plan.metrics == ["review_litigation.litigation_corrected_share.total"]
    assert "0.00%" in answer.text and "0 / 3" in answer.text, answer.text


def test_a_total_of_one_agencys_one_year_is_its_figure_and_a_pre_2019_report_says_what_it_states(real):
    # crawl/04.txt (平潭县人民政府 2012): "2012年全县共收到有关政府信息公开的申请21条".
    answer = _answer("平潭县政府2012年一共收到几条申请", real)
    assert answer.plan.intent == "lookup" and "21" in answer.text and "不是统计表单元格" in answer.text, answer.text
