"""The plan of an answer: what a question asks, read into fields, with how each was read.

:mod:`qa.understand` makes a :class:`Plan` from a question, :mod:`qa.dialogue` merges it
with the previous turn's plan, :mod:`qa.answer` runs it.  ``to_dict`` is what ``gongkai ask
--json`` prints under ``"plan"``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# lookup: one figure of named agencies; list: agencies meeting a condition; count: how many
# do; rank: largest / smallest first; compare: agencies or years side by side; trend: a
# figure over years; total / average: over many reports; narrative: passages; quality: data
# problems; mixed: agencies meeting a condition, then their passages; corpus: the reports
# themselves (how many, which years, published when, which script or template: qa.corpus_facts);
# change: a figure's change between two years, or agencies ranked by it (qa.change);
# text_figure: a count stated only in a report's text, quoted (qa.text_figures).
INTENTS = ("lookup", "list", "count", "rank", "compare", "trend", "total", "average", "change", "narrative",
           "quality", "mixed", "corpus", "text_figure", "unknown")
STRUCTURED = ("lookup", "list", "count", "rank", "compare", "trend", "total", "average", "change")
# Which data problems a quality question asks about.
QUALITY_KINDS = ("balance", "narrative", "unit", "copied", "carry_over", "jump", "peer_zero", "years", "any")


@dataclass
class Reading:
    """How one piece of the question was read."""

    piece: str  # language, intent, agency, region, year, metric, threshold, top_n, kind, topic, quality, group_by
    text: str  # the words of the question (or "" when implied)
    value: Any
    how: str
    how_zh: str
    confidence: float = 1.0


@dataclass
class Entity:
    """An agency or a region the question names, resolved against the corpus.

    ``names`` holds the store's agency names: one when resolved, several when the name
    matched several agencies equally well (``ambiguous``).  A region has ``region`` set
    (level → value) instead.
    """

    text: str
    kind: str  # agency | region
    names: list[str] = field(default_factory=list)
    region: dict[str, str] = field(default_factory=dict)
    confidence: float = 1.0
    how: str = "exact"
    how_zh: str = "全称"
    ambiguous: bool = False
    years: dict[str, list[int]] = field(default_factory=dict)  # agency → years it has reports for


@dataclass
class Plan:
    question: str = ""
    lang: str = "zh"
    intent: str = "unknown"
    metrics: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    threshold: dict[str, Any] | None = None  # {"op": ">", "value": 10.0}
    top_n: int | None = None
    order: str = "desc"
    group_by: str | None = None
    level: str | None = None  # province | city | county | township | department (index.tables.level)
    compare: str | None = None  # agency | year | metric
    kinds: list[str] = field(default_factory=list)  # passage kinds (index.passages.chunk.KINDS)
    topic: str | None = None  # a topic key (index.passages.topics)
    search_text: str = ""
    quality: str | None = None
    count_reports: bool = False
    # A corpus question (qa.corpus_facts): {"ask": reports|agencies|years|list, "fields": [...],
    # "script": ..., "template": ...}.
    corpus: dict[str, Any] = field(default_factory=dict)
    # A change over time (qa.change): {"base": "previous" | year, "words": ..., "rank": "desc" | "asc"}.
    change: dict[str, Any] = field(default_factory=dict)
    # "它们" / "they": the agencies of the previous answer (filled in by qa.dialogue).
    from_previous: bool = False
    previous_agencies: list[str] = field(default_factory=list)
    # Pieces the question names itself, pieces taken over from the previous turn.
    given: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    follow_up: bool = False
    read_as: str = ""
    read_as_zh: str = ""
    readings: list[Reading] = field(default_factory=list)
    # Names that matched nothing in the corpus, and metric words not understood.
    unknown_names: list[str] = field(default_factory=list)
    # Content words linked to nothing (qa.coverage); the answer states them with its reading.
    unlinked: list[str] = field(default_factory=list)
    newest_year: int | None = None

    @property
    def agencies(self) -> list[str]:
        """Store names of the agencies in scope (the previous answer's for "它们")."""
        names = [n for e in self.entities if e.kind == "agency" for n in e.names]
        if self.from_previous:
            names += self.previous_agencies
        return list(dict.fromkeys(names))

    @property
    def region(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for entity in self.entities:
            if entity.kind == "region":
                found.update(entity.region)
        return found

    def agency_entities(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "agency"]

    def has_years(self) -> bool:
        return bool(self.years) or self.year_from is not None or self.year_to is not None

    def reading(self, piece: str) -> Reading | None:
        return next((r for r in self.readings if r.piece == piece), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agencies"] = self.agencies
        data["region"] = self.region
        return data
