"""The embedding cache: one vector per distinct text and model, on disk, looked up by key.

For a model tag, ``DATA/embeddings/`` holds:

* ``<tag>.f32``: the vectors, raw float32 rows, only ever appended;
* ``<tag>.sqlite``: the keys, ``keys(hash BLOB PRIMARY KEY, row)`` (the 20-byte sha1 of
  the text → its row in ``.f32``) and ``meta(rows)``, the number of rows that have keys.
  A lookup is a B-tree search: opening the cache reads nothing, and 100 lookups cost
  about a millisecond whether it holds 40 thousand keys or 2.6 million (the old text file
  of keys was read whole into a dict on every call: 2.4 s and 600 MB at 2.6 million);
* ``<tag>.lock``: taken (``flock``) by a process appending, so that two writers (two
  ingests of different corpora sharing nothing else, Ray actors) never interleave rows.

An append writes and fsyncs the vectors first, then commits their keys and the new row
count in one transaction.  A process killed between the two leaves rows past ``meta.rows``
without keys: readers ignore them and the next append cuts them off before writing.

A cache from before (``<tag>.keys``, one hex key per line) is read, and turned into the
key table the first time it is opened by a process that may write (built aside, then
renamed in place; the old file is removed once the new one is in place).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index import crashpoints

CACHE_DIR = "embeddings"
DIGEST = 20  # bytes of a key (the sha1 of a text)
LOOKUP_CHUNK = 500  # keys per SELECT … IN (…): under SQLite's smallest parameter limit (999)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS keys (hash BLOB PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)


class EmbeddingCache:
    """Vectors by text hash (hex sha1) for one model tag, in ``DATA/embeddings``."""

    def __init__(self, data_dir: Path, tag: str, dim: int) -> None:
        self.dir = Path(data_dir) / CACHE_DIR
        self.vectors_path = self.dir / f"{tag}.f32"
        self.db_path = self.dir / f"{tag}.sqlite"
        self.legacy_path = self.dir / f"{tag}.keys"
        self.lock_path = self.dir / f"{tag}.lock"
        self.dim = dim
        self._row_bytes = 4 * dim
        self._db: sqlite3.Connection | None = None
        self._legacy: dict[str, int] | None = None  # an old cache this process may not rewrite
        self._matrix: np.ndarray | None = None
        if not self.db_path.exists() and self.legacy_path.exists():
            try:
                self._migrate()
            except (OSError, ValueError, sqlite3.Error):  # a folder this process may not write
                self._legacy = self._read_legacy()

    # -- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        """Rows that have keys (and vectors)."""
        if self._legacy is not None:
            return len(self._legacy)
        db = self._connect(create=False)
        return 0 if db is None else min(_rows(db), self._file_rows())

    def __contains__(self, key: str) -> bool:
        return key in self.lookup([key])

    def lookup(self, keys: Iterable[str]) -> dict[str, int]:
        """The row of each of ``keys`` the cache holds (keys it lacks are left out)."""
        if self._legacy is not None:
            return {k: self._legacy[k] for k in keys if k in self._legacy}
        db = self._connect(create=False)
        if db is None:
            return {}
        return _select(db, keys, min(_rows(db), self._file_rows()))

    def matrix(self) -> np.ndarray:
        """The cached vectors that have keys: a read-only memory map, one row per key."""
        n = len(self)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._matrix is None or len(self._matrix) != n:
            self._matrix = np.memmap(self.vectors_path, dtype=np.float32, mode="r", shape=(n, self.dim))
        return self._matrix

    def vectors(self, rows: list[int] | np.ndarray) -> np.ndarray:
        """Rows of :meth:`matrix`, copied out as float32."""
        if len(rows) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.matrix()[np.asarray(rows, dtype=np.int64)], dtype=np.float32)

    # -- writing --------------------------------------------------------------------------

    def add(self, keys: list[str], vectors: np.ndarray) -> dict[str, int]:
        """Append the vectors of the keys the cache lacks; the rows of all ``keys``.

        Keys already present (another writer may have added them meanwhile) are skipped.
        """
        if not keys:
            return {}
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if not self.db_path.exists() and self.legacy_path.exists():
                self._migrate_locked()
            self._legacy = None
            db = self._connect(create=True)
            assert db is not None
            usable = self._mend(db)
            found = _select(db, keys, usable)
            fresh: dict[str, int] = {}
            for i, key in enumerate(keys):
                if key not in found and key not in fresh:
                    fresh[key] = i
            if fresh:
                block = np.ascontiguousarray(vectors[list(fresh.values())], dtype=np.float32)
                with open(self.vectors_path, "ab") as fh:
                    fh.write(block.tobytes())
                    fh.flush()
                    os.fsync(fh.fileno())
                crashpoints.reached("cache_keys_pending")
                with db:  # in key order: neighbouring inserts touch neighbouring pages of the B-tree
                    db.executemany("INSERT INTO keys VALUES (?, ?)",
                                   sorted((bytes.fromhex(k), usable + n) for n, k in enumerate(fresh)))
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('rows', ?)", (usable + len(fresh),))
                found.update((k, usable + n) for n, k in enumerate(fresh))
            if self.legacy_path.exists():  # a migration cut short after the rename
                self.legacy_path.unlink()
        self._matrix = None
        return found

    def _mend(self, db: sqlite3.Connection) -> int:
        """Cut the vector rows without keys (an append killed halfway); the usable rows."""
        keyed = _rows(db)
        in_file = self._file_rows()
        if in_file < keyed:  # vectors lost under keys (a file cut by hand, a disk full)
            with db:
                db.execute("DELETE FROM keys WHERE row >= ?", (in_file,))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('rows', ?)", (in_file,))
            keyed = in_file
        if self.vectors_path.exists() and self.vectors_path.stat().st_size != keyed * self._row_bytes:
            with open(self.vectors_path, "r+b") as fh:
                fh.truncate(keyed * self._row_bytes)
                os.fsync(fh.fileno())
        return keyed

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._matrix = None

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the files ------------------------------------------------------------------------

    def _file_rows(self) -> int:
        try:
            return self.vectors_path.stat().st_size // self._row_bytes
        except FileNotFoundError:
            return 0

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is None:
            if not create and not self.db_path.exists():
                return None
            self._db = _open(self.db_path)
        return self._db

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.lock_path, "a") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _read_legacy(self) -> dict[str, int]:
        keys = self.legacy_path.read_text("ascii").split()
        usable = min(len(keys), self._file_rows())
        return {key: i for i, key in enumerate(keys[:usable])}

    def _migrate(self) -> None:
        """Turn ``<tag>.keys`` into ``<tag>.sqlite`` (built aside, renamed in place)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._migrate_locked()

    def _migrate_locked(self) -> None:
        if self.db_path.exists():  # another process did it meanwhile
            return
        digests = _legacy_digests(self.legacy_path)
        usable = min(len(digests), self._file_rows())
        digests = digests[:usable]
        # Inserted in key order, the B-tree is written page after page: 2.6 million keys in
        # 27 s at load 12 and 330 MB at the peak (57 s and 720 MB as random inserts from a dict).
        order = np.argsort(digests.view(f"S{DIGEST}").ravel(), kind="stable")
        aside = self.db_path.with_name(self.db_path.name + ".new")
        aside.unlink(missing_ok=True)
        db = _open(aside)
        with db:
            for start in range(0, len(order), 100_000):
                rows = order[start:start + 100_000]
                db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?)",
                               zip((d.tobytes() for d in digests[rows]), rows.tolist()))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('rows', ?)", (usable,))
        db.close()
        os.replace(aside, self.db_path)
        _fsync_dir(self.dir)
        self.legacy_path.unlink()


def _legacy_digests(path: Path) -> np.ndarray:
    """The keys of an old ``.keys`` file (one 40-digit hex sha1 a line) as an (n, 20) uint8 array."""
    raw = np.fromfile(path, dtype=np.uint8)
    width = 2 * DIGEST + 1
    if len(raw) % width == 0 and (raw[2 * DIGEST::width] == ord("\n")).all():
        digits = raw.reshape(-1, width)[:, :2 * DIGEST]
    else:  # not the fixed layout the old code wrote (edited by hand?): parse line by line
        lines = path.read_text("ascii").split()
        return np.frombuffer(b"".join(bytes.fromhex(k) for k in lines), dtype=np.uint8).reshape(-1, DIGEST)
    value = np.full(256, 255, dtype=np.uint8)
    value[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
    value[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16)
    value[np.frombuffer(b"ABCDEF", dtype=np.uint8)] = np.arange(10, 16)
    nibbles = value[digits]
    if (nibbles == 255).any():
        raise ValueError(f"{path} holds a key that is not hexadecimal")
    return (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60, isolation_level="DEFERRED")
    # WAL: readers never wait for a writer.  synchronous=NORMAL may lose the last commit on
    # a power cut, never on a killed process; a lost commit leaves rows without keys (ignored).
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for statement in _SCHEMA:
        db.execute(statement)
    db.commit()
    return db


def _rows(db: sqlite3.Connection) -> int:
    found = db.execute("SELECT value FROM meta WHERE name = 'rows'").fetchone()
    return int(found[0]) if found else 0


def _select(db: sqlite3.Connection, keys: Iterable[str], usable: int) -> dict[str, int]:
    wanted = list(dict.fromkeys(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = [bytes.fromhex(k) for k in wanted[start:start + LOOKUP_CHUNK]]
        marks = ",".join("?" * len(chunk))
        for blob, row in db.execute(f"SELECT hash, row FROM keys WHERE hash IN ({marks})", chunk):
            if row < usable:
                found[blob.hex()] = int(row)
    return found


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
