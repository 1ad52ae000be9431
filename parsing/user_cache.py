"""The user's cache folder: what is computed once per machine, not per corpus.

``~/.cache/gongkai`` (``$XDG_CACHE_HOME/gongkai`` when the CLI runs with it set): the embedding model's ONNX export
(:mod:`index.passages.query_encoder`), the metric names' vectors, the gazetteer's name table.
Everything here can be deleted at any time; it is made again when next needed.  A folder that
cannot be written is no error: the value is then computed in every process, as before.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


_root: Path | None = None


def set_root(folder: str | Path | None) -> None:
    """Use ``folder`` from now on (None: the default).  The CLI passes ``$XDG_CACHE_HOME/gongkai``;
    the library itself reads no environment."""
    global _root
    _root = Path(folder) if folder else None


def cache_root() -> Path:
    """The folder :func:`set_root` chose, else ``~/.cache/gongkai``."""
    return _root or Path.home() / ".cache" / "gongkai"


def file_stamp(*paths: str | Path) -> str:
    """A short hash of files' paths, sizes and modification times ("" parts for missing files)."""
    parts = []
    for path in paths:
        try:
            stat = os.stat(path)
            parts.append(f"{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}\t-")
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def source_hash(*paths: str | Path) -> str:
    """A short hash of files' contents (a module's own source: its cache is stale once it changes)."""
    digest = hashlib.sha1()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def cached(folder: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s value, kept with :mod:`marshal` in ``cache_root()/folder/key.marshal``.

    Only plain values (dict, list, tuple, str, int, float, None) can be kept.  A file that is
    missing, cut short or unreadable is rebuilt.
    """
    path = cache_root() / folder / f"{key}.marshal"
    try:
        with open(path, "rb") as fh:
            return marshal.load(fh)  # type: ignore[no-any-return]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    _write(path, value)
    return value


def _write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.part-{os.getpid()}-{threading.get_ident()}")
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
