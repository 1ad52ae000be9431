"""Chunking report narrative into passages, topics, and near-duplicate detection."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from index.passages import duplicates
from index.passages.chunk import KINDS, chunk_report, chunk_text, narrative_text, split_problems_measures
from index.passages.topics import TOPICS, UnknownTopic, resolve_topic, tag_topics, topic
from parsing.record import Region, Report, Section


def make_report(sections: dict[int, str], **fields) -> Report:
    defaults = dict(id="abcdef123456", source="made.txt", agency="示例县人民政府办公室",
                    region=Region("示例省", "示例市", "示例县", None), year=2022, published=None,
                    template="2021", script="simplified")
    defaults.update(fields)
    titles = {1: "总体情况", 2: "主动公开政府信息情况", 3: "收到和处理政府信息公开申请情况",
              4: "政府信息公开行政复议、行政诉讼情况", 5: "存在的主要问题及改进情况", 6: "其他需要报告的事项"}
    return Report(sections=[Section(no, titles.get(no, "其他"), text) for no, text in sections.items()], **defaults)


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


# ---------------------------------------------------------------------------
# Section 五: problems and measures
# ---------------------------------------------------------------------------

PAREN_LAYOUT = (
    "(一)存在问题\n一是信息发布的及时性有待提高。二是解读材料形式较为单一。\n"
    "(二)改进措施\n一是建立信息发布提醒机制,按时更新栏目。二是制作图解和短视频,丰富解读形式。"
)
SHI_LAYOUT = (
    "我单位工作仍有不足。一是培训覆盖面不够;二是考核办法不完善。\n"
    "下一步改进措施:一是分批开展业务培训,覆盖全部工作人员。二是修订考核办法,把公开质量纳入年度考评。"
)
UNMARKED_LAYOUT = (
    "工作人员变动频繁等问题仍然存在,下一年度重点做好以下工作:\n"
    "(一)加强队伍建设\n组织集中培训,推动业务骨干带新人,提升工作水平。\n"
    "(二)推进平台整合\n加强网站集约化建设,推动栏目统一规范。"
)

RESTARTED_LAYOUT = (
    "对照要求,仍存在一些不足:一是栏目更新不够及时;二是解读形式较为单一;三是培训覆盖面不够。\n"
    "2024年,我办将着力抓好以下工作:一是建立栏目更新提醒;二是制作图解和短视频;三是开展分批培训;四是完善考核。"
)
RESTARTED_OUTER_LAYOUT = (
    "对照要求,仍存在一些不足:一是栏目更新不够及时;二是解读形式较为单一。\n"
    "2024年,我办将着力抓好以下工作:\n(一)完善更新机制\n建立栏目更新提醒。\n(二)丰富解读形式\n制作图解和短视频。"
)


@pytest.mark.parametrize("layout, problem_words, measure_words", [
    (PAREN_LAYOUT, ["及时性有待提高", "形式较为单一"], ["提醒机制", "制作图解"]),
    (SHI_LAYOUT, ["培训覆盖面不够", "考核办法不完善"], ["分批开展业务培训", "修订考核办法"]),
    (UNMARKED_LAYOUT, ["变动频繁"], ["组织集中培训", "集约化建设"]),
    (RESTARTED_LAYOUT, ["更新不够及时", "培训覆盖面不够"], ["着力抓好以下工作", "开展分批培训", "完善考核"]),
    (RESTARTED_OUTER_LAYOUT, ["更新不够及时", "较为单一"], ["着力抓好以下工作", "完善更新机制", "制作图解"]),
])
def test_section_five_splits_into_problems_and_measures(layout, problem_words, measure_words):
    blocks = dict(split_problems_measures(layout))
    assert set(blocks) == {"problems", "measures"}
    for word in problem_words:
        assert word in blocks["problems"] and word not in blocks["measures"]
    for word in measure_words:
        assert word in blocks["measures"] and word not in blocks["problems"]


def test_section_five_passages_carry_kind_and_metadata():
    report = make_report({5: SHI_LAYOUT})
    passages = chunk_report(report)
    kinds = [p.kind for p in passages]
    assert kinds == sorted(kinds, key=["problems", "measures"].index)
    measures = [p for p in passages if p.kind == "measures"]
    assert any("修订考核办法" in p.text for p in measures)
    for p in passages:
        assert (p.report_id, p.agency, p.year, p.section_no) == ("abcdef123456", "示例县人民政府办公室", 2022, 5)
        assert p.region == "示例省示例市示例县"
        assert p.id.startswith("abcdef123456-")
    assert len({p.id for p in passages}) == len(passages)


def test_a_heading_naming_both_halves_is_not_the_measures_start():
    text = "(一)存在问题及改进措施概述\n一是公开不及时。\n(二)下一步工作打算\n一是建立提醒机制。"
    blocks = dict(split_problems_measures(text))
    assert "公开不及时" in blocks["problems"]
    assert blocks["measures"].startswith("(二)下一步工作打算")


# ---------------------------------------------------------------------------
# Chunking
# ---------------------------------------------------------------------------


def test_items_become_one_passage_each_and_keep_their_marker():
    items = [f"({n})第{n}项工作" + "推进政务公开标准化规范化建设,完善工作流程。" * 4 for n in "一二三"]
    pieces = chunk_text("\n".join(items), 300)
    assert [m for m, _ in pieces] == ["(一)", "(二)", "(三)"]
    assert all(text.startswith(m) for m, text in pieces)


def test_a_long_item_is_cut_at_its_own_sub_items():
    sub = "加强门户网站建设,及时更新栏目内容,规范信息发布流程,确保信息准确。" * 3
    text = "(一)平台建设\n一是" + sub + "二是" + sub + "三是" + sub + "\n(二)监督保障\n" + sub
    pieces = chunk_text(text, 200)
    assert any(p.startswith("二是") for _, p in pieces)
    assert any(p.startswith("(二)监督保障") for _, p in pieces)
    assert all(len(p) <= 300 for _, p in pieces)


def test_short_items_are_merged_with_their_siblings_and_lead_ins_go_forward():
    text = "下一步措施如下:一是加强培训。二是强化考核。三是丰富解读。"
    pieces = chunk_text(text, 300)
    assert len(pieces) == 1
    assert pieces[0][1].startswith("下一步措施如下")


def test_unbroken_text_is_cut_into_windows_no_longer_than_the_limit():
    pieces = chunk_text("政务公开" * 400, 200)
    assert all(len(p) <= 300 for _, p in pieces)
    assert squash("".join(p for _, p in pieces)) == "政务公开" * 400


_ALPHABET = st.sampled_from(["政务", "公开", "培训", "。", "；", "\n", "(一)", "(二)", "(三)", "一是", "二是",
                             "三是", "1.", "2.", "3.", "加强", "解读", "平台", "有待提高", "下一步"])


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=400), st.integers(min_value=40, max_value=400))
def test_chunking_loses_and_repeats_nothing(parts, target):
    text = "".join(parts)
    pieces = chunk_text(text, target)
    assert squash("".join(p for _, p in pieces)) == squash(text)
    assert all(len(p) <= target * 3 // 2 for _, p in pieces)


# ---------------------------------------------------------------------------
# Sections, tables and scripts
# ---------------------------------------------------------------------------


def test_table_dumps_are_not_passages_but_sentences_beside_them_are():
    table = "信息内容 |\n本年制发件数 |\n规章 |\n0 |\n行政规范性文件\n17\n4\n本年共制定规范性文件17件,均已同步解读。"
    assert narrative_text(table, table_section=True) == "本年共制定规范性文件17件,均已同步解读。"
    passages = chunk_report(make_report({2: table, 6: "(无)"}))
    assert [p.kind for p in passages] == ["active_disclosure"]


def test_traditional_text_is_kept_and_simplified_beside_it():
    report = make_report({5: "(一)存在的主要問題\n個別單位認識不到位,主動性不強。\n(二)下步工作努力方向\n"
                             "1.加強政務公開隊伍建設,注重業務培訓。\n2.強化政務信息公開考核,完善考核辦法。"},
                         script="traditional")
    measures = [p for p in chunk_report(report) if p.kind == "measures"]
    assert any("加強政務公開隊伍建設" in p.text and "加强政务公开队伍建设" in p.simplified for p in measures)
    assert all(len(p.text) == len(p.simplified) for p in measures)


def test_every_kind_is_declared():
    report = make_report({1: "总体情况良好,全年推进政务公开工作。", 3: "全年收到申请5件,均按时答复。",
                          4: "未发生行政复议和行政诉讼案件。", 5: SHI_LAYOUT, 6: "本年度未收取信息处理费,无其他事项。"})
    kinds = {p.kind for p in chunk_report(report)}
    assert kinds == {"overview", "requests", "review_litigation", "problems", "measures", "other"}
    assert kinds <= set(KINDS)


# ---------------------------------------------------------------------------
# The seeds
# ---------------------------------------------------------------------------


def test_seed_passages(seed_reports):
    by_agency = {r.agency: chunk_report(r) for r in seed_reports.values()}
    for agency, passages in by_agency.items():
        kinds = {p.kind for p in passages}
        assert {"overview", "problems", "measures"} <= kinds, agency
        assert all(p.agency == agency for p in passages)
        assert all(len(p.text) <= 450 for p in passages)
    yuecheng = next(ps for a, ps in by_agency.items() if "越城区" in a)
    measures = [p for p in yuecheng if p.kind == "measures"]
    assert [p.marker for p in measures] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert any("推进政务新媒体健康发展" in p.text for p in measures)
    jiangle = next(ps for a, ps in by_agency.items() if "将乐" in a)
    assert len([p for p in jiangle if p.kind == "problems"]) == 3
    assert any("丰富解读形式" in p.text for p in jiangle if p.kind == "measures")
    assert not any("丰富解读形式" in p.text for p in jiangle if p.kind == "problems")
    ankang = next(ps for a, ps in by_agency.items() if "安康" in a)
    assert any("加强政务公开队伍建设" in p.simplified and "加強" in p.text for p in ankang if p.kind == "measures")
    dayong = next(ps for a, ps in by_agency.items() if "大涌" in a)
    assert any("丰富政策解读形式" in p.text for p in dayong if p.kind == "measures")
    assert any("政策解读形式比较单一" in p.text for p in dayong if p.kind == "problems")


# ---------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------


def test_topics_are_declared_once_with_unique_keys():
    assert len({t.key for t in TOPICS}) == len(TOPICS)
    assert len({t.zh for t in TOPICS}) == len(TOPICS)
    for name in ("政策解读", "依申请公开办理", "政务新媒体", "政府网站与平台", "培训与队伍", "监督考核",
                 "基层政务公开", "数据开放", "适老化与无障碍", "保密审查", "网络安全", "回应关切"):
        assert resolve_topic(name) is not None, name


@pytest.mark.parametrize("text, expected", [
    ("丰富政策解读形式,采用图解、视频等方式", {"policy_interpretation"}),
    ("推进政务新媒体健康发展,清理僵尸账号公众号", {"new_media"}),
    ("推进政府门户网站适老化改造和无障碍功能升级", {"websites_platforms", "accessibility"}),
    ("對政務微博開展網絡安全檢查", {"new_media", "cybersecurity"}),
])
def test_tag_topics(text, expected):
    assert expected <= set(tag_topics(text))


def test_topics_resolve_by_key_chinese_or_english_name():
    assert topic("new_media").zh == "政务新媒体"
    assert topic("政務新媒體").key == "new_media"
    assert topic("open data").key == "open_data"
    with pytest.raises(UnknownTopic, match="use one of"):
        topic("天气预报")


# ---------------------------------------------------------------------------
# Near-duplicates
# ---------------------------------------------------------------------------

ORIGINAL = ("加强政务公开队伍建设,注重抓好政府信息公开的宣传和业务培训,提高工作人员信息公开的意识和水平,"
            "加强统筹协调,确保信息公开准确、及时、规范。进一步完善全区政府信息公开考核办法,强化日常管理和督促检查,"
            "完善政府信息发布登记、统计、通报、监督检查等制度。")


def test_jaccard_of_a_light_edit_is_high_and_of_other_text_low():
    # Two characters inserted into a passage of ~130 change ~6 of its 5-grams.
    edited = ORIGINAL.replace("加强统筹协调", "加强统筹协调工作")
    other = "推进政务新媒体健康发展,严格落实主办主管责任,对更新不及时的账号坚决关停,实行动态监管机制。"
    a, b, c = (duplicates.shingle_hashes(t) for t in (ORIGINAL, edited, other))
    assert duplicates.jaccard(a, b) >= 0.9
    assert duplicates.jaccard(a, c) < 0.1


def test_copies_from_another_report_point_to_the_earliest():
    texts = [
        ORIGINAL,                                      # report A, 2020: the original
        ORIGINAL.replace("。", ";"),                   # report B, 2021: copied, punctuation changed
        ORIGINAL,                                      # report A again (same report): not a copy
        "推进政务新媒体健康发展,严格落实主办主管责任,对更新不及时的账号坚决关停,实行动态监管机制。",
    ]
    reports = ["A", "B", "A", "C"]
    years = np.array([2020, 2021, 2020, 2021])
    signatures = np.stack([duplicates.signature(t) for t in texts])
    order = np.lexsort((np.arange(4), np.array(reports), years))
    found = duplicates.find_duplicates(texts, signatures, reports, order)
    assert found[1] is not None and found[1][0] in (0, 2)
    assert found[0] is None and found[2] is None and found[3] is None


def test_copied_narratives_of_the_demo_corpus_are_marked(tmp_path):
    from corpus.demo import read_manifest, write_corpus
    from index.passages.evaluate import DEMO_CORPUS
    from index.passages.indexer import mark_duplicates, passage_frame
    from parsing import parse_path

    folder = write_corpus(tmp_path, DEMO_CORPUS["n_agencies"], DEMO_CORPUS["years"], DEMO_CORPUS["seed"])
    manifest = read_manifest(folder)
    reports = [parse_path(folder / entry["file"]) for entry in manifest]
    frame = mark_duplicates(passage_frame([p for r in reports for p in chunk_report(r)]))
    by_id = frame.set_index("id")
    copies = [(e["truth"]["agency"], e["truth"]["year"], d) for e in manifest for d in e["defects"] or []
              if d["kind"] == "copied_narrative" and d["source_year"] < e["truth"]["year"]]
    assert len(copies) >= 3
    for agency, year, defect in copies:
        five = frame[(frame["agency"] == agency) & (frame["year"] == year) & (frame["section_no"] == 5)]
        long = five[five["text"].str.len() >= 60]
        assert long["duplicate_of"].notna().all(), (agency, year)
        sources = by_id.loc[list(long["duplicate_of"])]
        assert set(sources["agency"]) == {defect["source_agency"]}
        assert set(sources["year"]) == {defect["source_year"]}
