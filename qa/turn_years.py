"""Years a follow-up counts from the previous turn's, and 近三年 of a named agency.

前一年呢？ after a 2022 question is 2021; 再往前一年 counts on; "the year before", "a year
later", 那年 / that year likewise; 近三年呢？ is the three years up to the previous turn's year.
A year word inside a column name (上一年项目数量) or a comparison (比上一年: qa.change) is left
alone.  With no earlier year to count from, 近三年 of a named agency ends at its newest report
(:func:`anchor_recent`), not at the corpus's newest year.  Every year set this way is recorded
as a :class:`~qa.plan.Reading` that says how it was counted.  The words are
``lexicon.TURN_RELATIVE_YEARS`` and ``lexicon.TURN_YEAR_COMPARED``.
"""

from __future__ import annotations

import re

from index.tables.metrics import normalize, phrase_hits
from parsing.meta import to_simplified
from qa import lexicon
from qa.plan import Plan, Reading
from qa.quantities import blank_all, phrase_pattern


def _text(question: str) -> str:
    return to_simplified(question).strip().lower()


def column_hits(question: str) -> list[tuple[str, str, str]]:
    """(words, kind, target) of every column and unit word in ``question``."""
    from qa.metric_terms import english_forms

    text = normalize(question)
    if re.search(r"[a-z]{3,}", text):
        text = english_forms(text)
    return [(text[h.start:h.end], h.kind, h.target) for h in phrase_hits(text) if h.kind in ("column", "unit")]


def _anchor_years(plan: Plan) -> list[int]:
    """The years a plan asked about (a range's years, in order)."""
    if plan.years:
        return sorted(plan.years)
    if plan.year_from is not None and plan.year_to is not None:
        return list(range(plan.year_from, plan.year_to + 1))
    return []


def _compared_before(text: str, start: int) -> bool:
    before = text[max(0, start - 14):start]
    return any((re.search(rf"(?<![a-z]){re.escape(w)}\s*(?:the\s+)?$", before) if w.isascii() else
                before.rstrip().endswith(w)) for w in lexicon.TURN_YEAR_COMPARED)


def turn_years(new: Plan, previous: Plan, shown: list[int] | None = None) -> bool:
    """前一年呢？ / "and the year before?" / 近三年呢？: years counted from the previous turn's.

    A year word inside a column name (上一年项目数量) or a comparison (比上一年) is left alone.
    With no year asked before, the one year the previous answer showed (``shown``) is counted
    from.  Returns True when ``new``'s years were set this way.
    """
    anchor = _anchor_years(previous)
    if not anchor and shown and len(set(shown)) == 1:
        anchor = sorted(set(shown))  # no year asked, one year answered: count from it
    if not anchor or any(r.piece == "year" and re.fullmatch(r"(?:19|20)\d{2}\s*年?度?", r.text or "")
                         for r in new.readings):
        return False
    text = _text(new.question)
    masked = blank_all(text, [w for w, kind, _ in column_hits(new.question) if kind == "column"])
    match = re.search(phrase_pattern(lexicon.TURN_RELATIVE_YEARS), masked)
    if match and not _compared_before(masked, match.start()):
        word = match.group(0)
        offset = lexicon.TURN_RELATIVE_YEARS[word]
        years = anchor if offset == 0 else [(anchor[0] if offset < 0 else anchor[-1]) + offset]
        listed = "、".join(f"{y}年" for y in anchor)
        set_years(new, years, None, None, Reading(
            "year", word, years, f"“{word}” counted from the previous question's year ({', '.join(map(str, anchor))})",
            f"“{word}”按上一问的年份({listed})推算"))
        return True
    recent = next((r for r in new.readings if r.piece == "year" and r.how.startswith("the last ")), None)
    if recent is not None and new.year_from is not None and new.year_to is not None and not new.agency_entities():
        # (越城区近三年呢？ names its own agency: its own newest years, see anchor_recent.)
        count = new.year_to - new.year_from + 1
        high = anchor[-1]
        set_years(new, [], high - count + 1, high, Reading(
            "year", recent.text, [high - count + 1, high],
            f"the {count} years up to the previous question's year {high}: {high - count + 1}–{high}",
            f"截至上一问年份{high}年的近{count}年:{high - count + 1}年至{high}年"))
        return True
    return False


def anchor_recent(plan: Plan) -> None:
    """近三年 / "the last three years" of named agencies, with no earlier year to count from:
    the years up to the newest report the agencies have (not the corpus's newest), said so."""
    recent = next((r for r in plan.readings if r.piece == "year" and r.how.startswith("the last ")), None)
    held = [y for e in plan.agency_entities() for years in e.years.values() for y in years]
    if recent is None or plan.year_from is None or plan.year_to is None or not held or plan.from_previous:
        return
    latest = max(held)
    if latest >= plan.year_to:
        return
    count = plan.year_to - plan.year_from + 1
    names = "、".join(plan.agencies)
    set_years(plan, [], latest - count + 1, latest, Reading(
        "year", recent.text, [latest - count + 1, latest],
        f"the last {count} years up to the newest report year of {'; '.join(plan.agencies)} ({latest}): "
        f"{latest - count + 1}–{latest}",
        f"截至{names}最新报告年份{latest}年的近{count}年:{latest - count + 1}年至{latest}年"))


def set_years(plan: Plan, years: list[int], low: int | None, high: int | None, reading: Reading) -> None:
    plan.years, plan.year_from, plan.year_to = list(years), low, high
    plan.readings = [r for r in plan.readings if r.piece != "year"] + [reading]
    if "years" not in plan.given:
        plan.given.append("years")
