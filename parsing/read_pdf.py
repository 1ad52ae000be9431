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
from typing import Any

import pdfplumber

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


def _page_lines(page: Any) -> list[str]:
    tables = page.find_tables(table_settings=TABLE_SETTINGS)
    if not tables:
        text = page.extract_text(**TEXT_SETTINGS) or ""
        return [line for line in (_SPACE.sub(" ", t).strip() for t in text.split("\n")) if line]
    placed: list[tuple[float, int, str]] = []
    for table in tables:
        rows = table.extract(**TEXT_SETTINGS)
        for row_obj, cells in zip(table.rows, rows):
            texts = [_clean(c) for c in cells if c is not None]
            if any(texts):
                placed.append((row_obj.bbox[1], len(placed), " | ".join(texts)))
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(**TEXT_SETTINGS):
        text = _SPACE.sub(" ", line["text"]).strip()
        if text:
            placed.append((line["top"], len(placed), text))
    placed.sort()
    return [text for _, _, text in placed]


def pdf_lines(data: bytes) -> tuple[list[str], list[str]]:
    """``(lines, warnings)`` of a PDF.  Raises :class:`NoTextLayer` for image-only files;
    pdfplumber/pdfminer errors propagate to the caller."""
    lines: list[str] = []
    warnings: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages_with_text = 0
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                warnings.append(f"page {number} has no text layer; its content is skipped")
                continue
            pages_with_text += 1
            lines.extend(_page_lines(page))
            page.close()
        if pages_with_text == 0:
            raise NoTextLayer()
    if len(warnings) > 3:
        warnings = warnings[:3] + [f"{len(warnings) - 3} more pages have no text layer"]
    return lines, warnings
