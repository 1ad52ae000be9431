"""Small pieces several pages share: downloads of a table and safe labels."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from gongkai.ui.i18n import t
from index.tables.export import excel_text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Report text made safe for a Markdown label: every Markdown character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", " ")


def csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    # UTF-8 with a byte-order mark: Excel then opens Chinese text correctly.
    return frame.to_csv(index=index).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    safe = frame.copy()
    for name in safe.columns:
        if pd.api.types.is_object_dtype(safe[name]) or pd.api.types.is_string_dtype(safe[name]):
            safe[name] = safe[name].map(lambda v: excel_text(v) if isinstance(v, str) else v)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=index)
        for row in writer.sheets["Sheet1"].iter_rows():
            for cell in row:
                if cell.data_type == "f":  # report text that starts with "=" is text, not a formula
                    cell.data_type = "s"
    return buffer.getvalue()


def downloads(frame: pd.DataFrame, name: str, lang: str, key: str, index: bool = False) -> None:
    """CSV and Excel buttons for ``frame``; the files are made only when clicked."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(t("download.csv", lang), data=lambda: csv_bytes(frame, index), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}.csv", on_click="ignore")
    right.download_button(t("download.xlsx", lang), data=lambda: excel_bytes(frame, index),
                          file_name=f"{name}.xlsx", key=f"{key}.xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
