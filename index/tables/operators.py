"""Comparison operators of thresholds, declared once (as datasette's ``filters.py`` does):
each operator's SQL, the words that say it in a question and the sentence that describes it.

A threshold compares one figure of a report (or of a group) with a number: ``不少于10件`` /
``at least 10`` is ``>=``, ``10件以上`` is ``>=`` too, ``最多不超过5件`` is ``<=`` (two words of
the same operator read as one).  A few words name a number's size instead of the number
(``过百``, ``上千``, ``两位数``, ``double digits``): :data:`MAGNITUDES` turns each into a
bound or a range (``between``).  The query layer (:mod:`index.tables.query`) builds its SQL
and its plain sentences from here; :mod:`qa.quantities` reads the words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operator:
    """One comparison: ``sql`` has ``{x}`` (the figure's SQL) and ``{a}`` (``{b}``) for the
    parameters; ``zh`` / ``en`` describe it before the number(s); ``before`` / ``after`` are the
    question words that come before / after a number."""

    key: str
    sql: str
    zh: str
    en: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def where(self, expression: str, low: str, high: str | None = None) -> str:
        return self.sql.format(x=expression, a=low, b=high)

    def describe(self, lang: str, low: str, high: str | None = None, unit: str = "") -> str:
        """``不少于10件`` / ``at least 10``; a range ``10至99件`` / ``between 10 and 99``."""
        per_cent = "%" if unit == "%" else ""  # the only unit said in English too
        if self.key == "between":
            return f"{low}至{high}{unit}之间" if lang == "zh" else f"between {low}{per_cent} and {high}{per_cent}"
        return f"{self.zh}{low}{unit}" if lang == "zh" else f"{self.en} {low}{per_cent}"


OPERATORS: tuple[Operator, ...] = (
    Operator(">=", "{x} >= {a}", "不少于", "at least",
             before=("不少于", "不低于", "至少", "起码", "最少", "大于等于", "达到", "at least", "no fewer than",
                     "no less than", "minimum of", "a minimum of"),
             after=("及以上", "以上", "或以上", "或更多", "or more", "and above", "or above", "or higher", "plus")),
    Operator("<=", "{x} <= {a}", "不超过", "at most",
             before=("不超过", "不多于", "不高于", "至多", "最多", "顶多", "小于等于", "at most", "no more than",
                     "not more than", "maximum of", "a maximum of", "up to"),
             after=("及以下", "以下", "以内", "或以下", "或更少", "or fewer", "or less", "and below", "or below",
                    "or under")),
    Operator(">", "{x} > {a}", "超过", "more than",
             before=("超过", "多于", "大于", "高于", "超出", "逾", "more than", "over", "above", "greater than",
                     "exceeding", "exceeds", "exceeded", "higher than")),
    Operator("<", "{x} < {a}", "少于", "fewer than",
             before=("少于", "低于", "小于", "不足", "不到", "fewer than", "less than", "under", "below",
                     "lower than")),
    Operator("=", "{x} = {a}", "等于", "exactly", before=("等于", "恰好", "正好", "数为", "数量为", "exactly", "equal to")),
    Operator("!=", "{x} <> {a}", "不等于", "not", before=("不等于", "not equal to")),
    Operator("between", "{x} BETWEEN {a} AND {b}", "在…之间", "between"),
)
BY_KEY = {op.key: op for op in OPERATORS}


@dataclass(frozen=True)
class Magnitude:
    """Words that name a number's size (过百: 100 or more; 两位数: 10 to 99), inclusive bounds."""

    words: tuple[str, ...]
    low: float
    high: float | None = None

    @property
    def op(self) -> str:
        return "between" if self.high is not None else ">="


MAGNITUDES: tuple[Magnitude, ...] = (
    Magnitude(("达到两位数", "两位数以上", "两位数及以上", "至少两位数", "上两位数", "double digits or more",
               "at least double digits", "reached double digits"), 10),
    Magnitude(("达到三位数", "三位数以上", "三位数及以上", "至少三位数", "triple digits or more", "at least triple digits"),
              100),
    Magnitude(("达到四位数", "四位数以上", "四位数及以上", "至少四位数"), 1000),
    Magnitude(("过百", "上百", "破百", "超百", "百件以上", "一百以上", "hundreds of", "over a hundred", "a hundred or more",
               "100-plus", "three-digit numbers"), 100),
    Magnitude(("过千", "上千", "破千", "超千", "千件以上", "一千以上", "thousands of", "over a thousand", "a thousand or more",
               "1000-plus"), 1000),
    Magnitude(("过万", "上万", "破万", "超万", "万件以上", "over ten thousand", "tens of thousands"), 10000),
    Magnitude(("个位数", "一位数", "single digits", "single-digit", "single digit"), 0, 9),
    Magnitude(("两位数", "double digits", "double-digit", "double figures", "two-digit"), 10, 99),
    Magnitude(("三位数", "triple digits", "triple-digit", "three-digit"), 100, 999),
    Magnitude(("四位数", "four-digit"), 1000, 9999),
)


def operator(key: str) -> Operator:
    if key not in BY_KEY:
        from parsing.errors import GongkaiError

        raise GongkaiError(f"Unknown comparison {key!r}: use one of {' '.join(BY_KEY)}.")
    return BY_KEY[key]
