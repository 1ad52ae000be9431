"""Text layouts → a stream of cells.

Reports reach us with their tables printed in many ways: ``a | b | c`` rows, one cell per
line (with or without a trailing pipe, with or without blank lines between), cells
separated by runs of spaces (PDF text), or digits run together with no separator at all.
This module turns any of them into one flat list of cell strings, and reads numbers out of
cells.  Recovering run-together digits lives here too, since it is about cells, not tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from parsing.template import ABSENT_MARKERS, PLACEHOLDER_HEADERS

# The most digits one figure of a report may have (fees in 元 included), and the longest run of
# digits a cell is read as a number from (a table row whose figures ran together, split below
# by the template's sums).  A longer run is text, never a number: a 5,000-digit "count" is
# damage (Python refuses to read it, a float cannot hold it).
FIGURE_DIGITS_MAX = 15
DIGIT_RUN_MAX = 100

_SPLIT = re.compile(r"\s*[|｜\t]\s*")
_NUMBER = re.compile(r"^([+\-−]?)(\d+(?:\.\d+)?)\s*(万元|元|件|项|条|个|次|宗|起|份)?$")
_SPACED = re.compile(r"\s+")
_SEPARATOR = re.compile(r"[|｜\s]")
# Text followed by digits in one cell, e.g. "1.属于国家秘密0" or "行政许可 201".
_TRAILING_DIGITS = re.compile(r"^(.*?[^\d\s.+\-−])\s*(\d[\d\s]*)$")


@dataclass(frozen=True)
class Absent:
    """A cell that holds no number: "/", "—", "无" …"""

    text: str


class Blank(Absent):
    """A cell the table left empty (``&nbsp;``, an empty ``<td>``): absent, never 0."""


Value = int | float
Cell = str

# Tokens a table grid adds to the cell stream: a blank data cell, and the end of a grid
# row (so a short row never borrows the next row's numbers).  Private-use characters: no
# report text holds them.
BLANK: Cell = "\ue000"
ROW_END: Cell = "\ue001"


def split_line(line: str) -> list[Cell]:
    """One line of text → its non-empty cells.

    Pipes and tabs separate cells; so do runs of whitespace (PDF text puts spaces between
    cells, and a header such as "商业 企业" splitting in two does no harm).
    """
    stripped = line.strip()
    if not _SEPARATOR.search(stripped):  # the common one-cell-per-line case
        return [stripped] if stripped else []
    cells: list[Cell] = []
    for part in _SPLIT.split(stripped):
        part = part.strip()
        if not part:
            continue
        cells.extend(p for p in _SPACED.split(part) if p)
    return cells


# Pinyin a page prints in brackets after a character: 規(guī)章, 行政事業(yè)性收費.
_PINYIN = re.compile(r"[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,6}\s*[)）]")
# A page footer a PDF export leaves between table rows: "— 4 —", "- 12 -", "第 4 页", "4/12".
_PAGE_FOOTER = re.compile(r"^(?:[—\-－–―~～]+\s*\d{1,4}\s*[—\-－–―~～]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4})$")
_MD_RULE = re.compile(r"^:?-{2,}:?$")
_FOOTER_HINT = re.compile(r"[—\-－–―~～页/]")
_PLACEHOLDER_HINT = re.compile("|".join(map(re.escape, PLACEHOLDER_HEADERS)))
_PLACEHOLDER = re.compile(r"^(?:" + "|".join(map(re.escape, PLACEHOLDER_HEADERS)) + r")\s*\d{1,2}$")


def strip_pinyin(text: str) -> str:
    """``規(guī)章`` → ``規章``: pinyin in brackets is no part of a label."""
    return _PINYIN.sub("", text) if "(" in text or "（" in text else text


def is_page_footer(line: str) -> bool:
    return bool(_PAGE_FOOTER.match(line.strip()))


def table_line_cells(line: str) -> list[Cell]:
    """One line inside a table → its cells, for the table matcher.

    Beyond :func:`split_line`: pinyin in brackets is dropped, a page footer gives no cell,
    a converter's placeholder header ("数据3") is dropped, and a markdown row
    (``| label |  | 0 |``) keeps its empty data cells as :data:`BLANK` and ends with
    :data:`ROW_END`.
    """
    stripped = strip_pinyin(line.strip())
    if not stripped:
        return []
    if stripped.isdigit():  # the common one-number-per-line case
        return [stripped]
    core = stripped.rstrip(" |｜")
    if core.isdigit() and (len(stripped) == len(core) or stripped[0] not in "|｜"):  # "12 |"
        return [core]
    if len(stripped) <= 24 and _FOOTER_HINT.search(stripped) and is_page_footer(stripped):
        return []
    if len(stripped) > 2 and stripped[0] in "|｜" and stripped[-1] in "|｜":
        return _markdown_row(stripped)
    cells = split_line(stripped)
    if _PLACEHOLDER_HINT.search(stripped):
        cells = [c for c in cells if not _PLACEHOLDER.match(c)]
    return cells


def _markdown_row(line: str) -> list[Cell]:
    parts = [p.strip() for p in _PIPES.split(line[1:-1])]
    if all(_MD_RULE.match(p) for p in parts if p):
        return []
    parts = [p for p in parts if not _PLACEHOLDER.match(p)]
    kinds = ["blank" if not p else "number" if parse_number(p) is not None else "label" for p in parts]
    labels = [i for i, k in enumerate(kinds) if k == "label"]
    numbers = [i for i, k in enumerate(kinds) if k == "number"]
    if not numbers and not labels:
        return []
    first_data = labels[-1] + 1 if labels else numbers[0]
    out: list[Cell] = []
    for i, (part, kind) in enumerate(zip(parts, kinds)):
        if kind == "blank":
            if i >= first_data and labels:
                out.append(BLANK)
            elif i >= first_data and numbers and i > numbers[0]:
                out.append(BLANK)
            continue
        out.extend(split_line(part) if kind == "label" else [part])
    if numbers or BLANK in out:
        out.append(ROW_END)
    return out


_PIPES = re.compile(r"[|｜]")


# Line → its cells (table_line_cells is a pure function; table rows and labels recur).
_LINE_CELLS: dict[str, list[Cell]] = {}
_LINE_CELLS_MAX = 20_000


def cell_stream(lines: Iterable[str]) -> list[Cell]:
    """All cells of ``lines`` (a table's lines) in reading order, see :func:`table_line_cells`.

    Where a table is laid out one cell per line and blank lines are rare (not used to
    separate cells), a single blank line between two cells is a blank cell: ``0``, ``0``,
    blank → :data:`BLANK`.
    """
    lines = list(lines)
    per_line = []
    known = _LINE_CELLS
    for line in lines:
        cells = known.get(line)
        if cells is None:
            cells = table_line_cells(line)
            if len(known) >= _LINE_CELLS_MAX:
                known.clear()
            known[line] = cells
        per_line.append(cells)  # read only below: a remembered list may be shared
    filled = [cells for cells in per_line if cells]
    singles = sum(len(cells) == 1 for cells in filled)
    empty = [i for i, line in enumerate(lines) if not line.strip()]
    blank_cells = len(filled) >= 8 and singles >= 0.7 * len(filled) and 0 < len(empty) <= 0.1 * len(filled)
    out: list[Cell] = []
    for i, cells in enumerate(per_line):
        if (blank_cells and not lines[i].strip() and 0 < i < len(lines) - 1
                and lines[i - 1].strip() and lines[i + 1].strip()
                and parse_number(strip_pinyin(lines[i - 1].strip())) is not None):
            out.append(BLANK)
        out.extend(cells)
    return out


def parse_number(cell: Cell) -> Value | Absent | None:
    """The number a cell holds, ``Absent`` for "/", "—", "无", or ``None`` for text.

    Money in 元 is converted to 万元 (``80618元`` → 8.0618), the unit every money column
    of the template uses.
    """
    if cell.isdigit() and cell.isascii():
        return int(cell) if len(cell) <= DIGIT_RUN_MAX else None
    if cell == BLANK:
        return Blank("")
    text = cell.strip().replace(",", "").replace("，", "")
    if text in ABSENT_MARKERS:
        return Absent(text)
    match = _NUMBER.match(text)
    if not match:
        return None
    sign, digits, unit = match.groups()
    if len(digits) > DIGIT_RUN_MAX:
        return None
    value: Value = float(digits) if "." in digits else int(digits)
    if unit == "元":
        value = round(value / 10000, 6)
    if sign in ("-", "−"):
        value = -value
    return value


def split_trailing_digits(cell: Cell) -> tuple[Cell, str] | None:
    """``"label123"`` → ``("label", "123")``; ``None`` when the cell does not end in digits."""
    match = _TRAILING_DIGITS.match(cell)
    if not match:
        return None
    return match.group(1), match.group(2).replace(" ", "")


# A run of numbers (spaces allowed between them), e.g. "21710000218" or "23 0 00 0 023".
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?(?:[ \t]+\d+(?:\.\d+)?)*")
# A list marker glued after the run: "…40000042.其他法律…" ends in the "2." of the next label.
_MARKER_AFTER = re.compile(r"\s*[.、．](?=\s*\D)")


_NOT_A_CELL = frozenset("年月日号%％")
_ANY_DIGIT = re.compile(r"\d")
_OPENING, _CLOSING = frozenset("(（第"), frozenset(")）项条款")
_UNIT_AFTER = re.compile(r"万元|元")


def explode(cell: Cell) -> list[Cell]:
    """Split a cell where labels and numbers run together into label and number cells.

    ``"规章000行政规范性文件6233440"`` → ``["规章", "000", "行政规范性文件", "6233440"]``.  A digit
    directly before ``.``/``、`` and text is the next label's list marker
    (``"…40000042.其他"`` → ``"4000004"``, ``"2.其他"``).  Cells that are one number, or
    hold no digit, come back unchanged.
    """
    if not _ANY_DIGIT.search(cell) or parse_number(cell) is not None:
        return [cell]
    out: list[Cell] = []
    text_start = 0
    for match in _DIGIT_RUN.finditer(cell):
        start, end = match.span()
        run = match.group(0)
        if cell[end:end + 1] in _NOT_A_CELL:  # "2024年", "30%": part of the text
            continue
        if start and cell[start - 1] in _OPENING and cell[end:end + 1] in _CLOSING:  # "第二十条第(1)项"
            continue
        unit = _UNIT_AFTER.match(cell, end)
        if unit:  # "13575394432.52元": the unit belongs to the number
            run += unit.group(0)
            end = unit.end()
        marker = _MARKER_AFTER.match(cell, end)
        if marker and "." not in run.rsplit(" ", 1)[-1]:
            # the last digit opens the next label: keep it with the text that follows
            end -= 1
            run = run[:-1].rstrip()
        label = cell[text_start:start].strip()
        if not run:  # the run is only the marker: it starts a new label cell
            if label:
                out.append(label)
            text_start = start
            continue
        if label:
            out.append(label)
        out.extend(run.split())
        text_start = end
    tail = cell[text_start:].strip()
    if tail:
        out.append(tail)
    return out


# ---------------------------------------------------------------------------
# Run-together digits
# ---------------------------------------------------------------------------

MAX_SPLITS = 200_000


def _splits_of(token: str, parts: int, budget: list[int]) -> Iterable[tuple[int, ...]]:
    """Every way to cut ``token`` into ``parts`` numbers of at most :data:`FIGURE_DIGITS_MAX`
    digits without leading zeros, in the order of the cut positions.

    Each piece tried spends one of ``budget[0]``; none is tried once it is 0."""

    def cut(start: int, left: int, prefix: tuple[int, ...]) -> Iterable[tuple[int, ...]]:
        rest = len(token) - start
        shortest = max(1, rest - (left - 1) * FIGURE_DIGITS_MAX)
        longest = min(FIGURE_DIGITS_MAX, rest - (left - 1))
        for length in range(shortest, longest + 1):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            piece = token[start:start + length]
            if length > 1 and piece[0] == "0":
                return  # every longer piece starts with the same 0
            if left == 1:
                if length == rest:
                    yield (*prefix, int(piece))
            else:
                yield from cut(start + length, left - 1, (*prefix, int(piece)))

    if 1 <= parts <= len(token):
        yield from cut(0, parts, ())


def recover_split(
    tokens: Sequence[str], count: int, valid: Callable[[Sequence[int]], bool], budget: list[int] | None = None
) -> list[tuple[int, ...]]:
    """All ways to read ``tokens`` (digit strings) as ``count`` numbers that ``valid`` accepts.

    Each token is cut into one or more numbers; the cuts are enumerated (at most
    :data:`MAX_SPLITS` pieces tried, whatever the digits; ``budget``, a one-item list, shares
    that count between the calls of one table) and filtered by the template's own sums.  The
    caller uses the result only when exactly one split fits, so a wrong guess is never made
    silently: an enumeration cut short by the budget gives no split at all.
    """
    if not tokens or not all(t.isdigit() for t in tokens):
        return []
    total_digits = sum(len(t) for t in tokens)
    if total_digits < count or total_digits > count * FIGURE_DIGITS_MAX:
        return []
    results: list[tuple[int, ...]] = []
    if budget is None:
        budget = [MAX_SPLITS]

    def walk(i: int, remaining: int, prefix: tuple[int, ...]) -> None:
        if budget[0] <= 0:
            return
        if i == len(tokens):
            if remaining == 0:
                if valid(prefix):
                    results.append(prefix)
            return
        rest_tokens = len(tokens) - i - 1
        rest_digits = sum(len(t) for t in tokens[i + 1:])
        token = tokens[i]
        for parts in range(1, min(len(token), remaining - rest_tokens) + 1):
            if remaining - parts > rest_digits:
                continue
            for piece in _splits_of(token, parts, budget):
                walk(i + 1, remaining - parts, prefix + piece)

    walk(0, count, ())
    return results if budget[0] > 0 else []


def sums_hold(groups: int, width: int) -> Callable[[Sequence[int]], bool]:
    """A validator: ``groups`` runs of ``width`` numbers, each run's last = sum of the others."""

    def valid(values: Sequence[int]) -> bool:
        for g in range(groups):
            run = values[g * width:(g + 1) * width]
            if sum(run[:-1]) != run[-1]:
                return False
        return True

    return valid


def always(values: Sequence[int]) -> bool:
    return True
