"""Question → plan, table-driven, over the agencies and years of the seeds corpus.

The seeds' newest report year is 2024, so relative years resolve against it.
"""

from __future__ import annotations

import pytest

from index.tables import store
from qa.corpus import Vocabulary
from qa.dialogue import Conversation, Turn, plan_for
from qa.quantities import chinese_number, detect_language, parse_number
from qa.understand import understand

YUECHENG = "绍兴市越城区人民政府办公室"
JIANGLE = "将乐县人民政府办公室"
DAYONG = "中山市大涌镇"
LITIGATION = "review_litigation.litigation.total"
REQUESTS = "applications.new_received.total"


@pytest.fixture(scope="module")
def vocabulary(seeds_store):
    """The seeds' names and years, without the embedding fallback: plans here come from words alone."""
    with store.reading(seeds_store) as con:
        return Vocabulary.from_store(con)


def read(vocabulary: Vocabulary, question: str):
    return understand(question, vocabulary)


# (question, expected plan fields)
CASES = [
    ("2021年哪些机关有行政诉讼？", {"intent": "list", "metrics": [LITIGATION], "years": [2021], "lang": "zh"}),
    ("将乐县2024年收到多少政府信息公开申请？",
     {"intent": "lookup", "agencies": [JIANGLE], "years": [2024], "metrics": [REQUESTS]}),
    ("近三年越城区行政复议的变化趋势",
     {"intent": "trend", "agencies": [YUECHENG], "year_from": 2022, "year_to": 2024,
      "metrics": ["review_litigation.review.total"]}),
    ("去年收到申请最多的前五个机关", {"intent": "rank", "years": [2024], "top_n": 5, "order": "desc"}),
    ("2019至2022年行政诉讼超过1件的机关有哪些",
     {"intent": "list", "year_from": 2019, "year_to": 2022, "threshold": {"op": ">", "value": 1.0}}),
    ("行政诉讼超过十件的机关有哪些", {"intent": "list", "threshold": {"op": ">", "value": 10.0}}),
    ("2021年行政复议不少于3件的机关", {"threshold": {"op": ">=", "value": 3.0}}),
    ("收到申请10件以上的机关有哪些", {"intent": "list", "threshold": {"op": ">=", "value": 10.0}}),
    ("行政处罚决定前三名的机关", {"intent": "rank", "top_n": 3}),
    ("哪些报告勾稽关系不平衡", {"intent": "quality", "quality": "balance"}),
    ("哪些报告的正文和统计表数据对不上？", {"intent": "quality", "quality": "narrative"}),
    ("哪些报告年报雷同", {"intent": "quality", "quality": "copied"}),
    ("这家的年报是抄去年的吗", {"intent": "quality", "quality": "copied"}),
    ("哪年的结转件数跟下一年的上年结转不一样", {"intent": "quality", "quality": "carry_over"}),
    ("有没有哪年行政复议突然暴涨", {"intent": "quality", "quality": "jump"}),
    ("申请数量飙升的机关", {"intent": "quality", "quality": "jump"}),
    ("哪些机关有诉讼，它们打算怎么改进?",
     {"intent": "mixed", "kinds": ["measures"], "metrics": [LITIGATION], "from_previous": False}),
    ("大涌镇在政务公开工作中存在哪些主要问题？", {"intent": "narrative", "kinds": ["problems"], "agencies": [DAYONG]}),
    ("关于丰富政策解读形式，有哪些改进措施？",
     {"intent": "narrative", "kinds": ["measures"], "topic": "policy_interpretation", "agencies": []}),
    ("关于依申请公开，有哪些改进措施？", {"intent": "narrative", "kinds": ["measures"]}),
    ("因为不掌握信息无法提供的有多少", {"metrics": ["applications.unavailable.not_held.total"]}),
    ("越城区2021年行政强制措施有多少件？",
     {"intent": "lookup", "metrics": ["active_disclosure.coercion.decisions"], "kinds": []}),
    ("浙江省哪些机关有行政诉讼", {"intent": "list", "region": {"province": "浙江省"}, "agencies": []}),
    ("二〇二一年越城区收到多少申请", {"years": [2021], "agencies": [YUECHENG]}),
    ("北京市朝阳区2021年收到多少申请", {"unknown_names": ["北京市朝阳区"], "agencies": []}),
    ("比较将乐县和越城区本年新收的申请数量",
     {"intent": "compare", "compare": "agency", "agencies": [JIANGLE, YUECHENG]}),
    ("将乐县2023年和2024年收到的申请", {"intent": "compare", "compare": "year", "years": [2023, 2024]}),
    ("2021年各机关平均收到多少申请", {"intent": "average", "years": [2021], "agencies": []}),
    ("所有机关收到的申请合计多少？", {"intent": "total", "agencies": []}),
    ("哪些机关没有行政诉讼？", {"intent": "list", "threshold": {"op": "=", "value": 0.0}}),
    ("有多少个机关有行政复议？", {"intent": "count", "metrics": ["review_litigation.review.total"]}),
    ("按城市统计2021年收到的申请合计", {"intent": "total", "group_by": "city"}),
    ("How many requests did Yuecheng District refuse to disclose in 2021?",
     {"intent": "lookup", "lang": "en", "agencies": [YUECHENG], "years": [2021],
      "metrics": ["applications.denied.total"]}),
    ("Which agency received the most information disclosure requests?",
     {"intent": "rank", "lang": "en", "metrics": [REQUESTS], "top_n": None, "order": "desc"}),
    ("Which agency had the fewest requests received?", {"intent": "rank", "order": "asc"}),
    ("How many agencies had more than 5 lawsuits in the last three years?",
     {"intent": "count", "threshold": {"op": ">", "value": 5.0}, "year_from": 2022, "year_to": 2024,
      "metrics": [LITIGATION]}),
    ("Compare Jiangle County and Yuecheng District on requests received",
     {"intent": "compare", "agencies": [JIANGLE, YUECHENG], "lang": "en"}),
    ("Which reports contradict their tables?", {"intent": "quality", "quality": "narrative", "from_previous": False}),
    ("What problems did Yuecheng District report?", {"intent": "narrative", "kinds": ["problems"]}),
    ("Top 3 agencies by administrative penalties in 2021",
     {"intent": "rank", "top_n": 3, "metrics": ["active_disclosure.penalty.decisions"]}),
    ("What was Ankang High-tech Zone's central government procurement amount in 2019?",
     {"agencies": ["安康高新区"], "metrics": ["active_disclosure.procurement.amount_wan"]}),
    ("How many requests did Chaoyang District receive in 2021?", {"unknown_names": ["Chaoyang District"]}),
]


@pytest.mark.parametrize("question, expected", CASES, ids=[c[0][:24] for c in CASES])
def test_question_reads_as_plan(vocabulary, question, expected):
    plan = read(vocabulary, question)
    found = plan.to_dict()
    for field, value in expected.items():
        assert found[field] == value, f"{field}: {found[field]!r} != {value!r}\n{found}"


def test_every_piece_says_how_it_was_read(vocabulary):
    plan = read(vocabulary, "去年大涌镇行政处罚决定有多少件？")
    year = plan.reading("year")
    assert year.value == 2024 and "2024" in year.how_zh and "去年" in year.how_zh
    agency = plan.reading("agency")
    assert agency.text == "大涌镇" and agency.value == [DAYONG] and agency.confidence < 1
    assert plan.reading("metric").value == ["active_disclosure.penalty.decisions"]


def test_ambiguous_name_keeps_every_candidate(vocabulary):
    # 越城 names the agency loosely (without its place suffix), not ambiguously.
    plan = read(vocabulary, "越城2021年收到多少申请")
    entity = plan.entities[0]
    assert entity.names == [YUECHENG] and entity.confidence < 0.9 and not entity.ambiguous


@pytest.mark.parametrize("text, value", [("三", 3), ("十", 10), ("十五", 15), ("二十", 20), ("两", 2),
                                         ("一百二十", 120), ("三十五", 35)])
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("text, value", [("7", 7.0), ("2.5", 2.5), ("five", 5.0), ("十二", 12.0), ("abc", None)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, lang", [("How many requests did 将乐县 receive?", "en"), ("将乐县收到多少申请", "zh"),
                                        ("2021年GDP是多少", "zh"), ("Top 5 agencies", "en")])
def test_language(text, lang):
    assert detect_language(text) == lang


# ---------------------------------------------------------------------------
# Follow-ups
# ---------------------------------------------------------------------------


def converse(vocabulary: Vocabulary, questions: list[str], agencies: list[list[str]] | None = None):
    """Plans of a conversation; ``agencies[i]`` stands for what answer i was about."""
    conversation = Conversation()
    plans = []
    for i, question in enumerate(questions):
        plan = plan_for(read(vocabulary, question), conversation)
        plans.append(plan)
        about = agencies[i] if agencies else plan.agencies
        conversation.add(Turn(question, plan, about))
    return plans


def test_follow_up_with_a_metric_keeps_agency_and_year(vocabulary):
    first, second = converse(vocabulary, ["大涌镇2022年行政处罚决定有多少件？", "那行政强制呢？"])
    assert second.follow_up and second.intent == "lookup"
    assert second.metrics == ["active_disclosure.coercion.decisions"]
    assert second.agencies == [DAYONG] and second.years == [2022]
    assert set(second.inherited) == {"agencies", "years"}
    assert "沿用上一问的机关、年份" in second.read_as_zh and DAYONG in second.read_as_zh


@pytest.mark.parametrize("questions, metric", [
    (["越城区2021年行政复议结果维持了几件？", "那结果纠正呢？"], "review_litigation.review.corrected"),
    (["越城区2021年本年新收申请中自然人有多少？", "商业企业呢？"], "applications.new_received.commercial"),
    (["将乐县2024年本年制发的规范性文件有多少件？", "那废止了多少？"],
     "active_disclosure.normative_documents.repealed"),
])
def test_follow_up_naming_a_column_keeps_the_row(vocabulary, questions, metric):
    """Regression: a follow-up naming only another column kept the previous column."""
    first, second = converse(vocabulary, questions)
    assert second.follow_up and second.metrics == [metric]
    assert second.agencies == first.agencies and second.years == first.years


def test_follow_up_with_a_year_keeps_agency_and_metric(vocabulary):
    _, second = converse(vocabulary, ["将乐县2024年收到多少申请？", "那2022年呢？"])
    assert second.years == [2022] and second.agencies == [JIANGLE] and second.metrics == [REQUESTS]
    assert set(second.inherited) == {"agencies", "metrics"}


def test_follow_up_with_an_agency_turns_a_list_into_a_lookup(vocabulary):
    _, second = converse(vocabulary, ["2021年哪些机关有行政诉讼？", "将乐县呢？"])
    assert second.intent == "lookup" and second.agencies == [JIANGLE]
    assert second.years == [2021] and second.metrics == [LITIGATION]


def test_english_follow_up_with_a_name_only(vocabulary):
    _, second = converse(vocabulary, ["How many requests did Yuecheng District receive in 2021?", "Jiangle?"])
    assert second.lang == "en" and second.agencies == [JIANGLE] and second.years == [2021]
    assert second.read_as.startswith("Read as:") and "kept from the previous question" in second.read_as


def test_they_means_the_previous_answers_agencies(vocabulary):
    _, second = converse(vocabulary, ["2021年哪些机关有行政诉讼？", "它们的改进措施呢？"], [[YUECHENG], []])
    assert second.intent == "narrative" and second.kinds == ["measures"]
    assert second.from_previous and second.agencies == [YUECHENG] and second.years == [2021]
    assert "它们" in second.read_as_zh


def test_a_complete_question_is_not_a_follow_up(vocabulary):
    _, second = converse(vocabulary, ["将乐县2024年收到多少申请？", "越城区2021年行政复议有多少件？"])
    assert not second.follow_up and second.inherited == []
    assert second.agencies == [YUECHENG] and second.metrics == ["review_litigation.review.total"]


def test_they_without_a_previous_turn_points_nowhere(vocabulary):
    (plan,) = converse(vocabulary, ["它们的改进措施呢？"])
    assert not plan.from_previous and plan.intent == "narrative"
