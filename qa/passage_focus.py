"""Passages in focus: what a question quotes, and how many passages of one report to show.

A term the question quotes (平潭的“三个一”机制, "越阳光"是什么) is a name the reports use
literally: passages that contain it come first, and when the ranked passages hold none, the
passages in scope are scanned for it.  A question about one report gets up to k passages of
it (several passages per report are capped only when several reports compete).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from index.passages.search import Hit
from parsing.meta import to_simplified

_QUOTED = re.compile(r"[“\"「『‘']([^”\"」』’']{2,20})[”\"」』’']")


def quoted_phrases(question: str) -> list[str]:
    """The phrases the question quotes, in simplified script."""
    return [to_simplified(p).strip() for p in _QUOTED.findall(question) if p.strip()]


def literal_first(hits: list[Hit], phrases: list[str]) -> list[Hit]:
    """``hits`` with those that contain every quoted phrase (or one, failing that) first."""
    if not phrases:
        return hits
    text = {h.id: to_simplified(h.text) for h in hits}
    every = [h for h in hits if all(p in text[h.id] for p in phrases)]
    some = [h for h in hits if h not in every and any(p in text[h.id] for p in phrases)]
    return every + some + [h for h in hits if h not in every and h not in some]


def literal_hits(frame: pd.DataFrame | None, phrases: list[str], report_ids: set[str] | None,
                 agencies: list[str]) -> list[Hit]:
    """Passages in scope (reports, or agencies) that contain a quoted phrase, in reading order."""
    if frame is None or not phrases:
        return []
    scoped = frame
    if report_ids is not None:
        scoped = scoped[scoped["report_id"].isin(report_ids)]
    elif agencies:
        scoped = scoped[scoped["agency"].isin(agencies)]
    else:
        return []
    found = []
    for _, row in scoped.iterrows():
        text = to_simplified(str(row["text"]))
        if any(p in text for p in phrases):
            found.append(Hit(id=str(row["id"]), report_id=str(row["report_id"]), source=str(row["source"]),
                             agency=None if pd.isna(row["agency"]) else str(row["agency"]),
                             year=None if pd.isna(row["year"]) else int(row["year"]), region="",
                             section_no=int(row["section_no"]), section_title=str(row["section_title"]),
                             kind=str(row["kind"]), marker="", text=str(row["text"]), topics=[],
                             duplicate_of=None, score=1.0, retrievers=["literal"]))
    return found


def per_report(hits: list[Hit], k: int, least: int) -> int:
    """Passages one report may give: ``least`` when several reports compete, up to ``k`` for one."""
    reports = len({h.report_id for h in hits[: max(k, 1) * 3]})
    return max(least, math.ceil(k / reports)) if reports else least


def excerpt(text: str, phrases: list[str], limit: int) -> str:
    """``text`` cut to ``limit`` characters: from its start, or from the sentence holding the
    first quoted phrase when that phrase lies beyond the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    simplified = to_simplified(text)
    at = min((simplified.find(p) for p in phrases if p in simplified), default=-1)
    if at < 0 or at + max(len(p) for p in phrases) <= limit:
        return text[:limit] + "…"
    start = max((m.end() for m in re.finditer(r"[。；;！!？?]", text[:at])), default=0)
    return "…" + text[start:start + limit] + ("…" if start + limit < len(text) else "")
