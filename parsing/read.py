"""Bytes → :class:`Document`: the report as a text dump plus its tables as grids.

The text-dump contract the parser downstream relies on:

* one line per paragraph or block of text, in document order (site chrome may remain);
* one line per table row, its cells joined by ``" | "``; a merged cell (rowspan/colspan,
  merged DOCX cell, spanning PDF cell) appears once, in the row where it starts;
* line breaks inside a cell join with no separator (``商业<br>企业`` → ``商业企业``);
  whitespace inside a cell collapses to one space;
* nested (layout) tables are read as blocks, their inner data tables as rows.

Beside the text, a reader that sees table structure (HTML, DOCX, ruled PDF tables, OCR
boxes of a scanned page) hands the table matcher each data table as a :class:`TableGrid`
(``Document.tables``): a rectangle of cells in the pdfplumber ``Table.extract()`` style,

* ``cells[r][c]`` is the text of the cell at row ``r``, column ``c`` (whitespace collapsed,
  in-cell line breaks joined as in the text dump);
* a blank cell (``&nbsp;``, ``<o:p> </o:p>``, an empty ``<td>``/``w:tc``/ruled box) is ``None``,
  never ``"0"``: the matcher leaves it absent and names it in one warning per table;
* a merged cell (rowspan/colspan, ``w:gridSpan``/``w:vMerge``, a spanning PDF box) is
  expanded: every position it covers repeats its text, and ``covered[r][c]`` is ``True`` at
  the positions other than its origin (so a value is never counted twice);
* ``lines[r]`` is the index in ``Document.lines`` of the ``a | b | c`` line the row was also
  written as, or ``None`` when the row printed nothing; the text stays the complete dump, so
  a parser that ignores grids still works.

The OCR reader builds the same type from the positions of OCR boxes (``source="ocr"``).

Formats are recognised by their bytes first (``PK`` zip holding ``word/document.xml``,
``%PDF``, an HTML start tag), then by the file extension.  Every failure is a
:class:`parsing.errors.ParseError` subclass naming the file and what to do.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parsing.encoding import decode, decode_html, decode_report
from parsing.grid import TableGrid, grid_from_rows
from parsing.errors import ParseError, UnsupportedFormat
from parsing.limits import Limits

if TYPE_CHECKING:
    from parsing.ocr import OcrProgress

__all__ = ["Document", "TableGrid", "grid_from_rows", "decode", "sniff_format", "read_bytes", "read_path", "ACCEPTED"]

ACCEPTED = "plain text (UTF-8, GB18030/GBK or Big5), HTML, DOCX or PDF"

TEXT, HTML, DOCX, PDF = "text", "html", "docx", "pdf"

_HTML_EXTENSIONS = frozenset((".html", ".htm", ".shtml", ".xhtml"))
_EXTENSIONS = {".docx": DOCX, ".pdf": PDF, **{e: HTML for e in _HTML_EXTENSIONS}}
# Leading tags that make a text file an HTML page (checked on the lower-cased start).
_HTML_STARTS = (b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<p ")
_HTML_ANYWHERE = (b"<html", b"<body", b"<table")

# Magic numbers of formats we are often handed but cannot read, with the fix to suggest.
_FOREIGN = (
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls/.ppt); save it as .docx"),
    (b"\x89PNG", "a PNG image; OCR it first"),
    (b"\xff\xd8\xff", "a JPEG image; OCR it first"),
    (b"GIF8", "a GIF image; OCR it first"),
    (b"II*\x00", "a TIFF image; OCR it first"),
    (b"MM\x00*", "a TIFF image; OCR it first"),
    (b"{\\rtf", "an RTF file; save it as .docx"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7z archive; unpack it first"),
)


@dataclass
class Document:
    """A report as a text dump and its tables as grids (see the module docstring)."""

    text: str
    format: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)
    tables: list[TableGrid] = field(default_factory=list)
    # OCRed pages of a scanned PDF: (page number, first line, end line) in ``lines``.
    ocr_pages: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _unsupported(source: str, what: str) -> UnsupportedFormat:
    return UnsupportedFormat(source, f"{what}; Gongkai reads {ACCEPTED}")


def _zip_format(data: bytes, source: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        if source.lower().endswith(".docx"):
            return DOCX  # a damaged .docx: let the DOCX reader report the reason
        raise _unsupported(source, f"a zip archive that cannot be opened ({error})") from None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        raise _unsupported(source, "a spreadsheet (.xlsx); copy the report text into a .txt or .docx")
    if "ppt/presentation.xml" in names:
        raise _unsupported(source, "a presentation (.pptx)")
    if "content.xml" in names:
        raise _unsupported(source, "an OpenDocument file; save it as .docx")
    raise _unsupported(source, "a zip archive that is not a .docx")


def _text_head(data: bytes) -> bytes:
    """The start of a text file as lower-case ASCII-compatible bytes (UTF-16 folded)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        except UnicodeError:
            return b""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text holds NUL bytes by design
    return b"\x00" in head


def sniff_format(data: bytes, source: str) -> str:
    """``"text" | "html" | "docx" | "pdf"``, by magic bytes first, then by extension.

    Raises :class:`UnsupportedFormat` for binary files of any other kind.
    """
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data, source)
    if b"%PDF-" in data[:1024]:
        return PDF
    for magic, what in _FOREIGN:
        if data.startswith(magic):
            raise _unsupported(source, f"{what}")
    extension = os.path.splitext(source)[1].lower()
    if _is_binary(data):
        if extension in (".docx", ".pdf"):
            return _EXTENSIONS[extension]  # damaged: the format's reader says why
        raise _unsupported(source, "a binary file (it contains NUL bytes)")
    head = _text_head(data)
    if head.startswith(_HTML_STARTS) or any(tag in head[:1024] for tag in _HTML_ANYWHERE):
        return HTML
    if head.startswith(b"<?xml") and b"<html" in head:
        return HTML
    return _EXTENSIONS.get(extension, TEXT)


def _text_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _read_text(data: bytes, source: str) -> Document:
    text, encoding, warnings = decode_report(data, source)
    lines = _text_lines(text.replace("\x00", ""))
    return Document("\n".join(lines), TEXT, encoding, warnings)


def _read_html(data: bytes, source: str) -> Document:
    import lxml.etree

    from parsing.read_html import html_document

    text, encoding, warnings = decode_html(data, source)
    try:
        lines, tables = html_document(text)
    except (lxml.etree.LxmlError, ValueError) as error:  # ValueError: control characters
        raise ParseError(source, f"the HTML cannot be parsed ({error}); save the page again and retry") from None
    return Document("\n".join(lines), HTML, encoding, warnings, tables)


def docx_inflated_size(data: bytes) -> int | None:
    """What a DOCX unpacks to, by its zip directory; None when the zip cannot be read.

    The sizes are the ones the zip declares: :mod:`zipfile` never inflates a member past its
    declared size (it stops and fails the CRC check), so they bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _read_docx(data: bytes, source: str, limits: Limits = Limits()) -> Document:
    from parsing.read_docx import docx_document

    limits.check_inflated(docx_inflated_size(data) or 0, source)
    try:
        lines, tables = docx_document(data)
    except Exception as error:  # zipfile, lxml, python-docx and KeyError all occur
        raise ParseError(
            source, f"the DOCX file is damaged or not a Word document ({type(error).__name__}: {error}); "
            "open and re-save it in Word or LibreOffice"
        ) from None
    return Document("\n".join(lines), DOCX, None, [], tables)


def _read_pdf(data: bytes, source: str, ocr: bool = True, progress: OcrProgress | None = None,
              ocr_threads: int = 0, limits: Limits = Limits()) -> Document:
    from parsing.ocr import OcrUnavailable, PageReader, scanned_grids
    from parsing.read_pdf import NoTextLayer, pdf_lines

    reader = PageReader(data, source, progress, threads=ocr_threads) if ocr else None
    scanned: list[tuple[int, Any]] = []
    grids: list[TableGrid] = []
    try:
        lines, warnings = pdf_lines(data, reader, scanned, grids,
                                    check_pages=lambda pages: limits.check_pages(pages, source))
    except ParseError:
        raise
    except NoTextLayer:
        if reader is None:
            raise ParseError(source, "the PDF has no text layer (scanned PDF?) — OCR it first "
                                     "(OCR is off: parse it without --no-ocr)", code="no_text_layer") from None
        raise ParseError(source, "the PDF has no text layer and OCR found no text on its pages",
                         code="no_text_layer") from None
    except OcrUnavailable as error:
        raise ParseError(source, f"the PDF has pages without a text layer and OCR cannot run ({error}); "
                                 "install rapidocr-onnxruntime==1.4.4 or parse with --no-ocr") from None
    except Exception as error:  # pdfminer raises many classes for damaged files
        raise ParseError(
            source, f"the PDF is damaged or encrypted ({type(error).__name__}: {error}); "
            "re-export it or print it to a new PDF"
        ) from None
    finally:
        if reader is not None:
            reader.close()
    document = Document("\n".join(lines), PDF, None, warnings, grids)
    if scanned:
        pages = reader.pages_read if reader is not None else []
        document.tables += scanned_grids(scanned, pages)
        # Text and OCR grids in document order (a mixed PDF interleaves them).
        document.tables.sort(key=lambda g: min((n for n in g.lines if n is not None), default=len(lines)))
        document.ocr_pages = [(page, offset, offset + len(read.lines)) for page, (offset, read) in zip(pages, scanned)]
    return document


_READERS = {TEXT: _read_text, HTML: _read_html}


def read_bytes(data: bytes, source: str, ocr: bool = True, progress: OcrProgress | None = None,
               ocr_threads: int = 0, limits: Limits = Limits()) -> Document:
    """Read a report file's bytes.  Raises only :class:`ParseError` subclasses.

    ``ocr``: OCR the pages of a PDF that have no text layer (``progress`` is called before
    each one); when off, such pages are skipped with a warning.  ``limits``: the file size,
    a DOCX's unpacked size and a PDF's pages (:mod:`parsing.limits`; the time is bounded by
    whoever runs the parse, :mod:`parsing.bounded`).
    """
    if not data:
        raise ParseError(source, "empty file (0 bytes); nothing to parse", code="empty")
    limits.check_size(len(data), source)
    try:
        kind = sniff_format(data, source)
        if kind == PDF:
            document = _read_pdf(data, source, ocr, progress, ocr_threads, limits)
        elif kind == DOCX:
            document = _read_docx(data, source, limits)
        else:
            document = _READERS[kind](data, source)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(source, "the document is nested too deeply to read") from None
    except MemoryError:
        raise ParseError(source, "the document is too large to read in memory") from None
    except Exception as error:  # a bug or an unforeseen library error: still a ParseError
        raise ParseError(source, f"cannot read the file ({type(error).__name__}: {error})") from error
    if not document.text.strip():
        raise ParseError(source, f"the {kind} file holds no text")
    return document


def read_path(path: str | os.PathLike[str], ocr: bool = True, progress: OcrProgress | None = None,
              ocr_threads: int = 0, limits: Limits = Limits()) -> Document:
    """Read a report file from disk (see :func:`read_bytes`); its size is checked first."""
    from parsing.limits import read_file

    source = os.fspath(path)
    try:
        data = read_file(source, limits)
    except OSError as error:
        raise ParseError(source, f"cannot open the file ({error.strerror or error})") from None
    return read_bytes(data, source, ocr, progress, ocr_threads, limits)
