"""`audit-tui bands`: the lead sets an inspection's judgement bands from a file, and shows them.

The bands in force are the latest set's (db/file/bands.py), else the bank's own; every set is
kept with who set it, when and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit_tui.cli.errors import UserError, require_file
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from audit_tui.cli.words import band_list

if TYPE_CHECKING:
    from db.file.bands import BandSet
    from question_bank.model import Bank

app = typer.Typer(help="Judgement bands: set an inspection's from a file, show those in force.")


@app.command("set")
def set_bands(
    file: FileArgument,
    bands_file: Annotated[
        Path,
        typer.Argument(
            metavar="BANDS",
            help="The bands: `source:` (optional) and `bands:` [{label, min, max}, ...].",
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why these bands (kept with them).")
    ],
    inspector: Annotated[
        str | None,
        typer.Option(
            "--inspector",
            metavar="INITIALS",
            help="Who sets them (defaults to the file's lead).",
        ),
    ] = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Set the inspection's judgement bands from the YAML file BANDS, with the reason, kept in its
    history of band sets."""
    from db.file import bands
    from db.file.answer_rules import initials
    from db.file.store import InspectionStore

    require_file(file)
    if not reason.strip():
        raise UserError("--reason is empty; say why these bands, e.g. --reason 'HMIP's table'")
    who = initials(inspector) if inspector else None
    passphrase = for_file(file, passphrase_file)
    stored, inspection = InspectionStore.peek(file, passphrase)
    who = who or inspection.lead
    if who is None:
        raise UserError(f"{file} names no lead inspector; give your initials with --inspector")
    chosen, source = bands.read_file(bands_file, stored)
    with opened(file, readonly=False, passphrase=passphrase) as store:
        done = store.set_bands(chosen, source, reason, by=who)
        bank = store.bank
    where = f"source: {done.source}" if done.source else "provisional: the file gives no source"
    typer.echo(
        f"set the {bank.words.judgement} bands of {file} by {done.set_by}: "
        f"{band_list(done.bands)} ({where})",
        err=True,
    )


@app.command("show")
def show_bands(
    file: FileArgument,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Print the bands in force, where they come from, and the earlier sets."""
    with opened(file, passphrase=for_file(file, passphrase_file)) as store:
        stored = store.stored_bank
        sets = store.band_sets()
    if as_json:
        typer.echo(json.dumps(bands_dict(stored, sets), indent=2, ensure_ascii=False))
        return
    typer.echo("\n".join(bands_lines(stored, sets, file)))


def own_bands(bank: Bank) -> dict[str, object]:
    """The bank's own bands, in the shape of a set."""
    return {
        "from": "bank",
        "bands": [b.model_dump() for b in sorted(bank.scoring.bands, key=lambda b: b.min)],
        "source": bank.scoring.bands_source,
        "provisional": bank.scoring.bands_provisional,
        "set_by": None,
        "set_at": None,
        "reason": None,
    }


def bands_dict(bank: Bank, sets: list[BandSet]) -> dict[str, object]:
    """`bands show --json`: the bands in force, the earlier sets (latest first), the bank's."""
    every = [{"from": "set", **s.as_dict()} for s in sets]
    return {
        "in_force": every[0] if every else own_bands(bank),
        "earlier": every[1:],
        "bank": {"id": bank.id, "version": bank.version, **own_bands(bank)},
    }


def set_line(band_set: BandSet) -> str:
    """'by AB on 2015-03-16 (reason: ...)'."""
    return f"by {band_set.set_by} on {band_set.set_at[:10]} (reason: {band_set.reason})"


def source_line(source: str | None, whose: str) -> str:
    if source:
        return f"source: {source}"
    return f"provisional: {whose} gives no source, so every judgement from them is labelled so"


def bands_lines(bank: Bank, sets: list[BandSet], file: Path) -> list[str]:
    """`bands show` in text: the bands in force and where they come from, then the earlier."""
    own = f"the bank's own ({bank.id} v{bank.version})"
    if not sets:
        lines = [
            f"bands in force in {file}: {own}",
            f"  {band_list(bank.scoring.bands)}",
            f"  {source_line(bank.scoring.bands_source, 'the bank')}",
        ]
        if bank.scoring.bands_provisional:
            lines.append("  the lead can set sourced ones with `audit-tui bands set`")
        return lines
    latest, earlier = sets[0], sets[1:]
    lines = [
        f"bands in force in {file}: set {set_line(latest)}",
        f"  {band_list(latest.bands)}",
        f"  {source_line(latest.source, 'the set')}",
        "earlier:",
    ]
    for band_set in earlier:
        lines.append(f"  set {set_line(band_set)}")
        lines.append(f"    {band_list(band_set.bands)}; {source_line(band_set.source, 'the set')}")
    lines.append(f"  {own}")
    lines.append(
        f"    {band_list(bank.scoring.bands)}; {source_line(bank.scoring.bands_source, 'the bank')}"
    )
    return lines
