"""A year asked of an agency that has no report for it: say so, and give the nearest year it has.

"宝力根苏木2020年的行政许可数量" asked of a corpus holding only its 2023 report is answered
"语料库中没有宝力根苏木2020年的报告;最接近的是2023年:…2件(非所问年份)": the missing year is
stated first, the nearest year's figures follow, each marked as not the year asked.  Two
years equally near (2019 and 2021 for 2020) are both given.  The figures are the same cells
a lookup of that year shows, so their sources are the report's table.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from index.tables import metrics as catalogue_module
from index.tables.query import QuerySpec, run
from qa.corpus import Corpus
from qa.facts import Note
from qa.figures import amount
from qa.plan import Plan


def nearest_years(year: int, have: list[int]) -> list[int]:
    """The years of ``have`` nearest to ``year`` (two when one lies on each side equally near)."""
    if not have:
        return []
    distance = min(abs(y - year) for y in have)
    return sorted(y for y in set(have) if abs(y - year) == distance)


def _figures(plan: Plan, corpus: Corpus, agency: str, year: int) -> tuple[list[str], list[str]]:
    """The asked metrics of ``agency`` in ``year``, written out (English, Chinese); [] when the
    report holds none of them (a pre-2019 report, another template)."""
    metrics = [k for k in plan.metrics if k in catalogue_module.catalogue()]
    if not metrics:
        return [], []
    spec = QuerySpec(metrics=metrics, years=[year], agencies=[agency])
    try:
        frame = run(corpus.connection(), spec, corpus.vocabulary().index).frame
    except Exception:  # a figure that cannot be fetched is left out, the missing year is still said
        return [], []
    en: list[str] = []
    zh: list[str] = []
    for _, row in frame.iterrows():
        for key in metrics:
            if key not in frame or pd.isna(row[key]):
                continue
            metric = catalogue_module.get(key)
            en.append(f"{metric.en} {amount(row[key], metric, 'en')}")
            zh.append(f"{metric.zh} {amount(row[key], metric, 'zh')}")
    return list(dict.fromkeys(en)), list(dict.fromkeys(zh))


def missing_year_notes(plan: Plan, corpus: Corpus) -> list[Note]:
    """For each named agency and asked year it has no report for: the missing year, the nearest
    year(s) it has and, for a figure question, their figures marked as not the year asked."""
    vocabulary = corpus.vocabulary()
    notes: list[Note] = []
    for name in plan.agencies:
        have = vocabulary.agency_years(name)
        for year in plan.years:
            if year in have or _a_rival_has(plan, name, year, vocabulary.agency_years):
                continue
            if not have:
                notes.append(Note(f"{name} has no report in the corpus.", f"语料库中没有{name}的报告。"))
                continue
            held_en = ", ".join(map(str, have))
            held_zh = "、".join(f"{y}年" for y in have)
            parts_en: list[str] = []
            parts_zh: list[str] = []
            for near in nearest_years(year, have):
                en, zh = _figures(plan, corpus, name, near) if plan.metrics else ([], [])
                parts_en.append(f"{near}: {'; '.join(en)} (not the year asked)" if en else str(near))
                parts_zh.append(f"{near}年:{'、'.join(zh)}(非所问年份)" if zh else f"{near}年")
            notes.append(Note(
                f"{name} has no {year} report in the corpus (its reports: {held_en}); the nearest year it has is "
                + " and ".join(parts_en) + ".",
                f"语料库中没有{name}{year}年的报告(该机关现有:{held_zh});最接近的是" + ";".join(parts_zh) + "。"))
    return notes


def _a_rival_has(plan: Plan, name: str, year: int, years_of: Callable[[str], list[int]]) -> bool:
    """Is ``name`` one reading of an ambiguous name (平潭) another reading of which has ``year``?
    Then the answer is that reading's figure; the others' missing year is no news."""
    return any(entity.ambiguous and name in entity.names and any(year in years_of(n) for n in entity.names if n != name)
               for entity in plan.entities)
