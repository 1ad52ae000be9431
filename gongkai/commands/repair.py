"""``gongkai repair``: rebuild a damaged store from its sources list; bring the passage index in step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from gongkai import settings
from parsing.errors import GongkaiError


def say_waiting(data: Path) -> Callable[[str], None]:
    """The ``on_wait`` of a CLI write: one line on stderr while another writer holds the corpus."""
    def on_wait(holder: str) -> None:
        who = f" ({holder})" if holder else ""
        click.echo(f"Another ingest{who} is writing to {data}; waiting for it to finish "
                   f"(Ctrl-C to stop waiting: nothing is changed until the lock is ours) …", err=True)
    return on_wait


@click.command()
@settings.options("data", "workers", "model", "embed_precision", "embed_device", "embed_threads", "chunk_chars",
                  "exact_index_max", "ocr_threads")
@click.option("--no-ocr", "no_ocr", is_flag=True, help="Do not OCR PDF pages that have no text layer.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def repair(data: str | None, workers: int | None, ocr_threads: int | None, no_ocr: bool, quiet: bool,
           **index: object) -> None:
    """Check the corpus and mend it: a damaged store, a passage index behind the store.

    The store is read through; if it cannot be, it is moved aside and the files listed in
    DATA/sources.json (kept beside the store at every ingest) are ingested again.  Then the
    passage index is compared with the store and the reports it lacks are indexed, those the
    store dropped removed.  Waits while an ingest writes to the same corpus.
    """
    from corpus.repair import repair as repair_corpus

    data_dir = settings.data_dir(data)
    try:
        done = repair_corpus(data_dir, workers=int(settings.get("workers", workers)), progress=not quiet,
                             index=settings.index_settings(**index), ocr=not no_ocr,
                             ocr_threads=int(settings.get("ocr_threads", ocr_threads)),
                             wait=True, on_wait=say_waiting(data_dir))
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    lines = []
    if done.damage is None:
        lines.append(f"Store {data_dir}: reads through, nothing damaged.")
    else:
        lines.append(f"Store was damaged ({done.damage}); moved to {done.moved_to}.")
        lines.append(f"Rebuilt from {done.rebuilt_from} files of sources.json"
                     + (f"; {len(done.gone)} listed files no longer exist:" if done.gone else "."))
        lines += [f"  {path}" for path in done.gone]
        if done.ingest is not None and done.ingest.failed:
            lines.append(f"{len(done.ingest.failed)} files failed:")
            lines += [f"  {f.path}: {f.reason}" for f in done.ingest.failed]
    if done.sync.index_error:
        lines.append(f"The passage index could not be brought in step: {done.sync.index_error}")
    elif done.sync.index:
        lines.append(f"Passage index brought in step: {done.sync.index.get('passages', '?')} passages of "
                     f"{done.sync.index.get('reports', '?')} reports.")
    else:
        lines.append("Passage index: in step with the store.")
    click.echo("\n".join(lines))
    if done.gone or done.sync.index_error or (done.ingest is not None and done.ingest.failed):
        raise click.exceptions.Exit(1)
