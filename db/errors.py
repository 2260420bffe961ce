"""Errors the store raises for a user to read: one sentence that says what to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from question_bank.phrasing import counted, is_or_are


class StoreError(Exception):
    """A refusal or failure a user can act on; str() is the whole message."""


class UnknownCase(StoreError):
    """A case reference the inspection does not have."""

    def __init__(self, case_ref: str):
        self.case_ref = case_ref
        super().__init__(
            f"there is no case {case_ref} in this inspection; `audit-tui cases list` shows them"
        )


class AnswerRefused(StoreError):
    """A value refused by one of the answer rules (db.file.answer_rules), in one sentence.

    `column` names the value as an answers CSV does (case_ref, question_id, role, inspector,
    answer, note), so an import reports the refusal by line and column.
    """

    def __init__(self, column: str, sentence: str):
        self.column = column
        self.sentence = sentence
        super().__init__(sentence)


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in an imported file: the line, the column and what is wrong."""

    line: int
    column: str
    message: str
    taken: str | None = None  # the case reference, where the problem is only that it is taken

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class InvalidRows(StoreError):
    """An import refused as a whole because some rows are wrong; `problems` lists every one.
    The sentence says what was not done (`REFUSED`) and what to do after the correction."""

    REFUSED = "nothing was imported"
    AGAIN = "import again"

    def __init__(self, source: str, problems: list[RowProblem]):
        self.source = source
        self.problems = problems
        lines = len({p.line for p in problems})
        super().__init__(
            f"{counted(lines, 'row')} of {source} {is_or_are(lines)} wrong, so {self.REFUSED}; "
            f"correct {'it' if lines == 1 else 'them'} and {self.AGAIN}"
        )


class IncompleteCase(StoreError):
    """A case that cannot be completed yet; `missing` lists what stops it."""

    def __init__(self, case_ref: str, missing: Sequence[object]):
        self.case_ref = case_ref
        self.missing = list(missing)
        shown = ", ".join(str(m) for m in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        super().__init__(f"case {case_ref} cannot be completed yet: {shown}{more}")
