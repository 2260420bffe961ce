"""Which questions apply to a case, with the inspector's own classification over the service's.

A bank may ask the inspector whether the service classified a case right (its RoSH level, its
vulnerability level, whether a victim was identified) and, if not, what it should have been
(a question that `classifies` a case field). Every condition then reads the inspector's value
where one is recorded (a primary answer), so a case the service classified too low still gets
the questions its real risk calls for, and their failures reach the score. The table
`applicability` holds the result per case and question; `refresh` brings it up to date after a
classification or a case field changes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from db.file.cases import case_from_row
from question_bank.case import CaseRecord
from question_bank.model import Bank


def classifications(conn: sqlite3.Connection, bank: Bank, case_ref: str) -> dict[str, str]:
    """The primary answers a case has to the bank's classifying questions, by question id."""
    ids = [q.id for q in bank.classifying_questions]
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return dict(
        conn.execute(
            f"SELECT question_id, value FROM answers WHERE case_ref = ? AND role = 'primary' "
            f"AND question_id IN ({marks})",
            (case_ref, *ids),
        ).fetchall()
    )


def case_values(conn: sqlite3.Connection, bank: Bank, record: CaseRecord) -> dict[str, Any]:
    """The values the bank's conditions read for a case: the inspector's where recorded."""
    return bank.classified_values(
        record.condition_values(), classifications(conn, bank, record.case_ref)
    )


def refresh(conn: sqlite3.Connection, bank: Bank, case_ref: str) -> list[str]:
    """Store which questions apply to the case now; return those that changed, in bank order."""
    cursor = conn.execute("SELECT * FROM cases WHERE case_ref = ?", (case_ref,))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    if row is None:
        return []
    values = case_values(conn, bank, case_from_row(dict(zip(names, row, strict=True))))
    stored = dict(
        conn.execute(
            "SELECT question_id, applies FROM applicability WHERE case_ref = ?", (case_ref,)
        ).fetchall()
    )
    flipped = [q for q in bank.questions if bool(stored.get(q.id)) != q.applies(values)]
    conn.executemany(
        "UPDATE applicability SET applies = ? WHERE case_ref = ? AND question_id = ?",
        [(int(not stored.get(q.id)), case_ref, q.id) for q in flipped],
    )
    return [q.id for q in flipped]


def refresh_classified(conn: sqlite3.Connection, bank: Bank) -> None:
    """Refresh every case with a classification recorded (after answers are copied in bulk)."""
    ids = [q.id for q in bank.classifying_questions]
    if not ids:
        return
    marks = ", ".join("?" * len(ids))
    cases = conn.execute(
        f"SELECT DISTINCT case_ref FROM answers WHERE role = 'primary' "
        f"AND question_id IN ({marks})",
        ids,
    ).fetchall()
    for (case_ref,) in cases:
        refresh(conn, bank, case_ref)
