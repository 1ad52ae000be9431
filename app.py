"""Gongkai's Streamlit app: an overview, questions about the corpus, reports, data quality, upload.

    streamlit run app.py            # corpus from $GONGKAI_DATA, else ./gongkai-data
    gongkai app --demo              # the same, with the demo corpus ingested first

The sidebar (language, corpus summary, scope) is drawn here once per run; each page is a
module of ``gongkai/ui/pages`` with a ``render(view)`` function.
"""

from __future__ import annotations

import streamlit as st

from gongkai import settings
from gongkai.ui import cache, preparing, sidebar
from gongkai.ui.i18n import t
from gongkai.ui.state import set_view
from index.tables.store import StoreDamaged

PAGES = (
    ("gongkai/ui/pages/dashboard.py", "nav.dashboard", ":material/dashboard:", "dashboard"),
    ("gongkai/ui/pages/chat.py", "nav.chat", ":material/chat:", "chat"),
    ("gongkai/ui/pages/reports.py", "nav.reports", ":material/description:", "reports"),
    ("gongkai/ui/pages/quality.py", "nav.quality", ":material/rule:", "quality"),
    ("gongkai/ui/pages/upload.py", "nav.upload", ":material/upload_file:", "upload"),
)

st.set_page_config(page_title="Gongkai", page_icon=":material/account_balance:", layout="wide")
data = settings.data_dir()
if preparing.active(data):
    # `gongkai app` builds the demo corpus while its server already runs: say so until it is ready.
    preparing.notice(data, sidebar.language())
    st.stop()
try:
    view = sidebar.render(data)
    set_view(view)
    if view.version is not None:
        # The model and the passage index load in the background while the reader looks around.
        cache.warm_up(str(data), view.version)
    # The overview is the landing page when there is a corpus to overview; else the chat, which says
    # how to add reports (the landing page is served at "/", the others at their url path).
    landing = "dashboard" if view.version is not None and cache.summary(str(data), view.version).reports else "chat"
    pages = [st.Page(path, title=t(key, view.lang), icon=icon, url_path=url, default=url == landing)
             for path, key, icon, url in PAGES]
    st.navigation(pages).run()
except StoreDamaged as exc:  # a store file damaged on disk: the reason and the repair, not a traceback
    st.error(cache.damaged(exc, st.session_state.get("ui.lang") or "zh"))  # the sidebar's language choice
