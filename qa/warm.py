"""Load what a corpus's first question needs before anyone asks it.

A fresh process pays, on its first question, for importing torch and loading the embedding
model (about 5 s on two cores), the passage index (BM25 and FAISS), the store's vocabulary
and the vectors of the metric names.  :func:`warm_up` pays all of that up front: the app's
server calls it when it starts, ``gongkai chat`` before its first prompt.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from parsing.errors import GongkaiError
from qa.corpus import Corpus

# Any text loads the model and the indexes; the words need not mean anything.
_PROBE = "report"


@dataclass
class Warmed:
    """What :func:`warm_up` loaded, how long it took, and why the passages were not loaded."""

    seconds: float
    store: bool = False
    passages: bool = False
    problem: str | None = None


def load_model(corpus: Corpus) -> None:
    """The embedding model the corpus's settings name, and the vectors of the metric names."""
    from qa.metric_terms import embedding_match

    embedding_match(_PROBE, corpus.index.model)


def load_passages(corpus: Corpus) -> bool:
    """The passage index (BM25, FAISS, the passages' marks) and the model it was built with;
    False when the corpus has none yet.  Uses no store connection."""
    from index.passages.search import search

    if not corpus.has_index():
        return False
    corpus.passages()
    search(corpus.data, _PROBE, k=1)
    return True


def warm_up(corpus: Corpus, questions: Iterable[str] = ()) -> Warmed:
    """Load the store's vocabulary, the model and the passage index; then ask ``questions``
    (each in a conversation of its own, answers thrown away) to run every lazy step once.

    Never raises for a missing index or model: the first question says that itself; the
    reason is in ``problem``.
    """
    from qa.session import ask

    started = time.perf_counter()
    warmed = Warmed(0.0)
    try:
        corpus.vocabulary()
        warmed.store = True
        load_model(corpus)
        warmed.passages = load_passages(corpus)
        if not warmed.passages:
            warmed.problem = "the corpus has no passage index yet"
        for question in questions:
            ask(question, None, corpus)
    except GongkaiError as exc:
        warmed.problem = str(exc)
    warmed.seconds = time.perf_counter() - started
    return warmed
