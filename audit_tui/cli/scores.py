"""`audit-tui scores`: the case assessment score of every case-scored theme, whole or by group."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.inspection import note_open_cases, opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from audit_tui.cli.subgroups import ByOption, WhereOption, chosen_cases, require_cases
from audit_tui.cli.words import deciding_line, judged, mark, overall_lines, theme_facts

if TYPE_CHECKING:
    from question_bank.model import Bank
    from question_bank.scoring import ThemeScore


def group_label(value: Any) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def theme_lines(bank: Bank, themes: list[ThemeScore]) -> list[str]:
    word, judgement = bank.words.theme, bank.words.judgement
    lines = [f"{word:<46} {'yes':>4} {'no':>4} {'n/a':>4} {'score':>6}  {judgement} (indicative)"]
    for t in themes:
        score = f"{t.percent}%" if t.percent is not None else "-"
        title = f"{mark(bank, t.number)} {t.title}"[:46]
        judged_as = f"{judged(bank, t.judgement)}, {t.phrase}" if t.judgement else "not scored yet"
        lines.append(f"{title:<46} {t.yes:>4} {t.no:>4} {t.na:>4} {score:>6}  {judged_as}")
        deciding = deciding_line(bank, t)
        if deciding:
            lines.append(f"    {deciding}")
    return lines


def theme_dict(bank: Bank, theme: ThemeScore) -> dict[str, object]:
    """A theme's figures as `--json` prints them."""
    return theme.as_dict() | theme_facts(bank, theme)


def scores(
    file: FileArgument,
    as_json: JsonOption = False,
    by: ByOption = None,
    inspector: Annotated[
        str | None,
        typer.Option(
            "--inspector", metavar="INITIALS", help="Only cases assigned to these initials."
        ),
    ] = None,
    where: WhereOption = None,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Print each theme's score, indicative judgement and phrase.

    For each case-scored theme: yes, no, N/A, score, indicative judgement and phrase.
    The overall rating follows, where the bank has one."""
    from db.reporting import figures

    chosen = chosen_cases(by, where)
    with opened(file, notice=True, passphrase=for_file(file, passphrase_file)) as store:
        if inspector:
            chosen = replace(chosen, inspector=inspector.strip().upper())
        require_cases(store, chosen, file, where)
        if inspector and store.case_count(chosen) == 0:
            known = ", ".join(store.inspectors()) or "none yet"
            raise UserError(
                f"no case of {file} is assigned to {chosen.inspector}; the inspectors are {known}"
            )
        bank = store.bank
        note_open_cases(store)
        if by is None:
            themes = figures.theme_scores(store, chosen)
            rating = figures.overall(store, chosen)
            groups = None
        else:
            groups = figures.scores_by(store, by, chosen)
            sizes = store.case_count_by(by, chosen)
    if groups is None:
        if as_json:
            typer.echo(json.dumps([theme_dict(bank, t) for t in themes], indent=2))
            return
        lines = theme_lines(bank, themes)
        if rating is not None:
            lines += ["", *overall_lines(bank, rating)]
        typer.echo("\n".join(lines))
        return
    if as_json:
        shown = [
            {
                "field": by,
                "group": group,
                "cases": sizes.get(group, 0),
                "themes": [theme_dict(bank, t) for t in themes],
            }
            for group, themes in groups.items()
        ]
        typer.echo(json.dumps(shown, indent=2))
        return
    blocks = []
    for group, themes in groups.items():
        cases = sizes.get(group, 0)
        heading = f"{by} = {group_label(group)} ({cases} case{'s' if cases != 1 else ''})"
        blocks.append("\n".join([heading, *theme_lines(bank, themes)]))
    typer.echo("\n\n".join(blocks))
