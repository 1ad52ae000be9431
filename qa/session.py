"""One turn of a conversation: question → plan → facts → answer (``qa.ask``)."""

from __future__ import annotations

import os

from qa.answer import gather
from qa.compose import Answer, compose
from qa.corpus import Corpus
from qa.dialogue import Conversation, Turn, plan_for
from qa.plan import Plan
from qa.rephrase import rephrase
from qa.understand import understand


def _corpus(corpus: Corpus | str | os.PathLike[str] | None) -> tuple[Corpus, bool]:
    if isinstance(corpus, Corpus):
        return corpus, False
    return Corpus(corpus), True


def plan_question(question: str, conversation: Conversation | None, corpus: Corpus) -> Plan:
    """The plan ``ask`` would run (follow-ups merged), without running it."""
    return plan_for(understand(question, corpus.vocabulary()), conversation)


def ask(question: str, conversation: Conversation | None = None,
        corpus: Corpus | str | os.PathLike[str] | None = None, *, llm: bool = True) -> Answer:
    """Answer ``question`` (a turn of ``conversation``, which it extends) from ``corpus``.

    ``corpus`` is an open :class:`Corpus` (keep one for a conversation) or a data directory
    (default: the ``data`` setting).  ``llm=False`` skips the optional rephrasing.
    """
    handle, owned = _corpus(corpus)
    try:
        plan = plan_question(question, conversation, handle)
        answer = compose(gather(plan, handle))
        if llm:
            answer = rephrase(answer)
    finally:
        if owned:
            handle.close()
    if conversation is not None:
        conversation.add(Turn(question, plan, answer.agencies, answer.text))
    return answer
