"""The chat's drawing helpers: an answer's table, chart and figure sources, and the downloads."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from gongkai.ui.answer_view import figure_sources, table_frame
from gongkai.ui.charts import chart_data
from gongkai.ui.widgets import csv_bytes, excel_bytes, plain

TREND = {"columns": ["年份", "本年新收政府信息公开申请数量·总计合计", "报告数"],
         "rows": [["2021", 38, 2], ["2019", 12, 1], ["2020", None, 0]]}
RANK = {"columns": ["#", "机关", "年份", "收到申请"],
        "rows": [[1, "甲县", "2023", 356], [2, "乙县", "2023", 249], [2, "乙县", "2022", 100]]}


def test_table_frame():
    frame = table_frame(RANK)
    assert list(frame.columns) == ["#", "机关", "年份", "收到申请"] and len(frame) == 3
    assert table_frame(None) is None and table_frame({"columns": ["a"], "rows": []}) is None


def test_line_chart_runs_in_year_order_and_keeps_gaps():
    found = chart_data({"type": "line", "x": "年份", "y": "本年新收政府信息公开申请数量·总计合计"},
                       table_frame(TREND))
    assert found.kind == "line"
    assert found.categories == ["2019", "2020", "2021"]
    values = found.data["value"].tolist()
    assert values[0] == 12 and values[2] == 38 and pd.isna(values[1])
    assert found.data["label"].tolist() == ["12", "—", "38"]


def test_bar_chart_keeps_every_row_and_names_an_agency_met_twice_by_year():
    """(It used to keep one bar per agency, dropping 乙县's 2022 row.)"""
    found = chart_data({"type": "bar", "x": "机关", "y": ["收到申请", "没有这一列"]}, table_frame(RANK))
    assert found.kind == "bar" and found.series == ["收到申请"]
    assert dict(zip(found.data["category"], found.data["value"])) == {"甲县 · 2023": 356, "乙县 · 2023": 249,
                                                                      "乙县 · 2022": 100}


def test_no_chart_without_a_usable_spec():
    frame = table_frame(RANK)
    assert chart_data(None, frame) is None
    assert chart_data({"type": "bar", "x": "不存在", "y": "收到申请"}, frame) is None
    assert chart_data({"type": "bar", "x": "机关", "y": "机关"}, frame) is None


def test_figure_sources_group_cells_by_report():
    cells = [
        {"report_id": "a", "source": "a.txt", "agency": "甲县", "year": 2021,
         "field": "review_litigation.litigation_direct.total", "value": 1.0},
        {"report_id": "b", "source": "b.txt", "agency": "乙县", "year": 2021,
         "field": "applications.denied.state_secret.total", "value": 0.0},
        {"report_id": "a", "source": "a.txt", "agency": "甲县", "year": 2021,
         "field": "review_litigation.litigation_after_review.total", "value": 2.0},
        {"report_id": None, "field": "x.y.z", "value": 3},
    ]
    groups = figure_sources(cells)
    assert [g["report_id"] for g in groups] == ["a", "b"]
    assert groups[0]["cells"] == [("review_litigation", "litigation_direct", "total", 1.0),
                                  ("review_litigation", "litigation_after_review", "total", 2.0)]
    # A row key holding a dot keeps it: the column is what follows the last dot.
    assert groups[1]["cells"] == [("applications", "denied.state_secret", "total", 0.0)]
    assert groups[1]["tables"] == ["applications"]


def test_downloads_keep_chinese_text():
    frame = pd.DataFrame({"机关": ["绍兴市越城区人民政府办公室", "bad\x07bell"], "数值": [108, 2.5]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a byte-order mark
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["机关"][0] == "绍兴市越城区人民政府办公室"
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("机关", "数值") and rows[1] == ("绍兴市越城区人民政府办公室", 108)
    assert rows[2][0] == "badbell"  # characters Excel refuses are dropped, not fatal


def test_plain_escapes_markdown():
    assert plain("[链接](javascript:alert(1)) **粗** $x$") == \
        "\\[链接\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*粗\\*\\* \\$x\\$"
