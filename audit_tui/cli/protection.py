"""`audit-tui encrypt`, `decrypt`, `verify` and `backups`: protecting an inspection file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit_tui.cli.errors import UserError, require_file
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file, for_new, given
from audit_tui.cli.passphrase import ask as ask_passphrase

if TYPE_CHECKING:
    from db.protection import backup


def encrypt(file: FileArgument, passphrase_file: PassphraseFileOption = None) -> None:
    """Encrypt an inspection file with a passphrase, through a checked copy."""
    from audit_tui.locations import backups_dir
    from db.file.connection import is_encrypted
    from db.protection import backup, crypto

    require_file(file)
    if is_encrypted(file):
        raise UserError(f"{file} is already encrypted (or not an SQLite file); nothing was done")
    passphrase = for_new(passphrase_file, file)
    done = crypto.encrypt_file(file, passphrase)
    removed = backup.remove_plain_backups(file, backups_dir())
    backup.take_backup(file, backups_dir(), passphrase=passphrase, force=True)
    typer.echo(
        f"encrypted {file}: {done.tables} tables, {done.rows} rows and {done.history_rows} "
        "history rows checked against the original",
        err=True,
    )
    if removed:
        typer.echo(
            f"removed {removed} unencrypted backup{'s' if removed != 1 else ''} of {file}; "
            "copies you made elsewhere are not encrypted",
            err=True,
        )


def decrypt(file: FileArgument, passphrase_file: PassphraseFileOption = None) -> None:
    """Remove the encryption of an inspection file, through a checked copy."""
    from db.file.connection import is_encrypted
    from db.protection import crypto

    require_file(file)
    if not is_encrypted(file):
        raise UserError(f"{file} is not encrypted; nothing was done")
    passphrase = for_file(file, passphrase_file)
    assert passphrase is not None
    done = crypto.decrypt_file(file, passphrase)
    typer.echo(
        f"decrypted {file}: {done.tables} tables, {done.rows} rows and {done.history_rows} "
        "history rows checked against the original; the file is no longer protected by a "
        "passphrase",
        err=True,
    )


def verify(
    file: FileArgument, as_json: JsonOption = False, passphrase_file: PassphraseFileOption = None
) -> None:
    """Check the answer history's hash chain and the lead's records.

    Names the first row that does not fit, by table and row."""
    with opened(file, passphrase=for_file(file, passphrase_file)) as store:
        result = store.verify_history()
    if as_json:
        shown = {
            "file": str(file),
            "ok": result.ok,
            "rows": result.rows,
            "head": result.head,
            "problem": result.problem,
            "row": result.row_id,
            "kind": result.kind,
            "table": result.table,
        }
        typer.echo(json.dumps(shown, indent=2))
    elif result.ok:
        typer.echo(f"ok: {file}: {result.rows} history rows, chain intact; head {result.head}")
    if not result.ok:
        typer.echo(f"error: {file}: {result.problem}", err=True)
        raise typer.Exit(1)


def backups(
    file: FileArgument,
    restore: Annotated[
        int | None,
        typer.Option("--restore", metavar="N", help="Put backup N back (1 is the newest)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Restore without asking to confirm.")] = False,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """List the automatic backups of an inspection file, or restore one."""
    from audit_tui.locations import backups_dir
    from db.file.checks import check_file
    from db.file.connection import is_encrypted
    from db.protection import backup

    if file.is_dir():
        raise UserError(f"{file} is a folder, not an inspection file; give the file's path")
    root = backups_dir()
    found = backup.list_backups(file, root)
    earlier = backup.earlier_folder(file, root)
    if earlier is not None and not as_json:
        typer.echo(
            f"note: backups taken by an earlier audit-tui of every file named {file.name} are in "
            f"{earlier}; they are not listed, since they cannot be told apart by folder",
            err=True,
        )
    if restore is None:
        problem = _problem(file, given(passphrase_file))
        if problem is None or found:
            _list(file, found, as_json)
        if problem is not None:
            restore_one = f"; restore a backup with `audit-tui backups {file} --restore N`"
            raise UserError(problem + (restore_one if found else ""))
        return
    chosen = next((b for b in found if b.number == restore), None)
    if chosen is None:
        raise UserError(
            f"there is no backup {restore} of {file}; `audit-tui backups {file}` lists them"
        )
    passphrase = given(passphrase_file)
    if passphrase is None and (chosen.encrypted or is_encrypted(file)):
        passphrase = ask_passphrase(f"Passphrase for {file.name}", file, confirm=False)
    check_file(chosen.path, passphrase if chosen.encrypted else None)  # before asking to confirm
    if not yes and not typer.confirm(
        f"Replace {file} with backup {restore} taken {_when(chosen)}? "
        "(the file now there is backed up first)",
        err=True,
    ):
        raise UserError(f"nothing was restored; {file} is as it was")
    done = backup.restore_backup(file, root, restore, passphrase=passphrase)
    typer.echo(f"restored backup {restore} (taken {_when(chosen)}) to {file}", err=True)
    if done.kept is not None:
        typer.echo(f"the file it replaced is kept as {done.kept}", err=True)


def _problem(file: Path, passphrase: str | None) -> str | None:
    """What is wrong with FILE (the gate's sentence), or None; an encrypted file whose
    passphrase was not given is looked at no further than its bytes."""
    from db.errors import StoreError
    from db.file.checks import check_file
    from db.file.connection import is_encrypted

    if file.is_file() and is_encrypted(file) and passphrase is None:
        return None
    try:
        check_file(file, passphrase)
    except StoreError as exc:
        return str(exc)
    return None


def _when(found: backup.Backup) -> str:
    return found.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _list(file: Path, found: list[backup.Backup], as_json: bool) -> None:
    if as_json:
        shown = [
            {
                "number": b.number,
                "taken_at": b.taken_at.isoformat(),
                "path": str(b.path),
                "bytes": b.size,
                "encrypted": b.encrypted,
                "inspection": b.inspection,
            }
            for b in found
        ]
        typer.echo(json.dumps(shown, indent=2))
        return
    if not found:
        typer.echo(
            f"no backups of {file} yet; one is taken when it is opened for writing", err=True
        )
        return
    typer.echo(f"{'N':>3}  {'taken':<19}  {'size':>9}  {'encrypted':<9}  inspection")
    for b in found:
        typer.echo(
            f"{b.number:>3}  {_when(b):<19}  {b.size:>9}  {'yes' if b.encrypted else 'no':<9}  "
            f"{b.inspection}"
        )
    typer.echo(f"restore one with `audit-tui backups {file} --restore N`", err=True)


def register(app: typer.Typer) -> None:
    app.command("encrypt")(encrypt)
    app.command("decrypt")(decrypt)
    app.command("verify")(verify)
    app.command("backups")(backups)
