"""A check's figures, and the plain sentence that says what is wrong, in Chinese or English.

:mod:`parsing.checks` writes each check's figures into its ``detail`` with the two writers
here (:func:`sum_detail`, :func:`text_detail`), and the store keeps that string; :func:`figures`
is their exact inverse, so a check read back from any store (old ones included) gives the same
:class:`SumFigures` / :class:`TextFigures` the check was made with.  :func:`check_sentence`
turns a rule id and those figures into words a reader needs no manual for
("处理结果各项之和10件，但总计填0件"; "正文称未发生行政诉讼，表格中为3件").  The rule id
itself never appears in the sentence: the app shows it apart, for auditors.

The words are declared once: :data:`NARRATIVE_FIELDS` (what a narrative check compares),
:data:`SUM_WORDS` (what each arithmetic family adds up); row and column names come from
:mod:`parsing.template`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from parsing.template import RESULT_GROUPS, TEMPLATES, Column, Row


@dataclass(frozen=True)
class SumFigures:
    """An arithmetic check: the terms of its left side, and of its right side."""

    left: tuple[float, ...]
    right: tuple[float, ...]

    @property
    def difference(self) -> float:
        return abs(sum(self.left) - sum(self.right))


@dataclass(frozen=True)
class TextFigures:
    """A narrative check: what the text says (its words and figure) and the table's figure(s)."""

    quote: str
    stated: float
    table: tuple[float, ...]


Figures = SumFigures | TextFigures

_INT_LIMIT = 10 ** 300


def number(x: float) -> str:
    """A figure as a report prints it: 3, 2191.5 (never 3.0)."""
    if x.__class__ is int and -_INT_LIMIT < x < _INT_LIMIT:
        return str(x)
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------
# The detail string: written once here, read back once here
# ---------------------------------------------------------------------------


def sum_detail(figures: SumFigures, ok: bool) -> str:
    """"1+2 = 3" or "1+2 ≠ 4 (3 vs 4)"."""
    left, right = "+".join(map(number, figures.left)), "+".join(map(number, figures.right))
    if ok:
        return f"{left} = {right}"
    return f"{left} ≠ {right} ({number(sum(figures.left))} vs {number(sum(figures.right))})"


def text_detail(figures: TextFigures) -> str:
    """"text says “…” (3), table says 1 or 2"."""
    table = " or ".join(number(v) for v in figures.table)
    return f"text says “{figures.quote.strip()}” ({number(figures.stated)}), table says {table}"


_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_TERMS = rf"{_NUMBER}(?:\+{_NUMBER})*"
_SUM = re.compile(rf"^(?P<left>{_TERMS}) (?:=|≠) (?P<right>{_TERMS})(?: \({_NUMBER} vs {_NUMBER}\))?$")
_TEXT = re.compile(rf"^text says “(?P<quote>.*)” \((?P<stated>{_NUMBER})\), table says "
                   rf"(?P<table>{_NUMBER}(?: or {_NUMBER})*)$", re.S)


def figures(rule: str, detail: str) -> Figures | None:
    """The figures :func:`sum_detail` or :func:`text_detail` wrote into ``detail`` (None: a
    detail of another writer, e.g. a check another module adds)."""
    if rule.startswith("narrative."):
        found = _TEXT.match(detail)
        if not found:
            return None
        return TextFigures(found.group("quote"), float(found.group("stated")),
                           tuple(float(v) for v in found.group("table").split(" or ")))
    found = _SUM.match(detail)
    if not found:
        return None
    return SumFigures(tuple(float(v) for v in found.group("left").split("+")),
                      tuple(float(v) for v in found.group("right").split("+")))


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------

ZH, EN = "zh", "en"


@dataclass(frozen=True)
class FieldWords:
    """How a sentence names a figure a narrative check compares."""

    zh: str  # 行政诉讼
    en: str  # lawsuits
    none_zh: str  # what "none" claims read as: 未发生行政诉讼
    none_en: str  # there were no lawsuits


# The figures the narrative check compares (parsing.checks._narrative_claims), by field.
NARRATIVE_FIELDS: dict[str, FieldWords] = {
    "applications.requests": FieldWords("收到的政府信息公开申请", "requests received",
                                        "未收到政府信息公开申请", "no request was received"),
    "review_litigation.review.total": FieldWords("行政复议", "administrative reconsideration cases",
                                                 "未发生行政复议", "there was no administrative reconsideration"),
    "review_litigation.litigation.total": FieldWords("行政诉讼", "lawsuits", "未发生行政诉讼",
                                                     "there was no lawsuit"),
}


@dataclass(frozen=True)
class SumWords:
    """What an arithmetic family adds up, and the total it should equal."""

    table_zh: str
    table_en: str
    parts_zh: str  # 处理结果各项
    parts_en: str  # the outcomes
    total_zh: str  # 总计
    total_en: str  # the processed total


SUM_WORDS: dict[str, SumWords] = {
    "applications.row_total.": SumWords("表三", "Table 3", "各类申请人之和", "the applicant columns add up to",
                                        "总计", "the total column says"),
    "applications.processed_total.": SumWords("表三", "Table 3", "处理结果各项之和", "the outcomes add up to",
                                              "总计", "the processed total says"),
    "review_litigation.total.": SumWords("表四", "Table 4", "结果维持、结果纠正、其他结果、尚未审结之和",
                                         "upheld, corrected, other and pending add up to", "总计",
                                         "the total column says"),
}
BALANCE = "applications.balance."
UNIT_ZH = "件"


def _rows(table: str) -> list[Row]:
    return [row for t in TEMPLATES.values() if table in t.tables for row in t.tables[table].rows]


def _column(key: str, table: str = "applications") -> Column | None:
    for t in TEMPLATES.values():
        for column in t.tables[table].columns if table in t.tables else ():
            if column.key == key:
                return column
    return None


def _row_name(table: str, key: str, lang: str) -> str:
    """A row's name; a sub-row's with its group's ("不予公开·3.危及…", "refused: …")."""
    for row in _rows(table):
        if row.key == key:
            group = RESULT_GROUPS.get(row.parent or "")
            if lang == EN:
                return f"{group[2]}: {row.en}" if group else row.en
            label = row.name or row.label
            label = label.split("、", 1)[-1] if label[:1] in "一二三四五六七八九" else label
            return f"{group[1]}·{label}" if group else label
    return key


def _where(column: str, lang: str) -> str:
    """Which column of table 三: 总计栏 / “自然人”栏."""
    found = _column(column)
    if column == "total" or found is None:
        return "总计栏" if lang == ZH else "total column"
    return f"“{found.label}”栏" if lang == ZH else f"“{found.en}” column"


def _qty(value: float, lang: str) -> str:
    return f"{number(value)}{UNIT_ZH}" if lang == ZH else number(value)


def _balance(key: str, figures: SumFigures, ok: bool, lang: str) -> str:
    if len(figures.left) != 2 or len(figures.right) != 2:
        return _sum(SUM_WORDS["applications.processed_total."], key, figures, ok, lang)
    (a, b), (c, d) = figures.left, figures.right
    lhs, rhs = a + b, c + d
    where = _where(key, lang)
    if lang == ZH:
        verdict = "两边相等" if ok else f"两边相差{_qty(abs(lhs - rhs), lang)}"
        link = "，" if ok else "，但"
        return (f"表三{where}：本年新收{_qty(a, lang)}加上年结转{_qty(b, lang)}共{_qty(lhs, lang)}{link}"
                f"办理结果总计{_qty(c, lang)}加结转下年度继续办理{_qty(d, lang)}共{_qty(rhs, lang)}，{verdict}")
    verdict = "the two sides are equal" if ok else f"a difference of {number(abs(lhs - rhs))}"
    link = "and" if ok else "but"
    return (f"Table 3, {where}: {number(a)} received this year plus {number(b)} carried over make {number(lhs)}, "
            f"{link} {number(c)} processed plus {number(d)} carried forward make {number(rhs)} ({verdict})")


def _sum(words: SumWords, key: str, figures: SumFigures, ok: bool, lang: str) -> str:
    parts, total = sum(figures.left), sum(figures.right)
    if words is SUM_WORDS["applications.row_total."]:
        where = (f"“{_row_name('applications', key, lang)}”一行" if lang == ZH else
                 f"row “{_row_name('applications', key, lang)}”")
    elif words is SUM_WORDS["review_litigation.total."]:
        where = f"“{_row_name('review_litigation', key, lang)}”" if lang == ZH else _row_name(
            "review_litigation", key, lang)
    else:
        where = _where(key, lang)
    if lang == ZH:
        tail = f"，与总计{_qty(total, lang)}相符" if ok else f"，但{words.total_zh}填{_qty(total, lang)}"
        return f"{words.table_zh}{where}：{words.parts_zh}{_qty(parts, lang)}{tail}"
    tail = f", matching the total of {number(total)}" if ok else f", but {words.total_en} {number(total)}"
    return f"{words.table_en}, {where}: {words.parts_en} {number(parts)}{tail}"


def _table_figure(values: Sequence[float], lang: str) -> str:
    joined = ("或" if lang == ZH else " or ").join(number(v) for v in values)
    return joined + (UNIT_ZH if lang == ZH else "")


def _field_words(field: str, lang: str) -> tuple[str, str | None]:
    """(the figure's name, its "none" phrase) of a narrative field."""
    words = NARRATIVE_FIELDS.get(field)
    if words is not None:
        return (words.zh, words.none_zh) if lang == ZH else (words.en, words.none_en)
    parts = field.split(".")
    if len(parts) == 3:
        table, row, column = parts
        found = _column(column, table)
        row_name = _row_name(table, row, lang)
        if found is not None:
            return (f"{row_name}{found.label}" if lang == ZH else f"{row_name} ({found.en})"), None
        return row_name, None
    return field, None


def _narrative(field: str, figures: TextFigures, ok: bool, lang: str) -> str:
    name, none = _field_words(field, lang)
    table = _table_figure(figures.table, lang)
    if lang == ZH:
        if figures.stated == 0 and none:
            return f"正文称{none}，表格中{'也' if ok else ''}为{table}"
        return f"正文称“{figures.quote}”，表格中{name}{'也' if ok else ''}为{table}"
    if figures.stated == 0 and none:
        said = f"The text says {none}"
    else:
        said = f"The text says “{figures.quote}” ({number(figures.stated)})"
    return f"{said}, {'and' if ok else 'but'} the table gives {table} for {name}"


# An arithmetic family's sentence, by rule prefix; the rest of the rule is the row or column.
Sentence = Callable[[str, SumFigures, bool, str], str]
SUM_SENTENCES: dict[str, Sentence] = {
    BALANCE: _balance, **{prefix: partial(_sum, words) for prefix, words in SUM_WORDS.items()},
}


def check_sentence(rule: str, detail: str, ok: bool, lang: str) -> str:
    """What a check found, in plain words in ``lang`` ("zh" or "en"); never the rule id.

    A check this module does not know (another module's rule, or a detail in another form)
    gets a general sentence; its rule id and detail stay for the audit view."""
    found = figures(rule, detail)
    if isinstance(found, TextFigures):
        sentence = _narrative(rule[len("narrative."):], found, ok, lang)
    elif isinstance(found, SumFigures) and any(rule.startswith(p) for p in SUM_SENTENCES):
        prefix = next(p for p in SUM_SENTENCES if rule.startswith(p))
        sentence = SUM_SENTENCES[prefix](rule[len(prefix):], found, ok, lang)
    elif lang == ZH:
        sentence = "这项核对通过" if ok else "这项核对未通过（规则与原始数字见审计详情）"
    else:
        sentence = "This check passes" if ok else "This check fails (rule and raw figures in the audit details)"
    return sentence + ("。" if lang == ZH else ".")
