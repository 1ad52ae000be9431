"""The template matched against a cell stream → the three statistics tables.

Each table has its own matcher, because the national template prints them differently:

* 二 (active disclosure): row labels each followed by that row's numbers;
* 三 (applications): 28 rows of 7 numbers, result rows nested under group headings
  ((三)不予公开 …), the vertical 三、本年度办理结果 label anywhere in between;
* 四 (review and litigation): one row of 15 numbers under a two-level header.

Cells are matched in simplified script; labels come from :mod:`parsing.template`.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsing import cells as C
from parsing.record import Grid
from parsing.template import RESULT_GROUPS, TEMPLATES, Row, Table

_OTHER_ROW = re.compile(r"^\d+\s*[.、．]?\s*其他$|^其他$")


@dataclass
class TableResult:
    grid: Grid = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    found: bool = False


def _put(grid: Grid, row: str, columns: Sequence[str], values: Sequence[object], table: str,
         warnings: list[str]) -> None:
    for column, value in zip(columns, values):
        if isinstance(value, C.Absent):
            warnings.append(f"{table}.{row}.{column}: cell reads {value.text!r}, not a number; left absent")
            continue
        grid.setdefault(row, {})[column] = value  # type: ignore[assignment]


class RowMatcher:
    """Finds which row a label cell names: one regex over every row's phrases."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = tuple(rows)
        self._row_of = {m: (i, row) for i, row in enumerate(self.rows) for m in row.match}
        self._pattern = re.compile("|".join(re.escape(m) for m in self._row_of))

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
        # Rows whose run-together digits allow several splits: resolved table-wide later.
        self.ambiguous: dict[str, list[tuple[int, ...]]] = {}

    def start(self, row: Row) -> None:
        self.finish()
        self.row = row
        self.values = []
        self.raw = []

    def add(self, cell: str, value: object) -> None:
        if self.row is None:
            return
        self.values.append(value)
        self.raw.append(cell)
        if len(self.values) == len(self.row.columns):
            self._commit(self.values)

    def _commit(self, values: Sequence[object]) -> None:
        assert self.row is not None
        self.result.found = True
        _put(self.result.grid, self.row.key, self.row.columns, values, self.table.key, self.result.warnings)
        self.row = None
        self.values = []
        self.raw = []

    def finish(self) -> None:
        """Close the current row: complete, recovered from run-together digits, or absent."""
        if self.row is None:
            return
        row, raw, need = self.row, self.raw, len(self.row.columns)
        self.row = None
        if not raw:
            return
        name = f"{self.table.key}.{row.key}"
        if all(t.isdigit() for t in raw):
            splits = C.recover_split(raw, need, _row_validator(self.table, row))
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


def _iter_cells(cells: Sequence[str], match: RowMatcher):
    """Yield (cell, number-or-None, row-or-None), splitting "label123" cells in two."""
    for cell in cells:
        value = C.parse_number(cell)
        if value is not None:
            yield cell, value, None
            continue
        row = match(cell)
        if row is not None:
            split = C.split_trailing_digits(cell)
            if split and match(split[0]) is row:
                yield split[0], None, row
                yield split[1], int(split[1]), None
                continue
        yield cell, None, row


def parse_active_disclosure(cells: Sequence[str], template: str) -> TableResult:
    table = TEMPLATES[template].tables["active_disclosure"]
    result = TableResult()
    collector = _RowCollector(table, result)
    for cell, value, row in _iter_cells(cells, _matcher(template, table.key)):
        if value is not None:
            collector.add(cell, value)
        elif row is not None:
            collector.start(row)
    collector.finish()
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
    return result


def parse_review_litigation(cells: Sequence[str], template: str) -> TableResult:
    table = TEMPLATES[template].tables["review_litigation"]
    result = TableResult()
    numbers: list[tuple[str, object]] = []
    for cell in cells:
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
        _put(result.grid, row.key, row.columns, values[i * width:(i + 1) * width], table.key, result.warnings)
    return result
