"""The scope an answer covers, in words: which years, region, level and agencies it was limited to.

Every answer ends with one line that says it ("范围:2022年 · 县级机关(按侧栏筛选)" / "Scope: 2022 ·
county-level agencies (sidebar filter)"), so a figure is never read as the whole corpus's when a
filter narrowed it.  The pieces come from the plan that ran, after :func:`apply_scope` merged the
app's sidebar filters into it; the pieces the sidebar set are marked as such, and a sidebar filter
the question overrode (it names its own years or agencies) is said too.

:func:`apply_scope` is the one place a chosen scope (:class:`index.tables.summary.Scope`, what the
app's sidebar passes to :func:`qa.ask`) enters a plan; it marks what it set with :data:`CHOSEN`
so that the statement can tell the sidebar's pieces from the question's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.compose import KIND_NAMES
from qa.corpus_facts import LEVEL_NAMES
from qa.plan import Entity, Plan, Reading

# How a piece the chosen scope set is marked in the plan's readings and entities.
CHOSEN = ("from the chosen scope", "来自所选范围")
_CHOSEN_ENTITY = ("chosen scope", "所选范围")
# Intents whose answer is passages: the report sections they searched are part of their scope.
PASSAGE_INTENTS = ("narrative", "mixed")
# Agencies named one by one in the statement; more are counted.
MAX_NAMED_AGENCIES = 3

# The statement's words, declared once: (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "head": ("范围:", "Scope: "),
    "sep": (" · ", " · "),
    "all": ("全部报告", "every report in the corpus"),
    "all_years": ("全部年份", "all years"),
    "year": ("{y}年", "{y}"),
    "years_between": ("{a}年至{b}年", "{a}–{b}"),
    "years_from": ("{a}年及以后", "{a} onwards"),
    "years_to": ("{b}年及以前", "up to {b}"),
    "year_join": ("、", ", "),
    "level": ("{name}机关", "{name} agencies"),
    "agencies_many": ("{first}等{n}个机关", "{first} and {more} more agencies"),
    "agency_join": ("、", "; "),
    "chosen": ("(按侧栏筛选)", " (sidebar filter)"),
    "sections": ("“{names}”部分", "the “{names}” sections"),
    "overridden": ("侧栏所选的{what}未采用,以问题为准", "the sidebar's {what} filter is not applied: the question "
                   "names its own"),
    "what_years": ("年份", "year"),
    "what_agencies": ("机关", "agency"),
    "what_region": ("地区", "region"),
    "what_level": ("层级", "level"),
    "what_join": ("、", " and "),
    "end": ("。", "."),
    "clause": (";", "; "),
}


def _word(key: str, lang: str, **values: Any) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


# ---------------------------------------------------------------------------
# The chosen scope entering a plan
# ---------------------------------------------------------------------------


def apply_scope(plan: Plan, scope: Any) -> Plan:
    """Restrictions chosen outside the question (the app's sidebar), where the question names none.

    ``scope`` has ``year_from``, ``year_to``, ``region`` ((level, name) pairs), ``agencies``
    and ``level`` (as :class:`index.tables.summary.Scope`); what the question says wins.
    """
    if scope is None:
        return plan
    if not plan.has_years() and (scope.year_from is not None or scope.year_to is not None):
        plan.year_from, plan.year_to = scope.year_from, scope.year_to
        plan.readings.append(Reading("year", "", [scope.year_from, scope.year_to], *CHOSEN))
    if not plan.entities and not plan.from_previous:
        if scope.agencies:
            plan.entities.append(Entity("", "agency", names=list(scope.agencies), how=_CHOSEN_ENTITY[0],
                                        how_zh=_CHOSEN_ENTITY[1]))
        elif scope.region:
            plan.entities.append(Entity("", "region", region=dict(scope.region), how=_CHOSEN_ENTITY[0],
                                        how_zh=_CHOSEN_ENTITY[1]))
    if plan.level is None and scope.level:
        plan.level = scope.level
        plan.readings.append(Reading("level", "", scope.level, *CHOSEN))
    return plan


# ---------------------------------------------------------------------------
# The statement
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopePart:
    """One restriction an answer ran under: ``piece`` (years, region, level, agencies), its words
    in both languages, and whether the chosen scope (the sidebar) set it."""

    piece: str
    zh: str
    en: str
    chosen: bool = False

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"piece": self.piece, "zh": self.zh, "en": self.en, "chosen": self.chosen}


def _both(key: str, **values: Any) -> tuple[str, str]:
    return _word(key, "zh", **values), _word(key, "en", **values)


def _years(plan: Plan) -> tuple[str, str] | None:
    if plan.years:
        years = sorted(set(plan.years))
        return ("、".join(_word("year", "zh", y=y) for y in years),
                ", ".join(_word("year", "en", y=y) for y in years))
    low, high = plan.year_from, plan.year_to
    if low is not None and low == high:
        return _both("year", y=low)
    if low is not None and high is not None:
        return _both("years_between", a=low, b=high)
    if low is not None:
        return _both("years_from", a=low)
    if high is not None:
        return _both("years_to", b=high)
    return None


def _is_chosen(how: str) -> bool:
    return how in CHOSEN or how in _CHOSEN_ENTITY


def scope_parts(plan: Plan) -> list[ScopePart]:
    """The restrictions ``plan`` ran under, in the order years, region, level, report sections
    (passage answers), agencies; all years stated even when no year restricts (a total over every
    year is said to be one)."""
    parts: list[ScopePart] = []
    years = _years(plan)
    year_chosen = any(r.piece == "year" and _is_chosen(r.how) for r in plan.readings)
    if years is None:
        parts.append(ScopePart("years", *_both("all_years")))
    else:
        parts.append(ScopePart("years", *years, chosen=year_chosen))
    regions = [e for e in plan.entities if e.kind == "region"]
    if plan.region:
        name = "".join(plan.region.values())
        parts.append(ScopePart("region", name, name, chosen=all(_is_chosen(e.how) for e in regions)))
    if plan.level:
        zh, en = LEVEL_NAMES.get(plan.level, (plan.level, plan.level))
        level_chosen = any(r.piece == "level" and _is_chosen(r.how) for r in plan.readings)
        parts.append(ScopePart("level", _word("level", "zh", name=zh), _word("level", "en", name=en),
                               chosen=level_chosen))
    if plan.kinds and plan.intent in PASSAGE_INTENTS:
        kinds = [KIND_NAMES.get(k, (k, k)) for k in plan.kinds]
        parts.append(ScopePart("sections", _word("sections", "zh", names="”“".join(k[0] for k in kinds)),
                               _word("sections", "en", names="” and “".join(k[1] for k in kinds))))
    names = plan.agencies
    if names:
        chosen = all(_is_chosen(e.how) for e in plan.agency_entities()) and not plan.from_previous
        if len(names) <= MAX_NAMED_AGENCIES:
            parts.append(ScopePart("agencies", WORDS["agency_join"][0].join(names),
                                   WORDS["agency_join"][1].join(names), chosen=chosen))
        else:
            parts.append(ScopePart("agencies", _word("agencies_many", "zh", first=names[0], n=len(names), more=0),
                                   _word("agencies_many", "en", first=names[0], n=len(names), more=len(names) - 1),
                                   chosen=chosen))
    return parts


def overridden(plan: Plan, scope: Any) -> list[str]:
    """The sidebar's filters the question overrode (``years``, ``agencies``, ``region``, ``level``):
    it named its own, so the sidebar's were not applied."""
    if scope is None:
        return []
    found: list[str] = []
    if (scope.year_from is not None or scope.year_to is not None) and not any(
            r.piece == "year" and _is_chosen(r.how) for r in plan.readings):
        found.append("years")
    entity_chosen = any(_is_chosen(e.how) for e in plan.entities)
    if scope.agencies and not entity_chosen:
        found.append("agencies")
    elif scope.region and not scope.agencies and not entity_chosen:
        found.append("region")
    if scope.level and plan.level != scope.level:
        found.append("level")
    return found


def statement(parts: list[ScopePart], lang: str, skipped: list[str] | None = None) -> str:
    """The line: "范围:2022年 · 县级机关(按侧栏筛选)。" — the pieces the question set first, then the
    sidebar's, marked once; then the sidebar filters the question overrode."""
    sep = _word("sep", lang)
    own = [p.text(lang) for p in parts if not p.chosen]
    chosen = [p.text(lang) for p in parts if p.chosen]
    restricted = [p for p in parts if not (p.piece == "years" and p.zh == WORDS["all_years"][0])]
    body = sep.join(own)
    if chosen:
        body = sep.join([t for t in (body, sep.join(chosen) + _word("chosen", lang)) if t])
    if not restricted:
        body = _word("all", lang)
    line = _word("head", lang) + body
    if skipped:
        what = WORDS["what_join"][lang != "zh"].join(_word(f"what_{piece}", lang) for piece in skipped)
        line += _word("clause", lang) + _word("overridden", lang, what=what)
    return line + _word("end", lang)


def scope_line(plan: Plan, lang: str, scope: Any = None) -> str:
    """The scope statement of an answer that ran ``plan`` (``scope``: the chosen scope passed to
    :func:`qa.ask`, to say which of its filters the question overrode)."""
    return statement(scope_parts(plan), lang, overridden(plan, scope))
