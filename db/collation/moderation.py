"""Moderation in collation week: conflicts and second-read disagreements, and the lead's ruling.

A conflict is a case, question and role for which collation found two different answers in two
files (`answer_versions` holds every version; unsettled ones mean unresolved). A second-read
disagreement is a question whose second read differs from the primary answer. The lead chooses
one of the answers, or enters another, with a reason: in one transaction the primary answer
becomes the ruling (a history row records who, when, the old and new answer and the reason),
every version is settled, the ruling is kept in `moderations` (with the first read before it,
for the agreement figures), and a case with nothing missing is locked. `audit-tui verify` checks
each ruling kept against the history row of the answer it set (db.file.record_chain), so a
ruling added or changed outside audit-tui is named, and collation refuses the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from db.collation.tables import order_key
from db.errors import StoreError
from db.file.answer_rules import write_answer
from db.file.case_status import missing, set_status, status_of
from db.file.records import CaseStatus
from db.file.store import InspectionStore

Kind = Literal["conflict", "second_read"]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Side:
    """One answer of a conflict or a disagreement: what, with which note, by whom and when."""

    value: str
    note: str | None
    inspector: str
    answered_at: str
    role: str
    settled: bool = False


@dataclass(frozen=True)
class Ruling:
    """A moderation recorded in the file."""

    value: str
    note: str | None
    reason: str
    moderator: str
    at: str
    before_value: str | None
    before_note: str | None


@dataclass(frozen=True)
class Item:
    """A conflict or a second-read disagreement, with everything the lead needs to rule on it."""

    kind: Kind
    case_ref: str
    question_id: str
    role: str
    theme: int
    chart_label: str
    question_text: str
    key: bool
    case_inspector: str
    case_status: str
    sides: tuple[Side, ...]
    current: Side | None
    resolved: bool
    ruling: Ruling | None

    @property
    def values(self) -> list[str]:
        return sorted({s.value for s in self.sides})


def _question_facts(store: InspectionStore) -> dict[str, tuple[int, str, str, bool]]:
    return {q.id: (q.theme, q.chart_label, q.text, q.key) for q in store.bank.questions}


def _cases(store: InspectionStore) -> dict[str, tuple[str, str, int]]:
    return {
        ref: (inspector, status, position)
        for ref, inspector, status, position in store.select(
            "SELECT c.case_ref, c.inspector, s.status, c.position FROM cases c "
            "JOIN case_status s ON s.case_ref = c.case_ref"
        )
    }


def _rulings(store: InspectionStore) -> dict[tuple[str, str, str], tuple[str, Ruling]]:
    return {
        (ref, qid, role): (kind, Ruling(value, note, reason, moderator, at, b_value, b_note))
        for ref, qid, role, kind, b_value, b_note, value, note, reason, moderator, at in (
            store.select(
                "SELECT case_ref, question_id, role, kind, before_value, before_note, value, "
                "note, reason, moderator, at FROM moderations"
            )
        )
    }


def _current(store: InspectionStore) -> dict[tuple[str, str, str], Side]:
    return {
        (ref, qid, role): Side(value, note, inspector, at, role)
        for ref, qid, role, value, note, inspector, at in store.select(
            "SELECT case_ref, question_id, role, value, note, inspector, answered_at FROM answers "
            "WHERE (case_ref, question_id) IN (SELECT case_ref, question_id FROM answer_versions "
            "UNION SELECT case_ref, question_id FROM answers WHERE role = 'second_read' "
            "UNION SELECT case_ref, question_id FROM moderations)"
        )
    }


def conflicts(store: InspectionStore, *, include_resolved: bool = False) -> list[Item]:
    """Every case, question and role collation found two answers for (unresolved first)."""
    facts, cases, rulings, current = (
        _question_facts(store),
        _cases(store),
        _rulings(store),
        _current(store),
    )
    versions: dict[tuple[str, str, str], list[Side]] = {}
    for ref, qid, role, value, note, inspector, at, settled in store.select(
        "SELECT case_ref, question_id, role, value, note, inspector, answered_at, settled "
        "FROM answer_versions ORDER BY answered_at, value, note"
    ):
        versions.setdefault((ref, qid, role), []).append(
            Side(value, note, inspector, at, role, bool(settled))
        )
    items = []
    for key, sides in versions.items():
        kind, ruling = rulings.get(key, ("conflict", None))
        if kind != "conflict":
            continue  # versions kept by a second-read ruling, not a collation conflict
        resolved = all(s.settled for s in sides)
        if resolved and not include_resolved:
            continue
        now = current.get(key)
        items.append(_item("conflict", key, sides, now, resolved, ruling, facts, cases))
    return _ordered(items, cases)


def disagreements(store: InspectionStore, *, include_resolved: bool = False) -> list[Item]:
    """Every question whose second read differs from the first (unresolved first)."""
    facts, cases, rulings, current = (
        _question_facts(store),
        _cases(store),
        _rulings(store),
        _current(store),
    )
    items = []
    keys = {(ref, qid) for ref, qid, role in current if role == "second_read"}
    for ref, qid in keys:
        first, second = current.get((ref, qid, "primary")), current.get((ref, qid, "second_read"))
        kind, ruling = rulings.get((ref, qid, "primary"), (None, None))
        if kind != "second_read":
            ruling = None
        if second is None or first is None:
            continue
        if ruling is None and first.value == second.value:
            continue
        resolved = ruling is not None and (first.value, first.note) == (ruling.value, ruling.note)
        if resolved and not include_resolved:
            continue
        sides = (first, second)
        key = (ref, qid, "primary")
        items.append(_item("second_read", key, sides, first, resolved, ruling, facts, cases))
    return _ordered(items, cases)


def review(store: InspectionStore, *, include_resolved: bool = False) -> list[Item]:
    """Conflicts, then second-read disagreements: what the moderation screen lists."""
    return conflicts(store, include_resolved=include_resolved) + disagreements(
        store, include_resolved=include_resolved
    )


def _item(
    kind: Kind,
    key: tuple[str, str, str],
    sides: list[Side] | tuple[Side, ...],
    current: Side | None,
    resolved: bool,
    ruling: Ruling | None,
    facts: dict[str, tuple[int, str, str, bool]],
    cases: dict[str, tuple[str, str, int]],
) -> Item:
    ref, qid, role = key
    theme, label, text, is_key = facts.get(qid, (0, qid, qid, False))
    inspector, status, _ = cases.get(ref, ("", "", 0))
    return Item(
        kind, ref, qid, role, theme, label, text, is_key, inspector, status,
        tuple(sides), current, resolved, ruling,
    )  # fmt: skip


def _ordered(items: list[Item], cases: dict[str, tuple[str, str, int]]) -> list[Item]:
    return sorted(
        items, key=lambda i: (i.resolved, cases.get(i.case_ref, ("", "", 0))[2], i.question_id)
    )


# -- ruling -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """What a ruling did: the answer now recorded and whether the case was locked."""

    case_ref: str
    question_id: str
    value: str
    note: str | None
    status: CaseStatus
    locked: bool
    sentence: str


def resolve(
    store: InspectionStore,
    case_ref: str,
    question_id: str,
    value: str,
    *,
    reason: str,
    moderator: str,
    note: str | None = None,
    role: str = "primary",
    clock: Clock | None = None,
) -> Resolution:
    """Record the lead's ruling on a conflict or disagreement and lock the case if it can be.

    The ruling is an answer like any other (db.file.answer_rules.write_answer refuses it or
    writes it with its history row), recorded even when it keeps the answer as it was.
    """
    reason = (reason or "").strip()
    if not reason:
        raise StoreError("give a reason for the moderated answer; it is kept in the history")
    now = (clock or (lambda: datetime.now(UTC)))().isoformat(timespec="milliseconds")
    with store.write_transaction() as conn:
        written = write_answer(
            conn,
            store.bank,
            case_ref=case_ref,
            question_id=question_id,
            value=value,
            inspector=moderator,
            at=now,
            role=role,
            note=note or "",
            reason=reason,
            history_reason=f"moderation: {reason}",
            record_unchanged=True,
        )
        key = (case_ref, question_id, role)
        kind = _kind(store, key)
        moderator, note = written.inspector, written.answer.note
        old = written.before
        before = conn.execute(
            "SELECT before_value, before_note FROM moderations "
            "WHERE case_ref = ? AND question_id = ? AND role = ?",
            key,
        ).fetchone() or ((old.value, old.note) if old else (None, None))
        _settle(
            conn,
            key,
            (old.value, old.note, old.inspector, old.bank_version, old.answered_at)
            if old
            else None,
            (value, note, moderator, store.bank.version, now),
            kind,
        )
        conn.execute(
            "INSERT INTO moderations (case_ref, question_id, role, kind, before_value, "
            "before_note, value, note, reason, moderator, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (case_ref, question_id, role) DO UPDATE SET kind = excluded.kind, "
            "value = excluded.value, note = excluded.note, reason = excluded.reason, "
            "moderator = excluded.moderator, at = excluded.at",
            (*key, kind, before[0], before[1], value, note, reason, moderator, now),
        )
        status, locked = _lock(store, conn, case_ref, moderator, now)
    sentence = f"{question_id} of case {case_ref} is now {value} (moderated by {moderator})"
    if locked:
        sentence += f"; case {case_ref} is locked"
    elif status is not CaseStatus.LOCKED:
        sentence += f"; case {case_ref} still has questions to answer, so it is not locked yet"
    return Resolution(case_ref, question_id, value, note, status, locked, sentence)


def _kind(store: InspectionStore, key: tuple[str, str, str]) -> Kind:
    if store.select(
        "SELECT 1 FROM answer_versions WHERE case_ref = ? AND question_id = ? AND role = ? LIMIT 1",
        key,
    ):
        return "conflict"
    if key[2] == "primary" and store.select(
        "SELECT 1 FROM answers WHERE case_ref = ? AND question_id = ? AND role = 'second_read'",
        key[:2],
    ):
        return "second_read"
    raise StoreError(
        f"{key[1]} of case {key[0]} has no conflict and no second read to moderate; "
        "change the answer in the interview instead"
    )


def _settle(
    conn: sqlite3.Connection,
    key: tuple[str, str, str],
    old: tuple[str, str | None, str, str, str] | None,
    new: tuple[str, str | None, str, str, str],
    kind: Kind,
) -> None:
    """Settle every version of the key, keeping the replaced answer and the ruling as versions."""
    if kind == "second_read" and (old is None or old[:2] == new[:2]):
        return
    known = {
        (v, n): (at, inspector, version)
        for v, n, at, inspector, version in conn.execute(
            "SELECT value, note, answered_at, inspector, bank_version FROM answer_versions "
            "WHERE case_ref = ? AND question_id = ? AND role = ?",
            key,
        )
    }
    for row in (old, new):
        if row is None:
            continue
        value, note, inspector, version, at = row
        if (value, note) not in known:
            known[(value, note)] = (at, inspector, version)
            conn.execute(
                "INSERT INTO answer_versions (case_ref, question_id, role, value, note, "
                "inspector, bank_version, answered_at, settled) VALUES (?,?,?,?,?,?,?,?,1)",
                (*key, value, note, inspector, version, at),
            )
        elif order_key((at, inspector, version)) > order_key(known[(value, note)]):
            # A version stands for its latest answer, as collation keeps it (db.collation.merge).
            known[(value, note)] = (at, inspector, version)
            conn.execute(
                "UPDATE answer_versions SET answered_at = ?, inspector = ?, bank_version = ? "
                "WHERE case_ref = ? AND question_id = ? AND role = ? AND value = ? "
                "AND note IS ?",
                (at, inspector, version, *key, value, note),
            )
    conn.execute(
        "UPDATE answer_versions SET settled = 1 "
        "WHERE case_ref = ? AND question_id = ? AND role = ?",
        key,
    )


def _lock(
    store: InspectionStore, conn: sqlite3.Connection, case_ref: str, moderator: str, now: str
) -> tuple[CaseStatus, bool]:
    """Lock a moderated case when nothing is missing; the status change goes in the history."""
    status = status_of(conn, case_ref)
    if status is CaseStatus.LOCKED or missing(conn, store.bank, case_ref):
        return status, False
    set_status(conn, case_ref, status, CaseStatus.LOCKED, moderator, now, "moderated")
    return CaseStatus.LOCKED, True
