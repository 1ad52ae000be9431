"""Which content words of a question were linked to something, and which were not.

After :mod:`qa.understand` has read names, years, thresholds, metrics and cue words, every
piece it linked is blanked out of the question; what is left, once filler characters and
words (:data:`qa.lexicon.FILLER_CHARS`, :data:`qa.lexicon.FILLER_WORDS`) are removed, are
the words nothing understood.  They are kept on the plan (``Plan.unlinked``) and stated in
the answer, as RAT-SQL's ``compute_schema_linking`` keeps unmatched spans visible: a word
that was not understood never turns silently into a default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from qa import lexicon, narrative_terms
from qa.names import generic_name_word
from qa.quantities import blank_all, phrase_pattern

# Lexicon entries that are not words of questions.
_NOT_WORDS = ("FILLER_CHARS", "OUTCOME_WORDS", "CHINESE_DIGITS", "CHINESE_UNITS", "STATED_FIELD_WORDS")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)


@lru_cache(maxsize=1)
def cue_words() -> tuple[str, ...]:
    """Every word of :mod:`qa.lexicon` (intents, operators, groupings, years, pronouns, fillers)."""
    words: set[str] = set()
    for name in dir(lexicon):
        if name.isupper() and name not in _NOT_WORDS:
            # One Chinese character alone (位, 前, 无) would cut content words apart (中位数).
            words.update(w for w in _strings(getattr(lexicon, name)) if len(w) > 1)
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    return re.compile(phrase_pattern(cue_words()))


def unlinked_words(text: str, linked: list[str]) -> list[str]:
    """Words of ``text`` (lower case, already read pieces blanked) not among ``linked`` phrases,
    cue words or fillers, in question order."""
    rest = blank_all(text, linked)
    rest = _cue_pattern().sub(lambda m: " " * len(m.group(0)), rest)
    rest = re.sub(f"[{lexicon.FILLER_CHARS}]", " ", rest)
    found: list[str] = []
    for match in re.finditer(r"[\u4e00-\u9fff]{2,}|[a-z][a-z'\-]*[a-z]", rest):
        found.append(match.group(0))
    return list(dict.fromkeys(found))


def outcome_words(words: list[str]) -> list[str]:
    """The unlinked words that would change the figure (拒绝, 平均, 公开率 …)."""
    pattern = re.compile(phrase_pattern(lexicon.OUTCOME_WORDS))
    return [w for w in words if pattern.search(w)]


# What may precede a name at the head of a question ("那平潭…", "请问平潭…").
_HEAD = re.compile(r"^[\s,，。?？!！、:：]*(?:(?:那么|那|请问|还有|另外|再看)[\s,，]*)?"
                   r"(?:(?:19|20)\d{2}\s*年度?[\s,，]*)?$")


def name_like(word: str, question: str) -> bool:
    """Does the unlinked ``word`` stand where a name stands in ``question``: at its head (平潭…,
    那平潭…, 2022年平潭…) or just before a year (…平潭2022年), or capitalised in English?
    Such a word is an agency the corpus lacks, never a reason to answer for every agency."""
    if outcome_words([word]) or _is_topic_word(word) or _names_a_figure(word) or generic_name_word(word):
        return False
    if word.isascii() and word.lower() in narrative_terms.ENGLISH_TERMS:
        return False  # "WeChat", "Weibo": a channel a report's text names, never an agency
    if word.startswith(lexicon.WHICH + lexicon.WHO) or word.endswith(lexicon.ASPECT_PARTICLES):
        return False  # "谁遇到过…", "作出过": a question word or a verb, never a name
    if word.isascii():
        found = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", question, flags=re.IGNORECASE)
        # Capitalised, even first in the sentence: question words are all in the lexicon.
        # (An acronym in capitals, FOI, is not taken for a name.)
        return bool(found and question[found.start()].isupper() and not found.group(0).isupper())
    start = question.find(word)
    if start < 0 or len(word) > 12:
        return False
    after = question[start + len(word):].lstrip()
    if after.startswith(lexicon.ASPECT_PARTICLES):
        return False  # "关停了几个…": a verb with its particle after it, never a name
    return bool(_HEAD.match(question[:start])) or re.match(r"(?:19|20)\d{2}|去年|今年|前年", after) is not None


@lru_cache(maxsize=1)
def _topic_words() -> frozenset[str]:
    from index.passages.topics import keywords

    return frozenset(keywords())


def _is_topic_word(word: str) -> bool:
    return any(k in word for k in _topic_words() if len(k) >= 2)


def original_case(word: str, question: str) -> str:
    """``word`` as the question spells it ("pingtan" → "Pingtan")."""
    found = re.search(re.escape(word), question, flags=re.IGNORECASE)
    return found.group(0) if found else word


def only_name(word: str, question: str) -> bool:
    """Is ``question`` nothing but ``word`` and follow-up words (那平潭呢？, And Pingtan?)."""
    rest = re.sub(re.escape(word), " ", question, flags=re.IGNORECASE).lower()
    rest = re.sub(phrase_pattern(lexicon.FOLLOW_UP_HEAD + lexicon.FOLLOW_UP_TAIL), " ", rest)
    return not re.sub(r"[\W_]", "", rest)


def _names_a_figure(word: str) -> bool:
    """Does ``word`` hold a row, column or unit name of the catalogue (那结果纠正呢: a column)?"""
    from index.tables.metrics import normalize, phrase_hits

    return bool(phrase_hits(normalize(word)))
