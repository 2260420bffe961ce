"""`audit-tui open`, `audit-tui demo` and plain `audit-tui`: start the interface on a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.passphrase import PassphraseFileOption, given

InspectorOption = Annotated[
    str | None,
    typer.Option(
        "--inspector",
        help="Your initials: your cases are listed first and your answers are recorded under "
        "them. Defaults to the file's lead inspector.",
    ),
]


def run_app(path: Path | None, inspector: str | None = None, passphrase: str | None = None) -> None:
    """Run the interface; a file that cannot be opened ends with its one sentence, exit 1.

    An encrypted file's passphrase, when not given, is asked for by the interface.
    """
    from audit_tui import settings
    from audit_tui.app import make_app

    theme = settings.load().get("theme")
    app = make_app(
        path,
        inspector=inspector,
        theme=theme if isinstance(theme, str) else None,
        passphrase=passphrase,
    )
    app.run()
    if app.return_code:
        raise UserError(app.return_value or "the inspection file could not be opened")


def open_command(
    file: Annotated[Path, typer.Argument(help="The inspection file (.sqlite) to open.")],
    inspector: InspectorOption = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Open an inspection file in the interface: the case list, then the interview."""
    if not file.is_file():
        raise UserError(f"there is no inspection file at {file}; check the path")
    run_app(file, inspector, given(passphrase_file))


def demo_command(
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Where to keep the demo file (default: the data folder)."),
    ] = None,
    inspector: InspectorOption = None,
) -> None:
    """Build the demo inspection (61 synthetic cases, fixed seed) unless it exists, and open it."""
    from audit_tui.locations import demo_path

    target = path or demo_path()
    if target.exists():
        typer.echo(f"Using the existing demo inspection at {target}", err=True)
    else:
        from db.demo import build_demo

        if not target.parent.is_dir():
            raise UserError(f"the folder {target.parent} does not exist; create it first")
        typer.echo(f"Building the demo inspection at {target}", err=True)
        build_demo(target)
    run_app(target, inspector)


def open_last() -> None:
    """Plain `audit-tui`: the last file used, or the start screen."""
    from audit_tui import settings

    run_app(settings.last_file(), passphrase=given(None))


def register(app: typer.Typer) -> None:
    app.command("open")(open_command)
    app.command("demo")(demo_command)
