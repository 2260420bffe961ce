"""`audit-tui sample` (drawing the case sample from a caseload extract) and `audit-tui cases
makeup` (the same make-up check on an inspection's cases): thin layers over db.sampling."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.cases import report_rows
from audit_tui.cli.errors import UserError
from audit_tui.cli.inspection import opened, parse_fieldwork
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file

if TYPE_CHECKING:
    from db.sampling.makeup import Makeup
    from db.sampling.plan import SamplePlan
    from question_bank.case import CaseRecord

FieldworkOption = Annotated[
    str | None,
    typer.Option(
        "--fieldwork",
        metavar="DATE",
        help="First day of fieldwork (YYYY-MM-DD): the window counts back from it.",
    ),
]
WindowOption = Annotated[
    int,
    typer.Option(
        "--window-months",
        metavar="N",
        help="Cases started up to N months before fieldwork are eligible.",
    ),
]


def register(app: typer.Typer, cases_app: typer.Typer) -> None:
    """Add `sample` to the root and `makeup` to the `cases` group."""
    app.command("sample")(sample)
    cases_app.command("makeup")(cases_makeup)


def _read_caseload(path: Path) -> list[CaseRecord]:
    from db.errors import InvalidRows
    from db.sampling.caseload import read_caseload

    try:
        return read_caseload(path)
    except InvalidRows as exc:
        report_rows(exc)
        raise


def _first_day(fieldwork: str | None) -> date | None:
    start, _ = parse_fieldwork(fieldwork)
    return start


def sample(
    caseload: Annotated[
        Path, typer.Argument(metavar="CASELOAD", help="The service's caseload extract (CSV).")
    ],
    size: Annotated[int, typer.Option("--size", metavar="N", help="Cases in the sample.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="CSV", help="The sample, as the CSV `cases import` reads."
        ),
    ],
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="S", help="The random seed (printed when not given)."),
    ] = None,
    window_months: WindowOption = 12,
    fieldwork: FieldworkOption = None,
    bank: Annotated[
        str,
        typer.Option("--bank", metavar="ID", help="The bank whose disposals are in scope."),
    ] = "fji-2014",
    inspectors: Annotated[
        str | None,
        typer.Option(
            "--inspectors",
            metavar="INITIALS",
            help="Share the cases among these inspectors, e.g. AS,CB,KH.",
        ),
    ] = None,
    reserves: Annotated[
        int | None,
        typer.Option(
            "--reserves", metavar="N", help="Reserve cases (default a tenth of --size, rounded up)."
        ),
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option(
            "--minimum",
            metavar="GROUP=N",
            help="At least N cases of high_rosh, high_vulnerability, girls or bame.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Draw a stratified random sample (and reserves) from a caseload extract."""
    from audit_tui.cli.bank import resolve_bank
    from db.sampling.assignment import parse_inspectors
    from db.sampling.plan import (
        parse_minimums,
        plan_sample,
        reserves_path,
        sample_csv,
        write_files,
    )

    spare = reserves_path(out)
    if out.resolve() == caseload.resolve() or spare.resolve() == caseload.resolve():
        raise UserError(f"{out} would overwrite the caseload; give another --out")
    if reserves is not None and reserves < 0:
        raise UserError(f"--reserves {reserves} is not a number of cases; give 0 or more")
    chosen_bank = resolve_bank(bank)
    minimums = parse_minimums(minimum or [])
    names = parse_inspectors(inspectors) if inspectors is not None else []
    day = _first_day(fieldwork)
    records = _read_caseload(caseload)
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
        typer.echo(f"seed {seed}: give --seed {seed} to draw the same sample again", err=True)
    if day is None:
        day = date.today()
        typer.echo(f"fieldwork taken as today, {day}: give --fieldwork to fix it", err=True)
    plan = plan_sample(
        records,
        chosen_bank,
        size=size,
        seed=seed,
        fieldwork=day,
        window_months=window_months,
        reserves=reserves,
        minimums=minimums,
        inspectors=names,
    )
    # the reserves file is written even when empty, so it never belongs to an older sample
    write_files(
        {
            out: sample_csv(plan.draw.sample, plan.inspector_of),
            spare: sample_csv(plan.draw.reserves, plan.inspector_of),
        }
    )
    if as_json:
        typer.echo(json.dumps(plan_json(plan, chosen_bank.id, out, spare), indent=2))
    else:
        print_plan(plan, caseload)
    for warning in plan.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"wrote {len(plan.draw.sample)} cases to {out}; {len(plan.draw.reserves)} reserves "
        f"in {spare}",
        err=True,
    )
    if not names:
        typer.echo("the inspector column is empty: fill it in, or give --inspectors", err=True)


def plan_json(plan: SamplePlan, bank_id: str, out: Path, spare: Path) -> dict[str, Any]:
    rule = plan.sifted.rule
    return {
        "bank": bank_id,
        "seed": plan.draw.seed,
        "fieldwork": rule.fieldwork.isoformat(),
        "window_months": rule.window_months,
        "earliest_start": rule.earliest.isoformat(),
        "caseload": plan.sifted.caseload,
        "left_out": plan.sifted.left_out,
        "size": plan.draw.size,
        "cases": [
            {"case_ref": c.case_ref, "inspector": plan.inspector_of.get(c.case_ref)}
            for c in plan.draw.sample
        ],
        "reserves": [
            {"case_ref": c.case_ref, "inspector": plan.inspector_of.get(c.case_ref)}
            for c in plan.draw.reserves
        ],
        "minimums": [
            {
                "group": g.group.name,
                "minimum": g.minimum,
                "target": g.target,
                "eligible": g.eligible,
                "drawn": g.drawn,
                "met": not g.short,
            }
            for g in plan.draw.groups
        ],
        "out": str(out),
        "reserves_out": str(spare),
        **plan.makeup.as_json(),
        "warnings": plan.warnings,
    }


def print_plan(plan: SamplePlan, caseload: Path) -> None:
    sifted, rule = plan.sifted, plan.sifted.rule
    typer.echo(
        f"{caseload.name}: {sifted.caseload} cases, {len(sifted.eligible)} eligible "
        f"({rule.describe()})"
    )
    for reason, count in sifted.left_out.items():
        typer.echo(f"  left out: {count} {reason}")
    typer.echo(
        f"sample: {len(plan.draw.sample)} cases (seed {plan.draw.seed}), "
        f"{len(plan.draw.reserves)} reserves"
    )
    typer.echo("")
    print_makeup(plan.makeup)


def print_makeup(found: Makeup) -> None:
    """The make-up table, then each inspector's share when the cases are assigned."""
    known = found.eligible is not None
    head = f"{'':<9} {'':<38} {'eligible':>13}  {'sample':>13}" if known else ""
    if head:
        typer.echo(head)
    typer.echo(
        f"{'kind':<9} {'group':<38} "
        + (f"{'n':>5} {'share':>7}  " if known else "")
        + f"{'n':>5} {'share':>7}"
        + (f"  {'prop.':>6} {'diff':>6}" if known else "")
    )
    for row in found.rows:
        line = f"{row.kind:<9} {row.label:<38} "
        if known:
            line += f"{row.eligible:>5} {row.eligible_share:>6.1f}%  "
        line += f"{row.sample:>5} {row.sample_share:>6.1f}%"
        if known:
            line += f"  {row.proportional:>6.1f} {row.difference:>+6.1f}"
            line += "  under" if row.under else ""
        typer.echo(line)
    if found.inspectors:
        typer.echo("")
        typer.echo(
            f"{'inspector':<10} {'cases':>5} {'custody':>7} {'high RoSH':>9} {'workload':>8}"
        )
        for load in found.inspectors:
            typer.echo(
                f"{load.inspector:<10} {load.cases:>5} {load.custody:>7} {load.high_risk:>9} "
                f"{load.workload:>8}"
            )


def cases_makeup(
    file: FileArgument,
    caseload: Annotated[
        Path | None,
        typer.Option(
            "--caseload",
            metavar="CSV",
            help="The caseload extract to compare the cases with (its eligible cases).",
        ),
    ] = None,
    window_months: WindowOption = 12,
    fieldwork: FieldworkOption = None,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Show the make-up of the inspection's cases, against the caseload when given."""
    from db.sampling.makeup import inspection_makeup

    records = _read_caseload(caseload) if caseload is not None else None
    day = _first_day(fieldwork)
    with opened(file, passphrase=for_file(file, passphrase_file)) as store:
        found, sifted = inspection_makeup(store, records, window_months, day)
    if as_json:
        typer.echo(json.dumps(found.as_json(), indent=2))
    else:
        if sifted is not None and caseload is not None:
            typer.echo(
                f"{caseload.name}: {sifted.caseload} cases, {len(sifted.eligible)} eligible "
                f"({sifted.rule.describe()})"
            )
        typer.echo(f"{file.name}: {found.sample} cases")
        typer.echo("")
        print_makeup(found)
    for warning in found.warnings:
        typer.echo(f"warning: {warning}", err=True)
