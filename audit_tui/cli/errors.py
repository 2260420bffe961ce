"""User mistakes become one clear sentence on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from db.errors import StoreError


class UserError(Exception):
    """A mistake on the command line (a missing file, a bad option) with what to do about it."""


class AuditGroup(TyperGroup):
    """The root command group: every known error below it ends as a message and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (UserError, StoreError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            # A bank error can only come from question_bank.loader, so it is loaded by then;
            # looking it up in sys.modules keeps the loader (YAML, pydantic) off the start.
            loader = sys.modules.get("question_bank.loader")
            if loader is None:
                raise
            if isinstance(exc, loader.BankError):
                for problem in exc.problems:
                    typer.echo(f"error: {problem}", err=True)
                raise typer.Exit(1) from None
            if isinstance(exc, loader.UnknownBankError):
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from None
            raise
