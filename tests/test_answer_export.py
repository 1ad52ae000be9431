"""“Download this answer”: real answers on the seeds written as a workbook and read back.

Expected figures are read from the seed reports themselves or from the store with our own
SQL, never from the answer under test.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from index.tables import store
from parsing.template import SECTIONS
from qa import Conversation, ask
from qa.answer_export import answer_sheets, answer_workbook
from tests.conftest import open_corpus, seed_path


@pytest.fixture(scope="module")
def seeds_handle(seeds_index):
    yield from open_corpus(seeds_index)


def _book(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None)


def _cell(data, report_id: str, table: str, row: str, column: str) -> float | None:
    with store.reading(data) as con:
        found = con.execute('SELECT value FROM cells WHERE report_id = ? AND "table" = ? AND "row" = ? '
                            'AND "column" = ?', [report_id, table, row, column]).fetchall()
    return found[0][0] if found else None


def test_a_looked_up_figure_with_its_cell_and_sql(seeds_handle, seeds_index):
    question = "大涌镇2022年行政处罚决定有多少件？"
    answer = ask(question, Conversation(), seeds_handle)
    book = _book(answer_workbook(answer))
    assert list(book) == ["回答", "表格", "来源", "SQL"]

    items = book["回答"]
    assert list(items.columns) == ["项目", "内容"]
    said = dict(zip(items["项目"], items["内容"]))
    assert said["问题"] == question and "191" in said["回答"] and "2022年" in said["范围"]

    # Seed 004 prints 行政处罚 191 under 处理决定数量 in section 二.
    assert "行政处罚\n\n191" in seed_path("004").read_text(encoding="utf-8")
    sources = book["来源"]
    assert list(sources.columns) == ["报告编号", "机关", "年度", "表格单元格", "数值", "来源文件"]
    assert len(sources) == 1
    row = sources.iloc[0]
    assert (row["机关"], row["年度"], row["表格单元格"], row["数值"]) == ("中山市大涌镇", 2022, "行政处罚·处理决定数量", 191)
    assert row["来源文件"] == seed_path("004").name
    assert _cell(seeds_index, row["报告编号"], "active_disclosure", "penalty", "decisions") == 191

    assert list(book["表格"].columns) == ["本回答没有表格。"]
    # The SQL sheet's query, run as written with its parameters, gives the figure again.
    sql = book["SQL"]
    assert list(sql.columns) == ["序号", "说明", "SQL", "参数"] and len(sql) == 1
    params = json.loads(sql.iloc[0]["参数"])
    assert params == {"p0": 2022, "p1": "中山市大涌镇"}
    with store.reading(seeds_index) as con:
        frame = con.execute(sql.iloc[0]["SQL"], params).df()
    assert frame["active_disclosure.penalty.decisions"].tolist() == [191]


def test_a_ranking_has_its_table_and_every_cell_largest_first(seeds_handle, seeds_index):
    answer = ask("Which agency received the most requests?", Conversation(), seeds_handle)
    book = _book(answer_workbook(answer))
    assert list(book) == ["answer", "table", "sources", "SQL"]
    table = book["table"]
    assert list(table.columns) == answer.table["columns"]
    assert len(table) == len(answer.table["rows"]) == 5

    sources = book["sources"]
    assert list(sources.columns) == ["report ID", "agency", "year", "table cell", "value", "source file"]
    # Each report's 本年新收…总计 from our own SQL, in the order the workbook lists them.
    with store.reading(seeds_index) as con:
        truth = dict(con.execute("SELECT agency, applications__new_received__total FROM metrics").fetchall())
    assert dict(zip(sources["agency"], sources["value"])) == {a: v for a, v in truth.items() if v is not None}
    assert sources["value"].tolist() == sorted(sources["value"], reverse=True)
    assert sources["value"].iloc[0] == 36 and sources["agency"].iloc[0] == "绍兴市越城区人民政府办公室"
    assert set(sources["table cell"]) == {"new requests received · total"}


def test_a_narrative_answer_lists_its_passages(seeds_handle):
    answer = ask("各机关存在的主要问题有哪些", Conversation(), seeds_handle)
    sheets = answer_sheets(answer)
    assert list(sheets) == ["回答", "表格", "来源", "原文段落", "SQL"]
    header, rows = sheets["原文段落"]
    assert header == ["报告编号", "机关", "年度", "所在部分", "原文", "来源文件"]
    assert len(rows) == len(answer.sources) > 0
    book = _book(answer_workbook(answer))
    passages = book["原文段落"]
    # Section 五 of the template, as the national format titles it.
    assert set(passages["所在部分"]) == {"5 " + next(s.title for s in SECTIONS if s.no == 5)}
    # Every passage's opening words are in the seed file it names (read ourselves).
    for _, row in passages.iterrows():
        source = seed_path(row["来源文件"][:3]).read_text(encoding="utf-8")
        opening = str(row["原文"]).split("\n")[0].strip()[:12]
        assert opening in source, (row["来源文件"], opening)
    assert list(book["来源"].columns) == ["本回答没有引用报告表格中的数字。"]
    assert len(book["回答"]) == 3 + len(answer.warnings) + len(answer.audit)


def test_text_that_looks_like_a_formula_stays_text(seeds_handle):
    answer = ask("=SUM(A1:A9)收到多少申请", Conversation(), seeds_handle)
    book = openpyxl.load_workbook(io.BytesIO(answer_workbook(answer)))
    sheet = book[book.sheetnames[0]]
    assert sheet["B2"].value == "=SUM(A1:A9)收到多少申请" and sheet["B2"].data_type == "s"


def test_the_apps_table_downloads_keep_text_that_looks_like_a_formula():
    from gongkai.ui.widgets import excel_bytes

    frame = pd.DataFrame({"来源文件": ["=1+1.txt", "004.txt"], "数值": [191, 4]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1.txt", "s")
    assert sheet["B2"].value == 191
