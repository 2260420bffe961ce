"""Reading the service's caseload extract: the columns `cases import` takes, minus inspector.

The rows go through db.file.csv_import's parsing, so a caseload and a sample CSV accept the
same values and report a bad one in the same words, every bad row at once (InvalidRows).
"""

from __future__ import annotations

from pathlib import Path

from db.errors import InvalidRows, StoreError
from db.file.csv_import import (
    CASE_COLUMNS,
    case_records,
    check_header,
    read_csv,
)
from question_bank.case import FLAG_FIELDS, CaseRecord

CASELOAD_COLUMNS = tuple(c for c in CASE_COLUMNS if c != "inspector")
# end_date (empty for an open order) and the flags (empty is no) may be left out of the extract;
# the sample is written with every column `cases import` needs.
CASELOAD_OPTIONAL = ("end_date", *FLAG_FIELDS)
CASELOAD_REQUIRED = tuple(c for c in CASELOAD_COLUMNS if c not in CASELOAD_OPTIONAL)
# Who will read a case is decided by the assignment; until then every record carries this.
UNASSIGNED = "X"


class InvalidCaseload(InvalidRows):
    """A caseload with bad rows: every one is listed, and no sample is drawn or written."""

    REFUSED = "no sample was drawn and nothing was written"
    AGAIN = "draw again"


def read_caseload(path: Path) -> list[CaseRecord]:
    """The caseload's cases; InvalidCaseload lists every bad row, and nothing is returned."""
    names, rows = read_csv(path)
    check_header(path, names, CASELOAD_COLUMNS, CASELOAD_REQUIRED)
    if not rows:
        raise StoreError(f"{path} has a header but no cases")
    blank = dict.fromkeys(CASELOAD_OPTIONAL, "")
    records, problems = case_records(names, rows, fill=blank, force={"inspector": UNASSIGNED})
    if problems:
        raise InvalidCaseload(path.name, problems)
    return records
