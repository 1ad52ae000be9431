"""One answer as an Excel workbook: what was asked and answered, its table, its sources and its SQL.

:func:`answer_sheets` lays the answer out as named tables (the sheets, in order);
:func:`answer_workbook` writes them into the bytes of one ``.xlsx``.  Sheets, in the
answer's language:

* 回答 / answer: the question, the answer text, its scope, each warning (and the audit
  details behind the warnings, for auditors);
* 表格 / table: the answer's table as shown;
* 来源 / sources: every report cell the figures were read from: report, agency, year, the
  cell's label in the template's words, value, source file; reports that make the figure
  first (:func:`qa.cited_cells.report_groups`);
* 原文段落 / passages: the narrative passages quoted (only when the answer quotes some);
* SQL: each query run, what it does in words, its SQL and its parameters.

A sheet with nothing to hold says so in words rather than being left blank.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

from index.tables.browse import figure_label
from index.tables.export import excel_text
from index.tables.labels import COLUMN_LABELS
from parsing.template import SECTIONS
from qa.cited_cells import report_groups
from qa.compose import Answer

# Every word of the workbook that is not the answer's own: key → (Chinese, English).
LABELS: dict[str, tuple[str, str]] = {
    "sheet.answer": ("回答", "answer"),
    "sheet.table": ("表格", "table"),
    "sheet.sources": ("来源", "sources"),
    "sheet.passages": ("原文段落", "passages"),
    "sheet.sql": ("SQL", "SQL"),
    "col.item": ("项目", "item"),
    "col.content": ("内容", "content"),
    "col.cell": ("表格单元格", "table cell"),
    "col.section": ("所在部分", "section"),
    "col.text": ("原文", "text"),
    "col.no": ("序号", "no."),
    "col.description": ("说明", "what it does"),
    "col.sql": ("SQL", "SQL"),
    "col.params": ("参数", "parameters"),
    "item.question": ("问题", "question"),
    "item.answer": ("回答", "answer"),
    "item.scope": ("范围", "scope"),
    "item.warning": ("提示", "note"),
    "item.audit": ("核对详情", "audit detail"),
    "empty.table": ("本回答没有表格。", "This answer has no table."),
    "empty.sources": ("本回答没有引用报告表格中的数字。", "This answer cites no figure from a report's tables."),
    "empty.sql": ("本回答没有运行SQL查询。", "This answer ran no SQL query."),
}
_SECTION_TITLES = {s.no: (s.title, s.en) for s in SECTIONS}
Sheet = tuple[list[str], list[list[Any]]]  # (header, rows)


def _word(key: str, lang: str) -> str:
    return LABELS[key][lang == "en"]


def _column(name: str, lang: str) -> str:
    return COLUMN_LABELS[name][lang == "en"]


def _number(value: Any) -> Any:
    """A cell value as a number Excel shows as the report prints it (36, not 36.0); absent → empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _answer_sheet(answer: Answer, lang: str) -> Sheet:
    rows: list[list[Any]] = [[_word("item.question", lang), answer.question],
                             [_word("item.answer", lang), answer.text]]
    if answer.scope:
        rows.append([_word("item.scope", lang), answer.scope])
    rows += [[_word("item.warning", lang), warning] for warning in answer.warnings]
    rows += [[_word("item.audit", lang), _json(item)] for item in answer.audit]
    return [_word("col.item", lang), _word("col.content", lang)], rows


def _table_sheet(answer: Answer, lang: str) -> Sheet:
    table = answer.table or {}
    if not table.get("rows"):
        return [_word("empty.table", lang)], []
    return [str(c) for c in table["columns"]], [list(row) for row in table["rows"]]


def _sources_sheet(answer: Answer, lang: str) -> Sheet:
    header = [_column(n, lang) for n in ("report_id", "agency", "year")]
    header += [_word("col.cell", lang), _column("value", lang), _column("source", lang)]
    rows = [[group["report_id"], group.get("agency"), group.get("year"), figure_label((t, r, c), lang),
             _number(value), group.get("source")]
            for group in report_groups(answer.cells) for t, r, c, value in group["cells"]]
    if not rows:
        return [_word("empty.sources", lang)], []
    return header, rows


def _section(no: Any, lang: str) -> str:
    title = _SECTION_TITLES.get(no, ("", ""))[lang == "en"] if no is not None else ""
    return f"{no} {title}".strip() if no is not None else ""


def _passages_sheet(answer: Answer, lang: str) -> Sheet | None:
    if not answer.sources:
        return None
    header = [_column(n, lang) for n in ("report_id", "agency", "year")]
    header += [_word("col.section", lang), _word("col.text", lang), _column("source", lang)]
    rows = [[s.get("report_id"), s.get("agency"), s.get("year"), _section(s.get("section"), lang), s.get("text"),
             s.get("source")] for s in answer.sources]
    return header, rows


def _sql_sheet(answer: Answer, lang: str) -> Sheet:
    if not answer.queries:
        return [_word("empty.sql", lang)], []
    header = [_word(k, lang) for k in ("col.no", "col.description", "col.sql", "col.params")]
    rows = [[i, q.get("description") or "", q.get("sql") or "", _json(q["params"]) if q.get("params") else ""]
            for i, q in enumerate(answer.queries, start=1)]
    return header, rows


def _json(value: Any) -> str:
    # Parameters may hold dates or numpy numbers: written as text rather than failing.
    return json.dumps(value, ensure_ascii=False, default=str)


def answer_sheets(answer: Answer, lang: str | None = None) -> dict[str, Sheet]:
    """The workbook's sheets by name, in order: each a (header, rows) pair."""
    lang = lang or answer.lang
    sheets = {_word("sheet.answer", lang): _answer_sheet(answer, lang),
              _word("sheet.table", lang): _table_sheet(answer, lang),
              _word("sheet.sources", lang): _sources_sheet(answer, lang)}
    passages = _passages_sheet(answer, lang)
    if passages is not None:
        sheets[_word("sheet.passages", lang)] = passages
    sheets[_word("sheet.sql", lang)] = _sql_sheet(answer, lang)
    return sheets


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return excel_text(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def answer_workbook(answer: Answer, lang: str | None = None) -> bytes:
    """The bytes of an ``.xlsx`` holding ``answer`` (see the module docstring)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in answer_sheets(answer, lang).items():
        sheet = book.create_sheet(title=name)
        for row in [header, *rows]:
            sheet.append([_cell_value(v) for v in row])
        for line in sheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":  # report text that starts with "=" is text, not a formula
                    cell.data_type = "s"
        for letter, width in _widths(header, rows).items():
            sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(header: list[str], rows: list[list[Any]]) -> dict[str, float]:
    """Column widths that show a column's text up to a limit (a Chinese character is two wide)."""
    from openpyxl.utils import get_column_letter

    widths: dict[str, float] = {}
    for i in range(len(header)):
        texts = [str(header[i])] + [str(r[i]) for r in rows[:200] if i < len(r) and r[i] is not None]
        longest = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text.split("\n")[0]) for text in texts)
        widths[get_column_letter(i + 1)] = min(max(longest + 2, 8), 80)
    return widths
