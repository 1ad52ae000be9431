"""Files handed over through the app: checked before parsing, then ingested one by one.

Checks, in order, on the bytes alone: the name's extension is one Gongkai reads, the size
is within ``max_upload_mb``, the content is what the extension says (magic bytes via
:func:`parsing.read.sniff_format`), and a DOCX does not inflate past a sane size.  A file
that passes is kept under ``DATA/uploads/`` with a cleaned name (so uploading a file of
the same name again replaces its report) and ingested through :func:`corpus.ingest.ingest`,
whose working copy keeps the store whole whatever happens.  A file that fails is removed
again, or its previous version put back.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.ingest import ingest
from corpus.limits import MAX_UPLOAD_MB
from index.passages.settings import IndexSettings
from index.tables import store
from parsing.errors import GongkaiError, ParseError
from parsing.limits import Limits
from parsing.read import DOCX, HTML, PDF, TEXT, sniff_format

UPLOAD_DIR = "uploads"
# Extension → the formats its content may have (a .txt holding a web page is fine).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    ".txt": (TEXT, HTML), ".htm": (HTML, TEXT), ".html": (HTML, TEXT), ".docx": (DOCX,), ".pdf": (PDF,),
}
# A DOCX is a zip: refuse one that would inflate past this many times the upload limit.
DOCX_INFLATION = 20
_UNSAFE = re.compile(r"[^\w.\-（）()\[\]【】]+")
# The longest name kept under uploads/, in UTF-8 bytes: file systems allow 255 bytes (not
# characters: a Chinese character takes 3), less what a copy or a suffix may add.
NAME_BYTES = 200
_LOG = logging.getLogger(__name__)

# What happened to each file, in the words the app translates.
NEW, REPLACED, UNCHANGED, DUPLICATE, FAILED, REJECTED = "new", "replaced", "unchanged", "duplicate", "failed", \
    "rejected"


class UploadRejected(GongkaiError):
    """A file refused before parsing; the message says why and what would be accepted.

    ``code`` and ``values`` let an interface say the same in its own language (the app's
    ``upload.reason.<code>`` strings, filled with ``values``)."""

    def __init__(self, name: str, reason: str, code: str = "unreadable", **values: object) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason
        self.code = code
        self.values = values


def max_bytes(limit_mb: float = MAX_UPLOAD_MB) -> int:
    return int(float(limit_mb) * 1024 * 1024)


def accepted_extensions() -> list[str]:
    return [e.lstrip(".") for e in EXTENSIONS]


def cut_bytes(text: str, size: int) -> str:
    """The longest start of ``text`` that takes at most ``size`` bytes in UTF-8, never half
    a character."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def clean_name(name: str) -> str:
    """A safe file name: no folders, no control or shell characters, extension kept, at most
    :data:`NAME_BYTES` bytes.  A name cut short ends with a hash of the whole name, so two long
    names that start alike stay two files."""
    base = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name).strip()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "upload"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()
    ext = ext[:16]
    suffix = f".{ext}" if ext else ""
    if len(f"{stem}{suffix}".encode("utf-8")) > NAME_BYTES:
        tag = "-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
        stem = cut_bytes(stem, NAME_BYTES - len(tag) - len(suffix)).rstrip("._") + tag
    return stem + suffix


def _docx_size(data: bytes) -> int | None:
    """The unpacked size of a DOCX; None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _check_magic(name: str, data: bytes, found: str, limit: int) -> None:
    # sniff_format falls back on the extension for bytes it does not recognise; an upload
    # must prove its format by its own bytes.
    if found == PDF and b"%PDF-" not in data[:1024]:
        raise UploadRejected(name, "the file does not start like a PDF (no %PDF- header)", "not_pdf")
    if found == DOCX:
        if not data.startswith(b"PK\x03\x04"):
            raise UploadRejected(name, "the file is not a DOCX (no zip signature)", "not_docx")
        size = _docx_size(data)
        if size is None:
            raise UploadRejected(name, "the DOCX is damaged (its zip cannot be read); save it again from Word",
                                 "docx_damaged")
        if size > DOCX_INFLATION * limit:
            raise UploadRejected(name, f"the document unpacks to more than {DOCX_INFLATION} times the upload limit",
                                 "docx_inflation", times=DOCX_INFLATION)


def check_upload(name: str, data: bytes, limit: int | None = None) -> str:
    """The format of an acceptable upload (``limit`` bytes at most, default
    :data:`MAX_UPLOAD_MB`); raises :class:`UploadRejected` otherwise."""
    limit = max_bytes() if limit is None else limit
    extension = Path(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise UploadRejected(name, f"the extension {extension or '(none)'} is not accepted; "
                                   f"upload {', '.join(EXTENSIONS)} files", "extension",
                             extension=extension or "(-)", accepted=", ".join(EXTENSIONS))
    if not data:
        raise UploadRejected(name, "the file is empty", "empty")
    if len(data) > limit:
        raise UploadRejected(name, f"the file has {len(data) / 2**20:.1f} MiB, more than the limit of "
                                   f"{limit / 2**20:g} MiB", "too_large", size=f"{len(data) / 2**20:.1f}",
                             limit=f"{limit / 2**20:g}")
    try:
        found = sniff_format(data, name)
    except ParseError as exc:
        raise UploadRejected(name, exc.reason, exc.code) from None
    if found not in EXTENSIONS[extension]:
        raise UploadRejected(name, f"the content is {found.upper()} but the name ends in {extension}; "
                                   "rename it to match its content", "mismatch", found=found.upper(),
                             extension=extension)
    _check_magic(name, data, found, limit)
    return found


@dataclass
class UploadOutcome:
    """One uploaded file: its status (``NEW``, ``REPLACED``… ``FAILED``, ``REJECTED``) and why."""

    name: str
    status: str
    detail: str = ""
    stored_as: str | None = None
    report_id: str | None = None
    agency: str | None = None
    year: int | None = None
    # Why it was refused or failed, for an interface to say in its language (upload.reason.<code>).
    code: str = ""
    values: dict[str, object] = field(default_factory=dict)
    # The report's failed checks as (rule, detail): ``detail`` lists them for the CLI.
    checks: list[tuple[str, str]] = field(default_factory=list)


Progress = Callable[[int, int, str], None]


def _one(name: str, *args: Any) -> UploadOutcome:
    """:func:`_ingest_one`, whose unexpected failure (a bug, a full disk …) is logged with its
    traceback for the operator and becomes this file's failed outcome: the batch goes on, and
    the user reads a plain reason (``upload.reason.internal`` / ``not_saved``), never a trace."""
    try:
        return _ingest_one(name, *args)
    except OSError as exc:
        _LOG.exception("upload of %r could not be saved", name)
        return UploadOutcome(name, FAILED, f"the server could not save this file ({exc.strerror or 'error'}); "
                                           "it was not stored", code="not_saved",
                             values={"error": exc.strerror or type(exc).__name__})
    except Exception as exc:  # noqa: BLE001 - one file must not stop the batch
        _LOG.exception("upload of %r failed", name)
        return UploadOutcome(name, FAILED, f"the server failed on this file ({type(exc).__name__}); it was not "
                                           "stored, the other files are not affected", code="internal")


def _ingest_one(name: str, data: bytes, folder: Path, corpus: Path, limit: int, index: IndexSettings,
         limits: Limits) -> UploadOutcome:
    try:
        check_upload(name, data, limit)
    except UploadRejected as exc:
        return UploadOutcome(name, REJECTED, exc.reason, code=exc.code, values=dict(exc.values))
    path = folder / clean_name(name)
    previous = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        result = ingest([path], corpus, workers=1, progress=False, index=index, limits=limits)
    except GongkaiError as exc:  # the store is busy or outdated: nothing was written
        _restore(path, previous)
        return UploadOutcome(name, FAILED, str(exc), code="busy")
    if result.failed:
        _restore(path, previous)
        failure = result.failed[0]
        return UploadOutcome(name, FAILED, failure.reason, code=failure.code or ParseError.code,
                             values=dict(failure.values))
    detail = "; ".join(f"{c.rule}: {c.detail}" for c in result.failed_checks)
    if result.unchanged:
        status = UNCHANGED
    elif result.updated:
        status = REPLACED
    elif result.duplicates:
        status = DUPLICATE
    else:
        status = NEW
    outcome = UploadOutcome(name, status, detail, str(path), checks=[(c.rule, c.detail) for c in result.failed_checks])
    _describe(outcome, corpus, path)
    return outcome


def _describe(outcome: UploadOutcome, corpus: Path, path: Path) -> None:
    """Fill in the report the file now holds, as the store has it."""
    with store.reading(corpus) as con:
        row = con.execute(
            "SELECT r.report_id, r.agency, r.year FROM sources s JOIN reports r USING (report_id) "
            "WHERE s.source_path = ?", [str(path.resolve())]
        ).fetchone()
    if row:
        outcome.report_id, outcome.agency, outcome.year = row[0], row[1], row[2]


def _restore(path: Path, previous: bytes | None) -> None:
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(previous)


def ingest_uploads(files: Iterable[tuple[str, bytes]], data: str | Path,
                   progress: Progress | None = None, limit: int | None = None,
                   index: IndexSettings = IndexSettings(), limits: Limits = Limits()) -> list[UploadOutcome]:
    """Check and ingest each ``(name, bytes)``; one outcome per file, in order.

    ``limits``: what parsing one file may cost (:mod:`parsing.limits`), as for ``gongkai ingest``.

    ``progress(done, total, name)`` is called before each file and once at the end.
    """
    items = list(files)
    corpus = Path(data)
    folder = corpus / UPLOAD_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the corpus folder is not writable: every file fails, said plainly
        _LOG.exception("cannot create the upload folder %s", folder)
        return [UploadOutcome(name, FAILED, f"the server could not save this file ({exc.strerror})",
                              code="not_saved", values={"error": exc.strerror or type(exc).__name__})
                for name, _ in items]
    limit = max_bytes() if limit is None else limit
    outcomes = []
    for done, (name, content) in enumerate(items):
        if progress:
            progress(done, len(items), name)
        outcomes.append(_one(name, content, folder, corpus, limit, index, limits))
    if progress:
        progress(len(items), len(items), "")
    return outcomes
