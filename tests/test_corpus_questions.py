"""Questions about the corpus itself (issue 11): how many reports, agencies or years, and a
report's publication date, script, template, level, region and source file.

Expected values are read from the five seed reports (../shared/seeds):

* 000 绍兴市越城区人民政府办公室, the 2021 report; no publication date in the text;
* 001 将乐县人民政府办公室, the 2024 report, "依据…年度报告格式(国办公开办函〔2021〕30号)": the 2021 template;
* 002 安康高新区, the 2019 report, in traditional characters ("政府信息公開工作年度報告"),
  "公開日期: 2020-02-13";
* 003 宝力根苏木 (a 苏木, township level), the 2023 report; no publication date in the text;
* 004 中山市大涌镇 (a town), the 2022 report, "发布日期:2023-01-10".

So: 5 reports from 5 agencies, one a year for 2019, 2021, 2022, 2023, 2024; two township-level
reports (大涌镇, 宝力根苏木); one in traditional script.
"""

from __future__ import annotations

import re

import pytest

from qa import Corpus, ask
from tests.conftest import stated


def _ask(corpus: Corpus, question: str):
    answer = ask(question, None, corpus)
    assert answer.plan.intent == "corpus", (question, answer.plan.intent, answer.text)
    return answer


ALL_REPORTS = ["语料库里一共有几份年报？", "数据库中收录了多少份报告", "How many reports are there in the corpus?",
               "what's the number of annual reports you hold"]


@pytest.mark.parametrize("question", ALL_REPORTS)
def test_counting_every_report(seeds, question):
    answer = _ask(seeds, question)
    first = answer.text.splitlines()[0]
    assert stated("5", first), answer.text
    for source in ("000_9b265bb38da02cc5.txt", "002_15842fbe8c410670.txt", "004_2621131c2785ac51.txt"):
        assert source in answer.text  # each report counted is cited


@pytest.mark.parametrize("question", ["2024年有几个机关发布了年报？", "2024年度的报告来自多少家单位",
                                      "How many agencies published a report for 2024?"])
def test_counting_agencies_of_a_year(seeds, question):
    answer = _ask(seeds, question)
    first = answer.text.splitlines()[0]
    assert "2024" in first and stated("1", first), answer.text
    assert "将乐县人民政府办公室" in answer.text and "越城区" not in answer.text


@pytest.mark.parametrize("question", ["How many reports from 2021 are there?", "2021年的年报有几份？",
                                      "语料库里2021年度的报告有多少份"])
def test_counting_reports_of_a_year(seeds, question):
    answer = _ask(seeds, question)
    first = answer.text.splitlines()[0]
    assert "2021" in first and stated("1", first), answer.text
    assert "绍兴市越城区人民政府办公室" in answer.text and "将乐县" not in answer.text


@pytest.mark.parametrize("question", ["乡镇级的报告有几份", "乡镇的年报一共多少份", "how many reports are from townships"])
def test_counting_by_level(seeds, question):
    answer = _ask(seeds, question)
    assert stated("2", answer.text.splitlines()[0]), answer.text
    assert "中山市大涌镇" in answer.text and "宝力根苏木" in answer.text and "安康" not in answer.text


@pytest.mark.parametrize("question", ["语料库涵盖哪几年？", "报告覆盖了哪些年份", "Which years does the corpus cover?"])
def test_years_of_the_corpus(seeds, question):
    answer = _ask(seeds, question)
    for year in ("2019", "2021", "2022", "2023", "2024"):
        assert year in answer.text.splitlines()[0], answer.text


@pytest.mark.parametrize("question", ["大涌镇的年报是哪天发布的？", "中山市大涌镇报告的发布日期是什么",
                                      "When was the Dayong town report published?"])
def test_publication_date(seeds, question):
    answer = _ask(seeds, question)
    assert "2023-01-10" in answer.text
    assert "安康" not in answer.text and "越城区" not in answer.text


@pytest.mark.parametrize("question", ["越城区的报告什么时候发布的", "绍兴市越城区年报的公开日期",
                                      "What is the publication date of the Yuecheng report?"])
def test_a_date_the_report_does_not_state_is_said_to_be_missing(seeds, question):
    answer = _ask(seeds, question)
    assert re.search(r"没有写明发布日期|states no publication date", answer.text), answer.text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", answer.text.split("\n\n")[0])


@pytest.mark.parametrize("question", ["哪些报告是繁体字的？", "有没有用繁体写的年报", "Which reports are in traditional Chinese?"])
def test_traditional_script(seeds, question):
    answer = _ask(seeds, question)
    assert "安康高新区" in answer.text and "002_15842fbe8c410670.txt" in answer.text
    for other in ("越城区", "将乐县", "大涌镇", "宝力根苏木"):
        assert other not in answer.text, answer.text


@pytest.mark.parametrize("question", ["安康高新区的报告是繁体还是简体", "安康高新区年报用的什么字体",
                                      "What script is the Ankang report written in?"])
def test_script_of_one_report(seeds, question):
    answer = _ask(seeds, question)
    assert re.search(r"繁体|traditional", answer.text), answer.text


@pytest.mark.parametrize("question", ["将乐县的报告用的是哪个模板", "将乐县年报采用哪种格式",
                                      "Which template does the Jiangle report use?"])
def test_template(seeds, question):
    answer = _ask(seeds, question)
    assert "2021" in answer.text and "2019年版" not in answer.text and "2019 template" not in answer.text


@pytest.mark.parametrize("question", ["宝力根苏木是什么级别的机关", "宝力根苏木属于哪一级", "What level is 宝力根苏木?"])
def test_level(seeds, question):
    answer = _ask(seeds, question)
    assert re.search(r"乡镇|township", answer.text), answer.text


@pytest.mark.parametrize("question", ["大涌镇属于哪个省", "大涌镇在哪里", "Which province is Dayong town in?"])
def test_region(seeds, question):
    answer = _ask(seeds, question)
    assert "广东省" in answer.text and "中山市" in answer.text


@pytest.mark.parametrize("question", ["宝力根苏木年报的源文件是哪个", "宝力根苏木报告的文件名",
                                      "Which source file is the 宝力根苏木 report from?"])
def test_source_file(seeds, question):
    answer = _ask(seeds, question)
    assert "003_f97d988c963e3b8a.txt" in answer.text
    assert "004_" not in answer.text


@pytest.mark.parametrize("question", ["平潭综合实验区有几年的年报？", "平潭综合实验区的报告有几份"])
def test_a_name_the_corpus_lacks_is_said_not_counted_over_everything(seeds, question):
    answer = ask(question, None, seeds)
    assert "平潭综合实验区" in answer.text
    assert not stated("5", answer.text), answer.text


@pytest.mark.parametrize("question, figure", [
    ("越城区2021年收到多少申请", "36"),
    ("2021年越城区的报告里新收了几件申请", "36"),
    ("How many requests did Yuecheng receive in 2021?", "36"),
    ("将乐县2024年有几份报告类的申请", None),
])
def test_a_figure_question_is_not_a_corpus_question(seeds, question, figure):
    answer = ask(question, None, seeds)
    assert answer.plan.intent != "corpus", answer.text
    if figure:
        assert stated(figure, answer.text), answer.text


@pytest.mark.parametrize("question", ["有多少报告提到了政务新媒体", "how many reports mention websites"])
def test_a_count_with_words_about_content_is_not_the_number_of_reports(seeds, question):
    answer = ask(question, None, seeds)
    assert answer.plan.intent != "corpus"
    assert not stated("5", answer.text.splitlines()[0]), answer.text
