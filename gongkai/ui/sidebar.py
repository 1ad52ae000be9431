"""The sidebar: language switch, corpus summary and the scope every page and question respects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gongkai import settings
from gongkai.ui import cache
from gongkai.ui.i18n import LANGUAGE_NAMES, LANGUAGES, browser_language, t
from gongkai.ui.state import View
from index.tables.summary import Scope, ScopeOptions, place_label

_LANG_KEY = "ui.lang"
_SCOPE_KEYS = ("scope.years", "scope.region", "scope.agencies", "scope.level")
# Boxes whose options are written in the interface's language (format_func), and the language they were last written in.
_LABELLED_KEYS = ("scope.region", "scope.level", "quality.families")
_LABELS_LANG_KEY = "scope.labels_lang"


def _browser_language() -> str:
    try:
        headers = st.context.headers
        accept = headers.get("Accept-Language") if headers else None
        locale = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (bare mode): fall back to the default
        accept, locale = None, None
    return browser_language(accept, locale)


def language() -> str:
    """The interface language: the reader's choice, else the browser's."""
    if _LANG_KEY not in st.session_state:
        st.session_state[_LANG_KEY] = _browser_language()
    # One bilingual label: the switch must read the same in both languages.
    # dict.get is overloaded, which the stub's Callable[[Any], str] does not accept.
    names = cast(Callable[[Any], str], LANGUAGE_NAMES.get)
    chosen = st.sidebar.segmented_control("语言 / Language", LANGUAGES, format_func=names,
                                          key=_LANG_KEY, required=True)
    return chosen if chosen in LANGUAGES else "zh"


def _clear_scope() -> None:
    for key in _SCOPE_KEYS:
        st.session_state.pop(key, None)


def _summary(box: DeltaGenerator, data: Path, version: cache.Version, scope: Scope,
             lang: str) -> None:
    whole = cache.summary(str(data), version)
    box.subheader(t("sidebar.corpus", lang))
    years = whole.year_range
    year_text = "—" if years is None else (str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}")
    left, right = box.columns(2)
    left.metric(t("sidebar.reports", lang), f"{whole.reports:,}")
    right.metric(t("sidebar.agencies", lang), f"{whole.agencies:,}")
    left.metric(t("sidebar.years", lang), len(whole.years))
    right.metric(t("sidebar.regions", lang), whole.provinces)
    box.caption(t("sidebar.regions_value", lang, years=year_text, provinces=whole.provinces, cities=whole.cities,
                  counties=whole.counties))
    if whole.failed_checks:
        box.caption(t("sidebar.failed", lang, reports=whole.reports_with_failed_checks,
                             checks=whole.failed_checks))
    if not scope.is_empty():
        box.info(t("sidebar.in_scope", lang, reports=cache.summary(str(data), version, scope).reports))


def _region(options: ScopeOptions, lang: str) -> tuple[tuple[str, str], ...]:
    # One searchable list of every place (province, city, county, town, as the reports give
    # them), so a corpus whose reports lack the upper levels can still be narrowed.
    chosen = st.sidebar.selectbox(t("sidebar.region", lang), [(), *options.places], key="scope.region",
                                  format_func=lambda p: place_label(p) if p else t("sidebar.any", lang))
    return tuple(chosen or ())


def _relabel(lang: str) -> None:
    """After a language switch, hand the choice boxes their own values again.

    Streamlit keeps a chosen option's words as they were written when it was chosen ("全部"
    stays in the English sidebar); setting the value anew makes it write them in ``lang``."""
    if st.session_state.get(_LABELS_LANG_KEY) == lang:
        return
    st.session_state[_LABELS_LANG_KEY] = lang
    for key in _LABELLED_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _filters(options: ScopeOptions, lang: str) -> Scope:
    _relabel(lang)
    st.sidebar.subheader(t("sidebar.scope", lang), help=t("sidebar.scope_help", lang))
    year_from = year_to = None
    if len(options.years) > 1:
        low, high = options.years[0], options.years[-1]
        picked = st.sidebar.slider(t("sidebar.year_range", lang), low, high, (low, high), key="scope.years")
        year_from = picked[0] if picked[0] > low else None
        year_to = picked[1] if picked[1] < high else None
    region = _region(options, lang)
    agencies = st.sidebar.multiselect(t("sidebar.agency", lang), options.agencies, key="scope.agencies",
                                      placeholder=t("sidebar.any", lang))
    level = st.sidebar.selectbox(t("sidebar.level", lang), ["", *options.levels], key="scope.level",
                                 format_func=lambda v: t(f"level.{v}", lang) if v else t("sidebar.any", lang))
    scope = Scope(year_from=year_from, year_to=year_to, region=region, agencies=tuple(agencies), level=level or None)
    if not scope.is_empty():
        st.sidebar.button(t("sidebar.reset", lang), on_click=_clear_scope, key="scope.reset")
    return scope


def render(data: Path) -> View:
    """Draw the sidebar and return the view the pages use."""
    lang = language()
    version = cache.store_version(data)
    scope = Scope()
    if version is None:
        st.sidebar.info(t("sidebar.no_corpus", lang))
    else:
        # The summary sits above the filters but counts what they select: fill it afterwards.
        box = st.sidebar.container()
        scope = _filters(cache.options(str(data), version), lang)
        _summary(box, data, version, scope, lang)
    st.sidebar.caption(t("sidebar.data_dir", lang, path=str(data)))
    top_k = _settings(lang)
    return View(data=data, version=version, lang=lang, scope=scope, top_k=top_k,
                 max_upload_mb=int(settings.get("max_upload_mb")))


def _settings(lang: str) -> int:
    """The settings a reader may change here (declared in :mod:`gongkai.settings`); the others
    are shown as they were set for the server (environment or ``gongkai app`` options)."""
    box = st.sidebar.expander(t("sidebar.settings", lang))
    top_k_setting = settings.setting("top_k")
    top_k = int(box.number_input(t("setting.top_k", lang), min_value=1, max_value=50,
                                 value=int(settings.get("top_k")), help=top_k_setting.help, key="setting.top_k"))
    model = settings.get("model") or t("setting.model_default", lang)
    box.caption(t("setting.model", lang, name=model))
    box.caption(t("setting.max_upload_mb", lang, mb=settings.get("max_upload_mb")))
    return top_k
