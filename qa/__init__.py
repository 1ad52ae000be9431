"""Question answering: question + conversation → plan → facts → answer.

    from qa import Conversation, Corpus, ask

    with Corpus("gongkai-data") as corpus:
        conversation = Conversation()
        answer = ask("大涌镇2022年行政处罚决定有多少件？", conversation, corpus)
        answer = ask("那行政强制呢？", conversation, corpus)
        print(answer.text, answer.to_dict()["plan"]["read_as_zh"])

:mod:`qa.understand` reads the question, :mod:`qa.dialogue` completes a follow-up from the
previous turn, :mod:`qa.answer` runs the plan, :mod:`qa.compose` writes the answer and
:mod:`qa.rephrase` lets a configured language model reword it (numbers checked).
"""

from __future__ import annotations

from qa.facts import Facts
from qa.compose import Answer
from qa.corpus import Corpus
from qa.dialogue import Conversation
from qa.plan import Plan
from qa.session import ask, plan_question

__all__ = ["Answer", "Conversation", "Corpus", "Facts", "Plan", "ask", "plan_question"]
