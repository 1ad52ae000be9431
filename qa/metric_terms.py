"""Which metrics a question names: the catalogue's names first, embeddings as a fallback.

:func:`index.tables.metrics.find_metric` reads names and synonyms.  Three things are added here:

* English word forms: "refuse" finds the catalogue's "refused", "lawsuit" its "lawsuits";
* generic words step aside: 申请 / "requests" name the requests received, but also appear in
  the names of many other rows, so when a question names a more specific row as well
  (不掌握…的申请, "requests … refused") the generic word is read as part of the phrasing;
* when no name matches, the question is compared with every metric's names by embedding
  similarity (the m3e model), and a close enough metric is taken, marked as a loose match.

It reads the catalogue's phrase list (:func:`index.tables.metrics.phrase_table`) and the
spans ``find_metric`` matches (:func:`index.tables.metrics.phrase_hits`), both public.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.tables import metrics as catalogue_module
from index.tables.metrics import catalogue, find_metric, normalize
from qa import lexicon
from qa.quantities import phrase_pattern

# Cosine similarity an embedding match needs to be taken at all.
EMBEDDING_THRESHOLD = 0.85
_ASCII_WORD = re.compile(r"[a-z][a-z\-]+")


@dataclass
class MetricMatch:
    """Metrics found in a question, with the words that named them and how."""

    keys: list[str]
    phrases: list[str]
    how: str  # catalogue | english word forms | column only | embedding
    confidence: float = 1.0
    spans: list[tuple[int, int]] = field(default_factory=list)
    # Column and unit words that chose a column of the metrics (自然人, 现行有效, 花了多少钱).
    columns: list[str] = field(default_factory=list)
    # Column and unit words no chosen metric has (花了多少钱 asked of lawsuits): not understood.
    unused: list[str] = field(default_factory=list)


def _concept(key: str) -> str:
    return key.rsplit(".", 1)[0]


@lru_cache(maxsize=1)
def _row_phrases() -> list[tuple[str, str]]:
    entries, _ = catalogue_module.phrase_table()
    return [(phrase, target) for phrase, kind, target in entries if kind == "row" and phrase]


@lru_cache(maxsize=1)
def _parts() -> dict[str, set[str]]:
    """Concept → the row concepts its metrics add up (a sum's parts)."""
    parts: dict[str, set[str]] = {}
    for key, metric in catalogue().items():
        concept = _concept(key)
        parts.setdefault(concept, set()).update(f"{t}.{r}" for t, r, _ in metric.cells)
    return parts


def _contains(haystack: str, needle: str) -> bool:
    if needle not in haystack:
        return False
    if needle.isascii():
        return re.search(r"(?<![a-z])" + re.escape(needle) + r"(?![a-z])", haystack) is not None
    return needle in haystack


@lru_cache(maxsize=1)
def generic_phrases() -> frozenset[str]:
    """Row names that also occur inside the names of two or more unrelated rows, and the words
    naming what a table counts (:data:`index.tables.metrics.TABLE_NOUNS`: 申请, requests)."""
    rows = _row_phrases()
    parts = _parts()
    generic = {normalize(w) for words in catalogue_module.TABLE_NOUNS.values() for w in words}
    for phrase, concept in rows:
        own = parts.get(concept, set()) | {concept}
        others = {c for p, c in rows if c not in own and concept not in parts.get(c, set())
                  and p != phrase and _contains(p, phrase)}
        if len(others) >= 2:
            generic.add(phrase)
    return frozenset(generic)


# ---------------------------------------------------------------------------
# English word forms
# ---------------------------------------------------------------------------


def stem(word: str) -> str:
    """A crude English stem: refused, refusal, refuse → refus; requests → request."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("al", ""), ("s", ""),
                                ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


@lru_cache(maxsize=1)
def _english_vocabulary() -> tuple[frozenset[str], dict[str, str]]:
    """Every English word of the catalogue's names, and stem → the word to use for it."""
    entries, _ = catalogue_module.phrase_table()
    words: set[str] = set()
    whole: set[str] = set()
    for phrase, _, _ in entries:
        if phrase.isascii():
            found = _ASCII_WORD.findall(phrase)
            words.update(found)
            if len(found) == 1:
                whole.add(found[0])
    by_stem: dict[str, str] = {}
    # A word that is a whole name on its own ("refused") wins over one inside a longer name.
    for word in sorted(words, key=lambda w: (w not in whole, len(w), w)):
        by_stem.setdefault(stem(word), word)
    return frozenset(words), by_stem


@lru_cache(maxsize=1)
def _kept_phrases() -> re.Pattern[str]:
    """The English counting and corpus words of the question vocabulary (``qa.lexicon``), which
    no catalogue spelling may rewrite."""
    phrases = [p for p in (*lexicon.NUMERIC, *lexicon.COUNT) if p.isascii()]
    for table in (lexicon.CORPUS_COUNT, lexicon.CORPUS_NOUNS):
        phrases += [p for words in table.values() for p in words if p.isascii()]
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")


@lru_cache(maxsize=1)
def _english_aliases() -> dict[str, str]:
    """"amount" → "amount (10k yuan)": a name's words before its parenthesis name it too."""
    entries, _ = catalogue_module.phrase_table()
    aliases: dict[str, str] = {}
    for phrase, _, _ in entries:
        if phrase.isascii() and " (" in phrase:
            head = phrase.split(" (")[0].strip()
            if head and not any(p == head for p, _, _ in entries):
                aliases.setdefault(head, phrase)
    return aliases


def english_forms(text: str) -> str:
    """``text`` with English words the catalogue spells differently replaced by its spelling."""
    words, by_stem = _english_vocabulary()
    for head, phrase in _english_aliases().items():
        if phrase not in text:
            text = re.sub(rf"(?<![a-z]){re.escape(head)}(?![a-z])", phrase, text)

    # The question's own counting words stay as they are ("number of", "how many years").
    kept = [found.span() for found in _kept_phrases().finditer(text)]

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in words or len(word) < 3 or any(start <= match.start() < end for start, end in kept):
            return word
        # The word may itself be a stem ("repeal" of "repealed", which stem() would cut to "repe").
        return by_stem.get(word) or by_stem.get(stem(word), word)

    return _ASCII_WORD.sub(replace, text)


# ---------------------------------------------------------------------------
# Finding metrics
# ---------------------------------------------------------------------------


# What may stand between 申请 and the row it applies for ("申请过信息公开复议"): no list word, no punctuation.
_APPLIED_FOR = re.compile(r"[^\W\d]{0,6}")


def _verbs_dropped(text: str, rows: list[catalogue_module.PhraseHit]) -> list[catalogue_module.PhraseHit]:
    """Row hits without a table's noun used as a verb for another table's row: 申请 in
    "被申请过信息公开复议" (applied for reconsideration) names no request figure."""
    nouns = {normalize(w): table for table, words in catalogue_module.TABLE_NOUNS.items() for w in words}
    dropped = []
    for hit in rows:
        table = nouns.get(text[hit.start:hit.end])
        if table is None:
            continue
        for other in rows:
            gap = text[hit.end:other.start]
            if other is not hit and other.target.split(".")[0] != table and other.start >= hit.end \
                    and _APPLIED_FOR.fullmatch(gap) and not re.search(r"[和与及或]", gap):
                dropped.append(hit)
                break
    return [h for h in rows if h not in dropped]


def find_metrics(text: str) -> MetricMatch | None:
    """Metrics named in ``text`` by the catalogue's names; None when no name occurs.

    Each row named contributes its best metrics (a row named with one of its columns, or its
    default column); rows come in the order the question names them.
    """
    normalized = normalize(text)
    how = "catalogue"
    if re.search(r"[a-z]{3,}", normalized):
        rewritten = english_forms(normalized)
        if rewritten != normalized:
            normalized, how = rewritten, "english word forms"
    hits = [h for h in catalogue_module.phrase_hits(normalized) if h.kind == "row"]
    rows = _verbs_dropped(normalized, hits)
    for hit in hits:
        if hit not in rows:  # blanked, so that no score brings it back
            normalized = normalized[:hit.start] + " " * (hit.end - hit.start) + normalized[hit.end:]
    if not rows:
        return _column_only(normalized)
    generic = generic_phrases()
    specific = [h for h in rows if normalized[h.start:h.end] not in generic]
    specific += [h for h in rows if h not in specific and _listed(normalized, h, specific)]
    masked = normalized
    if specific:
        for hit in rows:
            if hit not in specific:
                masked = masked[:hit.start] + " " * (hit.end - hit.start) + masked[hit.end:]
    kept = specific or rows
    scored = find_metric(masked)
    if not scored:
        return None
    position: dict[str, int] = {}
    for hit in kept:
        position.setdefault(hit.target, hit.start)
    best: dict[str, float] = {}
    for metric, score in scored:
        concept = _concept(metric.key)
        best[concept] = max(best.get(concept, 0.0), score)
    keys = [m.key for m, s in scored if s >= best[_concept(m.key)]]
    keys.sort(key=lambda k: position.get(_concept(k), 10**6))
    phrases = [normalized[h.start:h.end] for h in sorted(kept, key=lambda h: h.start)]
    used, unused = _column_words(masked, keys)
    return MetricMatch(keys=list(dict.fromkeys(keys)), phrases=list(dict.fromkeys(phrases)), how=how,
                       spans=[(h.start, h.end) for h in kept], columns=used, unused=unused)


# A column named without a row (本年废止件数, 尚未审结) stands for the rows that have it, when
# they are this few; a column every row has (总计, 自然人) names no figure on its own.
COLUMN_ONLY_ROWS = 3
COLUMN_ONLY_CONFIDENCE = 0.9


def _column_only(text: str) -> MetricMatch | None:
    """The rows of a column named alone: 现行有效件数 → 规章 and 行政规范性文件, each shown."""
    hits = [h for h in catalogue_module.phrase_hits(text) if h.kind == "column"]
    by_table: dict[str, set[str]] = {}
    for hit in hits:
        table, column = hit.target.split(".", 1)
        by_table.setdefault(table, set()).add(column)
    metrics = catalogue()
    keys: list[str] = []
    for table, columns in by_table.items():
        found = [k for k in metrics if k.split(".")[0] == table and k.rsplit(".", 1)[1] in columns
                 and k.rsplit(".", 1)[1] not in catalogue_module.DEFAULT_COLUMNS and metrics[k].kind != "share"]
        parts = _parts()
        # A sum and its parts (行政诉讼 = 直接起诉 + 复议后起诉): the sum.
        found = [k for k in found if not any(_concept(k) in parts.get(_concept(o), set()) and _concept(o) != _concept(k)
                                             for o in found)]
        keys += found
    if not keys or len({_concept(k) for k in keys}) > COLUMN_ONLY_ROWS:
        return None
    spans = [(h.start, h.end) for h in hits]
    phrases = list(dict.fromkeys(text[s:e] for s, e in spans))
    # Said as a reading (and a follow-up naming a column keeps its previous row: qa.dialogue).
    return MetricMatch(keys=keys, phrases=phrases, how="column only", confidence=COLUMN_ONLY_CONFIDENCE, spans=spans,
                       columns=phrases)


def _listed(text: str, hit: catalogue_module.PhraseHit, specific: list[catalogue_module.PhraseHit]) -> bool:
    """A generic row word listed beside a specific one (复议和诉讼各有多少, "reconsideration and
    lawsuits") names its own row, unless another word is glued before it (不予公开的申请和诉讼)."""
    joiners = phrase_pattern(lexicon.LIST_JOINERS)
    after = re.match(rf"\s*(?:{joiners})\s*", text[hit.end:])
    if after and any(s.start == hit.end + after.end() for s in specific):
        return not re.search(r"[\u4e00-\u9fff]$", text[:hit.start].rstrip())
    before = re.search(rf"(?:{joiners})\s*$", text[:hit.start])
    return before is not None and any(s.end == before.start() or text[s.end:before.start()].isspace()
                                      for s in specific)


def _column_words(text: str, keys: list[str]) -> tuple[list[str], list[str]]:
    """The column and unit words of ``text`` that the chosen metrics' columns answer to
    and those they do not."""
    metrics = catalogue()
    by_span: dict[tuple[int, int], bool] = {}
    for hit in catalogue_module.phrase_hits(text):
        if hit.kind == "column":
            table, column = hit.target.split(".", 1)
            chosen = any(k.split(".")[0] == table and k.rsplit(".", 1)[1] == column for k in keys)
        elif hit.kind == "unit":
            chosen = any(metrics[k].unit == hit.target for k in keys if k in metrics)
        else:
            continue
        # One word may name a column of several tables (总数): used when any of them is chosen.
        span = (hit.start, hit.end)
        by_span[span] = by_span.get(span, False) or chosen
    used = [text[s:e] for (s, e), chosen in by_span.items() if chosen]
    unused = [text[s:e] for (s, e), chosen in by_span.items() if not chosen]
    return list(dict.fromkeys(used)), list(dict.fromkeys(unused))


def metric_phrases(text: str) -> list[str]:
    """Every catalogue name occurring in ``text`` (for masking it out of other readings)."""
    normalized = english_forms(normalize(text))
    return [normalized[h.start:h.end] for h in catalogue_module.phrase_hits(normalized)]


def row_phrases_in(text: str) -> list[str]:
    """Every row name in ``text``, overlapping ones too (行政强制措施: 行政强制 and 强制措施)."""
    return [p for p, _ in _row_phrases() if _contains(text, p)]


# ---------------------------------------------------------------------------
# Embedding fallback
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _embedding_texts() -> tuple[list[str], list[tuple[str, ...]]]:
    """(text, the metrics it names) for every row name and every metric's Chinese name."""
    _, concepts = catalogue_module.phrase_table()
    texts: dict[str, tuple[str, ...]] = {}
    generic = generic_phrases()
    for phrase, concept in _row_phrases():
        if phrase in generic or len(phrase) < 2 or concept not in concepts:
            continue
        texts.setdefault(phrase, concepts[concept].defaults)
    for key, metric in catalogue().items():
        texts.setdefault(normalize(metric.zh), (key,))
    return list(texts), list(texts.values())


_VECTORS: dict[tuple[str, str], np.ndarray] = {}
METRIC_VECTORS_DIR = "metric-vectors"


def _catalogue_vectors(model_name: str) -> np.ndarray:
    """The vectors of :func:`_embedding_texts`, per process and on disk.

    Kept in the user's cache folder (beside the model's ONNX export), keyed by the model's tag
    and a hash of the texts and the model folder's fingerprint: a new vocabulary or model
    computes them again, once (about 8 s with torch at load 9, well under 1 s with ONNX).
    """
    from index.passages.embed import model_name as resolve, model_tag
    from index.passages.query_encoder import cache_root, encode_texts, fingerprint

    name = resolve(model_name or None)
    texts, _ = _embedding_texts()
    # The model folder's fingerprint too: new weights at the same path are a new model.
    digest = hashlib.sha1("\n".join([fingerprint(name), *texts]).encode("utf-8")).hexdigest()[:16]
    key = (model_tag(name), digest)
    if key not in _VECTORS:
        path = cache_root() / METRIC_VECTORS_DIR / f"{key[0]}-{key[1]}.npy"
        vectors = _read_vectors(path, len(texts))
        if vectors is None:
            vectors = encode_texts(texts, name)
            _write_vectors(path, vectors)
        _VECTORS[key] = vectors
    return _VECTORS[key]


def _read_vectors(path: Path, rows: int) -> np.ndarray | None:
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    ok = vectors.dtype == np.float32 and vectors.ndim == 2 and len(vectors) == rows
    return vectors if ok else None


def _write_vectors(path: Path, vectors: np.ndarray) -> None:
    """Saved whole or not at all (a cache: a folder that cannot be written is no error)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.part-{os.getpid()}.npy")
        np.save(tmp, np.ascontiguousarray(vectors, dtype=np.float32))
        os.replace(tmp, path)
    except OSError:
        pass


def embedding_match(text: str, model_name: str = "") -> MetricMatch | None:
    """The metric whose name is most similar to ``text`` (cosine ≥ ``EMBEDDING_THRESHOLD``),
    by the embedding model ``model_name`` ("" = m3e-small)."""
    if not text.strip():
        return None
    from index.passages.query_encoder import encode_query

    vectors = _catalogue_vectors(model_name)
    query = encode_query(normalize(text), model_name or None)
    scores = vectors @ query[0]
    best = int(np.argmax(scores))
    score = float(scores[best])
    if score < EMBEDDING_THRESHOLD:
        return None
    texts, keys = _embedding_texts()
    return MetricMatch(keys=list(keys[best]), phrases=[texts[best]], how="embedding", confidence=round(score, 3))
