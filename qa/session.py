"""One turn of a conversation: question → plan → facts → answer (``qa.ask``)."""

from __future__ import annotations

import os
from typing import Any

from index.tables import store
from qa.compose import Answer
from qa.corpus import Corpus
from qa.dialogue import Conversation, Turn, plan_for
from qa import multipart
from qa.intents import compose, gather
from qa.plan import Plan
from qa.rephrase import Endpoint, rephrase
from qa.scope_text import apply_scope, scope_line, scope_parts
from qa.understand import understand


def _corpus(corpus: Corpus | str | os.PathLike[str]) -> tuple[Corpus, bool]:
    if isinstance(corpus, Corpus):
        return corpus, False
    return Corpus(corpus), True


def plan_question(question: str, conversation: Conversation | None, corpus: Corpus) -> Plan:
    """The plan ``ask`` would run (follow-ups merged), without running it."""
    return plan_for(understand(question, corpus.vocabulary()), conversation)


def ask(question: str, conversation: Conversation | None = None,
        corpus: Corpus | str | os.PathLike[str] = "gongkai-data", *, llm: Endpoint | None = None,
        scope: Any = None, top_k: int | None = None) -> Answer:
    """Answer ``question`` (a turn of ``conversation``, which it extends) from ``corpus``.

    ``corpus`` is an open :class:`Corpus` (keep one for a conversation) or a data directory
    (default ``gongkai-data``).  ``llm`` is an optional endpoint that rephrases the composed
    answer (numbers checked); ``scope`` restricts what the question leaves open (see
    :func:`apply_scope`); ``top_k`` passages are cited (default: the corpus's settings).
    """
    handle, owned = _corpus(corpus)
    # A damaged store file is said as such (StoreDamaged names the repair), never a DuckDB traceback.
    try:
        with store.damage_reported(handle.data):
            plan = apply_scope(plan_question(question, conversation, handle), scope)
            found = multipart.parts(plan, handle.vocabulary())  # several questions in one: each answered
            answer = (multipart.answer(plan, found, handle, top_k) if found
                      else compose(gather(plan, handle, top_k)))
            answer = rephrase(answer, llm)
            # Every answer says what it was limited to (years, region, level, agencies): the last line.
            answer.scope = scope_line(plan, answer.lang, scope)
            answer.scope_parts = [p.to_dict() for p in scope_parts(plan)]
            answer.text = f"{answer.text}\n{answer.scope}"
    finally:
        # Closed (owned) or released: an open connection would keep ingests from writing.
        if owned:
            handle.close()
        else:
            handle.release()
    if conversation is not None:
        # A multi-part answer's plan holds every part's figures (qa.multipart.turn_plan).
        shown = sorted({int(c["year"]) for c in answer.cells if c.get("year") is not None})
        conversation.add(Turn(question, answer.plan, answer.agencies, answer.text, shown))
    return answer
