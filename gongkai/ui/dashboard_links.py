"""The question behind each dashboard figure, in the interface's language, and how figures are written.

Clicking a figure opens the chat with this question asked (``?q=``): its answer states the
same figure, because the dashboard (:mod:`index.tables.dashboard`) computes it as the question
layer does.  The words are UI strings (:mod:`gongkai.ui.i18n`, keys ``dash.q.*`` and
``dash.what.*``); ``tests/test_dashboard.py`` asks every one through ``qa.ask``.
"""

from __future__ import annotations

from index.tables import metrics as catalogue_module
from index.tables.dashboard import Breakdown, Mover, QualityKind, YearFigure
from index.tables.summary import Scope, place_label
from gongkai.ui.i18n import t

# Headline figures that are rates (shown in per cent, their change in percentage points).
RATES = ("disclosure_rate", "correction_rate")


def reports_question(year: int, lang: str) -> str:
    return t("dash.q.reports", lang, year=year)


def value_question(figure: YearFigure, lang: str) -> str:
    return t("dash.q.value", lang, year=figure.year, what=t(f"dash.what.{figure.name}", lang))


def change_question(figure: YearFigure, lang: str) -> str:
    return t("dash.q.change", lang, before=figure.previous_year, year=figure.year,
             what=t(f"dash.what.{figure.name}", lang))


def mover_question(mover: Mover, lang: str) -> str:
    return t("dash.q.mover", lang, agency=mover.agency, before=mover.year_from, year=mover.year_to)


def breakdown_question(breakdown: Breakdown, lang: str) -> str:
    return t("dash.q.breakdown", lang, year=breakdown.year, by=t(f"dash.by.{breakdown.by}", lang))


def quality_question(kind: QualityKind, lang: str) -> str:
    return t(f"dash.q.quality.{kind.kind}", lang)


def number(value: float) -> str:
    """A count with thousands separators (5,076); a fraction kept to two places."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def figure_text(figure: YearFigure) -> str:
    if figure.value is None:
        return "—"
    return f"{figure.value:.2f}%" if figure.name in RATES else number(figure.value)


def change_text(figure: YearFigure, lang: str) -> str:
    """+1,345 / −32 / +2.15 个百分点; "—" when there is no change to show."""
    change = figure.change
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    if figure.name in RATES:
        return t("dash.points", lang, sign=sign, value=f"{abs(change):.2f}")
    return f"{sign}{number(abs(change))}"


def definitions(lang: str) -> list[str]:
    """How the dashboard's rates are defined (the catalogue's definitions)."""
    catalogue = catalogue_module.catalogue()
    from index.tables.dashboard import HEADLINE

    shares = [catalogue[key] for name, key in HEADLINE if name in RATES]
    return [m.definition_zh if lang == "zh" else m.definition_en for m in shares]


def scope_text(scope: Scope, reports: int, lang: str, shown_agencies: int = 3) -> str:
    """What the dashboard covers, in words: years, region, level, agencies and the report count."""
    parts = []
    if scope.year_from is not None or scope.year_to is not None:
        low = scope.year_from if scope.year_from is not None else "…"
        high = scope.year_to if scope.year_to is not None else "…"
        parts.append(t("dash.scope_years", lang, low=low, high=high))
    if scope.region:
        parts.append(place_label(scope.region))
    if scope.level:
        parts.append(t(f"level.{scope.level}", lang))
    if scope.agencies:
        names = "、".join(scope.agencies[:shown_agencies]) if lang == "zh" else ", ".join(scope.agencies[:shown_agencies])
        more = len(scope.agencies) - shown_agencies
        parts.append(names + (t("dash.scope_more", lang, n=more) if more > 0 else ""))
    if not parts:
        parts.append(t("dash.scope_all", lang))
    parts.append(t("dash.scope_reports", lang, reports=f"{reports:,}"))
    return t("dash.scope", lang, scope=" · ".join(parts))
