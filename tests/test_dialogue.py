"""Multi-turn conversations (qa.dialogue): what a follow-up keeps, replaces and says it kept.

Worded as a stranger would, differently from the paraphrase set; every expected figure was
read in the reports (../shared/seeds/*.txt, ../shared/real/html/*.html):

* 000 越城区 2021: 新收 36 (all 自然人); 行政复议 结果维持 3 / 总计 3; 行政诉讼 直接起诉 尚未审结 1,
  总计 1, 复议后起诉 结果维持 2, 总计 2 (诉讼 3 = 1 + 2).
* 001 将乐县 2024: 新收 总计 5, 自然人 3, 商业企业 2; 予以公开 3, 部分公开 0, 办结 4 (公开率 75%);
  行政处罚 0.
* 002 安康高新区 2019: 政府集中采购 项目 120, 采购总金额 2191.563 万元.
* 004 大涌镇 2022: 行政许可 6181, 行政处罚 191, 行政强制 1.
* real html/11 平潭综合实验区 2021: 新收 70 (自然人 64); 行政许可 2293; html/12 2022: 新收 74
  (自然人 71, 商业企业 3), 行政许可 10690, 行政处罚 2113; html/06 2024: 新收 218;
  html/19 2025: 新收 154, 行政处罚 644, 行政强制 64, 结转下年度 6 (商业企业 2).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qa import Conversation, Corpus, ask
from qa.dialogue import Turn
from tests.conftest import open_corpus

YUECHENG = "绍兴市越城区人民政府办公室"
JIANGLE = "将乐县人民政府办公室"
DAYONG = "中山市大涌镇"
PINGTAN = "平潭综合实验区"


@pytest.fixture(scope="module")
def seeds(seeds_store) -> Iterator[Corpus]:
    yield from open_corpus(seeds_store, words_only=False)


@pytest.fixture(scope="module")
def real(real_store) -> Iterator[Corpus]:
    yield from open_corpus(real_store, words_only=False)


def talk(corpus: Corpus, *questions: str):
    conversation = Conversation()
    return [ask(q, conversation, corpus) for q in questions]


def numbers(answer) -> str:
    return answer.text.replace(",", "")


# ---------------------------------------------------------------------------
# A pronoun, or nothing, with a new figure: agency and year kept
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["它当年的行政强制有几件？", "该机关同年行政强制决定多少？", "行政强制又是多少？"])
def test_pronoun_or_ellipsis_with_a_new_figure_keeps_agency_and_year(seeds, second):
    _, answer = talk(seeds, "中山市大涌镇2022年一共作出多少行政处罚决定？", second)
    plan = answer.plan
    assert plan.agencies == [DAYONG] and plan.years == [2022]
    assert plan.metrics == ["active_disclosure.coercion.decisions"]
    assert "1件" in answer.text and "191" not in answer.text


def test_lawsuits_by_pronoun_are_the_litigation_figure(seeds):
    _, answer = talk(seeds, "越城区2021年行政复议共几件？", "它那一年吃了几场官司？")
    assert answer.plan.metrics == ["review_litigation.litigation.total"]
    assert answer.plan.agencies == [YUECHENG] and answer.plan.years == [2021]
    assert "3件" in answer.text


# ---------------------------------------------------------------------------
# Columns and sub-rows of the previous figure
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("questions, metric, value", [
    (("将乐县2024年新收到多少份公开申请？", "当中个人申请的有几份？"), "applications.new_received.natural_person", "3件"),
    (("将乐县2024年新收到多少份公开申请？", "这里面公司提交了几件？"), "applications.new_received.commercial", "2件"),
    (("越城区2021年行政诉讼一共几起？", "其中法院维持的有多少？"), "review_litigation.litigation.upheld", "2件"),
    (("越城区2021年行政诉讼一共几起？", "还有几起没有审结？"), "review_litigation.litigation.pending", "1件"),
    (("安康高新区2019年政府集中采购项目数是多少？", "一共花了多少钱？"), "active_disclosure.procurement.amount_wan",
     "2191.563"),
])
def test_a_column_of_the_previous_row(seeds, questions, metric, value):
    first, answer = talk(seeds, *questions)
    assert answer.plan.metrics == [metric]
    assert answer.plan.agencies == first.plan.agencies and answer.plan.years == first.plan.years
    assert value in numbers(answer)


def test_english_of_those_is_a_column_not_the_agencies(real):
    _, answer = talk(real, "How many new requests did Pingtan Comprehensive Experimental Zone get in 2022?",
                     "How many of them came from companies?")
    assert not answer.plan.from_previous
    assert answer.plan.metrics == ["applications.new_received.commercial"] and answer.plan.years == [2022]
    assert "3" in answer.text.split("commercial")[-1]


def test_a_named_row_without_scope_keeps_the_scope(real):
    _, answer = talk(real, "平潭综合实验区2025年结转到下一年的申请有几件？", "企业的有几件？")
    assert answer.plan.metrics == ["applications.carried_forward.commercial"]
    assert answer.plan.agencies == [PINGTAN] and answer.plan.years == [2025]
    assert "2件" in answer.text


# ---------------------------------------------------------------------------
# Years counted from the previous turn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("second, year, value", [
    ("往前一年是多少？", 2024, "218"), ("上一年呢", 2024, "218"), ("What about a year earlier?", 2024, "218"),
])
def test_the_year_before_the_previous_turns(real, second, year, value):
    _, answer = talk(real, "平潭综合实验区2025年受理的新申请有多少件？", second)
    assert answer.plan.years == [year] and answer.plan.agencies == [PINGTAN]
    assert answer.plan.metrics == ["applications.new_received.total"]
    assert value in answer.text and "154" not in answer.text


def test_years_keep_counting_back_and_a_missing_year_is_said(real):
    answers = talk(real, "平潭综合实验区2022年新收申请多少？", "再前一年呢？", "再往前一年呢？")
    assert [a.plan.years for a in answers] == [[2022], [2021], [2020]]
    assert "70" in answers[1].text
    assert "2020" in answers[2].text and "非所问年份" in answers[2].text  # the nearest years, marked


def test_a_column_named_like_a_year_is_a_column(real):
    _, answer = talk(real, "平潭综合实验区2019年行政许可处理决定多少件？", "上一年项目数量是多少？")
    assert answer.plan.years == [2019] and answer.plan.metrics == ["active_disclosure.licensing.previous"]


def test_last_three_years_after_a_year_end_at_that_year(real):
    _, answer = talk(real, "平潭综合实验区2022年新收申请多少？", "近三年的呢？")
    assert (answer.plan.year_from, answer.plan.year_to) == (2020, 2022)
    assert "70" in answer.text and "74" in answer.text and "2020" in answer.text


def test_last_three_years_of_an_agency_end_at_its_newest_report(seeds):
    (answer,) = talk(seeds, "越城区最近三年的新收申请情况")
    assert (answer.plan.year_from, answer.plan.year_to) == (2019, 2021)
    assert "36" in answer.text and "2019" in answer.text and "2021" in answer.text


# ---------------------------------------------------------------------------
# The previous question reshaped, explained, broken down, changed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["把它按年列出来", "做成图表看看", "Show it year by year"])
def test_reshaping_keeps_agency_and_metric(real, second):
    _, answer = talk(real, "平潭综合实验区2022年收到几件申请？", second)
    assert answer.plan.intent == "trend" and answer.plan.agencies == [PINGTAN]
    assert answer.plan.metrics == ["applications.new_received.total"]
    for value in ("23", "70", "74", "218", "154"):
        assert value in answer.text


def test_as_a_table_asks_the_same_again(seeds):
    first, answer = talk(seeds, "2021年哪些机关有行政诉讼？", "用表格的形式给我")
    assert answer.plan.intent == first.plan.intent == "list" and answer.plan.metrics == first.plan.metrics
    assert YUECHENG in answer.text


def test_how_was_it_computed_states_each_term(seeds):
    _, answer = talk(seeds, "将乐县2024年的公开率是多少？", "这个比例是怎么算出来的？")
    keys = answer.plan.metrics
    assert keys[0] == "applications.granted_share.total"
    assert {"applications.granted.total", "applications.partially_granted.total",
            "applications.total_processed.total"} <= set(keys)
    assert "75" in answer.text and "予以公开·总计 3件" in answer.text and "4件" in answer.text


def test_outcomes_break_the_row_into_its_columns(seeds):
    _, answer = talk(seeds, "越城区2021年行政复议有多少件？", "结果分别是多少？")
    assert answer.plan.metrics[:2] == ["review_litigation.review.upheld", "review_litigation.review.corrected"]
    assert "结果维持 3件" in answer.text


def test_change_between_the_last_two_turns(real):
    *_, answer = talk(real, "平潭综合实验区2021年行政许可决定有多少？", "2022年呢？", "增长了多少？")
    assert answer.plan.intent == "change" and answer.plan.years == [2021, 2022]
    assert "8397" in numbers(answer)


def test_than_the_year_before_after_one_year(real):
    _, answer = talk(real, "平潭综合实验区2022年收到多少申请？", "比上一年多了多少？")
    assert answer.plan.intent == "change" and "4件" in answer.text


# ---------------------------------------------------------------------------
# Agency switch, and pronouns that do not point back
# ---------------------------------------------------------------------------


def test_agency_switch_keeps_figure_and_year_and_gives_the_nearest_year(seeds):
    _, answer = talk(seeds, "宝力根苏木2023年的行政处罚有多少件？", "换成大涌镇呢？")
    assert answer.plan.agencies == [DAYONG] and answer.plan.years == [2023]
    assert answer.plan.metrics == ["active_disclosure.penalty.decisions"]
    assert "2023" in answer.text and "191" in answer.text and "2022" in answer.text


def test_agency_switch_on_real_reports(real):
    _, answer = talk(real, "平潭综合实验区2021年行政处罚决定数？", "What about 2025?")
    assert answer.plan.years == [2025] and "644" in answer.text


def test_agencies_their_is_a_new_question(seeds):
    from qa.session import plan_question

    conversation = Conversation()
    talk_plan = ask("大涌镇2022年报告了哪些问题？", conversation, seeds).plan
    assert talk_plan.agencies == [DAYONG]
    plan = plan_question("What did agencies say about problems with their portals?", conversation, seeds)
    assert not plan.from_previous and plan.agencies == [] and not plan.has_years()


def test_which_of_those_filters_the_previous_reports(seeds):
    _, answer = talk(seeds, "哪些年报是繁体字写的？", "它们当中有哪些用2019年版的表格？")
    assert answer.plan.intent == "corpus" and answer.plan.corpus["script"] == "traditional"
    assert answer.plan.corpus["template"] == "2019" and "安康" in answer.text


def test_carried_values_are_stated(seeds):
    _, answer = talk(seeds, "将乐县2024年收到多少申请？", "自然人的呢？")
    assert "沿用上一问的机关、年份:将乐县人民政府办公室、2024年" in answer.text
    _, english = talk(seeds, "How many requests did Jiangle County receive in 2024?", "And from companies?")
    assert "kept from the previous question: 将乐县人民政府办公室; 2024" in english.text


@pytest.mark.parametrize("second", ["跟2021年相比呢？", "Compared with 2021?"])
def test_a_year_to_compare_with_gives_the_change(real, second):
    _, answer = talk(real, "平潭综合实验区2022年作出行政处罚决定多少件？", second)
    assert answer.plan.intent == "change" and answer.plan.years == [2021, 2022]
    assert answer.plan.metrics == ["active_disclosure.penalty.decisions"]
    assert "831" in numbers(answer)  # 2113 − 1282


@pytest.mark.parametrize("second", ["那变化趋势呢？", "Show me the trend"])
def test_a_trend_after_one_years_figure_is_every_year(real, second):
    _, answer = talk(real, "平潭综合实验区2024年收到了多少申请？", second)
    assert answer.plan.intent == "trend" and not answer.plan.years
    assert answer.plan.agencies == [PINGTAN] and "74" in answer.text and "154" in answer.text


@pytest.mark.parametrize("second", ["它那年遇到了哪些问题？", "What did it plan to improve?", "有什么改进措施？"])
def test_passages_of_the_previous_agency(seeds, second):
    from qa.session import plan_question

    conversation = Conversation()
    ask("中山市大涌镇2022年行政许可决定有多少件？", conversation, seeds)
    plan = plan_question(second, conversation, seeds)
    assert plan.intent == "narrative" and plan.agencies == [DAYONG] and plan.years == [2022]


def test_this_report_is_the_previous_answers_report(seeds):
    _, answer = talk(seeds, "安康高新区2019年行政处罚决定数？", "这份报告是繁体字写的吗？")
    assert answer.plan.intent == "corpus" and answer.plan.agencies == ["安康高新区"]
    assert answer.plan.corpus["script"] == "traditional" and "繁体" in answer.text


def test_an_unread_question_about_it_never_repeats_the_previous_figure(seeds):
    from qa.session import plan_question

    conversation = Conversation()
    ask("大涌镇2022年行政处罚决定数？", conversation, seeds)
    plan = plan_question("它的门户网站网址是什么？", conversation, seeds)
    assert plan.intent == "narrative" and plan.agencies == [DAYONG] and not plan.metrics


def test_a_place_after_an_agency_is_the_place_total_and_says_what_it_kept(real):
    _, answer = talk(real, "平潭综合实验区2022年行政复议几件？", "福州市呢？")
    assert answer.plan.intent == "total" and answer.plan.region == {"city": "福州市"}
    assert "agencies" not in answer.plan.inherited and answer.plan.years == [2022]
    assert "2件" in answer.text


def test_their_new_figure_after_a_list_shows_each_agency_zeros_too(seeds):
    _, answer = talk(seeds, "有哪些单位打过行政官司？", "那它们的行政复议各是多少？")
    assert answer.plan.intent == "compare" and answer.plan.from_previous
    assert set(answer.plan.agencies) == {"安康高新区", YUECHENG}
    assert "0件" in answer.text and "3件" in answer.text  # 安康 0, 越城区 3


def test_the_year_before_an_answer_that_gave_one_year(seeds):
    first, answer = talk(seeds, "将乐县收到了多少申请？", "它前一年呢？")
    assert not first.plan.years and "2024" in first.text
    assert answer.plan.years == [2023] and "2023" in answer.text and "非所问年份" in answer.text


@pytest.mark.parametrize("second", ["Same question for Jiangle County", "同样的问题，将乐县呢？"])
def test_the_same_question_for_another_agency(seeds, second):
    _, answer = talk(seeds, "越城区2021年收到多少申请？", second)
    assert answer.plan.intent == "lookup" and answer.plan.agencies == [JIANGLE]
    assert answer.plan.metrics == ["applications.new_received.total"] and not answer.plan.kinds
    assert "5" in answer.text  # its only year, 2024, marked as not the year asked


def test_passages_of_another_agency_do_not_keep_a_year_it_lacks(seeds):
    from qa.session import plan_question

    conversation = Conversation()
    conversation.add(Turn("越城区2021年存在哪些问题？", plan_question("越城区2021年存在哪些问题？", None, seeds), [YUECHENG]))
    plan = plan_question("那大涌镇呢？", conversation, seeds)
    assert plan.intent == "narrative" and plan.kinds == ["problems"] and plan.agencies == [DAYONG]
    assert not plan.has_years()


def test_of_them_after_a_list_means_those_agencies(seeds):
    _, answer = talk(seeds, "Which agencies were sued?", "How many of them had reconsideration cases?")
    assert answer.plan.from_previous and set(answer.plan.agencies) == {"安康高新区", YUECHENG}


def test_a_counted_year_says_what_it_was_counted_from(real):
    _, answer = talk(real, "平潭综合实验区2024年收到多少申请？", "两年前呢？")
    assert answer.plan.years == [2022] and "74" in answer.text
    assert "“两年前”按上一问的年份(2024年)推算" in answer.text


@pytest.mark.parametrize("questions, lang, word", [
    (("越城区2021年收到多少申请？", "Answer in English, please"), "en", "new requests received"),
    (("How many requests did Yuecheng get in 2021?", "请用中文回答"), "zh", "本年新收"),
])
def test_the_previous_question_in_another_language(seeds, questions, lang, word):
    _, answer = talk(seeds, *questions)
    assert answer.plan.lang == lang and answer.plan.agencies == [YUECHENG] and answer.plan.years == [2021]
    assert word in answer.text and "36" in answer.text


def test_why_so_many_searches_the_previous_agencys_passages(seeds):
    from qa.session import plan_question

    conversation = Conversation()
    ask("越城区2021年收到多少申请？", conversation, seeds)
    plan = plan_question("为什么会这么多？", conversation, seeds)
    assert plan.intent == "narrative" and plan.agencies == [YUECHENG] and plan.years == [2021]


@pytest.mark.parametrize("second", ["所有机关加起来呢？", "And across all agencies?"])
def test_every_agency_after_one_is_the_total_of_the_same_figure(real, second):
    _, answer = talk(real, "平潭综合实验区2024年行政许可多少件？", second)
    assert answer.plan.intent == "total" and not answer.plan.agencies and answer.plan.years == [2024]
    assert answer.plan.metrics == ["active_disclosure.licensing.decisions"]
    assert "全部机关" in answer.text or "every agency" in answer.text


@pytest.mark.parametrize("second", ["那第一名的行政处罚呢？", "What about the top one's penalties?"])
def test_the_first_of_a_ranking(seeds, second):
    _, answer = talk(seeds, "收到申请最多的三个机关是哪些？", second)
    assert answer.plan.intent == "lookup" and answer.plan.agencies == [YUECHENG]
    assert answer.plan.metrics == ["active_disclosure.penalty.decisions"]
    assert "第一个机关" in answer.text or "first agency" in answer.text


def test_legal_persons_and_other_organisations_are_each_column_under_that_header(real):
    _, answer = talk(real, "平潭综合实验区2022年新收申请多少件？", "法人或其他组织提交的呢？")
    assert answer.plan.metrics == [f"applications.new_received.{c}" for c in
                                   ("commercial", "research", "social_welfare", "legal_service", "other_org")]
    assert "商业企业 3件" in answer.text  # html/12: 71 自然人, 3 商业企业, 0 elsewhere
