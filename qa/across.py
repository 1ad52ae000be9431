"""Data-quality questions about checks across years (kind ``years`` of :mod:`qa.data_quality`).

"哪些机关的结转数前后对不上?", "申请数量有异常跳变的机关", "which agencies' carry-over doesn't match
the next year": the findings of :mod:`index.tables.across_years` in the question's scope, each in
plain words with both reports (the cells of year N and year N+1) as its sources.  Which check a
question asks about is read from the ``QUALITY_ACROSS_*`` words of :mod:`qa.lexicon`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from index.tables import across_years as ay
from index.tables.summary import Scope
from parsing.vocabulary import STATED_FIELD_METRICS
from qa import lexicon
from qa.facts import TEXT_ROWS, Note
from qa.metric_terms import english_forms
from qa.quantities import find_cue

if TYPE_CHECKING:
    from qa.corpus import Corpus
    from qa.facts import Facts
    from qa.plan import Plan

KIND = "years"
# A data-quality kind per check (kept by a follow-up: 那2024年的呢 after 结转数对不上), and "years" for all.
KINDS = (*ay.CHECK_IDS, KIND)
RULE_PREFIX = "across_years."


def _cue(text: str, words: tuple[str, ...]) -> str | None:
    """``find_cue`` with English phrases also in the word forms questions are put in ("across year")."""
    return find_cue(text, tuple(dict.fromkeys(words + tuple(english_forms(w) for w in words if w.isascii()))))


def asked(text: str) -> tuple[list[str], str | None]:
    """The checks across years a question asks about (ids of :data:`index.tables.across_years.CHECKS`)
    and the words that say so; ``([], None)`` when it asks about none."""
    text = text.lower()
    checks: list[str] = []
    cues: list[str] = []
    general = _cue(text, lexicon.QUALITY_ACROSS_GENERAL)
    carry = _cue(text, lexicon.QUALITY_ACROSS_CARRY)
    link = _cue(text, lexicon.QUALITY_ACROSS_LINK) or _cue(text, lexicon.QUALITY_MISMATCH)
    # 结转数正文和表格一致吗: the text against the table, not one year against the next.
    if carry and link and not _cue(text, lexicon.QUALITY_NARRATIVE_OBJECT):
        checks.append("carry_over")
        cues.append(f"{carry}…{link}")
    jump = _cue(text, lexicon.QUALITY_ACROSS_JUMP)
    if jump:
        checks.append("jump")
        cues.append(jump)
    peer, zero = _cue(text, lexicon.QUALITY_ACROSS_PEER), _cue(text, lexicon.QUALITY_ACROSS_ZERO)
    if peer and zero:
        checks.append("peer_zero")
        cues.append(f"{peer}…{zero}")
    if general and not checks:
        return list(ay.CHECK_IDS), general
    return checks, "、".join(cues) or None


def kind(text: str) -> tuple[str | None, str | None]:
    """The data-quality kind of a question about checks across years: the check's id when it asks
    about one, "years" when about several; ``(None, None)`` when about none."""
    checks, cue = asked(text)
    if not checks:
        return None, None
    return (checks[0] if len(checks) == 1 else KIND), cue


def checks_of(plan: Plan) -> list[str]:
    """The checks a plan asks about: its kind's check, or those its question names, else all."""
    if plan.quality in ay.CHECK_IDS:
        return [str(plan.quality)]
    return asked(plan.question)[0] or list(ay.CHECK_IDS)


def _scope(plan: Plan) -> Scope:
    return Scope(year_from=plan.year_from, year_to=plan.year_to, region=tuple(plan.region.items()),
                 agencies=tuple(plan.agencies), level=plan.level)


def gather(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """The findings asked about, in the plan's scope, with the cells of both years."""
    checks = checks_of(plan)
    con = corpus.connection()
    checked = {f.key for f in (*ay.JUMP_FIGURES, *ay.PEER_FIGURES)}
    asked_figures = _figures_named(plan)
    named = [k for k in asked_figures if k in checked]
    if asked_figures and not named and "carry_over" not in checks:
        # A figure the checks do not read (主动公开有没有异常跳变): say so, never answer another figure.
        names_zh = "、".join(f.zh for f in ay.JUMP_FIGURES)
        names_en = ", ".join(f.en for f in ay.JUMP_FIGURES)
        facts.missing.append(Note(f"The checks across years read only {names_en}; the figure asked about is not "
                                  "one of them.", f"跨年度核对只看{names_zh}这几项数字,所问的数字不在其中。"))
        facts.quality = pd.DataFrame(columns=["report_id", "agency", "year", "problem", "rule", "ok", "detail"])
        return
    scope = _scope(plan)
    frame = ay.findings(con, scope, checks, figures=named, years=plan.years)
    facts.cited_cells = ay.finding_cells(con, frame)
    frame = frame.assign(problem=KIND, ok=False,
                         rule=[f"{RULE_PREFIX}{c}.{f}" for c, f in zip(frame["check"], frame["figure"])],
                         detail=[ay.raw_figures(r) for _, r in frame.iterrows()])
    frame.attrs["checks"] = checks
    frame.attrs["compared"] = ay.compared(con, scope, plan.years)
    facts.quality = frame
    for _, row in frame.iterrows():
        facts.sources[str(row["report_id"])] = str(row["source"])
        for other, source in ((row["next_report_id"], row["next_source"]), (row["peer_report_id"], row["peer_source"])):
            if isinstance(other, str):
                facts.sources[other] = str(source)
    facts.agencies = list(dict.fromkeys(frame["agency"])) if len(frame) else list(plan.agencies)


def _figures_named(plan: Plan) -> list[str]:
    """The figures the question names: its metrics, and the figures its words name
    (主动公开, 申请, 复议, 诉讼: :data:`qa.lexicon.STATED_FIELD_WORDS`), as metric keys ("" for a figure
    with no metric of the national tables, such as 主动公开)."""
    keys = list(plan.metrics)
    text = plan.question.lower()
    for field, words in lexicon.STATED_FIELD_WORDS.items():
        if find_cue(text, words):
            keys.append(STATED_FIELD_METRICS.get(field, ""))
    return list(dict.fromkeys(keys))


def _files(row: pd.Series) -> str:
    """The files of the two reports compared (the report and the next year's, or the median peer's)."""
    files = [str(row["source"])]
    other = row.get("next_source") if isinstance(row.get("next_source"), str) else row.get("peer_source")
    if isinstance(other, str):
        files.append(other)
    return " / ".join(files)


def compose(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    """The findings: how many of each check, one line each (up to ``TEXT_ROWS``), the rules, the table."""
    frame = facts.quality
    if frame is None:
        return None
    zh = lang == "zh"
    plan = facts.plan
    checks = frame.attrs.get("checks") or list(ay.CHECK_IDS)
    compared = frame.attrs.get("compared") or {}
    if not len(frame):
        if not facts.missing:
            found = ("；" if zh else "; ").join(ay.check(c).none(lang) for c in checks)
            what = _compared_words(checks, compared, lang)
            lines.append(f"已核对{what}:{found}。" if zh else f"{what} checked: {found}.")
            lines += _rules(checks, lang)
        return None
    counts = ay.counts(frame)
    parts = [f"{ay.check(c).zh}({counts[c]}处)" if zh else f"{ay.check(c).en}: {counts[c]}" for c in checks]
    lines.append(f"跨年度核对发现{len(frame)}处问题:{'、'.join(parts)}。" if zh else
                 f"The checks across years found {len(frame)} "
                 f"problem{'s' * (len(frame) != 1)} ({'; '.join(parts)}).")
    rows = []
    for _, r in frame.iterrows():
        said = str(r["message_zh"] if zh else r["message_en"])
        rows.append([r["agency"], ay.check(str(r["check"])).name(lang), said, _files(r)])
        if len(rows) <= TEXT_ROWS:
            lines.append(f"- {r['agency']}:{said}" if zh else f"- {r['agency']}: {said}")
    if len(rows) > TEXT_ROWS:
        lines.append(f"(另有{len(rows) - TEXT_ROWS}处见下表。)" if zh else f"({len(rows) - TEXT_ROWS} more in the table.)")
    lines += _rules(checks, lang)
    columns = ["机关", "核对", "说明", "出处"] if zh else ["Agency", "Check", "Finding", "Sources"]
    return {"columns": columns, "rows": rows}


def _compared_words(checks: list[str], compared: dict[str, int], lang: str) -> str:
    pairs = max((compared.get(c, 0) for c in checks if c != "peer_zero"), default=0)
    reports = compared.get("peer_zero", 0)
    zh = lang == "zh"
    said = []
    if any(c != "peer_zero" for c in checks):
        said.append(f"同一机关相邻两年的报告{pairs}对" if zh else
                    f"{pairs} pair{'s' * (pairs != 1)} of one agency's reports of consecutive years")
    if "peer_zero" in checks:
        said.append(f"{reports}份报告与同级机关的数字" if zh else
                    f"{reports} report{'s' * (reports != 1)} against {'their' if reports != 1 else 'its'} peers")
    return ("、" if zh else " and ").join(said)


def _rules(checks: list[str], lang: str) -> list[str]:
    """Each check's rule with its thresholds, as declared."""
    head = "核对规则" if lang == "zh" else "The rule"
    return [f"({head}:{ay.check(c).description(lang)})" if lang == "zh" else
            f"({head}: {ay.check(c).description(lang)})" for c in checks]
