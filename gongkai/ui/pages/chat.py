"""Chat: questions in, answers from :func:`qa.ask` out, the conversation kept across turns."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Any

import streamlit as st

from gongkai.ui import cache
from gongkai.ui.answer_view import render_answer
from gongkai.ui.state import View, current_view
from parsing.errors import GongkaiError

EXAMPLES = ("chat.example.1", "chat.example.2", "chat.example.3", "chat.example.4")
_TURNS_KEY = "chat.turns"
_CONVERSATION_KEY = "chat.conversation"
_PENDING_KEY = "chat.pending"
# The address parameter that asks a question on opening the chat (/chat?q=…).
QUESTION_PARAM = "q"
# Seconds a question waits for the background loading of the model before going ahead.
WARM_UP_WAIT = 120


@dataclass
class Turn:
    """One question and its answer. A turn is stored as soon as its question is sent, before it
    is answered or drawn, so a rerun started meanwhile (the next question) never loses it."""

    question: str
    answer: Any = None
    error: str | None = None
    ms: float = 0.0

    @property
    def pending(self) -> bool:
        return self.answer is None and self.error is None


def _new_conversation() -> None:
    st.session_state[_TURNS_KEY] = []
    st.session_state.pop(_CONVERSATION_KEY, None)


def _ask(view: View, question: str) -> Turn:
    import qa

    if _CONVERSATION_KEY not in st.session_state:
        st.session_state[_CONVERSATION_KEY] = qa.Conversation()
    conversation = st.session_state[_CONVERSATION_KEY]
    started = time.perf_counter()
    try:
        warm = cache.warm_up(str(view.data), view.version)
        if warm.is_alive() and cache.needs_model(str(view.data), question, conversation):
            # A passage search in a fresh process waits for the model the warm-up is loading.
            with st.spinner(view.t("chat.loading")):
                warm.join(timeout=WARM_UP_WAIT)
        answer = cache.ask(str(view.data), question, conversation, view.scope, view.top_k)
    except GongkaiError as exc:
        return Turn(question, error=view.t("chat.error", reason=str(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug in one answer must not end the conversation
        traceback.print_exc()
        return Turn(question, error=view.t("chat.error", reason=f"{type(exc).__name__}: {exc}"))
    return Turn(question, answer=answer, ms=(time.perf_counter() - started) * 1000)


def _answer(view: View, turn: Turn, index: int) -> None:
    if turn.error:
        st.error(turn.error)
    else:
        render_answer(view, turn.answer, key=f"turn{index}")
        st.caption(view.t("chat.seconds", ms=f"{turn.ms:.0f}"))


def _show(view: View, turn: Turn, index: int) -> None:
    with st.chat_message("user"):
        st.text(turn.question)
    with st.chat_message("assistant"):
        _answer(view, turn, index)


def _ask_now(view: View, turn: Turn, index: int) -> None:
    """Answer a stored, pending turn and draw it in this run (later answers appear at once).

    The answer is put into the stored turn the moment it is computed: no Streamlit call (where
    a rerun may interrupt the script) comes between the two."""
    with st.chat_message("user"):
        st.text(turn.question)
    with st.chat_message("assistant"):
        with st.spinner(view.t("chat.thinking")):
            done = _ask(view, turn.question)
            turn.answer, turn.error, turn.ms = done.answer, done.error, done.ms
        _answer(view, turn, index)


def _pick_example(question: str) -> None:
    st.session_state[_PENDING_KEY] = question


def _examples(view: View) -> None:
    st.write(view.t("chat.examples"))
    for key in EXAMPLES:
        st.button(view.t(key), key=f"example.{key}", on_click=_pick_example, args=(view.t(key),))


def _linked_question() -> str | None:
    """A question sent by a link (``?q=…``, e.g. a figure of the overview): asked once, then
    dropped from the address so that a rerun does not ask it again."""
    question = st.query_params.get(QUESTION_PARAM)
    if question is not None:
        del st.query_params[QUESTION_PARAM]
    return question


def render(view: View) -> None:
    head, button = st.columns([5, 1])
    head.title(view.t("chat.title"))
    button.button(view.t("chat.new"), on_click=_new_conversation, key="chat.new", icon=":material/add_comment:")
    if view.version is None:
        st.info(view.t("sidebar.no_corpus"))
        return
    if not view.scope.is_empty():
        st.caption(view.t("chat.scope_applied"))
    turns: list[Turn] = st.session_state.setdefault(_TURNS_KEY, [])
    for i, turn in enumerate(turns):
        if turn.pending:  # sent, then interrupted by a rerun before it was answered: answer it now
            _ask_now(view, turn, i)
        else:
            _show(view, turn, i)
    linked = _linked_question()
    question = st.chat_input(view.t("chat.input"), key="chat.input") or st.session_state.pop(_PENDING_KEY, None) \
        or linked
    if question and question.strip():
        turns.append(Turn(question.strip()))  # stored before it is asked or drawn
        _ask_now(view, turns[-1], len(turns) - 1)
    elif not turns:
        _examples(view)


if __name__ == "__main__":
    render(current_view())
