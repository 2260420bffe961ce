"""`audit-tui summary`: the Data Summary of each theme, per key question, whole or by group.

The same figures as the dashboard's charts, from the same code (db.reporting.figures); `--where`
counts only a group of cases, as the dashboard's filter does (`audit-tui scores` takes it too).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.inspection import note_open_cases, opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from audit_tui.cli.subgroups import ByOption, WhereOption, chosen_cases, require_cases, where_label
from audit_tui.cli.words import deciding_line, judged, theme_facts, theme_heading

if TYPE_CHECKING:
    from question_bank.model import Bank
    from question_bank.scoring import QuestionTally, ThemeScore


def question_dict(tally: QuestionTally) -> dict[str, object]:
    """A charted key question's bar: yes, no, N/A, did not apply, the share and its phrases."""
    from question_bank.scoring import tally_dict

    return tally_dict(tally) | {"share": tally.percent}


def theme_dict(bank: Bank, theme: ThemeScore) -> dict[str, object]:
    """A theme's Data Summary: its charted key questions' counts, with its score."""
    return {
        "number": theme.number,
        **theme_facts(bank, theme),
        "title": theme.title,
        "case_scored": theme.case_scored,
        "cases": theme.cases,
        "score": theme.percent,
        "judgement": theme.judgement,
        "deciding_question": theme.deciding,
        "questions": [question_dict(t) for t in theme.questions if t.charted],
    }


def phrases(tally: QuestionTally) -> str:
    """'done well in almost three-fifths of cases; not done well in just over two-fifths'."""
    return tally.done_well_text or "no yes or no answer yet"


def theme_lines(bank: Bank, theme: ThemeScore) -> list[str]:
    charted = [t for t in theme.questions if t.charted]
    lines = [theme_heading(bank, theme.number, theme.title)]
    if not charted:
        return [*lines, "  no key questions (not case-scored)" if not theme.case_scored else ""]
    ids = max(len("id"), *(len(t.question_id) for t in charted))
    labels = max(len("chart label"), *(len(t.chart_label) for t in charted))
    lines.append(
        f"  {'id':<{ids}} {'chart label':<{labels}} {'yes':>4} {'no':>4} {'n/a':>4} "
        f"{'did not apply':>13} {'yes%':>5}"
    )
    for t in charted:
        share = f"{t.percent}%" if t.percent is not None else "-"
        lines.append(
            f"  {t.question_id:<{ids}} {t.chart_label:<{labels}} {t.yes:>4} {t.no:>4} "
            f"{t.na:>4} {t.did_not_apply:>13} {share:>5}"
        )
        lines.append(f"  {'':<{ids}} {phrases(t)}")
    if theme.judgement is not None:
        lines.append(
            f"  indicative {bank.words.judgement}: {judged(bank, theme.judgement)}, "
            f"{theme.percent}%, {theme.phrase}"
        )
    deciding = deciding_line(bank, theme)
    if deciding:
        lines.append(f"  {deciding}")
    return lines


def chosen_theme(bank: Bank, given: str) -> int:
    """The number of the theme `--theme` names, by its mark ("2.1") or its number."""
    for t in bank.themes:
        if given.strip() in (t.mark, str(t.number)):
            return t.number
    word = bank.words.theme
    raise UserError(
        f"bank {bank.id} has no {word} {given}; its {word}s are "
        f"{', '.join(t.mark for t in bank.themes)}"
    )


def summary(
    file: FileArgument,
    theme: Annotated[
        str | None,
        typer.Option("--theme", metavar="N", help="Only theme N, as the bank numbers it (1, 2.1)."),
    ] = None,
    by: ByOption = None,
    where: WhereOption = None,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Print each theme's Data Summary, per charted key question.

    For each charted key question: id, label, yes, no, N/A and did not apply.
    Then the share of yes, and the phrase for it."""
    from db.reporting import figures

    chosen = chosen_cases(by, where)
    with opened(file, notice=True, passphrase=for_file(file, passphrase_file)) as store:
        bank = store.bank
        wanted = None if theme is None else chosen_theme(bank, theme)
        require_cases(store, chosen, file, where)
        note_open_cases(store)
        if by is None:
            scopes = [figures.scope(store, chosen, where_label(chosen))]
            groups: list[Any] = [None]
        else:
            sizes = store.case_count_by(by, chosen)
            groups = sorted(sizes, key=lambda g: (g is None, str(g)))
            by_group = figures.scores_by(store, by, chosen, scored_only=False)
            scopes = [
                figures.Scope(figures.group_name(by, g), sizes[g], by_group[g]) for g in groups
            ]

    def shown(themes: list[ThemeScore]) -> list[ThemeScore]:
        return [t for t in themes if wanted is None or t.number == wanted]

    if as_json:
        if by is None:
            typer.echo(json.dumps([theme_dict(bank, t) for t in shown(scopes[0].themes)], indent=2))
        else:
            typer.echo(
                json.dumps(
                    [
                        {
                            "field": by,
                            "group": group,
                            "label": scope.label,
                            "cases": scope.cases,
                            "warning": scope.warning,
                            "themes": [theme_dict(bank, t) for t in shown(scope.themes)],
                        }
                        for group, scope in zip(groups, scopes, strict=True)
                    ],
                    indent=2,
                )
            )
        return
    blocks = []
    for scope in scopes:
        count = f"{scope.cases} case{'' if scope.cases == 1 else 's'}"
        heading = f"{scope.label} ({count})"
        if scope.warning:
            heading += ": too few to say much"
        parts = [heading] if by is not None or where else []
        for t in shown(scope.themes):
            parts.append("\n".join(theme_lines(bank, t)))
        blocks.append("\n\n".join(parts))
    typer.echo("\n\n".join(blocks))
