"""The README's CLI reference names every command and every option the CLI has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from audit_tui.cli import app

README = Path(__file__).parents[1] / "README.md"


def command_paths() -> list[tuple[str, Any]]:
    """Every leaf command of the CLI, as the words a user types after `audit-tui`."""
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(command: Any, words: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, child in command.commands.items():
                walk(child, [*words, name])
        else:
            found.append((" ".join(words), command))

    walk(root, [])
    return found


def reference_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## CLI reference")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_cli_has_commands():
    assert len(command_paths()) >= 3


def test_readme_documents_every_command():
    section = reference_section()
    documented = set(re.findall(r"^### `audit-tui ([a-z][a-z \-]*?)`", section, re.MULTILINE))
    commands = {path for path, _ in command_paths()}
    assert commands - documented == set(), "commands missing from the README's CLI reference"
    assert documented - commands == set(), "the README documents commands that do not exist"


def test_readme_documents_every_option():
    section = reference_section()
    for path, command in command_paths():
        heading = f"### `audit-tui {path}`"
        start = section.index(heading)
        end = section.find("\n### ", start + 1)
        entry = section[start : end if end != -1 else None]
        for param in command.params:
            if param.param_type_name == "option":
                longest = max(param.opts, key=len)
                if longest == "--help":
                    continue
                assert f"`{longest}" in entry, f"{path}: option {longest} is not documented"
