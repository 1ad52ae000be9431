"""Failed checks behind an answer: a plain sentence for the reader, the rule id for auditors.

An answer's warnings are sentences in its language (:func:`parsing.check_words.check_sentence`);
each warning that comes from a check also has an :class:`AuditNote` holding the rule id and the
raw figures, which the app shows apart ("审计详情 / Audit details") and ``gongkai ask --json``
prints under ``audit``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from parsing.check_words import check_sentence
from qa.figures import year_text

if TYPE_CHECKING:
    from qa.facts import Facts

# Checks written out as warnings under one answer at most.
MAX_CHECK_WARNINGS = 10


@dataclass(frozen=True)
class AuditNote:
    """One check as the reader sees it (``text``) and as an auditor traces it."""

    text: str
    rule: str
    detail: str
    report_id: str = ""
    agency: str = ""
    year: int | None = None
    ok: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def report_words(agency: str, year: Any, lang: str) -> str:
    """"安康高新区2019年报告" / "安康高新区's 2019 report"."""
    return f"{agency}{year_text(year)}年报告" if lang == "zh" else f"{agency}'s {year_text(year)} report"


def check_note(rule: str, detail: str, ok: bool, lang: str, report_id: str = "", agency: str = "",
               year: Any = None) -> AuditNote:
    """A check of one report, its sentence led by the report's name when one is given."""
    sentence = check_sentence(rule, detail, ok, lang)
    if agency:
        sentence = f"{report_words(agency, year, lang)}{'：' if lang == 'zh' else ': '}{sentence}"
    return AuditNote(sentence, rule, detail, report_id, agency, None if year is None else int(year), ok)


def check_notes(facts: Facts, lang: str) -> list[AuditNote]:
    """Failed checks of the reports the answer uses, the ones about its tables first."""
    tables = {m.table for m in facts.metrics}
    found = []
    names = {}
    if facts.frame is not None and "report_id" in facts.frame and "agency" in facts.frame:
        names = {r["report_id"]: (r["agency"], r["year"]) for _, r in facts.frame.iterrows()}
    for hit in facts.passages:
        names.setdefault(hit.report_id, (hit.agency, hit.year))
    for report_id, checks in facts.failed_checks.items():
        if report_id not in names:
            continue
        agency, year = names[report_id]
        for rule, detail in checks:
            table = rule.split(".")[1] if rule.startswith("narrative.") else rule.split(".")[0]
            if tables and table not in tables:
                continue
            if not tables and not rule.startswith("narrative."):
                continue
            found.append(check_note(rule, detail, False, lang, report_id, agency, year))
    return found[:MAX_CHECK_WARNINGS]


def quality_notes(frame: Any, lang: str) -> list[AuditNote]:
    """The rows of a data-quality answer (``Facts.quality``) with their rule ids, for the audit view."""
    if frame is None or not len(frame) or "rule" not in frame:
        return []
    notes = []
    for _, row in frame.iterrows():
        rule = row.get("rule")
        if not isinstance(rule, str):
            continue
        year = row.get("year")
        notes.append(check_note(rule, str(row.get("detail") or ""), bool(row.get("ok")), lang,
                                str(row.get("report_id") or ""), str(row.get("agency") or ""),
                                None if year is None or year != year else year))
    return notes


def issue_sentences(frame: Any, lang: str) -> list[str]:
    """One plain sentence per failed check of ``frame`` (rows with ``rule`` and ``detail``, as
    :func:`index.tables.quality.quality_issues` returns them), in ``lang``."""
    if frame is None or not len(frame):
        return []
    return [check_sentence(str(rule), str(detail), False, lang) for rule, detail in zip(frame["rule"], frame["detail"])]
