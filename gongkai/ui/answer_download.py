"""The "download this answer" button under a chat answer.

The workbook (:func:`qa.answer_export.answer_workbook`) is built only when the button is
clicked; meanwhile Streamlit turns the button's icon into a spinner.
"""

from __future__ import annotations

import streamlit as st

from gongkai.ui.state import View
from qa import Answer
from qa.answer_export import answer_workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def answer_download(view: View, answer: Answer, key: str) -> None:
    """One button: the answer, its table, its sources and its SQL as one ``.xlsx``."""
    lang = view.lang
    st.download_button(view.t("download.answer"), data=lambda: answer_workbook(answer, lang),
                       file_name=f"gongkai-answer-{key}.xlsx", mime=XLSX_MIME, key=f"{key}.answer.xlsx",
                       on_click="ignore", icon=":material/download:", help=view.t("download.answer_help"))
