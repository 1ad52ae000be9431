"""Data-quality questions: answer only the check asked about, with the figures compared.

* **balance** (勾稽关系 / 平衡 / "does the request table balance"): table 三's identity
  (本年新收 + 上年结转 = 办结 + 结转下年), each side's figures and sums, per report;
* **narrative** (正文和表格一致吗 / "does the text agree with the table on X"): the figure the
  text states (quoted) beside the table's cell, for X when the question names it; for a report
  on no national table (before 2019), its text against its own statistics table
  (``stated_figures``);
* **unit** (单位有问题吗 / 元还是万元): each money figure (a 万元 column) and how the report
  writes it;
* **copied** (雷同): sections repeating an earlier report's text, stock wording left out, most
  copied first (:mod:`qa.copied`);
* **years** (结转数前后对不上 / 异常跳变 / 同级…填0): the checks across years, answered by
  :mod:`qa.across` (an agency's consecutive reports, and a report against its peers);
* **any**: all of the above.

A question naming agencies (or "它") is answered per report, checks passed included ("all
pass", with the figures); one naming none lists the reports whose checks failed.  The words are
:data:`qa.lexicon.QUALITY_BALANCE`, ``QUALITY_NARRATIVE``, ``QUALITY_MISMATCH``,
``QUALITY_AGREE``, ``QUALITY_UNIT``, ``QUALITY_COPIED``, ``QUALITY_GENERAL`` and
``STATED_FIELD_WORDS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from index.tables import metrics as catalogue_module
from index.tables import quality as checks
from index.tables.query import QuerySpec, run
from parsing.check_words import TextFigures, check_sentence
from parsing.check_words import figures as check_figures
from parsing.check_words import number as check_number
from parsing.template import TEMPLATE_2021, TEMPLATE_UNKNOWN, TEMPLATES
from parsing.vocabulary import STATED_FIELD_METRICS
from qa import across, copied, corpus_facts, lexicon
from qa.facts import TEXT_ROWS, Note, Query
from qa.metric_terms import english_forms
from qa.quantities import find_cue
from qa.report_scope import region_clauses, report_clauses, where_sql

if TYPE_CHECKING:
    from qa.corpus import Corpus
    from qa.facts import Facts
    from qa.plan import Plan

INTENT = "quality"
KINDS = ("balance", "narrative", "unit", "copied", *across.KINDS, "any")
BALANCE_RULE = "applications.balance."
REVIEW_RULE = "review_litigation.total."
TOTAL_COLUMN = "total"
# Arithmetic families besides the balance whose failures a balance answer also names.
ARITHMETIC = ("applications.row_total.", "applications.processed_total.", "review_litigation.total.")
# The narrative check of received requests compares with a row, not one metric.
_RULE_METRICS = {"applications.requests": "applications.new_received.total"}
_RULE_NAMES = {"applications.requests": ("收到的政府信息公开申请", "requests received")}
_COLUMNS = ["report_id", "agency", "year", "source", "problem", "rule", "ok", "detail"]
_PROBLEM_NAMES = {"balance": ("统计表勾稽关系", "the tables' arithmetic"),
                  "narrative": ("正文与统计表是否一致", "the text against the tables"),
                  "unit": ("金额单位", "the money units"),
                  "copied": ("与其他报告雷同", "text copied from another report"),
                  "any": ("数据质量", "data quality")}
_FAILED_NAMES = {"balance": ("统计表勾稽关系不平衡", "tables that do not add up"),
                 "narrative": ("正文与统计表不一致", "narrative contradicting the tables"),
                 "unit": ("金额单位填写有误(元填在万元栏)", "money written in yuan in a column of 10,000 yuan"),
                 "copied": ("与其他报告雷同", "text copied from another report"),
                 "any": ("存在数据质量问题", "data-quality problems")}


# ---------------------------------------------------------------------------
# Reading the question
# ---------------------------------------------------------------------------


def kind(text: str, figure_named: bool = False, whole: str | None = None) -> tuple[str | None, str | None]:
    """Which check a question asks about, and the words that say so (``None`` when none).

    ``figure_named``: the question names a figure (a metric or a stated field), so a word of
    disagreement or agreement ("对不上", "一致吗", "agree") asks about that figure's text
    against its table.  ``whole``: the question before its figure's words were blanked from
    ``text``, read for the checks across years (结转数 is a figure's word and a check's)."""
    years, cue = across.kind(whole or text)
    if years:  # across years (结转数前后对不上, 异常跳变): before the narrative's 前后对不上
        return years, cue
    for check, words in (("copied", lexicon.QUALITY_COPIED), ("unit", lexicon.QUALITY_UNIT),
                         ("narrative", lexicon.QUALITY_NARRATIVE), ("balance", lexicon.QUALITY_BALANCE)):
        cue = _cue(text, words)
        if cue:
            return check, cue
    mismatch = _cue(text, lexicon.QUALITY_MISMATCH)
    agree = _cue(text, lexicon.QUALITY_AGREE)
    named = _cue(text, lexicon.QUALITY_NARRATIVE_OBJECT)
    table = _cue(text, lexicon.QUALITY_TABLE_OBJECT)
    figure_named = figure_named or any(_cue(text, words) for words in lexicon.STATED_FIELD_WORDS.values())
    if named and table:  # "正文说…，表格里…": the text set against the table
        return "narrative", f"{named}…{table}"
    # A word of disagreement with a figure named (主动公开条数有没有矛盾) asks about its text and table;
    # a word of agreement (consistent, 一致吗) only with the text or the table named ("consistent over
    # the years" is no check).
    if (mismatch and (named or figure_named)) or (agree and (named or table)):
        return "narrative", f"{named or ''}…{mismatch or agree}".strip("…")
    if mismatch:
        return "any", mismatch
    general = _cue(text, lexicon.QUALITY_GENERAL)
    if general:
        return "any", general
    return None, None


def _cue(text: str, words: tuple[str, ...]) -> str | None:
    """``find_cue`` with English phrases also in the word forms the question text was put in
    ("right unit" → "rights unit")."""
    forms = tuple(english_forms(w) for w in words if w.isascii())
    return find_cue(text, tuple(dict.fromkeys(words + forms)))


def stated_fields(plan: Plan) -> list[str]:
    """The stated fields (pre-2019 figures) the question names, by word or through its metric."""
    fields = [field for field, key in STATED_FIELD_METRICS.items() if key in plan.metrics]
    text = plan.question.lower()
    for field, words in lexicon.STATED_FIELD_WORDS.items():
        if field not in fields and find_cue(text, words):
            fields.append(field)
    return fields


def _rule_key(rule: str) -> str:
    return rule[len("narrative."):] if rule.startswith("narrative.") else rule


def _rule_words(rule: str) -> tuple[str, ...]:
    """The words that name a narrative check's figure: its row's and column's names."""
    key = _RULE_METRICS.get(_rule_key(rule), _rule_key(rule))
    parts = key.split(".")
    if len(parts) != 3:
        return ()
    table_key, row_key, column_key = parts
    words: list[str] = []
    for template in TEMPLATES.values():
        table = template.tables.get(table_key)
        if table is None:
            continue
        for row in table.rows:
            if row.key == row_key and column_key == TOTAL_COLUMN:
                words += [*row.match, *row.synonyms, row.en.lower()]
        for column in table.columns:
            if column.key == column_key and column_key != TOTAL_COLUMN:
                # Its names, and the long words of its English name ("repealed" of "repealed this year").
                words += [*column.synonyms, column.label, *(w for w in column.en.lower().split() if len(w) > 4)]
    metric = catalogue_module.catalogue().get(key)
    if metric is not None:
        words += [metric.zh, metric.en.lower(), *metric.synonyms]
    return tuple(w for w in dict.fromkeys(words) if w)


def _about(rule: str, plan: Plan) -> bool:
    """Does the question name the figure of the narrative check ``rule``?"""
    key = _RULE_METRICS.get(_rule_key(rule), _rule_key(rule))
    if key in plan.metrics:
        return True
    return bool(find_cue(plan.question.lower(), _rule_words(rule)))


# ---------------------------------------------------------------------------
# Gathering
# ---------------------------------------------------------------------------


def _reports(plan: Plan, corpus: Corpus) -> pd.DataFrame:
    """The reports a per-report question is about (its agencies, years and region)."""
    clauses, values = report_clauses(plan)
    return corpus.connection().execute(
        f"SELECT report_id, agency, year, template, source FROM reports{where_sql(clauses)} ORDER BY year, agency",
        values).df()


def gather(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """The checks a quality question asks about: per report when it names agencies, else the
    reports whose checks failed."""
    if plan.quality in across.KINDS:
        across.gather(plan, corpus, facts)
        return
    if _per_report_asked(plan):
        _per_report(plan, corpus, facts)
    else:  # "哪些报告…" / "which of Pingtan's reports…": the failures, within the agencies named
        _failures(plan, corpus, facts)
    frame = facts.quality if facts.quality is not None else pd.DataFrame(columns=_COLUMNS)
    facts.agencies = list(dict.fromkeys(frame["agency"])) if len(frame) else list(plan.agencies)


def _per_report_asked(plan: Plan) -> bool:
    """Named agencies (or a place: 越城区's figures), not "which reports…": answered per report."""
    return bool(plan.agencies or plan.region) and not _cue(plan.question.lower(), lexicon.LIST)


def _asked(plan: Plan) -> str:
    asked = plan.quality or "any"
    subject = [m for m in plan.metrics] or stated_fields(plan)
    if asked == "any" and subject and _per_report_asked(plan):
        return "narrative"  # "对不上" with a figure named: that figure's text against its table
    return asked


def _per_report(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    reports = _reports(plan, corpus)
    asked = _asked(plan)
    plan.quality = asked
    if not len(reports):
        facts.missing.append(Note("No report in the corpus matches the agencies and years asked about.",
                                  "语料库中没有符合所问机关和年份的报告。"))
        facts.quality = pd.DataFrame(columns=_COLUMNS)
        return
    con = corpus.connection()
    ids = reports["report_id"].tolist()
    info = reports.set_index("report_id")
    rows: list[dict[str, Any]] = []
    national = [i for i in ids if info.loc[i, "template"] != TEMPLATE_UNKNOWN]
    older = [i for i in ids if info.loc[i, "template"] == TEMPLATE_UNKNOWN]
    if asked in ("balance", "any") and national:
        rows += _balance_rows(plan, con, national)
    if asked in ("narrative", "any"):
        if national:
            rows += _narrative_rows(plan, con, national, strict=asked == "narrative")
        if older:
            rows += _stated_rows(plan, con, older, strict=asked == "narrative")
    if asked in ("unit", "any"):
        units = _unit_rows(con, ids)
        named = [r for r in units if f"{r['table']}.{r['row']}.{r['column']}" in plan.metrics]
        rows += named or units  # the money figure named (采购金额), else every one
    if asked in ("copied", "any"):
        copies = copied_passages(plan, corpus)
        if copies is not None and len(copies):
            copies = copies.assign(ok=False, source=copies["source_file"])
            rows += [{str(k): v for k, v in r.items()} for r in copies.to_dict("records")]
    if asked == "any":
        # Every check of the report: the failed ones and table 三's identity written out, the rest counted.
        for row in rows:
            row["shown"] = not row["ok"] or row["rule"] == BALANCE_RULE + TOTAL_COLUMN
    frame = pd.DataFrame(rows)
    if not len(frame):
        frame = pd.DataFrame(columns=_COLUMNS)
    for column in ("agency", "year", "source"):
        frame[column] = frame["report_id"].map(info[column]) if len(frame) else []
    facts.quality = frame
    facts.sources.update({i: str(info.loc[i, "source"]) for i in ids})
    _not_checked(plan, asked, reports, frame, facts)


def _not_checked(plan: Plan, asked: str, reports: pd.DataFrame, frame: pd.DataFrame, facts: Facts) -> None:
    """Say which reports the asked check could not be made for, and why."""
    have = set(frame["report_id"]) if len(frame) else set()
    for _, report in reports.iterrows():
        if report["report_id"] in have:
            continue
        agency, year = report["agency"], int(report["year"])
        older = report["template"] == TEMPLATE_UNKNOWN
        if asked == "balance" and older:
            en = (f"{agency}'s {year} report predates the national tables: it has no table 三 whose arithmetic "
                  "could be checked.")
            zh = f"{agency}{year}年的报告早于全国统一表格,没有可核对勾稽关系的表三。"
        elif asked == "narrative":
            en = (f"{agency}'s {year} report: its text states no figure of the table"
                  + (" about what was asked" if plan.metrics or stated_fields(plan) else "")
                  + ", so there is nothing to compare.")
            zh = (f"{agency}{year}年的报告正文没有写出" + ("所问" if plan.metrics or stated_fields(plan) else "统计表中")
                  + "的数字,无从比对。")
        elif asked == "unit":
            en = f"{agency}'s {year} report has no money figure (a column in 10,000 yuan) to check."
            zh = f"{agency}{year}年的报告没有金额(万元)栏,无需核对单位。"
        elif asked == "copied":
            en = f"{agency}'s {year} report: no section repeats an earlier report's text (stock wording aside)."
            zh = f"{agency}{year}年的报告没有哪一部分与更早的报告雷同(多数报告共用的套话不计)。"
        else:
            continue
        facts.missing.append(Note(en, zh))


def _balance_rows(plan: Plan, con: Any, ids: list[str]) -> list[dict[str, Any]]:
    tables = {catalogue_module.get(k).table for k in plan.metrics if k in catalogue_module.catalogue()}
    prefixes = [BALANCE_RULE, *ARITHMETIC]
    if tables == {"review_litigation"}:
        prefixes = [REVIEW_RULE]
    found = checks.report_checks(con, ids, prefixes)
    rows = []
    for _, check in found.iterrows():
        rule = str(check["rule"])
        # The balance (total column) always; other columns' balances and other sums when they fail.
        shown = rule == BALANCE_RULE + TOTAL_COLUMN or not bool(check["ok"]) or prefixes[0] != BALANCE_RULE
        rows.append({"report_id": check["report_id"], "problem": "balance", "rule": rule, "ok": bool(check["ok"]),
                     "detail": check["detail"], "shown": shown})
    return rows


def _narrative_rows(plan: Plan, con: Any, ids: list[str], strict: bool) -> list[dict[str, Any]]:
    found = checks.report_checks(con, ids, ["narrative."])
    rows = []
    about = {rule: _about(rule, plan) for rule in found["rule"]}
    subject = bool(plan.metrics or stated_fields(plan) or any(about.values()))
    for _, check in found.iterrows():
        rule = str(check["rule"])
        if subject and strict and not about[rule]:
            continue
        rows.append({"report_id": check["report_id"], "problem": "narrative", "rule": rule, "ok": bool(check["ok"]),
                     "detail": check["detail"], **_narrative_figures(str(check["detail"]))})
    return rows


def _narrative_figures(detail: str) -> dict[str, Any]:
    """The quote, the text's figure and the table's (written "13 or 15") a narrative check compared."""
    found = check_figures("narrative.", detail)
    if not isinstance(found, TextFigures):
        return {}
    return {"quote": found.quote, "text_value": found.stated,
            "table_value": " or ".join(check_number(v) for v in found.table)}


def _stated_rows(plan: Plan, con: Any, ids: list[str], strict: bool) -> list[dict[str, Any]]:
    fields = stated_fields(plan)
    found = checks.stated_comparisons(con, ids, fields if strict and fields else ())
    rows = []
    for _, said in found.iterrows():
        rows.append({"report_id": said["report_id"], "problem": "narrative", "rule": f"stated.{said['field']}",
                     "ok": bool(said["ok"]), "quote": said["text_label"], "text_value": said["text_value"],
                     "table_label": said["table_label"], "table_value": said["table_value"], "unit": said["unit"],
                     "detail": f"text {said['text_value']:g}, own table {said['table_value']:g}",
                     "stated": True})
    return rows


def _unit_rows(con: Any, ids: list[str]) -> list[dict[str, Any]]:
    found = checks.unit_findings(con, ids)
    rows = []
    for _, cell in found.iterrows():
        rows.append({"report_id": cell["report_id"], "problem": "unit", "rule": f"unit.{cell['table']}.{cell['row']}."
                     f"{cell['column']}", "ok": bool(cell["ok"]), "value": cell["value"], "written": cell["written"],
                     "unit_written": cell["unit_written"], "table": cell["table"], "row": cell["row"],
                     "column": cell["column"], "detail": f"written {cell['written'] or '?'}"})
    return rows


def _failures(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """Every failed check of the reports in scope (no agency named): the reports with problems."""
    asked = plan.quality or "any"
    frames = []
    if asked in ("balance", "narrative", "any"):
        family = "narrative" if asked == "narrative" else "any"
        spec = QuerySpec(years=list(plan.years), year_from=plan.year_from, year_to=plan.year_to,
                         agencies=list(plan.agencies), region=dict(plan.region), level=plan.level,
                         failed_checks=family)
        result = run(corpus.connection(), spec, corpus.vocabulary().index)
        facts.queries.append(Query(f"failed checks ({asked})", spec, result))
        frame = result.frame
        # No failed check leaves an empty (float-typed) rule column: keep only real rules.
        frame = frame.loc[frame["rule"].map(lambda r: isinstance(r, str)).astype(bool)]
        if asked == "balance":
            frame = frame.loc[~frame["rule"].map(lambda r: r.startswith("narrative.")).astype(bool)]
        frame = frame.assign(problem=frame["rule"].map(lambda r: "narrative" if r.startswith("narrative.")
                                                       else "balance"), ok=False)
        frames.append(frame)
    reports = _reports(plan, corpus) if asked in ("narrative", "unit", "any") else pd.DataFrame()
    if len(reports):
        info = reports.set_index("report_id")
        con = corpus.connection()
        extra: list[dict[str, Any]] = []
        if asked in ("narrative", "any"):
            older = [i for i in info.index if info.loc[i, "template"] == TEMPLATE_UNKNOWN]
            extra += [r for r in _stated_rows(plan, con, older, strict=False) if not r["ok"]] if older else []
        if asked in ("unit", "any"):
            extra += [r for r in _unit_rows(con, list(info.index)) if not r["ok"]]
        if extra:
            more = pd.DataFrame(extra)
            for column in ("agency", "year", "source"):
                more[column] = more["report_id"].map(info[column])
            frames.append(more)
    if asked in ("copied", "any"):
        copies = copied_passages(plan, corpus)
        if copies is not None:
            frames.append(copies)
        elif asked == "copied":
            facts.missing.append(Note("The corpus has no passage index, so copied text cannot be found.",
                                      "语料库还没有段落索引,无法查找雷同内容。"))
    frames = [f for f in frames if len(f)]
    # Copied sections keep their ranking (most copied first); other failures go by year and agency.
    facts.quality = (pd.concat(frames, ignore_index=True) if asked == "copied" else
                     pd.concat(frames, ignore_index=True).sort_values(["year", "agency"], kind="stable")) \
        if frames else pd.DataFrame(columns=_COLUMNS)
    if asked != "copied":
        # How many reports were checked: "none found" is said with it.
        scope = _reports(plan, corpus)
        national = scope[scope["template"] != TEMPLATE_UNKNOWN]
        facts.quality.attrs["checked"] = len((national if asked == "balance" else scope).drop_duplicates(
            ["agency", "year"]))


def copied_passages(plan: Plan, corpus: Corpus) -> pd.DataFrame | None:
    """Sections repeating an earlier report's text, boilerplate left out, most copied first: one row
    per copied report and section, with the report it repeats (:mod:`qa.copied`)."""
    found = corpus.copies()
    if found is None:
        return None
    ids = _region_reports(corpus, plan.region, plan.level) if plan.region or plan.level else None
    return copied.rows(copied.in_scope(found, plan, ids))


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _region_reports(corpus: Corpus, region: dict[str, str], level: str | None = None) -> set[str]:
    clauses, values = region_clauses(region)
    if level:
        clauses.append("level = ?")
        values.append(level)
    sql = "SELECT report_id FROM reports" + where_sql(clauses)
    return {r[0] for r in corpus.connection().execute(sql, values).fetchall()}


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:.6f}".rstrip("0").rstrip(".")


def _terms(side: str) -> list[float]:
    return [float(t) for t in side.split("+") if t.strip()]


def _column_name(column: str, lang: str) -> str:
    for template in TEMPLATES.values():
        table = template.tables.get("applications")
        if table is None:
            continue
        for col in table.columns:
            if col.key == column:
                return col.label if lang == "zh" else col.en
    return column


def _balance_line(row: pd.Series, lang: str) -> str:
    rule, detail, ok = str(row["rule"]), str(row["detail"]), bool(row["ok"])
    zh = lang == "zh"
    if rule.startswith(BALANCE_RULE) and "=" in detail:
        left, right = (s.strip() for s in detail.split("=", 1))
        a, b = _terms(left), _terms(right)
        column = rule[len(BALANCE_RULE):]
        if len(a) == 2 and len(b) == 2:
            lhs, rhs = sum(a), sum(b)
            where = ("总计列" if column == TOTAL_COLUMN else f"“{_column_name(column, lang)}”列") if zh else \
                ("the total column" if column == TOTAL_COLUMN else f"the “{_column_name(column, lang)}” column")
            # Each figure stated in words (not only as a term of a sum), then the two sums.
            if zh:
                verdict = "两边相等,勾稽关系成立" if ok else f"两边相差{_fmt(abs(lhs - rhs))},勾稽关系不成立"
                return (f"表三勾稽关系({where}):本年新收{_fmt(a[0])}件、上年结转{_fmt(a[1])}件,两项之和为{_fmt(lhs)}件;"
                        f"办理结果总计{_fmt(b[0])}件、结转下年度继续办理{_fmt(b[1])}件,两项之和为{_fmt(rhs)}件。{verdict}。")
            verdict = "the two sides are equal: it balances" if ok else \
                f"the two sides differ by {_fmt(abs(lhs - rhs))}: it does not balance"
            return (f"Table 3 identity ({where}): received {_fmt(a[0])} and carried over {_fmt(a[1])}, together "
                    f"{_fmt(lhs)}; processed {_fmt(b[0])} and carried forward {_fmt(b[1])}, together {_fmt(rhs)}; "
                    f"{verdict}.")
    if rule.startswith(REVIEW_RULE) and "=" in detail:
        return _group_total_line(rule[len(REVIEW_RULE):], detail, ok, lang)
    # A row's total, the processed total: the check's own plain sentence (its rule id is for the audit view).
    return check_sentence(rule, detail, ok, lang)


def _group_total_line(group: str, detail: str, ok: bool, lang: str) -> str:
    """Table 四: a group's outcomes beside its 总计, each figure in words."""
    zh = lang == "zh"
    terms, total = (s.strip() for s in detail.split("=", 1))
    values = _terms(terms)
    table = TEMPLATES[TEMPLATE_2021].tables["review_litigation"]
    try:
        row = table.row(group)
    except KeyError:
        return f"{group}:{detail}" if zh else f"{group}: {detail}"
    columns = [table.column(c) for c in row.columns if c != TOTAL_COLUMN]
    if len(columns) != len(values):
        return f"{row.label}:{detail}" if zh else f"{row.en}: {detail}"
    parts = [f"{c.label}{_fmt(v)}件" if zh else f"{c.en} {_fmt(v)}" for c, v in zip(columns, values)]
    added = _fmt(sum(values))
    if zh:
        return (f"表四“{row.label}”:{'、'.join(parts)},相加为{added}件;总计栏为{total}件。"
                + ("一致,成立。" if ok else "不一致,不成立。"))
    return (f"Table 4, {row.en}: {', '.join(parts)}, together {added}; the total column says {total}: "
            + ("they agree." if ok else "they disagree."))


def _figure_name(row: pd.Series, lang: str) -> str:
    key = _rule_key(str(row["rule"]))
    if key in _RULE_NAMES:
        return _RULE_NAMES[key][0 if lang == "zh" else 1]
    metric = catalogue_module.catalogue().get(key)
    if metric is not None:
        return metric.name(lang)
    return key


def _narrative_line(row: pd.Series, lang: str) -> str:
    zh = lang == "zh"
    ok = bool(row["ok"])
    quote = row.get("quote")
    if not isinstance(quote, str):
        parsed = _narrative_figures(str(row["detail"]))
        if not parsed:
            return _balance_line(row, lang)
        row = pd.concat([row, pd.Series(parsed)])
        row = row[~row.index.duplicated(keep="last")]
        quote = parsed["quote"]
    text_value = _fmt(row["text_value"])
    if row.get("stated") is True:
        unit = row.get("unit") or ""
        table = _fmt(row["table_value"])
        label = row.get("table_label") or ""
        if zh:
            return (f"正文写“{quote}”({text_value}{unit}),报告自己的统计表“{label}”本年度为{table}{unit}:"
                    + ("一致。" if ok else f"不一致(相差{_fmt(abs(float(row['text_value']) - float(row['table_value'])))})。"))
        return (f"the text says “{quote}” ({text_value}), the report's own statistics table “{label}” gives {table} "
                f"for the year: " + ("they agree." if ok else "they disagree."))
    name = _figure_name(row, lang)
    table = str(row["table_value"]).replace(" or ", "或" if zh else " or ")
    values = str(row["table_value"]).split(" or ")
    if _rule_key(str(row["rule"])) == "applications.requests" and len(values) == 2:
        # The text's "收到申请N件" may count this year's requests or with last year's carried over.
        table = (f"本年新收{values[0]}件、加上年结转共{values[1]}件" if zh else
                 f"{values[0]} received this year, {values[1]} with those carried over")
    if zh:
        return (f"{name}:正文写“{quote}”({text_value}),统计表为{table}:" + ("一致。" if ok else "不一致。"))
    return f"{name}: the text says “{quote}” ({text_value}), the table gives {table}: " + (
        "they agree." if ok else "they disagree.")


def _cell_name(row: pd.Series, lang: str) -> str:
    for template in TEMPLATES.values():
        table = template.tables.get(str(row["table"]))
        if table is None:
            continue
        for spec_row in table.rows:
            if spec_row.key == row["row"]:
                column = table.column(str(row["column"]))
                if lang == "zh":
                    return f"{spec_row.name or spec_row.label}·{spec_row.column_label(column)}"
                return f"{spec_row.en}, {column.en}"
    return f"{row['table']}.{row['row']}.{row['column']}"


def _unit_line(row: pd.Series, lang: str) -> str:
    zh = lang == "zh"
    name = _cell_name(row, lang)
    value = _fmt(row["value"])
    written = row.get("written")
    if not bool(row["ok"]):
        if zh:
            return (f"“{name}”按模板应以万元填写,报告写的是“{written}”(以元为单位);"
                    f"换算为{value}万元:单位填写有误。")
        return (f"“{name}” is a column in 10,000 yuan, but the report writes “{written}” (in yuan); "
                f"that is {value} × 10,000 yuan: the unit is wrong.")
    shown = f"“{written}”" if isinstance(written, str) and written else value
    return (f"“{name}”为{value}万元(报告写作{shown}),单位无误。" if zh else
            f"“{name}” is {value} × 10,000 yuan (written {shown}): the unit is right.")


def _copied_line(row: pd.Series, lang: str) -> str:
    return copied.line(row, lang)



def line(row: pd.Series, lang: str) -> str:
    problem = row["problem"]
    if problem == "copied":
        return _copied_line(row, lang)
    if problem == "unit":
        return _unit_line(row, lang)
    if problem == "narrative":
        return _narrative_line(row, lang)
    return _balance_line(row, lang)


def _problem_name(problem: Any, names: dict[str, tuple[str, str]], lang: str) -> str:
    """A problem kind ("narrative") in words ("正文与统计表不一致"), for the answer's table."""
    words = names.get(str(problem))
    return str(problem) if words is None else words[0 if lang == "zh" else 1]


def _report_name(row: pd.Series, lang: str) -> str:
    year = int(row["year"])
    return f"{row['agency']}{year}年报告" if lang == "zh" else f"{row['agency']}'s {year} report"


def compose(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    """The answer's lines (appended to ``lines``) and its table."""
    plan = facts.plan
    frame = facts.quality
    asked = plan.quality or "any"
    zh = lang == "zh"
    if frame is None:
        return None
    if asked in across.KINDS:
        return across.compose(facts, lang, lines)
    if _per_report_asked(plan):
        return _compose_reports(facts, frame, asked, lang, lines)
    scope = "" if not (plan.region or plan.has_years() or plan.agencies) else corpus_facts.scope(plan, lang)
    words = _FAILED_NAMES[asked]
    if not len(frame):
        checked = frame.attrs.get("checked")
        if checked:
            lines.append(f"{scope}已核对{checked}份报告,没有发现{words[0]}的报告。" if zh else
                         f"{checked} report{'s' * (checked != 1)}{' in ' + scope if scope else ''} checked: "
                         f"none has {words[1]}.")
        else:
            lines.append(f"{scope}没有发现{words[0]}的报告。" if zh else
                         f"No report{' in ' + scope if scope else ''} has {words[1]}.")
        return None
    reports = frame.drop_duplicates("report_id")
    names = list(dict.fromkeys(f"{r['agency']}({int(r['year'])}年)" if zh else f"{r['agency']} ({int(r['year'])})"
                               for _, r in reports.iterrows()))
    lines.append(f"{scope}共{len(reports)}份报告{words[0]}:{'、'.join(names[:TEXT_ROWS])}"
                 + ("……" if len(names) > TEXT_ROWS else "") + "。" if zh else
                 f"{len(reports)} report{'s' * (len(reports) != 1)}{' in ' + scope if scope else ''} "
                 f"ha{'ve' if len(reports) != 1 else 's'} {words[1]}: "
                 + "; ".join(names[:TEXT_ROWS]) + ("…" if len(names) > TEXT_ROWS else "") + ".")
    rows = []
    for _, r in frame.iterrows():
        detail = line(r, lang)
        rows.append([r["agency"], int(r["year"]), _problem_name(r["problem"], _FAILED_NAMES, lang), detail])
        if len(rows) <= TEXT_ROWS:
            lines.append(f"- {r['agency']} {int(r['year'])}{'年' if zh else ''}: {detail}")
    if asked == "copied":
        lines.append(copied.note(lang))
    columns = ["机关", "年份", "问题", "说明"] if zh else ["Agency", "Year", "Problem", "Detail"]
    return {"columns": columns, "rows": rows}


def _compose_reports(facts: Facts, frame: pd.DataFrame, asked: str, lang: str,
                     lines: list[str]) -> dict[str, Any] | None:
    zh = lang == "zh"
    if not len(frame):
        return None
    rows = []
    for report_id, group in frame.groupby("report_id", sort=False):
        first = group.iloc[0]
        source = first.get("source") or facts.sources.get(str(report_id), "")
        shown = group[group["shown"].fillna(True).astype(bool)] if "shown" in group else group
        failed = group[~group["ok"].astype(bool)]
        hidden = len(group) - len(shown)
        verdict_zh = "全部核对通过" if not len(failed) else f"{len(failed)}项核对未通过"
        verdict_en = "every check passes" if not len(failed) else f"{len(failed)} check{'s' * (len(failed) != 1)} fail"
        if asked == "copied":
            verdict_zh, verdict_en = copied.verdict(len(failed), "zh"), copied.verdict(len(failed), "en")
        checked = _PROBLEM_NAMES[asked]
        lines.append(f"{_report_name(first, lang)}(文件 {source}),{checked[0]}:{verdict_zh}。" if zh else
                     f"{_report_name(first, lang)} (file {source}), {checked[1]}: {verdict_en}.")
        for _, r in shown.iterrows():
            text = line(r, lang)
            rows.append([r["agency"], int(r["year"]), _problem_name(r["problem"], _PROBLEM_NAMES, lang),
                         "✓" if bool(r["ok"]) else "✗", text])
            if len(rows) <= TEXT_ROWS:
                lines.append(f"- {text}")
        if hidden and asked == "any":  # only passed checks are left out
            lines.append(f"- 其余{hidden}项核对(勾稽关系、正文与表格、金额单位)均通过。" if zh else
                         f"- The other {hidden} checks (arithmetic, text against table, money units) all pass.")
        elif hidden:
            lines.append(f"- 其余{hidden}项相关核对(其他各列的勾稽关系、行合计、办理结果合计等)均成立。" if zh else
                         f"- The other {hidden} related checks (the other columns' identities, row totals, "
                         "processed totals) all hold.")
    if asked == "copied":
        lines.append(copied.note(lang))
    columns = ["机关", "年份", "核对", "结果", "说明"] if zh else ["Agency", "Year", "Check", "Result", "Detail"]
    return {"columns": columns, "rows": rows}
