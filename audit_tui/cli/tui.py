"""`audit-tui open`, `audit-tui demo` and plain `audit-tui`: start the interface on a file.

The commands as typer declares them; what they do is in launch.py, which also runs them
without typer when the command line is plain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit_tui.cli import launch
from audit_tui.cli.passphrase import PassphraseFileOption

InspectorOption = Annotated[
    str | None,
    typer.Option(
        "--inspector",
        metavar="INITIALS",
        help="Your initials: your cases are listed first and your answers are recorded under "
        "them. Defaults to the file's lead inspector.",
    ),
]


def open_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The inspection file (.sqlite) to open.")
    ],
    inspector: InspectorOption = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Open an inspection file in the interface: the case list, then the interview."""
    launch.open_file(file, inspector, passphrase_file)


def demo_command(
    path: Annotated[
        Path | None,
        typer.Option(
            "--path", metavar="FILE", help="Where to keep the demo file (default: the data folder)."
        ),
    ] = None,
    inspector: InspectorOption = None,
    bank: Annotated[
        str | None,
        typer.Option(
            "--bank",
            metavar="ID",
            help="The bank of the demo: fji-2014 (the default) or yjs-2021.",
        ),
    ] = None,
) -> None:
    """Build the demo inspection (61 synthetic cases, fixed seed) unless it exists, and open it."""
    launch.demo(path, inspector, bank)


def open_last() -> None:
    """Plain `audit-tui`: the last file used, or the start screen."""
    launch.open_last()


def register(app: typer.Typer) -> None:
    app.command("open")(open_command)
    app.command("demo")(demo_command)
