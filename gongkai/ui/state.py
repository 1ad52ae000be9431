"""The view of one run: corpus folder and version, language and scope, set by ``app.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from gongkai.ui.cache import Version
from gongkai.ui.i18n import t
from index.tables.summary import Scope

_VIEW_KEY = "gongkai.view"


@dataclass(frozen=True)
class View:
    """What every page needs: the corpus folder and version, the language, the scope and the
    settings chosen in the sidebar (see :data:`gongkai.settings.SETTINGS`)."""

    data: Path
    version: Version
    lang: str
    scope: Scope
    top_k: int = 5
    max_upload_mb: int = 20

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)


def set_view(view: View) -> None:
    st.session_state[_VIEW_KEY] = view


def current_view() -> View:
    """The view ``app.py`` set for this run (pages are only run through ``app.py``)."""
    view = st.session_state.get(_VIEW_KEY)
    if view is None:
        st.error("Run the app with `streamlit run app.py` (or `gongkai app`), not a page on its own.")
        st.stop()
    return view
