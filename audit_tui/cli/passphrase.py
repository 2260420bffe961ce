"""Where a command gets the passphrase of an encrypted file: a file, the environment, a prompt.

Every command that takes an inspection FILE declares `PassphraseFileOption` and asks
`for_file` once; a plain file needs nothing, so nobody is asked for a passphrase they do not
have. A passphrase is never echoed, never printed and never put in an error message.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

from audit_tui.cli.errors import UserError
from db.file.connection import is_encrypted

ENV = "AUDIT_TUI_PASSPHRASE"
MIN_LENGTH = 8


def __getattr__(name: str) -> Any:
    """`PassphraseFileOption`, the option every command taking a FILE declares, is made on
    first use: the interface's quick launch (launch.py) reads a passphrase without typer."""
    if name != "PassphraseFileOption":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import typer

    return Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            metavar="PATH",
            help=f"Read the passphrase of an encrypted file from PATH (its first line); "
            f"or set {ENV}; otherwise you are asked.",
        ),
    ]


def given(passphrase_file: Path | None) -> str | None:
    """The passphrase from --passphrase-file, else from the environment, else None."""
    if passphrase_file is not None:
        return _read(passphrase_file)
    return os.environ.get(ENV) or None


def for_file(file: Path, passphrase_file: Path | None) -> str | None:
    """The passphrase to open FILE with: None for a plain file; asked for when not given."""
    passphrase = given(passphrase_file)
    if passphrase is not None or not is_encrypted(file):
        return passphrase
    return ask(f"Passphrase for {file.name}", file, confirm=False)


def for_new(passphrase_file: Path | None, what: Path) -> str:
    """A passphrase to encrypt WHAT with: given, or asked for twice; at least MIN_LENGTH long."""
    passphrase = given(passphrase_file)
    if passphrase is None:
        passphrase = ask(f"New passphrase for {what.name}", what, confirm=True)
    if len(passphrase) < MIN_LENGTH:
        raise UserError(
            f"a passphrase needs at least {MIN_LENGTH} characters; choose a longer one "
            "(a few words are easy to remember)"
        )
    return passphrase


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"there is no passphrase file at {path}; check the path") from None
    except (OSError, UnicodeDecodeError):
        raise UserError(f"the passphrase file {path} cannot be read; check it") from None
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise UserError(f"the passphrase file {path} is empty; write the passphrase on line 1")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(
            f"warning: other users can read the passphrase file {path}; `chmod 600` it",
            file=sys.stderr,
        )
    return passphrase


def can_ask() -> bool:
    """Whether there is a terminal to ask on (getpass reads /dev/tty, else stdin)."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return False


def ask(prompt: str, file: Path, *, confirm: bool) -> str:
    """Ask on the terminal without echo; with no terminal to ask on, say how to give it."""
    import typer

    try:
        if not can_ask():
            raise typer.Abort()
        with warnings.catch_warnings():
            # getpass falls back to an echoing read when there is no terminal: refuse instead.
            warnings.simplefilter("error", getpass.GetPassWarning)
            answer = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm, err=True)
    except (typer.Abort, EOFError, getpass.GetPassWarning):
        raise UserError(
            f"{file} needs a passphrase: give it with --passphrase-file or {ENV}, "
            "or type it when asked in a terminal"
        ) from None
    if not answer:
        raise UserError(f"no passphrase was given for {file}; nothing was done")
    return str(answer)
