"""The README keeps up with the code: every command, option and setting is documented."""

from __future__ import annotations

import pytest

from gongkai.cli import cli
from gongkai.settings import SETTINGS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"gongkai {name}" in README, f"README.md does not document `gongkai {name}`"


@pytest.mark.parametrize("name, option", [
    (name, opt) for name, command in sorted(cli.commands.items()) for param in command.params
    for opt in getattr(param, "opts", []) if opt.startswith("--") and opt != "--help"
])
def test_every_option_is_in_the_readme(name, option):
    assert option in README, f"README.md does not mention {option} of `gongkai {name}`"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme(setting):
    assert setting.env in README, f"README.md does not document the setting {setting.env}"
    row = next((line for line in README.splitlines() if line.startswith(f"| `{setting.env}` |")), "")
    assert f"`{setting.flag}`" in row and f"`{setting.default!r}`" in row and setting.help in row, (
        f"README.md's settings table row for {setting.env} differs from gongkai/settings.py")
