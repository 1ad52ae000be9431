"""``gongkai search "query" [--year …] [--agency …] [--kind …] [--topic …] [--json]``."""

from __future__ import annotations

import json

import click

from gongkai import settings
from index.passages.chunk import KINDS
from index.passages.consistency import difference as index_difference
from index.passages.search import RETRIEVERS, Hit, search as search_passages
from index.passages.topics import TOPICS, resolve_topic
from parsing.errors import GongkaiError

_PREVIEW = 160


def _describe(rank: int, hit: Hit) -> str:
    found = ", ".join(f"{name} #{getattr(hit, name + '_rank')}" for name in hit.retrievers)
    topics = " ".join(t.zh for key in hit.topics if (t := resolve_topic(key)))
    head = f"{rank}. {hit.agency or '?'} · {hit.year or '?'} · {hit.section_no} {hit.section_title} · {hit.kind}"
    lines = [head, f"   score {hit.score:.4f} ({found})" + (f" · {topics}" if topics else "")]
    text = " ".join(hit.text.split())
    lines.append("   " + (text if len(text) <= _PREVIEW else text[:_PREVIEW] + "…"))
    source = f"   {hit.id} · {hit.source}"
    if hit.duplicate_of:
        source += f" · repeats {hit.duplicate_of}"
    lines.append(source)
    return "\n".join(lines)


@click.command()
@click.argument("query")
@settings.options("data")
@click.option("--year", "years", type=int, multiple=True, help="Only reports on this year (repeatable).")
@click.option("--agency", multiple=True, help="Only agencies whose name contains this (repeatable).")
@click.option("--region", multiple=True, help="Only agencies in this province, city, county or township.")
@click.option("--kind", multiple=True, type=click.Choice(KINDS),
              help="Only passages of this kind, e.g. measures or problems (repeatable).")
@click.option("--topic", multiple=True,
              help="Only passages on this topic: key, Chinese or English name (repeatable); "
                   + ", ".join(t.key for t in TOPICS) + ".")
@click.option("-k", "--top", "k", type=int, default=None, help="Passages to show (default: setting `top_k`).")
@click.option("--retriever", "retrievers", multiple=True, type=click.Choice(RETRIEVERS),
              help="Use only this retriever (default: both, fused).")
@click.option("--no-duplicates", is_flag=True, help="Leave out passages that repeat another report's text.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON list.")
def search(query: str, data: str | None, years: tuple[int, ...], agency: tuple[str, ...],
           region: tuple[str, ...], kind: tuple[str, ...], topic: tuple[str, ...], k: int | None,
           retrievers: tuple[str, ...], no_duplicates: bool, as_json: bool) -> None:
    """Find the report passages that answer QUERY (Chinese, either script).

    BM25 and the embedding model each search inside the filters; their rankings are
    fused.  Build the index first with `gongkai ingest`.
    """
    try:
        hits = search_passages(
            settings.data_dir(data), query, years=years or None, agency=agency or None, region=region or None,
            kind=kind or None, topic=topic or None, k=int(settings.get("top_k", k)), retrievers=retrievers or RETRIEVERS,
            exclude_duplicates=no_duplicates,
        )
        behind = index_difference(settings.data_dir(data))
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    if behind is not None and not behind.in_step:  # on stderr: --json output stays JSON
        click.echo(f"Warning: {behind.en(settings.data_dir(data))}", err=True)
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return
    if not hits:
        click.echo("No passage matches; try fewer filters or other words.")
        return
    click.echo("\n\n".join(_describe(i, h) for i, h in enumerate(hits, start=1)))
