"""Text layouts → a stream of cells.

Reports reach us with their tables printed in many ways: ``a | b | c`` rows, one cell per
line (with or without a trailing pipe, with or without blank lines between), cells
separated by runs of spaces (PDF text), or digits run together with no separator at all.
This module turns any of them into one flat list of cell strings, and reads numbers out of
cells.  Recovering run-together digits lives here too, since it is about cells, not tables.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from parsing.template import ABSENT_MARKERS

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


Value = int | float
Cell = str


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


def cell_stream(lines: Iterable[str]) -> list[Cell]:
    """All cells of ``lines`` in reading order."""
    out: list[Cell] = []
    for line in lines:
        out.extend(split_line(line))
    return out


def parse_number(cell: Cell) -> Value | Absent | None:
    """The number a cell holds, ``Absent`` for "/", "—", "无", or ``None`` for text.

    Money in 元 is converted to 万元 (``80618元`` → 8.0618), the unit every money column
    of the template uses.
    """
    if cell.isdigit() and cell.isascii():
        return int(cell)
    text = cell.strip().replace(",", "").replace("，", "")
    if text in ABSENT_MARKERS:
        return Absent(text)
    match = _NUMBER.match(text)
    if not match:
        return None
    sign, digits, unit = match.groups()
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


# ---------------------------------------------------------------------------
# Run-together digits
# ---------------------------------------------------------------------------

MAX_SPLITS = 200_000


def _splits_of(token: str, parts: int) -> Iterable[tuple[int, ...]]:
    """Every way to cut ``token`` into ``parts`` numbers without leading zeros."""
    n = len(token)
    if parts < 1 or parts > n:
        return
    for cuts in itertools.combinations(range(1, n), parts - 1):
        bounds = (0, *cuts, n)
        pieces = [token[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        yield tuple(int(p) for p in pieces)


def recover_split(
    tokens: Sequence[str], count: int, valid: Callable[[Sequence[int]], bool]
) -> list[tuple[int, ...]]:
    """All ways to read ``tokens`` (digit strings) as ``count`` numbers that ``valid`` accepts.

    Each token is cut into one or more numbers; the cuts are enumerated (bounded by
    :data:`MAX_SPLITS`) and filtered by the template's own sums.  The caller uses the result
    only when exactly one split fits, so a wrong guess is never made silently.
    """
    if not tokens or not all(t.isdigit() for t in tokens):
        return []
    total_digits = sum(len(t) for t in tokens)
    if total_digits < count:
        return []
    results: list[tuple[int, ...]] = []
    seen = 0

    def walk(i: int, remaining: int, prefix: tuple[int, ...]) -> None:
        nonlocal seen
        if seen > MAX_SPLITS:
            return
        if i == len(tokens):
            if remaining == 0:
                seen += 1
                if valid(prefix):
                    results.append(prefix)
            return
        rest_tokens = len(tokens) - i - 1
        rest_digits = sum(len(t) for t in tokens[i + 1:])
        token = tokens[i]
        for parts in range(1, min(len(token), remaining - rest_tokens) + 1):
            if remaining - parts > rest_digits:
                continue
            for piece in _splits_of(token, parts):
                walk(i + 1, remaining - parts, prefix + piece)

    walk(0, count, ())
    return results


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
