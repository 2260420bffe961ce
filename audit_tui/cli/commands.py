"""The typer command line: one sub-app per noun, each a thin layer over question_bank and db."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from audit_tui.cli import (
    answers,
    bands,
    bank,
    cases,
    collation,
    inspection,
    protection,
    sample,
    scores,
    tui,
)
from audit_tui.cli import summary as summary_cli
from audit_tui.cli.errors import report


class AuditGroup(TyperGroup):
    """The root command group: every known error below it ends as a message and exit code 1.

    No path is checked by click for being readable: click would refuse an unreadable file with
    its usage box and exit code 2, where our own check says in one sentence what is wrong.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _paths_read_by_us(self)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if report(exc):
                raise typer.Exit(1) from None
            raise


def _paths_read_by_us(command: Any) -> None:
    """Every path parameter of a command and its sub-commands (click's Path, as typer has it)."""
    for param in command.params:
        if hasattr(param.type, "readable"):
            param.type.readable = False
    for sub in getattr(command, "commands", {}).values():
        _paths_read_by_us(sub)


app = typer.Typer(
    cls=AuditGroup,
    help="audit-tui: case assessment for youth offending inspections.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(bank.app, name="bank")
app.command("new")(inspection.new)
app.add_typer(cases.app, name="cases")
app.add_typer(answers.app, name="answers")
app.command("scores")(scores.scores)
app.command("summary")(summary_cli.summary)
app.add_typer(bands.app, name="bands")
tui.register(app)
protection.register(app)
collation.register(app)
sample.register(app, cases.app)


@app.callback()
def root(ctx: typer.Context) -> None:
    """audit-tui: case assessment for youth offending inspections, in the terminal.

    With no command, opens the last inspection file used (or the start screen).
    """
    if ctx.invoked_subcommand is None:
        tui.open_last()
