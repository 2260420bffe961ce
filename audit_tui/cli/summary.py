"""`audit-tui summary`: the Data Summary of each theme, per key question, whole or by group.

The same figures as the dashboard's charts, from the same code (db.reporting.figures); `--where`
counts only a group of cases, as the dashboard's filter does (`audit-tui scores` takes it too).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.errors import UserError
from audit_tui.cli.inspection import opened
from audit_tui.cli.options import FileArgument, JsonOption
from audit_tui.cli.passphrase import PassphraseFileOption, for_file
from audit_tui.cli.subgroups import ByOption, WhereOption, chosen_cases, require_cases, where_label

if TYPE_CHECKING:
    from question_bank.scoring import ThemeScore


def theme_dict(theme: ThemeScore) -> dict[str, object]:
    """A theme's Data Summary: its key questions' yes, no and N/A counts."""
    from question_bank.scoring import tally_dict

    return {
        "number": theme.number,
        "title": theme.title,
        "case_scored": theme.case_scored,
        "cases": theme.cases,
        "questions": [tally_dict(t) for t in theme.questions if t.key],
    }


def theme_lines(theme: ThemeScore) -> list[str]:
    keys = [t for t in theme.questions if t.key]
    lines = [f"Theme {theme.number}: {theme.title}"]
    if not keys:
        return [*lines, "  no key questions (not case-scored)" if not theme.case_scored else ""]
    lines.append(f"  {'id':<14} {'chart label':<40} {'yes':>4} {'no':>4} {'n/a':>4} {'yes%':>5}")
    for t in keys:
        share = f"{t.percent}%" if t.percent is not None else "-"
        lines.append(
            f"  {t.question_id:<14} {t.chart_label:<40} {t.yes:>4} {t.no:>4} {t.na:>4} {share:>5}"
        )
    return lines


def summary(
    file: FileArgument,
    theme: Annotated[int | None, typer.Option("--theme", metavar="N", help="Only theme N.")] = None,
    by: ByOption = None,
    where: WhereOption = None,
    as_json: JsonOption = False,
    passphrase_file: PassphraseFileOption = None,
) -> None:
    """Print each theme's Data Summary: per key question its id, chart label, yes, no and N/A."""
    from db.reporting import figures

    chosen = chosen_cases(by, where)
    with opened(file, notice=True, passphrase=for_file(file, passphrase_file)) as store:
        numbers = [t.number for t in store.bank.themes]
        if theme is not None and theme not in numbers:
            raise UserError(
                f"bank {store.bank.id} has no theme {theme}; its themes are "
                f"{', '.join(str(n) for n in numbers)}"
            )
        require_cases(store, chosen, file, where)
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
        return [t for t in themes if theme is None or t.number == theme]

    if as_json:
        if by is None:
            typer.echo(json.dumps([theme_dict(t) for t in shown(scopes[0].themes)], indent=2))
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
                            "themes": [theme_dict(t) for t in shown(scope.themes)],
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
            parts.append("\n".join(theme_lines(t)))
        blocks.append("\n\n".join(parts))
    typer.echo("\n\n".join(blocks))
