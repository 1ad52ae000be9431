"""Retrieval quality on a labelled query set: Recall@5 and MRR for BM25, dense and hybrid.

The set (``tests/retrieval_set.jsonl``) names relevant passages by what a reader sees —
agency, year, section kind and a piece of the passage text — never by passage ids, so it
survives re-chunking.  Each line::

    {"id": "s01", "corpus": "seeds", "style": "keyword", "query": "…", "filters": {"kind": "measures"},
     "relevant": [{"agency": "将乐县", "year": 2024, "kind": "measures", "contains": "丰富解读形式"}]}

``corpus`` is ``seeds`` (the five seed reports) or ``demo`` (the demo corpus written with
:data:`DEMO_CORPUS`).  ``style`` is ``keyword`` (the query shares words with the passage)
or ``paraphrase`` (a user's own words: little overlap).  ``contains`` is compared in
simplified script.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import pandas as pd

from index.passages.indexer import load_state
from index.passages.search import search
from parsing.errors import GongkaiError
from parsing.meta import to_simplified

class DemoCorpus(TypedDict):
    n_agencies: int
    years: range
    seed: int


# The demo corpus the labelled set was written against (corpus.demo.write_corpus arguments).
DEMO_CORPUS: DemoCorpus = {"n_agencies": 40, "years": range(2021, 2024), "seed": 7}
SYSTEMS = {"bm25": ("bm25",), "dense": ("dense",), "hybrid": ("bm25", "dense")}
RECALL_AT = 5
MRR_DEPTH = 10


class StaleLabel(GongkaiError):
    """A label of the retrieval set matches no passage of its corpus."""


@dataclass
class Query:
    id: str
    corpus: str
    query: str
    filters: dict
    relevant: list[dict]
    style: str = "keyword"


@dataclass
class Scores:
    recall: float
    mrr: float
    per_query: dict[str, tuple[float, float]] = field(default_factory=dict)


def load_set(path: Path) -> list[Query]:
    queries = []
    for line in Path(path).read_text("utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            queries.append(Query(data["id"], data["corpus"], data["query"], data.get("filters", {}),
                                 data["relevant"], data.get("style", "keyword")))
    return queries


def relevant_ids(passages: pd.DataFrame, labels: Iterable[dict]) -> set[str]:
    """Ids of the passages matching any label; a label matching none is an error."""
    found: set[str] = set()
    for label in labels:
        mask = passages["simplified"].str.contains(to_simplified(label["contains"]), regex=False)
        if label.get("agency"):
            mask &= passages["agency"].fillna("").str.contains(to_simplified(label["agency"]), regex=False)
        if label.get("year"):
            mask &= passages["year"] == int(label["year"])
        if label.get("kind"):
            mask &= passages["kind"] == label["kind"]
        ids = set(passages.loc[mask, "id"])
        if not ids:
            raise StaleLabel(f"label {label} matches no passage: the corpus or the chunker changed; "
                             f"update tests/retrieval_set.jsonl")
        found |= ids
    return found


def evaluate(data_dir: Path, queries: list[Query]) -> dict[str, Scores]:
    """Recall@5 and MRR@10 of each system over ``queries`` (all on the index in ``data_dir``)."""
    passages = load_state(data_dir).passages
    truth = {q.id: relevant_ids(passages, q.relevant) for q in queries}
    results: dict[str, Scores] = {}
    for name, retrievers in SYSTEMS.items():
        per_query = {}
        for q in queries:
            hits = search(data_dir, q.query, k=MRR_DEPTH, retrievers=retrievers, **q.filters)
            ids = [h.id for h in hits]
            relevant = truth[q.id]
            recall = len(relevant & set(ids[:RECALL_AT])) / len(relevant)
            rank = next((i for i, pid in enumerate(ids, start=1) if pid in relevant), None)
            per_query[q.id] = (recall, 1.0 / rank if rank else 0.0)
        n = max(len(per_query), 1)
        results[name] = Scores(sum(r for r, _ in per_query.values()) / n,
                               sum(m for _, m in per_query.values()) / n, per_query)
    return results
