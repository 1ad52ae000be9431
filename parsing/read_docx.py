"""DOCX → text-dump lines: body paragraphs and tables in document order.

Merged cells are emitted once, at their origin: a horizontally merged cell is one
``w:tc`` with ``w:gridSpan``; a vertically merged one repeats as ``w:tc`` with
``w:vMerge`` (no ``restart``) in the rows below, which we skip — the same cells
python-docx reports as one ``cell._tc`` repeated.  Paragraphs inside a cell join with no
separator.  A table whose cells hold tables (or whole passages) is layout: its cells
are read as blocks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml.etree import _Element as Element

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_T, _TAB, _BR, _CR = (qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr"))
_TC_PR, _V_MERGE, _VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:val")
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
    pieces = []
    for p in tc.iter(_P):
        pieces.extend(_clean(piece) for piece in _paragraph_text(p).split(_LINE_BREAK))
    return "".join(pieces)


def _emit(container: Element, lines: list[str]) -> None:
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
                        _emit(tc, lines)
        else:
            for tr in _rows(block):
                texts = [_cell_text(tc) for tc in _cells(tr) if not _continues_merge(tc)]
                if any(texts):
                    lines.append(" | ".join(texts))


def docx_lines(data: bytes) -> list[str]:
    """Text-dump lines of a DOCX file's body.  python-docx errors propagate to the caller."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    _emit(document.element.body, lines)
    return lines
