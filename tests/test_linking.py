"""Never answer a different question silently (issue 11): the column chosen by the words'
meaning, every content word linked or stated, names never dropped, numerals by cn2an.

Expected figures are read from the seed reports (../shared/seeds):

* 000, 绍兴市越城区人民政府办公室 2021: 本年新收 36; 上年结转 2; (三)不予公开 1 + 2 = 3; (七)总计 38;
  结转下年度继续办理 0; 行政规范性文件 本年制发 21, 本年废止 2, 现行有效 108; 行政诉讼 尚未审结
  1 (未经复议直接起诉) + 0 (复议后起诉), 总计 1 + 2 = 3;
* 001, 将乐县人民政府办公室 2024: 本年新收 自然人 3, 商业企业 2, 总计 5; 规范性文件 本年制发 17, 现行有效 138;
* 002, 安康高新区 2019 (2019 template): 政府集中采购 采购项目数量 120, 采购总金额 2191.563 万元;
* 004, 中山市大涌镇 2022: 本年废止 行政规范性文件 6, 本年新收 4.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.ingest import ingest
from qa import Corpus, ask
from qa.quantities import chinese_number
from tests.conftest import open_corpus, seed_path


def stated(number: str, text: str) -> bool:
    """``number`` appears in ``text`` as a whole number (not inside 2191.563, 2021 or a file name)."""
    return re.search(rf"(?<![0-9A-Za-z_.]){re.escape(number)}(?![0-9A-Za-z_]|\.\d)", text) is not None


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory) -> Iterator[Corpus]:
    """Seed 000 and seed 004 with its town renamed 平潭综合实验区 (its figures unchanged)."""
    files = tmp_path_factory.mktemp("pingtan-files")
    shutil.copy(seed_path("000"), files)
    text = seed_path("004").read_text(encoding="utf-8")
    (files / "pingtan.txt").write_text(text.replace("中山市大涌镇", "平潭综合实验区").replace("大涌镇", "平潭综合实验区"),
                                       encoding="utf-8")
    data = tmp_path_factory.mktemp("pingtan-data")
    result = ingest([files], data, workers=1, progress=False, passages=False)
    assert len(result.new) == 2 and not result.failed, result.failed
    yield from open_corpus(data)


def answer(corpus: Corpus, question: str) -> str:
    return ask(question, None, corpus).text


# ---------------------------------------------------------------------------
# 1. The column (or row) by the meaning of the words
# ---------------------------------------------------------------------------

# (questions, the figure to state, figures that answer another question)
BY_MEANING = [
    # 拒绝 / 驳回 / 不公开 → (三)不予公开, not 本年新收.
    (["越城区2021年拒绝了多少申请？", "2021年越城区有几件公开申请被驳回了", "绍兴市越城区2021年不公开的申请有多少件",
      "How many requests did Yuecheng turn down in 2021?",
      "In 2021, how many disclosure applications were rejected by Yuecheng District?",
      "Number of denied requests, Yuecheng, 2021"], "3", ["36", "38"]),
    # 有效 / 现行 → 现行有效件数, not 本年制发.
    (["越城区2021年有效的规范性文件数", "越城区2021年现行的行政规范性文件有多少件", "2021年越城区还有效的红头文件一共几件",
      "How many normative documents were still in force in Yuecheng in 2021?",
      "Yuecheng 2021: valid regulatory documents", "How many of Yuecheng's normative documents were valid in 2021?"],
     "108", ["21"]),
    (["将乐县2024年有效的规范性文件有多少", "How many normative documents of Jiangle County are in effect (2024)?",
      "将乐2024年现行规范性文件数量"], "138", ["17"]),
    # 花了多少钱 / 金额 / 万元 → the 万元 column, not 采购项目数量.
    (["安康高新区2019年政府采购花了多少钱", "2019年安康高新区集中采购的金额是多少", "安康高新区2019年政府集中采购一共多少万元",
      "How much money did Ankang High-tech Zone spend on government procurement in 2019?",
      "What was the amount of central procurement for Ankang Hi-tech Zone in 2019?",
      "Ankang High-tech Zone 2019 procurement spending"], "2191.563", ["120"]),
    # 结转过来 → 上年结转, not the row's total.
    (["越城区2021年结转过来的申请有多少", "越城区2021年从上年结转的申请有几件", "2021年越城区有多少申请是上年遗留的",
      "How many of Yuecheng's requests in 2021 were brought forward from last year?",
      "Yuecheng 2021: requests left over from the previous year",
      "In 2021 how many applications to Yuecheng were carried over from the year before?"], "2", ["36", "38"]),
    # 留到下一年 / 没办完 → 结转下年度继续办理.
    (["越城区2021年留到下一年的申请有多少", "越城区2021年有几件申请没办完、要下年度继续办理", "2021年越城区结转到下一年的申请数",
      "How many of Yuecheng's 2021 requests were carried forward to the next year?",
      "How many requests were still unfinished at the end of 2021 in Yuecheng?",
      "Yuecheng 2021 requests rolled over to next year"], "0", ["36", "38", "2"]),
    # 没审结 → 尚未审结, not the lawsuits' total.
    (["越城区2021年还有几件诉讼没审结", "2021年越城区行政诉讼尚未审结的有几件", "越城区2021年打官司还没判的有多少",
      "How many of Yuecheng's lawsuits were still pending in 2021?", "Yuecheng 2021 lawsuits not yet decided",
      "In 2021 how many court cases of Yuecheng were unresolved?"], "1", ["3"]),
    # 老百姓 / 企业 / 公司 → the applicant columns, not 总计.
    (["将乐县2024年老百姓提交了多少申请", "2024年将乐县收到的申请中个人申请有几件", "将乐2024年市民提出的信息公开申请数量",
      "How many requests did private individuals file with Jiangle County in 2024?",
      "Jiangle 2024: requests from members of the public", "How many applications did residents submit to Jiangle in 2024?"],
     "3", ["5"]),
    (["将乐县2024年企业申请有几件", "将乐县2024年公司提出的信息公开申请数量", "2024年将乐县收到多少来自企业的申请",
      "How many requests did companies file with Jiangle County in 2024?", "Jiangle 2024: requests from firms",
      "How many applications did businesses submit to Jiangle in 2024?"], "2", ["5"]),
]


@pytest.mark.parametrize("questions,right,wrong", BY_MEANING, ids=[q[0][0] for q in BY_MEANING])
def test_words_choose_the_row_and_column_by_meaning(seeds, questions, right, wrong):
    for question in questions:
        text = answer(seeds, question)
        assert stated(right, text), (question, text)
        for number in wrong:
            assert not stated(number, text), (question, number, text)


@pytest.mark.parametrize("question", ["What did central procurement cost Ankang High-tech Zone in 2019?",
                                      "How much did Ankang High-tech Zone spend on procurement in 2019?",
                                      "安康高新区2019年集中采购花费多少万元"])
def test_a_money_word_asks_for_the_figure_not_for_passages(seeds, question):
    result = ask(question, None, seeds)
    assert result.plan.intent == "lookup" and stated("2191.563", result.text), result.text


def test_a_money_word_asked_of_a_count_is_stated_not_dropped(seeds):
    text = answer(seeds, "大涌镇2022年诉讼花了多少钱")
    assert "没有识别“花了多少钱”" in text and "可能改变数字" in text


# ---------------------------------------------------------------------------
# 2. Coverage: a word not understood is stated with the reading
# ---------------------------------------------------------------------------

# 败诉 / lose / lost now name the 结果纠正 column (诉讼败诉率 = 结果纠正 / 总计, qa.rates), so
# the words left unlinked here are their opposites, which no column answers.
UNLINKED = [
    ("越城区2021年行政诉讼胜诉了几次", "胜诉"),
    ("2021年越城区申请数量的中位数是多少", "中位数"),
    ("How many lawsuits did Yuecheng win in 2021?", "win"),
    ("What was Yuecheng's median number of requests in 2021?", "median"),
    ("In 2021, what percentage of Yuecheng's lawsuits were won?", "won"),
]


@pytest.mark.parametrize("question,word", UNLINKED)
def test_an_unlinked_outcome_word_is_stated_with_the_reading(seeds, question, word):
    result = ask(question, None, seeds)
    assert word in result.plan.unlinked
    if result.lang == "zh":
        assert "理解为" in result.text and f"没有识别“{word}”" in result.text
        assert "可能改变数字" in result.text
    else:
        assert "Read as" in result.text and f"“{word}”" in result.text and "not understood" in result.text
        assert "may change the figure" in result.text


@pytest.mark.parametrize("question", [
    "越城区2021年收到多少政府信息公开申请？", "越城区2021年拒绝了多少申请？",
    "How many requests did Yuecheng District receive in 2021?", "将乐县2024年企业申请有几件",
])
def test_a_fully_linked_question_reports_nothing_unlinked(seeds, question):
    result = ask(question, None, seeds)
    assert result.plan.unlinked == []
    assert "没有识别" not in result.text and "not understood" not in result.text


# ---------------------------------------------------------------------------
# 3. Names are never dropped
# ---------------------------------------------------------------------------

PINGTAN = ["平潭2022年废止了几件行政规范性文件？", "2022年平潭废止的规范性文件有多少件", "那平潭呢？2022年废止了多少件规范性文件",
           "How many normative documents did Pingtan repeal in 2022?",
           "Pingtan: normative documents repealed in 2022",
           "In 2022, how many regulatory documents were abolished by Pingtan?"]


@pytest.mark.parametrize("question", PINGTAN)
def test_a_name_the_corpus_lacks_is_the_answer_not_a_wider_scope(seeds, question):
    result = ask(question, None, seeds)
    if result.lang == "zh":
        assert "语料库中没有与“平潭”对应的机关" in result.text
    else:
        assert "No agency in the corpus matches “Pingtan”" in result.text
    # 大涌镇 repealed 6 in 2022: the corpus's sum must not stand in for 平潭.
    assert not stated("6", result.text)
    assert result.table is None or not result.cells


@pytest.mark.parametrize("follow_up", ["那平潭呢？", "平潭呢", "那么平潭呢？", "And Pingtan?", "What about Pingtan?",
                                       "Pingtan?"])
def test_a_follow_up_naming_an_unknown_agency_does_not_repeat_the_previous_one(seeds, follow_up):
    from qa import Conversation

    conversation = Conversation()
    first = ask("越城区2021年拒绝了多少申请？", conversation, seeds)
    assert stated("3", first.text)
    result = ask(follow_up, conversation, seeds)
    assert "平潭" in result.text or "Pingtan" in result.text
    assert "没有与“平潭”对应的机关" in result.text or "No agency in the corpus matches “Pingtan”" in result.text
    assert not stated("3", result.text) and "越城区" not in result.text, result.text


@pytest.mark.parametrize("question", PINGTAN)
def test_a_short_name_finds_the_agency_by_its_place_ending(pingtan, question):
    text = answer(pingtan, question)
    assert "平潭综合实验区" in text and stated("6", text), text
    assert not stated("2", text)  # 越城区's 本年废止 (2021) is not asked


def demo_office(tmp_path_factory) -> tuple[Path, dict[str, dict[int, int]], str, dict[int, int]]:
    from corpus.demo import read_manifest, write_corpus

    files = tmp_path_factory.mktemp("demo-office-files")
    write_corpus(files, 40, range(2021, 2023), seed=0)
    manifest = read_manifest(files)
    by_agency: dict[str, dict[int, int]] = {}
    city_of: dict[str, str] = {}
    city_offices: set[str] = set()
    for entry in manifest:
        truth = entry["truth"]
        by_agency.setdefault(truth["agency"], {})[truth["year"]] = truth["applications"]["new_received"]["total"]
        city_of[truth["agency"]] = truth["region"].get("city") or ""
        if (entry["level"], entry["kind"]) == ("city", "government"):
            city_offices.add(truth["agency"])
    # A city's own government office, in a city with other agencies too.
    office = next(a for a in sorted(city_offices) if a.endswith("人民政府办公室")
                  and sum(city_of[b] == city_of[a] for b in by_agency) >= 3)
    city_sums: dict[int, int] = {}
    for agency, years in by_agency.items():
        if city_of[agency] == city_of[office]:
            for year, value in years.items():
                city_sums[year] = city_sums.get(year, 0) + value
    data = tmp_path_factory.mktemp("demo-office-data")
    result = ingest([files], data, workers=1, progress=False, passages=False)
    assert not result.failed, result.failed
    return data, by_agency, office, city_sums


@pytest.fixture(scope="module")
def office_corpus(tmp_path_factory):
    data, by_agency, office, city_sums = demo_office(tmp_path_factory)
    for corpus in open_corpus(data):
        yield corpus, by_agency[office], office, city_sums


@pytest.mark.parametrize("template", ["{office}各年收到的申请数量", "{office}历年收到多少申请", "{office}每年的申请数是多少",
                                      "How many requests did {office} receive each year?",
                                      "{office}: requests received per year", "Requests to {office} over the years"])
def test_an_office_is_never_read_as_its_whole_city(office_corpus, template):
    corpus, own, office, city_sums = office_corpus
    result = ask(template.format(office=office), None, corpus)
    assert result.plan.agencies == [office] and not result.plan.region
    for year, value in own.items():
        assert stated(str(value), result.text), (year, value, result.text)
    for year, value in city_sums.items():
        if value != own.get(year):
            assert not stated(str(value), result.text), (year, value, result.text)


# ---------------------------------------------------------------------------
# 4. Numerals by cn2an
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("numeral,value", [("三千五", 3500), ("两千二", 2200), ("三千零五", 3005), ("一百二十", 120),
                                           ("十五", 15), ("百", 100), ("两", 2)])
def test_chinese_numerals(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("question", ["哪些机关收到的申请超过三千五件", "收到申请超过三千五百件的机关有哪些",
                                      "哪些机关的申请数大于三千五"])
def test_a_spoken_numeral_is_the_threshold(seeds, question):
    from qa import plan_question

    plan = plan_question(question, None, seeds)
    assert plan.threshold == {"op": ">", "value": 3500.0}
