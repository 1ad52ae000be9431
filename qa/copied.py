"""Copied sections in answers and on the data-quality page: which, ranked, in plain words.

The finding is :mod:`index.passages.copies` (share of a section's characters that repeat an
earlier report, boilerplate left out); this module narrows it to a question's scope and says
it in the asker's language.  The chat's answer to "哪些报告年报雷同" and the data-quality
page's list use the same rows in the same order: most copied first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from index.passages.copies import CopySettings
from index.tables.summary import Scope, scope_where
from parsing.meta import to_simplified
from parsing.template import SECTIONS
from parsing.vocabulary import HEADING_DIGITS
from qa.figures import year_text

if TYPE_CHECKING:
    from qa.plan import Plan

PROBLEM = "copied"
_NUMERALS = {n: c for c, n in HEADING_DIGITS.items() if n <= 10}
_SECTIONS = {s.no: s for s in SECTIONS}


def in_scope(found: pd.DataFrame, plan: Plan, reports: set[str] | None = None) -> pd.DataFrame:
    """The copied sections of the reports a question is about, ranked as ``found`` is.

    Years and agencies come from ``plan``; ``reports``: the ids of the reports of its region or
    level (None: no such limit)."""
    keep = pd.Series(True, index=found.index)
    if plan.years:
        keep &= found["year"].isin(plan.years)
    if plan.year_from is not None:
        keep &= found["year"] >= plan.year_from
    if plan.year_to is not None:
        keep &= found["year"] <= plan.year_to
    if plan.agencies:
        keep &= found["agency"].isin(plan.agencies)
    if reports is not None:
        keep &= found["report_id"].isin(reports)
    return found[keep.to_numpy(dtype=bool)]


def for_scope(found: pd.DataFrame, con: Any, scope: Scope | None) -> pd.DataFrame:
    """The copied sections of the reports in an app scope (years, region, agencies, level), ranked."""
    where, params = scope_where(scope)
    if not where or not len(found):
        return found
    ids = {r[0] for r in con.execute(f"SELECT r.report_id FROM reports r{where}", params).fetchall()}
    return found[found["report_id"].isin(ids)]


def label(row: pd.Series, lang: str) -> str:
    """A copied section in a few words, for a picker: 大涌镇 2022 · 第一部分 · 62% ← 安康高新区 2019."""
    section = section_name(row["section_no"], None, lang)
    return (f"{row['agency']} {year_text(row['year'])} · {section} · {percent(row['share'])} ← "
            f"{row['source_agency']} {year_text(row['source_year'])}")


def rows(found: pd.DataFrame) -> pd.DataFrame:
    """``found`` as the data-quality answer's rows (``problem`` = copied), order kept."""
    if not len(found):
        return pd.DataFrame()
    return found.assign(
        rule=["copied.section_" + str(int(n)) for n in found["section_no"]], problem=PROBLEM, ok=False,
        detail=[f"{s:.2f} of section {int(n)} ({c}/{t}) = {sr} section {int(sn)}"
                for s, n, c, t, sr, sn in zip(found["share"], found["section_no"], found["copied_chars"],
                                               found["section_chars"], found["source_report_id"],
                                               found["source_section_no"])],
        source_file=found["source"]).reset_index(drop=True)


def section_name(no: Any, title: Any, lang: str) -> str:
    """第五部分“存在的主要问题及改进情况” / section 5 (Problems and improvements)."""
    number = int(no)
    title = str(title or "").strip()
    known = _SECTIONS.get(number)
    if lang == "zh":  # the report's own title, as it is written
        numeral = _NUMERALS.get(number, str(number))
        return f"第{numeral}部分" + (f"“{title}”" if title else "")
    if not title and known is not None:
        return f"section {number} ({known.en})"
    # The report's own title read against the national template's (older reports number them otherwise).
    simple = to_simplified(title)
    named = next((s for s in SECTIONS if any(word in simple for word in s.match)), None)
    return f"section {number} ({named.en})" if named is not None else f"section {number}"


def percent(share: Any) -> str:
    return f"{round(float(share) * 100)}%"


def line(row: pd.Series, lang: str) -> str:
    """One copied section in words: how much of it, from which report."""
    section = section_name(row["section_no"], row.get("section_title"), lang)
    source_section = section_name(row["source_section_no"], row.get("source_section_title"), lang)
    year = year_text(row["source_year"])
    share, copied, total = percent(row["share"]), int(row["copied_chars"]), int(row["section_chars"])
    if lang == "zh":
        return (f"{section}有{share}的文字({total}字中的{copied}字)与{row['source_agency']}{year}年报告"
                f"{source_section}相同")
    return (f"{share} of {section} ({copied} of {total} characters) repeats {row['source_agency']}'s {year} "
            f"report, {source_section}")


def verdict(sections: int, lang: str) -> str:
    """How many sections of one report repeat an earlier report."""
    if lang == "zh":
        return f"共{sections}个部分"
    return f"{sections} section{'s' * (sections != 1)}"


def note(lang: str, settings: CopySettings = CopySettings()) -> str:
    """How the share is counted, in plain words (said under the list)."""
    if lang == "zh":
        return (f"比例指这一部分中与一份更早的报告相同的文字所占的比重;超过{settings.boilerplate_agencies}个机关的"
                f"报告里都出现的套话不计在内。相同文字占一半以上、且不少于{settings.min_chars}字的才列出,"
                "按比例从高到低排列。")
    return (f"The share is the part of the section's text that repeats an earlier report; wording found in the "
            f"reports of more than {settings.boilerplate_agencies} agencies is stock wording and not counted. "
            f"Sections are listed when at least half of their text and {settings.min_chars} characters repeat "
            "another report, most copied first.")


def sources(found: pd.DataFrame) -> list[dict[str, Any]]:
    """Both reports of each copied section, as answer sources (the copy, then what it repeats)."""
    out: list[dict[str, Any]] = []
    for _, r in found.iterrows():
        out.append({"report_id": r["report_id"], "source": r["source"], "agency": r["agency"],
                    "year": None if pd.isna(r["year"]) else int(r["year"]), "section": int(r["section_no"]),
                    "kind": r.get("kind"), "text": r.get("text", "")})
        out.append({"report_id": r["source_report_id"], "source": r["source_source"], "agency": r["source_agency"],
                    "year": None if pd.isna(r["source_year"]) else int(r["source_year"]),
                    "section": int(r["source_section_no"]), "kind": r.get("source_kind"),
                    "text": r.get("source_text", "")})
    return out
