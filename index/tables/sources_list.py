"""``DATA/sources.json``: the files the store was built from, kept beside it as plain text.

So that a store file damaged on disk can be rebuilt by ingesting the same files again
(``gongkai repair``).  Two files, JSON, UTF-8, one source file per line, readable and editable
by hand; a file name that is not valid UTF-8 is kept as ``\\udcXX`` escapes, which JSON reads
back as the same name:

* ``sources.json``: the whole list, written from the store's own ``sources`` table;
* ``sources-changes.jsonl``: one line per file each later store write added, changed
  (``{"path", "sha256", "report_id"}``) or dropped (``{"path", "removed": true}``), appended
  after the write (:func:`index.tables.store.open_write`), so adding N files costs N lines,
  whatever the size of the corpus.  When it grows past the whole list it is folded into a new
  ``sources.json`` (:func:`needs_compaction`), so the two stay within twice the list's size.

The list is read as ``sources.json`` with the changes applied in order.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.json"
CHANGES_FILE = "sources-changes.jsonl"
# The changes file is folded into the whole list once it is larger than this and than the list.
_MIN_COMPACT_BYTES = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    path: str
    content_hash: str
    report_id: str


def sources_file(data: Path) -> Path:
    return Path(data) / SOURCES_FILE


def changes_file(data: Path) -> Path:
    return Path(data) / CHANGES_FILE


def _line(path: str, content_hash: str, report_id: str) -> str:
    return json.dumps({"path": path, "sha256": content_hash, "report_id": report_id}, ensure_ascii=False)


def write(data: Path, rows: list[tuple[str, str, str]]) -> None:
    """Replace the list with ``rows`` (source_path, content_hash, report_id), atomically; no changes after it."""
    lines = [_line(path, content_hash, report_id) for path, content_hash, report_id in sorted(rows)]
    text = ('{"about": "the files of store.duckdb; gongkai repair ingests them again if the store is damaged",\n'
            ' "files": [\n  ' + ",\n  ".join(lines) + "\n]}\n")
    target = sources_file(data)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    # backslashreplace: a lone surrogate (a non-UTF-8 byte of a file name) becomes the JSON escape \udcXX.
    temporary.write_bytes(text.encode("utf-8", "backslashreplace"))
    os.replace(temporary, target)
    changes_file(data).unlink(missing_ok=True)


def append(data: Path, upserts: dict[str, tuple[str, str]], dropped: set[str]) -> None:
    """Record what one store write changed: ``upserts`` path -> (content_hash, report_id), ``dropped`` paths."""
    if not upserts and not dropped:
        return
    lines = [json.dumps({"path": path, "removed": True}, ensure_ascii=False) for path in sorted(dropped)]
    lines += [_line(path, *upserts[path]) for path in sorted(upserts)]
    with open(changes_file(data), "a+b") as out:
        text = "\n".join(lines) + "\n"
        if out.tell() > 0:  # a line a kill cut short must not swallow the first line of these
            out.seek(out.tell() - 1)
            if out.read(1) != b"\n":
                text = "\n" + text
        out.write(text.encode("utf-8", "backslashreplace"))


def listed_at(data: Path) -> int | None:
    """When the list last changed (mtime in ns of the newer of its two files); None without a list."""
    times = []
    for path in (sources_file(data), changes_file(data)):
        try:
            times.append(path.stat().st_mtime_ns)
        except FileNotFoundError:
            pass
    return max(times) if times else None


def needs_compaction(data: Path) -> bool:
    """Whether the changes file has grown past the whole list (and past a floor): time to fold it in."""
    try:
        changes = changes_file(data).stat().st_size
    except FileNotFoundError:
        return False
    try:
        whole = sources_file(data).stat().st_size
    except FileNotFoundError:
        whole = 0
    return changes > max(whole, _MIN_COMPACT_BYTES)


def read(data: Path) -> list[SourceFile] | None:
    """The files listed, or None when there is no readable list."""
    files: dict[str, SourceFile] = {}
    found = False
    try:
        parsed = json.loads(sources_file(data).read_text("utf-8"))
        for item in parsed["files"]:
            files[item["path"]] = SourceFile(item["path"], item.get("sha256", ""), item.get("report_id", ""))
        found = True
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        text = changes_file(data).read_text("utf-8")
    except FileNotFoundError:
        return list(files.values()) if found else None
    except (OSError, ValueError):
        return None
    for line in text.splitlines():
        try:
            item = json.loads(line)
            path = item["path"]
        except (ValueError, KeyError, TypeError):  # a line cut short by a kill, or edited by hand
            continue
        if item.get("removed"):
            files.pop(path, None)
        else:
            files[path] = SourceFile(path, item.get("sha256", ""), item.get("report_id", ""))
    return sorted(files.values(), key=lambda f: f.path)
