"""``gongkai ask``, ``gongkai chat`` and ``gongkai eval``: questions over the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from gongkai import settings
from parsing.errors import GongkaiError



def _table_lines(table: dict[str, Any]) -> list[str]:
    def cell(value: Any) -> str:
        return "—" if value is None else str(value)

    rows = [[cell(c) for c in table["columns"]]] + [[cell(v) for v in row] for row in table["rows"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


# The settings a question reads.
_QUESTION_SETTINGS = ("data", "top_k", "llm_url", "llm_model")


def _corpus(given: dict[str, Any]) -> Any:
    """The corpus the command's settings name (``--data``, ``--top-k``)."""
    from qa.corpus import Corpus

    return Corpus(settings.data_dir(given.get("data")), settings.index_settings(top_k=given.get("top_k")))


def _endpoint(given: dict[str, Any]) -> Any:
    return settings.llm_endpoint(given.get("llm_url"), given.get("llm_model"))


def show(answer: Any, verbose: bool = False) -> str:
    """An answer as terminal text: words, table, sources, warnings (and the plan and SQL)."""
    zh = answer.lang == "zh"
    lines = [answer.text]
    if answer.table and answer.table["rows"]:
        lines += [""] + _table_lines(answer.table)
    if answer.sources:
        lines += ["", "来源:" if zh else "Sources:"]
        lines += [f"  {s['source']} · {s['agency']} · {s['year']} · §{s['section']} {s['kind']}"
                  for s in answer.sources]
    if answer.warnings:
        lines += ["", "注意:" if zh else "Warnings:"] + [f"  ! {w}" for w in answer.warnings]
    if verbose:
        plan = answer.plan
        lines += ["", f"plan: intent={plan.intent} metrics={plan.metrics} agencies={plan.agencies} "
                      f"region={plan.region} years={plan.years or [plan.year_from, plan.year_to]}"]
        for query in answer.queries:
            lines += [f"sql ({query['purpose']}): {query['sql']}", f"params: {query['params']}"]
    return "\n".join(lines)


@click.command()
@click.argument("questions", nargs=-1, required=True)
@settings.options(*_QUESTION_SETTINGS)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question per line.")
@click.option("--verbose", "-v", is_flag=True, help="Also print the plan and the SQL.")
def ask(questions: tuple[str, ...], as_json: bool, verbose: bool, **given: Any) -> None:
    """Answer QUESTIONS, in Chinese or English, asked in order as one conversation.

    Figures come from the report tables with their agency, year and table; narrative
    questions cite passages.  A later question may leave out what an earlier one said
    (那2022年呢? / "what about coercion?").
    """
    from qa.dialogue import Conversation
    from qa.session import ask as ask_question

    try:
        with _corpus(given) as corpus:
            conversation = Conversation()
            for i, question in enumerate(questions):
                answer = ask_question(question, conversation, corpus, llm=_endpoint(given))
                if as_json:
                    click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, default=str))
                else:
                    click.echo(("\n" if i else "") + f"» {question}\n" + show(answer, verbose))
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc


# What ends `gongkai chat` (besides an empty line and Ctrl-D).
_LEAVE = ("exit", "quit", "q")


def greeting(corpus: Any) -> str:
    """What `gongkai chat` says first: the corpus it answers from, how to ask, how to leave."""
    from gongkai.ui.i18n import t
    from index.tables.summary import corpus_summary

    held = corpus_summary(corpus.connection())
    corpus.release()  # reopened by the first question: an open connection keeps ingests from writing
    span = held.year_range
    years = "" if span is None else f", {span[0]}" + (f"–{span[1]}" if span[1] != span[0] else "")
    return "\n".join([
        f"Gongkai chat: questions about {held.reports:,} reports of {held.agencies:,} agencies{years} "
        f"(corpus {corpus.data}).",
        f"Ask in Chinese or English, e.g. {t('chat.example.1', 'zh')}  A follow-up may leave out what the "
        "question before said.",
        "To leave: an empty line, `exit`, or Ctrl-D.",
    ])


def goodbye() -> str:
    return "Bye."


@click.command()
@settings.options(*_QUESTION_SETTINGS)
@click.option("--verbose", "-v", is_flag=True, help="Also print the plan and the SQL.")
def chat(verbose: bool, **given: Any) -> None:
    """Ask questions one after another in the terminal (empty line, `exit` or Ctrl-D to stop).

    Says first what corpus it answers from and how to leave, and loads the model and the
    indexes before the first prompt, so the first answer is as quick as the others.
    """
    from qa.dialogue import Conversation
    from qa.session import ask as ask_question
    from qa.warm import warm_up

    with _corpus(given) as corpus:
        try:
            click.echo(greeting(corpus))
        except GongkaiError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo("Loading the model and the indexes …", nl=False)
        warmed = warm_up(corpus)
        click.echo(f" ready ({warmed.seconds:.1f} s)." if warmed.passages else
                   f" ready for figures; passages cannot be searched: {warmed.problem}.")
        conversation = Conversation()
        while True:
            try:
                question = click.prompt("?", prompt_suffix=" ", default="", show_default=False)
            except (EOFError, click.Abort):
                click.echo("")
                break
            if question.strip().lower() in ("", *_LEAVE):
                break
            try:
                click.echo(show(ask_question(question, conversation, corpus, llm=_endpoint(given)), verbose) + "\n")
            except GongkaiError as exc:
                click.echo(f"Error: {exc}", err=True)
        click.echo(goodbye())


@click.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@settings.options("data")
@click.option("--failures/--no-failures", default=True, help="List the questions that failed.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any question fails.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def evaluate(file: str, data: str | None, failures: bool, strict: bool, as_json: bool) -> None:
    """Run the conversations of FILE (JSON lines: turns + expect) and score them.

    Prints per intent (and per ``kind`` when lines have one) the accuracy and the
    confidently-wrong rate: wrong answers that show no assumption, warning or missing data.
    Lines marked ``unsure`` are scored apart.
    """
    from qa.evaluate import evaluate_file

    try:
        report = evaluate_file(Path(file), settings.data_dir(data))
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        click.echo(report.summary())
        if failures and report.failures:
            click.echo("\nFailed:")
            for failure in report.failures:
                click.echo(f"  {failure}")
    if strict and report.failures:
        raise SystemExit(1)
