"""``gongkai parse FILE... [--json]``."""

from __future__ import annotations

import click

from parsing import parse_path
from parsing.errors import ParseError
from parsing.summary import describe


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the SCHEMA.md record, one JSON object per line.")
def parse(files: tuple[str, ...], as_json: bool) -> None:
    """Parse report files (text, HTML, DOCX, PDF) and print what was found.

    Every file is tried; a file that cannot be read is reported with its reason and the
    command exits with status 1 after the others are done.
    """
    failed = 0
    for i, name in enumerate(files):
        try:
            report = parse_path(name)
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
