"""Figures over time: a change between two years, agencies ranked by it, and a named
agency's years added up or averaged.

* **Change** (intent ``change``): 比去年 / 比上一年 / 较上年 / 同比 / 增长了多少 / grew / fell /
  year-over-year, with an agency and a year: both years' values, the difference and the
  per cent change, both cells as sources.  A base of 0 has no per cent change (said so, never
  "0 %" or infinity); a missing base year is said plainly, with the nearest earlier year the
  agency has offered and marked as not the year asked.
* **Ranking by change** (增长最多的五个机关 / biggest drop): agencies that have both years,
  with their Δ and % columns; those lacking either year are counted.
* **Over an agency's years** (平均每年 / 历年合计 / 2021到2025年一共 / on average per year /
  across all its reports): the per-year values, their sum or mean, and the years left out
  and why (before the national tables, a template without the figure, left empty).

Reading: :func:`read_change` (before the years are read) and :func:`decide` (after the
intent); running: :func:`gather`; writing: :func:`compose`.  The words are in
:mod:`qa.lexicon` (``CHANGE_*``); the arithmetic on frames in :mod:`index.tables.change`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from index.tables.change import Span, over_years, percent_change, rank_changes, year_over_year
from index.tables.metrics import Metric
from index.tables.query import QuerySpec, run
from qa import answer, lexicon
from qa import compose as writing
from qa.corpus import Corpus
from qa.facts import TEXT_ROWS, Facts, Note, Query
from qa.metric_terms import metric_phrases
from qa.figures import fmt, unit_word
from qa.plan import Plan, Reading
from qa.quantities import blank_all, find_cue

INTENT = "change"
# The registry's cue words for this intent (qa.intents): a change, or a ranking by it.
CUES = lexicon.CHANGE_WORDS + lexicon.CHANGE_RANK_UP + lexicon.CHANGE_RANK_DOWN
DEFAULT_TOP = 10
# Over-years answers name each agency's years; beyond this many agencies the usual
# grouped total is clearer.
MAX_SPAN_AGENCIES = 5


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read_change(text: str, plan: Plan) -> str:
    """比去年 / than the year before: the base is the year before the one asked.  Read before
    the years, so that 去年 here is never the newest report year; returns the text without it."""
    word = find_cue(text, lexicon.CHANGE_PREVIOUS)
    if not word or any(word in phrase for phrase in metric_phrases(text)):
        return text  # part of a row's name (carried over from the previous year): no base year
    plan.change = {"base": "previous", "words": word}
    plan.readings.append(Reading("change", word, "previous", "compared with the year before the year asked",
                                 "与所问年份的上一年相比"))
    return blank_all(text, [word])


def _two_years(plan: Plan) -> tuple[int, int] | None:
    if len(plan.years) >= 2:
        return min(plan.years), max(plan.years)
    if plan.year_from is not None and plan.year_to is not None and plan.year_from < plan.year_to:
        return plan.year_from, plan.year_to
    return None


def _kind(plan: Plan, word: str | None, agencies: int) -> dict[str, Any] | None:
    """What change the question asks for, or None when it asks for none."""
    if not plan.metrics:
        return None
    if word and word in lexicon.CHANGE_RANK_UP + lexicon.CHANGE_RANK_DOWN and not agencies:
        return {"rank": "asc" if word in lexicon.CHANGE_RANK_DOWN else "desc", "words": word}
    if plan.change.get("base") == "previous":
        return {}
    if word and _two_years(plan):
        return {"base": "between", "words": word}
    if word and word not in lexicon.CHANGE_AMOUNTS and len(plan.years) == 1 and agencies == 1 and not plan.threshold:
        return {"base": "previous", "words": word}
    return None


def when(plan: Plan, cues: Mapping[str, str | None], agencies: int) -> bool:
    """The registry's test: a change over time is asked (比去年 read, or a change word with
    one year of one agency, two years, or a ranking by change)."""
    return _kind(plan, cues.get(INTENT), agencies) is not None


def refine(plan: Plan, cues: Mapping[str, str | None], agencies: int) -> None:
    plan.change = {**plan.change, **(_kind(plan, cues.get(INTENT), agencies) or {})}
    plan.readings.append(Reading("change", plan.change.get("words", ""), dict(plan.change),
                                 "a change over time", "随时间的变化(增减)"))


def asks_which_year(text: str) -> bool:
    """哪一年 / in which year: a ranking or a list over the years of the agency named."""
    return find_cue(text, lexicon.WHICH_YEAR) is not None


def years_of(plan: Plan) -> tuple[int | None, int | None]:
    """(base year, target year) the plan asks about; None where it leaves them to the data."""
    two = _two_years(plan)
    if two and plan.change.get("base") != "previous":
        return two
    target = max(plan.years) if plan.years else plan.year_to
    if target is None:
        return None, None
    return target - 1, target


def over_years_asked(plan: Plan) -> bool:
    """A total or an average over a named agency's (or place's) years."""
    if plan.intent not in ("total", "average") or plan.group_by or len(plan.years) == 1:
        return False
    return bool(plan.agency_entities() or plan.region)


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def _query(corpus: Corpus, facts: Facts, purpose: str, spec: QuerySpec) -> pd.DataFrame:
    result = run(corpus.connection(), spec, corpus.vocabulary().index)
    facts.queries.append(Query(purpose, spec, result))
    if not facts.metrics:
        facts.metrics = list(result.metrics)
    for en, zh in zip(result.warnings, result.warnings_zh):
        if "No report in the corpus matches" not in en:
            facts.notes.append(Note(en, zh))
    return result.frame


def _spec(plan: Plan, **kwargs: Any) -> QuerySpec:
    values: dict[str, Any] = {"metrics": list(plan.metrics), "agencies": list(plan.agencies),
                              "region": dict(plan.region), "level": plan.level}
    values.update(kwargs)
    return QuerySpec(**values)


def gather(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """The reports a change question needs: the agencies' years up to the target (for the
    nearest earlier year when the base is missing), or every agency's two years to rank."""
    # What an earlier turn worked out is worked out again (a follow-up may name the years).
    plan.change = {k: v for k, v in plan.change.items()
                   if k not in ("assumed", "years", "both", "agencies", "sum_base", "sum_value")}
    base, target = years_of(plan)
    if plan.change.get("rank") or not plan.agencies:
        # No agency named (a region, or the whole corpus): every agency's change, ranked.
        newest = plan.newest_year or max(corpus.vocabulary().years or [0])
        if target is None:
            target = newest
            plan.change = {**plan.change, "assumed": True}
        if base is None:
            base = target - 1
        frame = _query(corpus, facts, "change (rank)", _spec(plan, years=[base, target]))
        if len(frame) and facts.metrics:
            # Keep the reports of the agencies ranked: they are what the answer cites.
            changes = year_over_year(frame, facts.metrics[0].key, base, target)
            ranked = rank_changes(changes, plan.change.get("rank") or "desc", plan.top_n or DEFAULT_TOP)
            plan.change = {**plan.change, "both": len(changes), "agencies": int(frame["agency"].nunique()),
                           "sum_base": float(changes["base"].sum()), "sum_value": float(changes["value"].sum())}
            frame = frame[frame["agency"].isin(set(ranked["agency"]))].reset_index(drop=True)
    else:
        frame = _query(corpus, facts, "change", _spec(plan, years=[base, target]) if target is not None and
                       base is not None else _spec(plan))
        missing = [a for a in plan.agencies if target is not None and base is not None and not len(
            frame[(frame["agency"] == a) & (frame["year"] == base)].dropna(subset=[m.key for m in facts.metrics]))]
        if missing and base is not None:
            # The base year is missing: the years before it, for the nearest one to offer.
            earlier = _query(corpus, facts, "change (nearest earlier year)", _spec(plan, agencies=missing,
                                                                                     year_to=base - 1))
            frame = pd.concat([earlier, frame], ignore_index=True) if len(earlier) else frame
    facts.frame = frame
    facts.agencies = list(dict.fromkeys(frame["agency"])) if len(frame) else list(plan.agencies)
    plan.change = {**plan.change, "years": [base, target]}


def gather_over_years(plan: Plan, corpus: Corpus, facts: Facts) -> bool:
    """One row per report of the named agencies in the years asked; False (nothing run) when
    the scope holds too many agencies for a per-agency answer."""
    spec = _spec(plan, years=list(plan.years), year_from=plan.year_from, year_to=plan.year_to)
    if not plan.agencies:
        count = corpus.connection().execute(
            "SELECT COUNT(DISTINCT agency) FROM reports WHERE " + " AND ".join(f"{k} = ?" for k in plan.region),
            list(plan.region.values())).fetchone() if plan.region else None
        if count is None or count[0] > MAX_SPAN_AGENCIES:
            return False
    frame = _query(corpus, facts, plan.intent + " over years", spec)
    facts.frame = frame
    facts.agencies = list(dict.fromkeys(frame["agency"])) if len(frame) else list(plan.agencies)
    return True


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _num(value: float, metric: Metric, lang: str) -> str:
    return fmt(value, metric.unit) + ("" if metric.unit == "%" else unit_word(metric, lang))


def _delta_words(delta: float, pct: float | None, base: float, metric: Metric, lang: str) -> str:
    """增加4件(+5.71%) / down 64 (−29.36%); a base of 0 has no per cent change."""
    rate = metric.unit == "%"
    size = f"{abs(delta):.2f}" if rate else fmt(abs(delta))
    unit = ("个百分点" if lang == "zh" else " percentage points") if rate else unit_word(metric, lang)
    if delta == 0:
        return "持平" if lang == "zh" else "unchanged"
    word = ("增加" if delta > 0 else "减少") if lang == "zh" else ("up" if delta > 0 else "down")
    text = f"{word}{size}{unit}" if lang == "zh" else f"{word} {size}{unit}"
    if rate:
        return text
    if pct is None:
        return text + (",基期数值为0,没有增减百分比" if lang == "zh" else
                       "; the base year's figure is 0, so there is no percentage change")
    sign = "+" if pct > 0 else "−"
    return text + (f"({sign}{abs(pct):.2f}%)" if lang == "zh" else f" ({sign}{abs(pct):.2f}%)")


def _signed(value: float, unit: str = "") -> str:
    text = f"{abs(value):.2f}" if unit == "%" else fmt(abs(value))
    return ("−" if value < 0 else "") + text


def _arithmetic(base: float, value: float, metric: Metric, pct: float | None, lang: str) -> str:
    delta = value - base
    text = f"{fmt(value, metric.unit)} − {fmt(base, metric.unit)} = {_signed(delta, metric.unit)}"
    if pct is not None and metric.unit != "%":
        text += ("," if lang == "zh" else "; ") + f"{_signed(delta)} ÷ {fmt(base)} = {_signed(pct, '%')}%"
    return text


def _source(facts: Facts, report_id: str) -> str:
    return facts.sources.get(report_id, "")


def _change_line(facts: Facts, agency: str, metric: Metric, base_year: int, base: float, year: int, value: float,
                 ids: tuple[str, str], lang: str, marked: bool = False) -> str:
    delta = value - base
    pct = None if base == 0 else 100.0 * delta / base
    said = _delta_words(delta, pct, base, metric, lang)
    arith = _arithmetic(base, value, metric, pct, lang)
    files = [_source(facts, i) for i in ids]
    if lang == "zh":
        head = "(与最近的较早年份相比,不是上一年)" if marked else ""
        return (f"{head}{agency}{metric.zh}:{base_year}年{_num(base, metric, lang)} → "
                f"{year}年{_num(value, metric, lang)},"
                f"{year}年比{base_year}年{said}。算式:{arith};来源:{base_year}年 文件 {files[0]},{year}年 文件 {files[1]}。")
    head = "(Against the nearest earlier year, not the year before) " if marked else ""
    return (f"{head}{agency}, {metric.en}: {_num(base, metric, lang)} in {base_year} → {_num(value, metric, lang)} in "
            f"{year}; {year} vs {base_year}: {said}. Arithmetic: {arith}; sources: {base_year} file {files[0]}, "
            f"{year} file {files[1]}.")


def _value_at(group: pd.DataFrame, key: str, year: int) -> pd.Series | None:
    rows = group[(group["year"] == year) & group[key].notna()]
    return rows.iloc[0] if len(rows) else None


def compose(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
    plan, frame = facts.plan, facts.frame
    if frame is None or not facts.metrics:
        return None
    base_year, year = plan.change.get("years", [None, None])
    if plan.change.get("rank") or not plan.agencies:
        return _ranking(facts, lang, lines, int(base_year), int(year))
    rows: list[list[Any]] = []
    names = list(dict.fromkeys(list(plan.agencies) + (list(frame["agency"]) if len(frame) else [])))
    for metric in facts.metrics:
        outcomes = []
        for agency in names:
            own: list[str] = []
            found = _agency_change(facts, lang, own, rows, agency, frame[frame["agency"] == agency], metric,
                                   base_year, year)
            outcomes.append((agency, found, own))
        if not any(found for _, found, _ in outcomes):
            lines += [line for _, _, own in outcomes for line in own]
            continue
        # A name read as several agencies: the ones without the figure are named once.
        lines += [line for _, found, own in outcomes if found for line in own]
        others = [agency for agency, found, _ in outcomes if not found]
        if others:
            lines.append(f"{'、'.join(others)}没有{year or ''}{'年' if year else ''}的{metric.zh},未列出。"
                         if lang == "zh" else
                         f"{'; '.join(others)}: no {metric.en}{f' for {year}' if year else ''}, not shown.")
    if not lines:
        lines.append(_no_reports(plan, lang))
    columns = (["机关", "指标", "基期年份", "基期数值", "年份", "数值", "变化", "变化率(%)"] if lang == "zh" else
               ["Agency", "Figure", "Base year", "Base value", "Year", "Value", "Change", "Change (%)"])
    return {"columns": columns, "rows": rows} if rows else None


def _no_reports(plan: Plan, lang: str) -> str:
    names = "、".join(plan.agencies) if plan.agencies else "".join(plan.region.values())
    return f"语料库中没有{names}的相关报告。" if lang == "zh" else f"The corpus has no report of {names} for this."


def _agency_change(facts: Facts, lang: str, lines: list[str], rows: list[list[Any]], agency: str,
                   group: pd.DataFrame, metric: Metric, base_year: int | None, year: int | None) -> bool:
    """The change of one agency's figure into ``lines`` / ``rows``; False when it has no
    value for the year asked (nothing to compare)."""
    key = metric.key
    have = sorted(int(y) for y in group.loc[group[key].notna(), "year"]) if key in group else []
    if year is None:
        if not have:
            lines.append(f"{agency}没有任何一年填写了{metric.zh}。" if lang == "zh" else
                         f"No report of {agency} gives {metric.en}.")
            return False
        year = have[-1]
        base_year = year - 1
        lines.append(f"没有写明年份:按{agency}最新的{year}年计算。" if lang == "zh" else
                     f"No year was named: {agency}'s newest year, {year}, is used.")
    assert base_year is not None
    target = _value_at(group, key, year)
    # The agency's report years (the entity keeps them; the frame holds only the years fetched).
    known = {y for e in facts.plan.agency_entities() for y in e.years.get(agency, [])}
    years_held = sorted(known | {int(y) for y in group["year"]})
    if target is None:
        reason = (f"语料库中没有{agency}{year}年的报告" if year not in years_held else
                  f"{agency}{year}年的报告没有{metric.zh}") if lang == "zh" else \
            (f"the corpus has no {year} report of {agency}" if year not in years_held else
             f"{agency}'s {year} report does not give {metric.en}")
        lines.append(f"{reason},无法计算变化。" if lang == "zh" else
                     f"{reason[0].upper()}{reason[1:]}, so there is no change to give.")
        return False
    base = _value_at(group, key, base_year)
    value = float(target[key])
    if base is not None:
        b = float(base[key])
        lines.append(_change_line(facts, agency, metric, base_year, b, year, value,
                                  (base["report_id"], target["report_id"]), lang))
        rows.append(_row(agency, metric, base_year, b, year, value))
        return True
    # The base year is missing: say so, then offer the nearest earlier year, marked.
    held = "、".join(f"{y}年" for y in years_held) if lang == "zh" else ", ".join(map(str, years_held))
    if base_year not in years_held:
        lines.append(f"语料库中没有{agency}{base_year}年的报告(该机关现有:{held}),无法与{base_year}年相比。{year}年为"
                     f"{_num(value, metric, lang)}(文件 {_source(facts, target['report_id'])})。" if lang == "zh" else
                     f"The corpus has no {base_year} report of {agency} (its reports: {held}), so there is no change "
                     f"on {base_year} to give. {year}: {_num(value, metric, lang)} (file "
                     f"{_source(facts, target['report_id'])}).")
    else:
        lines.append(f"{agency}{base_year}年的报告没有{metric.zh},无法相比。{year}年为{_num(value, metric, lang)}。"
                     if lang == "zh" else
                     f"{agency}'s {base_year} report does not give {metric.en}, so there is no change to give. "
                     f"{year}: {_num(value, metric, lang)}.")
    earlier = [y for y in have if y < base_year]
    if earlier:
        nearest = _value_at(group, key, earlier[-1])
        assert nearest is not None
        b = float(nearest[key])
        lines.append(_change_line(facts, agency, metric, earlier[-1], b, year, value,
                                  (nearest["report_id"], target["report_id"]), lang, marked=True))
        rows.append(_row(agency, metric, earlier[-1], b, year, value))
    return True


def _row(agency: str, metric: Metric, base_year: int, base: float, year: int, value: float) -> list[Any]:
    delta = value - base
    pct = None if base == 0 or metric.unit == "%" else round(100.0 * delta / base, 2)
    return [agency, metric.zh, base_year, _plain(base), year, _plain(value), _plain(round(delta, 6)), pct]


def _plain(value: float) -> float | int:
    return int(value) if abs(value - round(value)) < 1e-9 else round(value, 6)


def _ranking(facts: Facts, lang: str, lines: list[str], base_year: int, year: int) -> dict[str, Any] | None:
    plan, frame = facts.plan, facts.frame
    assert frame is not None
    metric = facts.metrics[0]
    changes = year_over_year(frame, metric.key, base_year, year)
    order = plan.change.get("rank") or "desc"
    top = plan.top_n or DEFAULT_TOP
    ranked = rank_changes(changes, order, top)
    both = int(plan.change.get("both", len(changes)))
    agencies = int(plan.change.get("agencies", frame["agency"].nunique() if len(frame) else 0))
    if not both:
        lines.append(f"没有机关同时有{base_year}年和{year}年的{metric.zh},无法按变化排序。" if lang == "zh" else
                     f"No agency has {metric.en} for both {base_year} and {year}, so there is no change to rank.")
        return None
    if plan.change.get("assumed"):
        lines.append(f"没有写明年份:按语料库最新的{year}年与{base_year}年相比。" if lang == "zh" else
                     f"No year was named: the corpus's newest year, {year}, is compared with {base_year}.")
    word_zh = "减少最多" if order == "asc" else "增加最多"
    word_en = "largest fall" if order == "asc" else "largest rise"
    place = "".join(plan.region.values())
    lines.append(f"{place}{metric.zh}{year}年比{base_year}年{word_zh}的机关(共{both}个机关两年都有数据"
                 + (f",另有{agencies - both}个机关缺少其中一年" if agencies > both else "") + "):" if lang == "zh" else
                 f"{metric.en}{' in ' + place if place else ''}, {year} vs {base_year}, {word_en} first "
                 f"({both} agencies have both years"
                 + (f"; {agencies - both} more lack one of them" if agencies > both else "") + "):")
    rows: list[list[Any]] = []
    for _, r in ranked.iterrows():
        said = _delta_words(float(r["delta"]), None if pd.isna(r["pct"]) else float(r["pct"]), float(r["base"]),
                            metric, lang)
        if len(rows) < TEXT_ROWS:
            lines.append(f"{int(r['rank'])}. {r['agency']}:{base_year}年{_num(r['base'], metric, lang)} → {year}年"
                         f"{_num(r['value'], metric, lang)},{said}" if lang == "zh" else
                         f"{int(r['rank'])}. {r['agency']}: {_num(r['base'], metric, lang)} → "
                         f"{_num(r['value'], metric, lang)}, {said}")
        rows.append([int(r["rank"]), r["agency"], _plain(r["base"]), _plain(r["value"]), _plain(round(r["delta"], 6)),
                     None if pd.isna(r["pct"]) or metric.unit == "%" else round(float(r["pct"]), 2)])
    if both > 1 and metric.unit != "%" and "sum_base" in plan.change:
        total_base, total = float(plan.change["sum_base"]), float(plan.change["sum_value"])
        said = _delta_words(total - total_base, percent_change(total_base, total), total_base, metric, lang)
        lines.append(f"这{both}个机关合计:{base_year}年{_num(total_base, metric, lang)} → {year}年"
                     f"{_num(total, metric, lang)},{said}。" if lang == "zh" else
                     f"These {both} agencies together: {_num(total_base, metric, lang)} → {_num(total, metric, lang)}, "
                     f"{said}.")
    columns = (["#", "机关", f"{base_year}年", f"{year}年", "变化", "变化率(%)"] if lang == "zh" else
               ["#", "Agency", str(base_year), str(year), "Change", "Change (%)"])
    return {"columns": columns, "rows": rows}


def compose_over_years(facts: Facts, lang: str, lines: list[str], average: bool) -> dict[str, Any] | None:
    """Each agency's per-year values, their sum or mean, and the years left out and why."""
    frame = facts.frame
    if frame is None or not facts.metrics:
        return None
    rows: list[list[Any]] = []
    said: dict[str, Any] = {}  # per agency, the files and years left out already written
    for metric in facts.metrics:
        spans = over_years(frame, metric.key, metric.templates)
        with_values = [s for s in spans if s.included]
        for span in with_values or spans[:1]:
            _span_lines(facts, span, metric, lang, lines, average, said)
            rows += [[year, _plain(value), span.agency] for year, value, _ in span.included]
        silent = [s for s in spans if not s.included and s not in (with_values or spans[:1])]
        if silent and said.get("silent") == [s.agency for s in silent]:
            continue  # the same agencies without the previous figure: said once
        if silent:
            said["silent"] = [s.agency for s in silent]
            names = "、".join(s.agency for s in silent) if lang == "zh" else "; ".join(s.agency for s in silent)
            lines.append(f"{names}的报告都没有{metric.zh}(均早于全国统一表格或未填写)"
                         + ("。" if len(facts.metrics) == 1 else ",也没有上面的其他指标。") if lang == "zh" else
                         f"No report of {names} gives {metric.en} (all before the national tables, or left empty)"
                         + ("." if len(facts.metrics) == 1 else ", nor the other figures above."))
    if not rows:
        return None
    columns = ["年份", facts.metrics[0].zh, "机关"] if lang == "zh" else ["Year", facts.metrics[0].en, "Agency"]
    return {"columns": columns, "rows": rows}


def _years_text(years: list[int], lang: str) -> str:
    return "、".join(f"{y}年" for y in years) if lang == "zh" else ", ".join(map(str, years))


def _span_lines(facts: Facts, span: Span, metric: Metric, lang: str, lines: list[str], average: bool,
                said: dict[str, Any]) -> None:
    if not span.included:
        lines.append(f"{span.agency}没有任何一年的报告填写了{metric.zh}。" if lang == "zh" else
                     f"No report of {span.agency} gives {metric.en}.")
    else:
        n = len(span.included)
        values = "、".join(f"{y}年{_num(v, metric, lang)}" for y, v, _ in span.included) if lang == "zh" else \
            "; ".join(f"{y}: {_num(v, metric, lang)}" for y, v, _ in span.included)
        terms = " + ".join(fmt(v) for _, v, _ in span.included)
        total = span.total
        if metric.unit == "%":
            lines.append(f"{span.agency}{metric.zh}:{values}。比率不相加,也不按年平均;请看各年数值。" if lang == "zh" else
                         f"{span.agency}, {metric.en}: {values}. Rates are neither added up nor averaged over years; "
                         "see each year.")
        elif average:
            mean = span.mean or 0.0
            lines.append(f"{span.agency}{metric.zh}:{values};{n}年平均每年{fmt(round(mean, 2))}{unit_word(metric, lang)}"
                         f"(= {fmt(total)} ÷ {n};{fmt(total)} = {terms})。" if lang == "zh" else
                         f"{span.agency}, {metric.en}: {values}; average per year over {n} years "
                         f"{fmt(round(mean, 2))}{unit_word(metric, lang)} "
                         f"(= {fmt(total)} ÷ {n}; {fmt(total)} = {terms}).")
        else:
            lines.append(f"{span.agency}{metric.zh}:{values};{n}年合计{fmt(total)}{unit_word(metric, lang)}"
                         f"(= {terms})。" if lang == "zh" else
                         f"{span.agency}, {metric.en}: {values}; {fmt(total)}{unit_word(metric, lang)} in total over "
                         f"{n} years (= {terms}).")
        files = ("、" if lang == "zh" else ", ").join(
            dict.fromkeys(_source(facts, r) for _, _, r in span.included if _source(facts, r)))
        if files and said.get("files:" + span.agency) != files:
            said["files:" + span.agency] = files
            lines.append(f"来源文件:{files}。" if lang == "zh" else f"Source files: {files}.")
    left: list[str] = []
    if span.pre_template:
        left.append(f"{_years_text(span.pre_template, lang)}的报告早于全国统一表格,没有{metric.zh}(未计入)"
                    if lang == "zh" else
                    f"the {_years_text(span.pre_template, lang)} reports predate the national tables and have no "
                    f"{metric.en} (left out)")
    if span.other_template:
        left.append(f"{_years_text(span.other_template, lang)}的报告所用模板没有{metric.zh}(未计入)" if lang == "zh" else
                    f"the {_years_text(span.other_template, lang)} reports use a template without {metric.en} "
                    "(left out)")
    if span.absent:
        left.append(f"{_years_text(span.absent, lang)}的报告没有填写{metric.zh}(缺项,不是0,未计入)" if lang == "zh" else
                    f"the {_years_text(span.absent, lang)} reports leave {metric.en} empty (absent, not 0; left out)")
    if span.included:
        held = [y for y, _, _ in span.included] + span.pre_template + span.other_template + span.absent
        gaps = [y for y in range(min(y for y, _, _ in span.included), max(y for y, _, _ in span.included) + 1)
                if y not in held]
        if gaps:
            left.append(f"语料库中没有{_years_text(gaps, lang)}的报告" if lang == "zh" else
                        f"the corpus has no report for {_years_text(gaps, lang)}")
    # The same years left out for another figure of the same agency: said once.
    years_left = (tuple(span.pre_template), tuple(span.other_template), tuple(span.absent))
    if left and said.get("left:" + span.agency) == years_left:
        lines.append("另:未计入的年份同上。" if lang == "zh" else "The same years are left out as above.")
    elif left:
        said["left:" + span.agency] = years_left
        lines.append(("另:" + ";".join(left) + "。") if lang == "zh" else ("Also: " + "; ".join(left) + "."))


# ---------------------------------------------------------------------------
# Totals and averages: the registry's step, composer and chart for both
# ---------------------------------------------------------------------------


def gather_totals(plan: Plan, corpus: Corpus, facts: Facts) -> None:
    """Over a named agency's years: one row per report; one agency's one year (平潭县政府12年一共几条)
    is that report's figure, a lookup (with what a pre-2019 report states); otherwise the grouped sum."""
    if plan.agency_entities() and len(plan.years) == 1 and not plan.group_by and not plan.region:
        plan.intent = "lookup"  # written by the lookup's composer (qa.intents.compose reads the plan)
        answer.lookup(plan, corpus, facts)
        return
    if over_years_asked(plan) and gather_over_years(plan, corpus, facts):
        return
    answer.totals(plan, corpus, facts)


def _per_report(facts: Facts) -> bool:
    return facts.frame is not None and "report_id" in facts.frame and over_years_asked(facts.plan)


def compose_totals(average: bool) -> Callable[[Facts, str, list[str]], dict[str, Any] | None]:
    def write(facts: Facts, lang: str, lines: list[str]) -> dict[str, Any] | None:
        if not (facts.queries and facts.metrics):
            return None
        if _per_report(facts):
            return compose_over_years(facts, lang, lines, average)
        # Every figure asked is written (无法提供 and 办理结果 both named: both summed), the table
        # of the first.
        table = None
        for metric in facts.metrics:
            one = copy.copy(facts)
            one.metrics = [metric]
            written = writing.totals(one, lang, lines, average=average)
            table = table or written
        return table
    return write


def chart_totals(average: bool) -> Callable[[Plan, list[str], list[str], str], tuple[str, str, list[str]] | None]:
    """A line over the years for an agency's years (first column 年份 / Year), else the
    grouped total's or average's chart."""
    def pick(plan: Plan, columns: list[str], values: list[str], lang: str) -> tuple[str, str, list[str]] | None:
        if over_years_asked(plan) and columns[0] in ("年份", "Year"):
            return columns[0], "line", [columns[1]]
        return (writing.chart_average if average else writing.chart_by_group)(plan, columns, values, lang)
    return pick


def chart_change(plan: Plan, columns: list[str], values: list[str], lang: str) -> tuple[str, str, list[str]] | None:
    """A bar of each agency's change (the Δ column) for a ranking or several agencies."""
    agency, change = ("机关", "变化") if lang == "zh" else ("Agency", "Change")
    if agency in columns and change in columns:
        return agency, "bar", [change]
    return None
