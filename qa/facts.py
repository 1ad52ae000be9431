"""What running a plan gathered: queries and their results, passages, notes (``Facts``).

Filled by :mod:`qa.answer` (and :mod:`qa.corpus_facts`), read by :mod:`qa.compose` and
:mod:`qa.figures`; kept apart so that the modules that write and read it do not import
each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from index.passages.search import Hit
from index.tables.metrics import Metric
from index.tables.query import QueryResult, QuerySpec
from qa.passage_groups import Mentions
from qa.plan import Plan

# Rows of a table written out in an answer's text at most (the table holds them all).
TEXT_ROWS = 20


@dataclass
class Note:
    """A sentence in both languages (a warning or a statement of missing data)."""

    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Query:
    purpose: str
    spec: QuerySpec
    result: QueryResult


@dataclass
class Facts:
    plan: Plan
    queries: list[Query] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    metrics: list[Metric] = field(default_factory=list)
    passages: list[Hit] = field(default_factory=list)
    quality: pd.DataFrame | None = None
    missing: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    failed_checks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # report_id → file name
    agencies: list[str] = field(default_factory=list)  # what the answer is about
    counterparts: pd.DataFrame | None = None  # the other template's look-alike cells of absent metrics
    # Reports past a ranking's cut that share the value of its last row (said, never hidden).
    ties: pd.DataFrame | None = None
    text_figures: list[Any] = field(default_factory=list)  # figures stated in the text (qa.text_figures)
    # Near-identical passages folded into a passage shown (its id → them) and how many reports
    # mention what was asked (qa.passage_groups).
    passage_copies: dict[str, list[Hit]] = field(default_factory=dict)
    mentions: Mentions | None = None
    # Cells an intent cites without a query (the two years a cross-year check compares): answer cells' form.
    cited_cells: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cells(self) -> list[dict[str, Any]]:
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for query in self.queries:
            for cell in query.result.cells:
                seen.setdefault((cell["report_id"], cell["field"]), cell)
        for cell in self.cited_cells:
            seen.setdefault((cell["report_id"], cell["field"]), cell)
        return list(seen.values())
