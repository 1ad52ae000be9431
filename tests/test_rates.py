"""Rates of the metric catalogue (issue 11): looked up, ranked and compared by the rate,
shown in per cent with two decimals and their definition, a zero denominator said plainly.

Values read from the seed reports (../shared/seeds), not from Gongkai's output:

* 000, 绍兴市越城区人民政府办公室 2021: 予以公开 14, 部分公开 6, (七)总计 38 → 公开率 20/38 = 52.63%;
  不予公开 1 + 2 = 3 → 不予公开率 3/38 = 7.89%; 行政复议 结果纠正 0, 总计 3 → 复议纠错率 0.00%;
  行政诉讼 结果纠正 0 + 0, 总计 1 + 2 = 3 → 诉讼败诉率 0.00%;
* 001, 将乐县人民政府办公室 2024: 予以公开 3, 部分公开 0, 总计 4 → 75.00%; 行政复议 总计 0 (no rate);
* 002, 安康高新区 2019: 予以公开 2 of 2 → 100%; 004, 中山市大涌镇 2022: 4 of 4 → 100%;
* 003, 宝力根苏木 2023: (七)总计 0 → no 公开率.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.tables.metrics import find_metric, get
from qa import Corpus, ask


@pytest.fixture(scope="module")
def seeds(seeds_store) -> Iterator[Corpus]:
    with Corpus(seeds_store) as corpus:
        corpus.vocabulary().similar_metric = None  # words alone: no embedding model in these tests
        yield corpus


def _text(question: str, corpus: Corpus) -> str:
    return ask(question, None, corpus).text


@pytest.mark.parametrize("key, parts", [
    ("applications.granted_share.total", ("予以公开", "部分公开", "办理结果总计")),
    ("applications.denied_share.total", ("不予公开", "办理结果总计")),
    ("review_litigation.review_corrected_share.total", ("结果纠正", "行政复议总计")),
    ("review_litigation.litigation_corrected_share.total", ("结果纠正", "行政诉讼总计")),
])
def test_each_rate_is_declared_with_its_definition(key, parts):
    rate = get(key)
    assert rate.kind == "share" and rate.unit == "%"
    assert all(p in rate.definition_zh for p in parts)
    assert rate.definition_en and rate.numerator_keys and rate.denominator_key


@pytest.mark.parametrize("words, key", [
    ("公开比例", "applications.granted_share.total"),
    ("disclosure rate", "applications.granted_share.total"),
    ("拒绝率", "applications.denied_share.total"),
    ("纠错率", "review_litigation.review_corrected_share.total"),
    ("行政复议的纠错率", "review_litigation.review_corrected_share.total"),
    ("败诉率", "review_litigation.litigation_corrected_share.total"),
    ("rate of lawsuits lost", "review_litigation.litigation_corrected_share.total"),
])
def test_rate_words_name_the_rate(words, key):
    assert find_metric(words)[0][0].key == key


@pytest.mark.parametrize("question", [
    "越城区2021年的公开率是多少？",
    "2021年越城区政府信息公开申请的公开比例",
    "What was the disclosure rate of Yuecheng District in 2021?",
])
def test_granted_rate_of_one_report(seeds, question):
    text = _text(question, seeds)
    assert "52.63%" in text
    assert "(14 + 6) / 38" in text
    assert "36" not in text.split("(")[0]  # never the requests received


@pytest.mark.parametrize("question", [
    "越城区2021年的不予公开率",
    "越城区21年拒绝率是多少",
    "Yuecheng 2021 refusal rate",
])
def test_refusal_rate(seeds, question):
    text = _text(question, seeds)
    assert "7.89%" in text and "3 / 38" in text


@pytest.mark.parametrize("question", [
    "越城区2021年行政复议的纠错率",
    "越城区2021年复议纠错率是多少？",
    "What was Yuecheng's reconsideration correction rate in 2021?",
])
def test_review_correction_rate_is_a_true_zero(seeds, question):
    text = _text(question, seeds)
    assert "0.00%" in text and "0 / 3" in text


@pytest.mark.parametrize("question", [
    "越城区2021年的败诉率",
    "越城区2021年行政诉讼败诉率是多少",
    "What share of lawsuits lost did Yuecheng have in 2021?",
])
def test_litigation_loss_rate_is_linked(seeds, question):
    answer = ask(question, None, seeds)
    assert "0.00%" in answer.text and "0 / 3" in answer.text
    assert not [w for w in answer.plan.unlinked if "败诉" in w or "lost" in w or "share" in w]


@pytest.mark.parametrize("question", [
    "将乐县2024年的复议纠错率",
    "将乐县2024年行政复议纠错率是多少",
    "Jiangle County reconsideration correction rate in 2024",
])
def test_zero_denominator_is_said_never_zero_percent(seeds, question):
    text = _text(question, seeds)
    assert "0.00%" not in text and "0%" not in text
    assert "为0" in text or "is 0" in text


@pytest.mark.parametrize("question", [
    "宝力根苏木2023年的公开率",
    "宝力根苏木2023年公开比例是多少",
    "Baoligen Sumu disclosure rate in 2023",
])
def test_zero_requests_have_no_disclosure_rate(seeds, question):
    text = _text(question, seeds)
    assert "0.00%" not in text and ("为0" in text or "is 0" in text)


@pytest.mark.parametrize("question", [
    "公开率最高的机关",
    "哪个机关的公开比例最高？",
    "Which agency has the highest disclosure rate?",
])
def test_rank_by_rate_not_by_requests(seeds, question):
    answer = ask(question, None, seeds)
    first = answer.text.split("\n")[0]
    assert "安康高新区" in first and "中山市大涌镇" in first and "100.00%" in first
    # 越城区 received the most requests (36) but has the lowest rate: it must not lead.
    assert "越城区" not in first
    assert answer.table is not None
    rows = answer.table["rows"]
    assert [r[1] for r in rows][-1] == "绍兴市越城区人民政府办公室" and rows[-1][-1] == 52.63


@pytest.mark.parametrize("question", [
    "比较越城区和将乐县的公开率",
    "越城区与将乐县的公开比例对比",
    "Compare the disclosure rates of Yuecheng and Jiangle",
])
def test_compare_rates_in_percentage_points(seeds, question):
    text = _text(question, seeds)
    assert "52.63%" in text and "75.00%" in text
    assert "22.37" in text  # 75.00 − 52.63, percentage points
