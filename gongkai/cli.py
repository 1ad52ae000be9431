"""The ``gongkai`` command line: a thin layer over the library.

Each command reads its arguments, calls one library function and prints the result.
Library errors (``GongkaiError``) become ``click.ClickException`` here and nowhere else.
"""

from __future__ import annotations

import os

import click

from gongkai import __version__, settings
from index import crashpoints, limits
from parsing import user_cache


@click.group()
@click.version_option(__version__, prog_name="gongkai")
@settings.options("store_wait_s")
def cli(store_wait_s: int | None) -> None:
    """Gongkai: parse, store and ask questions of 政府信息公开工作年度报告."""
    # Test-only: the crash tests make a real process SIGKILL itself at a named point.
    crashpoints.arm(os.environ.get(crashpoints.ENV))
    limits.store_wait_s = float(settings.get("store_wait_s", store_wait_s))
    # What is computed once per machine (the model's ONNX export, …): the platform's cache folder.
    xdg_cache = os.environ.get("XDG_CACHE_HOME")
    user_cache.set_root(os.path.join(xdg_cache, "gongkai") if xdg_cache else None)


def _register() -> None:
    # Each command lives in its own module under gongkai/commands/.
    from gongkai.commands import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register()
