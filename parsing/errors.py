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


# What each limit of :mod:`parsing.limits` is called in the reasons, in Chinese and English,
# and the unit of its value.  The app says ``LimitExceeded`` in its language from these.
LIMIT_WORDS: dict[str, tuple[str, str, str]] = {
    "max_file_mb": ("文件大小", "file size", "MiB"),
    "max_inflated_mb": ("DOCX解压后的大小", "size of the unpacked DOCX", "MiB"),
    "max_pages": ("PDF页数", "PDF pages", ""),
    "parse_seconds": ("解析用时", "parsing time", "s"),
}


class LimitExceeded(ParseError):
    """The file is over one of the limits of :mod:`parsing.limits` (``limit`` names it).

    The reason names the limit, its value and the setting that raises it; ``zh()`` says
    the same in Chinese."""

    code = "limit"

    def __init__(self, source: str, limit: str, value: int, found: str = "") -> None:
        self.limit, self.value, self.found = limit, value, found
        super().__init__(source, self.en())

    def _setting(self) -> str:
        return f"GONGKAI_{self.limit.upper()} / --{self.limit.replace('_', '-')}"

    def en(self) -> str:
        _, words, unit = LIMIT_WORDS[self.limit]
        unit = f" {unit}" if unit else ""
        if self.limit == "parse_seconds":
            return (f"took longer than {self.value} s (limit parse_seconds = {self.value}); the parser was "
                    f"stopped. Split the file, or raise the limit ({self._setting()})")
        return (f"{words}: {self.found}{unit}, over the limit of {self.value}{unit} ({self.limit}); "
                f"split the file, or raise the limit ({self._setting()})")

    def zh(self) -> str:
        words, _, unit = LIMIT_WORDS[self.limit]
        unit = {"s": "秒", "": "页"}.get(unit, f" {unit}")
        if self.limit == "parse_seconds":
            return f"解析超过{self.value}秒(上限 parse_seconds = {self.value}),已停止;请拆分文件或提高上限({self._setting()})"
        return (f"{words}为{self.found}{unit},超过上限{self.value}{unit}({self.limit});"
                f"请拆分文件或提高上限({self._setting()})")


def reason_values(error: ParseError) -> dict[str, str]:
    """What an interface fills its words for ``error.code`` with (``upload.reason.<code>``)."""
    if isinstance(error, LimitExceeded):
        return {"zh": error.zh(), "en": error.en()}
    return {}
