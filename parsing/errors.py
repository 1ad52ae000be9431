"""Errors the parsing package raises; the CLI and the app turn them into words."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class of every error Gongkai raises on purpose."""


class ParseError(GongkaiError):
    """A file could not be read as a report; the message says why and what to do.

    ``code`` names the kind of failure for an interface that says it in its own language
    (the app's ``upload.reason.<code>`` strings); ``reason`` is the English words."""

    code = "unreadable"

    def __init__(self, source: str, reason: str, code: str | None = None) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        if code is not None:
            self.code = code


class UnsupportedFormat(ParseError):
    """The file is not text, HTML, DOCX or PDF."""

    code = "unsupported"


class EncodingError(ParseError):
    """The bytes decode cleanly as none of UTF-8, GB18030/GBK or Big5."""

    code = "encoding"


class NotAReport(ParseError):
    """The file reads, but holds no annual disclosure report."""

    code = "not_report"
