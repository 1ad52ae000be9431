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

from qa import lexicon
from qa.quantities import blank_all, phrase_pattern

# Lexicon entries that are not words of questions.
_NOT_WORDS = ("FILLER_CHARS", "OUTCOME_WORDS", "CHINESE_DIGITS", "CHINESE_UNITS")


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
            words.update(w for w in _strings(getattr(lexicon, name)) if len(w) > 1 or w.isascii() is False)
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
