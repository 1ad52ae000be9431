"""How a question was read, and why a file was refused, in the interface's words.

Pure functions over the question layer's data (no Streamlit), so they are tested alone:
:func:`reading_rows` turns a plan's readings (``intent: list``, metric keys, ``zh``) into
"问题类型 · 列出符合条件的机关", "指标 · 行政诉讼·总计", "回答语言 · 中文"; :func:`upload_reason`
says an upload's refusal in the interface's language.  Every word comes from
:mod:`gongkai.ui.i18n` or from the declared names of metrics and template cells.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from corpus.upload import FAILED, REJECTED, UploadOutcome
from gongkai.ui.i18n import STRINGS, t
from index.tables.metrics import catalogue
from parsing.check_words import check_sentence


def _known(key: str) -> bool:
    return key in STRINGS


def _metric_names(value: Any, lang: str) -> str | None:
    keys = [value] if isinstance(value, str) else list(value or ())
    metrics = catalogue()
    names = [metrics[k].name(lang) if k in metrics else None for k in keys]
    if not names or None in names:
        return None
    return ("、" if lang == "zh" else "; ").join(n for n in names if n)


def reading_value(piece: str, value: Any, how: str, how_zh: str, lang: str) -> str:
    """What one piece of the question was read as, in plain words in ``lang``."""
    said = how_zh if lang == "zh" else how
    if piece == "language" and _known(f"language.{value}"):
        return t(f"language.{value}", lang)
    if piece in ("intent", "quality", "level", "group_by") and isinstance(value, str):
        key = {"intent": "intent", "quality": "quality_kind", "level": "level", "group_by": "group"}[piece]
        if _known(f"{key}.{value}"):
            word = t(f"{key}.{value}", lang)
            return t("reading.grouped", lang, by=word) if piece == "group_by" else word
    if piece == "metric":
        return _metric_names(value, lang) or said
    if piece == "script" and _known(f"script.{value}"):
        return t(f"script.{value}", lang)
    return said


def piece_name(piece: str, lang: str) -> str:
    """The name of a piece of the question ("intent" → 问题类型 / Kind of question)."""
    return t(f"piece.{piece}", lang) if _known(f"piece.{piece}") else t("piece.other", lang)


def reading_rows(readings: Iterable[Any], lang: str) -> list[tuple[str, str, str, str]]:
    """(piece, the question's words, read as, confidence) per reading, every word in ``lang``."""
    return [(piece_name(r.piece, lang), r.text or "—", reading_value(r.piece, r.value, r.how, r.how_zh, lang),
             f"{r.confidence:.0%}") for r in readings]


def script_name(script: str, lang: str) -> str:
    """"simplified" → 简体 / Simplified Chinese."""
    return t(f"script.{script}", lang) if _known(f"script.{script}") else script


def template_name(template: str, lang: str) -> str:
    """"2021" → 2021年版统一表格 / the 2021 national template; "unknown" → no national template."""
    return t(f"template.{template}", lang) if _known(f"template.{template}") else template


def upload_reason(code: str, values: dict[str, Any], reason: str, lang: str) -> str:
    """Why an upload was refused or failed, in ``lang``: the declared sentence of its ``code``,
    else (English) the library's own reason, or (Chinese) a general sentence.  A reason the
    library words in both languages itself (``values`` {"zh": …, "en": …}: a file over a limit,
    ``parsing.errors.LimitExceeded``) is said in those words."""
    if isinstance(values.get(lang), str) and set(values) == {"zh", "en"}:
        return str(values[lang])
    key = f"upload.reason.{code}"
    if _known(key):
        try:
            return t(key, lang, **values)
        except (KeyError, IndexError, ValueError):
            pass
    return reason if lang == "en" else t("upload.reason.unreadable", lang)


def outcome_words(outcome: UploadOutcome, lang: str) -> str:
    """What happened to a file beyond its status, in ``lang``: why it was refused, or which of
    its checks fail, in plain words."""
    if outcome.status in (FAILED, REJECTED):
        return upload_reason(outcome.code, outcome.values, outcome.detail, lang)
    if outcome.checks:
        sentences = " ".join(check_sentence(rule, detail, False, lang) for rule, detail in outcome.checks)
        return t("upload.checks", lang, n=len(outcome.checks), sentences=sentences)
    return ""
