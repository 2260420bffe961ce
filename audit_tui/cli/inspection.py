"""`audit-tui new`: create an inspection file; and how every command opens one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit_tui.cli import passphrase as passphrases
from audit_tui.cli.bank import ModuleOption, resolve_bank
from audit_tui.cli.errors import UserError
from question_bank.phrasing import is_or_are

if TYPE_CHECKING:
    from db.file.store import InspectionStore


def warn(sentence: str) -> None:
    typer.echo(f"warning: {sentence}", err=True)


@contextmanager
def opened(
    path: Path,
    *,
    readonly: bool = True,
    notice: bool = False,
    passphrase: str | None = None,
) -> Iterator[InspectionStore]:
    """Open an inspection file for a command, saying on stderr when its bank has moved on.

    Opened for writing, the file gets its rotating backup first (see audit_tui/backups.py).
    """
    from audit_tui import backups

    with backups.open_store(path, readonly=readonly, passphrase=passphrase, warn=warn) as store:
        if notice and store.bank_notice:
            typer.echo(f"note: {store.bank_notice}", err=True)
        yield store


def note_open_cases(store: InspectionStore) -> None:
    """Say on stderr how many cases are not complete yet: the figures may still move."""
    open_cases = store.open_case_count()
    if open_cases:
        typer.echo(
            f"note: {open_cases} of {store.case_count()} cases "
            f"{is_or_are(open_cases)} not complete yet; their answers so far are "
            "counted",
            err=True,
        )


def parse_fieldwork(text: str | None) -> tuple[date | None, date | None]:
    """`2015-03-16` (the first day) or `2015-03-16..2015-03-27` (first and last day)."""
    if not text:
        return None, None
    parts = text.split("..")
    if len(parts) > 2:
        raise UserError(f"--fieldwork {text!r} is not a date or a range FIRST..LAST")
    try:
        days = [date.fromisoformat(part.strip()) for part in parts]
    except ValueError:
        raise UserError(
            f"--fieldwork {text!r} is not a date; write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
        ) from None
    return days[0], days[1] if len(days) == 2 else None


def new(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The inspection file to create.")],
    area: Annotated[
        str, typer.Option("--area", metavar="TEXT", help="The area inspected, e.g. Lambeth.")
    ],
    bank: Annotated[
        str,
        typer.Option(
            "--bank", metavar="ID", help="A shipped bank id (e.g. fji-2014) or a bank file."
        ),
    ],
    module: ModuleOption = None,
    lead: Annotated[
        str | None,
        typer.Option("--lead", metavar="INITIALS", help="The lead inspector's initials."),
    ] = None,
    fieldwork: Annotated[
        str | None,
        typer.Option(
            "--fieldwork",
            metavar="DATE",
            help="First day of fieldwork, or FIRST..LAST (YYYY-MM-DD).",
        ),
    ] = None,
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Encrypt the file with a passphrase (SQLCipher).")
    ] = False,
    passphrase_file: passphrases.PassphraseFileOption = None,
) -> None:
    """Create a new inspection file that carries its question bank."""
    from db.file.store import InspectionStore

    chosen = resolve_bank(bank, module)
    start, end = parse_fieldwork(fieldwork)
    if file.exists():
        raise UserError(f"{file} already exists; choose a new file name")
    passphrase = passphrases.for_new(passphrase_file, file) if encrypt else None
    store = InspectionStore.create(
        file,
        area=area,
        bank=chosen,
        lead=lead,
        fieldwork_start=start,
        fieldwork_end=end,
        passphrase=passphrase,
    )
    store.close()
    typer.echo(
        f"created {file}{' (encrypted)' if encrypt else ''}: {area.strip()}, "
        f"bank {chosen.id} v{chosen.version}"
        f"{f' with module {chosen.module}' if chosen.module else ''} "
        f"({len(chosen.questions)} questions); add the sample with `audit-tui cases import`",
        err=True,
    )
