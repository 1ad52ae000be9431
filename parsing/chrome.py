"""Site chrome and crawler headers: what a page prints around the report.

* a crawler's dump starts with ``key: value`` lines (标题, 发布时间, 原文链接 …) and a
  ``==== 正文 ====`` rule: they are read as metadata (:func:`crawl_header`) and blanked;
* page headers and footers (版权所有, 网站标识码, 扫一扫在手机上查看当前页面 …) are blanked
  wherever they stand as short lines, and after the last section heading everything from
  the first footer line on is the page's footer (link lists included);
* a crawled one-line body carries the same chrome inline ("当前位置： 首页… 相关链接： -->",
  a closing "附件下载"): it is cut out of the line.

Lines are blanked rather than removed, so line numbers stay valid for the other steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parsing.vocabulary import (
    CHROME_LINE_MAX,
    CHROME_PATTERN_WORDS,
    CHROME_PATTERNS,
    CHROME_WORDS,
    FOOTER_WORDS,
    CRAWL_BODY_RULE,
    CRAWL_HEADER_KEYS,
    INLINE_CHROME_SPANS,
    TRAILING_CHROME,
)

_CHROME = re.compile("|".join([*map(re.escape, CHROME_WORDS), *CHROME_PATTERNS]), re.IGNORECASE)
# Every chrome word, and a literal every chrome pattern holds (none crosses a line).
_HINT = re.compile("|".join(map(re.escape, [*CHROME_WORDS, *CHROME_PATTERN_WORDS])), re.IGNORECASE)
_FOOTER = re.compile("|".join(map(re.escape, FOOTER_WORDS)), re.IGNORECASE)
_HEADER_LINE = re.compile(r"^\s*(" + "|".join(map(re.escape, CRAWL_HEADER_KEYS)) + r")\s*[:：]\s*(.*)$")
_BODY_RULE = re.compile(r"^\s*[=＝\-]{3,}\s*" + re.escape(CRAWL_BODY_RULE) + r"\s*[=＝\-]{3,}\s*$")
_INLINE_SPANS = [re.compile(re.escape(a) + r"\s*[:：].{0,300}?" + b) for a, b in INLINE_CHROME_SPANS]
_TRAILING = re.compile(r"(?:\s+(?:" + "|".join(map(re.escape, TRAILING_CHROME)) + r"))+\s*$")


@dataclass
class CrawlHeader:
    """The ``key: value`` header of a crawler's dump (empty when the file has none)."""

    fields: dict[str, str] = field(default_factory=dict)
    body_start: int = 0  # the first line after the 正文 rule

    def get(self, key: str) -> str | None:
        value = self.fields.get(key, "").strip()
        return value or None


def crawl_header(lines: Sequence[str], limit: int = 30) -> CrawlHeader:
    """The crawler header: ``key: value`` lines closed by a ``==== 正文 ====`` rule."""
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[:limit]):
        if _BODY_RULE.match(line):
            return CrawlHeader(fields, i + 1) if fields else CrawlHeader()
        match = _HEADER_LINE.match(line)
        if match:
            fields.setdefault(match.group(1), match.group(2))
        elif line.strip() and not fields:
            return CrawlHeader()
    return CrawlHeader()


def is_chrome(line: str) -> bool:
    """A short line made of page chrome (a footer, a share bar, a breadcrumb)."""
    stripped = line.strip()
    if not stripped or len(stripped) > CHROME_LINE_MAX or not _CHROME.search(stripped):
        return False
    # A sentence of the report that mentions a chrome word ("…请联系我们。") is not chrome.
    return not stripped.endswith(("。", "！", "？")) or "浏览器" in stripped


def cut_inline(line: str) -> str:
    """A long line (a crawled body) without the chrome printed inside it."""
    if len(line) <= CHROME_LINE_MAX:
        return line
    for span in _INLINE_SPANS:
        line = span.sub(" ", line, count=1)
    return _TRAILING.sub("", line)


def chrome_lines(work_lines: Sequence[str], header: CrawlHeader, tail_from: int | None) -> set[int]:
    """Line numbers that are chrome: the crawler header, chrome lines, and the page footer.

    ``tail_from`` is the line of the last section heading: from the first footer line after
    it (:data:`parsing.vocabulary.FOOTER_WORDS`), the rest of the page is its footer.
    """
    out = set(range(header.body_start))
    for i in _hinted_lines(work_lines):
        line = work_lines[i]
        if is_chrome(line):
            out.add(i)
            if tail_from is not None and i > tail_from and _FOOTER.search(line):
                out.update(range(i, len(work_lines)))
                break
    return out


def _hinted_lines(work_lines: Sequence[str]) -> Iterable[int]:
    """Indices, in order, of the lines holding a chrome word or a chrome pattern's literal
    (a superset of the chrome lines, found in one pass over the text)."""
    joined = "\n".join(work_lines)
    if joined.count("\n") != len(work_lines) - 1:  # a line holding a newline: look at every line
        yield from range(len(work_lines))
        return
    line, pos, last = 0, 0, -1
    for match in _HINT.finditer(joined):
        line += joined.count("\n", pos, match.start())
        pos = match.start()
        if line != last:
            yield line
            last = line


def blank(lines: list[str], numbers: set[int]) -> list[str]:
    if not numbers:
        return list(lines)
    return [("" if i in numbers else line) for i, line in enumerate(lines)]
