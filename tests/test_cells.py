"""Cells out of text layouts, numbers out of cells, run-together digits."""

from __future__ import annotations

import pytest

from parsing.cells import Absent, cell_stream, parse_number, recover_split, split_line, sums_hold


@pytest.mark.parametrize("line, expected", [
    ("规章 | 0 | 0 | 0 |", ["规章", "0", "0", "0"]),
    ("|||", []),
    ("一、本年新收政府信息公开申请数量 36 0 0 0 0 0 36", ["一、本年新收政府信息公开申请数量", "36", "0", "0", "0", "0", "0", "36"]),
    ("行政许可\t201\t0\t201", ["行政许可", "201", "0", "201"]),
    ("商业 企业 | 科研 机构", ["商业", "企业", "科研", "机构"]),
    ("36 |", ["36"]),
])
def test_split_line(line, expected):
    assert split_line(line) == expected


def test_cell_stream_one_per_line_with_blank_lines():
    assert cell_stream(["行政处罚", "", "191", "", "行政强制", "", "1"]) == ["行政处罚", "191", "行政强制", "1"]


@pytest.mark.parametrize("cell, expected", [
    ("0", 0), ("191", 191), ("2191.563万元", 2191.563), ("80618元", 8.0618), ("-3", -3), ("−3", -3),
    ("1,234", 1234), ("12件", 12), ("行政许可", None), ("1.属于国家秘密", None), ("2023年", None),
])
def test_parse_number(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["/", "—", "无", "-", "／"])
def test_absent_markers(cell):
    assert parse_number(cell) == Absent(cell)


def test_review_row_run_together_has_one_split():
    splits = recover_split(["21317000001324019"], 15, sums_hold(3, 5))
    assert splits == [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]


def test_application_row_run_together():
    # 12 natural persons + 3 companies = 15: only one split adds up.
    assert recover_split(["123000015"], 7, sums_hold(1, 7)) == [(12, 3, 0, 0, 0, 0, 15)]
    # One digit too many: no split adds up.
    assert recover_split(["1230000015"], 7, sums_hold(1, 7)) == []


def test_ambiguous_split_returns_every_fit():
    fits = recover_split(["110000011"], 7, sums_hold(1, 7))
    assert fits == [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)]


def test_no_leading_zeros_in_a_split():
    assert recover_split(["0012"], 3, lambda v: True) == [(0, 0, 12)]
