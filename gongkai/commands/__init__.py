"""CLI commands, one module each; ``COMMANDS`` is what ``gongkai`` offers."""

from __future__ import annotations

import click

from gongkai.commands.app import app
from gongkai.commands.ask import ask, chat, evaluate
from gongkai.commands.corpus import export, ingest, sql
from gongkai.commands.parse import parse
from gongkai.commands.repair import repair
from gongkai.commands.search import search

COMMANDS: list[click.Command] = [parse, ingest, repair, sql, export, search, ask, chat, evaluate, app]
