"""Collation week on the command line: split, export, collate, report and moderate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from audit_tui.cli import passphrase as passphrases
from audit_tui.cli.errors import UserError, require_file
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from question_bank.phrasing import counted, is_or_are

EncryptOption = Annotated[
    bool,
    typer.Option(
        "--encrypt",
        help="Encrypt the output with a passphrase (an encrypted FILE's outputs always are).",
    ),
]


def output_passphrase(encrypt: bool, passphrase_file: Path | None, source: Path) -> str | None:
    """With --encrypt: the passphrase to encrypt outputs with (FILE's own, when it has one)."""
    if not encrypt:
        return None
    return passphrases.for_new(passphrase_file, source)


def split_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The lead's inspection file.")],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="The folder for the inspectors' files.")
    ],
    as_json: JsonOption = False,
    encrypt: EncryptOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Write one file per inspector holding only the cases assigned to them."""
    from db.collation.export import split

    passphrase = for_file(file, passphrase_file)
    written = split(
        file,
        out,
        passphrase=passphrase,
        encrypt=passphrase or output_passphrase(encrypt, passphrase_file, file),
    )
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {"inspector": w.inspector, "path": str(w.path), "cases": w.cases,
                     "answers": w.answers, "history": w.history}
                    for w in written
                ],
                indent=2,
            )
        )  # fmt: skip
        return
    for w in written:
        typer.echo(f"{w.inspector}\t{w.path}\t{w.cases} cases\t{w.answers} answers")
    typer.echo(f"split {file} into {len(written)} inspector files in {out}", err=True)
    typer.echo(
        f"note: the lead's judgements, and whatever else is recorded in {file} from now on, stay "
        f"in it; collate with `--base {file}` to keep them",
        err=True,
    )


def export_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The inspection file to export.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="OUT", help="The export file to write.")
    ],
    as_json: JsonOption = False,
    deidentify: Annotated[
        bool,
        typer.Option(
            "--deidentify",
            help="Write a de-identified copy for analysts instead: no notes, coded case refs.",
        ),
    ] = False,
    encrypt: EncryptOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Write a clean self-contained copy of FILE and OUT.manifest.json beside it."""
    from db.collation.export import export
    from db.collation.inputs import manifest_path

    passphrase = for_file(file, passphrase_file)
    if deidentify:
        _export_deidentified(file, out, passphrase, encrypt, passphrase_file, as_json)
        return
    manifest = export(
        file,
        out,
        passphrase=passphrase,
        encrypt=passphrase or output_passphrase(encrypt, passphrase_file, file),
    )
    if as_json:
        typer.echo(json.dumps(manifest, indent=2, sort_keys=True))
        return
    typer.echo(
        f"exported {file} to {out}: {manifest['cases']} cases, {manifest['answers']} answers, "
        f"sha256 {manifest['sha256']}; manifest {manifest_path(out)}"
    )


def collate_command(
    files: Annotated[
        list[Path], typer.Argument(metavar="IN...", help="The inspectors' files to merge.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="OUT",
            help="The collated file; an existing one (same inspection) is merged into.",
        ),
    ],
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            metavar="LEAD",
            help="The lead's inspection file: its judgements, edits and reasons come along.",
        ),
    ] = None,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Merge inspector files of one inspection into OUT, keeping every conflict."""
    from db.collation.collate import collate
    from db.file.connection import is_encrypted

    given = [*files, *([base] if base else []), out]
    encrypted = [f for f in given if f.is_file() and is_encrypted(f)]
    passphrase = for_file(encrypted[0], passphrase_file) if encrypted else None
    summary = collate(files, out, base=base, passphrase=passphrase)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        typer.echo("\n".join(summary.lines()))
    for sentence in summary.not_taken:
        typer.echo(f"warning: not taken as held: {sentence}", err=True)
    if base is None and not summary.judgements:
        typer.echo(
            "note: no input holds a judgement the lead recorded; if the lead recorded any in the "
            "inspection file, collate again with `--base LEAD.sqlite`",
            err=True,
        )
    if summary.conflicts:
        typer.echo(
            f"warning: {summary.conflicts} unresolved conflict"
            f"{'s' if summary.conflicts != 1 else ''} in {out}; run `audit-tui moderate {out}`",
            err=True,
        )


def report_format(fmt: str | None, out: Path | None) -> str:
    """The format asked for, else the one OUT's suffix names, else md; one that contradicts
    OUT's suffix is refused (an .xlsx file holding markdown opens as a broken workbook)."""
    from db.reporting import report

    if fmt is not None and fmt not in report.FORMATS:
        raise UserError(f"--format {fmt!r} is not a report format; use md, csv, xlsx or json")
    named = out.suffix.lower().lstrip(".") if out is not None else ""
    named = {"markdown": "md"}.get(named, named)
    if named not in report.FORMATS:
        return fmt or "md"
    if fmt is not None and fmt != named:
        raise UserError(
            f"{out} ends in .{named} but --format is {fmt}; drop --format or name the file "
            f"REPORT.{fmt}"
        )
    return named


def report_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The collated inspection file.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, csv, xlsx or json (default: OUT's suffix, else md).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="OUT", help="Where to write it (default: stdout)."),
    ] = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Write the report's figures: scores, Data Summary, subgroups, agreement, conflicts."""
    from db.reporting import report

    fmt = report_format(fmt, out)
    if fmt == "xlsx" and out is None:
        raise UserError("an xlsx report needs a file: add -o REPORT.xlsx")
    with opened(file, notice=True, passphrase=for_file(file, passphrase_file)) as store:
        figures = report.gather(store)
    if out is None:
        text = {"md": report.to_markdown, "csv": report.to_csv, "json": report.to_json}[fmt]
        sys.stdout.write(text(figures))
    else:
        report.write(figures, fmt, out)
        typer.echo(f"wrote the {fmt} report of {file} to {out}", err=True)
    kinds = [
        (n, counted(n, noun) + after)
        for n, noun, after in (
            (len(figures.conflicts), "unresolved conflict", ""),
            (len(figures.disagreements), "unmoderated second-read disagreement", ""),
            (len(figures.unfinished), "case", " not complete"),
        )
        if n
    ]
    if kinds:
        said = [text for _, text in kinds]
        listed = ", ".join(said[:-1]) + " and " if len(said) > 1 else ""
        verb = is_or_are(kinds[0][0]) if len(kinds) == 1 else "are"
        typer.echo(
            f"warning: {listed}{said[-1]} {verb} listed at the top of the report",
            err=True,
        )


def moderate_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The collated inspection file.")],
    inspector: Annotated[
        str | None,
        typer.Option(
            "--inspector",
            metavar="INITIALS",
            help="Your initials (defaults to the file's lead).",
        ),
    ] = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Open the moderation screen: conflicts, second-read disagreements and agreement."""
    from audit_tui import settings
    from audit_tui.app import make_app

    require_file(file)
    theme = settings.load().get("theme")
    app = make_app(
        file,
        inspector=inspector,
        theme=theme if isinstance(theme, str) else None,
        passphrase=passphrases.given(passphrase_file),  # else the interface asks for it
        start_with="moderation",
    )
    app.run()
    if app.return_code:
        raise UserError(app.return_value or "the inspection file could not be opened")


def _export_deidentified(
    file: Path,
    out: Path,
    passphrase: str | None,
    encrypt: bool,
    passphrase_file: Path | None,
    as_json: bool,
) -> None:
    """`export --deidentify`: the copy analysts may take outside the secure setting."""
    from db.protection.deidentify import deidentified_copy

    if out.exists():
        raise UserError(f"{out} already exists; choose a new file name for the export")
    sealed = output_passphrase(encrypt, passphrase_file, out)
    with opened(file, passphrase=passphrase) as store:
        done = deidentified_copy(store, out, passphrase=sealed)
    if as_json:
        shown = {
            "file": str(out),
            "deidentified": True,
            "encrypted": sealed is not None,
            "cases": done.cases,
            "answers": done.answers,
            "history_rows": done.history_rows,
        }
        typer.echo(json.dumps(shown, indent=2))
        return
    typer.echo(
        f"exported a de-identified copy of {file} to {out}: {done.cases} cases (coded), "
        f"{done.answers} answers, {done.history_rows} history rows; no notes"
    )


def register(app: typer.Typer) -> None:
    app.command("split")(split_command)
    app.command("export")(export_command)
    app.command("collate")(collate_command)
    app.command("report")(report_command)
    app.command("moderate")(moderate_command)
