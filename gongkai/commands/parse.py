"""``gongkai parse FILE... [--json]``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from gongkai import settings
from parsing import parse_path
from parsing.bounded import run_bounded
from parsing.errors import ParseError
from parsing.limits import Limits
from parsing.ocr import print_progress
from parsing.record import Report
from parsing.summary import describe


@dataclass(frozen=True)
class _Job:
    ocr: bool
    ocr_threads: int
    limits: Limits

    def __call__(self, name: str) -> tuple[Report | None, str]:
        """The report, or None and the error's words (an exception is not sent between processes)."""
        try:
            return parse_path(name, ocr=self.ocr, progress=print_progress, ocr_threads=self.ocr_threads,
                              limits=self.limits), ""
        except ParseError as exc:
            return None, str(exc)
        except Exception as exc:  # a parser bug: still a reason, never a traceback
            return None, f"{Path(name).name}: unexpected failure ({type(exc).__name__}: {exc})"


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the SCHEMA.md record, one JSON object per line.")
@click.option("--no-ocr", "no_ocr", is_flag=True,
              help="Do not OCR PDF pages that have no text layer (scanned pages are skipped).")
@settings.options("ocr_threads", *settings.LIMIT_SETTINGS)
def parse(files: tuple[str, ...], as_json: bool, no_ocr: bool, ocr_threads: int | None, **limits: int | None) -> None:
    """Parse report files (text, HTML, DOCX, PDF) and print what was found.

    PDF pages without a text layer (scans) are OCRed, one progress line per page on stderr.
    Each file is parsed in a process of its own, stopped past `parse_seconds`.

    Every file is tried; a file that cannot be read is reported with its reason and the
    command exits with status 1 after the others are done.
    """
    job = _Job(not no_ocr, int(settings.get("ocr_threads", ocr_threads)), settings.limits(**limits))

    def timed_out(name: str) -> tuple[Report | None, str]:
        return None, str(job.limits.timed_out(Path(name).name))

    def died(name: str) -> tuple[Report | None, str]:
        return None, f"{Path(name).name}: the parser process died on this file (out of memory?)"

    failed = 0
    for i, (report, error) in enumerate(run_bounded(job, files, 1, job.limits.parse_seconds, timed_out, died)):
        if report is None:
            failed += 1
            click.echo(f"error: {error}", err=True)
            continue
        if as_json:
            click.echo(report.to_json())
        else:
            if i:
                click.echo("")
            click.echo(describe(report))
    if failed:
        raise click.exceptions.Exit(1)
