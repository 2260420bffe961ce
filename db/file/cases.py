"""Cases as rows of the `cases` table and back, and validation errors in one sentence."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from db.errors import StoreError
from question_bank.case import FLAG_FIELDS, CaseRecord

ROW_FIELDS = tuple(CaseRecord.model_fields)


def case_row(record: CaseRecord) -> dict[str, Any]:
    """A case as the `cases` table stores it: enums as text, booleans as 0/1, derived fields."""
    row: dict[str, Any] = {}
    for name in ROW_FIELDS:
        value = getattr(record, name)
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, bool):
            value = int(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        row[name] = value
    bame = record.bame
    row["bame"] = None if bame is None else int(bame)
    row["custody"] = int(record.custody)
    return row


class StoredCaseError(StoreError, ValueError):
    """A stored case field the case record refuses: named by case and column, never quoted."""


def case_from_row(row: dict[str, Any]) -> CaseRecord:
    """Rebuild a CaseRecord from a `cases` row (derived and bookkeeping columns dropped).

    A stored field it refuses (the file was edited outside audit-tui) is a StoredCaseError
    naming the case and the column: pydantic's own error would quote the value.
    """
    data = {name: row[name] for name in ROW_FIELDS}
    for flag in FLAG_FIELDS:
        data[flag] = bool(data[flag])
    try:
        return CaseRecord.model_validate(data)
    except ValidationError as exc:
        column = ".".join(str(part) for part in exc.errors()[0]["loc"]) or "fields"
        where = "a case reference" if column == "case_ref" else f"case {row['case_ref']}'s {column}"
        raise StoredCaseError(
            f"the file holds a value audit-tui does not write in {where}, so it was edited "
            "outside audit-tui; open your latest backup copy instead"
        ) from None


def validation_sentence(exc: ValidationError) -> str:
    """The first problem pydantic found, as a short phrase naming the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "the case"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}"
