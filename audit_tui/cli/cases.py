"""`audit-tui cases`: import the case sample from CSV, list the cases, show one case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from question_bank.phrasing import counted, is_or_are

if TYPE_CHECKING:
    from db.errors import InvalidRows
    from db.file.records import CaseProgress
    from db.file.store import InspectionStore
    from question_bank.case import CaseRecord

app = typer.Typer(help="The case sample: import it from CSV, list it, show one case.")


SHOWN_PROBLEMS = 20  # a caseload extract of thousands of rows would otherwise fill the screen


def report_rows(exc: InvalidRows) -> None:
    """The bad rows on stderr, one problem a line (the first SHOWN_PROBLEMS of them), before
    the one-sentence summary."""
    for problem in exc.problems[:SHOWN_PROBLEMS]:
        typer.echo(f"error: {problem}", err=True)
    left = exc.problems[SHOWN_PROBLEMS:]
    if left:
        lines = len({p.line for p in left})
        typer.echo(
            f"error: and {counted(len(left), 'more problem')} on "
            f"{counted(lines, 'more line')} (line {left[0].line} onwards)",
            err=True,
        )


@app.command("import")
def import_cases(
    file: FileArgument,
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", help="The case sample as CSV.")],
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Add the cases of a CSV file to the inspection, all of them or none."""
    from db.errors import InvalidRows
    from db.file.csv_import import read_cases

    passphrase = for_file(file, passphrase_file)
    with opened(file, passphrase=passphrase) as store:
        taken = {case.case_ref for case in store.cases()}
    try:
        records = read_cases(csv_path, taken)
    except InvalidRows as exc:
        known = [p.taken for p in exc.problems if p.taken]
        if len(known) == len(exc.problems):
            shown = ", ".join(known[:3]) + (", ..." if len(known) > 3 else "")
            raise UserError(
                f"{counted(len(known), 'case')} of {csv_path.name} "
                f"{is_or_are(len(known))} in {file} already ({shown}), so nothing "
                "was imported; import a CSV of the new cases only (`audit-tui cases list` "
                "shows those in the file)"
            ) from None
        report_rows(exc)
        raise
    with opened(file, readonly=False, passphrase=passphrase) as store:
        store.add_cases(records)
    typer.echo(f"imported {len(records)} cases into {file}", err=True)


def case_dict(case: CaseRecord, progress: CaseProgress | None) -> dict[str, Any]:
    data: dict[str, Any] = case.model_dump(mode="json")
    data["bame"] = case.bame
    data["custody"] = case.custody
    if progress is not None:
        data["progress"] = {
            "status": progress.status,
            "answered": progress.answered,
            "applicable": progress.applicable,
        }
    return data


@app.command("list")
def list_cases(
    file: FileArgument, as_json: JsonOption = False, passphrase_file: PassphraseFileOption = None
) -> None:
    """List the cases with their inspector, disposal, risk and progress."""
    with opened(file, passphrase=for_file(file, passphrase_file)) as store:
        progress = store.case_progress()
        cases = store.cases()
    if as_json:
        typer.echo(json.dumps([case_dict(c, progress[c.case_ref]) for c in cases], indent=2))
        return
    if not cases:
        typer.echo("no cases yet; add them with `audit-tui cases import FILE CSV`", err=True)
        return
    typer.echo(
        f"{'case':<8} {'insp':<5} {'disposal':<26} {'status':<11} {'rosh':<10} "
        f"{'vulnerability':<14} progress"
    )
    for case in cases:
        p = progress[case.case_ref]
        typer.echo(
            f"{case.case_ref:<8} {case.inspector:<5} {case.disposal.value:<26} "
            f"{case.status.value:<11} {case.rosh.value:<10} {case.vulnerability.value:<14} "
            f"{p.status} {p.answered}/{p.applicable}"
        )


def question_rows(store: InspectionStore, case_ref: str) -> list[dict[str, Any]]:
    """Every question of the bank for one case: applies, answer and note (and second read)."""
    applies = store.applicability(case_ref)
    primary = {a.question_id: a for a in store.answers(case_ref, role="primary")}
    second = {a.question_id: a for a in store.answers(case_ref, role="second_read")}
    rows = []
    for question in store.bank.questions:
        answer, read = primary.get(question.id), second.get(question.id)
        rows.append(
            {
                "id": question.id,
                "theme": question.theme,
                "key": question.key,
                "applies": applies[question.id],
                "why_not": None if applies[question.id] else store.why_not_applicable(question.id),
                "answer": answer.value if answer else None,
                "note": answer.note if answer else None,
                "inspector": answer.inspector if answer else None,
                "second_read": (
                    {"answer": read.value, "note": read.note, "inspector": read.inspector}
                    if read
                    else None
                ),
            }
        )
    return rows


@app.command("show")
def show_case(
    file: FileArgument,
    case_ref: Annotated[str, typer.Argument(metavar="CASE_REF", help="The case, e.g. C017.")],
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Show a case's fields and, for every question, whether it applies, the answer and note."""
    with opened(file, notice=True, passphrase=for_file(file, passphrase_file)) as store:
        case = store.case(case_ref)
        progress = store.case_progress(case_ref)[case_ref]
        questions = question_rows(store, case_ref)
    if as_json:
        shown = {"case": case_dict(case, progress), "questions": questions}
        typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    for name, value in case_dict(case, progress).items():
        if name != "progress":
            typer.echo(f"{name:<22} {value}")
    typer.echo(
        f"{'progress':<22} {progress.status}, {progress.answered} of "
        f"{progress.applicable} applicable questions answered"
    )
    typer.echo("")
    for row in questions:
        mark = "*" if row["key"] else " "
        if not row["applies"]:
            typer.echo(f"{mark} {row['id']:<14} N/A    ({row['why_not']})")
            continue
        answer = row["answer"] or "-"
        note = f"  {row['note']}" if row["note"] else ""
        typer.echo(f"{mark} {row['id']:<14} {answer:<6}{note}")
