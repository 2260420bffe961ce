"""A case held by several inputs: its details as every input's edits leave them, field by field.

A case's details come into the lead's file once (`cases import`) and go out whole with `split`;
after that every change to them is an edit in the case's history (db.file.sample.update_case
records the changed fields' old and new values). Collation takes, for each field, the value of
the latest edit that set it in any input holding the case, in the order the merged history
puts the edits (db.collation.history_merge.row_key), so the lead's edit of one field and an
inspector's edit of another both survive, and `audit-tui verify` finds the case as its history
says. Two inputs that each changed a field without holding the other's change, to different
values, are a conflict: the later edit is kept (both stay in the history) and collation says
so, naming the case, the fields and the files, never the values.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from db.collation.input_facts import Source
from db.collation.tables import Row, order_key
from db.file import applicability
from db.file.cases import case_from_row, case_row
from question_bank.case import CaseRecord
from question_bank.model import Bank


def _edit_order(edit: Row) -> tuple[Any, ...]:
    """Edits of one case as the merged history orders them: by time, then by their fields."""
    at, old, new, inspector = edit
    return (at or "", at is None, *((v is None, v or "") for v in (old, new, inspector)))


def _fields(edit: Row) -> dict[str, Any]:
    try:
        changed = json.loads(edit[2])
    except (TypeError, ValueError):
        return {}
    return changed if isinstance(changed, dict) else {}


def merged_case(ref: str, held: Sequence[Source]) -> tuple[CaseRecord, list[str]]:
    """The case's details from every input holding it, and a sentence per conflict found."""
    edits = [s.case_edits.get(ref, []) for s in held]
    variants = [
        (max((e[0] or "" for e in mine), default=""), order_key(list(case_row(record).values())))
        for record, mine in zip((s.cases[ref][0] for s in held), edits, strict=True)
    ]
    best = held[max(range(len(held)), key=lambda k: variants[k])].cases[ref][0]
    row = case_row(best)
    for edit in sorted({e for mine in edits for e in mine}, key=_edit_order):
        row.update((k, v) for k, v in _fields(edit).items() if k in row)
    try:
        record = case_from_row(row)
    except (ValidationError, TypeError, ValueError):
        record = best  # the edits do not make a valid case together: the latest input's stands
        return record, [
            f"case {ref}: the detail edits of {_names(held)} do not make a valid case together, "
            "so the details of the file edited last were kept (every edit stays in the history)"
        ]
    return record, _conflicts(ref, held, edits)


def _names(held: Sequence[Source]) -> str:
    names = sorted(str(s.checked.path) for s in held)
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _conflicts(ref: str, held: Sequence[Source], edits: Sequence[Sequence[Row]]) -> list[str]:
    """Fields two inputs changed apart (neither holding the other's edit) to different values."""
    rows = [case_row(s.cases[ref][0]) for s in held]
    owned = [set(mine) for mine in edits]
    fields: set[str] = set()
    files: list[Source] = []
    for i in range(len(held)):
        for j in range(i + 1, len(held)):
            apart_i = {k for e in owned[i] - owned[j] for k in _fields(e)}
            apart_j = {k for e in owned[j] - owned[i] for k in _fields(e)}
            clash = {k for k in apart_i & apart_j if rows[i].get(k) != rows[j].get(k)}
            if clash:
                fields |= clash
                files += [s for s in (held[i], held[j]) if all(s is not f for f in files)]
    if not fields:
        return []
    return [
        f"case {ref}: {', '.join(sorted(fields))} changed in {_names(files)}, neither file "
        "holding the other's change; the later change was kept (both stay in the history)"
    ]


def replay_edits(conn: sqlite3.Connection, bank: Bank, refs: set[str]) -> None:
    """Inside the build's transaction, once the merged history is written: each case of `refs`
    with its details as the history's edits leave them, in the history's order (`merged_case`
    took them by time, which is the same order unless a file's own clock went back)."""
    if not refs:
        return
    told: dict[str, dict[str, Any]] = {}
    for ref, new_value in conn.execute(
        "SELECT case_ref, new_value FROM answer_history WHERE event = 'case' ORDER BY id"
    ):
        if ref in refs:
            told.setdefault(ref, {}).update(_fields((None, None, new_value)))
    columns = [row[1] for row in conn.execute("PRAGMA table_info(cases)")]
    for ref, fields in sorted(told.items()):
        row = dict(
            zip(
                columns,
                conn.execute("SELECT * FROM cases WHERE case_ref = ?", (ref,)).fetchone(),
                strict=True,
            )
        )
        changed = {k: v for k, v in fields.items() if k in row and row[k] != v}
        if not changed:
            continue
        try:
            case_from_row(row | changed)
        except (ValidationError, TypeError, ValueError):
            continue  # not a valid case: merged_case said so, and its details stand
        sets = ", ".join(f"{name} = ?" for name in changed)
        conn.execute(f"UPDATE cases SET {sets} WHERE case_ref = ?", (*changed.values(), ref))
        applicability.refresh(conn, bank, ref)
