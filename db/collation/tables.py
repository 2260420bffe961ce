"""The tables collation copies, as it reads and writes them: their fields and an order on rows.

Every part of collation (reading inputs, merging, writing the new file in bulk) names the
columns from here, in the same order, so a row read from an input is written as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.file import history_chain
from db.file.records import CaseStatus

HISTORY_FIELDS = history_chain.CHAINED_FIELDS
ANSWER_FIELDS = (
    "case_ref",
    "question_id",
    "role",
    "value",
    "note",
    "inspector",
    "bank_version",
    "answered_at",
)
VERSION_FIELDS = (*ANSWER_FIELDS, "settled")
MODERATION_FIELDS = (
    "case_ref",
    "question_id",
    "role",
    "kind",
    "before_value",
    "before_note",
    "value",
    "note",
    "reason",
    "moderator",
    "at",
)
# A recorded judgement (db/file/judgements.py): collation keeps the union of every input's rows.
JUDGEMENT_FIELDS = ("recorded_at", "theme", "judgement", "rationale", "recorded_by")
# A set of bands the lead set (db/file/bands.py): collation keeps every input's, split copies
# them to every inspector's file.
BAND_SET_FIELDS = ("set_at", "bands_json", "source", "set_by", "reason")
# A case detail edit as its history row holds it (db.file.sample.update_case): the changed
# fields' old and new values as JSON.
CASE_EDIT_FIELDS = ("at", "old_value", "new_value", "inspector")
EVENTS = frozenset({"answer", "note", "clear", "status", "case"})
# Of two status changes at the same time, the later status in a case's life wins.
STATUS_RANK: dict[str, int] = {status: rank for rank, status in enumerate(CaseStatus)}
BATCH = 20_000

Row = tuple[Any, ...]
Key = tuple[str, str]  # (question_id, role) inside one case
State = tuple[str, str | None] | None  # (value, note), or None for unanswered


def order_key(values: Sequence[Any]) -> tuple[tuple[int, Any], ...]:
    """A total order on rows holding None (None first, as SQLite sorts it)."""
    return tuple((0, "") if v is None else (1, v) for v in values)


def pick(rows: Sequence[Row]) -> Row:
    """The greatest of several rows for one key: the deterministic choice of a union."""
    return max(rows, key=order_key)
