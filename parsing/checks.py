"""The checks of SCHEMA.md: table identities and the narrative cross-check.

A check is only made when every cell it needs is present; an absent cell is not zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from parsing.check_words import SumFigures, TextFigures, sum_detail, text_detail
from parsing.record import Check, Grid
from parsing.vocabulary import OUTCOME_WORDS
from parsing.template import APPLICANT_COLUMNS, REVIEW_LITIGATION, TEMPLATE_UNKNOWN, TEMPLATES, result_rows

_APPLICANTS = [c.key for c in APPLICANT_COLUMNS]
_PARTS = _APPLICANTS[:-1]  # the applicant columns a row's total sums
_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")  # what a review/litigation total sums


def _sum_check(rule: str, left: Sequence[float], right: Sequence[float]) -> Check:
    ok = abs(sum(left) - sum(right)) < 1e-6
    return Check(rule, ok, sum_detail(SumFigures(tuple(left), tuple(right)), ok))


def _result_values(grid: Grid, template: str, column: str) -> list[float] | None:
    """The 办理结果 cells of one column, or ``None`` when any is absent."""
    rows = result_rows(template)
    if "other" in grid and "other" not in rows:
        # A report that prints (六)其他处理 without its sub-rows.
        rows = [r for r in rows if not r.startswith("other.")] + ["other"]
    values = [grid.get(r, {}).get(column) for r in rows]
    present = [v for v in values if v is not None]
    return present if len(present) == len(values) else None


def application_checks(grid: Grid, template: str) -> list[Check]:
    checks: list[Check] = []
    for column in _APPLICANTS:
        cells = [grid.get(r, {}).get(column) for r in ("new_received", "carried_over", "total_processed",
                                                        "carried_forward")]
        present = [v for v in cells if v is not None]
        if len(present) == len(cells):
            checks.append(_sum_check(f"applications.balance.{column}", present[:2], present[2:]))
    for row, values in grid.items():
        parts = [v for v in (values.get(c) for c in _PARTS) if v is not None]
        total = values.get("total")
        if total is not None and len(parts) == len(_PARTS):
            checks.append(_sum_check(f"applications.row_total.{row}", parts, [total]))
    for column in _APPLICANTS:
        total = grid.get("total_processed", {}).get(column)
        results = _result_values(grid, template, column)
        if total is not None and results is not None:
            checks.append(_sum_check(f"applications.processed_total.{column}", results, [total]))
    return checks


def applications_column_errors(grid: Grid, template: str) -> list[Check]:
    """The failed column-wise application checks (used to disambiguate run-together digits)."""
    return [c for c in application_checks(grid, template)
            if not c.ok and ".row_total." not in c.rule]


def review_checks(grid: Grid) -> list[Check]:
    checks = []
    for row in REVIEW_LITIGATION.rows:
        values = grid.get(row.key, {})
        parts = [v for v in (values.get(c) for c in _REVIEW_PARTS) if v is not None]
        total = values.get("total")
        if total is not None and len(parts) == len(_REVIEW_PARTS):
            checks.append(_sum_check(f"review_litigation.total.{row.key}", parts, [total]))
    return checks


# ---------------------------------------------------------------------------
# Narrative cross-check
# ---------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_CLAUSE = re.compile(r"[^，,；;：:。\n]+")
_COUNT = r"(\d+)\s*(?:件|项|个|宗|份|起|条|次)"
# "未发生…行政复议和诉讼案件", "未出现复议、诉讼": a claim of zero cases (no digit inside).
_NO_CASES = re.compile(r"(?:未发生|没有发生|未出现|没有出现|未收到|没有收到|未有|无)[^。；;，,\d]{0,20}?"
                       r"(?:复议|诉讼)[^。；;，,\d]{0,12}")
_REQUEST = re.compile(
    r"(?:收到|受理|办理|接收|新收|共收到|办结)[^，,。；;]{0,24}?(?:申请|信件)[^，,。；;\d]{0,6}?" + _COUNT)
# "全年未收到政府信息公开申请": a claim of zero requests.
_NO_REQUESTS = re.compile(r"(?:未收到|没有收到|未接到|没有接到|未受理|没有受理)[^。；;，,\d]{0,12}?申请(?![人表书])")
_DIGIT_NEXT = re.compile(r"\s*\d")
_COUNT_RE = re.compile(_COUNT)
_REVIEW_N = re.compile(r"(?<!直接)(?:行政)?复议(?:案件)?\s*" + _COUNT)
_LITIGATION_N = re.compile(r"(?:行政)?诉讼(?:案件)?\s*" + _COUNT)
# Words that tie a clause about 规范性文件 to one column of the template.
_DOC_VERBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("repealed", ("废止", "宣布失效", "失效")),
    ("in_force", ("现行有效",)),
    ("issued", ("新制定", "制定", "制发", "出台", "印发")),
    ("total", ("总数",)),
)


def _doc_field(template: str, verb: str) -> str | None:
    if template == "2021":
        return {"issued": "issued", "repealed": "repealed", "in_force": "in_force", "total": "in_force"}[verb]
    if template == "2019":
        return {"issued": "new_made", "total": "total_published"}.get(verb)
    return None


def _narrative_claims(text: str, template: str) -> Iterable[tuple[str, float, str]]:
    """(field, stated value, quote) claims the narrative makes about table cells."""
    for sentence in _SENTENCE.findall(text):
        if "规范性文件" in sentence:
            for clause in _CLAUSE.findall(sentence):
                number = _COUNT_RE.search(clause)
                if not number:
                    continue
                for verb, words in _DOC_VERBS:
                    # The verb must come before the figure: "废止文件6份", not "其中3份…废止".
                    if any(0 <= clause.find(w) < number.start() for w in words):
                        column = _doc_field(template, verb)
                        if column:
                            yield (f"active_disclosure.normative_documents.{column}", float(number.group(1)),
                                   clause.strip())
                        break
        # Each pattern below needs its key word: sentences without it are skipped unsearched.
        requests, review, litigation = "申请" in sentence, "复议" in sentence, "诉讼" in sentence
        if requests or "信件" in sentence:
            for m in _REQUEST.finditer(sentence):
                yield "applications.requests", float(m.group(1)), m.group(0)
        if requests:
            for m in _NO_REQUESTS.finditer(sentence):
                if not _DIGIT_NEXT.match(sentence, m.end()):
                    yield "applications.requests", 0.0, m.group(0)
        if not (review or litigation):
            continue
        for pattern, field, present in ((_REVIEW_N, "review_litigation.review.total", review),
                                        (_LITIGATION_N, "review_litigation.litigation.total", litigation)):
            if present:
                for m in pattern.finditer(sentence):
                    yield field, float(m.group(1)), m.group(0)
        for m in _NO_CASES.finditer(sentence):
            window = m.group(0)
            if any(w in window for w in OUTCOME_WORDS):
                # "未发生…被行政复议纠错或行政诉讼败诉情形": no case lost, not no case.
                continue
            if "复议" in window:
                yield "review_litigation.review.total", 0.0, window
            if "诉讼" in window:
                yield "review_litigation.litigation.total", 0.0, window


def _table_values(field: str, tables: dict[str, Grid]) -> set[float] | None:
    """The table figures a narrative claim about ``field`` may legitimately refer to."""
    apps, review, active = tables["applications"], tables["review_litigation"], tables["active_disclosure"]
    if field == "applications.requests":
        new = apps.get("new_received", {}).get("total")
        carried = apps.get("carried_over", {}).get("total")
        processed = apps.get("total_processed", {}).get("total")
        options = {v for v in (new, processed) if v is not None}
        if new is not None and carried is not None:
            options.add(new + carried)
        return options or None
    if field == "review_litigation.review.total":
        value = review.get("review", {}).get("total")
        return {value} if value is not None else None
    if field == "review_litigation.litigation.total":
        direct = review.get("litigation_direct", {}).get("total")
        after = review.get("litigation_after_review", {}).get("total")
        if direct is None or after is None:
            return None
        return {direct + after}
    _, row, column = field.split(".")
    value = active.get(row, {}).get(column)
    return {value} if value is not None else None


def narrative_checks(narrative: str, tables: dict[str, Grid], template: str) -> list[Check]:
    """Figures the narrative states, compared with the table (one check per field)."""
    if template == TEMPLATE_UNKNOWN:
        return []
    by_field: dict[str, Check] = {}
    for field, stated, quote in _narrative_claims(narrative, template):
        options = _table_values(field, tables)
        if options is None:
            continue
        ok = stated in options
        detail = text_detail(TextFigures(quote.strip(), stated, tuple(sorted(options))))
        rule = f"narrative.{field}"
        # One check per field.  Any statement that agrees with the table settles it: reports
        # often state a total and then its parts ("废止6份, 其中3份…"), and only a figure that
        # matches nothing in the table is a contradiction.
        if rule not in by_field or (ok and not by_field[rule].ok):
            by_field[rule] = Check(rule, ok, detail)
    return list(by_field.values())


def run_checks(tables: dict[str, Grid], template: str, narrative: str) -> list[Check]:
    if template == TEMPLATE_UNKNOWN or template not in TEMPLATES:
        return []
    return (application_checks(tables["applications"], template)
            + review_checks(tables["review_litigation"])
            + narrative_checks(narrative, tables, template))
