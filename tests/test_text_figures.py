"""Figures stated only in a report's text (qa/text_figures.py), over the seeds.

Wordings are my own; each expected value was read in the seed report named beside it
(../shared/seeds/*.txt).  A table cell that answers the question still wins over the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.corpus import Corpus
from qa.evaluate import answer_numbers
from qa.session import ask
from qa import text_figures
from tests.conftest import open_corpus

YUECHENG, JIANGLE, ANKANG, BAOLIGEN, DAYONG = ("000_9b265bb38da02cc5.txt", "001_00e84ad5fcaa91e0.txt",
                                               "002_15842fbe8c410670.txt", "003_f97d988c963e3b8a.txt",
                                               "004_2621131c2785ac51.txt")


@pytest.fixture(scope="module")
def handle(seeds_index) -> Iterator[Corpus]:
    yield from open_corpus(seeds_index, words_only=False)


@pytest.mark.parametrize("question, value, source", [
    # 000 一(三): 疫情防控专栏发布455条
    ("越城区疫情防控专栏发了多少条信息", 455, YUECHENG),
    ("越城区2021年疫情防控专栏的发布条数", 455, YUECHENG),
    ("How many items did Yuecheng post in its epidemic column in 2021?", 455, YUECHENG),
    # 000 一(三): 图文解读19件
    ("越城区2021年做了几件图文解读", 19, YUECHENG),
    # 003 一(一): 通过苏木公示栏、微信公众平台发布信息187条
    ("宝力根苏木通过公示栏和微信公众平台发了多少条信息", 187, BAOLIGEN),
    # 002 一: 截止目前,累计受理政务服务事项97638件
    ("安康高新区累计受理了多少件政务服务事项", 97638, ANKANG),
    # 004 一(一): 在开放中山数据开放平台共发布数据集13个
    ("大涌镇在数据开放平台上发布了几个数据集", 13, DAYONG),
    ("How many datasets did Dayong Town release on the open data platform in 2022?", 13, DAYONG),
    ("大涌镇22年开放数据集总数", 13, DAYONG),
])
def test_a_figure_of_the_text_is_quoted_with_its_source(handle, question, value, source):
    answer = ask(question, None, handle).to_dict()
    assert answer["plan"]["intent"] == text_figures.INTENT, answer["answer"]
    assert value in answer_numbers(answer), answer["answer"]
    assert any(Path(s["source"]).name == source for s in answer["sources"])
    mark = text_figures.MARK_ZH if answer["plan"]["lang"] == "zh" else text_figures.MARK_EN
    assert mark in answer["answer"]
    assert "“" in answer["answer"]  # the sentence is quoted


@pytest.mark.parametrize("question, value", [
    # 000 表三: 本年新收 36 (the table answers: the text's 36 is not used instead)
    ("越城区2021年新收了多少件公开申请", 36),
    ("绍兴越城区21年一共收到几件信息公开申请", 36),
])
def test_a_table_cell_that_answers_wins(handle, question, value):
    answer = ask(question, None, handle).to_dict()
    assert answer["plan"]["intent"] != text_figures.INTENT
    assert value in answer_numbers(answer)


@pytest.mark.parametrize("question, tempting", [
    ("越城区2021年种了多少棵树", [37, 48, 36]),
    ("将乐县2024年修了几座桥", [214, 17, 5]),
    ("How many drones did Jiangle buy in 2024?", [214, 17, 5]),
])
def test_no_figure_from_an_unrelated_sentence(handle, question, tempting):
    answer = ask(question, None, handle).to_dict()
    numbers = answer_numbers(answer)
    assert not any(t in numbers for t in tempting), answer["answer"]


def test_competing_sentences_are_shown_as_readings(handle):
    # 002 一(二): 政务微博公开政府信息数550条; 政务微信公开政府信息数600条
    answer = ask("安康高新区2019年政务微博和政务微信各公开了多少条政府信息", None, handle).to_dict()
    numbers = answer_numbers(answer)
    assert 550 in numbers and 600 in numbers, answer["answer"]


# ---------------------------------------------------------------------------
# Pure steps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, asks", [
    ("关停了几个政务新媒体", True), ("政策解读篇数", True), ("主动公开信息量", True),
    ("How many tickets were handled", True), ("Pingtan's proactively published items", True),
    ("越阳光是什么", False), ("怎样保证公开信息准确", False), ("What brand does Yuecheng use", False),
])
def test_asks_quantity(question, asks):
    assert text_figures.asks_quantity(question) is asks


def test_figures_and_their_clauses():
    sentence = "关停运营不规范的政府网站1个、政务新媒体2个，其中区直部门1个，占50%。"
    found = text_figures.figures_in(sentence)
    assert [(f.value, f.unit) for f in found] == [("1", "个"), ("2", "个"), ("1", "个")]  # 50% is a share
    assert "政府网站" in found[0].clause and "政务新媒体" in found[1].clause
    assert not found[0].part and found[2].part  # 其中… is a part of what precedes it


def test_question_units():
    assert text_figures.question_unit("发布了多少篇政策解读") == "篇"
    assert text_figures.question_unit("条数是多少") == "条"
    assert text_figures.question_unit("How many tickets") == "件"


# ---------------------------------------------------------------------------
# Questions for the text: why, how, quoted names (qa/text_figures.reroute, qa/passage_focus.py)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, source, mention", [
    # 004 六(一): 本年共废止文件6份,其中3份因不适合当前工作要求进行废止
    ("大涌镇当年废止规范性文件的原因是什么", DAYONG, "不适合当前工作要求"),
    ("Dayong Town repealed normative documents in 2022: what was the reason?", DAYONG, "不适合当前工作要求"),
    # 000 一(五) / 五(五): “越阳光”政务公开品牌
    ("越城区的“越阳光”具体是指什么", YUECHENG, "越阳光"),
    # 001 一(五): 对公开的各类信息实行“三审三校”
    ("将乐县的“三审三校”是什么制度", JIANGLE, "三审三校"),
])
def test_why_and_quoted_terms_are_answered_from_the_text(handle, question, source, mention):
    answer = ask(question, None, handle).to_dict()
    assert answer["plan"]["intent"] == "narrative", answer["answer"]
    assert any(Path(s["source"]).name == source for s in answer["sources"])
    assert mention in answer["answer"]


def test_quoted_phrases():
    from qa.passage_focus import quoted_phrases

    assert quoted_phrases("平潭的“三个一”机制指什么") == ["三个一"]
    assert quoted_phrases("What is the 'Yue Sunshine' brand?") == ["Yue Sunshine"]
    assert quoted_phrases("越城区的品牌叫什么") == []


def test_the_unit_asked_for_picks_the_figure_of_a_shared_sentence(handle):
    # 004 一(一): 共发布数据集13个,发布数据总量2236条
    answer = ask("大涌镇在数据开放平台上发布的数据总量有多少条", None, handle).to_dict()
    assert 2236 in answer_numbers(answer), answer["answer"]
    assert answer["answer"].split("报告原文")[0].find("2236") >= 0  # the stated figure, not only the quote


def test_a_figure_of_things_acted_on_does_not_answer_how_many_there_are(handle):
    # 000 一(四): 共清理…政务新媒体共37个 (cleaned up), 五(三): 对目前48个政务新媒体 (there are)
    answer = ask("越城区现在总共有几个政务新媒体", None, handle).to_dict()
    numbers = answer_numbers(answer)
    assert 48 in numbers and 37 not in numbers, answer["answer"]


def test_a_quoted_term_beyond_the_cut_is_shown():
    from qa.passage_focus import excerpt

    text = "前文很长。" * 80 + "实行“三审三校”制度。后文。"
    assert "三审三校" in excerpt(text, ["三审三校"], 300)
    assert excerpt(text, [], 300).startswith("前文很长")


def test_newly_added_is_no_act_of_removal():
    # crawl/10.txt (2013): 2013年新增主动公开政府信息45条 answers 主动公开了多少条
    from qa.text_figures import _unasked_act

    assert not _unasked_act("2013年新增主动公开政府信息", "主动公开")
    assert _unasked_act("对发挥作用不明显的政务新媒体予以关停注销", "政务新媒体")
    assert not _unasked_act("对发挥作用不明显的政务新媒体予以关停注销", "政务新媒体 注销")


def test_a_follow_up_asks_the_same_of_another_year(real_index):
    # ../shared/real html/11.html 一(四): 先后关停…政务新媒体2个; html/06.html 一(四): 对5个…政务新媒体予以关停注销
    from qa.dialogue import Conversation

    with Corpus(real_index) as corpus:
        conversation = Conversation()
        first = ask("平潭综合实验区2021年关停了几个政务新媒体", conversation, corpus).to_dict()
        second = ask("那2024年呢？", conversation, corpus).to_dict()
    assert 2 in answer_numbers(first) and 5 in answer_numbers(second), second["answer"]
    assert second["plan"]["intent"] == text_figures.INTENT


def test_more_than_figures_are_read():
    # 000 一(五): 区府办指导全区开展专题培训10余场
    found = text_figures.figures_in("区府办指导全区开展专题培训10余场,累计主动公开政府信息7700余条")
    assert [(f.value, f.unit) for f in found] == [("10余", "场"), ("7700余", "条")]
