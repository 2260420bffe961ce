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


def offered_bank(ident: str) -> Bank:
    """A shipped bank by id, or a bank file by path, as written: with every module it offers."""
    from question_bank.loader import load_bank, load_shipped, shipped_bank_paths

    path = Path(ident)
    if ident.endswith((".yaml", ".yml")) or path.exists():
        if not path.is_file():
            raise UserError(f"there is no bank file at {ident}; give a shipped id or a file path")
        return load_bank(path)
    shipped = shipped_bank_paths()
    if ident not in shipped:
        load_shipped(ident)  # refuses with the sentence naming the shipped banks
    return load_bank(shipped[ident])


def with_module(bank: Bank, module: str | None) -> Bank:
    """The bank an inspection runs: `module`'s sixth theme (None: the bank's first module)."""
    if module is not None:
        offered = bank.modules or {}
        if not offered:
            raise UserError(
                f"bank {bank.id} offers no modules, so there is no module {module!r} to choose; "
                "leave out --module"
            )
        if module not in offered:
            raise UserError(
                f"bank {bank.id} has no module {module!r}; choose one of {', '.join(offered)}"
            )
    return bank.with_module(module)


def resolve_bank(ident: str, module: str | None = None) -> Bank:
    """A shipped bank by id, or a bank file by path, resolved to a module if it offers any."""
    return with_module(offered_bank(ident), module)


ModuleOption = Annotated[
    str | None,
    typer.Option(
        "--module",
        metavar="NAME",
        help="The bank's module (its alternative sixth theme); the bank's first by default.",
    ),
]


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
            # a theme a module replaces (fji-2014's sixth) counts once
            "themes": len({t.number for t in b.themes}),
            "theme_word": b.words.theme,
            "modules": len(b.modules or {}),
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
            f"({row['key_questions']} key), {row['themes']} {row['theme_word']}s"
            + (f" ({row['modules']} modules)" if row["modules"] else "")
            + f"  {row['title']}"
        )


def modules_offered(offered: Bank, bank: Bank) -> list[dict[str, object]]:
    """The modules a bank offers, each with its title and whether `bank` is made with it."""
    return [
        {"id": name, "title": title, "default": index == 0, "chosen": name == bank.module}
        for index, (name, title) in enumerate((offered.modules or {}).items())
    ]


def bank_as_dict(bank: Bank, offered: Bank | None = None) -> dict[str, object]:
    """The shape `bank show --json` prints (`offered`: the bank as written, with its modules)."""
    overall = bank.scoring.overall
    return {
        "id": bank.id,
        "version": bank.version,
        "title": bank.title,
        "hash": bank.content_hash,
        "words": bank.words.model_dump(),
        "scoring_rule": bank.scoring.rule,
        "bands": [b.model_dump() for b in bank.scoring.bands],
        "bands_source": bank.scoring.bands_source,
        "bands_provisional": bank.scoring.bands_provisional,
        "overall": None if overall is None else overall.model_dump(),
        "module": bank.module,
        "modules": modules_offered(offered or bank, bank),
        "case_window": bank.case_window,
        "sources": bank.sources or [],
        "themes": [
            {
                "number": t.number,
                "mark": t.mark,
                "title": t.title,
                "expectation": t.expectation,
                "case_scored": t.case_scored,
                "module": t.module,
                "in_overall": t.in_overall,
                "measures": [
                    {"id": m.id, "title": m.title, "question": scored_by(bank, t.number, m.id)}
                    for m in t.measures or []
                ],
                "questions": [
                    {
                        "id": q.id,
                        "section": q.section,
                        "text": q.text,
                        "key": q.key,
                        "measure": q.measure,
                        "charted": q.charted,
                        "chart_label": q.chart_label,
                        "scale": bank.scale_of(q).values(),
                        "classifies": q.classifies,
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


def scored_by(bank: Bank, number: int, measure: str) -> str | None:
    """The key question that scores a measure of a theme."""
    return next((q.id for q in bank.key_questions(number) if q.measure == measure), None)


def bank_lines(bank: Bank, offered: Bank) -> list[str]:
    """`bank show` in text: the bank's facts, then each theme in its own words, then sources."""
    from audit_tui.cli.words import band_list, theme_heading

    scoring = bank.scoring
    lines = [
        f"{bank.title} ({bank.id} v{bank.version}, scoring: {scoring.rule})",
        f"hash {bank.content_hash}",
    ]
    if scoring.bands_provisional:
        where = "provisional: no source"
    else:
        where = f"source: {scoring.bands_source}"
    lines.append(f"bands ({where}): {band_list(scoring.bands)}")
    if scoring.overall is not None:
        source = scoring.overall.source
        where = f"source: {source}" if source else "provisional: no source"
        points = ", ".join(f"{label} {n}" for label, n in scoring.overall.points.items())
        lines.append(
            f"overall {bank.words.judgement} ({where}): points {points}; "
            f"{band_list(scoring.overall.bands)}"
        )
    for choice in modules_offered(offered, bank):
        chosen = "shown" if choice["chosen"] else f"--module {choice['id']}"
        default = ", the default" if choice["default"] else ""
        lines.append(f"module {choice['id']}: {choice['title']} ({chosen}{default})")
    if bank.case_window:
        lines.append(f"case window: {' '.join(bank.case_window.split())}")
    for theme in bank.themes:
        scored = "case-scored" if theme.case_scored else "not case-scored"
        lines.append(f"\n{theme_heading(bank, theme.number, theme.title)} ({scored})")
        for q in bank.theme_questions(theme.number):
            measure = bank.measure_of(q)
            scores = f"  [measure: {measure.title}]" if q.key and measure else ""
            when = f"  [if {q.applies_if.describe()}]" if q.applies_if else ""
            lines.append(f"  {'*' if q.key else ' '} {q.id:<16} {q.text}{scores}{when}")
    lines.append(f"\n* key question (each scores one measure of its {bank.words.theme})")
    if bank.sources:
        lines += ["", "sources:", *(f"  {' '.join(source.split())}" for source in bank.sources)]
    return lines


@app.command("show")
def show(
    bank_id: Annotated[str, typer.Argument(metavar="ID", help="A shipped bank id or a file path.")],
    module: ModuleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a bank's themes and questions, the measure each key question scores, its modules,
    bands and sources."""
    offered = offered_bank(bank_id)
    bank = with_module(offered, module)
    if as_json:
        typer.echo(json.dumps(bank_as_dict(bank, offered), indent=2, ensure_ascii=False))
        return
    typer.echo("\n".join(bank_lines(bank, offered)))


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
