"""One turn of a conversation: question → plan → facts → answer (``qa.ask``)."""

from __future__ import annotations

import os
from typing import Any

from qa.compose import Answer
from qa.corpus import Corpus
from qa.dialogue import Conversation, Turn, plan_for
from qa import multipart
from qa.intents import compose, gather
from qa.plan import Entity, Plan, Reading
from qa.rephrase import Endpoint, rephrase
from qa.understand import understand


def _corpus(corpus: Corpus | str | os.PathLike[str]) -> tuple[Corpus, bool]:
    if isinstance(corpus, Corpus):
        return corpus, False
    return Corpus(corpus), True


def plan_question(question: str, conversation: Conversation | None, corpus: Corpus) -> Plan:
    """The plan ``ask`` would run (follow-ups merged), without running it."""
    return plan_for(understand(question, corpus.vocabulary()), conversation)


def apply_scope(plan: Plan, scope: Any) -> Plan:
    """Restrictions chosen outside the question (the app's sidebar), where the question names none.

    ``scope`` has ``year_from``, ``year_to``, ``region`` ((level, name) pairs), ``agencies``
    and ``level`` (as :class:`index.tables.summary.Scope`); what the question says wins.
    """
    if scope is None:
        return plan
    if not plan.has_years() and (scope.year_from is not None or scope.year_to is not None):
        plan.year_from, plan.year_to = scope.year_from, scope.year_to
        plan.readings.append(Reading("year", "", [scope.year_from, scope.year_to], "from the chosen scope",
                                     "来自所选范围"))
    if not plan.entities and not plan.from_previous:
        if scope.agencies:
            plan.entities.append(Entity("", "agency", names=list(scope.agencies), how="chosen scope",
                                        how_zh="所选范围"))
        elif scope.region:
            plan.entities.append(Entity("", "region", region=dict(scope.region), how="chosen scope",
                                        how_zh="所选范围"))
    if plan.level is None and scope.level:
        plan.level = scope.level
    return plan


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
    try:
        plan = apply_scope(plan_question(question, conversation, handle), scope)
        found = multipart.parts(plan, handle.vocabulary())  # several questions in one: each answered
        answer = multipart.answer(plan, found, handle, top_k) if found else compose(gather(plan, handle, top_k))
        answer = rephrase(answer, llm)
    finally:
        if owned:
            handle.close()
    if conversation is not None:
        # A multi-part answer's plan holds every part's figures (qa.multipart.turn_plan).
        shown = sorted({int(c["year"]) for c in answer.cells if c.get("year") is not None})
        conversation.add(Turn(question, answer.plan, answer.agencies, answer.text, shown))
    return answer
