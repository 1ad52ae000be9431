"""Scanned PDF pages → text-dump lines and table grids, by OCR.

A page with no text layer is rendered with pypdfium2 and read with RapidOCR (the
``rapidocr-onnxruntime`` wheel, which ships the PP-OCRv4 Chinese detection and recognition
models: nothing is downloaded at run time).  The steps, each a plain function:

    render ──▶ OCR boxes ──▶ rulings (long dark lines in the image)
           ──▶ ruled tables: rulings → cells (spans from missing ruling pieces) → boxes placed
           ──▶ the rest: boxes → visual lines → paragraphs

Unruled pages fall back to rows from the boxes' vertical centres (cells separated by
spaces, as PDF text prints them), so the text parser still reads them.

Nothing here guesses a digit: a box the recogniser is not sure of is dropped (its cell is a
blank, absent downstream), and :func:`distrust_unbalanced` removes OCR-read cells that
break a template sum, each named in a warning that says they came from OCR.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# One callback per OCRed page: (source, page number 1-based, pages in the file).
OcrProgress = Callable[[str, int, int], None]

# Render scale of a page (1.0 = 72 dpi).  2.0 (144 dpi) keeps 7-point table digits about
# 14 px high: measured in bench/parse.py as the speed/accuracy trade-off (see OCR.md).
RENDER_SCALE = 2.0
# A digits-only box recognised with less confidence than this is not trusted.
MIN_NUMBER_SCORE = 0.6
# Detection: a lone thin digit ("1" in a wide cell) scores about 0.4 as a text region, so
# the detector's box threshold is lowered from RapidOCR's 0.5 (measured on report_scanned.pdf:
# 12 → 15 of 15 cells of the 四 table); recognition keeps its default score floor.
DETECT_SETTINGS: dict[str, float] = {"box_thresh": 0.3, "unclip_ratio": 1.6, "text_score": 0.5}
# A scan tilted by MIN_SKEW..MAX_SKEW degrees is straightened (image and boxes) before its
# rulings are looked for: they are found as exactly vertical/horizontal runs, which a tilt
# of 0.5° already breaks on a page-wide table.
MIN_SKEW, MAX_SKEW = 0.1, 5.0
REC_BATCH = 1

_DIGITS = re.compile(r"^[\d.,，．]+$")
_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d))")


class OcrUnavailable(Exception):
    """The OCR engine cannot be loaded (rapidocr-onnxruntime not installed or broken)."""


@dataclass(frozen=True)
class Box:
    """One recognised text box, in image pixels."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float
    quad: tuple[tuple[float, float], ...] = ()  # the detected quadrilateral, clockwise from top-left

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class OcrTable:
    """A ruled table rebuilt from OCR boxes: the :class:`parsing.read.TableGrid` fields."""

    cells: list[list[str | None]]
    covered: list[list[bool]]
    top: float


@dataclass
class OcrPage:
    """What one OCRed page gives: lines of the text dump, its tables, and warnings.

    ``table_rows[i]`` is ``(table index, row index)`` for a line that prints a table row.
    """

    lines: list[str] = field(default_factory=list)
    tables: list[OcrTable] = field(default_factory=list)
    table_rows: dict[int, tuple[int, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Engine, rendering, recognition
# ---------------------------------------------------------------------------


def default_threads() -> int:
    """Intra-op threads of the ONNX sessions when none are given: the cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


@lru_cache(maxsize=4)
def engine(threads: int = 1) -> Any:
    """The RapidOCR engine (models from the wheel), one per thread count, loaded once."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except Exception as error:  # ImportError, or a broken onnxruntime/opencv install
        raise OcrUnavailable(f"rapidocr-onnxruntime cannot be loaded ({type(error).__name__}: {error})") from None
    ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False)
    for wrapper in (ocr.text_det.infer, ocr.text_rec.session):
        _with_memory_arena(wrapper, threads)
    # One box per recognition run: a batch pads every box to its widest member, and on one
    # thread batching buys nothing back (measured: 3.8-4.0 against 5.4-5.5 CPU-s per page
    # for RapidOCR's 6, identical text).
    ocr.text_rec.rec_batch_num = REC_BATCH
    return ocr


def _with_memory_arena(wrapper: Any, threads: int) -> None:
    """Rebuild a RapidOCR ONNX session with onnxruntime's CPU memory arena on.

    RapidOCR turns the arena off; with it on, every page's varying tensor shapes reuse
    memory instead of allocating afresh: measured 15-20 % less CPU per page (OCR.md).
    """
    try:
        from onnxruntime import GraphOptimizationLevel, InferenceSession, SessionOptions

        options = SessionOptions()
        options.log_severity_level = 4
        options.enable_cpu_mem_arena = True
        options.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        wrapper.session = InferenceSession(wrapper.session._model_path, sess_options=options,
                                           providers=["CPUExecutionProvider"])
    except Exception:  # noqa: BLE001 - an older/newer onnxruntime: keep RapidOCR's own session
        return


def render(page: Any, scale: float = RENDER_SCALE) -> Any:
    """A pypdfium2 page → an RGB ``numpy`` array."""
    import numpy as np

    image = page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
    return np.asarray(image)


def recognise(image: Any, threads: int = 1) -> list[Box]:
    """OCR boxes of an RGB image (axis-aligned hulls of the detected quadrilaterals)."""
    result, _ = engine(threads)(image, use_cls=False, **DETECT_SETTINGS)
    boxes = []
    for quad, text, score in result or []:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        text = unicodedata.normalize("NFKC", str(text)).strip()
        if text:
            corners = tuple((float(x), float(y)) for x, y in zip(xs, ys))
            boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text, float(score), corners))
    return boxes


# ---------------------------------------------------------------------------
# Rulings and ruled tables
# ---------------------------------------------------------------------------


@dataclass
class Rulings:
    """Masks of the long vertical and horizontal dark lines of a page image."""

    vertical: Any  # uint8 array, 1 on a long ruling (finds tables and their columns)
    horizontal: Any
    regions: list[tuple[int, int, int, int]]  # (x0, top, x1, bottom) of each ruled table
    # Shorter pieces (one table row high or one narrow column wide): do two neighbouring
    # grid positions have a ruling between them, or are they one merged cell?
    vertical_piece: Any = None
    horizontal_piece: Any = None


def find_rulings(image: Any, scale: float = RENDER_SCALE) -> Rulings:
    """Long straight lines: a morphological opening keeps runs longer than any glyph stroke."""
    import cv2
    import numpy as np

    gray = image[:, :, 0] if image.ndim == 3 else image
    dark = (gray < 160).astype(np.uint8)
    length = max(20, int(24 * scale))  # 24 pt: longer than a stroke of body or title text
    vertical = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    horizontal = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    piece = max(6, int(5 * scale))
    vertical_piece = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, piece)))
    horizontal_piece = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (piece, 1)))
    both = cv2.dilate(np.maximum(vertical, horizontal), np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    regions = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w >= 4 * length and h >= 2 * length:  # a grid, not an underline or a box rule
            regions.append((int(x), int(y), int(x + w), int(y + h)))
    return Rulings(vertical, horizontal, sorted(regions, key=lambda r: r[1]), vertical_piece, horizontal_piece)


def _positions(profile: Sequence[float], threshold: float) -> list[int]:
    """Centres of the runs of ``profile`` at or above ``threshold``."""
    out, start = [], None
    for i, value in enumerate([*profile, 0]):
        if value >= threshold and start is None:
            start = i
        elif value < threshold and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def _covers(mask: Any, fixed: int, lo: int, hi: int, along_x: bool) -> bool:
    """Whether a ruling runs along most of ``lo..hi`` near coordinate ``fixed``."""
    if hi - lo < 4:
        return True
    lo, hi = lo + 2, hi - 2
    if along_x:  # a horizontal piece at y = fixed
        band = mask[max(0, fixed - 3):fixed + 4, lo:hi]
    else:  # a vertical piece at x = fixed
        band = mask[lo:hi, max(0, fixed - 3):fixed + 4]
    if band.size == 0:
        return False
    hits = band.max(axis=0 if along_x else 1)
    return float(hits.mean()) >= 0.6


def grid_lines(rulings: Rulings, region: tuple[int, int, int, int], scale: float = RENDER_SCALE
               ) -> tuple[list[int], list[int]]:
    """x positions of the vertical rulings and y positions of the horizontal ones in a table."""
    x0, top, x1, bottom = region
    length = max(20, int(24 * scale))
    vertical = rulings.vertical[top:bottom + 1, x0:x1 + 1]
    horizontal = rulings.horizontal[top:bottom + 1, x0:x1 + 1]
    xs = [x0 + x for x in _positions(vertical.sum(axis=0), length // 2)]
    ys = [top + y for y in _positions(horizontal.sum(axis=1), length)]
    return _dedupe(xs, 3), _dedupe(ys, 3)


def _dedupe(values: list[int], gap: int) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= gap:
            continue
        out.append(v)
    return out


def ruled_cells(rulings: Rulings, xs: list[int], ys: list[int]) -> list[list[tuple[int, int]]]:
    """Each grid position's merged-cell origin ``(row, column)``.

    Two neighbouring positions belong to one merged cell when no ruling separates them.
    """
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(p: tuple[int, int]) -> tuple[int, int]:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covers(rulings.vertical_piece, xs[c + 1], ys[r], ys[r + 1], along_x=False):
                union((r, c), (r, c + 1))
            if r + 1 < rows and not _covers(rulings.horizontal_piece, ys[r + 1], xs[c], xs[c + 1], along_x=True):
                union((r, c), (r + 1, c))
    return [[find((r, c)) for c in range(cols)] for r in range(rows)]


def _band(value: float, edges: list[int]) -> int | None:
    for i in range(len(edges) - 1):
        if edges[i] <= value < edges[i + 1]:
            return i
    return None


def boxes_to_grid(boxes: Sequence[Box], xs: list[int], ys: list[int],
                  origins: list[list[tuple[int, int]]]) -> tuple[list[list[str | None]], list[list[bool]]]:
    """Place boxes in the ruled cells: rows of ``str | None`` cells, merged cells expanded.

    A box goes to the cell holding its centre; several boxes in one cell (a wrapped label)
    join in reading order.  A cell no box reached is ``None`` (blank).
    """
    texts: dict[tuple[int, int], list[Box]] = {}
    for box in boxes:
        r, c = _band(box.cy, ys), _band(box.cx, xs)
        if r is None or c is None:
            continue
        texts.setdefault(origins[r][c], []).append(box)
    cells: list[list[str | None]] = []
    covered: list[list[bool]] = []
    for r, row in enumerate(origins):
        out: list[str | None] = []
        cov: list[bool] = []
        for c, origin in enumerate(row):
            inside = texts.get(origin)
            out.append(_join_boxes(inside) if inside else None)
            cov.append(origin != (r, c))
        cells.append(out)
        covered.append(cov)
    return cells, covered


def _join_boxes(boxes: Sequence[Box]) -> str:
    """Boxes of one cell or line in reading order: visual lines top to bottom, each left to right."""
    lines = _visual_lines(boxes)
    return "".join(_line_text(line) for line in lines)


def _visual_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes grouped into visual lines by vertical centre (within half a line height)."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines:
            last = lines[-1]
            centre = sum(b.cy for b in last) / len(last)
            height = max(b.height for b in last)
            if abs(box.cy - centre) <= 0.5 * max(height, box.height):
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _line_text(line: Sequence[Box]) -> str:
    """A visual line's boxes joined; a space only between two Latin/digit ends."""
    out = ""
    for box in line:
        if out and out[-1].isascii() and out[-1].isalnum() and box.text[0].isascii() and box.text[0].isalnum():
            out += " "
        out += box.text
    return out


# ---------------------------------------------------------------------------
# A page: tables and text in vertical order
# ---------------------------------------------------------------------------


def _trusted(boxes: list[Box], page_no: int, warnings: list[str]) -> list[Box]:
    """Drop digit boxes the recogniser is unsure of: their cells become blanks (absent)."""
    kept, doubtful = [], []
    for box in boxes:
        if _DIGITS.match(box.text) and box.score < MIN_NUMBER_SCORE:
            doubtful.append(box.text)
        else:
            kept.append(box)
    if doubtful:
        warnings.append(f"page {page_no}: OCR read {len(doubtful)} number(s) with low confidence "
                        f"({', '.join(doubtful[:5])}); their cells are left blank")
    return kept


def _inside(box: Box, region: tuple[int, int, int, int]) -> bool:
    x0, top, x1, bottom = region
    return x0 <= box.cx <= x1 and top <= box.cy <= bottom


@dataclass
class _Block:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    table_row: tuple[int, int] | None = None


def _text_blocks(boxes: Sequence[Box]) -> list[_Block]:
    """Boxes outside tables → visual lines; wide gaps on a line print as spaces (cells)."""
    out = []
    for line in _visual_lines(boxes):
        parts: list[str] = []
        for prev, box in zip([None, *line], line):
            gap = box.x0 - prev.x1 if prev is not None else 0.0
            if prev is not None and gap > 1.5 * max(box.height, prev.height):
                parts.append(" ")  # a column gap of an unruled table
            elif parts and parts[-1][-1:].isascii() and parts[-1][-1:].isalnum() and box.text[0].isascii() \
                    and box.text[0].isalnum():
                parts.append(" ")
            parts.append(box.text)
        out.append(_Block(min(b.top for b in line), max(b.bottom for b in line),
                          line[0].x0, line[-1].x1, "".join(parts)))
    return out


def _is_number(box: Box) -> bool:
    return bool(_DIGITS.match(box.text))


def _number_runs(lines: list[list[Box]]) -> list[list[list[Box]]]:
    """Runs of at least two consecutive visual lines that each hold two or more number boxes:
    the rows of a table printed without rulings."""
    runs: list[list[list[Box]]] = [[]]
    for line in lines:
        if sum(_is_number(b) for b in line) >= 2:
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def unruled_grid(rows: list[list[Box]]) -> list[list[str | None]] | None:
    """Rows of an unruled table → ``[label, value, value …]`` cells, columns from the number
    boxes' x-centres (clustered over all rows); a row with no number under a column gets
    ``None`` there.  ``None`` overall when two numbers of a row fall in one column (the
    columns cannot be told apart: the rows stay plain text)."""
    numbers = sorted(b.cx for row in rows for b in row if _is_number(b))
    heights = sorted(b.height for row in rows for b in row)
    gap = 2 * heights[len(heights) // 2]
    columns: list[list[float]] = []
    for x in numbers:
        if columns and x - columns[-1][-1] <= gap:
            columns[-1].append(x)
        else:
            columns.append([x])
    centres = [sum(c) / len(c) for c in columns]
    grid: list[list[str | None]] = []
    for row in rows:
        cells: list[str | None] = [None] * len(centres)
        label = [b for b in row if not _is_number(b)]
        for box in (b for b in row if _is_number(b)):
            column = min(range(len(centres)), key=lambda i: abs(centres[i] - box.cx))
            if abs(centres[column] - box.cx) > gap or cells[column] is not None:
                return None
            cells[column] = box.text
        grid.append([_line_text(label) if label else None, *cells])
    return grid


def _join_paragraphs(blocks: list[_Block]) -> list[_Block]:
    """A prose line that reaches the right edge continues on the next line (one paragraph)."""
    prose = [b for b in blocks if b.table_row is None and " " not in b.text]
    if not prose:
        return blocks
    right = max(b.x1 for b in prose)
    out: list[_Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        height = (prev.bottom - prev.top) if prev else 0.0
        if (prev is not None and prev.table_row is None and block.table_row is None
                and " " not in prev.text and " " not in block.text
                and prev.x1 >= right - 1.5 * height
                and block.top - prev.bottom < height
                and not _MARKER.match(block.text)):
            prev.text += block.text
            prev.x1, prev.bottom = block.x1, block.bottom
            continue
        out.append(block)
    return out


def page_from_boxes(boxes: list[Box], rulings: Rulings, page_no: int, scale: float = RENDER_SCALE) -> OcrPage:
    """Lay out one page's boxes: ruled tables as grids and ``a | b`` rows, the rest as lines."""
    page = OcrPage()
    boxes = _trusted(boxes, page_no, page.warnings)
    blocks: list[_Block] = []
    rest = list(boxes)
    for region in rulings.regions:
        xs, ys = grid_lines(rulings, region, scale)
        if len(xs) < 3 or len(ys) < 3:
            continue
        inside = [b for b in rest if _inside(b, region)]
        rest = [b for b in rest if not _inside(b, region)]
        cells, covered = boxes_to_grid(inside, xs, ys, ruled_cells(rulings, xs, ys))
        index = len(page.tables)
        page.tables.append(OcrTable(cells, covered, region[1]))
        for r, (row, cov) in enumerate(zip(cells, covered)):
            texts = [t for t, c in zip(row, cov) if t is not None and not c]
            if texts:
                blocks.append(_Block(ys[r], ys[r + 1], xs[0], xs[-1], " | ".join(texts), (index, r)))
    lines = _visual_lines(rest)
    for run in _number_runs(lines):
        grid = unruled_grid(run)
        if grid is None:
            continue
        index = len(page.tables)
        page.tables.append(OcrTable(grid, [[False] * len(row) for row in grid], run[0][0].top))
        for r, (line, row) in enumerate(zip(run, grid)):
            texts = [t for t in row if t is not None]
            blocks.append(_Block(min(b.top for b in line), max(b.bottom for b in line), line[0].x0, line[-1].x1,
                                 " | ".join(texts), (index, r)))
        lines = [line for line in lines if not any(line is taken for taken in run)]
    blocks += _text_blocks([box for line in lines for box in line])
    blocks.sort(key=lambda b: (b.top, b.x0))
    for block in _join_paragraphs(blocks):
        if block.table_row is not None:
            page.table_rows[len(page.lines)] = block.table_row
        page.lines.append(block.text)
    return page


def estimate_skew(boxes: Sequence[Box]) -> float:
    """The page's tilt in degrees (clockwise positive in image coordinates), from the top
    edges of the wide text boxes the detector found; 0.0 with fewer than three of them."""
    import math
    import statistics

    angles = []
    for box in boxes:
        if len(box.quad) == 4 and box.x1 - box.x0 > 4 * max(box.height, 1.0):
            (x0, y0), (x1, y1) = box.quad[0], box.quad[1]
            if x1 > x0:
                angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return statistics.median(angles) if len(angles) >= 3 else 0.0


def deskew(image: Any, boxes: Sequence[Box], angle: float) -> tuple[Any, list[Box]]:
    """The image and its boxes turned by ``-angle`` degrees about the image centre (white corners)."""
    import cv2
    import numpy as np

    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    out = []
    for box in boxes:
        points = np.asarray(box.quad or ((box.x0, box.top), (box.x1, box.top), (box.x1, box.bottom),
                                         (box.x0, box.bottom)), dtype=np.float64)
        moved = np.hstack([points, np.ones((len(points), 1))]) @ matrix.T
        xs, ys = moved[:, 0], moved[:, 1]
        out.append(Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), box.text, box.score,
                       tuple((float(x), float(y)) for x, y in moved)))
    return turned, out


def ocr_page(pdf_page: Any, page_no: int, threads: int = 1, scale: float = RENDER_SCALE) -> OcrPage:
    """Render, straighten, recognise and lay out one PDF page (a pypdfium2 page)."""
    image = render(pdf_page, scale)
    boxes = recognise(image, threads)
    angle = estimate_skew(boxes)
    if MIN_SKEW <= abs(angle) <= MAX_SKEW:
        image, boxes = deskew(image, boxes, angle)
    page = page_from_boxes(boxes, find_rulings(image, scale), page_no, scale)
    if not page.lines:
        page.warnings.append(f"page {page_no} has no text layer and OCR found no text on it")
    return page


class PageReader:
    """OCR of the image-only pages of one PDF, opened once with pypdfium2."""

    def __init__(self, data: bytes, source: str, progress: OcrProgress | None = None,
                 threads: int | None = None, scale: float | None = None) -> None:
        self.data = data
        self.source = source
        self.progress = progress
        self.threads = threads or default_threads()
        self.scale = scale or RENDER_SCALE
        self.pages_read: list[int] = []
        self._pdf: Any = None  # opened at the first image-only page: text PDFs never pay for it

    def read(self, page_no: int) -> OcrPage:
        """OCR page ``page_no`` (1-based), reporting progress first."""
        import pypdfium2

        engine(self.threads)  # fail early, before any progress line, if OCR cannot load
        if self._pdf is None:
            self._pdf = pypdfium2.PdfDocument(self.data)
        if self.progress is not None:
            self.progress(self.source, page_no, len(self._pdf))
        self.pages_read.append(page_no)
        try:
            return ocr_page(self._pdf[page_no - 1], page_no, self.threads, self.scale)
        except Exception as error:  # noqa: BLE001 - one bad page must not lose the others
            return OcrPage(warnings=[f"page {page_no} has no text layer and its OCR failed "
                                     f"({type(error).__name__}: {error}); its content is skipped"])

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def print_progress(source: str, page: int, pages: int) -> None:
    """The progress hook ``gongkai parse`` uses: one stderr line per OCRed page."""
    print(f"OCR page {page}/{pages} of {source}", file=sys.stderr, flush=True)


def scanned_grids(scanned: Sequence[tuple[int, OcrPage]], pages: Sequence[int]) -> list[Any]:
    """The :class:`parsing.read.TableGrid` of every OCRed table (``source="ocr"``).

    ``scanned`` pairs each OCRed page's first line index in the document with the page;
    ``pages`` gives their page numbers.
    """
    from parsing.grid import TableGrid

    grids = []
    for (offset, page), number in zip(scanned, pages):
        for index, table in enumerate(page.tables):
            line_of = {row: offset + line for line, (t, row) in page.table_rows.items() if t == index}
            grids.append(TableGrid(cells=table.cells, lines=[line_of.get(r) for r in range(len(table.cells))],
                                   covered=table.covered, source="ocr", page=number))
    return grids


# ---------------------------------------------------------------------------
# After the match: OCR-read cells that break a template sum are not trusted
# ---------------------------------------------------------------------------


def ocr_table_keys(document: Any) -> dict[str, list[int]]:
    """The template tables (``"applications"`` …) whose header phrases stand on OCRed
    lines, with the pages they stand on."""
    from parsing.meta import to_simplified
    from parsing.template import TABLE_ANCHORS

    lines = document.lines
    found: dict[str, list[int]] = {}
    for page, first, end in document.ocr_pages:
        text = to_simplified(unicodedata.normalize("NFKC", "\n".join(lines[first:end])))
        for key, anchors in TABLE_ANCHORS.items():
            if any(a in text for a in anchors):
                found.setdefault(key, []).append(page)
    return found


def check_cells(rule: str, grid: dict[str, dict[str, float]], template: str) -> list[tuple[str, str]]:
    """The ``(row, column)`` cells a sum check of :mod:`parsing.checks` adds up."""
    from parsing.template import APPLICANT_COLUMNS, result_rows

    applicants = [c.key for c in APPLICANT_COLUMNS]
    parts = rule.split(".")
    kind, key = parts[1], ".".join(parts[2:])
    if kind == "balance":
        return [(r, key) for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
    if kind == "row_total":
        return [(key, c) for c in applicants]
    if kind == "processed_total":
        rows = [r for r in result_rows(template) if r in grid] + (["other"] if "other" in grid else [])
        return [(r, key) for r in [*rows, "total_processed"]]
    if kind == "total":  # review_litigation.total.<row>
        return [(key, c) for c in ("upheld", "corrected", "other", "pending", "total")]
    return []


def distrust_unbalanced(report: Any, document: Any) -> None:
    """Leave absent every OCR-read cell of a failed template sum, each sum named in a warning.

    OCR can misread a digit; a sum that does not hold means some cell of it is wrong and we
    cannot tell which, so none of its cells is kept.  Tables printed on text pages (a mixed
    PDF) keep their cells: what is printed there is what the agency published.
    """
    from parsing.checks import application_checks, narrative_checks, review_checks

    keys = ocr_table_keys(document)
    for key, pages in keys.items():
        report.warnings.append(f"{key}: table read by OCR (page {', '.join(map(str, pages))}); "
                               "a cell OCR could not read is blank and left absent")
    dropped = False
    for table, checks in (("applications", lambda g: application_checks(g, report.template)),
                          ("review_litigation", review_checks)):
        grid = report.table(table)
        if table not in keys or not grid:
            continue
        while True:  # dropping cells can only remove checks, so this ends
            failed = [c for c in checks(grid) if not c.ok]
            if not failed:
                break
            check = failed[0]
            cells = [(r, c) for r, c in check_cells(check.rule, grid, report.template) if c in grid.get(r, {})]
            if not cells:
                break
            for row, column in cells:
                del grid[row][column]
                if not grid[row]:
                    del grid[row]
            dropped = True
            names = ", ".join(f"{row}.{column}" for row, column in cells)
            report.warnings.append(f"{check.rule}: cells read by OCR break the template sum ({check.detail}); "
                                   f"{len(cells)} cells left absent: {names}")
    if dropped:
        narrative = "\n".join(s.text for s in report.sections if s.no in (1, 5, 6))
        tables = {key: report.table(key) for key in ("active_disclosure", "applications", "review_litigation")}
        report.checks = (application_checks(tables["applications"], report.template)
                         + review_checks(tables["review_litigation"])
                         + narrative_checks(narrative, tables, report.template))
