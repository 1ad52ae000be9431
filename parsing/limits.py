"""What one file handed to Gongkai may cost, declared once: the defaults of four settings.

Every entry point applies the same :class:`Limits` (``gongkai parse``, ``gongkai ingest``,
the app's upload): a file over one of them is refused with a reason naming the limit and
its value (:class:`parsing.errors.LimitExceeded`), never read at any cost.

* ``max_file_mb``: the size of the file on disk, checked before its bytes are read (a 200 MB
  text file took 2 GB of memory to parse);
* ``max_inflated_mb``: what a DOCX (a zip) unpacks to, checked before it is unpacked (a
  755 KB DOCX whose XML inflates to 300 MB took 5.4 GB);
* ``max_pages``: the pages of a PDF, checked before the first page is read (a 300-page PDF
  took 3.5 minutes);
* ``parse_seconds``: the time one file may take; the parser process working on it past
  that is killed (:mod:`parsing.bounded`) and the other files go on.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from parsing.errors import LimitExceeded, ParseError

# Defaults of the settings of the same names (gongkai/settings.py).
MAX_FILE_MB = 50
MAX_INFLATED_MB = 100
MAX_PAGES = 100
PARSE_SECONDS = 600  # a 100-page scanned PDF OCRs in about 5 CPU-seconds a page

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits one parse works under; 0 turns a limit off."""

    max_file_mb: int = MAX_FILE_MB
    max_inflated_mb: int = MAX_INFLATED_MB
    max_pages: int = MAX_PAGES
    parse_seconds: int = PARSE_SECONDS

    def check_size(self, size: int, source: str) -> None:
        if self.max_file_mb and size > self.max_file_mb * _MIB:
            raise LimitExceeded(source, "max_file_mb", self.max_file_mb, f"{size / _MIB:.1f}")

    def check_inflated(self, size: int, source: str) -> None:
        if self.max_inflated_mb and size > self.max_inflated_mb * _MIB:
            raise LimitExceeded(source, "max_inflated_mb", self.max_inflated_mb, f"{size / _MIB:.1f}")

    def check_pages(self, pages: int, source: str) -> None:
        if self.max_pages and pages > self.max_pages:
            raise LimitExceeded(source, "max_pages", self.max_pages, str(pages))

    def timed_out(self, source: str) -> LimitExceeded:
        return LimitExceeded(source, "parse_seconds", self.parse_seconds)


NO_LIMITS = Limits(0, 0, 0, 0)


def read_file(path: str | os.PathLike[str], limits: Limits, source: str | None = None) -> bytes:
    """The bytes of a regular file no larger than ``limits.max_file_mb``.

    The size is checked before reading, and no more than the limit (plus one byte) is ever
    read, so a file that grows meanwhile, or a device, cannot make the read unbounded.
    Raises :class:`LimitExceeded`, :class:`ParseError` (not a regular file) or :class:`OSError`.
    """
    name = source if source is not None else os.fspath(path)
    # Non-blocking: opening a FIFO must not wait for a writer; only a regular file is read.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ParseError(name, "not a regular file (a device, a pipe or a socket); give the report file itself",
                             code="unreadable")
        limits.check_size(status.st_size, name)
        if not limits.max_file_mb:
            return handle.read()
        data = handle.read(limits.max_file_mb * _MIB + 1)
    limits.check_size(len(data), name)
    return data
