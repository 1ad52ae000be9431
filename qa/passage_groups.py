"""Passages of a narrative answer: near-identical copies folded together, grouped by agency, counted.

Reports copy text from year to year and the same report is sometimes published in both
scripts, so a search returns the same paragraph several times.  :func:`fold_copies` keeps the
best-ranked of each set of near-identical passages and folds the others into it.  Two passages
are near-identical when, both converted to simplified script (the parser's OpenCC ``t2s``,
:func:`parsing.meta.to_simplified`) and cut to letters and digits,

* at least :data:`THRESHOLD` (90 %) of their characters lie in matching runs (difflib's ratio,
  2·matches ÷ both lengths) — the passage index's bar for copied text, on a measure that counts
  a changed character once: the index's character 5-gram Jaccard counts it five times, so a
  70-character paragraph copied with its year changed (2021 → 2022) falls to 0.85 there but
  stays at 0.97 here; and
* they state the same figures, years aside (:func:`figures`): a paragraph copied from year to
  year with its counts updated (24745 → 19363) says something different and stays apart.

A character-for-character traditional copy scores 1.0 after conversion.  Measured on the
358 passages of ``../shared/real``: the pairs at 0.9 or above differ only in a year, a place
word (县 / 区), a date or a figure.

:class:`Mentions` says how many reports mention what was asked, and what that number counts:
for a question about a topic (政策解读, 政务新媒体 … :mod:`index.passages.topics`), every report
in scope one of whose passages carries the topic's keywords, counted over the whole passage
index; otherwise the reports among the passages the answer shows and the copies folded into
them (not the whole corpus), which the answer says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from index.passages.duplicates import jaccard, normalise, shingle_hashes
from index.passages.search import Hit
from index.passages.topics import TOPICS
from parsing.meta import to_simplified

# Near-identical: at least this share of characters in matching runs (see the module's doc).
THRESHOLD = 0.9
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19[89]|20[0-3])\d")
# Pairs below this character 5-gram Jaccard are not compared further (not alike at all).
CANDIDATE_JACCARD = 0.3
# How many of a passage's copies are written out in the answer's text (all are in its sources).
MAX_COPIES_SHOWN = 5
TOPIC_NAMES = {t.key: (t.zh, t.en) for t in TOPICS}

# A passage's text as the answer writes it (cut to length around what the question quotes).
PassageText = Callable[[str], str]
# What the count is over: "topic" = the whole passage index within the scope; "retrieved" =
# the passages the answer shows and the copies folded into them.
BASES = ("topic", "retrieved")


def _normalised(text: str) -> str:
    return normalise(to_simplified(text))


def similarity(a: str, b: str) -> float:
    """How alike two passages are, in simplified script, letters and digits only: the share of
    characters in matching runs (difflib's ratio, 2·matches ÷ both lengths)."""
    return SequenceMatcher(None, _normalised(a), _normalised(b), autojunk=False).ratio()


def figures(text: str) -> list[str]:
    """The numbers a passage states, years left out, sorted: two passages that differ in a figure
    are never folded together, however alike their words."""
    return sorted(n for n in _DIGITS.findall(text) if not _YEAR.fullmatch(n))


def fold_copies(hits: list[Hit], threshold: float = THRESHOLD) -> tuple[list[Hit], dict[str, list[Hit]]]:
    """``hits`` without near-identical repeats, in rank order, and each kept passage's folded
    copies (id → the hits folded into it, in rank order)."""
    kept: list[tuple[Hit, str, np.ndarray]] = []  # (hit, normalised text, its 5-grams)
    copies: dict[str, list[Hit]] = {}
    for hit in hits:
        text = _normalised(hit.text)
        shingles = shingle_hashes(text)
        for first, first_text, first_shingles in kept:
            # The 5-gram Jaccard is cheap and rules out texts that are not alike at all.
            if jaccard(first_shingles, shingles) < CANDIDATE_JACCARD:
                continue
            if SequenceMatcher(None, first_text, text, autojunk=False).ratio() >= threshold \
                    and figures(first_text) == figures(text):
                copies.setdefault(first.id, []).append(hit)
                break
        else:
            kept.append((hit, text, shingles))
    return [h for h, _, _ in kept], copies


def by_agency(hits: Iterable[Hit]) -> list[tuple[str, list[Hit]]]:
    """Hits grouped by agency, agencies in the order their best passage ranks, passages in rank
    order within each."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.agency or "?", []).append(hit)
    return list(groups.items())


@dataclass
class Mentions:
    """How many reports mention what the question asks about, and over what that is counted."""

    basis: str  # one of BASES
    reports: int
    agencies: int
    topic: str | None = None
    kinds: list[str] = field(default_factory=list)
    searched: int = 0  # passages shown and their copies (basis "retrieved")

    def subject(self, lang: str) -> str:
        """What is mentioned, in words: the topic's name, or "相关内容" / "the question's subject"."""
        if self.topic in TOPIC_NAMES:
            zh, en = TOPIC_NAMES[str(self.topic)]
            return f"“{zh}”" if lang == "zh" else en.lower()
        return "相关内容" if lang == "zh" else "the question's subject"


def count_reports(hits: Iterable[Hit], copies: dict[str, list[Hit]]) -> tuple[int, int]:
    """(reports, agencies) among ``hits`` and the copies folded into them."""
    every = [x for h in hits for x in (h, *copies.get(h.id, []))]
    return len({h.report_id for h in every}), len({h.agency for h in every if h.agency})


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


def _script_note(hit: Hit, lang: str) -> str:
    traditional = to_simplified(hit.text) != hit.text
    if not traditional:
        return ""
    return ",繁体" if lang == "zh" else ", traditional script"


def _copy_text(hit: Hit, first: Hit, lang: str) -> str:
    year = "?" if hit.year is None else str(hit.year)
    agency = "" if hit.agency == first.agency else (hit.agency or "?")
    if lang == "zh":
        return f"{agency}{year}年报告(第{hit.section_no}部分{_script_note(hit, lang)})"
    return f"{agency + ', ' if agency else ''}{year} report (section {hit.section_no}{_script_note(hit, lang)})"


def head_line(mentions: Mentions | None, shown: int, lang: str,
              kind_names: dict[str, tuple[str, str]] | None = None) -> str:
    """The count: "N份报告在“改进措施”部分提到“政策解读”(…统计)。" and what it counts."""
    if mentions is None:
        return (f"找到{shown}段相关内容:" if lang == "zh" else f"Found {shown} passages:")
    subject = mentions.subject(lang)
    names = [(kind_names or {}).get(k, (k, k))[lang == "en"] for k in mentions.kinds]
    where_zh = f"在“{'”“'.join(names)}”部分" if names else ""
    where_en = f" in their “{'” and “'.join(names)}” section{'s' * (len(names) > 1)}" if names else ""
    reports, agencies = mentions.reports, mentions.agencies
    reports_en = f"{reports} report{'s' * (reports != 1)}"
    agencies_en = f"{agencies} agenc{'ies' if agencies != 1 else 'y'}"
    if mentions.basis == "topic":
        if lang == "zh":
            return (f"{reports}份报告{where_zh}提到{subject}({agencies}个机关;按主题关键词统计范围内的全部报告)。"
                    f"以下按机关列出最相关的{shown}段:")
        return (f"{reports_en} mention {subject}{where_en} ({agencies_en}; every report within the scope, counted "
                f"by the topic's keywords). The {shown} most relevant passages, by agency:")
    if lang == "zh":
        return (f"检索出的最相关段落中,{reports}份报告{where_zh}提到{subject}({agencies}个机关;"
                f"只统计下面列出的段落及其几乎相同的副本,共{mentions.searched}段,不是全部报告)。按机关列出:")
    return (f"Among the most relevant passages retrieved, {reports_en} mention {subject}{where_en} ({agencies_en}; "
            f"counted over the passages below and their near-identical copies, {mentions.searched} in all, not the "
            "whole corpus). By agency:")


def write(hits: list[Hit], copies: dict[str, list[Hit]], mentions: Mentions | None, lang: str,
          lines: list[str], passage_text: PassageText, kind_names: dict[str, tuple[str, str]]) -> None:
    """The passages of a narrative answer, appended to ``lines``: the count, then each agency's
    passages (numbered in rank order), each with the reports holding the same text."""
    if not hits:
        return
    lines.append(head_line(mentions, len(hits), lang, kind_names))
    number = {h.id: i for i, h in enumerate(hits, start=1)}
    for agency, found in by_agency(hits):
        reports = len({x.report_id for h in found for x in (h, *copies.get(h.id, [])) if x.agency == agency})
        lines.append(f"{agency}({reports}份报告):" if lang == "zh" else
                     f"{agency} ({reports} report{'s' * (reports != 1)}):")
        for hit in found:
            kind = kind_names.get(hit.kind, (hit.kind, hit.kind))[lang == "en"]
            year = "?" if hit.year is None else str(hit.year)
            text = passage_text(hit.text)
            lines.append(f"[{number[hit.id]}] {year}年 · 第{hit.section_no}部分({kind}{_script_note(hit, lang)}):{text}"
                         if lang == "zh" else
                         f"[{number[hit.id]}] {year}, section {hit.section_no} ({kind}{_script_note(hit, lang)}): "
                         f"{text}")
            same = copies.get(hit.id, [])
            if same:
                listed = [_copy_text(c, hit, lang) for c in same[:MAX_COPIES_SHOWN]]
                more = len(same) - len(listed)
                lines.append(("    几乎相同的文字另见:" + "、".join(listed) + (f"等{len(same)}处" if more else "") + "。")
                             if lang == "zh" else
                             ("    Nearly the same text is also in: " + "; ".join(listed)
                              + (f" and {more} more" if more else "") + "."))
