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


def test_a_list_announced_as_problems_stays_problems_until_the_measures_are_announced():
    # ../shared/real/crawl/16.txt (2014) 五、主要问题和改进措施: "…但主要还存在以下问题：一是工作基础需进一步夯实。
    # …三是公开制度有待完善。… 2015年，我区将进一步规范…" (no heading between the halves).
    from index.passages.chunk import split_problems_measures

    text = ("虽然工作取得了一定成效，但主要还存在以下问题：一是工作基础需进一步夯实。人员变动较大，新的机制正逐步建立。"
            "二是公开范围有待拓展。公开的形式还不够丰富。三是公开制度有待完善。考核体系仍需健全。"
            " 2015年，我区将进一步规范主动公开，着力加强重点领域信息公开。")
    blocks = split_problems_measures(text)
    assert [kind for kind, _ in blocks] == ["problems", "measures"]
    assert "三是公开制度有待完善" in blocks[0][1] and blocks[1][1].startswith("2015年，我区将")


def test_items_that_open_with_a_verb_of_doing_are_measures():
    from index.passages.chunk import split_problems_measures

    text = "存在的不足有：一是解读形式单一。二是互动不够。对此：一是加强政策解读。二是完善互动渠道。"
    kinds = [kind for kind, _ in split_problems_measures(text)]
    assert kinds[0] == "problems" and kinds[-1] == "measures"
