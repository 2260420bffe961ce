"""A case's status in the file: reading it, changing it with its history row, what it misses.

The store's lifecycle calls (complete, reopen, lock), the answer rules (a first primary answer
starts a case) and moderation's ruling (a moderated case with nothing missing is locked) all
change a status through `set_status`, inside their own write transaction.
"""

from __future__ import annotations

import sqlite3

from db.errors import UnknownCase
from db.file import history_chain
from db.file.records import CaseStatus, Missing
from question_bank.model import Bank


def status_of(conn: sqlite3.Connection, case_ref: str) -> CaseStatus:
    """The case's status; UnknownCase when the inspection has no such case."""
    row = conn.execute("SELECT status FROM case_status WHERE case_ref = ?", (case_ref,)).fetchone()
    if row is None:
        raise UnknownCase(case_ref)
    return CaseStatus(row[0])


def set_status(
    conn: sqlite3.Connection,
    case_ref: str,
    old: CaseStatus,
    new: CaseStatus,
    inspector: str,
    at: str,
    reason: str | None,
) -> None:
    """Inside a write transaction: change the status and record the change in the history."""
    conn.execute(
        "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)", (inspector, at)
    )
    conn.execute(
        "UPDATE case_status SET status = ?, changed_at = ?, changed_by = ? WHERE case_ref = ?",
        (new.value, at, inspector, case_ref),
    )
    history_chain.append(
        conn,
        case_ref=case_ref,
        event="status",
        old_value=old.value,
        new_value=new.value,
        inspector=inspector,
        at=at,
        reason=reason,
    )


def missing(conn: sqlite3.Connection, bank: Bank, case_ref: str) -> list[Missing]:
    """What stops the case being complete: unanswered applicable questions, missing notes."""
    rows = conn.execute(
        """
        SELECT ap.question_id, a.value, a.note FROM applicability ap
        JOIN questions q ON q.question_id = ap.question_id
        LEFT JOIN answers a ON a.case_ref = ap.case_ref AND a.question_id = ap.question_id
            AND a.role = 'primary'
        WHERE ap.case_ref = ? AND ap.applies = 1
        ORDER BY q.position
        """,
        (case_ref,),
    ).fetchall()
    found = []
    for qid, value, note in rows:
        if value is None:
            found.append(Missing(qid, "unanswered"))
        elif value in bank.question(qid).note_required_for and not note:
            found.append(Missing(qid, "note_required"))
    return found
