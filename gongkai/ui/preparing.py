"""The demo corpus being built while the app already runs (`gongkai app` on first use).

`gongkai app` starts the server first, so that its address is known at once, and builds the
demo corpus meanwhile.  It marks the corpus folder for that time (:func:`preparing`: a file
holding its process id); the app then says the corpus is being prepared instead of "no corpus
yet", and redraws itself when the mark is gone.  A mark whose process has died (a build that
was killed) counts for nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from gongkai.ui.i18n import t

MARKER = ".preparing-demo"
# How often an open page looks whether the build is done.
CHECK_SECONDS = 2.0


def _marker(data: Path) -> Path:
    return Path(data) / MARKER


@contextmanager
def preparing(data: Path) -> Iterator[None]:
    """Mark ``data`` as being built by this process for the duration of the block."""
    path = _marker(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(os.getpid()), "ascii")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def active(data: Path) -> bool:
    """Whether a live process is building the corpus at ``data``."""
    try:
        pid = int(_marker(data).read_text("ascii").strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def notice(data: Path, lang: str) -> None:
    """Say the corpus is being prepared; rerun the whole app once it is ready."""
    st.info(t("app.preparing", lang))

    @st.fragment(run_every=CHECK_SECONDS)
    def _check() -> None:
        if not active(data):
            st.rerun(scope="app")

    _check()
