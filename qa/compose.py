"""Facts → :class:`Answer`: words in the question's language, a table, a chart spec, sources.

Every number written comes from a stored cell or from arithmetic over cells that is written
out beside it (3 = 1 + 2; 36 − 5 = 31).  Absent cells are named as absent, never shown as 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from index.tables.metrics import Metric, catalogue
from index.tables.operators import operator
from qa import copied, passage_focus, passage_groups
from qa.audit import check_notes, quality_notes
from qa.chart_parts import parts_frame, with_parts
from qa.facts import TEXT_ROWS, Facts, Note
from qa.figures import (GROUP_NAMES, amount, arithmetic, fmt, join, json_number, report_table, table_name,
                        unit_word, year_text)
from qa.plan import Plan

# Agencies, passages and checks written out in the text; the table holds the rest.
TEXT_PASSAGE_CHARS = 300
MAX_ARITHMETIC_TERMS = 12
_KIND_NAMES = {"overview": ("总体情况", "overview"), "problems": ("存在的问题", "problems"),
               "measures": ("改进措施", "measures"), "active_disclosure": ("主动公开", "proactive disclosure"),
               "requests": ("依申请公开", "requests"), "review_litigation": ("复议诉讼", "reconsideration and litigation"),
               "other": ("其他事项", "other matters")}
KIND_NAMES = _KIND_NAMES  # read by qa.scope_text


@dataclass
class Answer:
    """What ``gongkai ask`` prints and the app shows."""

    question: str
    text: str
    plan: Plan
    lang: str = "zh"
    table: dict[str, Any] | None = None
    chart: dict[str, Any] | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    queries: list[dict[str, Any]] = field(default_factory=list)
    no_data: bool = False
    agencies: list[str] = field(default_factory=list)
    composed: str = ""  # the composed text, kept when a language model rephrased it
    rephrased: bool = False
    # What the answer was limited to, in words (qa.scope_text): also the last line of ``text``.
    scope: str = ""
    scope_parts: list[dict[str, Any]] = field(default_factory=list)
    # The checks behind the warnings (and a data-quality answer's rows): rule id and raw figures.
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sql(self) -> list[str]:
        """The SQL of every query the answer ran, in order."""
        return [q["sql"] for q in self.queries]

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan.to_dict()
        plan["queries"] = self.queries
        plan["no_data"] = self.no_data
        return {"question": self.question, "answer": self.text, "table": self.table, "chart": self.chart,
                "sources": self.sources, "cells": self.cells, "plan": plan, "warnings": self.warnings,
                "scope": self.scope, "audit": self.audit}



# ---------------------------------------------------------------------------
# Per intent
# ---------------------------------------------------------------------------


def _source(facts: Facts, report_id: str) -> str:
    return facts.sources.get(report_id, "")


def _figure_line(facts: Facts, row: pd.Series, metrics: list[Metric], lang: str) -> str | None:
    shown = []
    for metric in metrics:
        value = row.get(metric.key)
        if value is None or pd.isna(value):
            continue
        shown.append(f"{metric.name(lang)} {amount(value, metric, lang)}"
                     f"{arithmetic(facts, row['report_id'], metric, lang)}")
    if not shown:
        return None
    tables = join(list(dict.fromkeys(table_name(m, lang) for m in metrics)), lang)
    source = _source(facts, row["report_id"])
    if lang == "zh":
        return f"{row['agency']}{year_text(row['year'])}年:{';'.join(shown)}(表“{tables}”,文件 {source})。"
    return f"{row['agency']}, {year_text(row['year'])}: {'; '.join(shown)} (table “{tables}”, file {source})."



def lookup(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    frame = facts.frame
    if frame is None or not len(frame):
        return None
    for _, row in frame.iterrows():
        line = _figure_line(facts, row, facts.metrics, lang)
        if line:
            lines.append(line)
    _counterpart_lines(facts, lang, lines)
    figures = int(frame[[m.key for m in facts.metrics if m.key in frame]].notna().sum().sum())
    return report_table(frame, facts.metrics, lang) if figures > 1 else None


def _counterpart_lines(facts: Facts, lang: str, lines: list[str]) -> None:
    frame = facts.counterparts
    if frame is None or not len(frame):
        return
    names = catalogue()
    others = [names[c] for c in frame.columns if c in names]
    for _, row in frame.iterrows():
        shown = [f"{m.name(lang)} {amount(row[m.key], m, lang)}" for m in others if not pd.isna(row[m.key])]
        if shown:
            if lang == "zh":
                lines.append(f"(口径不同,仅供参考){row['agency']}{year_text(row['year'])}年:{';'.join(shown)}。")
            else:
                lines.append(f"(A different measure, for reference) {row['agency']}, {year_text(row['year'])}: "
                             f"{'; '.join(shown)}.")


def _scope(plan: Plan, lang: str) -> str:
    parts = []
    if plan.region:
        parts.append("".join(plan.region.values()))
    if plan.years:
        parts.append(("、".join(f"{y}年" for y in plan.years)) if lang == "zh" else ", ".join(map(str, plan.years)))
    elif plan.year_from is not None and plan.year_from == plan.year_to:
        parts.append(f"{plan.year_from}年" if lang == "zh" else str(plan.year_from))
    elif plan.year_from is not None or plan.year_to is not None:
        low = plan.year_from if plan.year_from is not None else "…"
        high = plan.year_to if plan.year_to is not None else "…"
        parts.append(f"{low}年至{high}年" if lang == "zh" else f"{low}–{high}")
    return ("" if lang == "zh" else " ").join(parts) if lang == "zh" else ", ".join(parts)


def _condition(plan: Plan, metric: Metric, lang: str) -> str:
    if plan.threshold:
        op, value = plan.threshold["op"], plan.threshold["value"]
        if op == "=" and value == 0:
            return f"{metric.zh}为0" if lang == "zh" else f"no {metric.en} (0)"
        high = plan.threshold.get("high")
        said = operator(op).describe(lang, fmt(value), fmt(high) if high is not None else None,
                                     unit_word(metric, "zh") if lang == "zh" else metric.unit)
        return f"{metric.zh}{said}" if lang == "zh" else f"{metric.en} {said}"
    return f"有{metric.zh}(大于0)" if lang == "zh" else f"any {metric.en} (more than 0)"


def listing(facts: Facts, lang: str, lines: list[str], count: bool = False) -> dict[str, Any] | None:
    plan, frame = facts.plan, facts.frame
    metric = facts.metrics[0]
    scope = _scope(plan, lang)
    condition = _condition(plan, metric, lang)
    agencies = list(dict.fromkeys(frame["agency"])) if frame is not None else []
    n_reports = 0 if frame is None else len(frame)
    if frame is None or not agencies:
        lines.append(f"{scope}没有符合条件({condition})的机关。" if lang == "zh" else
                     f"No agency{' in ' + scope if scope else ''} had {condition}.")
        return None
    items = []
    for _, row in frame.head(TEXT_ROWS).iterrows():
        value = amount(row[metric.key], metric, lang)
        arith = arithmetic(facts, row["report_id"], metric, lang)
        items.append(f"{row['agency']}({year_text(row['year'])}年,{value}{arith})" if lang == "zh" else
                     f"{row['agency']} ({year_text(row['year'])}: {value}{arith})")
    more = n_reports - min(n_reports, TEXT_ROWS)
    if len(agencies) == 1 and n_reports > 1 and plan.agencies and not count:
        # One named agency's years (平潭哪几年…不少于100件): the years are the answer.
        years = [f"{year_text(r['year'])}年({amount(r[metric.key], metric, lang)})" if lang == "zh" else
                 f"{year_text(r['year'])} ({amount(r[metric.key], metric, lang)})" for _, r in frame.iterrows()]
        lines.append(f"{agencies[0]}{condition}的年份共{n_reports}个:{'、'.join(years)}。" if lang == "zh" else
                     f"{agencies[0]} had {condition} in {n_reports} years: {'; '.join(years)}.")
        return report_table(frame, [metric] + [m for m in facts.metrics[1:]], lang)
    if lang == "zh":
        head = f"{scope}{condition}的机关共{len(agencies)}个({n_reports}份报告)"
        lines.append(head + (":" if not count else "。其中:") + "、".join(items)
                     + (f"……另有{more}份报告见表。" if more else "。"))
    else:
        head = f"{len(agencies)} agencies ({n_reports} reports){' in ' + scope if scope else ''} had {condition}"
        lines.append(head + ": " + "; ".join(items) + (f"; and {more} more reports in the table." if more else "."))
    return report_table(frame, [metric] + [m for m in facts.metrics[1:]], lang) if n_reports > 1 else None


def ranking(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    plan, frame = facts.plan, facts.frame
    metric = facts.metrics[0]
    scope = _scope(plan, lang)
    frame = frame[frame[metric.key].notna()] if frame is not None else frame
    if frame is None or not len(frame):
        lines.append(f"{scope}没有报告填写了{metric.zh}。" if lang == "zh" else
                     f"No report{' in ' + scope if scope else ''} gives {metric.en}.")
        return None
    word_zh = ("最低" if plan.order == "asc" else "最高") if metric.unit == "%" else \
        ("最少" if plan.order == "asc" else "最多")
    word_en = "the lowest" if plan.order == "asc" else "the highest"
    if plan.top_n:
        items = [f"{json_number(r['rank'])}. {r['agency']}({year_text(r['year'])}年){amount(r[metric.key], metric, lang)}"
                 if lang == "zh" else
                 f"{json_number(r['rank'])}. {r['agency']} ({year_text(r['year'])}): {amount(r[metric.key], metric, lang)}"
                 for _, r in frame.head(plan.top_n).iterrows()]
        lines.append((f"{scope}{metric.zh}{word_zh}的前{plan.top_n}名:" + ";".join(items) + "。") if lang == "zh" else
                     (f"Top {plan.top_n} by {metric.en}{' in ' + scope if scope else ''}: " + "; ".join(items) + "."))
        _tie_line(facts, frame.head(plan.top_n), metric, lang, lines)
    else:
        best = frame.iloc[0][metric.key]
        tied = frame[frame[metric.key] == best]
        names = [f"{r['agency']}({year_text(r['year'])}年)" if lang == "zh" else f"{r['agency']} ({year_text(r['year'])})"
                 for _, r in tied.iterrows()]
        value = amount(best, metric, lang)
        if lang == "zh":
            lines.append(f"{scope}{metric.zh}{word_zh}的是{'、'.join(names)},为{value}"
                         f"{arithmetic(facts, tied.iloc[0]['report_id'], metric, lang)}。")
        else:
            lines.append(f"{join(names, lang)} had {word_en} {metric.en}{' in ' + scope if scope else ''}: {value}"
                         f"{arithmetic(facts, tied.iloc[0]['report_id'], metric, lang)}.")
        _tie_line(facts, tied, metric, lang, lines)
    return report_table(frame, facts.metrics, lang, rank=True) if len(frame) > 1 else None


def _tie_line(facts: Facts, shown: pd.DataFrame, metric: Metric, lang: str, lines: list[str]) -> None:
    """Reports the ranking's cut left out that share the value of the last one shown: said, so
    that a subset of equals is never presented as the top."""
    ties = facts.ties
    if ties is None or not len(ties) or not len(shown) or metric.key not in ties:
        return
    last = shown.iloc[-1][metric.key]
    ties = ties[ties[metric.key] == last]
    if not len(ties):
        return
    names = [f"{r['agency']}({year_text(r['year'])}年)" if lang == "zh" else f"{r['agency']} ({year_text(r['year'])})"
             for _, r in ties.head(TEXT_ROWS).iterrows()]
    more = len(ties) - len(names)
    value = amount(last, metric, lang)
    rank = f"并列第{json_number(shown.iloc[-1]['rank'])}名," if "rank" in shown else ""
    rank_en = f", tied at rank {json_number(shown.iloc[-1]['rank'])}" if "rank" in shown else ""
    lines.append(f"另有{len(ties)}份报告同为{value}({rank}未列入上面的名单):{'、'.join(names)}"
                 + (f"等{len(ties)}份" if more else "") + "。" if lang == "zh" else
                 f"{len(ties)} more {'reports share' if len(ties) > 1 else 'report shares'} this value ({value}{rank_en}), "
                 f"not listed above: {'; '.join(names)}" + (f" and {more} more" if more else "") + ".")


def comparison(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    frame = facts.frame
    if frame is not None and "agency" not in frame:
        return _year_sums(facts, lang, lines)
    table = lookup(facts, lang, lines)
    if frame is None or len(frame) != 2:
        return table
    a, b = frame.iloc[0], frame.iloc[1]
    name_a = f"{a['agency']}({year_text(a['year'])}年)" if lang == "zh" else f"{a['agency']} ({year_text(a['year'])})"
    name_b = f"{b['agency']}({year_text(b['year'])}年)" if lang == "zh" else f"{b['agency']} ({year_text(b['year'])})"
    for metric in facts.metrics:
        if pd.isna(a.get(metric.key)) or pd.isna(b.get(metric.key)):
            continue
        va, vb = float(a[metric.key]), float(b[metric.key])
        diff = vb - va
        arith = f"{fmt(vb, metric.unit)} − {fmt(va, metric.unit)} = {fmt(diff, metric.unit)}"
        # A difference of shares is in percentage points, not per cent.
        gap = f"{abs(diff):.2f}" if metric.unit == "%" else fmt(abs(diff))
        if lang == "zh":
            unit = "个百分点" if metric.unit == "%" else unit_word(metric, "zh")
            word = "多" if diff > 0 else "少"
            lines.append(f"{metric.zh}:{name_b}比{name_a}{word}{gap}{unit}({arith})。"
                         if diff else f"{metric.zh}:两者相同({fmt(va, metric.unit)})。")
        else:
            unit = " percentage points" if metric.unit == "%" else ""
            word = "more" if diff > 0 else "less"
            lines.append(f"{metric.en}: {name_b} had {gap}{unit} {word} than {name_a} ({arith})."
                         if diff else f"{metric.en}: both {fmt(va, metric.unit)}.")
    if a["year"] != b["year"] and facts.plan.compare == "agency":
        facts.notes.append(Note(f"The two figures are from different years ({year_text(a['year'])} and "
                                f"{year_text(b['year'])}).",
                                f"两个数字来自不同年份({year_text(a['year'])}年和{year_text(b['year'])}年)。"))
    return table


def _year_sums(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    """Years compared over all reports in scope: each year's sum, then the difference."""
    frame, metric = facts.frame, facts.metrics[0]
    assert frame is not None  # comparison calls this only with a frame
    if not len(frame):
        return None
    table = _grouped(facts, lang, lines, "year")
    present = frame[frame[metric.key].notna()]
    if len(present) == 2:
        a, b = present.iloc[0], present.iloc[1]
        diff = float(b[metric.key]) - float(a[metric.key])
        arith = f"{fmt(b[metric.key])} − {fmt(a[metric.key])} = {fmt(diff)}"
        lines.append(f"{year_text(b['year'])}年比{year_text(a['year'])}年"
                     + (f"{'增加' if diff > 0 else '减少'}{fmt(abs(diff))}({arith})。" if diff else "持平。")
                     if lang == "zh" else
                     f"{year_text(b['year'])} vs {year_text(a['year'])}: "
                     + (f"{'up' if diff > 0 else 'down'} {fmt(abs(diff))} ({arith})." if diff else "unchanged."))
    return table


def trend(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    frame = facts.frame
    if frame is None or not len(frame):
        return None
    if "agency" not in frame:
        return _grouped(facts, lang, lines, "year")
    frame = frame.sort_values(["agency", "year"])
    for agency, group in frame.groupby("agency", sort=False):
        for metric in facts.metrics:
            series = group[group[metric.key].notna()]
            if not len(series):
                continue
            steps = " → ".join(f"{year_text(r['year'])}{'年' if lang == 'zh' else ':'} "
                               f"{amount(r[metric.key], metric, lang)}" for _, r in series.iterrows())
            line = f"{agency} {metric.name(lang)}: {steps}"
            if len(series) > 1:
                first, last = series.iloc[0], series.iloc[-1]
                diff = float(last[metric.key]) - float(first[metric.key])
                # A rate's difference is in percentage points, not per cent.
                points = metric.unit == "%"
                gap = f"{abs(diff):.2f}{'个百分点' if lang == 'zh' else ' percentage points'}" if points else \
                    fmt(abs(diff), metric.unit)
                arith = f"{fmt(last[metric.key], metric.unit)} − {fmt(first[metric.key], metric.unit)} = " \
                        f"{f'{diff:.2f}' if points else fmt(diff, metric.unit)}"
                if lang == "zh":
                    line += f";{year_text(last['year'])}年比{year_text(first['year'])}年" + (
                        f"{'增加' if diff > 0 else '减少'}{gap}({arith})" if diff else "持平")
                else:
                    line += f"; {year_text(last['year'])} vs {year_text(first['year'])}: " + (
                        f"{'up' if diff > 0 else 'down'} {gap} ({arith})" if diff else
                        "unchanged")
            line += _range_gaps(facts.plan, {int(y) for y in series["year"]}, lang)
            lines.append(line + ("。" if lang == "zh" else "."))
    return report_table(frame, facts.metrics, lang)


def _range_gaps(plan: Plan, present: set[int], lang: str) -> str:
    """The years of a bounded range asked (近三年 → 2023–2025) that have no figure, said plainly."""
    low, high = plan.year_from, plan.year_to
    if low is None or high is None or high - low > 10:
        return ""
    # A range read from words (近三年, last three years) says how it was counted.
    relative = next((r for r in plan.readings if r.piece == "year" and r.value == [low, high] and r.text
                     and not re.fullmatch(r"[\d\s年度至到\-–~]+", r.text)), None)
    said = "" if relative is None else (f";{relative.how_zh}" if lang == "zh" else f"; {relative.how}")
    gaps = [y for y in range(low, high + 1) if y not in present]
    if not gaps:
        return said
    if lang == "zh":
        return f"{said};所问{low}年至{high}年中,{'、'.join(f'{y}年' for y in gaps)}没有这项数据"
    return f"{said}; no figure for {', '.join(map(str, gaps))} in the years asked ({low}–{high})"


def _grouped(facts: Facts, lang: str, lines: list[str], key: str, average: bool = False) -> dict[str, Any]:
    frame = facts.frame
    assert frame is not None  # its callers return early without a frame
    metric = facts.metrics[0]
    columns = [GROUP_NAMES[key][lang == "en"]]
    rows = []
    for _, row in frame.iterrows():
        total = row[metric.key]
        n = int(row[metric.key + "__reports"])
        if key == "year":
            label = year_text(row[key])
        else:
            label = str(row[key]) if isinstance(row[key], str) and row[key] else ("(无)" if lang == "zh" else "(none)")
        if average and metric.kind == "share":
            # A rate's sum is already pooled (Σ numerators ÷ Σ denominators): dividing it by the
            # number of reports would be no rate at all.
            rows.append([label, json_number(total), n, json_number(total)])
            text = (f"{label}{'年' if key == 'year' and lang == 'zh' else ''}: {amount(total, metric, lang)}"
                    + (f"({n}份报告汇总:分子之和 ÷ 分母之和)" if lang == "zh" else
                       f" ({n} reports pooled: sum of numerators ÷ sum of denominators)"))
        elif average:
            value = None if pd.isna(total) or not n else float(total) / n
            rows.append([label, json_number(total), n, json_number(round(value, 2)) if value is not None else None])
            text = (f"{label}{'年' if key == 'year' and lang == 'zh' else ''}: "
                    f"{fmt(round(value, 2)) if value is not None else '—'} (= {fmt(total)} ÷ {n})")
        else:
            rows.append([label, json_number(total), n])
            text = f"{label}{'年' if key == 'year' and lang == 'zh' else ''}: {amount(total, metric, lang)}" + (
                f"({n}份报告)" if lang == "zh" else f" ({n} reports)")
        if len(rows) <= TEXT_ROWS:
            lines.append(text)
    columns += ([metric.name(lang) + ("合计" if lang == "zh" else " (sum)")]
                + (["报告数" if lang == "zh" else "Reports"]))
    if average:
        columns.append("平均" if lang == "zh" else "Average")
    return {"columns": columns, "rows": rows}


def totals(facts: Facts, lang: str, lines: list[str], average: bool) -> dict[str, Any] | None:
    plan, frame = facts.plan, facts.frame
    if frame is None or not len(frame):
        return None
    metric = facts.metrics[0]
    scope = _scope(plan, lang)
    group = next((k for k in GROUP_NAMES if k in frame.columns), None)
    if group is not None:
        share = metric.kind == "share"
        head = (f"{scope}{metric.zh}" + ("(汇总比率)" if share else "平均值(合计 ÷ 报告数)" if average else "合计")
                + ",按" + GROUP_NAMES[group][0] + ":") if lang == "zh" else \
            (f"{'Pooled' if share else 'Average' if average else 'Sum'} {'' if share else 'of '}{metric.en}"
             f"{' in ' + scope if scope else ''}, by {group}:")
        lines.append(head)
        table = _grouped(facts, lang, lines, group, average)
        _overall(facts, lang, lines, average)
        return table
    row = frame.iloc[0]
    total, n = row[metric.key], int(row[metric.key + "__reports"])
    if not n or pd.isna(total):
        lines.append(f"{scope}没有报告填写{metric.zh}。" if lang == "zh" else f"No report gives {metric.en}.")
        return None
    terms = _sum_terms(facts, metric) if n <= MAX_ARITHMETIC_TERMS else None
    arith = f" = {' + '.join(terms)}" if terms and len(terms) == n and n > 1 else ""
    if average and metric.kind == "share":
        lines.append(f"{scope}{n}份报告汇总的{metric.zh}为{amount(total, metric, lang)}(各报告分子之和 ÷ 分母之和;"
                     f"{metric.definition_zh})。" if lang == "zh" else
                     f"{metric.en}{' in ' + scope if scope else ''}, pooled over {n} reports: "
                     f"{amount(total, metric, lang)} (sum of numerators ÷ sum of denominators; {metric.definition_en}).")
    elif average:
        value = float(total) / n
        terms_zh = f";合计{fmt(total)}{arith}" if arith else ""
        terms_en = f"; sum {fmt(total)}{arith}" if arith else ""
        lines.append(f"{scope}{n}份报告的{metric.zh}平均为{fmt(round(value, 2))}{unit_word(metric, 'zh')}"
                     f"(= {fmt(total)} ÷ {n}{terms_zh})。" if lang == "zh" else
                     f"Average {metric.en}{' in ' + scope if scope else ''}: {fmt(round(value, 2))} "
                     f"(= {fmt(total)} ÷ {n} reports{terms_en}).")
    else:
        lines.append(f"{scope}{n}份报告的{metric.zh}合计{amount(total, metric, lang)}({fmt(total)}{arith})。"
                     if lang == "zh" else
                     f"Sum of {metric.en}{' in ' + scope if scope else ''} over {n} reports: "
                     f"{amount(total, metric, lang)} ({fmt(total)}{arith}).")
    return None


def _overall(facts: Facts, lang: str, lines: list[str], average: bool) -> None:
    """All groups together, with the arithmetic over the group sums."""
    frame, metric = facts.frame, facts.metrics[0]
    assert frame is not None  # totals returns early without a frame
    if metric.unit == "%" or len(frame) < 2:
        return
    present = frame[frame[metric.key].notna()]
    totals_ = [float(v) for v in present[metric.key]]
    n = int(present[metric.key + "__reports"].sum())
    if not n:
        return
    total = sum(totals_)
    terms = " + ".join(fmt(v) for v in totals_)
    if average:
        lines.append(f"全部{n}份报告平均为{fmt(round(total / n, 2))}{unit_word(metric, 'zh')}(= {fmt(total)} ÷ {n};"
                     f"{fmt(total)} = {terms})。" if lang == "zh" else
                     f"All {n} reports: average {fmt(round(total / n, 2))} (= {fmt(total)} ÷ {n}; "
                     f"{fmt(total)} = {terms}).")
    else:
        lines.append(f"全部{n}份报告合计{amount(total, metric, lang)}(= {terms})。" if lang == "zh" else
                     f"All {n} reports: {amount(total, metric, lang)} in total (= {terms}).")


def _sum_terms(facts: Facts, metric: Metric) -> list[str]:
    """The per-report values a small sum adds up, from the cells' provenance."""
    by_report: dict[str, list[Any]] = {}
    cells = {".".join(c) for c in metric.cells}
    for cell in facts.cells:
        if cell["field"] in cells and cell["value"] is not None:
            by_report.setdefault(cell["report_id"], []).append(cell["value"])
    if metric.kind == "share":
        return []
    return [fmt(sum(values)) for values in by_report.values()]


def narrative(facts: Facts, lang: str, lines: list[str]) -> None:
    """How many reports mention what was asked, then the passages by agency, near-identical
    copies folded into one (qa.passage_groups)."""
    quoted = passage_focus.quoted_phrases(facts.plan.question)
    passage_groups.write(facts.passages, facts.passage_copies, facts.mentions, lang, lines,
                         lambda text: passage_focus.excerpt(text, quoted, TEXT_PASSAGE_CHARS), _KIND_NAMES)


def mixed(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    """The agencies meeting the condition (ranked when asked), then their passages."""
    table = None
    if facts.queries and facts.metrics:
        table = ranking(facts, lang, lines) if facts.plan.top_n else listing(facts, lang, lines)
    if facts.passages:
        lines.append("它们的相关段落:" if lang == "zh" else "Their passages:")
    narrative(facts, lang, lines)
    return table


# ---------------------------------------------------------------------------
# Charts, sources, warnings
# ---------------------------------------------------------------------------


# A chart's x column, type and y columns, chosen by each intent (qa.intents) from the table's
# columns and its value columns.
ChartAxes = tuple[str, str, list[str]]
ChartPick = Callable[[Plan, list[str], list[str], str], "ChartAxes | None"]


def chart_by_agency(plan: Plan, columns: list[str], values: list[str], lang: str) -> ChartAxes | None:
    return GROUP_NAMES["agency"][lang == "en"], "bar", values


def chart_compare(plan: Plan, columns: list[str], values: list[str], lang: str) -> ChartAxes | None:
    if plan.compare == "year":
        return GROUP_NAMES["year"][lang == "en"], "bar", values
    return chart_by_agency(plan, columns, values, lang)


def chart_by_group(plan: Plan, columns: list[str], values: list[str], lang: str) -> ChartAxes | None:
    """A grouped sum over the table's first column (a line over years)."""
    kind = "line" if columns[0] == GROUP_NAMES["year"][lang == "en"] else "bar"
    return columns[0], kind, [columns[1]]


def chart_average(plan: Plan, columns: list[str], values: list[str], lang: str) -> ChartAxes | None:
    """A grouped average (the table's last column) over its first column."""
    kind = "line" if columns[0] == GROUP_NAMES["year"][lang == "en"] else "bar"
    return columns[0], kind, [columns[-1]]


def chart_trend(plan: Plan, columns: list[str], values: list[str], lang: str) -> ChartAxes | None:
    year = GROUP_NAMES["year"][lang == "en"]
    if columns[0] != year:
        return year, "line", values
    return chart_by_group(plan, columns, values, lang)


def chart_for(plan: Plan, table: dict[str, Any] | None, lang: str, pick: ChartPick | None) -> dict[str, Any] | None:
    """The chart of ``table`` with the axes ``pick`` chooses (None: no chart)."""
    if pick is None or table is None or len(table["rows"]) < 2:
        return None
    columns = table["columns"]
    agency, year = GROUP_NAMES["agency"][lang == "en"], GROUP_NAMES["year"][lang == "en"]
    counts = ("#", "报告数", "Reports")
    values = [c for c in columns[1:] if c not in (*counts, agency, year)]
    axes = pick(plan, columns, values, lang)
    if axes is None:
        return None
    x, kind, values = axes
    values = [v for v in values if v != x][:3]
    if x not in columns or not values:
        return None
    return {"type": kind, "x": x, "y": values[0] if len(values) == 1 else values, "title": plan.question}


def sources_of(facts: Facts) -> list[dict[str, Any]]:
    found = []
    for hit in facts.passages:
        # A passage, then the near-identical ones folded into it: a passage with copies has an
        # ``id``, each copy ``copy_of`` it (qa.passage_groups).
        copies = facts.passage_copies.get(hit.id, [])
        for copy in (hit, *copies):
            marks = {"copy_of": hit.id} if copy is not hit else {"id": hit.id} if copies else {}
            found.append({"report_id": copy.report_id, "source": copy.source, "agency": copy.agency,
                          "year": copy.year, "section": copy.section_no, "kind": copy.kind, "text": copy.text,
                          **marks})
    if facts.quality is not None and "source_report_id" in facts.quality:
        # A copied section: the copy and the report it repeats, both.
        found += copied.sources(facts.quality[facts.quality["problem"] == copied.PROBLEM])
    return found


def check_warnings(facts: Facts, lang: str) -> list[str]:
    """Failed checks of the reports the answer uses, in plain words (:func:`qa.audit.check_notes`)."""
    return [note.text for note in check_notes(facts, lang)]


# ---------------------------------------------------------------------------
# All together
# ---------------------------------------------------------------------------


def has_figures(facts: Facts) -> bool:
    """Does the main frame hold at least one of the asked figures?"""
    frame = facts.frame
    if frame is None or not len(frame):
        return False
    keys = [m.key for m in facts.metrics if m.key in frame]
    return bool(keys) and bool(frame[keys].notna().to_numpy().any())


def _nothing(plan: Plan, lang: str) -> str:
    """No report matched: say which filters found nothing."""
    parts = []
    if plan.agencies:
        parts.append(("机关:" if lang == "zh" else "agency: ") + join(plan.agencies, lang))
    if plan.region:
        parts.append(("地区:" if lang == "zh" else "region: ") + "".join(plan.region.values()))
    scope = _scope(plan, lang)
    if scope and not plan.region:
        parts.append(("年份:" if lang == "zh" else "years: ") + scope)
    listed = (";" if lang == "zh" else "; ").join(parts)
    return (f"语料库中没有符合条件的报告({listed})。" if lang == "zh" else
            f"No report in the corpus matches ({listed}).")


def unlinked_line(plan: Plan, lang: str) -> str:
    """How the question was read, and the words that were not understood (stated, never dropped)."""
    from qa.coverage import outcome_words
    from qa.dialogue import describe

    read_as = describe(plan, lang)  # written now: a later step (text figures) may have changed the plan
    changes = outcome_words(plan.unlinked)
    if lang == "zh":
        words = "、".join(f"“{w}”" for w in plan.unlinked)
        tail = "这可能改变数字:请换个说法或写明指标。" if changes else ""
        return f"{read_as};没有识别{words}。{tail}"
    words = ", ".join(f"“{w}”" for w in plan.unlinked)
    tail = " This may change the figure: rephrase it or name the figure." if changes else ""
    return f"{read_as}; {words} {'was' if len(plan.unlinked) == 1 else 'were'} not understood.{tail}"


# What one intent writes: lines appended, the table returned (qa.intents names one per intent).
Composer = Callable[[Facts, str, list[str]], "dict[str, Any] | None"]


def compose(facts: Facts, write: Composer, chart: ChartPick | None = None,
            has_rows: Callable[[Facts], bool] = has_figures, say_nothing: bool = True) -> Answer:
    """The answer: how the question was read, what is missing, what the intent's ``write``
    says, warnings.  ``has_rows`` tells whether the intent found data; ``say_nothing`` adds
    which filters matched no report when the figures' frame is empty.
    :func:`qa.intents.compose` passes the plan's intent's."""
    plan = facts.plan
    lang = plan.lang
    lines: list[str] = []
    if plan.unlinked:
        lines.append(unlinked_line(plan, lang))
    elif plan.follow_up and (plan.read_as or plan.read_as_zh):
        from qa.dialogue import describe

        lines.append(describe(plan, lang))
    lines += [n.text(lang) for n in facts.missing]
    table = write(facts, lang, lines)
    if facts.queries and facts.metrics and facts.frame is not None and not len(facts.frame) and not facts.missing \
            and say_nothing:
        lines.append(_nothing(plan, lang))
    audit = check_notes(facts, lang)
    warnings = list(dict.fromkeys([n.text(lang) for n in facts.notes] + [note.text for note in audit]))
    no_data = bool(facts.missing) and not has_rows(facts) and not facts.passages
    if not lines:
        lines.append("没有找到可以回答这个问题的数据。" if lang == "zh" else "The corpus holds nothing that answers this.")
        no_data = True
    queries = [{"purpose": q.purpose, "sql": q.result.sql, "params": q.result.params,
                "description": q.result.description_zh if lang == "zh" else q.result.description_en}
               for q in facts.queries]
    text = "\n".join(lines)
    return Answer(question=plan.question, text=text, plan=plan, lang=lang, table=table,
                  chart=with_parts(chart_for(plan, table, lang, chart), table, facts.cells, lang, parts_frame(facts)),
                  sources=sources_of(facts), cells=facts.cells,
                  warnings=warnings, queries=queries, no_data=no_data, agencies=list(facts.agencies), composed=text,
                  audit=[n.to_dict() for n in audit + quality_notes(facts.quality, lang)])
