"""DOCX → text-dump lines: body paragraphs and tables in document order.

Merged cells are emitted once, at their origin: a horizontally merged cell is one
``w:tc`` with ``w:gridSpan``; a vertically merged one repeats as ``w:tc`` with
``w:vMerge`` (no ``restart``) in the rows below, which we skip — the same cells
python-docx reports as one ``cell._tc`` repeated.  Paragraphs inside a cell join with no
separator.  A table whose cells hold tables (or whole passages) is layout: its cells
are read as blocks.

Each data table is also handed over as a :class:`parsing.read.TableGrid`: ``w:gridBefore``
and ``w:gridSpan`` give column positions, a ``w:vMerge`` continuation repeats the text of the
cell above (marked covered), and an empty cell is ``None``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml.etree import _Element as Element

from parsing.grid import TableGrid

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_T, _TAB, _BR, _CR = (qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr"))
_TC_PR, _V_MERGE, _VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:val")
_GRID_SPAN, _TR_PR, _GRID_BEFORE = qn("w:gridSpan"), qn("w:trPr"), qn("w:gridBefore")
_SPACE = re.compile(r"[\s\u00a0\u200b\u3000]+")
_LINE_BREAK = "\n"
# A cell with more text than this is prose, so its table is layout (as in read_html).
MAX_DATA_CELL_CHARS = 300


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _paragraph_text(p: Element) -> str:
    """Text of a ``w:p``: runs, hyperlinks, fields' results; tabs as spaces, breaks as newlines."""
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR, _CR):
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append(" ")
        else:
            parts.append(_LINE_BREAK)
    return "".join(parts)


def _blocks(container: Element) -> Iterator[Element]:
    """Paragraphs and tables directly in ``container``, content controls unwrapped."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)


def _rows(tbl: Element) -> Iterator[Element]:
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _rows(content)


def _cells(tr: Element) -> Iterator[Element]:
    for child in tr:
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _cells(content)


def _continues_merge(tc: Element) -> bool:
    """True for the lower parts of a vertically merged cell (already emitted above)."""
    pr = tc.find(_TC_PR)
    if pr is None:
        return False
    merge = pr.find(_V_MERGE)
    return merge is not None and merge.get(_VAL, "continue") != "restart"


def _is_layout(tbl: Element) -> bool:
    """Cells holding tables, a single-cell box, or a cell holding a passage: layout, not data."""
    cells = [tc for tr in _rows(tbl) for tc in _cells(tr)]
    if len(cells) == 1:
        return True
    for tc in cells:
        if tc.find(".//" + _TBL) is not None:
            return True
        if sum(len(t.text or "") for t in tc.iter(_T)) > MAX_DATA_CELL_CHARS:
            return True
    return False


def _cell_text(tc: Element) -> str:
    """Paragraphs (and line breaks) of a cell joined with no separator."""
    pieces: list[str] = []
    for p in tc.iter(_P):
        pieces.extend(_clean(piece) for piece in _paragraph_text(p).split(_LINE_BREAK))
    return "".join(pieces)


def _int_val(element: Element | None) -> int:
    if element is None:
        return 0
    try:
        return max(0, min(int(element.get(_VAL, "1")), 100))
    except ValueError:
        return 1


def _grid_span(tc: Element) -> int:
    pr = tc.find(_TC_PR)
    return max(1, _int_val(pr.find(_GRID_SPAN) if pr is not None else None))


def _grid_before(tr: Element) -> int:
    pr = tr.find(_TR_PR)
    return _int_val(pr.find(_GRID_BEFORE) if pr is not None else None)


def _table_grid(tbl: Element, row_lines: list[int | None]) -> TableGrid:
    """The table as a rectangle of cells: spans expanded, blanks ``None``."""
    cells: list[list[str | None]] = []
    covered: list[list[bool]] = []
    for r, tr in enumerate(_rows(tbl)):
        row: list[str | None] = [None] * _grid_before(tr)
        cov = [False] * len(row)
        for tc in _cells(tr):
            span = _grid_span(tc)
            if _continues_merge(tc):
                above = cells[r - 1] if r else []
                text = above[len(row)] if len(row) < len(above) else None
                row.extend([text] * span)
                cov.extend([True] * span)
            else:
                text = _cell_text(tc) or None
                row.extend([text] * span)
                cov.extend([False] + [True] * (span - 1))
        cells.append(row)
        covered.append(cov)
    width = max((len(row) for row in cells), default=0)
    for row, cov in zip(cells, covered):
        row.extend([None] * (width - len(row)))
        cov.extend([False] * (width - len(cov)))
    return TableGrid(cells, row_lines, covered, "docx")


def _emit(container: Element, lines: list[str], tables: list[TableGrid] | None = None) -> None:
    for block in _blocks(container):
        if block.tag == _P:
            for piece in _paragraph_text(block).split(_LINE_BREAK):
                line = _clean(piece)
                if line:
                    lines.append(line)
        elif _is_layout(block):
            for tr in _rows(block):
                for tc in _cells(tr):
                    if not _continues_merge(tc):
                        _emit(tc, lines, tables)
        else:
            row_lines: list[int | None] = []
            for tr in _rows(block):
                texts = [_cell_text(tc) for tc in _cells(tr) if not _continues_merge(tc)]
                if any(texts):
                    lines.append(" | ".join(texts))
                    row_lines.append(len(lines) - 1)
                else:
                    row_lines.append(None)
            if tables is not None and any(line is not None for line in row_lines):
                tables.append(_table_grid(block, row_lines))


def docx_lines(data: bytes) -> list[str]:
    """Text-dump lines of a DOCX file's body.  python-docx errors propagate to the caller."""
    return docx_document(data)[0]


def docx_document(data: bytes) -> tuple[list[str], list[TableGrid]]:
    """Text-dump lines of a DOCX file's body and its data tables as grids."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    tables: list[TableGrid] = []
    _emit(document.element.body, lines, tables)
    return lines, tables
