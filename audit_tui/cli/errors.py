"""User mistakes become one clear sentence on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from db.errors import StoreError
from question_bank.loader import BankError, UnknownBankError


class UserError(Exception):
    """A mistake on the command line (a missing file, a bad option) with what to do about it."""


class AuditGroup(TyperGroup):
    """The root command group: every known error below it ends as a message and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BankError as exc:
            for problem in exc.problems:
                typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(1) from None
        except (UserError, StoreError, UnknownBankError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
