"""Gongkai's Streamlit app: ask questions of the corpus, browse reports, check data quality, upload.

    streamlit run app.py            # corpus from $GONGKAI_DATA, else ./gongkai-data
    gongkai app --demo              # the same, with the demo corpus ingested first

The sidebar (language, corpus summary, scope) is drawn here once per run; each page is a
module of ``gongkai/ui/pages`` with a ``render(view)`` function.
"""

from __future__ import annotations

import streamlit as st

from gongkai import settings
from gongkai.ui import cache, sidebar
from gongkai.ui.i18n import t
from gongkai.ui.state import set_view

PAGES = (
    ("gongkai/ui/pages/chat.py", "nav.chat", ":material/chat:", "chat"),
    ("gongkai/ui/pages/reports.py", "nav.reports", ":material/description:", "reports"),
    ("gongkai/ui/pages/quality.py", "nav.quality", ":material/rule:", "quality"),
    ("gongkai/ui/pages/upload.py", "nav.upload", ":material/upload_file:", "upload"),
)

st.set_page_config(page_title="Gongkai", page_icon=":material/account_balance:", layout="wide")
data = settings.data_dir()
view = sidebar.render(data)
set_view(view)
if view.version is not None:
    # The model and the passage index load in the background while the reader looks around.
    cache.warm_up(str(data), view.version)
pages = [st.Page(path, title=t(key, view.lang), icon=icon, url_path=url, default=i == 0)
         for i, (path, key, icon, url) in enumerate(PAGES)]
st.navigation(pages).run()
