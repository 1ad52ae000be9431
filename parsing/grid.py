"""A table as read: a grid of cells with blanks kept and merged cells expanded.

The contract (pdfplumber ``Table.extract()`` style) is described in :mod:`parsing.read`;
every reader (HTML, DOCX, ruled PDF, OCR boxes) builds this one type, and the table matcher
reads it.  Kept apart from :mod:`parsing.read` so that the readers import it without
importing the module that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableGrid:
    """One data table as a grid of cells (see the module docstring for the contract).

    ``cells`` is rectangular: ``len(row) == width`` for every row.  ``None`` is a blank
    cell; ``covered[r][c]`` marks the non-origin positions of a merged cell, whose text is
    repeated there.  ``lines[r]`` maps row ``r`` to its line in ``Document.lines``.
    """

    cells: list[list[str | None]]
    lines: list[int | None]
    covered: list[list[bool]] = field(default_factory=list)
    source: str = ""  # "html", "docx", "pdf" or "ocr"
    page: int | None = None  # 1-based page of a PDF table

    def __post_init__(self) -> None:
        if not self.covered:
            self.covered = [[False] * len(row) for row in self.cells]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.cells), default=0)


def grid_from_rows(rows: list[list[tuple[str | None, int, int]]]) -> tuple[list[list[str | None]], list[list[bool]]]:
    """Expand rows of ``(text, rowspan, colspan)`` cells into a rectangle (HTML table model).

    A cell is placed at the first free column of its row; its text is repeated over every
    position it spans (``covered`` is ``True`` there except at its origin).  Empty text is
    ``None``.  Short rows are padded with ``None``.
    """
    grid: list[list[str | None]] = []
    covered: list[list[bool]] = []
    taken: dict[int, dict[int, str | None]] = {}  # row → column → text spanning down into it
    for r, row in enumerate(rows):
        out: list[str | None] = []
        cov: list[bool] = []
        below = taken.pop(r, {})
        last_taken = max(below, default=-1)
        queue = list(row)
        while queue or len(out) <= last_taken:
            c = len(out)
            if c in below:
                out.append(below[c])
                cov.append(True)
                continue
            if not queue:  # a gap before a cell spanning down from above: a blank
                out.append(None)
                cov.append(False)
                continue
            text, rowspan, colspan = queue.pop(0)
            text = text or None
            rowspan, colspan = max(1, min(rowspan, 1000)), max(1, min(colspan, 100))
            for dc in range(colspan):
                out.append(text)
                cov.append(dc > 0)
                for dr in range(1, rowspan):
                    taken.setdefault(r + dr, {})[c + dc] = text
        grid.append(out)
        covered.append(cov)
    width = max((len(r) for r in grid), default=0)
    for out, cov in zip(grid, covered):
        out.extend([None] * (width - len(out)))
        cov.extend([False] * (width - len(cov)))
    return grid, covered
