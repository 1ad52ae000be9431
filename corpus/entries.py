"""The entries of the folders an ingest is given: which files it reads, which it skips and why.

Only regular files are ever opened.  Every entry is looked at with ``stat`` first: a
symbolic-link loop, a broken link, a FIFO, a device (a link to ``/dev/zero``), a socket, a
folder that cannot be listed, a file whose extension Gongkai does not read, a hidden name
— each is a :class:`Skipped` entry with its reason, listed by ``gongkai ingest``, never a
crash and never a silent drop.  Reading is bounded as well: :func:`hash_file` opens without
blocking (a FIFO swapped in after the walk cannot hang it), checks the open file is regular
and reads no more than the size it had when opened.

A file name that is not valid UTF-8 (bytes the file system allows, Python keeps as
surrogates) cannot go into the store as it is: :func:`display_path` gives the name with its bad
bytes escaped (``bad\\xff.txt``), the form stored, printed and compared on the next ingest.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Files a folder walk picks up; a file named on the command line is always tried.
SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".docx", ".pdf"})
_CHUNK = 1 << 20

# Why an entry is skipped: kind -> the words said for it.
LINK_LOOP = "link_loop"
BROKEN_LINK = "broken_link"
NOT_REGULAR = "not_regular"
UNREADABLE_FOLDER = "unreadable_folder"
FOLDER_LINK = "folder_link"
EXTENSION = "extension"
HIDDEN = "hidden"
REASONS = {
    LINK_LOOP: "symbolic link loop: the link never reaches a file; fix or remove the link",
    BROKEN_LINK: "broken symbolic link: what it points to does not exist",
    NOT_REGULAR: "not a regular file ({what}): only files are read",
    UNREADABLE_FOLDER: "folder cannot be read ({error}): give read permission, or leave it out",
    FOLDER_LINK: "link to a folder, not followed: name the folder itself to ingest it",
    EXTENSION: "extension {extension} is not read (only {accepted}); rename the file if it is a report",
    HIDDEN: "hidden name (starts with a dot), not read",
}


@dataclass(frozen=True)
class Skipped:
    """An entry not read: its path (as :func:`display_path`), the kind of reason, the words."""

    path: str
    kind: str
    reason: str


def skipped(path: str, kind: str, **values: object) -> Skipped:
    return Skipped(display_path(path), kind, REASONS[kind].format(**values))


@dataclass
class Walk:
    """The files to read (each once, sorted), the entries skipped, and the given paths that
    hold nothing to read (a missing path, a link loop named on the command line …)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Skipped] = field(default_factory=list)


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as text that can be stored and printed: bytes that are not UTF-8 escaped
    (``\\xff``); a valid name is returned as it is."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def is_escaped(path: str | os.PathLike[str]) -> bool:
    """True when the name is not valid UTF-8, so :func:`display_path` escapes it."""
    return display_path(path) != os.fspath(path)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _stat(path: str) -> os.stat_result | Skipped:
    """The entry's status (links followed), or why it cannot be read."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return skipped(path, LINK_LOOP)
        if exc.errno == errno.ENOENT and os.path.lexists(path):
            return skipped(path, BROKEN_LINK)
        raise


def walk(paths: Iterable[str | os.PathLike[str]]) -> Walk:
    """Regular files under ``paths`` (folders recursively), each once, and what is skipped."""
    found: dict[str, Path] = {}
    result = Walk()
    for given in (os.fspath(p) for p in paths):
        try:
            status = _stat(given)
        except OSError as exc:
            missing = "no such file or folder" if exc.errno == errno.ENOENT else f"cannot read: {exc.strerror}"
            result.problems.append(Skipped(display_path(given), "missing", missing))
            continue
        if isinstance(status, Skipped):
            result.problems.append(status)
        elif stat.S_ISDIR(status.st_mode):
            _walk_folder(given, found, result.skipped)
        elif stat.S_ISREG(status.st_mode):
            found.setdefault(os.path.realpath(given), Path(given))
        else:
            result.problems.append(skipped(given, NOT_REGULAR, what=_kind_of(status.st_mode)))
    result.files = sorted(found.values(), key=str)
    result.skipped.sort(key=lambda s: s.path)
    return result


def _walk_folder(top: str, found: dict[str, Path], skips: list[Skipped]) -> None:
    def unreadable(exc: OSError) -> None:
        skips.append(skipped(exc.filename or top, UNREADABLE_FOLDER, error=exc.strerror or exc))

    accepted = ", ".join(sorted(SUFFIXES))
    for root, dirs, files in os.walk(top, onerror=unreadable):
        kept = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if name.startswith("."):
                skips.append(skipped(path, HIDDEN))
            elif os.path.islink(path):
                skips.append(skipped(path, FOLDER_LINK))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = os.path.join(root, name)
            extension = os.path.splitext(name)[1].lower()
            if name.startswith("."):
                skips.append(skipped(path, HIDDEN))
                continue
            if extension not in SUFFIXES:
                skips.append(skipped(path, EXTENSION, extension=display_path(extension) or "(none)", accepted=accepted))
                continue
            try:
                status = _stat(path)
            except OSError as exc:  # gone since the folder was listed, or not permitted
                skips.append(Skipped(display_path(path), "unreadable", f"cannot read: {exc.strerror}"))
                continue
            if isinstance(status, Skipped):
                skips.append(status)
            elif stat.S_ISREG(status.st_mode):
                found.setdefault(os.path.realpath(path), Path(path))
            elif not stat.S_ISDIR(status.st_mode):
                skips.append(skipped(path, NOT_REGULAR, what=_kind_of(status.st_mode)))


def hash_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a regular file, read in chunks up to the size it had when opened.

    Opened without blocking (a FIFO would wait for a writer); raises :class:`OSError` when
    the open entry is not a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind_of(status.st_mode)})")
        digest = hashlib.sha256()
        left = status.st_size
        while left > 0:
            chunk = os.read(fd, min(_CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        return digest.hexdigest()
    finally:
        os.close(fd)


def by_kind(entries: list[Skipped]) -> Counter[str]:
    """How many entries each kind of reason holds."""
    return Counter(s.kind for s in entries)


# Skipped entries listed one by one up to this many; past it, counted by reason.
SHOW_SKIPPED = 20
_KIND_WORDS = {
    LINK_LOOP: "symbolic link loops", BROKEN_LINK: "broken links", NOT_REGULAR: "not regular files",
    UNREADABLE_FOLDER: "unreadable folders", FOLDER_LINK: "links to folders", EXTENSION: "other extensions",
    HIDDEN: "hidden names", "unreadable": "unreadable entries",
}


def summary_lines(entries: list[Skipped], escaped: list[str], show: int = SHOW_SKIPPED) -> list[str]:
    """What an ingest summary says of the entries it skipped and the names it escaped.

    Every skipped entry is counted by reason; the first ``show`` are listed with theirs (a
    folder of photos should not bury the rest of the summary)."""
    lines = []
    if entries:
        kinds = ", ".join(f"{n} {_KIND_WORDS.get(kind, kind)}" for kind, n in by_kind(entries).most_common())
        lines.append(f"Skipped, not read ({len(entries)}: {kinds}):")
        lines += [f"  {s.path}: {s.reason}" for s in entries[:show]]
        if len(entries) > show:
            lines.append(f"  … {len(entries) - show} more, not listed")
    if escaped:
        lines.append(f"{len(escaped)} file name(s) are not valid UTF-8; stored with the bad bytes escaped "
                     "(rename the files to keep their names readable):")
        lines += [f"  {name}" for name in escaped[:show]]
        if len(escaped) > show:
            lines.append(f"  … {len(escaped) - show} more")
    return lines
