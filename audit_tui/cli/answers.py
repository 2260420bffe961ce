"""`audit-tui answers`: import answers from CSV and export them, so the round trip works."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from audit_tui.cli.cases import report_rows
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file

app = typer.Typer(help="Answers: import them from CSV, export them as CSV or JSON.")


@app.command("import")
def import_answers(
    file: FileArgument,
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", help="Answers as CSV.")],
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Record the answers of a CSV file, all of them or none; each change goes in the history."""
    from db.errors import InvalidRows
    from db.file.csv_import import read_answer_rows

    passphrase = for_file(file, passphrase_file)
    try:
        rows = read_answer_rows(csv_path)
        with opened(file, readonly=False, passphrase=passphrase) as store:
            counts = store.import_answers(rows, csv_path.name)
    except InvalidRows as exc:
        report_rows(exc)
        raise
    typer.echo(
        f"imported {counts['added']} new and {counts['changed']} changed answers into {file} "
        f"({counts['unchanged']} unchanged)",
        err=True,
    )


@app.command("export")
def export_answers(
    file: FileArgument,
    as_json: JsonOption = False,
    no_notes: Annotated[
        bool, typer.Option("--no-notes", help="Leave out the free-text notes.")
    ] = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Print every answer as CSV (the columns `answers import` reads) or JSON."""
    from db.cells import inert
    from db.file.csv_import import ANSWER_COLUMNS

    with opened(file, passphrase=for_file(file, passphrase_file)) as store:
        answers = store.answers()
    if as_json:
        rows = [asdict(a) | ({"note": None} if no_notes else {}) for a in answers]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ANSWER_COLUMNS)
    for a in answers:
        note = "" if no_notes else a.note or ""
        cells = [a.case_ref, a.question_id, a.value, note, a.inspector, a.role]
        writer.writerow([inert(cell) for cell in cells])  # a spreadsheet runs no note (db.cells)
    typer.echo(out.getvalue(), nl=False)
