"""`audit-tui bank`: list, show and validate question banks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.options import JsonOption

if TYPE_CHECKING:
    from question_bank.model import Bank

app = typer.Typer(help="Question banks: list the shipped ones, show one, validate a bank file.")


def resolve_bank(ident: str) -> Bank:
    """A shipped bank by id, or a bank file by path."""
    from question_bank.loader import load_bank, load_shipped

    path = Path(ident)
    if ident.endswith((".yaml", ".yml")) or path.exists():
        if not path.is_file():
            raise UserError(f"there is no bank file at {ident}; give a shipped id or a file path")
        return load_bank(path)
    return load_shipped(ident)


@app.command("list")
def list_banks(
    as_json: JsonOption = False,
) -> None:
    """List the question banks that come with audit-tui."""
    from question_bank.loader import load_bank, shipped_bank_paths

    banks = [load_bank(path) for path in shipped_bank_paths().values()]
    rows = [
        {
            "id": b.id,
            "version": b.version,
            "title": b.title,
            "themes": len(b.themes),
            "questions": len(b.questions),
            "key_questions": sum(q.key for q in b.questions),
            "scoring_rule": b.scoring.rule,
            "hash": b.content_hash,
        }
        for b in banks
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['id']:<10} v{row['version']:<5} {row['questions']:>4} questions "
            f"({row['key_questions']} key), {row['themes']} themes  {row['title']}"
        )


def bank_as_dict(bank: Bank) -> dict[str, object]:
    """The shape `bank show --json` prints."""
    return {
        "id": bank.id,
        "version": bank.version,
        "title": bank.title,
        "hash": bank.content_hash,
        "scoring_rule": bank.scoring.rule,
        "bands": [b.model_dump() for b in bank.scoring.bands],
        "themes": [
            {
                "number": t.number,
                "title": t.title,
                "expectation": t.expectation,
                "case_scored": t.case_scored,
                "questions": [
                    {
                        "id": q.id,
                        "section": q.section,
                        "text": q.text,
                        "key": q.key,
                        "chart_label": q.chart_label,
                        "scale": bank.scale_of(q).values(),
                        "condition": (
                            q.applies_if.model_dump(by_alias=True, exclude_none=True)
                            if q.applies_if
                            else None
                        ),
                        "note_required_for": q.note_required_for,
                    }
                    for q in bank.theme_questions(t.number)
                ],
            }
            for t in bank.themes
        ],
    }


@app.command("show")
def show(
    bank_id: Annotated[str, typer.Argument(metavar="ID", help="A shipped bank id or a file path.")],
    as_json: JsonOption = False,
) -> None:
    """Show a bank's themes and questions."""
    bank = resolve_bank(bank_id)
    if as_json:
        typer.echo(json.dumps(bank_as_dict(bank), indent=2, ensure_ascii=False))
        return
    typer.echo(f"{bank.title} ({bank.id} v{bank.version}, scoring: {bank.scoring.rule})")
    typer.echo(f"hash {bank.content_hash}")
    bands = ", ".join(f"{b.label} {b.min}-{b.max}" for b in bank.scoring.bands)
    typer.echo(f"bands: {bands}")
    for theme in bank.themes:
        scored = "case-scored" if theme.case_scored else "not case-scored"
        typer.echo(f"\nTheme {theme.number}: {theme.title} ({scored})")
        for q in bank.theme_questions(theme.number):
            mark = "*" if q.key else " "
            when = f"  [if {q.applies_if.describe()}]" if q.applies_if else ""
            typer.echo(f"  {mark} {q.id:<16} {q.text}{when}")
    typer.echo("\n* key question")


@app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A bank file (YAML).")],
) -> None:
    """Check a bank file; print every problem, one per line, and exit 1 if there is any."""
    from question_bank.loader import load_bank

    if not path.is_file():
        raise UserError(f"there is no file at {path}; give the path of a bank YAML file")
    bank = load_bank(path)
    typer.echo(
        f"ok: {path.name} is bank {bank.id} v{bank.version}: {len(bank.themes)} themes, "
        f"{len(bank.questions)} questions, hash {bank.content_hash[:12]}"
    )
