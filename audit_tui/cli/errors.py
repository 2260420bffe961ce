"""User mistakes become one clear sentence on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from db.errors import StoreError


class UserError(Exception):
    """A mistake on the command line (a missing file, a bad option) with what to do about it."""


def require_file(file: Path) -> None:
    """The one sentence for an inspection FILE that is not there."""
    if not file.is_file():
        raise UserError(f"there is no inspection file at {file}; check the path")


def report(exc: BaseException) -> bool:
    """Print a known error's sentence (or a bank's problems) on stderr: True if it was one.

    The root command group (commands.py) and the interface's quick launch (launch.py) both
    end with exit code 1 after it.
    """
    if isinstance(exc, UserError | StoreError):
        print(f"error: {exc}", file=sys.stderr)
        return True
    # A bank error can only come from question_bank.loader, so it is loaded by then; looking
    # it up in sys.modules keeps the loader (YAML, pydantic) off the start.
    loader = sys.modules.get("question_bank.loader")
    if loader is None:
        return False
    if isinstance(exc, loader.BankError):
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return True
    if isinstance(exc, loader.UnknownBankError):
        print(f"error: {exc}", file=sys.stderr)
        return True
    return False
