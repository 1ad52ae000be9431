"""Issue 10, narrative side: headings in any dress, site chrome, crawl dumps, metadata,
stated figures of pre-2019 reports, and the cross-check's false alarm.

Fixtures are our own writing (tests/fixtures/narrative_fixtures.py); each bug has a
regression test, with the exact warning text where the parser warns.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from parsing import chrome, meta, parse_path, parse_text
from parsing.checks import narrative_checks
from parsing.region import look_alike, near_place, region_of
from parsing.stated import local_table_figures, prose_figures

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import fixture_reports as F  # noqa: E402
import narrative_fixtures as N  # noqa: E402

REPORTS = Path(__file__).parent / "fixtures" / "reports"
PLAIN_TITLES = [t.split("、", 1)[1] for t in F.SECTION_TITLES]
CHROME_WORDS = ("版权所有", "网站标识码", "ICP备", "扫一扫", "访问量", "相关链接", "主办单位", "网站地图",
                "当前位置", "附件下载", "原文链接", "本地目录", "正文 ====", "【打印】")


@pytest.fixture(scope="module")
def parsed():
    names = (N.MARKDOWN.name, N.OCR_HEADINGS.name, N.CHROME_PAGE, N.CRAWL, N.PLACELESS, N.GLUED)
    return {name: parse_path(REPORTS / name) for name in names}


# ---------------------------------------------------------------------------
# Headings in any dress
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [N.MARKDOWN.name, N.OCR_HEADINGS.name])
def test_dressed_headings_give_the_six_sections(parsed, name):
    report = parsed[name]
    assert [(s.no, s.title) for s in report.sections] == list(enumerate(PLAIN_TITLES, start=1))
    assert all(s.text.strip() for s in report.sections)


def test_heading_and_its_text_on_one_line(parsed):
    section = parsed[N.MARKDOWN.name].section(6)
    assert section.title == "其他需要报告的事项"
    assert section.text.startswith("本年度未收取政府信息公开信息处理费")


def test_markdown_sub_headings_are_items(parsed):
    section = parsed[N.MARKDOWN.name].section(5)
    assert [item.marker for item in section.items] == ["(一)", "(二)"]
    assert "#" not in section.text and "**" not in section.text


def test_dressed_headings_keep_the_tables(parsed):
    # Headings in markdown or OCR dress must not cost a table its cells.
    for name in (N.MARKDOWN.name, N.OCR_HEADINGS.name):
        assert parsed[name].applications["new_received"]["total"] == 71
        assert not parsed[name].failed_checks


def test_inline_headings_of_a_one_line_body(parsed):
    report = parsed[N.CRAWL]
    assert [s.title for s in report.sections] == list(N.CRAWL_SECTIONS)
    assert report.section(1).text.startswith("2016年,我区以门户网站为主平台")
    assert report.section(3).text == "2016年全区共收到有关政府信息公开的申请9件,均已按时答复。"


def test_a_chinese_character_before_a_numeral_is_no_heading():
    report = parse_text("示例县人民政府2015年政府信息公开工作年度报告\n一、概述\n坚持统一、规范的公开标准。"
                        "二、主动公开政府信息情况全年公开信息30条。\n")
    assert [s.title for s in report.sections] == ["概述", "主动公开政府信息情况"]
    assert report.section(1).text == "坚持统一、规范的公开标准。"


def test_a_contents_list_is_no_heading():
    # "本报告包括：一、总体情况；二、…" before the real headings must not take their place.
    lines = (REPORTS / N.MARKDOWN.name).read_text(encoding="utf-8").split("\n")
    lines.insert(3, "本报告包括：" + "；".join(F.SECTION_TITLES) + "。")
    report = parse_text("\n".join(lines))
    assert [(s.no, s.title) for s in report.sections] == list(enumerate(PLAIN_TITLES, start=1))
    assert report.applications["new_received"]["total"] == 71


def test_bold_heading_followed_by_its_text():
    report = parse_text("示例县人民政府2015年政府信息公开工作年度报告\n**一、概述**2015年我县公开信息30条。\n"
                        "**二、主动公开政府信息情况** 全年公开信息30条。\n")
    assert [(s.title, s.text) for s in report.sections] == [
        ("概述", "2015年我县公开信息30条。"), ("主动公开政府信息情况", "全年公开信息30条。")]


# ---------------------------------------------------------------------------
# Site chrome and crawl headers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [N.CHROME_PAGE, N.CRAWL])
def test_site_chrome_is_not_narrative(parsed, name):
    for section in parsed[name].sections:
        assert not [w for w in CHROME_WORDS if w in section.text], (section.no, section.text)


def test_page_footer_is_cut_from_the_last_section(parsed):
    report = parsed[N.CHROME_PAGE]
    assert [s.title for s in report.sections] == list(N.CHROME_PAGE_SECTIONS)
    assert report.section(4).text == "政策解读的形式还不够丰富。下一步将增加图解和短视频解读,并开展一次公开业务培训。"


def test_crawl_header_is_metadata():
    lines = N.crawl_dump().split("\n")
    header = chrome.crawl_header(lines)
    assert header.get("发布机构") == "示例市青石区人民政府办公室"
    assert header.get("文号") is None
    assert header.body_start == 8
    assert chrome.crawl_header(["示例县2020年政府信息公开工作年度报告", "标题: 不是抓取头"]).fields == {}


def test_a_contact_line_does_not_open_the_footer():
    report = parse_text("示例县人民政府2015年政府信息公开工作年度报告\n一、概述\n全年公开信息30条。\n二、其他事项\n"
                        "联系我们:0000-12345678\n本年度未收取任何费用。\n版权所有:示例县人民政府\n友情链接一\n")
    assert report.section(2).text == "本年度未收取任何费用。"


def test_a_sentence_mentioning_a_chrome_word_is_kept():
    assert not chrome.is_chrome("如对本报告有疑问,请联系我们。")
    assert chrome.is_chrome("网站地图 | 联系我们 | 使用帮助")


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def test_title_over_two_lines_and_page_date(parsed):
    report = parsed[N.CHROME_PAGE]
    assert (report.agency, report.year, report.published) == (N.CHROME_PAGE_AGENCY, 2024, N.CHROME_PAGE_PUBLISHED)


@pytest.mark.parametrize("text, date", [
    ("来源：示例市政府办 时间：2025-03-10 15:35", "2025-03-10"),
    ("时间:2019-01-10 16:13", "2019-01-10"),
    ("发布时间: 2019-01-10 16:13", "2019-01-10"),
    ("数据统计时间：2024-12-31", None),
])
def test_publication_date_labels(text, date):
    assert meta.published_date(text) == date


@pytest.mark.parametrize("lines, agency, year", [
    (["2024 年示例市科委政府信息公开工作", "年度报告"], "示例市科委", 2024),
    (["根据条例要求,特编制示例市人民政府地方志办公室2023年度政府信息公开工作年度报告。"], "示例市人民政府地方志办公室", 2023),
    (["现将我局2023年政府信息公开工作年度报告公布如下:"], None, 2023),
    (["2024年度政府信息公开工作年度报告"], None, 2024),
])
def test_find_title(lines, agency, year):
    assert meta.find_title(lines)[:2] == (agency, year)


def test_agency_without_its_place_takes_the_place_the_page_states(parsed):
    assert parsed[N.PLACELESS].agency == "示例市青石区统计局"
    assert meta.place_for("区统计局", ["请与我区统计局联系。"]) == "区统计局"  # no place stated: kept as given
    assert meta.place_for("市场监督管理局", ["示例市人民政府"]) == "市场监督管理局"


def test_agency_only_in_the_contact_sentence():
    report = parse_text("2023年政府信息公开工作年度报告\n如对本报告有疑问,请与示例市青石区人民政府办公室联系。\n"
                        "一、总体情况\n全年公开信息30条。\n二、主动公开政府信息情况\n全年公开信息30条。\n")
    assert report.agency == "示例市青石区人民政府办公室"


def test_traditional_script_prose_figures():
    figures = prose_figures("2013年全縣共收到有關政府信息公開的申請7條。", 3)
    assert [(f.field, f.value) for f in figures] == [("requests.received", 7)]


def test_verb_glued_to_the_agency(parsed):
    assert parsed[N.GLUED].agency == N.GLUED_AGENCY


def test_crawl_metadata(parsed):
    report = parsed[N.CRAWL]
    assert (report.agency, report.year, report.published, report.template) == (
        N.CRAWL_AGENCY, N.CRAWL_YEAR, N.CRAWL_PUBLISHED, "unknown")


# ---------------------------------------------------------------------------
# Region: zones and OCR variants of place names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("agency, expected", [
    # A zone is placed by the name before its zone word, through the gazetteer.
    ("将乐高新区管委会", ("福建省", "三明市", "将乐高新区")),
    ("福建省将乐高新区管委会", ("福建省", "三明市", "将乐高新区")),
    # Unknown to the gazetteer: kept as spelt.
    ("示例新区管委会", (None, None, "示例新区")),
])
def test_zones(agency, expected):
    region, warnings = region_of(agency)
    assert (region.province, region.city, region.county) == expected
    assert warnings == []


def test_ocr_variant_of_a_place_name_is_read_with_a_warning():
    region, warnings = region_of("宿迁市沐阳县人民政府办公室")
    assert (region.province, region.city, region.county) == ("江苏省", "宿迁市", "沭阳县")
    assert warnings == ["region: “沐阳县” is not in the gazetteer; read as “沭阳县” "
                        "(the only gazetteer name one look-alike character away)"]
    report = parse_text("沐阳县人民政府办公室2020年政府信息公开工作年度报告\n一、总体情况\n全年公开信息30条。\n")
    assert report.region.county == "沭阳县" and report.agency == "沐阳县人民政府办公室"
    assert warnings[0] in report.warnings


def test_look_alike_characters_only():
    assert look_alike("沐", "沭")
    assert not look_alike("沐", "汝")  # same radical, other shape
    assert near_place("青石县") is None  # one character off many names: no guess


# ---------------------------------------------------------------------------
# Narrative cross-check
# ---------------------------------------------------------------------------

TABLES_WITH_CASES = {
    "active_disclosure": {}, "applications": {},
    "review_litigation": {"review": {"total": 2}, "litigation_direct": {"total": 1},
                          "litigation_after_review": {"total": 0}},
}


def test_no_lost_case_is_not_no_case():
    text = "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。"
    assert narrative_checks(text, TABLES_WITH_CASES, "2021") == []


def test_no_case_still_contradicts_a_table_with_cases():
    checks = narrative_checks("全年未发生政府信息公开行政复议、行政诉讼案件。", TABLES_WITH_CASES, "2021")
    assert {(c.rule, c.ok) for c in checks} == {("narrative.review_litigation.review.total", False),
                                                ("narrative.review_litigation.litigation.total", False)}


# ---------------------------------------------------------------------------
# Pre-2019 reports: stated figures, never template cells
# ---------------------------------------------------------------------------


def test_crawl_stated_figures_from_the_local_table(parsed):
    report = parsed[N.CRAWL]
    table = {(f.label, f.period): f.value for f in report.stated_figures if f.source == "local_table"}
    expected = {}
    for label, _unit, year, total in N.CRAWL_TABLE:
        plain = label.split(".")[-1].replace("其中：", "")
        expected[(plain, "year")], expected[(plain, "cumulative")] = year, total
    assert table == expected
    assert all(not f.national_table for f in report.stated_figures)
    assert {f.section for f in report.stated_figures if f.source == "local_table"} == {5}


def test_crawl_stated_figures_from_prose(parsed):
    prose = [(f.field, f.value, f.section) for f in parsed[N.CRAWL].stated_figures if f.source == "prose"]
    # 1536 published and 9 requests; the 行政复议纠错/败诉 sentence states no number of cases.
    assert prose == [("active.published", 1536, 2), ("requests.received", 9, 3)]


def test_local_table_is_kept_out_of_the_narrative(parsed):
    report = parsed[N.CRAWL]
    assert report.section(5).text == "虽然公开工作有所进步,但解读形式单一。下一步将丰富解读形式。"
    assert ("sections: the local statistics table “附件1:示例市青石区政府信息公开情况统计表” printed at the end of "
            "section 5 is kept out of its text; its figures are in stated_figures") in report.warnings


def test_pre2019_gives_no_template_cell(parsed):
    report = parsed[N.CRAWL]
    assert (report.active_disclosure, report.applications, report.review_litigation) == ({}, {}, {})
    assert report.checks == []


def test_ambiguous_run_together_row_is_left_out():
    text = "指标名称计量单位2015年度历年累计主动公开信息数条12345其中:1.网站公开条123452.政府公报公开条00受理依申请公开信息总数条37"
    figures, warnings = local_table_figures(text, 7)
    assert [(f.field, f.value, f.period) for f in figures] == [
        ("active.gazette", 0, "year"), ("active.gazette", 0, "cumulative"),
        ("requests.received", 3, "year"), ("requests.received", 7, "cumulative")]
    assert warnings == [
        "stated figures: local table row “主动公开信息数” digits '12345' run together; 2 splits fit the row and "
        "the sums of its 其中 group do not leave one; left out",
        "stated figures: local table row “网站公开” digits '12345' run together; 2 splits fit the row and "
        "the sums of its 其中 group do not leave one; left out"]


def test_the_prose_figure_decides_a_run_together_row():
    text = "指标名称计量单位2015年度历年累计主动公开信息数条12345其中:1.网站公开条123452.政府公报公开条00"
    figures, warnings = local_table_figures(text, 7, {"active.published": {12}})
    assert {(f.field, f.period): f.value for f in figures} == {
        ("active.published", "year"): 12, ("active.published", "cumulative"): 345,
        ("active.website", "year"): 12, ("active.website", "cumulative"): 345,
        ("active.gazette", "year"): 0, ("active.gazette", "cumulative"): 0}
    assert warnings == []


@pytest.mark.parametrize("sentence, expected", [
    ("2013年全县共收到有关政府信息公开的申请7条,网上申请数3条。", [("requests.received", 7)]),
    ("2015年全区未收到有关政府信息公开申请。", [("requests.received", 0)]),
    ("未收到有关政府信息公开行政复议、提起行政诉讼的申请。", [("review.cases", 0), ("litigation.cases", 0)]),
    ("收到1份有关政府信息公开行政复议申请已及时处理。", [("review.cases", 1)]),
    ("依申请提供政府信息暂不收费。", [("fees.charged", 0)]),
    ("共受理审批申请1364件。", []),  # not an information-disclosure request
    ("区直各部门主动公开政府信息1592条。", []),  # a part, not the total
    ("全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。", []),
])
def test_prose_figures(sentence, expected):
    assert [(f.field, f.value) for f in prose_figures(sentence, 3)] == expected


def test_headings_past_ten_are_read_and_a_non_numeral_is_not_a_heading():
    """Regression: "十一、" made the heading reader fail (KeyError) and the whole report with it."""
    from parsing import parse_text

    parts = ["示例县人民政府2013年政府信息公开工作年度报告"]
    titles = ["概述", "主动公开情况", "依申请公开情况", "收费情况", "复议情况", "诉讼情况", "申诉情况",
              "咨询情况", "存在问题", "改进措施", "其他事项", "附则"]
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    for numeral, title in zip(numerals, titles):
        parts += [f"{numeral}、{title}", f"本节写{title}的具体内容，共若干条。"]
    parts += ["三四、不是标题的一行", "这一行跟在上一行后面。"]
    report = parse_text("\n".join(parts), "numerals.txt")
    assert [s.no for s in report.sections] == list(range(1, 13))
    assert report.sections[10].title == "其他事项" and report.sections[11].title == "附则"
    assert "三四、不是标题的一行" in report.sections[11].text
