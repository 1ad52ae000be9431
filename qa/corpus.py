"""The corpus as the question layer sees it: a read connection, the names it holds, its years.

A :class:`Corpus` keeps the vocabulary of a store for a conversation (rebuilding it for every
question would cost the agency index every time) and a read-only connection for one question
at a time (:meth:`Corpus.release`: an open connection keeps ingests from writing); it rebuilds
the vocabulary when the store changed since (:func:`index.tables.store.version`).  Its
:class:`Vocabulary` finds the agency and place names a
question mentions: every name form :func:`index.tables.resolve.agency_forms` knows, scanned for in
the text longest first, then resolved by :mod:`index.tables.resolve` for confidence and ambiguity.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from index.passages.copies import copied_sections
from index.passages.settings import IndexSettings
from index.tables import store
from index.passages.indexer import current_folder, read_passages
from index.tables.resolve import AgencyIndex, Resolution, agency_forms, agency_index, english_key, is_pinyin, split_place
from parsing.meta import to_simplified
from qa import lexicon
from qa.metric_terms import MetricMatch, embedding_match

# Passage columns the question layer reads directly (near-duplicate marks).
_PASSAGE_COLUMNS = ["id", "report_id", "source", "agency", "year", "section_no", "section_title", "kind", "text",
                    "duplicate_of", "duplicate_score"]
# Words without apostrophes: "Zone's" is the word "Zone".
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")
# Capitalised words that start questions rather than name places.
_NOT_NAMES = frozenset(
    w for phrase in (*lexicon.LIST, *lexicon.NUMERIC, *lexicon.COMPARE, *lexicon.TREND, *lexicon.TOTAL,
                     *lexicon.AVERAGE, *lexicon.FOLLOW_UP_HEAD, *lexicon.PLURAL_PRONOUNS, *lexicon.SEARCH_NOISE,
                     *lexicon.RANK_DESC, *lexicon.RANK_ASC)
    for w in phrase.split()
) | {"how", "where", "when", "did", "does", "do", "was", "were", "show", "list", "give", "find", "name", "in",
     "i", "a", "an", "per", "by", "across", "from", "to", "since", "between", "has", "have", "had", "its",
     "their", "many", "much", "information", "disclosure", "government", "report", "reports", "requests"}


# A lower-case word is taken for a name in pinyin from this many letters on ("jiangle", not "an").
PINYIN_NAME_MIN = 5


@dataclass
class Mention:
    """A span of the question that names an agency or a place, and what it resolves to."""

    start: int
    end: int
    text: str
    resolution: Resolution


@dataclass
class Vocabulary:
    """Agency and region names of one store, the years it covers, and a scanner for questions."""

    index: AgencyIndex
    forms: dict[str, int] = field(default_factory=dict)  # form → how many targets answer to it
    lengths: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    # The last resort for a figure no metric name matches: the closest metric by embedding
    # similarity (needs the model); None = names only.
    similar_metric: Callable[[str], MetricMatch | None] | None = None

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection,
                   similar_metric: Callable[[str], MetricMatch | None] | None = None) -> "Vocabulary":
        index = agency_index(con)
        forms: dict[str, int] = {}
        for agency in index.agencies.values():
            for form, _ in agency_forms(agency.name, agency.region):
                forms[form] = forms.get(form, 0) + 1
        for (_, value) in index.regions:
            forms[value] = forms.get(value, 0) + 1
            core, suffix = split_place(value)
            if suffix:
                forms[core] = forms.get(core, 0) + 1
        years = [row[0] for row in con.execute(
            "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY year").fetchall()]
        lengths = sorted({len(f) for f in forms}, reverse=True)
        return cls(index, forms, lengths, years, similar_metric)

    @property
    def newest(self) -> int | None:
        return self.years[-1] if self.years else None

    def agency_years(self, name: str) -> list[int]:
        agency = self.index.agencies.get(name)
        return list(agency.years) if agency else []

    def resolve(self, text: str) -> Resolution:
        return self.index.resolve(text)

    def mentions(self, text: str) -> list[Mention]:
        """Names in ``text`` (Chinese forms, then English words), longest first, not overlapping."""
        simplified = to_simplified(text)
        found: list[tuple[int, int]] = []
        for start in range(len(simplified)):
            for length in self.lengths:
                if start + length <= len(simplified) and simplified[start:start + length] in self.forms:
                    found.append((start, start + length))
        chosen = _longest_spans(found)
        mentions = [Mention(s, e, simplified[s:e], self.resolve(simplified[s:e])) for s, e in chosen]
        mentions += self._english(text, chosen)
        mentions = [m for m in mentions if m.resolution.matches]
        return sorted(mentions, key=lambda m: m.start)

    def _english(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        words = list(_WORD.finditer(text))
        if not words:
            return []
        place_words = {w for _, ws in _place_words() for w in ws}
        found: list[tuple[int, int]] = []
        for i in range(len(words)):
            for n in range(min(8, len(words) - i), 0, -1):
                gram = words[i:i + n]
                tokens = [w.group(0) for w in gram]
                # Capitalised, or one lower-case word of pinyin long enough not to be English ("jiangle").
                named = any(t[0].isupper() and t.lower() not in _NOT_NAMES for t in tokens) or (
                    n == 1 and len(tokens[0]) >= PINYIN_NAME_MIN and tokens[0].lower() not in _NOT_NAMES
                    and is_pinyin(tokens[0].lower()))
                if not named and not any(" ".join(t.lower() for t in tokens[k:]) in place_words
                                         for k in range(1, len(tokens))):
                    continue
                if tokens[0].lower() in _NOT_NAMES:
                    continue
                span = (gram[0].start(), gram[-1].end())
                phrase = text[span[0]:span[1]]
                if english_key(phrase) and self.index.candidates(phrase):
                    found.append(span)
        chosen = [s for s in _longest_spans(found) if not any(s[0] < e and b < s[1] for b, e in taken)]
        return [Mention(s, e, text[s:e], self.resolve(text[s:e])) for s, e in chosen]


def _place_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    from parsing.vocabulary import PLACE_WORDS

    return PLACE_WORDS


def _longest_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


class Corpus:
    """A corpus directory opened for questions: the store, its vocabulary and its passages."""

    def __init__(self, data: str | os.PathLike[str], index: IndexSettings = IndexSettings()) -> None:
        self.data = Path(data)
        self.index = index  # top_k passages cited; the model is the one the passage index was built with
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: object = None  # store.version() when the vocabulary was built
        self._vocabulary: Vocabulary | None = None
        self._passages: tuple[Path, pd.DataFrame] | None = None
        self._copies: tuple[Path, pd.DataFrame] | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The read connection, opened on first use after :meth:`release` (waiting while an ingest
        writes a batch); the vocabulary is rebuilt when the store changed since it was built."""
        if self._con is None:
            self._con = store.open_read(self.data)
            stamp = store.version(self.data)  # taken while open: no writer can change the store meanwhile
            if stamp != self._stamp:
                self._vocabulary = None
                self._stamp = stamp
        return self._con

    def release(self) -> None:
        """Close the connection, keeping what was read (the vocabulary): call it after each question.

        While any connection is open no ingest can write to the store (DuckDB), so a reader
        holds one only for as long as a question takes; the next :meth:`connection` reopens it
        and notices a change through :func:`index.tables.store.version`.
        """
        if self._con is not None:
            self._con.close()
        self._con = None

    def vocabulary(self) -> Vocabulary:
        con = self.connection()
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_store(con, partial(embedding_match, model_name=self.index.model))
        return self._vocabulary

    def has_index(self) -> bool:
        return current_folder(self.data) is not None

    def passages(self) -> pd.DataFrame | None:
        """Passages with their near-duplicate marks (no vectors), cached per index generation."""
        folder = current_folder(self.data)
        if folder is None:
            return None
        if self._passages is None or self._passages[0] != folder:
            frame = read_passages(folder, _PASSAGE_COLUMNS)
            self._passages = (folder, frame)
        return self._passages[1]

    def copies(self) -> pd.DataFrame | None:
        """Sections repeating an earlier report's text, boilerplate left out, most copied first
        (:func:`index.passages.copies.copied_sections`), cached per index generation."""
        folder = current_folder(self.data)
        if folder is None:
            return None
        if self._copies is None or self._copies[0] != folder:
            self._copies = (folder, copied_sections(folder))
        return self._copies[1]

    def close(self) -> None:
        self.release()
        self._vocabulary = None
        self._stamp = None

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
