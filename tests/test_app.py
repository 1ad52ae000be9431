"""The Streamlit app through ``streamlit.testing``: every page on the seeds corpus, and a conversation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from index.tables import store
from tests.qa_corpus import seeds_corpus
from tests.conftest import ROOT, seed_path

APP = str(ROOT / "app.py")
# Generous: the first run of a session imports pandas, DuckDB and the model.
TIMEOUT = 120


@pytest.fixture(scope="module")
def seeds_data(tmp_path_factory) -> Path:
    return seeds_corpus(tmp_path_factory)


def open_app(monkeypatch, data: Path, page: str | None = None, locale: str | None = None,
             query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("GONGKAI_DATA", str(data))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if locale:
        at.context["locale"] = locale
    at.run()
    assert not at.exception, at.exception
    if page:
        if query:
            at.query_params.update(query)
        at.switch_page(f"gongkai/ui/pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def report_id(data: Path, agency_part: str) -> str:
    with store.reading(data) as con:
        return con.execute("SELECT report_id FROM reports WHERE contains(agency, ?)", [agency_part]).fetchone()[0]


def texts(at: AppTest) -> str:
    """Every piece of text the run put on the page, for loose assertions."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "text", "info", "success", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(m.value) + " " + str(m.label) for m in at.metric]
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# Sidebar
# ---------------------------------------------------------------------------


def test_sidebar_summarises_the_corpus(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data)
    metrics = {m.label: m.value for m in at.sidebar.metric}
    assert metrics == {"报告": "5", "机关": "5", "年份": "5", "省份": "5"}
    captions = [c.value for c in at.sidebar.caption]
    assert "2019–2024 · 5省 · 5市 · 3县区" in captions
    assert "2份报告有2处校验未通过" in captions


def test_sidebar_scope_narrows_every_page(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="quality")
    assert len(at.dataframe[0].value) == 2
    region = at.selectbox(key="scope.region")
    assert "福建省 三明市 将乐县" in region.options and "广东省 中山市 大涌镇" in region.options
    region.set_value((("province", "福建省"),)).run()
    assert not at.exception
    assert "筛选后:1份报告" in [i.value for i in at.sidebar.info]
    issues = at.dataframe[0].value
    assert list(issues["机关"]) == ["将乐县人民政府办公室"]
    at.slider(key="scope.years").set_value((2019, 2020)).run()
    assert "当前范围内没有未通过的校验。" in [s.value for s in at.success]


def test_interface_follows_the_browser_and_the_switch(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="reports", locale="en-US")
    assert at.title[0].value == "Reports"
    assert "Proactive disclosure" in texts(at)
    at.segmented_control(key="ui.lang").set_value("zh").run()
    assert at.title[0].value == "报告"
    assert "二、主动公开政府信息情况" in texts(at)


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def test_reports_page_draws_the_official_tables(monkeypatch, seeds_data):
    yuecheng = report_id(seeds_data, "越城区")
    at = open_app(monkeypatch, seeds_data, page="reports")
    at.selectbox(key="reports.pick").set_value(yuecheng).run()
    assert not at.exception
    assert at.subheader[0].value.startswith("绍兴市越城区人民政府办公室 · 2021年")
    active = at.dataframe[0].value
    assert active.loc["行政规范性文件", "现行有效件数"] == "108"
    applications = at.dataframe[1].value
    assert applications.loc["一、本年新收政府信息公开申请数量", "总计"] == "36"
    review = at.dataframe[2].value
    assert review.loc["行政复议", "总计"] == "3"
    # Checks: all 45 hold; sections: the report's text, escaped, inside expanders.
    assert "共 45 项校验,0 项未通过。" in texts(at)
    assert any("政务新媒体" in h.proto.body for h in at.get("html"))
    sections = [e.label for e in at.expander if e.label != "审计详情"]  # the checks' audit view comes first
    assert sections[:2] == ["1\\. 总体情况", "2\\. 主动公开政府信息情况"]


def test_a_source_link_opens_its_report(monkeypatch, seeds_data):
    jiangle = report_id(seeds_data, "将乐")
    at = open_app(monkeypatch, seeds_data, page="reports", query={"report": jiangle})
    assert at.subheader[0].value.startswith("将乐县人民政府办公室 · 2024年")
    active = at.dataframe[0].value
    # The narrative says 13 repealed, the table 4: marked as in a failed check.
    assert active.loc["行政规范性文件", "本年废止件数"] == "4 ✗"
    assert "共 48 项校验,1 项未通过。" in texts(at)


def test_reports_page_compares_an_agency_across_years(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="reports")
    # The seeds hold one year per agency: the page says so and still shows the figures.
    figures = at.dataframe[-1].value  # the last tab's (after the tables, the checks and their audit view)
    assert list(figures.columns) == ["2022"] or list(figures.columns) == [2022]
    assert "该机关只有一年的报告。" in texts(at)


# ---------------------------------------------------------------------------
# Data quality
# ---------------------------------------------------------------------------


def test_quality_page_lists_failed_checks(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="quality")
    issues = at.dataframe[0].value
    jiangle = issues[issues["机关"] == "将乐县人民政府办公室"]
    # Plain words in the table (the report says 13 repealed, its table 二 本年废止件数 4) ...
    assert list(jiangle["问题说明"]) == ["正文称“废止或宣布失效规范性文件13件”，表格中行政规范性文件本年废止件数为4件。"]
    assert not {"规则", "规则编号", "算式"} & set(issues.columns)
    # ... the rule id and raw figures apart, for auditors.
    audit = at.dataframe[1].value
    jiangle = audit[audit["机关"] == "将乐县人民政府办公室"]
    assert list(jiangle["规则编号"]) == ["narrative.active_disclosure.normative_documents.repealed"]
    assert "(13), table says 4" in jiangle["原始数字"].iloc[0]
    assert set(issues["类别"]) == {"正文与表格矛盾"}
    assert "2处问题,涉及2份报告" in texts(at)
    at.text_input(key="quality.agency").input("安康").run()
    assert list(at.dataframe[0].value["机关"]) == ["安康高新区"]
    at.multiselect(key="quality.families").set_value(["balance"]).run()
    assert "当前范围内没有未通过的校验。" in [s.value for s in at.success]


# ---------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------


def test_upload_page_ingests_several_files(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, page="upload")
    assert "还没有语料" in texts(at)
    assert "20 MB" in texts(at)
    at.file_uploader(key="upload.files").set_value([
        ("yuecheng.txt", seed_path("000").read_bytes(), "text/plain"),
        ("dayong.txt", seed_path("004").read_bytes(), "text/plain"),
        ("not-a-report.txt", "会议通知".encode(), "text/plain"),
        ("fake.pdf", "不是PDF".encode(), "application/pdf"),
    ]).run()
    at.button(key="upload.go").click().run()
    assert not at.exception, at.exception
    results = at.dataframe[0].value
    assert list(results["文件"]) == ["yuecheng.txt", "dayong.txt", "not-a-report.txt", "fake.pdf"]
    assert list(results["结果"]) == ["已解析(新报告)", "已解析(新报告)", "失败", "拒收"]
    assert results["报告"].iloc[0] == "绍兴市越城区人民政府办公室 · 2021"
    assert "PDF" in results["算式"].iloc[3]
    assert "导入完成:2个成功,2个失败。" in [w.value for w in at.warning]
    # The sidebar now counts the new corpus.
    assert {m.label: m.value for m in at.sidebar.metric}["报告"] == "2"


# ---------------------------------------------------------------------------
# Chat
# ---------------------------------------------------------------------------


def answers(at: AppTest) -> list[str]:
    """The text of each answer, in order (the first st.text of each assistant message)."""
    found = []
    for message in at.chat_message:
        if message.name == "assistant":
            found.append(message.text[0].value if len(message.text) else "")
    return found


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="chat.input").set_value(question).run()
    assert not at.exception, at.exception
    return at


def test_empty_chat_offers_examples_that_ask(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat")
    examples = [b for b in at.button if b.key and b.key.startswith("example.")]
    assert len(examples) == 4
    examples[0].click().run()
    assert not at.exception, at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert answers(at)[0]
    assert not [b for b in at.button if b.key and b.key.startswith("example.")]


def test_two_turn_conversation_keeps_context(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat")
    ask(at, "大涌镇2022年行政处罚决定有多少件？")
    first = answers(at)
    assert len(first) == 1 and "大涌镇" in first[0] and "191" in first[0]
    ask(at, "那行政强制呢？")
    both = answers(at)
    assert len(both) == 2 and both[0] == first[0]
    assert "行政强制" in both[1] and re.search(r"(?<!\d)1件", both[1]) and "191" not in both[1]
    # Each answer shows where its figure comes from and how it was found.
    labels = [e.label for e in at.expander]
    assert labels.count("如何得出这个答案") == 2
    assert any(label.startswith("中山市大涌镇 · 2022年") for label in labels)
    assert any("SELECT" in c.value for c in at.code)
    readings = [t.value for t in at.table if "理解" in t.value.columns][-1]  # the second turn's
    # Read in words: the piece is "指标" (not the key "metric"), the figure by its name.
    assert "指标" in readings.index and "行政强制" in readings["原文"].tolist()
    assert readings.loc["指标", "理解"] == "行政强制·处理决定数量"
    # A new conversation forgets the context.
    at.button(key="chat.new").click().run()
    assert answers(at) == []
    ask(at, "那行政强制呢？")
    assert "191" not in answers(at)[0] and "大涌镇" not in answers(at)[0]


def test_answer_lists_agencies_with_sources(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat")
    ask(at, "2021年哪些机关有行政诉讼？")
    assert "越城区" in answers(at)[0]
    label = next(e.label for e in at.expander if "越城区" in e.label)
    assert label.startswith("绍兴市越城区人民政府办公室 · 2021年")
    cited = next(t.value for t in at.table if "数值" in t.value.columns)
    assert cited.loc["行政诉讼·未经复议直接起诉·总计", "数值"] == "1"
    assert cited.loc["行政诉讼·复议后起诉·总计", "数值"] == "2"


def test_narrative_answer_highlights_its_passages(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat")
    ask(at, "关于政策解读有哪些改进措施？")
    bodies = [h.proto.body for h in at.get("html")]
    assert bodies and all("<script" not in b for b in bodies)
    assert any("<mark>政策解读</mark>" in b for b in bodies)
    agencies = " ".join(e.label for e in at.expander)
    assert "将乐" in agencies or "大涌" in agencies


def test_chat_in_english(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat", locale="en-US")
    assert at.title[0].value == "Ask the reports"
    ask(at, "Which agencies had administrative lawsuits in 2021?")
    assert "Yuecheng" in answers(at)[0] or "越城区" in answers(at)[0]
    assert "How this was answered" in [e.label for e in at.expander]


@pytest.mark.parametrize("question, mark", [
    ("各年收到的政府信息公开申请总数变化趋势", '"line"'),
    ("收到申请最多的前三个机关", '"bar"'),
])
def test_answers_draw_their_chart(monkeypatch, seeds_data, question, mark):
    at = open_app(monkeypatch, seeds_data, page="chat")
    ask(at, question)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 and mark in charts[0].proto.spec
    # The table behind the chart is there too, sortable and downloadable (first); any other table
    # is the answer's sources, one row per contributing report.
    assert len(at.dataframe[0].value) >= 2 and "来源文件" not in at.dataframe[0].value.columns
    assert all("来源文件" in d.value.columns for d in at.dataframe[1:])
    assert {b.label for b in at.get("download_button")} >= {"下载 CSV", "下载 Excel"}


# ---------------------------------------------------------------------------
# Overview (the landing page) and questions sent by a link
# ---------------------------------------------------------------------------


def test_overview_is_the_landing_page(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data)
    assert at.title[0].value == "概览"
    shown = texts(at)
    assert "范围:全部报告 · 5份报告" in shown
    assert "**2021**" in shown


def test_chat_asks_the_question_of_its_address_once(monkeypatch, seeds_data):
    at = open_app(monkeypatch, seeds_data, page="chat", query={"q": "2021年的公开率是多少"})
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    # 越城区 2021 (seed 000, the seeds' only 2021 report), table 三: (予以公开 14 + 部分公开 6) / 总计 38.
    assert "52.63%" in answers(at)[0]
    assert "q" not in at.query_params
    at.run()  # a rerun does not ask it again
    assert [m.name for m in at.chat_message] == ["user", "assistant"]


def test_an_empty_corpus_lands_on_the_chat(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path)
    assert at.title[0].value == "问答"
    assert "还没有语料" in texts(at)
