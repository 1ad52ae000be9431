"""English questions worded as an analyst would write them, over the seeds and ../shared/real.

Wordings are my own (none is a line of the paraphrase set); each expected value was read in
the report named beside it.  The real reports: 平潭综合实验区 2024 = html/06.html (table 三:
部分公开 29, 保护第三方合法权益 3, 属于三类内部事务信息 32, 本机关不掌握 75, 自然人新收 217,
本年新收总计 218; table 四: 复议后起诉总计 19, 行政复议总计 7; text: "全年发布政策文件解读96篇";
table 二 本年制发规范性文件 62 is the tempting wrong figure), 2019 = html/07.html ("…医用耗材价格等信息
106条", "…其他重大环境信息131条"), 2021 = html/11.html ("先后关停…政务新媒体2个"), 2022 = html/12.html
("对全区现存的33个政务新媒体…"), 2025 = html/19.html ("关停…政府网站1个、政务新媒体2个").
The seed 001 (将乐县 2024): "…民政扶贫救灾社会保障和就业类信息16条,国土资源城乡建设环保能源类信息105条,
科教文体卫生类信息6条,安全生产、应急管理类信息9条…"; seed 002 (安康高新区 2019): 本年新收 2.
"""

from __future__ import annotations

import pytest

from qa.corpus import Corpus
from qa.dialogue import Conversation
from qa.evaluate import answer_numbers
from qa.session import ask
from qa import text_figures
from tests.qa_corpus import real_corpus, seeds_corpus

PINGTAN_ZONE = "平潭综合实验区"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    with Corpus(real_corpus(tmp_path_factory)) as corpus:
        yield corpus


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    with Corpus(seeds_corpus(tmp_path_factory)) as corpus:
        yield corpus


# ---------------------------------------------------------------------------
# Table 三 and 四: rows, sub-rows and columns in an analyst's English
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, value, wrong", [
    ("What number of 2024 requests to the Pingtan zone ended in partial disclosure?", 29, [218, 71]),
    # "answer(ed)" names 办理结果总计 only when no outcome is said with it
    ("How many requests did the Pingtan zone answer with partial disclosure in 2024?", 29, [218, 71]),
    ("How many of the Pingtan zone's 2024 requests were only partly disclosed?", 29, [218, 71]),
    ("In 2024, how many requests were released in part by Pingtan Comprehensive Experimental Zone?", 29, [218, 71]),
    ("In 2024, how many requests did the Pingtan zone turn down to protect third-party rights?", 3, [39, 218]),
    ("How many 2024 requests did Pingtan zone withhold as internal affairs information?", 32, [39, 218]),
    ("How many 2024 requests did the Pingtan zone say it did not hold the information for?", 75, [218]),
    ("How many requests did private individuals send the Pingtan zone in 2024?", 217, [218]),
    ("How many lawsuits were brought after administrative reconsideration against the Pingtan zone in 2024?",
     19, [7]),
])
def test_table_rows_and_columns_in_english(real, question, value, wrong):
    answer = ask(question, Conversation(), real).to_dict()
    numbers = answer_numbers(answer)
    assert value in numbers, answer["answer"]
    assert not any(w in numbers for w in wrong), answer["answer"]


@pytest.mark.parametrize("question, row", [
    ("How many requests could the Pingtan zone not provide in 2024 because nothing ready-made existed and it "
     "would have to be compiled?", "applications.unavailable.needs_compilation.total"),
    ("How many petitions or complaints sent as disclosure requests did the Pingtan zone not process in 2024?",
     "applications.not_processed.complaint.total"),
    ("How many duplicate applications did the Pingtan zone receive in 2024?",
     "applications.not_processed.duplicate.total"),
    ("How many 2024 requests to the Pingtan zone were refused as process information?",
     "applications.denied.process_information.total"),
    ("How many requests did the Pingtan zone treat as administrative enquiries in 2024?",
     "applications.denied.administrative_query.total"),
    ("How many requests did businesses send the Pingtan zone in 2024?", "applications.new_received.commercial"),
])
def test_sub_rows_are_named_in_english(real, question, row):
    answer = ask(question, Conversation(), real).to_dict()
    assert answer["plan"]["metrics"] == [row], answer["answer"]


# ---------------------------------------------------------------------------
# Figures stated in the text: English words of the narrative
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, value, wrong", [
    # "interpret" names 政策解读, no table row: the text's 96, never 本年制发 62
    ("In 2024 how many policy documents were interpreted by the Pingtan zone?", 96, [62]),
    ("How many explanatory articles on policies did the Pingtan zone put out in 2024?", 96, [62]),
    ("How many policy explainers did the Pingtan management committee publish in 2024?", 96, [62]),
    # 、 between two figures: "政府网站1个、政务新媒体2个" gives new media 2, not the website's 1
    ("How many government new-media accounts did the Pingtan zone close in 2025?", 2, []),
    ("How many government new-media accounts were still in operation in the Pingtan zone in 2022?", 33, []),
    ("How many medical and health care items did the Pingtan zone publish in 2019?", 106, []),
    ("How many environmental items did the Pingtan zone make public in 2019?", 131, []),
])
def test_text_figures_in_english(real, question, value, wrong):
    answer = ask(question, Conversation(), real).to_dict()
    numbers = answer_numbers(answer)
    assert answer["plan"]["intent"] == text_figures.INTENT, answer["answer"]
    assert value in numbers, answer["answer"]
    assert not any(w in numbers for w in wrong), answer["answer"]
    head = answer["answer"].split("The report says")[0]  # the figure given, before the quoted sentence
    assert f": {value}" in head, answer["answer"]


@pytest.mark.parametrize("question", [
    "How many hotline tickets did the Pingtan zone handle in 2024?",
    "How many WeChat accounts did the Pingtan zone run in 2024?",
])
def test_a_text_only_thing_never_gets_a_table_figure(real, question):
    # 2024 (06.html) states no hotline or WeChat count: no figure, never 办理结果总计 218
    answer = ask(question, Conversation(), real).to_dict()
    assert 218 not in answer_numbers(answer), answer["answer"]
    assert not answer["plan"]["unknown_names"], answer["answer"]


@pytest.mark.parametrize("question, value", [
    ("How many items on land, urban-rural construction and the environment did Jiangle County publish in 2024?",
     105),
    ("How many work safety and emergency management items did Jiangle disclose in 2024?", 9),
    ("How many science, education, culture and health items did Jiangle put on its portal in 2024?", 6),
    ("How many social security and employment items did Jiangle publish in 2024?", 16),
])
def test_topics_of_proactive_disclosure(seeds, question, value):
    answer = ask(question, Conversation(), seeds).to_dict()
    assert answer["plan"]["intent"] == text_figures.INTENT, answer["answer"]
    assert value in answer_numbers(answer), answer["answer"]


@pytest.mark.parametrize("follow_up", ["And in 2021?", "What about 2021?", "And 2021?"])
def test_a_year_alone_after_a_text_figure_keeps_its_question(real, follow_up):
    conversation = Conversation()
    first = ask("How many new-media accounts did the Pingtan zone shut down in 2025?", conversation, real).to_dict()
    assert 2 in answer_numbers(first), first["answer"]
    answer = ask(follow_up, conversation, real).to_dict()
    assert answer["plan"]["intent"] == text_figures.INTENT, answer["answer"]
    assert 2 in answer_numbers(answer), answer["answer"]
    assert any(s["source"].endswith("11.html") for s in answer["sources"]), answer["sources"]


# ---------------------------------------------------------------------------
# Names: zone, experimental zone, management committee, hi-tech zone
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "How many requests did the Pingtan zone receive in 2024?",
    "How many requests did the Pingtan experimental zone receive in 2024?",
    "How many requests did the Pingtan management committee receive in 2024?",
])
def test_zone_words_name_the_zone(real, question):
    answer = ask(question, Conversation(), real).to_dict()
    assert 218 in answer_numbers(answer), answer["answer"]
    assert PINGTAN_ZONE in answer["answer"]
    assert not answer["plan"]["unlinked"], answer["plan"]["unlinked"]


@pytest.mark.parametrize("question", [
    "How many requests did the Ankang high-tech zone receive in 2019?",
    "How many requests did Ankang zone get in 2019?",
])
def test_hi_tech_zone_in_english(seeds, question):
    answer = ask(question, Conversation(), seeds).to_dict()
    assert answer["plan"]["agencies"] and all("安康" in a for a in answer["plan"]["agencies"]), answer["answer"]
    assert 2 in answer_numbers(answer), answer["answer"]


def test_question_words_of_counting_are_never_rewritten_into_catalogue_words():
    """A catalogue phrase must not turn the question's own counting words into other words
    ("large numbers of repeated" once made every "number of" read "numbers of", so "what's the
    number of annual reports you hold" lost its corpus reading and got a loose figure)."""
    from qa import lexicon
    from qa.metric_terms import english_forms

    phrases = [p for p in lexicon.NUMERIC + lexicon.COUNT if p.isascii()]
    phrases += [p for words in lexicon.CORPUS_COUNT.values() for p in words if p.isascii()]
    assert phrases
    assert [p for p in phrases if english_forms(p) != p] == []
