"""Multi-part questions answered in full (qa/multipart.py) and ties in a ranking said.

Expected values read in the reports: seeds 000 (越城区 2021, 表四: 行政诉讼 3, 尚未审结 1), 001
(将乐县 2024, 表三: 新收 5, 结转下年度 1), 004 (大涌镇 2022, 表二: 行政许可 6181, 行政处罚 191),
003 / 001 / 004 (表四 all 0: no lawsuits); real crawl/06.txt (平潭综合实验区 2024, 表二: 行政许可
4529, 行政处罚 1100, 行政强制 65; 表四: 行政复议 7, 行政诉讼 19) and crawl/11.txt (2021: 行政许可
2293, 行政处罚 1282).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from qa import multipart
from qa.corpus import Corpus
from qa.session import ask, plan_question
from tests.conftest import open_corpus


@pytest.fixture(scope="module")
def seeds(seeds_store) -> Iterator[Corpus]:
    yield from open_corpus(seeds_store, words_only=False)


@pytest.fixture(scope="module")
def real(real_store) -> Iterator[Corpus]:
    yield from open_corpus(real_store, words_only=False)


def _numbers(text: str) -> set[float]:
    """The numbers an answer states, not its part labels ((1), (2))."""
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", re.sub(r"^\(\d+\)", "", text, flags=re.M))}


@pytest.mark.parametrize("question, parts", [
    ("将乐县2024年新来了多少件申请？结转到下年度的有多少件？", 2),
    ("越城区2021年的行政诉讼总数是多少，其中有多少件尚未审结", 2),
    ("大涌镇2022年批了几件行政许可又作出几件行政处罚", 2),
    ("How many lawsuits were there, and how many were pending?", 2),
    ("How many licences and how many penalties?", 2),
    # One ask over an enumeration, a list header, a rate's definition: one part.
    ("平潭2022年规范性文件制发、废止、现行有效各多少", 1),
    ("越城区2021年行政复议和行政诉讼情况", 1),
    ("越城区2021年的公开率是多少，即予以公开和部分公开占办结的比例", 1),
    ("越城区2021年予以公开和部分公开的申请各有多少", 1),
    ("What share of requests were granted in full or in part?", 1),
])
def test_split_at_clauses_and_joiners_between_two_asks(question, parts):
    assert len(multipart.split(question)) == parts, multipart.split(question)


@pytest.mark.parametrize("question, expected", [
    ("将乐县2024年新来了多少件申请？结转到下年度的有多少件？", {5, 1}),
    ("In 2024 how many requests did Jiangle County receive, and how many were carried forward into the next year?", {5, 1}),
    ("越城区2021年的行政诉讼总数是多少，其中有多少件尚未审结", {3, 1}),
    ("Yuecheng 2021: how many lawsuits in total, and how many still pending?", {3, 1}),
    ("大涌镇2022年行政许可决定有几件，行政处罚决定又有几件", {6181, 191}),
])
def test_every_part_of_a_seed_question_is_answered(seeds, question, expected):
    answer = ask(question, corpus=seeds)
    assert expected <= _numbers(answer.text), answer.text
    assert answer.table is not None and len(answer.cells) >= len(expected)


@pytest.mark.parametrize("question, expected", [
    ("平潭综合实验区2024年行政许可多少件、行政处罚多少件、行政强制多少件", {4529, 1100, 65}),
    ("What were Pingtan's 2021 licensing decisions, and how many penalty decisions did it make?", {2293, 1282}),
    ("平潭综合实验区2024年行政复议有多少件？行政诉讼有多少件？", {7, 19}),
])
def test_every_part_of_a_real_question_is_answered(real, question, expected):
    answer = ask(question, corpus=real)
    assert expected <= _numbers(answer.text), answer.text


def test_each_of_the_named_figures_is_one_plan_of_the_agency(seeds):
    # 各有多少 after two figures: each figure, not each agency of 将乐县's region.
    plan = plan_question("将乐县2024年本年新收申请和结转下年度的申请各有多少", None, seeds)
    assert plan.intent == "lookup" and plan.agencies == ["将乐县人民政府办公室"] and len(plan.metrics) == 2
    assert multipart.parts(plan, seeds.vocabulary()) is None


def test_a_part_not_understood_is_said_not_dropped(seeds):
    answer = ask("将乐县2024年新收申请多少件，另外食堂吃了多少斤大米", corpus=seeds)
    assert "5" in answer.text.split("\n")[2]
    assert "没有识别这一部分" in answer.text and "食堂" in answer.text


def test_a_rate_question_is_not_split(seeds):
    plan = plan_question("越城区2021年的公开率是多少，即予以公开和部分公开占办结的比例", None, seeds)
    assert multipart.parts(plan, seeds.vocabulary()) is None


# ---------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------

NO_LAWSUITS = {"将乐县人民政府办公室", "宝力根苏木", "中山市大涌镇"}


@pytest.mark.parametrize("question", ["行政诉讼案件最少的两个单位是哪些", "诉讼最少的前2名机关"])
def test_reports_sharing_the_last_value_of_a_top_n_are_named(seeds, question):
    answer = ask(question, corpus=seeds)
    assert "另有1份报告同为0件" in answer.text, answer.text
    named = {name for name in NO_LAWSUITS if name in answer.text}
    assert named == NO_LAWSUITS


def test_ties_are_said_in_english(seeds):
    answer = ask("Which two agencies had the fewest lawsuits?", corpus=seeds)
    assert "1 more report shares this value" in answer.text, answer.text
    assert all(name in answer.text for name in NO_LAWSUITS)


def test_no_tie_line_without_a_tie(seeds):
    answer = ask("收到申请最多的3个机关", corpus=seeds)
    assert "另有" not in answer.text


def test_a_follow_up_asks_every_part_again(seeds):
    from qa.dialogue import Conversation

    conversation = Conversation()
    ask("越城区2021年行政诉讼一共几起？尚未审结的又有几起？", conversation, seeds)
    answer = ask("那将乐县2024年呢？", conversation, seeds)
    assert answer.plan.agencies == ["将乐县人民政府办公室"] and answer.plan.years == [2024]
    assert answer.plan.metrics == ["review_litigation.litigation.total", "review_litigation.litigation.pending"]


def test_a_pronoun_in_a_later_part_is_the_earlier_parts_answer(seeds):
    # 越城区 received the most requests in 2021 (36); its lawsuits: 3 (seed 000, 表四).
    answer = ask("2021年哪个机关收到的申请最多？它打了多少行政诉讼？", corpus=seeds)
    assert "绍兴市越城区人民政府办公室" in answer.text and {36, 3} <= _numbers(answer.text), answer.text


def test_a_part_asking_again_for_the_same_figure_is_one_question(seeds):
    plan = plan_question("哪些机关有行政诉讼，分别是多少件", None, seeds)
    assert multipart.parts(plan, seeds.vocabulary()) is None


@pytest.mark.parametrize("words, expected", [
    ("诉讼与复议分别多少", ["review_litigation.litigation.total", "review_litigation.review.total"]),
    ("the reconsiderations and the lawsuits", ["review_litigation.review.total", "review_litigation.litigation.total"]),
    ("采购项目数和采购金额", ["active_disclosure.procurement.projects", "active_disclosure.procurement.amount_wan"]),
    # A generic word glued to what comes before it stays part of the phrasing.
    ("不予公开的申请和诉讼", ["applications.denied.total", "review_litigation.litigation.total"]),
])
def test_figures_listed_together_are_each_read(words, expected):
    from qa.metric_terms import find_metrics

    match = find_metrics(words)
    assert match is not None and match.keys == expected


def test_a_listed_pair_is_answered_for_the_agency_named(real):
    answer = ask("平潭综合实验区2024年行政复议与行政诉讼分别有几宗", corpus=real)
    assert {7, 19} <= _numbers(answer.text), answer.text


def test_they_in_a_later_part_are_the_agencies_listed_before(seeds):
    # Lawsuits above 2: 安康高新区 2019 (seed 002: 3, direct) and 越城区 2021 (3); their
    # reconsiderations: 0 and 3.
    answer = ask("诉讼超过2件的是哪些机关？它们各自的行政复议是多少？", corpus=seeds)
    second = answer.text.split("(2)", 1)[1]
    assert "安康高新区2019年:行政复议·总计 0件" in second and "绍兴市越城区人民政府办公室2021年:行政复议·总计 3件" in second
