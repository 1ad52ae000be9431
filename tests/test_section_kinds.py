"""A section's kind by its title, wherever the report numbers it (index/passages/chunk.section_kind).

Reports before 2019 number their sections their own way: the 2015 report of 平潭综合实验区
(../shared/real/crawl/14.txt) has 五、因政府信息公开申请行政复议、提起行政诉讼的情况 and
六、主要问题和改进措施, whose first item reads "一是受人员编制限制…".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.passages.chunk import chunk_report, section_kind
from tests.conftest import SEEDS

REAL = SEEDS.parent / "real"


@pytest.mark.parametrize("no, title, kind", [
    (1, "总体情况", "overview"), (1, "概述", "overview"), (1, "總體情況", "overview"),
    (2, "主动公开政府信息情况", "active_disclosure"), (2, "重点领域政府信息公开情况", "active_disclosure"),
    (3, "收到和处理政府信息公开申请情况", "requests"), (3, "政府信息依申请公开工作情况", "requests"),
    (4, "政府信息公开行政复议、行政诉讼情况", "review_litigation"),
    (5, "因政府信息公开申请行政复议、提起行政诉讼的情况", "review_litigation"),
    (5, "存在的主要问题及改进情况", "problems"), (5, "存在的主要問題及改進情況", "problems"),
    (6, "主要问题和改进措施", "problems"), (4, "政府信息公开工作存在的主要问题及改进情况", "problems"),
    (6, "其他需要报告的事项", "other"), (5, "", "problems"), (9, "", "other"),
])
def test_section_kind_by_title_then_number(no, title, kind):
    assert section_kind(no, title) == kind


def test_a_pre_2019_reports_problems_and_measures_are_typed_by_title():
    from parsing import parse_path

    path = REAL / "crawl" / "14.txt"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the real reports live in ../shared/real")
    passages = chunk_report(parse_path(path))
    problems = [p for p in passages if p.kind == "problems"]
    measures = [p for p in passages if p.kind == "measures"]
    assert any("人员编制" in p.text for p in problems)
    assert measures and all(p.section_no == 6 for p in problems + measures)
    # 五、因政府信息公开申请行政复议… is no problem or measure.
    assert all(p.kind == "review_litigation" for p in passages if p.section_no == 5)
