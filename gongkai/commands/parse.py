"""``gongkai parse FILE... [--json]``."""

from __future__ import annotations

import click

from gongkai import settings
from parsing import parse_path
from parsing.errors import ParseError
from parsing.ocr import print_progress
from parsing.summary import describe


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the SCHEMA.md record, one JSON object per line.")
@click.option("--no-ocr", "no_ocr", is_flag=True,
              help="Do not OCR PDF pages that have no text layer (scanned pages are skipped).")
@settings.options("ocr_threads")
def parse(files: tuple[str, ...], as_json: bool, no_ocr: bool, ocr_threads: int | None) -> None:
    """Parse report files (text, HTML, DOCX, PDF) and print what was found.

    PDF pages without a text layer (scans) are OCRed, one progress line per page on stderr.

    Every file is tried; a file that cannot be read is reported with its reason and the
    command exits with status 1 after the others are done.
    """
    failed = 0
    for i, name in enumerate(files):
        try:
            report = parse_path(name, ocr=not no_ocr, progress=print_progress,
                                ocr_threads=int(settings.get("ocr_threads", ocr_threads)))
        except ParseError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        if as_json:
            click.echo(report.to_json())
        else:
            if i:
                click.echo("")
            click.echo(describe(report))
    if failed:
        raise click.exceptions.Exit(1)
