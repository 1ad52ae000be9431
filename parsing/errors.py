"""Errors the parsing package raises; the CLI and the app turn them into words."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class of every error Gongkai raises on purpose."""


class ParseError(GongkaiError):
    """A file could not be read as a report; the message says why and what to do."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnsupportedFormat(ParseError):
    """The file is not text, HTML, DOCX or PDF."""


class EncodingError(ParseError):
    """The bytes decode cleanly as none of UTF-8, GB18030/GBK or Big5."""


class NotAReport(ParseError):
    """The file reads, but holds no annual disclosure report."""
