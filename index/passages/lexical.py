"""BM25 over jieba tokens of the simplified passage text.

jieba cuts in search mode (a long word and its dictionary sub-words, so 政策解读 also
yields 政策 and 解读) with a user dictionary of the template's labels, the topic
keywords and the corpus's agency and place names.  Traditional text is tokenised in its
simplified form, and so are queries, so either script finds the other.

The index is a documents × terms matrix of raw term counts (rows in passage order);
BM25 weights are computed from it when it is loaded, so adding or removing passages only
touches their rows.  Filters restrict the candidate rows before the top-k is taken.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from index.passages import jieba_disk
from index.passages.topics import keywords as topic_keywords
from parsing.meta import to_simplified
from parsing.template import IMPROVEMENT_MARKERS, PROBLEM_MARKERS, SECTIONS, TEMPLATES

K1 = 1.2
B = 0.75
# Function words that carry no topic (question words, particles); BM25's idf would
# weigh them down anyway, this only keeps them out of the matrix.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 有 为 对 等 将 把 被 也 都 而 并 其 之 中 上 下 个 年 月 日 我 我们 "
    "哪些 什么 多少 如何 怎么 怎样 怎么样 是否 有没有 有无 关于 方面 情况 吗 呢 请问 哪个 哪里".split()
)
_TOKEN = re.compile(r"[\w\u4e00-\u9fff]")
_SPACE = re.compile(r"\s")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,20}$")
_LABEL_NOISE = re.compile(r"^[(（]?[一二三四五六七八九十\d]+[)）.、．]?")


def template_words() -> set[str]:
    """Chinese words of the template: labels, row and column names, section titles."""
    words: set[str] = set()
    for template in TEMPLATES.values():
        for table in template.tables.values():
            words.update(table.heading_match)
            for row in table.rows:
                words.update((row.label, *row.match, *row.synonyms))
            for column in table.columns:
                words.update((column.label, *column.synonyms))
    for section in SECTIONS:
        words.update((section.title, *section.match))
    words.update(IMPROVEMENT_MARKERS)
    words.update(PROBLEM_MARKERS)
    cleaned = {_LABEL_NOISE.sub("", w).strip() for w in words}
    return {w for w in cleaned if _CJK_WORD.match(w)}


def dictionary_words(agencies: Iterable[str | None] = (), places: Iterable[str | None] = ()) -> list[str]:
    """The user dictionary: template words, topic keywords, agency and place names."""
    words = template_words() | set(topic_keywords())
    for name in (*agencies, *places):
        if name:
            simplified = to_simplified(name)
            if _CJK_WORD.match(simplified):
                words.add(simplified)
    return sorted(w for w in words if _CJK_WORD.match(w))


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...], on_disk: bool = False):
    """A jieba tokenizer with ``words`` added (one per dictionary, built once per process).

    ``on_disk``: jieba's dictionary is read from disk word by word (:mod:`jieba_disk`, the same
    tokens) instead of loaded whole (0.7 s): for a query's few words in a fresh process.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if not (on_disk and jieba_disk.attach(tokenizer)):
        tokenizer.initialize()
    for word in words:
        # A high frequency keeps the whole word; search mode still adds its sub-words.
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 2000))
    return tokenizer


def tokenize(text: str, words: Sequence[str], on_disk: bool = False) -> list[str]:
    """BM25 tokens of ``text`` (either script) with the user dictionary ``words``."""
    simplified = to_simplified(text).lower()
    tokenizer = _tokenizer(tuple(words), on_disk)
    return [t for t in tokenizer.cut_for_search(simplified)
            if t not in STOPWORDS and _TOKEN.search(t) and not _SPACE.search(t)]


@dataclass
class LexicalIndex:
    """Raw term counts (documents × terms) and the vocabulary; weights derived on load."""

    counts: sp.csr_matrix
    vocab: dict[str, int]
    words: list[str]
    _weights: sp.csc_matrix | None = None

    @property
    def n_docs(self) -> int:
        return self.counts.shape[0]

    def weights(self) -> sp.csc_matrix:
        """BM25 term weights per (document, term), column-major for fast term lookup."""
        if self._weights is None:
            self._weights = bm25_weights(self.counts)
        return self._weights

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the best ``k`` documents among ``allowed`` (a boolean row mask)."""
        terms = [self.vocab[t] for t in dict.fromkeys(tokenize(query, self.words, on_disk=True)) if t in self.vocab]
        if not terms or self.n_docs == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        matched = self.weights()[:, terms].tocsr()
        scores = np.asarray(matched.sum(axis=1)).ravel()
        candidates = np.flatnonzero(scores > 0)
        if allowed is not None:
            candidates = candidates[allowed[candidates]]
        if len(candidates) > k:
            top = np.argpartition(-scores[candidates], k - 1)[:k]
            candidates = candidates[top]
        order = np.argsort(-scores[candidates], kind="stable")
        rows = candidates[order]
        return rows.astype(np.int64), scores[rows].astype(np.float32)


# Documents (rows of the count matrix) weighted at a time by bm25_weights.
WEIGHT_BLOCK = 8192


def bm25_weights(counts: sp.csr_matrix) -> sp.csc_matrix:
    n_docs = counts.shape[0]
    if n_docs == 0:
        return counts.tocsc().astype(np.float32)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    avg = max(float(lengths.mean()), 1.0)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    # Block by block of rows (the same arithmetic as on whole arrays, without their float64
    # temporaries: a search process's peak memory is loading these weights).
    per_row = K1 * (1 - B + B * lengths / avg)
    data = np.empty(counts.nnz, dtype=np.float32)
    for first in range(0, n_docs, WEIGHT_BLOCK):
        ends = counts.indptr[first:first + WEIGHT_BLOCK + 1]
        span = slice(int(ends[0]), int(ends[-1]))
        tf = counts.data[span].astype(np.float32)
        norm = np.repeat(per_row[first:first + WEIGHT_BLOCK], np.diff(ends))
        data[span] = idf[counts.indices[span]] * tf * (K1 + 1) / (tf + norm)
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape).tocsc()


def count_matrix(token_lists: Sequence[Sequence[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    """Term counts of documents, growing ``vocab`` with new terms in place."""
    indptr = [0]
    indices: list[int] = []
    data: list[int] = []
    for tokens in token_lists:
        counts: dict[int, int] = {}
        for token in tokens:
            column = vocab.setdefault(token, len(vocab))
            counts[column] = counts.get(column, 0) + 1
        indices.extend(counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(data, dtype=np.int32), np.array(indices, dtype=np.int64),
                          np.array(indptr, dtype=np.int64)), shape=(len(token_lists), len(vocab)))


def build(token_lists: Sequence[Sequence[str]], words: Sequence[str]) -> LexicalIndex:
    vocab: dict[str, int] = {}
    counts = count_matrix(token_lists, vocab)
    return LexicalIndex(counts, vocab, list(words))


def update(index: LexicalIndex, keep: np.ndarray, token_lists: Sequence[Sequence[str]],
           words: Sequence[str]) -> LexicalIndex:
    """The index with only rows ``keep`` (a boolean mask) and new documents appended."""
    vocab = dict(index.vocab)
    added = count_matrix(token_lists, vocab)
    kept = index.counts[keep]
    kept = sp.csr_matrix((kept.data, kept.indices, kept.indptr), shape=(kept.shape[0], len(vocab)))
    return LexicalIndex(sp.vstack([kept, added], format="csr"), vocab, list(words))


def save(index: LexicalIndex, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sp.save_npz(folder / "counts.npz", index.counts, compressed=False)
    terms = sorted(index.vocab, key=index.vocab.__getitem__)
    (folder / "vocab.txt").write_text("\n".join(terms), "utf-8")
    (folder / "userdict.txt").write_text("\n".join(index.words), "utf-8")


def load(folder: Path) -> LexicalIndex:
    counts = sp.load_npz(folder / "counts.npz").tocsr()
    text = (folder / "vocab.txt").read_text("utf-8")
    terms = text.split("\n") if text else []
    words = [w for w in (folder / "userdict.txt").read_text("utf-8").split("\n") if w]
    return LexicalIndex(counts, {t: i for i, t in enumerate(terms)}, words)
