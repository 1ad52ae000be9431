"""Figures a report on no national template states in its prose or its own statistics table.

Reports from before 2019 print no national table; they say "2012年全县共收到有关政府信息公开的
申请21条" and end with a local table (指标名称 | 计量单位 | 2012年度 | 历年累计).  Those figures
are kept as :class:`parsing.record.StatedFigure` with the words they came from, marked as
not from the national table, and never copied into the template's cells.

A crawled page runs a local table's two columns together ("主动公开信息数条4251516"): a
row's digits are split only where the table's own sums (a total and its "其中" parts, in
both columns) and "this year ≤ all years" leave exactly one split; otherwise the row is left
out and named in a warning.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parsing.cells import FIGURE_DIGITS_MAX
from parsing.meta import to_simplified
from parsing.record import Number, Section, StatedFigure
from parsing.vocabulary import (
    LOCAL_TABLE_COLUMNS,
    LOCAL_TABLE_HEADER,
    LOCAL_TABLE_ROWS,
    LOCAL_TABLE_UNITS,
    OUTCOME_WORDS,
    PROSE_FIGURES,
    PROSE_ZEROS,
)

_TABLE_START = re.compile(r"(?:附件\s*\d*\s*[:：]\s*)?[^\s。；;：:]{0,40}?统计表\s*" + LOCAL_TABLE_HEADER)
_HEADER = re.compile(LOCAL_TABLE_HEADER + LOCAL_TABLE_COLUMNS)
_UNITS = "|".join(sorted(map(re.escape, LOCAL_TABLE_UNITS), key=len, reverse=True))
# A row: its label (Chinese, may hold 、), its unit, then digits.  The label's item number
# ("1." / "2、") and a "其中：" are read separately.
_ROW = re.compile(r"(?P<label>[\u4e00-\u9fff][\u4e00-\u9fff、，]*?)\s*(?P<unit>" + _UNITS + r")(?=\s*\d)")
_CLAUSE = re.compile(r"[^，,；;。！!？?\n]+")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


@dataclass
class _Row:
    label: str
    unit: str
    digits: str  # the digits as printed, spaces kept
    item: int | None  # its item number under a "其中" (1, 2 …)
    parent: int | None  # index of the row it is a part of
    snippet: str


def _nfkc(text: str) -> str:
    """NFKC and simplified script: the forms the vocabulary is written in."""
    return to_simplified(unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------------------
# The local statistics table
# ---------------------------------------------------------------------------


def _table_rows(text: str) -> list[_Row]:
    """The rows of a local table's text (from its 指标名称 header on), with their 其中 parts."""
    header = _HEADER.match(text)
    body = text[header.end():] if header else text
    found = list(_ROW.finditer(body))
    rows: list[_Row] = []
    parent: int | None = None  # the row the current "其中" parts belong to
    pending: int | None = None  # the item number the next row carries
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(body)
        raw = body[m.end():end]
        rows.append(_Row(m.group("label").strip("、，"), m.group("unit"), raw, pending,
                         parent if pending is not None else None, ""))
        row = rows[-1]
        if "其中" in raw:  # the next rows are this row's parts
            row.digits, after = raw.split("其中", 1)
            parent, pending = len(rows) - 1, (1 if re.search(r"\d", after) else None)
        elif row.item is not None:
            # "41815092." : a trailing "2." is the next part's item number when it is next in order.
            expected = str(row.item + 1)
            head = raw.rstrip()
            if head[-1:] in ".、．" and head[:-1].rstrip().endswith(expected):
                row.digits, pending = head[:-1].rstrip()[:-len(expected)], row.item + 1
            else:
                parent, pending = None, None
        else:
            parent, pending = None, None
        row.digits = row.digits.strip(" .、．")
        row.snippet = f"{m.group(0)} {row.digits}".strip()
    return rows


def _splits(digits: str, columns: int) -> list[tuple[int, ...]]:
    """Every way to read ``digits`` as ``columns`` numbers (no leading zeros; year ≤ all years)."""
    tokens = digits.split()
    if sum(map(len, tokens)) > columns * FIGURE_DIGITS_MAX:
        return []  # more digits than the figures of a row can have: damage, not numbers
    if len(tokens) == columns and all(t.isdigit() for t in tokens):
        return [tuple(int(t) for t in tokens)]
    run = "".join(tokens)
    if not run.isdigit():
        return []
    if columns == 1:
        return [(int(run),)] if (run == "0" or not run.startswith("0")) else []
    out: list[tuple[int, ...]] = []
    for cut in range(1, len(run)):
        a, b = run[:cut], run[cut:]
        if (a != "0" and a.startswith("0")) or (b != "0" and b.startswith("0")):
            continue
        if int(a) <= int(b):
            out.append((int(a), int(b)))
    return out


def _solve(rows: Sequence[_Row], columns: int,
           stated: dict[str, set[Number]]) -> tuple[dict[int, tuple[int, ...]], list[str]]:
    """Each row's reading: its own when only one split fits, else the one the sums of its
    "其中" group (total = parts, in every column) leave; rows with none or several are left out.

    ``stated`` holds the year figures the report's prose states per field: a split whose
    year figure is the one the prose states is preferred when it is the only such split.
    """
    options = {i: _splits(r.digits, columns) for i, r in enumerate(rows)}
    for i, r in enumerate(rows):
        said = stated.get(_field_of(r.label), set())
        agree = [o for o in options[i] if o[0] in said]
        if len(options[i]) > 1 and len(agree) == 1:
            options[i] = agree
    decided = {i: o[0] for i, o in options.items() if len(o) == 1}
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if r.parent is not None:
            groups.setdefault(r.parent, []).append(i)
    for parent, parts in groups.items():
        members = [parent, *parts]
        if all(m in decided for m in members) or any(not options[m] for m in members) \
                or _product_size(options, members) > 200_000:
            continue
        fits = [combo for combo in itertools.product(*(options[m] for m in members))
                if all(combo[0][c] == sum(p[c] for p in combo[1:]) for c in range(columns))]
        for k, m in enumerate(members):
            values = {f[k] for f in fits}
            if m not in decided and len(values) == 1:
                decided[m] = values.pop()
    warnings = []
    in_group = {m for p, q in groups.items() for m in (p, *q)}
    for i, r in enumerate(rows):
        if i in decided:
            continue
        if not options[i]:
            warnings.append(f"stated figures: local table row “{r.label}” prints '{r.digits}' where {columns} "
                            "figures are expected; left out")
            continue
        why = ("the sums of its 其中 group do not leave one" if i in in_group else "nothing in the table decides")
        warnings.append(f"stated figures: local table row “{r.label}” digits '{r.digits}' run together; "
                        f"{len(options[i])} splits fit the row and {why}; left out")
    return decided, warnings


def _product_size(options: dict[int, list[tuple[int, ...]]], members: Iterable[int]) -> int:
    size = 1
    for m in members:
        size *= max(1, len(options[m]))
    return size


def _field_of(label: str) -> str:
    for key, words in LOCAL_TABLE_ROWS:
        if any(w in label for w in words):
            return key
    return "other"


def local_table_figures(text: str, section: int | None,
                        stated: dict[str, set[Number]] | None = None) -> tuple[list[StatedFigure], list[str]]:
    """Stated figures of a local statistics table; ``text`` starts at its 指标名称 header.

    ``stated``: the year figures the report's prose states, per field (see :func:`_solve`).
    """
    text = _nfkc(text)
    columns = 2 if "累计" in text[:80] else 1
    rows = _table_rows(text)
    decided, warnings = _solve(rows, columns, stated or {})
    periods = ("year", "cumulative")[:columns]
    figures = []
    for i, row in enumerate(rows):
        if i not in decided:
            continue
        for period, value in zip(periods, decided[i]):
            figures.append(StatedFigure(_field_of(row.label), row.label, value, row.unit, period,
                                        row.snippet, section, "local_table"))
    return figures, warnings


# ---------------------------------------------------------------------------
# Prose
# ---------------------------------------------------------------------------


def prose_figures(text: str, section: int | None) -> list[StatedFigure]:
    """Figures a section's sentences state about requests, disclosure, reviews, suits and fees."""
    figures: list[StatedFigure] = []
    for sentence in _SENTENCE.findall(_nfkc(text)):
        seen: set[tuple[str, Number]] = set()
        for key, pattern in PROSE_FIGURES:
            for m in re.finditer(pattern, sentence):
                if len(m.group("value").split(".")[0]) > FIGURE_DIGITS_MAX:
                    continue
                value: Number = float(m.group("value")) if "." in m.group("value") else int(m.group("value"))
                if (key, value) in seen:
                    continue
                seen.add((key, value))
                figures.append(StatedFigure(key, m.group(0).strip(), value, m.group("unit"), "year",
                                            sentence.strip(), section, "prose"))
        for clause in _CLAUSE.findall(sentence):
            if any(w in clause for w in OUTCOME_WORDS):
                continue  # "未发生…被复议纠错": says nothing about the number of cases
            for key, pattern, unit in PROSE_ZEROS:
                zero = re.search(pattern, clause)
                if zero and (key, 0) not in seen:
                    seen.add((key, 0))
                    figures.append(StatedFigure(key, zero.group(0).strip(), 0, unit, "year", sentence.strip(),
                                                section, "prose"))
    return figures


# ---------------------------------------------------------------------------
# A report's stated figures
# ---------------------------------------------------------------------------


def stated_figures(sections: list[Section], preamble: str = "") -> tuple[list[StatedFigure], list[str]]:
    """All stated figures of a report on no national template, and warnings.

    A local table printed at the end of a narrative section (after "附件1：" or under its
    own title, with no heading) is cut out of that section's text: sections hold narrative.
    """
    figures = prose_figures(preamble, None)
    tables: list[tuple[Section, int, str]] = []
    for section in sections:
        start = _TABLE_START.search(section.text)
        if start is None:
            lead = re.match(r"\s*" + LOCAL_TABLE_HEADER, section.text)
            start = re.match(r"\s*", section.text) if lead else None
        cut = start.start() if start else len(section.text)
        figures += prose_figures(section.text[:cut], section.no)
        if start is not None:
            tables.append((section, cut, section.text[cut:]))
    said: dict[str, set[Number]] = {}
    for f in figures:
        said.setdefault(f.field, set()).add(f.value)
    warnings: list[str] = []
    for section, cut, table_text in tables:
        header_at = re.search(LOCAL_TABLE_HEADER, table_text)
        table_figures, table_warnings = local_table_figures(
            table_text[header_at.start():] if header_at else table_text, section.no, said)
        figures += table_figures
        warnings += table_warnings
        narrative = section.text[:cut].rstrip()
        if narrative and "统计表" not in section.title:
            section.text = narrative
            section.items = [i for i in section.items if i.text and i.text in narrative] or section.items
            title = re.sub(r"\s+", "", table_text[:header_at.start()] if header_at else "统计表")
            warnings.append(f"sections: the local statistics table “{title}” printed at the end of section "
                            f"{section.no} is kept out of its text; its figures are in stated_figures")
    return figures, warnings
