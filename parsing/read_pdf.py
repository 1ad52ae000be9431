"""PDF text layer → text-dump lines (pdfplumber).

Per page: ruled tables are found with :data:`TABLE_SETTINGS`; each table row becomes one
``a | b | c`` line (a merged cell appears only in the row where it starts, because
pdfplumber gives ``None`` for the rows it merely covers), text outside the tables becomes
lines, and both are merged in vertical order.  A page without ruled tables falls back to
``page.extract_text()``; its cells then come whitespace-separated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import pdfplumber

from parsing.grid import TableGrid

# Official report tables are fully ruled, so lines alone find them without mistaking
# aligned narrative text for a table.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# Tolerances for grouping characters into words and lines (pdfplumber units: points).
TEXT_SETTINGS: dict[str, Any] = {"x_tolerance": 3, "y_tolerance": 3}

_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# A line opening with a heading or list marker ((四), 二、, 3.) starts a new block even
# when the line above reaches the right edge.
_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d))")


class NoTextLayer(Exception):
    """The PDF has pages but not a single character: an image-only (scanned) file."""


def _clean(text: str | None) -> str:
    """A cell's text: its wrapped lines join with no separator, spaces collapse."""
    if not text:
        return ""
    return "".join(_SPACE.sub(" ", line).strip() for line in text.split("\n"))


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    char_width: float = 0.0
    is_row: bool = False
    grid_row: tuple[int, int] | None = None  # (table of the page, row) of a ruled table row


def _text_lines(page: Any) -> list[_Line]:
    out = []
    for line in page.extract_text_lines(**TEXT_SETTINGS):
        text = _SPACE.sub(" ", line["text"]).strip()
        if text:
            chars = line.get("chars") or []
            width = max((c["x1"] - c["x0"] for c in chars[-3:]), default=0.0)
            out.append(_Line(line["top"], line["bottom"], line["x0"], line["x1"], text, width))
    return out


def _join_wrapped(lines: list[_Line], page_width: float) -> list[_Line]:
    """Join a paragraph's visual lines: a line that reaches the right edge continues below.

    Lines with several spaces, or a space and a closing number, are left alone: they are
    whitespace-separated table rows, which may also reach the right edge.
    """
    prose = [ln for ln in lines if not ln.is_row]
    right = max((ln.x1 for ln in prose), default=0.0)
    if right < 0.6 * page_width:
        return lines
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None and not prev.is_row and not line.is_row
            and prev.x1 >= right - 2 * max(prev.char_width, 1.0)
            and line.top - prev.bottom < (prev.bottom - prev.top)
            and prev.text.count(" ") < 3 and line.text.count(" ") < 3
            and not _MARKER.match(line.text)
            and not (" " in prev.text and prev.text[-1].isdigit())  # "行政许可 57": a table row
        ):
            prev.text += line.text
            prev.x1, prev.bottom, prev.char_width = line.x1, line.bottom, line.char_width
            continue
        out.append(line)
    return out


def _page_lines(page: Any, grids: list[TableGrid] | None = None, offset: int = 0,
                number: int | None = None) -> list[str]:
    """The page's lines; its ruled tables are appended to ``grids`` as :class:`TableGrid`
    (pdfplumber's ``None`` for a merged-over position is a covered cell, an empty box is a
    blank ``None``), their row line indices counted from ``offset``."""
    tables = page.find_tables(table_settings=TABLE_SETTINGS)
    if not tables:
        return [ln.text for ln in _join_wrapped(_text_lines(page), page.width)]
    placed: list[_Line] = []
    page_grids: list[TableGrid] = []
    for t, table in enumerate(tables):
        rows = table.extract(**TEXT_SETTINGS)
        cells = [[_clean(c) or None for c in row] for row in rows]
        covered = [[c is None for c in row] for row in rows]
        page_grids.append(TableGrid(cells, [None] * len(rows), covered, "pdf", number))
        for r, (row_obj, row) in enumerate(zip(table.rows, rows)):
            texts = [_clean(c) for c in row if c is not None]
            if any(texts):
                x0, top, x1, bottom = row_obj.bbox
                placed.append(_Line(top, bottom, x0, x1, " | ".join(texts), is_row=True, grid_row=(t, r)))
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    placed += _text_lines(outside)
    placed.sort(key=lambda ln: (ln.top, ln.x0))
    joined = _join_wrapped(placed, page.width)
    for i, line in enumerate(joined):
        if line.grid_row is not None:
            t, r = line.grid_row
            page_grids[t].lines[r] = offset + i
    if grids is not None:
        grids.extend(g for g in page_grids if any(line is not None for line in g.lines))
    return [ln.text for ln in joined]


def pdf_lines(data: bytes, ocr: Any = None, scanned: list[Any] | None = None,
              grids: list[TableGrid] | None = None,
              check_pages: Callable[[int], None] | None = None) -> tuple[list[str], list[str]]:
    """``(lines, warnings)`` of a PDF.  Raises :class:`NoTextLayer` for image-only files;
    pdfplumber/pdfminer errors propagate to the caller.

    ``ocr`` (a :class:`parsing.ocr.PageReader`) reads the pages without a text layer; each
    OCRed page is appended to ``scanned`` as ``(first line index, OcrPage)``.  Without it
    such pages are skipped with a warning.  ``check_pages(n)`` is called with the number of
    pages before any is read (it raises to refuse the file).
    """
    lines: list[str] = []
    warnings: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages_with_text = 0
        if check_pages is not None:
            check_pages(len(pdf.pages))
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars and ocr is not None:
                read = ocr.read(number)
                warnings.extend(read.warnings)
                if scanned is not None:
                    scanned.append((len(lines), read))
                lines.extend(read.lines)
                pages_with_text += bool(read.lines)
                continue
            if not page.chars:
                warnings.append(f"page {number} has no text layer and OCR is off; its content is skipped")
                continue
            pages_with_text += 1
            lines.extend(_page_lines(page, grids, len(lines), number))
            page.close()
        if pages_with_text == 0:
            raise NoTextLayer()
    skipped = [w for w in warnings if w.endswith("has no text layer and OCR is off; its content is skipped")]
    if len(skipped) > 3:
        warnings = [w for w in warnings if w not in skipped[3:]]
        warnings.append(f"{len(skipped) - 3} more pages have no text layer and were skipped")
    return lines, warnings
