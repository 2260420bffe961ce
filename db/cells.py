"""Text written to a CSV or XLSX cell stays text: a spreadsheet never runs it as a formula.

OWASP's guidance on CSV injection: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or
a carriage return (question_bank.fidelity.FORMULA_STARTS) is written with a leading apostrophe,
which a spreadsheet shows as a text mark. Text that already starts with apostrophes before one
of those gets one more, so `as_read` gives back exactly what was written (an answers CSV is
read in again by `answers import`). Numbers are written as numbers: -3 stays a number.
Every writer of CSV or XLSX cells (the report, `answers export`) calls `inert`; an XLSX
writer also writes text with `write_string`, never as a formula.
"""

from __future__ import annotations

import re
from typing import Any

from question_bank.fidelity import FORMULA_STARTS

_STARTS = "".join(re.escape(c) for c in FORMULA_STARTS)
_NEEDS_MARK = re.compile(f"'*[{_STARTS}]")
_MARKED = re.compile(f"'+[{_STARTS}]")


def inert(value: Any) -> Any:
    """A cell's value as written: text a spreadsheet would run, marked as text; else as it is."""
    if isinstance(value, str) and _NEEDS_MARK.match(value):
        return f"'{value}"
    return value


def as_read(text: str) -> str:
    """The text `inert` was given, from the cell it wrote (other text is given back as it is)."""
    return text[1:] if _MARKED.match(text) else text
