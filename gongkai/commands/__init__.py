"""CLI commands, one module each; ``COMMANDS`` is what ``gongkai`` offers."""

from __future__ import annotations

import click

from gongkai.commands.parse import parse

COMMANDS: list[click.Command] = [parse]
