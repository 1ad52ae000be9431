"""When two files hold the same report.

A record's ``id`` hashes its normalized text, which differs between the HTML and the PDF of
one report.  So two records are one report when their ids are equal, or when they share
agency and year and either have equal table cells, or cells that agree wherever both have
one (a crawler's dump of a page may leave a few run-together cells absent that its HTML
gives), or, both lacking cells, near-identical narrative text.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from parsing.record import Report
from parsing.template import TABLES

# Two narratives are "near-identical" when this share of their character 4-grams agree:
# page headers, line breaks and punctuation differ between formats, the wording does not.
TEXT_SIMILARITY = 0.9
_SHINGLE = 4
# Two records whose cells differ are still one report when they share at least this many
# cells, covering this share of the smaller record's cells, and no shared cell differs.
MIN_SHARED_CELLS = 50
MIN_SHARED_SHARE = 0.85

Cells = dict[tuple[str, str, str], float]


def cells_of(report: Report) -> Cells:
    return {(table, row, column): float(value)
            for table in TABLES
            for row, by_column in report.table(table).items()
            for column, value in by_column.items()}


def cells_agree(a: Cells, b: Cells) -> bool:
    """Whether two records' cells are one report's: many shared, none different."""
    shared = a.keys() & b.keys()
    if len(shared) < MIN_SHARED_CELLS or len(shared) < MIN_SHARED_SHARE * min(len(a), len(b)):
        return False
    return all(a[key] == b[key] for key in shared)


def cells_fingerprint(report: Report) -> str:
    """A hash of every (table, row, column, value) of the report; "" when it has no cells."""
    cells = sorted(
        f"{table}|{row}|{column}|{float(value)!r}"
        for table in TABLES
        for row, by_column in report.table(table).items()
        for column, value in by_column.items()
    )
    if not cells:
        return ""
    return hashlib.sha256("\n".join(cells).encode()).hexdigest()[:24]


def narrative(report: Report) -> str:
    return "\n".join(s.text for s in sorted(report.sections, key=lambda s: s.no))


def _shingles(text: str) -> set[str]:
    # Letters and digits only: formats disagree on spaces, line breaks and punctuation.
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return {kept[i:i + _SHINGLE] for i in range(max(len(kept) - _SHINGLE + 1, 0))}


def similar_text(a: str, b: str) -> bool:
    """Whether two narratives are near-identical (Jaccard similarity of 4-grams)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return False
    return len(sa & sb) / len(sa | sb) >= TEXT_SIMILARITY


def _key(report: Report) -> tuple[str, int] | None:
    return (report.agency, report.year) if report.agency and report.year is not None else None


@dataclass
class KnownReport:
    report_id: str
    agency: str | None
    year: int | None
    cells_hash: str


@dataclass
class ReportIndex:
    """The reports of a corpus, looked up by id and by (agency, year).

    ``load_text`` fetches the narrative of a stored report, needed only to compare two
    reports without cells; texts of reports added in this run are kept in memory.
    """

    load_text: Callable[[str], str]
    load_cells: Callable[[str], Cells] = lambda report_id: {}
    # The stored reports records may be (their ids, or their agencies and years), fetched for the
    # records about to be matched rather than every stored report up front: an ingest of N files
    # reads about N.
    load_known: Callable[[list[str], list[tuple[str, int]]], list[KnownReport]] = lambda report_ids, keys: []
    by_id: dict[str, KnownReport] = field(default_factory=dict)
    by_key: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Cells] = field(default_factory=dict)
    fetched: set[object] = field(default_factory=set)  # ids and (agency, year) looked up with load_known
    forgotten: set[str] = field(default_factory=set)  # removed here: not fetched back from the store

    def add(self, known: KnownReport, text: str | None = None, cells: Cells | None = None) -> None:
        self.forgotten.discard(known.report_id)
        self.by_id[known.report_id] = known
        if known.agency and known.year is not None:
            self.by_key.setdefault((known.agency, known.year), []).append(known.report_id)
        if text is not None and not known.cells_hash:
            self.texts[known.report_id] = text
        if cells is not None:
            self.cells[known.report_id] = cells

    def remove(self, report_id: str) -> None:
        self.forgotten.add(report_id)
        known = self.by_id.pop(report_id, None)
        self.texts.pop(report_id, None)
        self.cells.pop(report_id, None)
        if known and known.agency and known.year is not None:
            ids = self.by_key.get((known.agency, known.year), [])
            if report_id in ids:
                ids.remove(report_id)

    def cells_of(self, report_id: str) -> Cells:
        if report_id not in self.cells:
            self.cells[report_id] = self.load_cells(report_id)
        return self.cells[report_id]

    def _text(self, report_id: str) -> str:
        if report_id not in self.texts:
            self.texts[report_id] = self.load_text(report_id)
        return self.texts[report_id]

    def fetch(self, reports: list[Report]) -> None:
        """Learn the stored reports ``reports`` may be (one look-up for all), once per id and per (agency, year)."""
        ids = sorted({r.id for r in reports} - self.fetched)
        keys = sorted({k for r in reports if (k := _key(r)) is not None} - self.fetched)  # type: ignore[operator]
        if not ids and not keys:
            return
        found = self.load_known(ids, keys)
        self.fetched.update(ids)
        self.fetched.update(keys)
        fresh = [k for k in found if k.report_id not in self.by_id and k.report_id not in self.forgotten]
        for known in fresh:
            self.by_id[known.report_id] = known
        by_key: dict[tuple[str, int], list[str]] = {}
        for known in fresh:
            if known.agency and known.year is not None:
                by_key.setdefault((known.agency, known.year), []).append(known.report_id)
        for pair, found_ids in by_key.items():  # stored reports before those this run added, as if read first
            self.by_key[pair] = found_ids + self.by_key.get(pair, [])

    def match(self, report: Report, cells_hash: str) -> str | None:
        """The id of a known report that ``report`` is a copy of, if any."""
        self.fetch([report])
        if report.id in self.by_id:
            return report.id
        if not report.agency or report.year is None:
            return None
        text: str | None = None
        for report_id in self.by_key.get((report.agency, report.year), []):
            known = self.by_id[report_id]
            if cells_hash or known.cells_hash:
                if cells_hash == known.cells_hash:
                    return report_id
                if cells_hash and known.cells_hash and cells_agree(cells_of(report), self.cells_of(report_id)):
                    return report_id
                continue
            if text is None:
                text = narrative(report)
            if similar_text(text, self._text(report_id)):
                return report_id
        return None
