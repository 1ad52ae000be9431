"""Regression tests for the table layouts of issue 10, with the exact warning texts.

The fixtures are our own (tests/fixtures/table_fixtures.py writes them); the cells each
must give are in EXPECTED.json and asserted by test_fixtures_parse.py.  Here: the
warnings, the cells around each layout's trap, and the pieces (grid type, run-together
splitting, table finding) on small made-up inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsing import parse_path, parse_text
from parsing import cells as C
from parsing.read import TableGrid, grid_from_rows, read_bytes
from parsing.tables import find_table_spans, grid_row_cells, parse_applications

REPORTS = Path(__file__).parent / "fixtures" / "reports"


@pytest.fixture(scope="module")
def report():
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = parse_path(REPORTS / name)
        return cache[name]

    return get


# ---------------------------------------------------------------------------
# Blank cells: absent (not 0), one warning per table, the rest of the row kept
# ---------------------------------------------------------------------------

HTML_BLANK_WARNINGS = [
    "active_disclosure: 2 blank cells left absent (not 0): active_disclosure.regulations (repealed); "
    "active_disclosure.coercion (decisions)",
    "applications: 10 blank cells left absent (not 0): applications.granted (research, social_welfare); "
    "applications.denied.state_secret (legal_service); applications.unavailable.not_held (research); "
    "applications.not_processed.duplicate (natural_person, commercial, research, social_welfare, legal_service, "
    "other_org)",
    "review_litigation: 1 blank cell left absent (not 0): review_litigation.litigation_after_review (pending)",
]


@pytest.mark.parametrize(("name", "after_review_total"), [("table_blank_cells.html", 1),
                                                          ("table_blank_cells.docx", 0)])
def test_blank_cells_are_absent_and_named_once_per_table(report, name, after_review_total):
    r = report(name)
    assert [w for w in r.warnings if "blank cell" in w] == HTML_BLANK_WARNINGS
    assert "repealed" not in r.active_disclosure["regulations"]
    assert r.active_disclosure["regulations"]["issued"] == 0  # the rest of the row is kept
    assert "coercion" not in r.active_disclosure
    assert "research" not in r.applications["granted"] and "social_welfare" not in r.applications["granted"]
    assert r.applications["granted"]["legal_service"] in (0, 1) and "total" in r.applications["granted"]
    assert r.review_litigation["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 0,
                                                              "total": after_review_total}


@pytest.mark.parametrize(("name", "total"), [("table_blank_cells.html", 2), ("table_blank_cells.docx", 0)])
def test_row_with_only_the_total_filled(report, name, total):
    assert report(name).applications["not_processed.duplicate"] == {"total": total}


def test_blank_line_is_a_blank_cell_in_one_cell_per_line_rows(report):
    r = report("one_per_line_blank.txt")
    assert [w for w in r.warnings if "blank cell" in w] == [
        "applications: 2 blank cells left absent (not 0): applications.granted (legal_service); "
        "applications.carried_forward (other_org)"]
    assert r.applications["granted"] == {"natural_person": 25, "commercial": 3, "research": 1,
                                         "social_welfare": 0, "other_org": 0, "total": 31}
    assert r.applications["carried_forward"]["total"] == 3


def test_blank_cells_that_cannot_be_placed_leave_the_row_absent():
    cells = ["本年新收", "1", C.BLANK, "2", C.BLANK, "3", C.BLANK, "4", "10", C.ROW_END]
    result = parse_applications(cells, "2021")
    assert "new_received" not in result.grid
    assert result.warnings == [
        "applications.new_received: 5 numbers and 3 blank cells for 7 columns; which column each number "
        "belongs to is unclear; row left absent"]


# ---------------------------------------------------------------------------
# The grid the readers hand over
# ---------------------------------------------------------------------------


def test_grid_from_rows_expands_spans_and_keeps_blanks():
    cells, covered = grid_from_rows([[("合计", 2, 1), ("申请人", 1, 2)], [("3", 1, 1), ("", 1, 1)]])
    assert cells == [["合计", "申请人", "申请人"], ["合计", "3", None]]
    assert covered == [[False, False, True], [True, False, False]]


def test_html_reader_hands_over_grids_with_blank_cells():
    page = ("<html><body><p>表</p><table><tr><td rowspan='2'>规章</td><td>1</td><td>&nbsp;</td></tr>"
            "<tr><td><o:p> </o:p></td><td>5</td></tr></table></body></html>").encode()
    document = read_bytes(page, "t.html")
    assert len(document.tables) == 1
    grid = document.tables[0]
    assert isinstance(grid, TableGrid) and grid.source == "html"
    assert grid.cells == [["规章", "1", None], ["规章", None, "5"]]
    assert [document.lines[i].strip() for i in grid.lines] == ["规章 | 1 |", "| 5"]
    rows = grid_row_cells([grid])
    assert rows[grid.lines[0]] == ["规章", "1", C.BLANK, C.ROW_END]
    assert rows[grid.lines[1]] == [C.BLANK, "5", C.ROW_END]  # the spanned label counts once


def test_docx_and_pdf_readers_hand_over_grids():
    for name, source in (("report.docx", "docx"), ("report.pdf", "pdf")):
        document = read_bytes((REPORTS / name).read_bytes(), name)
        assert [g.source for g in document.tables] == [source] * 3
        widths = [g.width for g in document.tables]
        assert widths == [4, 10, 15]


# ---------------------------------------------------------------------------
# Tables wherever they stand
# ---------------------------------------------------------------------------


def test_tables_outside_their_sections_are_found_and_cut_from_the_narrative(report):
    r = report("tables_elsewhere.txt")
    assert not [w for w in r.warnings if "table" in w]
    assert r.applications["new_received"]["total"] == 17
    assert r.review_litigation["review"]["total"] == 1
    six = r.section(6).text
    for table_word in ("第二十条", "本年新收", "未经复议直接起诉", "表一", "|"):
        assert table_word not in six


def test_narrative_heading_does_not_swallow_a_table():
    text = "\n".join([
        "示例市示例局2023年政府信息公开工作年度报告",
        "一、总体情况", "我局全年推进政务公开。",
        "二、主要工作", "我局做好主动公开。",
        "三、存在的主要问题及改进情况", "问题在于解读形式单一。",
        "第二十条第(一)项 | 本年制发件数 | 本年废止件数 | 现行有效件数", "规章 | 0 | 0 | 0",
        "本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
        "上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
    ])
    r = parse_text(text, "dept.txt")
    assert r.applications["new_received"]["total"] == 2
    assert all("本年新收" not in s.text for s in r.sections)


def test_table_spans_in_a_one_line_body():
    work = ("二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数规章101行政规范性文件3三、收到和处理"
            "(本列数据的勾稽关系为:…)一、本年新收政府信息公开申请数量10000012.x四、政府信息公开行政复议、"
            "行政诉讼情况行政复议结果维持未经复议直接起诉复议后起诉101000000000000五、存在的主要问题")
    spans = find_table_spans(work, "2021")
    assert [k for k in spans] == ["active_disclosure", "applications", "review_litigation"]
    assert work[spans["active_disclosure"].start:].startswith("第二十条")
    assert work[:spans["active_disclosure"].end].endswith("行政规范性文件3")
    assert work[spans["applications"].start:].startswith("(本列数据")
    assert work[spans["review_litigation"].start:].startswith("行政复议结果维持")
    assert work[:spans["review_litigation"].end].endswith("000")


# ---------------------------------------------------------------------------
# Run-together digits (crawl dumps)
# ---------------------------------------------------------------------------


def test_explode_splits_labels_from_run_together_digits():
    assert C.explode("规章000行政规范性文件1234第二十条") == ["规章", "000", "行政规范性文件", "1234", "第二十条"]
    # the "2." of the next label is not a digit of this row
    assert C.explode("(三)不予公开1.属于国家秘密10000012.其他法律") == [
        "(三)不予公开", "1.属于国家秘密", "1000001", "2.其他法律"]
    assert C.explode("(七)总计5 0 00 0 05四、结转") == ["(七)总计", "5", "0", "00", "0", "05", "四、结转"]
    assert C.explode("收费12.5万元三、") == ["收费", "12.5万元", "三、"]
    assert C.explode("2023年度") == ["2023年度"]  # a year is text
    assert C.explode("第二十条第(1)项信息内容") == ["第二十条第(1)项信息内容"]  # so is an item number


def test_crawl_dump_recovers_what_the_sums_decide_and_names_the_rest(report):
    r = report("crawl_one_line.txt")
    assert ("active_disclosure.normative_documents: digits '2011' run together and 2 splits fit; "
            "cells left absent") in r.warnings
    assert "normative_documents" not in r.active_disclosure
    assert r.active_disclosure["licensing"] == {"decisions": 1764}
    assert ("applications.new_received: digits '201000021' run together; the only split the template's "
            "sums allow is 20/1/0/0/0/0/21") in r.warnings
    assert r.applications["new_received"]["total"] == 21
    assert ("review_litigation: digits '000111000100000' run together; the only split the template's sums "
            "allow is 0/0/0/1/1/1/0/0/0/1/0/0/0/0/0") in r.warnings
    assert r.review_litigation["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}


# ---------------------------------------------------------------------------
# PDF→markdown and OCR-text extractions
# ---------------------------------------------------------------------------


def test_markdown_extraction_with_displaced_label_footer_and_placeholder_headers(report):
    r = report("pdf_to_markdown.md")
    assert r.warnings == [
        "applications.partially_granted: numbers 1/0/0/0/0/0/1 stand without a label between granted and "
        "partially_granted; the only row the template's order and sums allow there"]
    assert r.applications["partially_granted"]["total"] == 1
    assert r.applications["denied.enforcement_files"]["total"] == 0  # after the page footer
    assert r.active_disclosure["normative_documents"] == {"issued": 2, "repealed": 0, "in_force": 11}


def test_numbers_without_a_label_stay_absent_when_two_rows_fit():
    text = "\n".join([
        "示例市示例局2023年政府信息公开工作年度报告", "一、总体情况", "我局全年推进政务公开。",
        "第二十条第(一)项 | 本年制发件数 | 本年废止件数 | 现行有效件数", "规章 | 0 | 0 | 0",
        "本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
        "| | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "(七)总计 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
    ])
    r = parse_text(text, "t.md")
    assert [w for w in r.warnings if "without a label" in w] == [
        "applications: numbers 1/0/0/0/0/0/1 stand without a label between new_received and total_processed; "
        "22 rows fit (carried_over, granted, partially_granted, denied.state_secret, denied.prohibited_by_law, "
        "denied.security_stability, denied.third_party, denied.internal_affairs, denied.process_information, "
        "denied.enforcement_files, denied.administrative_query, unavailable.not_held, "
        "unavailable.needs_compilation, unavailable.unclear, not_processed.complaint, not_processed.duplicate, "
        "not_processed.publication, not_processed.excessive, not_processed.confirm_or_reissue, "
        "other.no_amendment, other.unpaid_fee, other.other); left absent"]


def test_page_footers_and_placeholder_headers_are_no_cells():
    assert C.table_line_cells("— 4 —") == []
    assert C.table_line_cells("第 3 页") == []
    assert C.table_line_cells("| 数据1 | 数据2 | 数据3 |") == []
    assert C.table_line_cells("|---|:---:|") == []
    assert C.table_line_cells("| 规章 | 数据1 | 数据2 |") == ["规章"]
    assert C.table_line_cells("| 3.其他 |  | 2 |") == ["3.其他", C.BLANK, "2", C.ROW_END]


def test_traditional_labels_with_pinyin(report):
    r = report("traditional_pinyin.txt")
    assert r.script == "traditional"
    assert r.active_disclosure["regulations"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert r.active_disclosure["fees"] == {"amount_wan": 0}
    assert r.active_disclosure["licensing"] == {"decisions": 2045}
    assert C.strip_pinyin("行政事業(yè)性收費") == "行政事業性收費"


def test_labels_printed_apart_from_their_numbers():
    stacked = ["规章", "行政规范性文件", "0", "0", "0", "4", "1", "9", "行政许可", "8"]
    from parsing.tables import parse_active_disclosure

    result = parse_active_disclosure(stacked, "2021")
    assert result.grid["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert result.grid["normative_documents"] == {"issued": 4, "repealed": 1, "in_force": 9}
    assert result.warnings == [
        "active_disclosure.regulations, active_disclosure.normative_documents: labels printed apart from their "
        "numbers; the 6 numbers that follow them fill them in the template's row order"]
    # one run of numbers for two labels: which label owns it is unclear
    result = parse_active_disclosure(["规章", "行政规范性文件", "4", "1", "9", "行政许可", "8"], "2021")
    assert "regulations" not in result.grid and "normative_documents" not in result.grid
    assert result.grid["licensing"] == {"decisions": 8}
    assert result.warnings == [
        "active_disclosure.regulations, active_disclosure.normative_documents: labels printed apart from their "
        "numbers and 3 numbers follow them (6 would fill them); which label owns which number is unclear; "
        "rows left absent"]
