"""Files → the corpus store: incremental, safe, and parsed in parallel.

Steps: walk the paths → hash each file (an unchanged file stops here) → parse the rest over
a pool of processes → decide for each record whether it is a new report, a changed file's
new record, or another file of a report already stored → write in batches of
:data:`BATCH_REPORTS` reports, each one transaction on the store in place, seen by readers once
committed (see :func:`index.tables.store.open_write`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import duckdb

from corpus.entries import SUFFIXES as SUFFIXES, Skipped, display_path, hash_file, is_escaped, walk
from corpus.identity import KnownReport, ReportIndex, cells_fingerprint, cells_of, narrative
from index.passages.settings import IndexSettings
from index.progress import bar, count, step
from index.tables import store
from index.tables.store import Batch, StoredReport
from parsing.bounded import run_bounded
from parsing.errors import GongkaiError, ParseError, reason_values
from parsing.limits import Limits, read_file

# SUFFIXES (the extensions a folder walk reads) stays importable from here for bench/.
BATCH_REPORTS = 500
# Parsed records matched against the store with one look-up (their ids, agencies and years).
LOOKUP_RECORDS = 64


@dataclass
class Failure:
    path: str
    reason: str
    code: str = ""  # parsing.errors.ParseError.code: the kind of failure, for the app to say in its words
    values: dict[str, str] = field(default_factory=dict)  # what the app's words for ``code`` are filled with


@dataclass
class FailedCheck:
    path: str
    report_id: str
    rule: str
    detail: str


@dataclass
class IngestResult:
    """What one ingest did, file by file (paths as given)."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Files holding a report the corpus already had (say the PDF of a stored HTML report).
    duplicates: list[str] = field(default_factory=list)
    # What the passage-index sync reported (passages, reports …), or why it failed.
    index: dict = field(default_factory=dict)
    index_error: str | None = None
    failed: list[Failure] = field(default_factory=list)
    failed_checks: list[FailedCheck] = field(default_factory=list)
    # Entries under the folders given that were not read (links, FIFOs, other extensions …).
    skipped: list[Skipped] = field(default_factory=list)
    # Files whose names are not valid UTF-8, as stored: the bad bytes escaped (corpus.entries.display_path).
    escaped_names: list[str] = field(default_factory=list)
    # Report ids the store gained and lost: what a passage index must add and drop.
    added_reports: list[str] = field(default_factory=list)
    removed_reports: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def parsed(self) -> int:
        return len(self.new) + len(self.updated) + len(self.duplicates)


# ---------------------------------------------------------------------------
# Walking and hashing
# ---------------------------------------------------------------------------


def find_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Failure]]:
    """Regular files under ``paths`` (folders recursively), each once, sorted; and the given
    paths that hold none.  What a walk skips: :func:`corpus.entries.walk`."""
    found = walk(list(paths))
    return found.files, [Failure(p.path, p.reason) for p in found.problems]


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# Parsing, in worker processes
# ---------------------------------------------------------------------------


@dataclass
class Parsed:
    given: str
    source_path: str
    stored: StoredReport | None = None
    error: str | None = None
    error_code: str = ""
    error_values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseOptions:
    """How files are parsed on ingest: OCR of scanned PDF pages, its threads, its progress."""

    ocr: bool = True
    ocr_threads: int = 0  # 0 = the cores divided among the parser processes
    show_ocr: bool = False  # one stderr line per OCRed page (``OCR page 2/5 of FILE``)
    limits: Limits = Limits()  # file size, unpacked size, pages, seconds (parsing.limits)


def parse_file(task: tuple[str, str], options: ParseOptions = ParseOptions()) -> Parsed:
    """Parse one file into what the store keeps; never raises (a failure is a reason)."""
    from parsing import parse_bytes
    from parsing.ocr import print_progress
    from parsing.read import sniff_format

    given, source_path = task
    try:
        data = read_file(source_path, options.limits, Path(given).name)
        report = parse_bytes(data, Path(given).name, ocr=options.ocr,
                             progress=print_progress if options.show_ocr else None,
                             ocr_threads=options.ocr_threads, limits=options.limits)
        stored = StoredReport(
            report=report,
            record_json=report.to_json(),
            source_path=source_path,
            # Hash the bytes that were parsed: the file may change after the main process hashed it.
            content_hash=file_hash(data),
            format=sniff_format(data, given),
            cells_hash=cells_fingerprint(report),
        )
        return Parsed(given, source_path, stored=stored)
    except ParseError as exc:
        return Parsed(given, source_path, error=exc.reason, error_code=exc.code, error_values=reason_values(exc))
    except OSError as exc:
        return Parsed(given, source_path, error=f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a parser bug must not stop the other files
        return Parsed(given, source_path, error=f"unexpected failure ({type(exc).__name__}: {exc})")


def parse_files(tasks: list[tuple[str, str]], workers: int,
                options: ParseOptions = ParseOptions()) -> Iterator[Parsed]:
    """Parsed files in task order, over ``workers`` processes, each file bounded by
    ``options.limits.parse_seconds`` (its process is killed past it; see :mod:`parsing.bounded`)."""
    if not options.ocr_threads:  # share the cores among the parser processes
        options = replace(options, ocr_threads=max(1, (os.cpu_count() or 1) // max(1, workers)))
    limits = options.limits
    # Forked workers inherit what is imported here: none imports the readers again, nor a
    # worker started in place of one killed past the time limit.
    from parsing import read, read_docx, read_html, read_pdf  # noqa: F401

    def timed_out(task: tuple[str, str]) -> Parsed:
        exc = limits.timed_out(Path(task[0]).name)
        return Parsed(task[0], task[1], error=exc.reason, error_code=exc.code, error_values=reason_values(exc))

    def died(task: tuple[str, str]) -> Parsed:
        return Parsed(task[0], task[1], error="the parser process died on this file (out of memory?); "
                                              "check the file, or try again")

    yield from run_bounded(partial(parse_file, options=options), tasks, workers, limits.parse_seconds,
                           timed_out, died)


# ---------------------------------------------------------------------------
# Deciding and writing, in the main process
# ---------------------------------------------------------------------------


class _Corpus:
    """What the store holds, kept up to date as files are accepted, and the pending batch."""

    def __init__(self, data: Path, stack: ExitStack, batch_reports: int) -> None:
        self.data = data
        self.stack = stack
        stack.callback(self.close_reader)
        self.batch_reports = batch_reports
        self.batch = Batch()
        self._reader: duckdb.DuckDBPyConnection | None = None
        self.stored = store.store_file(data).exists()
        # Whether the store held reports before this run (set by look_up): when it held none,
        # every stored report is one this run added, already known to ``index``, and records
        # are matched without asking the store (a first ingest of N files makes no look-ups).
        self.had_reports = self.stored
        # What this run needs of the store, read as needed (never every file or report of it):
        # source_path -> (content_hash, report_id) of the files this run reads and of the reports
        # they touch; content hash -> report id for the hashes of this run's files; how many
        # files hold each report touched (``counted``: read from the store once, kept here since).
        self.sources: dict[str, tuple[str, str]] = {}
        self.by_hash: dict[str, str] = {}
        self.refs: Counter[str] = Counter()
        self.counted: set[str] = set()
        self.index = ReportIndex(load_text=lambda report_id: store.section_text(self.reader(), report_id),
                                 load_cells=lambda report_id: store.report_cells(self.reader(), report_id),
                                 load_known=self._known)
        self.added: dict[str, None] = {}  # report ids stored by this run, in order
        self.removed: set[str] = set()  # report ids this run deleted from the previous store

    def _known(self, report_ids: list[str], keys: list[tuple[str, int]]) -> list[KnownReport]:
        if not self.stored or not self.had_reports:
            return []
        return [KnownReport(*row) for row in store.report_keys_like(self.reader(), report_ids, keys)]

    def look_up(self, files: list[tuple[str, str]]) -> None:
        """Read what the store has of ``files`` (source_path, content_hash): their rows, the rows
        with the same bytes, and how many files hold each report these name."""
        if not self.stored or not files:
            return
        self.had_reports = store.has_reports(self.reader())
        rows = store.sources_for(self.reader(), [path for path, _ in files], [h for _, h in files])
        for path, content_hash, report_id in rows:
            self.sources.setdefault(path, (content_hash, report_id))
            self.by_hash.setdefault(content_hash, report_id)
        self.count({report_id for _, _, report_id in rows})

    def count(self, report_ids: set[str]) -> None:
        """Make ``refs`` hold the stored file counts of ``report_ids`` (before this run changes them)."""
        todo = report_ids - self.counted
        if not todo:
            return
        self.counted |= todo
        if self.stored:
            for report_id, n in store.source_counts(self.reader(), todo).items():
                self.refs[report_id] += n

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A read connection for identity matching, opened on first use and closed before each
        batch is written (DuckDB opens a file read-only or read-write in a process, not both)."""
        if self._reader is None:
            if not store.store_file(self.data).exists():
                raise LookupError("no store yet")  # unreachable: a report is only known once stored
            self._reader = store.open_read(self.data)
        return self._reader

    def close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _unlink(self, source_path: str) -> None:
        # A changed file no longer holds its old report; drop the report if no file does.
        old = self.sources.pop(source_path, None)
        if old is None:
            return
        report_id = old[1]
        self.count({report_id})
        self.refs[report_id] -= 1
        if self.refs[report_id] <= 0:
            del self.refs[report_id]
            self.index.remove(report_id)
            self.batch.remove(report_id)
            if report_id in self.added:
                del self.added[report_id]  # stored and dropped within this run
            else:
                self.removed.add(report_id)

    def _link(self, source_path: str, content_hash: str, report_id: str) -> None:
        self.count({report_id})
        self.sources[source_path] = (content_hash, report_id)
        self.batch.sources[source_path] = (content_hash, report_id)
        self.refs[report_id] += 1
        self.by_hash[content_hash] = report_id
        if len(self.batch.reports) >= self.batch_reports or len(self.batch.sources) >= 4 * self.batch_reports:
            self.flush()

    def link_known(self, source_path: str, content_hash: str, report_id: str) -> None:
        """A file whose bytes another stored file already has."""
        self._unlink(source_path)
        self._link(source_path, content_hash, report_id)

    def accept(self, stored: StoredReport) -> bool:
        """Store a parsed file; True when its record became a new report."""
        self._unlink(stored.source_path)
        report = stored.report
        report_id = self.index.match(report, stored.cells_hash)
        is_new = report_id is None
        if report_id is None:
            report_id = self._add(stored)
        elif len(cells_of(report)) > len(self.index.cells_of(report_id)):
            # The same report with more cells (its HTML after its crawl dump): keep the fuller record.
            report_id = self._replace(report_id, stored)
        self._link(stored.source_path, stored.content_hash, report_id)
        return is_new

    def _add(self, stored: StoredReport) -> str:
        report = stored.report
        self.index.add(KnownReport(report.id, report.agency, report.year, stored.cells_hash),
                       text=None if stored.cells_hash else narrative(report), cells=cells_of(report))
        self.batch.add(stored)
        self.added[report.id] = None
        self.counted.add(report.id)  # not stored (else it would have matched): no file holds it yet
        return report.id

    def _replace(self, old_id: str, stored: StoredReport) -> str:
        """Store ``stored`` in place of report ``old_id``; the files of the old one follow it."""
        self.count({old_id})
        if self.stored and old_id not in self.added:  # its stored files, which follow it too
            for path, content_hash in store.source_files_of(self.reader(), old_id):
                self.sources.setdefault(path, (content_hash, old_id))
        self.index.remove(old_id)
        self.batch.remove(old_id)
        if old_id in self.added:
            del self.added[old_id]
        else:
            self.removed.add(old_id)
        new_id = self._add(stored)
        self.count({new_id})
        for path, (content_hash, report_id) in list(self.sources.items()):
            if report_id == old_id:
                self.sources[path] = self.batch.sources[path] = (content_hash, new_id)
                self.by_hash[content_hash] = new_id
        self.refs[new_id] += self.refs.pop(old_id, 0)
        return new_id

    def flush(self) -> None:
        """Write the pending batch into the store in one transaction (see :func:`store.open_write`):
        readers see it once committed, and a kill leaves every earlier batch."""
        if len(self.batch):
            self.close_reader()
            with store.open_write(self.data) as con:
                store.write_batch(con, self.batch)
            self.stored = True
            self.batch = Batch()


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    data: str | os.PathLike[str],
    workers: int = 0,
    progress: bool = True,
    batch_reports: int = BATCH_REPORTS,
    passages: bool = True,
    index: IndexSettings = IndexSettings(),
    ocr: bool = True,
    ocr_threads: int = 0,
    limits: Limits = Limits(),
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    parsed_by: Callable[[list[tuple[str, str]], ParseOptions], Iterator[Parsed]] | None = None,
) -> IngestResult:
    """Ingest files and folders into the corpus at ``data``; see the module docstring.

    With ``passages`` (the default) the passage index is then brought in step with the
    store: the new and changed reports' passages are embedded, removed reports' dropped,
    as ``index`` says (model, chunk size, …).  ``workers`` parse processes; 0 = one per core.
    PDF pages without a text layer are OCRed unless ``ocr`` is False (``progress`` also
    prints one line per OCRed page).  ``limits``: what one file may cost (:mod:`parsing.limits`);
    a file over one is a failure naming it, and the other files go on.

    The corpus write lock is taken before the store's state is read: while another ingest
    writes, this one waits (``wait``; ``on_wait`` is told who holds the lock, once) or raises
    :class:`~index.tables.store.StoreBusy`.  ``parsed_by(tasks, options)``, when given, yields
    the files' :class:`Parsed` in task order instead of parsing them here.
    """
    started = time.perf_counter()
    data_dir = Path(data)
    n_workers = int(workers) or os.cpu_count() or 1
    found = walk(list(paths))
    files = found.files
    result = IngestResult(failed=[Failure(p.path, p.reason) for p in found.problems], skipped=found.skipped)
    with ExitStack() as stack:
        stack.enter_context(store.writing(data_dir, wait=wait, on_wait=on_wait))  # before the state is read
        stack.enter_context(store.damage_reported(data_dir))  # a damaged store file is said as such
        corpus = _Corpus(data_dir, stack, batch_reports)
        tasks: list[tuple[str, str]] = []
        hashed: list[tuple[str, str, str, str]] = []  # given, real path, source path, content hash
        for path in files:
            # Stored, printed and compared as display_path(): a name that is not UTF-8 has its bytes escaped.
            real_path = os.path.realpath(path)
            source_path, given = display_path(real_path), display_path(path)
            if is_escaped(path):
                result.escaped_names.append(given)
            try:
                content_hash = hash_file(path)  # a regular file only, read no further than its size
            except OSError as exc:
                result.failed.append(Failure(given, f"cannot read file: {exc.strerror or exc}"))
                continue
            hashed.append((given, real_path, source_path, content_hash))
        corpus.look_up([(source_path, content_hash) for _, _, source_path, content_hash in hashed])
        for given, real_path, source_path, content_hash in hashed:
            old = corpus.sources.get(source_path)
            if old is not None and old[0] == content_hash:
                result.unchanged.append(given)
            elif corpus.by_hash.get(content_hash) in corpus.refs:
                corpus.link_known(source_path, content_hash, corpus.by_hash[content_hash])
                (result.updated if old else result.duplicates).append(given)
            else:
                # The parser reads real_path; it names the report after given (escaped) and
                # _record stores it under source_path.
                tasks.append((given, real_path))
        if progress and result.unchanged:
            step(f"{count(len(result.unchanged), 'file')} unchanged since the last ingest: skipped")
        with bar(len(tasks), f"Reading {count(len(tasks), 'report file')}", "files", progress) as shown:
            options = ParseOptions(ocr, ocr_threads, show_ocr=progress, limits=limits)
            # parsed_by: files parsed elsewhere beforehand (the Ray engine's shards, corpus.ray_engine).
            pending: list[Parsed] = []  # records matched against the store together (one look-up)
            for parsed in (parse_files(tasks, n_workers, options) if parsed_by is None
                           else parsed_by(tasks, options)):
                shown.update(1)
                pending.append(parsed)
                if len(pending) >= LOOKUP_RECORDS:
                    _record_all(corpus, pending, result)
                    pending = []
            _record_all(corpus, pending, result)
        corpus.flush()
        corpus.close_reader()
    result.added_reports = list(corpus.added)
    result.removed_reports = sorted(corpus.removed)
    if passages:
        sync_passages(data_dir, result, progress, index)
    result.seconds = time.perf_counter() - started
    return result


def sync_passages(data_dir: Path, result: IngestResult, progress: bool = True,
                  settings: IndexSettings = IndexSettings()) -> None:
    """Bring the passage index in step with the store, after the store was swapped in.

    Under the corpus write lock, the index is compared with the store as it is (not with what
    this run changed: an earlier run killed between its store swap and its index leaves a
    difference this one repairs; :mod:`index.passages.consistency`).  The index is written as
    a new generation switched to at the end, so a failure here leaves both the new store and
    the previous index usable; the reason is kept in ``result.index_error`` and
    ``gongkai ingest`` prints it with the fix.
    """
    # Imported here: the index pulls in the embedding model's libraries.
    from index.passages.consistency import bring_in_step

    if not store.store_file(data_dir).exists():
        return
    try:
        with store.writing(data_dir, wait=True):
            result.index = bring_in_step(data_dir, len(result.added_reports) + len(result.removed_reports),
                                         progress, settings)
    except GongkaiError as exc:
        result.index_error = str(exc)


def _record_all(corpus: _Corpus, parsed: list[Parsed], result: IngestResult) -> None:
    if corpus.stored:
        corpus.index.fetch([p.stored.report for p in parsed if p.stored is not None])
    for one in parsed:
        _record(corpus, one, result)


def _record(corpus: _Corpus, parsed: Parsed, result: IngestResult) -> None:
    parsed.source_path = display_path(parsed.source_path)
    if parsed.stored is not None:
        parsed.stored.source_path = parsed.source_path
    if parsed.stored is None:
        result.failed.append(Failure(parsed.given, parsed.error or "unknown error", parsed.error_code,
                                     parsed.error_values))
        return
    was_known = parsed.source_path in corpus.sources
    is_new = corpus.accept(parsed.stored)
    if was_known:
        result.updated.append(parsed.given)
    else:
        (result.new if is_new else result.duplicates).append(parsed.given)
    if is_new:
        report = parsed.stored.report
        result.failed_checks.extend(
            FailedCheck(parsed.given, report.id, c.rule, c.detail) for c in report.failed_checks
        )
