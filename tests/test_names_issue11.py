"""Issue 11, names and meanings: names never dropped, two-digit years, missing years, rows and
columns by their everyday words.

Expected values read in the reports themselves:

* seeds (../shared/seeds): 000 绍兴市越城区人民政府办公室 2021 — 本年新收 36, 上年结转 2,
  (四)无法提供 8 + 2 + 1 = 11 (1.本机关不掌握相关政府信息 8), 结转下年度 0, 行政规范性文件
  本年制发 21 / 现行有效 108, 行政诉讼 未经复议直接起诉 尚未审结 1;
  001 将乐县人民政府办公室 2024 — 本年新收 5, (七)总计 4, 结转下年度 1, 行政规范性文件
  现行有效 138; 003 宝力根苏木 2023 — 行政许可 146, 行政处罚 2; 004 中山市大涌镇 2022 —
  行政处罚 191, 行政强制 1.
* real (../shared/real/html/19.html), 平潭综合实验区 2025 — 四、结转下年度继续办理 4 2 0 0 0 0 6
  (商业企业 2, 总计 6); 行政规范性文件 58 45 546.
"""

from __future__ import annotations

import pytest

from qa.evaluate import answer_numbers
from qa.quantities import chinese_years
from qa.session import ask


def _numbers(answer) -> list[float]:
    return answer_numbers({"answer": answer.text, "table": answer.table})


# ---------------------------------------------------------------------------
# Names never dropped; a name the corpus lacks is an answer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, named, tempting", [
    ("海珠区2021年一共收到几件信息公开申请", "海珠区", 36),
    ("How many disclosure requests did Haizhu District receive in 2021?", "海珠区", 36),
    ("haizhu district: refused requests in 2021", "海珠区", 3),
    ("2024年永安市政府办收了多少申请", "永安市", 5),
    ("Youxi County, requests received in 2024", "尤溪县", 5),
    ("上虞22年的依申请数量", "上虞", 36),
    ("Shangyu District lawsuits 2021", "上虞区", 3),
    ("How many penalties did Huangpu Town issue in 2022?", "黄圃镇", 191),
    ("天津市和平区2021年收到多少申请？", "天津市和平区", 36),
])
def test_a_place_the_corpus_lacks_is_named_and_no_figure_is_given(seeds, question, named, tempting):
    answer = ask(question, None, seeds)
    assert named in answer.text, answer.text
    assert tempting not in _numbers(answer), answer.text
    assert "语料库中没有与" in answer.text or "No agency in the corpus matches" in answer.text


def test_an_unknown_place_is_never_matched_loosely_to_another(seeds):
    """越秀区 is one character from 越城区, but a real district of 广州: not a typo."""
    plan = ask("越秀区2021年驳回了多少申请", None, seeds).plan
    assert plan.unknown_names == ["越秀区"] and not plan.agencies
    # A misspelling the gazetteer does not know still matches loosely, said so.
    typo = ask("绍兴市越成区政府办公室2021年收到多少申请", None, seeds)
    assert typo.plan.agencies == ["绍兴市越城区人民政府办公室"] and 36 in _numbers(typo)
    assert any("近似匹配" in w for w in typo.warnings)


def test_the_closest_agencies_are_those_of_the_same_place(seeds):
    answer = ask("柯桥区2021年行政复议有几件", None, seeds)
    assert "浙江省绍兴市柯桥区" in answer.text and "绍兴市越城区人民政府办公室" in answer.text
    answer = ask("How many requests did Mingxi County receive in 2024?", None, seeds)
    assert "明溪县" in answer.text and "将乐县人民政府办公室" in answer.text


@pytest.mark.parametrize("question, value", [
    ("越城区区府办2021年收到多少申请", 36),
    ("绍兴越城区府办21年新收的申请", 36),
    ("将乐县府办24年新收几件", 5),
    ("将乐政府办2024年新收多少件申请", 5),
])
def test_an_office_ending_after_a_known_name_is_part_of_it(seeds, question, value):
    answer = ask(question, None, seeds)
    assert not answer.plan.unknown_names, answer.text
    assert value in _numbers(answer), answer.text


@pytest.mark.parametrize("question, named", [
    ("越城区公安局2021年收到多少申请", "越城区公安局"),
    ("How many requests did the Yuecheng District Public Security Bureau get in 2021?", "越城区公安局"),
    ("将乐县财政局2024年新收申请数", "将乐县财政局"),
    ("How many requests did Yuecheng District Finance Bureau get in 2021?", "财政局"),
])
def test_an_unknown_office_of_a_known_place_is_not_the_place(seeds, question, named):
    answer = ask(question, None, seeds)
    assert named in answer.text, answer.text
    assert not answer.plan.agencies
    assert 36 not in _numbers(answer) and 5 not in _numbers(answer)


def test_an_office_answers_to_its_place_short_form_and_its_own_short_form(real):
    for question in ("平潭地税局2013年收到几件申请", "How many requests did the Pingtan local tax bureau get in 2013?",
                     "平潭地方税务局13年依申请公开情况"):
        plan = ask(question, None, real).plan
        assert plan.agencies == ["平潭综合实验区地方税务局"], (question, plan.agencies)
    # The office's pinyin does not make its place's bare name mean the office.
    plan = ask("How many requests did Pingtan receive in 2025?", None, real).plan
    assert "平潭综合实验区" in plan.agencies and "平潭综合实验区地方税务局" not in plan.agencies


def test_a_name_in_pinyin_is_as_ambiguous_as_in_chinese(real):
    """平潭 2013: 平潭县人民政府 (7 requests), 平潭综合实验区 and its 管委会 — in either script."""
    for question in ("平潭2013年收到多少申请", "How many disclosure requests did Pingtan get in 2013?"):
        answer = ask(question, None, real)
        assert "平潭县人民政府" in answer.plan.agencies and 7 in _numbers(answer), answer.text


# ---------------------------------------------------------------------------
# Two-digit years
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, read", [
    ("越城21年的申请", "越城2021年的申请"),
    ("22年度平潭", "2022年度平潭"),
    ("平潭12年收到几件", "平潭2012年收到几件"),
    ("那24年呢", "那2024年呢"),
    ("近10年的趋势", "近10年的趋势"),
    ("这是第12年", "这是第12年"),
    ("10年来一共", "10年来一共"),
    ("满20年的机关", "满20年的机关"),
    ("3年合计", "3年合计"),
    ("2021年", "2021年"),
])
def test_two_digit_years_are_years_and_counts_of_years_are_not(text, read):
    assert chinese_years(text) == read


def test_a_two_digit_year_is_asked_like_a_full_one(seeds):
    assert ask("将乐24年新收几件申请", None, seeds).plan.years == [2024]
    assert ask("越城区21年的行政诉讼", None, seeds).plan.years == [2021]


# ---------------------------------------------------------------------------
# A missing year: said, and the nearest year given, marked
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, asked, nearest, value, mark", [
    ("将乐县2022年行政规范性文件现行有效多少件", "2022", "2024", 138, "非所问年份"),
    ("What was Dayong Town's count of administrative penalties in 2019?", "2019", "2022", 191, "not the year asked"),
    ("宝力根苏木21年罚了几起", "2021", "2023", 2, "非所问年份"),
    ("越城区2023年新收了多少件申请", "2023", "2021", 36, "非所问年份"),
])
def test_a_missing_year_gives_the_nearest_year_marked(seeds, question, asked, nearest, value, mark):
    answer = ask(question, None, seeds)
    assert asked in answer.text and nearest in answer.text, answer.text
    assert mark in answer.text and f"{value}" in answer.text, answer.text


def test_equally_near_years_are_both_given():
    from qa.nearest_year import nearest_years

    assert nearest_years(2020, [2019, 2021, 2024]) == [2019, 2021]
    assert nearest_years(2014, [2013]) == [2013]
    assert nearest_years(2014, []) == []


# ---------------------------------------------------------------------------
# Rows and columns by their everyday words
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, value, metric", [
    ("越城区2021年从上年转来的申请有几件", 2, "applications.carried_over.total"),
    ("越城区2021年承接上年度的申请数", 2, "applications.carried_over.total"),
    ("越城区2021年有多少申请最后是不能提供", 11, "applications.unavailable.total"),
    ("How many Yuecheng requests in 2021 could not be provided?", 11, "applications.unavailable.total"),
    ("越城区2021年因为没有相关信息没能提供的申请有几件", 8, "applications.unavailable.not_held.total"),
    ("Yuecheng 2021: how many requests where the office did not hold the information?", 8,
     "applications.unavailable.not_held.total"),
    ("将乐县2024年办完了几件申请", 4, "applications.total_processed.total"),
    ("将乐县2024年一共办结几件申请", 4, "applications.total_processed.total"),
    ("How many requests had Jiangle finished handling in 2024?", 4, "applications.total_processed.total"),
    ("将乐县2024年有几件申请转入下一年度", 1, "applications.carried_forward.total"),
    ("In 2024, how many Jiangle requests were carried into 2025?", 1, "applications.carried_forward.total"),
    ("将乐县2024年仍在生效的规范性文件", 138, "active_disclosure.normative_documents.in_force"),
    ("Jiangle 2024: normative documents still valid", 138, "active_disclosure.normative_documents.in_force"),
    ("越城区2021年新发了多少件规范性文件", 21, "active_disclosure.normative_documents.issued"),
    ("越城区2021年还有几件信息公开诉讼没判下来", 1, "review_litigation.litigation.pending"),
    ("大涌镇2022年罚了多少次", 191, "active_disclosure.penalty.decisions"),
    ("How many of Yuecheng's lawsuits in 2021 were filed directly?", 1, "review_litigation.litigation_direct.total"),
    ("越城区2021年经过复议后又起诉的有几起", 2, "review_litigation.litigation_after_review.total"),
    ("大涌镇2022年采取了几次行政强制", 1, "active_disclosure.coercion.decisions"),
])
def test_everyday_words_choose_the_row_and_column(seeds, question, value, metric):
    answer = ask(question, None, seeds)
    assert metric in answer.plan.metrics, (question, answer.plan.metrics)
    assert value in _numbers(answer), answer.text


@pytest.mark.parametrize("question, value", [
    ("平潭综合实验区2025年有几件申请要转到2026年接着办", 6),
    ("How many of Pingtan's 2025 requests carried into 2026 came from companies?", 2),
    ("平潭综合实验区2025年底仍然有效的规范性文件", 546),
])
def test_everyday_words_on_a_real_report(real, question, value):
    answer = ask(question, None, real)
    assert 2026 not in answer.plan.years
    assert value in _numbers(answer), answer.text


def test_a_word_for_one_row_is_not_read_as_another_as_well(seeds):
    answer = ask("将乐县2024年一共办结几件申请", None, seeds)
    assert answer.plan.metrics == ["applications.total_processed.total"]
    assert 5 not in _numbers(answer)


@pytest.mark.parametrize("question, keys", [
    ("越城区2021年现行有效件数是多少", {"active_disclosure.regulations.in_force",
                                  "active_disclosure.normative_documents.in_force"}),
    ("Yuecheng 2021: how many cases were still pending?", {"review_litigation.review.pending",
                                                          "review_litigation.litigation.pending"}),
])
def test_a_column_named_alone_shows_each_row_that_has_it_and_says_so(seeds, question, keys):
    answer = ask(question, None, seeds)
    assert set(answer.plan.metrics) == keys
    assert any(r.piece == "metric" and r.confidence < 1 for r in answer.plan.readings)
    # A column every row has names no figure on its own.
    assert not ask("越城区2021年自然人有多少", None, seeds).plan.metrics


def test_a_name_of_two_places_is_not_read_as_one_of_them(real):
    """平潭 is both 平潭县 (2011–2013) and 平潭综合实验区: a total over "平潭" is not 平潭县's."""
    answer = ask("21年平潭那边一共来了几件依申请公开", None, real)
    assert "平潭综合实验区" in answer.plan.agencies and not answer.plan.region
    assert 70 in _numbers(answer), answer.text


@pytest.mark.parametrize("question, agency, value", [
    ("jiangle requests 2024", "将乐县人民政府办公室", 5),
    ("dayong penalties in 2022", "中山市大涌镇", 191),
])
def test_a_known_name_in_lower_case_pinyin(seeds, question, agency, value):
    answer = ask(question, None, seeds)
    assert answer.plan.agencies == [agency] and value in _numbers(answer)


def test_a_joining_word_is_not_part_of_the_next_name(seeds):
    plan = ask("将乐县和沙县2024年各收到多少申请", None, seeds).plan
    assert plan.unknown_names == ["沙县"]


def test_pinyin_letters_write_u_umlaut_as_u():
    from index.tables.resolve import english_key

    assert english_key("Lüsha Subdistrict") == english_key("Lvsha Subdistrict") == english_key("lusha subdistrict") \
        == ("lusha", "街道")
    assert english_key("Lanzhu County Housing and Urban-Rural Development Bureau") == ("lanzhu", "住房和城乡建设局")


@pytest.mark.parametrize("question", [
    "开发区收到多少申请", "城区的申请有多少", "市区和郊区的申请数", "本县2024年的行政处罚", "我区今年的依申请公开",
    "和平年代的信息公开", "公安机关的信息公开", "街道办事处的申请", "管委会的申请",
    "the Development Zone requests", "Which district got the most requests in 2021?",
])
def test_a_kind_of_place_or_a_word_is_not_an_unknown_name(seeds, question):
    assert ask(question, None, seeds).plan.unknown_names == []


def test_an_office_the_corpus_lacks_points_to_its_place_agencies(real):
    answer = ask("平潭综合实验区交通局21年的申请数", None, real)
    assert answer.plan.unknown_names == ["平潭综合实验区交通局"] and not answer.plan.agencies
    assert "语料库中有该地的机关" in answer.text and 70 not in _numbers(answer)
