"""A jieba dictionary that stays on disk, for tokenising a query's few words.

jieba reads its whole dictionary (498,113 words and prefixes, about 0.7 s) before it cuts the
first sentence.  Cutting one sentence reads only the entries that are substrings of it: the
word graph looks up each substring from a position until one is no prefix of a word, and
search mode looks up the 2- and 3-grams of long words.  A SQLite table of the dictionary
answers those look-ups from disk (a query reads a few hundred rows), so a fresh process
answering one question never loads the rest.  The tokens are the same as with the dictionary
in memory: words added to the tokenizer (the user dictionary) are kept in memory over it.

The table is made once per jieba dictionary file, in the user's cache folder
(:mod:`parsing.user_cache`), from jieba's own dictionary load.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from parsing.user_cache import cache_root, file_stamp

FOLDER = "jieba"
# Bump when the table's layout changes.
LAYOUT = 1


class DiskFreq:
    """jieba's ``FREQ`` mapping (word or prefix → count) read from SQLite; writes stay in memory."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._known: dict[str, int | None] = {}

    def _count(self, word: str) -> int | None:
        try:
            return self._known[word]
        except KeyError:
            pass
        with self._lock:
            row = self._con.execute("SELECT n FROM freq WHERE word = ?", (word,)).fetchone()
        count = None if row is None else int(row[0])
        self._known[word] = count
        return count

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._count(word) is not None

    def __getitem__(self, word: str) -> int:
        count = self._count(word)
        if count is None:
            raise KeyError(word)
        return count

    def get(self, word: str, default: Any = None) -> Any:
        count = self._count(word)
        return default if count is None else count

    def __setitem__(self, word: str, count: int) -> None:
        self._known[word] = count


def dictionary_file(tokenizer: Any) -> str:
    """The dictionary file ``tokenizer`` reads (jieba's own ``dict.txt`` unless it was given one)."""
    import jieba

    given = getattr(tokenizer, "dictionary", None)
    return os.path.abspath(given) if given else os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def table_path(tokenizer: Any) -> Path:
    import jieba

    key = file_stamp(dictionary_file(tokenizer))
    return cache_root() / FOLDER / f"{getattr(jieba, '__version__', '0')}-{LAYOUT}-{key}.sqlite"


def attach(tokenizer: Any) -> bool:
    """Give a fresh ``jieba.Tokenizer`` the on-disk dictionary (made now if missing).

    False when it cannot be made or read (a folder that cannot be written): the tokenizer is
    then left as it was, to load its dictionary into memory as usual.
    """
    path = table_path(tokenizer)
    try:
        if not path.exists():
            _build(tokenizer, path)
        freq = DiskFreq(path)
        total = freq._con.execute("SELECT total FROM meta").fetchone()[0]
    except (OSError, sqlite3.Error, TypeError):
        return False
    tokenizer.FREQ = freq
    tokenizer.total = int(total)
    tokenizer.initialized = True
    return True


def _build(tokenizer: Any, path: Path) -> None:
    """The dictionary as jieba loads it (words and prefixes with their counts, and the total)."""
    import jieba

    full = jieba.Tokenizer(getattr(tokenizer, "dictionary", None) or jieba.DEFAULT_DICT)
    full.initialize()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.part-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
            con.executemany("INSERT INTO freq VALUES (?, ?)", full.FREQ.items())
            con.execute("INSERT INTO meta VALUES (?)", (full.total,))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
