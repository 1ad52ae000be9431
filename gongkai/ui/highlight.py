"""Report text as safe HTML: escaped first, then the matched words wrapped in ``<mark>``.

Nothing from a report is ever rendered as HTML or Markdown: :func:`passage_html` escapes
every character that means something to HTML before adding the only markup it emits
(``<mark>`` and one wrapping ``<div>``), and the app shows the result with ``st.html``,
which does not read Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from parsing.meta import to_simplified

# Words shorter than this are not highlighted on their own (one character marks noise).
MIN_WORD = 2
# Runs of these characters are split out of a query as words.
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z][A-Za-z\-']+|\d+(?:\.\d+)?")
# Question words that say nothing about the passage.
_STOP = frozenset({"哪些", "什么", "多少", "怎么", "如何", "是否", "有没有", "情况", "关于", "有哪些", "怎样", "为什么",
                   "what", "which", "how", "many", "much", "the", "and", "did", "does", "with", "for", "about"})


def query_words(text: str) -> list[str]:
    """Words of a question worth marking in a passage: runs of Han characters, Latin words, numbers."""
    words: list[str] = []
    for run in _WORD.findall(text or ""):
        for word in _split(run):
            if len(word) >= MIN_WORD and word.lower() not in _STOP and word not in words:
                words.append(word)
    return words


def _split(run: str) -> list[str]:
    """A long run of Han characters becomes its overlapping pairs and itself, so part-matches mark too."""
    if not re.match(r"[\u3400-\u9fff]", run) or len(run) <= 4:
        return [run]
    try:
        import jieba

        pieces = [w for w in jieba.lcut(run) if len(w) >= MIN_WORD]
    except ImportError:  # jieba comes with the search extra; without it, mark the run as a whole
        pieces = []
    return [run, *pieces]


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for word in words:
        word = word.strip()
        if len(word) < MIN_WORD:
            continue
        forms.add(html.escape(word, quote=False))
        forms.add(html.escape(to_simplified(word), quote=False))
    if not forms:
        return None
    # Longest first, so "行政诉讼" wins over "诉讼" where both match.
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(re.escape(f) for f in ordered), re.IGNORECASE)


def highlight(text: str, words: Iterable[str] = ()) -> str:
    """``text`` escaped for HTML, each occurrence of ``words`` wrapped in ``<mark>``.

    Matching runs on the escaped text, so a word can never open or close a tag: the only
    tags in the result are the ``<mark>`` pairs added here.
    """
    escaped = html.escape(text or "", quote=True)
    pattern = _pattern(words)
    if pattern is None:
        return escaped
    simplified = html.escape(to_simplified(text or ""), quote=True)
    if len(simplified) != len(escaped):
        simplified = escaped  # conversion changed lengths: match the text as written only
    out, last = [], 0
    for match in pattern.finditer(simplified):
        start, end = match.span()
        if _inside_entity(escaped, start) or _inside_entity(escaped, end):
            continue
        out.append(escaped[last:start])
        out.append(f"<mark>{escaped[start:end]}</mark>")
        last = end
    out.append(escaped[last:])
    return "".join(out)


def _inside_entity(escaped: str, position: int) -> bool:
    """Whether ``position`` falls inside an entity like ``&amp;`` (never split one)."""
    amp = escaped.rfind("&", 0, position)
    if amp < 0:
        return False
    semi = escaped.find(";", amp)
    return amp < position <= semi


def passage_html(text: str, words: Iterable[str] = ()) -> str:
    """A block of report text for ``st.html``: escaped, marked, line breaks kept."""
    return ('<div style="white-space: pre-wrap; line-height: 1.7; font-size: 0.95rem">'
            f"{highlight(text, words)}</div>")


def spans_html(text: str, spans: Iterable[Sequence[int]]) -> str:
    """``text`` escaped for HTML with the character ranges ``spans`` ([start, end) offsets into
    ``text``) wrapped in ``<mark>``, in a block for ``st.html`` like :func:`passage_html`.

    Each piece is escaped on its own before the marks go round it, so nothing of the text can
    open or close a tag."""
    out, last = [], 0
    for start, end in sorted((int(s[0]), int(s[1])) for s in spans):
        start, end = max(start, last), min(end, len(text or ""))
        if end <= start:
            continue
        out.append(html.escape(text[last:start], quote=True))
        out.append(f"<mark>{html.escape(text[start:end], quote=True)}</mark>")
        last = end
    out.append(html.escape((text or "")[last:], quote=True))
    return ('<div style="white-space: pre-wrap; line-height: 1.7; font-size: 0.95rem">'
            f"{''.join(out)}</div>")
