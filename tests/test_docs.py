"""The CLI's documentation: the README's reference names every command and option, and each
`--help` names every value in capitals (FILE, IN...), with no type labels or braces."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from audit_tui.cli import app

README = Path(__file__).parents[1] / "README.md"


def every_command() -> list[tuple[str, Any]]:
    """Every command and group of the CLI, root first, as the words typed after `audit-tui`."""
    found: list[tuple[str, Any]] = []

    def walk(command: Any, words: list[str]) -> None:
        found.append((" ".join(words), command))
        for name, child in getattr(command, "commands", {}).items():
            walk(child, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


def command_paths() -> list[tuple[str, Any]]:
    """Every leaf command of the CLI, as the words a user types after `audit-tui`."""
    return [
        (path, command) for path, command in every_command() if not hasattr(command, "commands")
    ]


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


# How help and usage name a value: FILE, [FILE], IN..., CASE_REF, FIELD=VALUE.
METAVAR = re.compile(r"\[?[A-Z][A-Z0-9_]*(=[A-Z]+)?\]?(\.\.\.)?")


def help_text(path: str) -> str:
    result = CliRunner().invoke(app, [*path.split(), "--help"], prog_name="audit-tui")
    assert result.exit_code == 0, result.output
    return result.output


def panel_rows(text: str, title: str) -> list[list[str]]:
    """The rows of one panel of rich help (Arguments, Options), as cells split at wide gaps.

    A row starts at the panel's left edge (after the required `*`); a line that starts further
    right carries on the help of the row above and is left out.
    """
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("╭─"):
            inside = line.startswith(f"╭─ {title} ")
        elif inside and line.startswith("│"):
            inner = line[1:].rstrip("│ ")
            if len(inner) - len(inner.lstrip()) <= 6:
                rows.append([cell for cell in re.split(r"\s{2,}", inner.strip()) if cell != "*"])
    return rows


@pytest.mark.parametrize(
    "path", [path for path, _ in every_command()], ids=lambda path: path or "audit-tui"
)
def test_help_names_every_value_in_capitals_without_types(path):
    command = dict(every_command())[path]
    text = help_text(path)
    assert not re.search(r"<[A-Za-z][^<>]*>", text), f"a type label such as <bool> in:\n{text}"
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    for piece in usage.split("[OPTIONS]", 1)[1].split():
        assert METAVAR.fullmatch(piece), f"{piece!r} in the usage line {usage.strip()!r}"

    arguments = [p for p in command.params if p.param_type_name == "argument"]
    rows = panel_rows(text, "Arguments")
    assert len(rows) == len(arguments), text
    for cells in rows:
        assert METAVAR.fullmatch(cells[0]), f"argument {cells[0]!r} in:\n{text}"

    rows = panel_rows(text, "Options")
    for option in (p for p in command.params if p.param_type_name == "option"):
        longest = max(option.opts, key=len)
        cells = next(row for row in rows if longest in row[0].split(","))
        if not option.is_flag:
            shown = next(cell for cell in cells[1:] if not cell.startswith("-"))
            assert METAVAR.fullmatch(shown), f"{longest} shows {shown!r} in:\n{text}"
