"""``DATA/sources.json``: the files the store was built from, kept beside it as plain text.

Written after every store swap (:func:`index.tables.store.open_write`), from the store's own
``sources`` table, so that a store file damaged on disk can be rebuilt by ingesting the same
files again (``gongkai repair``).  JSON, UTF-8, one file per line, readable and editable by
hand; a file name that is not valid UTF-8 is kept as ``\\udcXX`` escapes, which JSON reads
back as the same name.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.json"


@dataclass(frozen=True)
class SourceFile:
    path: str
    content_hash: str
    report_id: str


def sources_file(data: Path) -> Path:
    return Path(data) / SOURCES_FILE


def write(data: Path, rows: list[tuple[str, str, str]]) -> None:
    """Replace the list with ``rows`` (source_path, content_hash, report_id), atomically."""
    lines = [json.dumps({"path": path, "sha256": content_hash, "report_id": report_id}, ensure_ascii=False)
             for path, content_hash, report_id in sorted(rows)]
    text = ('{"about": "the files of store.duckdb; gongkai repair ingests them again if the store is damaged",\n'
            ' "files": [\n  ' + ",\n  ".join(lines) + "\n]}\n")
    target = sources_file(data)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    # backslashreplace: a lone surrogate (a non-UTF-8 byte of a file name) becomes the JSON escape \udcXX.
    temporary.write_bytes(text.encode("utf-8", "backslashreplace"))
    os.replace(temporary, target)


def read(data: Path) -> list[SourceFile] | None:
    """The files listed, or None when there is no readable list."""
    try:
        parsed = json.loads(sources_file(data).read_text("utf-8"))
        return [SourceFile(item["path"], item.get("sha256", ""), item.get("report_id", ""))
                for item in parsed["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
