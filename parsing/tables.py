"""The template matched against a cell stream → the three statistics tables.

Each table has its own matcher, because the national template prints them differently:

* 二 (active disclosure): row labels each followed by that row's numbers;
* 三 (applications): 28 rows of 7 numbers, result rows nested under group headings
  ((三)不予公开 …), the vertical 三、本年度办理结果 label anywhere in between;
* 四 (review and litigation): one row of 15 numbers under a two-level header.

Cells are matched in simplified script; labels come from :mod:`parsing.template`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsing import cells as C
from parsing.record import Grid
from parsing.template import (RESULT_GROUPS, TABLE_ANCHORS, TABLE_LEAD_WORDS, TABLE_ROW_HEADS, TEMPLATES, Row,
                              Table)

_OTHER_ROW = re.compile(r"^\d+\s*[.、．]?\s*其他$|^其他$")


@dataclass
class TableResult:
    grid: Grid = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    found: bool = False
    # "row.column" of the cells the table left blank (named in one warning per table).
    blanks: list[str] = field(default_factory=list)

    def blank_warning(self, table: str) -> None:
        """One warning naming every blank cell of the table, if any."""
        if self.blanks:
            rows: dict[str, list[str]] = {}
            for blank in self.blanks:
                row, column = blank.rsplit(".", 1)
                rows.setdefault(row, []).append(column)
            named = "; ".join(f"{table}.{row} ({', '.join(columns)})" for row, columns in rows.items())
            self.warnings.append(
                f"{table}: {len(self.blanks)} blank cell{'s' if len(self.blanks) > 1 else ''} left absent "
                f"(not 0): {named}")


def _put(result: TableResult, row: str, columns: Sequence[str], values: Sequence[object], table: str) -> None:
    cells = None  # the grid row, made when its first number is stored
    for column, value in zip(columns, values):
        if isinstance(value, C.Absent):
            if isinstance(value, C.Blank):
                result.blanks.append(f"{row}.{column}")
            else:
                result.warnings.append(f"{table}.{row}.{column}: cell reads {value.text!r}, not a number; left absent")
            continue
        if cells is None:
            cells = result.grid.setdefault(row, {})
        cells[column] = value  # type: ignore[assignment]


# How many distinct cells a matcher remembers the reading of (see _iter_cells).
_READINGS_MAX = 20_000


class RowMatcher:
    """Finds which row a label cell names: one regex over every row's phrases."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = tuple(rows)
        self._row_of = {m: (i, row) for i, row in enumerate(self.rows) for m in row.match}
        self._pattern = re.compile("|".join(re.escape(m) for m in self._row_of))
        # cell → its pieces as (piece, number-or-None, row-or-None): a pure function of the
        # cell, and template labels recur in every report.
        self.readings: dict[str, tuple[tuple[str, object, Row | None], ...]] = {}

    def __call__(self, cell: str) -> Row | None:
        """The first row (in template order) one of whose phrases occurs in ``cell``."""
        found = [self._row_of[m.group(0)] for m in self._pattern.finditer(cell)]
        return min(found, key=lambda pair: pair[0])[1] if found else None


@lru_cache(maxsize=16)
def _matcher(template: str, table: str) -> RowMatcher:
    rows = TEMPLATES[template].tables[table].rows
    # The (六)其他处理 heading and "3.其他" are matched by parse_applications itself.
    return RowMatcher([r for r in rows if r.match and r.key != "other"])


def _row_validator(table: Table, row: Row) -> C.Callable[[Sequence[int]], bool]:
    if table.key == "applications":
        return C.sums_hold(1, len(row.columns))
    return C.always


class _RowCollector:
    """Collects the numbers that follow a row label, recovering run-together digits."""

    def __init__(self, table: Table, result: TableResult) -> None:
        self.table = table
        self.result = result
        self.row: Row | None = None
        self.values: list[object] = []
        self.raw: list[str] = []
        self.blank = False  # the current row holds a blank grid cell
        # Rows whose run-together digits allow several splits: resolved table-wide later.
        self.ambiguous: dict[str, list[tuple[int, ...]]] = {}
        # The stream in order: ("row", key) for each label, ("orphan", values) for numbers
        # that no label precedes, ("end", None) where a grid row ends.
        self.events: list[tuple[str, object]] = []
        # Labels printed one after another with no numbers between them (a label column
        # exported apart from its numbers): they wait for the numbers that follow.
        self.waiting: list[Row] = []
        self._own = {id(r) for r in table.rows}
        self.split_budget = [C.MAX_SPLITS]  # pieces run-together digits may be cut into, table-wide

    def _in_table(self, row: Row) -> bool:
        """``row in table.rows``, the rows themselves answered without comparing fields."""
        return id(row) in self._own or row in self.table.rows

    def start(self, row: Row) -> None:
        if self.row is not None and not self.raw:
            if row is self.row:  # the same label again (a label wrapped over two lines)
                return
            if self._in_table(row) and self._in_table(self.row):
                self.waiting.append(self.row)
                self.events.append(("row", row.key))
                self.row = row
                return
        self.finish()
        self.events.append(("row", row.key))
        self.row = row
        self.values = []
        self.raw = []
        self.blank = False

    def add(self, cell: str, value: object) -> None:
        if self.row is None:
            if not isinstance(value, C.Blank):
                last = self.events[-1] if self.events else None
                if last is not None and last[0] == "orphan" and isinstance(last[1], list):
                    last[1].append(value)
                else:
                    self.events.append(("orphan", [value]))
            return
        self.values.append(value)
        self.raw.append(cell)
        self.blank = self.blank or isinstance(value, C.Blank)
        # With a blank cell in the row, which number is which column is decided at the
        # row's end (end_row), where the grid row's width is known; with labels waiting,
        # at the next label, when the count of numbers is known.
        if not self.blank and not self.waiting and len(self.values) == len(self.row.columns):
            self._commit(self.values)

    def end_row(self) -> None:
        """The end of a grid row: place its numbers by position, blanks left absent."""
        self.events.append(("end", None))
        if self.row is None or not self.blank:
            self.finish()
            return
        row, values, need = self.row, self.values, len(self.row.columns)
        numbers = [v for v in values if not isinstance(v, C.Blank)]
        if not numbers and not self._in_table(row):  # a group heading's empty cells
            self.row = None
            self.values, self.raw, self.blank = [], [], False
            return
        if len(values) == need:
            self._commit(values)
        elif len(numbers) == need:
            self._commit(numbers)
        else:
            self.result.warnings.append(
                f"{self.table.key}.{row.key}: {len(numbers)} numbers and {len(values) - len(numbers)} blank cells "
                f"for {need} columns; which column each number belongs to is unclear; row left absent")
            self.row = None
            self.values, self.raw, self.blank = [], [], False

    def _commit(self, values: Sequence[object]) -> None:
        assert self.row is not None
        self.result.found = True
        _put(self.result, self.row.key, self.row.columns, values, self.table.key)
        self.row = None
        self.values = []
        self.raw = []
        self.blank = False

    def finish(self) -> None:
        """Close the current row: complete, recovered from run-together digits, or absent."""
        if self.row is None:
            return
        if self.waiting:
            self._finish_waiting()
            return
        row, raw, need = self.row, self.raw, len(self.row.columns)
        self.row = None
        if not raw:
            return
        if self.blank:
            self.row = row
            self.end_row()
            return
        name = f"{self.table.key}.{row.key}"
        if all(t.isdigit() for t in raw):
            splits = C.recover_split(raw, need, _row_validator(self.table, row), self.split_budget)
            if len(splits) == 1:
                self.row = row
                self._commit(splits[0])
                self.result.warnings.append(
                    f"{name}: digits {''.join(raw)!r} run together; the only split the template's sums allow is "
                    f"{'/'.join(map(str, splits[0]))}")
                return
            if len(splits) > 1 and self.table.key == "applications":
                self.ambiguous[row.key] = splits
                self.result.found = True
                return
            self.result.warnings.append(
                f"{name}: digits {''.join(raw)!r} run together and {len(splits)} splits fit; cells left absent")
            return
        self.result.warnings.append(f"{name}: found {len(raw)} of {need} cells; row left absent")


    def _finish_waiting(self) -> None:
        """Labels printed apart from their numbers: the numbers that follow them go to them
        in order when there are exactly as many as the labels' columns; otherwise which
        label owns which number is unclear and every one of those rows is left absent."""
        assert self.row is not None
        labels = [*self.waiting, self.row]
        values, need = self.values, sum(len(r.columns) for r in labels)
        names = ", ".join(f"{self.table.key}.{r.key}" for r in labels)
        self.waiting = []
        if len(values) == need and not self.blank:
            pos = 0
            for row in labels:
                self.row = row
                self._commit(values[pos:pos + len(row.columns)])
                pos += len(row.columns)
            self.result.warnings.append(
                f"{names}: labels printed apart from their numbers; the {need} numbers that follow them "
                "fill them in the template's row order")
            return
        self.row = None
        self.values, self.raw, self.blank = [], [], False
        if values:
            self.result.warnings.append(
                f"{names}: labels printed apart from their numbers and {len(values)} numbers follow them "
                f"({need} would fill them); which label owns which number is unclear; rows left absent")


def _resolve_ambiguous(collector: _RowCollector, template: str) -> None:
    """Choose among several splits of run-together rows using the table's column sums."""
    if not collector.ambiguous:
        return
    grid = collector.result.grid
    keys = list(collector.ambiguous)
    options = [collector.ambiguous[k] for k in keys]
    combos = 1
    for o in options:
        combos *= len(o)
    table = collector.table
    columns = table.rows[0].columns
    fits: list[tuple[tuple[int, ...], ...]] = []
    if combos <= 20_000:
        from parsing.checks import applications_column_errors

        for combo in itertools.product(*options):
            trial = {r: dict(v) for r, v in grid.items()}
            for key, values in zip(keys, combo):
                trial[key] = dict(zip(columns, values))
            if not applications_column_errors(trial, template):
                fits.append(combo)
                if len(fits) > 1:
                    break
    if len(fits) == 1:
        for key, values in zip(keys, fits[0]):
            grid[key] = dict(zip(columns, values))
            collector.result.warnings.append(
                f"applications.{key}: digits run together; the only split that balances the table is "
                f"{'/'.join(map(str, values))}")
        return
    for key in keys:
        collector.result.warnings.append(
            f"applications.{key}: digits run together and {len(collector.ambiguous[key])} splits fit; "
            "cells left absent")


def _place_orphans(collector: _RowCollector) -> None:
    """Numbers no label precedes (a PDF→markdown export moved the label away): put them in
    the one missing row that the template's row order (between the labelled rows around
    them), the row's width and, for 三, its sum allow; otherwise leave them absent."""
    table, grid, events = collector.table, collector.result.grid, collector.events
    index = {row.key: i for i, row in enumerate(table.rows)}
    for pos, (kind, payload) in enumerate(events):
        if kind != "orphan" or not isinstance(payload, list):  # an orphan's payload: its numbers
            continue
        values = list(payload)
        prev = next((k for t, k in reversed(events[:pos]) if t == "row" and k in index), None)
        nxt = next((k for t, k in events[pos + 1:] if t == "row" and k in index), None)
        lo = index[prev] + 1 if prev is not None else 0  # type: ignore[index]
        hi = index[nxt] if nxt is not None else len(table.rows) - 1  # type: ignore[index]
        fits = [row for row in table.rows[lo:hi + 1]
                if row.key not in grid and len(row.columns) == len(values)
                and (table.key != "applications" or _sum_holds(values))]
        where = f"between {prev or 'the table start'} and {nxt or 'the table end'}"
        shown = "/".join(str(v.text if isinstance(v, C.Absent) else v) for v in values)
        if len(fits) == 1:
            row = fits[0]
            _put(collector.result, row.key, row.columns, values, table.key)
            collector.result.found = True
            collector.result.warnings.append(
                f"{table.key}.{row.key}: numbers {shown} stand without a label {where}; "
                "the only row the template's order and sums allow there")
        else:
            collector.result.warnings.append(
                f"{table.key}: numbers {shown} stand without a label {where}; "
                f"{len(fits)} rows fit ({', '.join(r.key for r in fits) or 'none'}); left absent")


def _sum_holds(values: Sequence[object]) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return len(numbers) == len(values) and abs(sum(numbers[:-1]) - numbers[-1]) < 1e-9  # type: ignore[arg-type]


def _pieces(cells: Sequence[str]):
    """The cells with run-together labels and numbers split apart (see ``cells.explode``)."""
    for cell in cells:
        if cell.isdigit() or cell == C.ROW_END or cell == C.BLANK:
            yield cell
        else:
            yield from C.explode(cell)


def _reading(piece: str, match: RowMatcher) -> tuple[str, object, Row | None]:
    if piece == C.ROW_END:
        return piece, None, None
    value = C.parse_number(piece)
    if value is not None:
        return piece, value, None
    return piece, None, match(piece)


def _iter_cells(cells: Sequence[str], match: RowMatcher):
    """Yield (cell, number-or-None, row-or-None); a grid row's end yields (ROW_END, None, None).

    Cells are split by :func:`_pieces`; each cell's readings are remembered by the matcher.
    """
    readings = match.readings
    for cell in cells:
        if cell.isdigit() and cell.isascii() and len(cell) <= C.DIGIT_RUN_MAX:  # a plain number
            yield cell, int(cell), None
            continue
        found = readings.get(cell)
        if found is None:
            found = tuple(_reading(piece, match) for piece in _pieces((cell,)))
            if len(readings) >= _READINGS_MAX:
                readings.clear()
            readings[cell] = found
        yield from found


def parse_active_disclosure(cells: Sequence[str], template: str) -> TableResult:
    table = TEMPLATES[template].tables["active_disclosure"]
    result = TableResult()
    collector = _RowCollector(table, result)
    for cell, value, row in _iter_cells(cells, _matcher(template, table.key)):
        if value is not None:
            collector.add(cell, value)
        elif row is not None:
            collector.start(row)
        elif cell == C.ROW_END:
            collector.end_row()
    collector.finish()
    _place_orphans(collector)
    result.blank_warning(table.key)
    return result


def parse_applications(cells: Sequence[str], template: str) -> TableResult:
    table = TEMPLATES[template].tables["applications"]
    result = TableResult()
    collector = _RowCollector(table, result)
    group: str | None = None
    last_row: str | None = None
    for cell, value, row in _iter_cells(cells, _matcher(template, table.key)):
        if value is not None:
            collector.add(cell, value)
            continue
        if cell == C.ROW_END:
            collector.end_row()
            continue
        if row is not None:
            collector.start(row)
            group = row.parent
            last_row = row.key
            continue
        heading = next((g for g, spec in RESULT_GROUPS.items() if spec[1] in cell), None)
        if heading is not None:
            group = heading
            # A group heading directly followed by numbers (no sub-rows) is the group's row,
            # e.g. the 2019-era "(六)其他处理".
            collector.start(Row(heading, cell, heading, (), table.rows[0].columns))
            continue
        if group == "other" and _OTHER_ROW.match(cell) and last_row in ("other.no_amendment", "other.unpaid_fee"):
            collector.start(table.row("other.other"))
            last_row = "other.other"
    collector.finish()
    # Group headings followed by numbers for groups the schema has no row for.
    for g in ("denied", "unavailable", "not_processed"):
        if g in result.grid:
            result.grid.pop(g)
            result.warnings.append(f"applications.{g}: the report gives only the group total; sub-rows absent")
    _resolve_ambiguous(collector, template)
    _place_orphans(collector)
    result.blank_warning(table.key)
    return result


def parse_review_litigation(cells: Sequence[str], template: str) -> TableResult:
    table = TEMPLATES[template].tables["review_litigation"]
    result = TableResult()
    numbers: list[tuple[str, object]] = []
    for cell in _pieces(cells):
        value = C.parse_number(cell)
        if value is not None:
            numbers.append((cell, value))
    width = len(table.columns)
    need = width * len(table.rows)
    if not numbers:
        return result
    result.found = True
    values = [v for _, v in numbers]
    raw = [c for c, _ in numbers]
    if len(values) < need and all(t.isdigit() for t in raw):
        splits = C.recover_split(raw, need, C.sums_hold(len(table.rows), width))
        if len(splits) == 1:
            values = list(splits[0])
            result.warnings.append(
                f"review_litigation: digits {''.join(raw)!r} run together; the only split the template's sums "
                f"allow is {'/'.join(map(str, values))}")
        else:
            result.warnings.append(
                f"review_litigation: digits {''.join(raw)!r} run together and {len(splits)} splits fit; "
                "cells left absent")
            return result
    elif len(values) < need:
        result.warnings.append(f"review_litigation: found {len(values)} of {need} cells; table left absent")
        return result
    elif len(values) > need:
        result.warnings.append(
            f"review_litigation: found {len(values)} numbers, expected {need}; used the first {need}")
    for i, row in enumerate(table.rows):
        _put(result, row.key, row.columns, values[i * width:(i + 1) * width], table.key)
    result.blank_warning(table.key)
    return result


# ---------------------------------------------------------------------------
# Finding the tables wherever they stand
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpan:
    """Where one statistics table stands: character offsets in the working text
    (``"\\n".join(work_lines)``), ``start`` inclusive, ``end`` exclusive."""

    key: str
    start: int
    end: int


_NUMBER_ANYWHERE = re.compile(r"\d")
# What ends a table: a heading "N、…" that is not one of the table's own numbered rows, or a
# sentence (tables hold no "。").
_TABLE_END = re.compile(r"[一二三四五六七八九十]{1,2}[ \t]*[、．.,，][ \t]*(?![ \t]*(?:" + "|".join(TABLE_ROW_HEADS) + ")|\n)|。")
# How far after an anchor its table's row labels must start.
_ANCHOR_REACH = 600
# How far before an anchor the table's header words may start.
_LEAD_REACH = 120


@lru_cache(maxsize=16)
def _anchor_pattern(key: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in TABLE_ANCHORS[key]))


def _has_rows_after(work: str, pos: int, key: str, template: str) -> bool:
    """A real table, not a mention in prose: a row label and a digit follow the anchor."""
    window = work[pos:pos + _ANCHOR_REACH]
    if key == "review_litigation":
        return bool(_NUMBER_ANYWHERE.search(window))
    match = _matcher(template, key)
    return any(match(line) for line in window.split("\n")) and bool(_NUMBER_ANYWHERE.search(window))


def _lead_start(work: str, pos: int, key: str) -> int:
    """Move a table's start back over the header words printed before its anchor."""
    floor = max(0, pos - _LEAD_REACH)
    before = work[floor:pos]
    start = pos
    # an opening bracket just before ("(本列数据的勾稽关系…")
    bracket = max(before.rfind("("), before.rfind("（"))
    if bracket >= 0 and pos - (floor + bracket) <= 12 and ")" not in before[bracket:]:
        start = floor + bracket
    words = TABLE_LEAD_WORDS.get(key, ())
    while True:  # header words, pipes and spaces directly before the start
        head = work[floor:start].rstrip(" \t|｜\n")
        word = next((w for w in words if head.endswith(w)), None)
        if word is None:
            break
        start = floor + len(head) - len(word)
    # a line holding only pipes/spaces before the start: the table starts with the line
    line_start = work.rfind("\n", 0, start) + 1
    if not work[line_start:start].strip(" \t|｜"):
        start = line_start
    return start


_SECTION_HEADING = re.compile(r"^\s*[#*\s]*[一二三四五六七八九十]{1,2}\s*[、.．,，:：]")


def _caption_start(work: str, start: int, template: str, key: str) -> int:
    """Take in a caption line just above the table ("表一 主动公开政府信息情况统计"): short,
    no sentence, naming the table, and not a numbered section heading (二、…)."""
    if start and work[start - 1] != "\n":
        return start
    prev_start = work.rfind("\n", 0, max(0, start - 1)) + 1
    caption = work[prev_start:max(prev_start, start - 1)].strip()
    phrases = TEMPLATES[template].tables[key].heading_match
    if (caption and len(caption) <= 40 and "。" not in caption and not _SECTION_HEADING.match(caption)
            and any(p in caption for p in phrases)):
        return prev_start
    return start


def _without_pinyin(work: str) -> tuple[str, list[int]]:
    """``work`` without its bracketed pinyin, and the offset in ``work`` of each character."""
    kept = [True] * len(work)
    for match in C._PINYIN.finditer(work):
        for k in range(match.start(), match.end()):
            kept[k] = False
    index = [k for k in range(len(work)) if kept[k]]
    return "".join(work[k] for k in index), index + [len(work)]


def find_table_spans(work: str, template: str) -> dict[str, TableSpan]:
    """Each statistics table found by its own header phrases, wherever it stands.

    A table starts at the first of its anchor phrases (:data:`template.TABLE_ANCHORS`) that
    has row labels and digits after it, moved back over its header words; it ends at the
    next table's start, a heading that is not one of its numbered rows, or a sentence.
    Tables not found are not in the result (the caller falls back to the section).
    """
    if C._PINYIN.search(work):  # look for the phrases without the pinyin, map back
        plain, index = _without_pinyin(work)
        found = find_table_spans(plain, template)
        return {k: TableSpan(k, index[s.start], index[s.end - 1] + 1 if s.end else 0) for k, s in found.items()}
    starts: dict[str, tuple[int, int]] = {}
    for key in TABLE_ANCHORS:
        for match in _anchor_pattern(key).finditer(work):
            if _has_rows_after(work, match.start(), key, template):
                start = _lead_start(work, match.start(), key)
                starts[key] = (_caption_start(work, start, template, key), match.start())
                break
    ordered = sorted(starts.items(), key=lambda item: item[1][0])
    spans: dict[str, TableSpan] = {}
    for i, (key, (start, anchor)) in enumerate(ordered):
        limit = ordered[i + 1][1][0] if i + 1 < len(ordered) else len(work)
        limit = max(limit, anchor)
        end_match = _TABLE_END.search(work, anchor, limit)
        end = end_match.start() if end_match else limit
        while end > start and work[end - 1] in " \t\n|｜":
            end -= 1
        line_end = work.find("\n", end)
        line_end = len(work) if line_end < 0 else line_end
        if not work[end:line_end].strip(" \t|｜"):  # the row's trailing empty cells
            end = line_end
        spans[key] = TableSpan(key, start, end)
    return spans


# ---------------------------------------------------------------------------
# Spans → cells, and the text outside the tables
# ---------------------------------------------------------------------------


def _line_starts(lines: Sequence[str]) -> list[int]:
    """Offset of each line in ``"\n".join(lines)``."""
    return [0, *itertools.accumulate(len(line) + 1 for line in lines)][:len(lines)]


def _lines_of(starts: list[int], lengths: Sequence[str], span: TableSpan) -> range:
    """Indices of the lines a span touches."""
    first = max(0, bisect.bisect_right(starts, span.start) - 1)
    last = max(first, bisect.bisect_right(starts, max(span.start, span.end - 1)) - 1)
    return range(first, min(last, len(lengths) - 1) + 1)


def span_cells(work_lines: Sequence[str], span: TableSpan,
               grid_rows: dict[int, list[str]] | None = None, starts: list[int] | None = None) -> list[str]:
    """The cell stream of a table span; lines that are rows of a reader's grid give the
    grid's cells (blanks as ``cells.BLANK``, each row closed by ``cells.ROW_END``)."""
    starts = starts if starts is not None else _line_starts(work_lines)
    touched = _lines_of(starts, work_lines, span)
    if not grid_rows:  # only the first and last lines can be cut; the lines between are whole
        pending = list(work_lines[touched.start:touched.stop])
        for k in {0, len(pending) - 1} if pending else ():
            start = starts[touched.start + k]
            pending[k] = pending[k][max(0, span.start - start):span.end - start]
        return C.cell_stream(pending)
    out: list[str] = []
    pending = []  # text lines, read together (blank cells in one-cell-per-line rows)
    for i in touched:
        start = starts[i]
        if grid_rows and i in grid_rows:
            out.extend(C.cell_stream(pending))
            pending = []
            out.extend(grid_rows[i])
            continue
        pending.append(work_lines[i][max(0, span.start - start):span.end - start])
    out.extend(C.cell_stream(pending))
    return out


def spans_cells(work_lines: Sequence[str], spans: dict[str, TableSpan],
                grid_rows: dict[int, list[str]] | None = None) -> dict[str, list[str]]:
    """:func:`span_cells` of every table span, line offsets computed once."""
    starts = _line_starts(work_lines) if spans else []
    return {key: span_cells(work_lines, span, grid_rows, starts) for key, span in spans.items()}


def _column_map(original: str, work: str) -> list[int]:
    """Offset in ``original`` of each offset of ``work`` (its NFKC/simplified form)."""
    if len(original) == len(work):
        return list(range(len(work) + 1))
    import unicodedata

    out: list[int] = []
    for k, ch in enumerate(original):
        out.extend([k] * len(unicodedata.normalize("NFKC", ch)))
    out.append(len(original))
    out = out[:len(work)] + [len(original)] * max(1, len(work) + 1 - len(out))
    return out


# One private-use character stands where each cut-out table stood (see without_tables).
TABLE_MARKS = "".join(chr(0xE010 + i) for i in range(8))
_MARKS = re.compile(f"[{TABLE_MARKS}]")


def without_tables(lines: Sequence[str], work_lines: Sequence[str],
                   spans: Sequence[TableSpan]) -> tuple[list[str], list[str], list[str]]:
    """``lines`` and ``work_lines`` with every table span cut out, and each table's original
    text.  Table ``i`` leaves the one character ``TABLE_MARKS[i]`` where it stood, so headings
    are never looked for inside a table and :func:`restore_tables` can put the text back
    into the table's own section (or drop it from a narrative one)."""
    new_lines, new_work = list(lines), list(work_lines)
    parts: list[dict[int, str]] = [{} for _ in spans]  # line index → the table's text there
    starts = _line_starts(work_lines)
    ranges = [_lines_of(starts, work_lines, s) for s in spans]
    edges = {i for r in ranges if r for i in (r[0], r[-1])}
    for n, r in enumerate(ranges):  # lines wholly inside one table
        inner = [i for i in r[1:-1] if i not in edges]
        parts[n].update((i, lines[i]) for i in inner)
        for i in inner:
            new_work[i] = new_lines[i] = ""
    for i in sorted(edges):
        start = starts[i]
        work = work_lines[i]
        end = start + len(work)
        cuts = [(n, max(s.start, start) - start, min(s.end, end) - start)
                for n, s in enumerate(spans) if s.start <= end and s.end > start]
        if len(cuts) == 1 and cuts[0][1] <= 0 and cuts[0][2] >= len(work):  # the whole line
            n = cuts[0][0]
            parts[n][i] = lines[i]
            mark = TABLE_MARKS[n] if spans[n].start >= start else ""
            new_work[i] = new_lines[i] = mark
            continue
        same = len(lines[i]) == len(work)
        cmap = None if same else _column_map(lines[i], work)
        for n, a, b in sorted(cuts, key=lambda cut: cut[1]):
            oa, ob = (a, b) if cmap is None else (cmap[min(a, len(cmap) - 1)], cmap[min(b, len(cmap) - 1)])
            parts[n][i] = lines[i][oa:ob]
        for n, a, b in sorted(cuts, key=lambda cut: -cut[1]):
            oa, ob = (a, b) if cmap is None else (cmap[min(a, len(cmap) - 1)], cmap[min(b, len(cmap) - 1)])
            mark = TABLE_MARKS[n] if spans[n].start >= start else ""  # once, where the table starts
            new_work[i] = new_work[i][:a] + f" {mark} " + new_work[i][b:]
            new_lines[i] = new_lines[i][:oa] + f" {mark} " + new_lines[i][ob:]
        if not new_work[i].strip():
            new_work[i] = new_lines[i] = ""
    originals = ["\n".join(texts[i].strip() for i in sorted(texts) if texts[i].strip()) for texts in parts]
    return new_lines, new_work, originals


def strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


def restore_tables(sections: list, originals: Sequence[str], narrative: frozenset[int]) -> None:
    """Each table's text back into the section it stands in, unless that section is
    narrative (then the table is no part of it).  Marks are removed everywhere."""
    for section in sections:
        for where in ("title", "text"):
            value = getattr(section, where)
            if not _MARKS.search(value):
                continue
            tables = [originals[ord(m) - 0xE010] for m in _MARKS.findall(value)]
            setattr(section, where, _MARKS.sub("", value).strip())
            if section.no not in narrative:
                section.text = "\n".join(t for t in [section.text, *tables] if t)
        if _MARKS.search(section.text):
            section.text = _MARKS.sub("", section.text)
        for item in getattr(section, "items", []):
            item.text = _MARKS.sub("", item.text)


def grid_row_cells(grids: Sequence[object],
                   convert: C.Callable[[list[str]], list[str]] | None = None) -> dict[int, list[str]]:
    """Line index → the cells of the reader's grid row printed on that line.

    Columns from the first one holding a number are data columns: there a blank cell
    becomes ``cells.BLANK`` and a merged cell counts once (at its origin); to the left are
    the label columns, whose merged cells (三、本年度办理结果 spanning rows) count once too.
    Rows that hold neither a number nor a blank data cell give only their text.
    ``convert`` maps a list of cell texts to the working script (NFKC, simplified).
    """
    out: dict[int, list[str]] = {}
    for grid in grids:
        cells, covered = grid.cells, grid.covered  # type: ignore[attr-defined]
        if convert is not None:  # one conversion per grid: its cells one per line
            flat = convert([(t or "").replace("\n", " ") for row in cells for t in row])
            pos, converted = 0, []
            for row in cells:
                converted.append([None if t is None else new for t, new in zip(row, flat[pos:pos + len(row)])])
                pos += len(row)
            cells = converted
        numeric = [[text is not None and not covered[r][c] and C.parse_number(text) is not None
                    for c, text in enumerate(row)] for r, row in enumerate(cells)]
        first = min((row.index(True) for row in numeric if True in row), default=len(cells[0]) if cells else 0)
        for r, (row, line) in enumerate(zip(cells, grid.lines)):  # type: ignore[attr-defined]
            if line is None:
                continue
            labels = [t for c, t in enumerate(row[:first]) if t is not None and not covered[r][c]]
            data = [t for c, t in enumerate(row) if c >= first and not covered[r][c]]
            numbers = True in numeric[r][first:]
            is_data = numbers or (labels and data and all(t is None for t in data))
            if not is_data:
                out[line] = [t for c, t in enumerate(row) if t is not None and not covered[r][c]]
                continue
            out[line] = labels + [C.BLANK if t is None else t for t in data] + [C.ROW_END]
    return out
