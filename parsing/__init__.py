"""File → report record.

The pipeline, one named step after another::

    bytes ──read──▶ text dump ──normalise──▶ working lines (NFKC, simplified script)
          ──meta──▶ template, title, script
          ──sections──▶ headings → the six sections (original text kept)
          ──cells + tables──▶ the three statistics tables
          ──region──▶ agency's province / city / county / township
          ──checks──▶ SCHEMA.md rules and the narrative cross-check
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from parsing import chrome, meta, stated
from parsing.cells import cell_stream
from parsing.checks import run_checks
from parsing.errors import GongkaiError, NotAReport, ParseError
from parsing.grid import TableGrid
from parsing.limits import Limits, read_file
from parsing.record import Grid, Region, Report, StatedFigure
from parsing.region import is_zone, region_of, trim_to_region
from parsing.sections import build_sections, find_headings, split_headings, unmark
from parsing.tables import (TableResult, find_table_spans, grid_row_cells, parse_active_disclosure,
                            parse_applications, parse_review_litigation, restore_tables, spans_cells,
                            strip_marks, without_tables)
from parsing.template import TABLES, TEMPLATE_UNKNOWN
from parsing.vocabulary import CHROME_LINE_MAX

if TYPE_CHECKING:
    from parsing.ocr import OcrProgress

__all__ = ["parse_path", "parse_bytes", "parse_text", "ParseError", "GongkaiError", "Report"]

# The section each table is printed in, and its matcher.
_TABLE_SECTIONS = {
    "active_disclosure": (2, parse_active_disclosure),
    "applications": (3, parse_applications),
    "review_litigation": (4, parse_review_litigation),
}
_NARRATIVE_SECTIONS = frozenset({1, 5, 6})
_REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")


def parse_path(path: str | os.PathLike[str], ocr: bool = True, progress: OcrProgress | None = None,
               ocr_threads: int = 0, limits: Limits = Limits()) -> Report:
    """Parse one file (text, HTML, DOCX or PDF, any supported encoding).

    ``ocr``: OCR the pages of a PDF that have no text layer; ``progress(source, page,
    pages)`` is called before each such page (``gongkai ingest`` prints it); ``ocr_threads``
    threads per page (0 = the number of cores, at most 4).  ``limits``: see
    :mod:`parsing.limits` (the file's size is checked before it is read).
    """
    path = Path(path)
    try:
        data = read_file(path, limits, path.name)
    except OSError as exc:
        raise ParseError(path.name, f"cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, path.name, ocr, progress, ocr_threads, limits)


def parse_bytes(data: bytes, source: str, ocr: bool = True, progress: OcrProgress | None = None,
                ocr_threads: int = 0, limits: Limits = Limits()) -> Report:
    """Parse the bytes of one file; ``source`` is the file name shown in messages."""
    from parsing.read import read_bytes

    document = read_bytes(data, source, ocr, progress, ocr_threads, limits)
    report = parse_text(document.text, source, document.tables)
    report.warnings[:0] = document.warnings
    if document.ocr_pages:
        from parsing.ocr import distrust_unbalanced

        distrust_unbalanced(report, document)
    return report


def normalise(text: str) -> str:
    """Line endings, BOM and NBSP cleaned, and the private-use characters the parser marks
    cut-out tables with removed (a GBK user-defined byte pair decodes to one); the text
    otherwise as written."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return strip_marks(text.replace("\u00a0", " ").replace("\u3000", " "))


def working_lines(lines: list[str]) -> list[str]:
    """``lines`` in NFKC and simplified script, one for one."""
    return _working(unicodedata.normalize("NFKC", "\n".join(lines)), lines)


def _working(nfkc: str, lines: list[str]) -> list[str]:
    """:func:`working_lines` given ``nfkc``, the NFKC form of ``"\n".join(lines)``."""
    converted = meta.to_simplified(nfkc).split("\n")
    if len(converted) != len(lines):  # normalisation never merges lines, but be sure
        converted = [meta.to_simplified(unicodedata.normalize("NFKC", ln)) for ln in lines]
    return converted


_ID_SKIP = re.compile(r"[\s|｜]+")


def report_id(text: str, nfkc: str | None = None) -> str:
    """12 hex characters from the text with all whitespace and pipes removed.

    ``nfkc``: the NFKC form of ``text`` when the caller already has it.
    """
    key = _ID_SKIP.sub("", unicodedata.normalize("NFKC", text) if nfkc is None else nfkc)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def parse_text(text: str, source: str = "<text>", grids: Sequence[TableGrid] = ()) -> Report:
    """Parse a report already decoded to text (a text dump, one cell or row per line).

    ``grids`` are the reader's table grids (:class:`parsing.read.TableGrid`), whose line
    indices refer to ``text``: their rows replace those lines' cells in the table matcher.
    """
    try:
        return _parse_text(text, source, grids)
    except GongkaiError:
        raise
    except Exception as exc:  # never a crash: any surprise becomes a clear ParseError
        raise ParseError(source, f"unexpected parser failure ({type(exc).__name__}: {exc}); "
                                 "please report this file") from exc


def _parse_text(text: str, source: str, grids: Sequence[TableGrid] = ()) -> Report:
    text = normalise(text)
    if not text.strip():
        raise ParseError(source, "empty file: no text to parse", code="empty")
    lines = text.split("\n")
    header = chrome.crawl_header(lines)
    if "#" in text or "**" in text or "__" in text:  # markdown marks: none in most reports
        lines = [unmark(line) for line in lines]
    if any(len(line) > CHROME_LINE_MAX for line in lines):  # only long lines carry inline chrome
        lines = [chrome.cut_inline(line) for line in lines]
    joined = "\n".join(lines)
    nfkc = unicodedata.normalize("NFKC", joined)
    work_lines = _working(nfkc, lines)
    work = "\n".join(work_lines)
    warnings: list[str] = []

    template = meta.detect_template(work)
    title_agency, title_year, _ = meta.find_title(work_lines)
    published = meta.published_date(work)
    # Tables are found by their own header phrases wherever they stand, then cut out of
    # the text that headings and sections are read from.
    spans = find_table_spans(work, template) if template != TEMPLATE_UNKNOWN else {}
    rows_of_grids = grid_row_cells(grids, working_lines) if grids and len(text.split("\n")) == len(lines) else {}
    table_cells = spans_cells(work_lines, spans, rows_of_grids)
    lines, work_lines, table_texts = without_tables(lines, work_lines, list(spans.values()))
    lines, work_lines = split_headings(lines, work_lines, template, working_lines)
    headings = find_headings(work_lines, template)
    masked = chrome.chrome_lines(work_lines, header, headings[-1].line if headings else None)
    lines, work_lines = chrome.blank(lines, masked), chrome.blank(work_lines, masked)
    if template == TEMPLATE_UNKNOWN and title_year is None and (
            len(headings) < 2 or not any(w in work for w in _REPORT_WORDS)):
        raise NotAReport(source, "no report title, sections or statistics tables found: "
                                 "is this a 政府信息公开工作年度报告?")

    narrative_nos = _NARRATIVE_SECTIONS if template != TEMPLATE_UNKNOWN else frozenset(h.no for h in headings)
    sections = build_sections(lines, headings, narrative_nos)
    restore_tables(sections, table_texts, narrative_nos)
    tables: dict[str, Grid] = {key: {} for key in TABLES}
    if template != TEMPLATE_UNKNOWN:
        bounds = {h.no: (h.line, nxt.line if nxt else len(lines))
                  for h, nxt in zip(headings, [*headings[1:], None])}
        for key, (no, matcher) in _TABLE_SECTIONS.items():
            if key in table_cells:
                result: TableResult = matcher(table_cells[key], template)
                where = "where its header phrases are"
            elif no in bounds:
                start, end = bounds[no]
                result = matcher(cell_stream(work_lines[start + 1:end]), template)
                where = f"in section {no}"
            else:
                warnings.append(f"{key}: none of its header phrases found and no section {no} heading; "
                                "table not parsed")
                continue
            tables[key] = result.grid
            warnings.extend(result.warnings)
            if not result.found:
                warnings.append(f"{key}: no table found {where}")

    first_heading = headings[0].line if headings else len(lines)
    preamble = "\n".join(work_lines[:first_heading])
    stated_figures: list[StatedFigure] = []
    if template == TEMPLATE_UNKNOWN:  # figures kept as stated, never as template cells
        stated_figures, stated_warnings = stated.stated_figures(sections, preamble)
        warnings.extend(stated_warnings)
    narrative_lines = [preamble] + [
        "\n".join(work_lines[h.line + 1:(nxt.line if nxt else len(lines))])
        for h, nxt in zip(headings, [*headings[1:], None]) if h.no in _NARRATIVE_SECTIONS
    ]
    narrative = strip_marks("\n".join(narrative_lines))

    publisher = header.get("发布机构")
    agency = title_agency or publisher or meta.find_agency(narrative) or meta.find_agency(work)
    if agency:
        agency = meta.place_for(agency, [publisher or "", narrative])
    region, region_warnings = region_of(agency)
    warnings.extend(region_warnings)
    if agency and not title_agency:
        agency = trim_to_region(agency, region)
    agency = _with_city(agency, region)
    year = meta.report_year(work, title_year, narrative)
    if year is None:
        warnings.append("year: no year found in the report")
    if agency is None:
        warnings.append("agency: no agency name found in the report")

    script = meta.detect_script(text[:6000], meta.to_simplified(text[:6000]))
    return Report(
        id=report_id(text, nfkc if joined == text else None),
        source=source,
        agency=agency,
        region=region,
        year=year,
        published=published,
        template=template,
        script=script,
        active_disclosure=tables["active_disclosure"],
        applications=tables["applications"],
        review_litigation=tables["review_litigation"],
        sections=sections,
        checks=run_checks(tables, template, narrative),
        warnings=warnings,
        stated_figures=stated_figures,
    )


def _with_city(agency: str | None, region: Region) -> str | None:
    """Prefix the city to a district's agency name: district names repeat across cities."""
    if not agency or not region.city or not region.county:
        return agency
    if region.county.endswith("区") and agency.startswith(region.county) and not is_zone(region.county):
        return region.city + agency
    return agency
