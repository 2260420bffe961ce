"""InspectionStore: one inspection file, its bank, cases, answers, history and counts.

A store belongs to the thread that opened it (sqlite3's rule); the TUI runs every call on one
writer thread. Each write is one transaction that returns only after COMMIT with
synchronous=FULL, so an answer the caller was told is saved is on disk.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from db.errors import IncompleteCase, InvalidRows, RowProblem, StoreError
from db.file import history_chain, judgements
from db.file.case_list import PROGRESS_SQL
from db.file.cases import case_from_row, case_row, validation_sentence
from db.file.checks import check_file
from db.file.connection import connect
from db.file.file_format import SCHEMA_VERSION
from db.file.records import (
    CASE_FILTER_FIELDS,
    ROLES,
    Answer,
    CaseProgress,
    CaseStatus,
    CountFilter,
    HistoryRow,
    Inspection,
    Missing,
)
from db.file.tally import AnswerTally
from question_bank.case import SUBGROUP_FIELDS, CaseRecord
from question_bank.loader import BankError, load_shipped, validate_bank
from question_bank.model import Bank, Question

Clock = Callable[[], datetime]
BOOL_FIELDS = frozenset({"bame", "custody", "looked_after"})
_ANSWER_COLUMNS = "case_ref, question_id, value, note, inspector, role, bank_version, answered_at"
_HISTORY_COLUMNS = (
    "id, case_ref, question_id, role, event, old_value, new_value, old_note, new_note, "
    "inspector, at, reason"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _clean(text: str | None) -> str | None:
    """Free text as stored: stripped, and nothing rather than an empty string."""
    if text is None:
        return None
    text = text.strip()
    return text or None


class InspectionStore:
    """The inspection file: open it with `create` or `open`, use it from one thread."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        bank: Bank,
        readonly: bool,
        clock: Clock | None,
        encrypted: bool = False,
    ) -> None:
        self._conn = conn
        self.path = path
        self.bank = bank
        self.readonly = readonly
        self.encrypted = encrypted
        self._clock = clock or _utc_now
        self.inspection = self._load_inspection()
        # The inspection's counts in memory (db/tally.py), with the data_version they match.
        self._tally: AnswerTally | None = None
        self._tally_version = -1

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        area: str,
        bank: Bank,
        lead: str | None = None,
        fieldwork_start: date | str | None = None,
        fieldwork_end: date | str | None = None,
        clock: Clock | None = None,
        inspection_id: str | None = None,
        passphrase: str | None = None,
    ) -> InspectionStore:
        """Make a new inspection file (mode 0600) under `bank`; an existing path is refused.

        With a passphrase the file is encrypted (SQLCipher) from its first byte.
        """
        path = Path(path)
        area = area.strip()
        if not area:
            raise StoreError("the inspection needs an area, e.g. --area Lambeth")
        lead = _initials(lead) if lead else None
        start, end = _iso_date(fieldwork_start), _iso_date(fieldwork_end)
        if start and end and end < start:
            raise StoreError(f"fieldwork ends ({end}) before it starts ({start}); check the dates")
        conn = connect(path, create=True, passphrase=passphrase)
        try:
            from db.file.schema import migrate  # sqlite-utils: only to make or migrate a file

            migrate(conn)
            now = (clock or _utc_now)().isoformat(timespec="milliseconds")
            with _transaction(conn, path):
                _write_bank(conn, bank, now)
                conn.execute(
                    "INSERT INTO inspection (id, area, bank_id, bank_version, bank_hash, lead, "
                    "fieldwork_start, fieldwork_end, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        inspection_id or uuid.uuid4().hex,
                        area,
                        bank.id,
                        bank.version,
                        bank.content_hash,
                        lead,
                        start,
                        end,
                        now,
                    ),
                )
                if lead:
                    conn.execute(
                        "INSERT INTO inspectors (initials, is_lead, added_at) VALUES (?, 1, ?)",
                        (lead, now),
                    )
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            raise
        return cls(
            conn, path, bank=bank, readonly=False, clock=clock, encrypted=passphrase is not None
        )

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        clock: Clock | None = None,
        passphrase: str | None = None,
    ) -> InspectionStore:
        """Open an inspection after read-only checks; an older schema is then migrated.

        `passphrase` opens an encrypted file; a plain file ignores it.
        """
        path = Path(path)
        facts = check_file(path, passphrase)
        try:
            bank = validate_bank(json.loads(facts.bank_json), path.name)
        except (BankError, ValueError):
            raise StoreError(
                f"the question bank stored in {path} cannot be read by this audit-tui; "
                "update audit-tui to open it"
            ) from None
        if readonly and facts.schema_version < SCHEMA_VERSION:
            raise StoreError(
                f"{path} uses an older schema; open it once without read-only to upgrade it"
            )
        try:
            conn = connect(
                path, readonly=readonly, passphrase=passphrase if facts.encrypted else None
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path} cannot be opened (SQLite says: {exc})") from None
        try:
            if not readonly and facts.schema_version < SCHEMA_VERSION:
                from db.file.schema import migrate

                migrate(conn)
            return cls(
                conn, path, bank=bank, readonly=readonly, clock=clock, encrypted=facts.encrypted
            )
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"{path} cannot be opened (SQLite says: {exc})") from None
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> InspectionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _load_inspection(self) -> Inspection:
        row = self._conn.execute(
            "SELECT id, area, bank_id, bank_version, bank_hash, lead, fieldwork_start, "
            "fieldwork_end, created_at FROM inspection"
        ).fetchone()
        return Inspection(*row)

    @cached_property
    def bank_notice(self) -> str | None:
        """A sentence when the shipped bank of this id differs from the one the file carries."""
        bank = self.bank
        try:
            shipped = load_shipped(bank.id)
        except LookupError:
            return (
                f"this file uses {bank.id} v{bank.version}, which this audit-tui does not ship; "
                "it is read with the copy stored in the file"
            )
        except (BankError, OSError):
            return None
        if shipped.content_hash == self.inspection.bank_hash:
            return None
        return (
            f"this file uses {bank.id} v{bank.version} as it was when the file was made; "
            f"the shipped {bank.id} (v{shipped.version}) has changed since"
        )

    # -- transactions ------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().isoformat(timespec="milliseconds")

    @contextmanager
    def _write(self, *, keeps_counts: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; unless the caller moves the tally itself (`keeps_counts`),
        the in-memory counts are dropped and rebuilt from SQL when next read."""
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        if not keeps_counts:
            self._tally = None
        with _transaction(self._conn, self.path):
            yield self._conn

    # -- cases -------------------------------------------------------------------------------

    def add_cases(self, records: Sequence[CaseRecord]) -> None:
        """Add cases to the sample, all or none; a case reference already used is refused."""
        refs = [r.case_ref for r in records]
        taken = {ref for (ref,) in self._conn.execute("SELECT case_ref FROM cases")}
        clash = sorted({ref for ref in refs if ref in taken or refs.count(ref) > 1})
        if clash:
            raise StoreError(
                f"case reference {', '.join(clash)} is already used in this inspection; "
                "each case needs its own reference"
            )
        now = self._now()
        with self._write() as conn:
            (position,) = conn.execute("SELECT COALESCE(MAX(position), 0) FROM cases").fetchone()
            for offset, record in enumerate(records, start=1):
                conn.execute(
                    "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                    (record.inspector, now),
                )
                row = case_row(record) | {"position": position + offset, "added_at": now}
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                conn.execute(f"INSERT INTO cases ({names}) VALUES ({marks})", tuple(row.values()))
                values = record.condition_values()
                conn.executemany(
                    "INSERT INTO applicability (case_ref, question_id, applies) VALUES (?, ?, ?)",
                    [(record.case_ref, q.id, int(q.applies(values))) for q in self.bank.questions],
                )
                conn.execute(
                    "INSERT INTO case_status (case_ref, status, changed_at) "
                    "VALUES (?, 'not_started', ?)",
                    (record.case_ref, now),
                )

    def cases(
        self,
        inspector: str | None = None,
        status: str | None = None,
        progress: str | None = None,
    ) -> list[CaseRecord]:
        """The cases in sample order; `status` is current/terminated, `progress` the case status."""
        clauses, params = [], []
        if inspector is not None:
            clauses.append("c.inspector = ?")
            params.append(inspector.strip().upper())
        if status is not None:
            clauses.append("c.status = ?")
            params.append(status)
        if progress is not None:
            clauses.append("s.status = ?")
            params.append(progress)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT c.* FROM cases c JOIN case_status s ON s.case_ref = c.case_ref {where} "
            "ORDER BY c.position",
            params,
        )
        return [case_from_row(row) for row in rows]

    def case(self, case_ref: str) -> CaseRecord:
        """One case by reference; StoreError if the inspection has no such case."""
        rows = self._rows("SELECT * FROM cases WHERE case_ref = ?", [case_ref])
        if not rows:
            raise self._unknown_case(case_ref)
        return case_from_row(rows[0])

    def inspectors(self) -> list[str]:
        """The initials of every inspector of the inspection, lead first."""
        return [
            initials
            for (initials,) in self._conn.execute(
                "SELECT initials FROM inspectors ORDER BY is_lead DESC, initials"
            )
        ]

    def update_case(
        self, case_ref: str, *, changed_by: str | None = None, **fields: Any
    ) -> list[str]:
        """Change case fields; returns answered questions whose applicability changed.

        An answer to a question that no longer applies is kept but no longer counted.
        """
        if "case_ref" in fields:
            raise StoreError("a case reference cannot be changed; add the case again instead")
        old = self.case(case_ref)
        try:
            new = CaseRecord.model_validate(old.model_dump() | fields)
        except ValidationError as exc:
            raise StoreError(
                f"case {case_ref} was not changed: {validation_sentence(exc)}"
            ) from None
        old_values, new_values = old.condition_values(), new.condition_values()
        flipped = [
            q.id for q in self.bank.questions if q.applies(old_values) != q.applies(new_values)
        ]
        old_row, new_row = case_row(old), case_row(new)
        changed = {k: v for k, v in new_row.items() if old_row[k] != v}
        if not changed:
            return []
        now = self._now()
        who = _initials(changed_by) if changed_by else (self.inspection.lead or new.inspector)
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                (new.inspector, now),
            )
            sets = ", ".join(f"{name} = ?" for name in changed)
            conn.execute(
                f"UPDATE cases SET {sets} WHERE case_ref = ?", (*changed.values(), case_ref)
            )
            conn.executemany(
                "UPDATE applicability SET applies = ? WHERE case_ref = ? AND question_id = ?",
                [
                    (int(self.bank.question(qid).applies(new_values)), case_ref, qid)
                    for qid in flipped
                ],
            )
            history_chain.append(
                conn,
                case_ref=case_ref,
                event="case",
                old_value=json.dumps({k: old_row[k] for k in changed}, sort_keys=True),
                new_value=json.dumps(changed, sort_keys=True),
                inspector=who,
                at=now,
            )
            answered = {
                qid
                for (qid,) in conn.execute(
                    "SELECT DISTINCT question_id FROM answers WHERE case_ref = ?", (case_ref,)
                )
            }
            if self._status(case_ref) == "complete" and self._missing(case_ref):
                self._set_status(case_ref, "complete", "in_progress", who, now, None)
        return [qid for qid in flipped if qid in answered]

    def applicability(self, case_ref: str) -> dict[str, bool]:
        """Whether each question of the bank applies to the case, in bank order."""
        self.case(case_ref)
        stored = dict(
            self._conn.execute(
                "SELECT question_id, applies FROM applicability WHERE case_ref = ?", (case_ref,)
            ).fetchall()
        )
        return {q.id: bool(stored.get(q.id, 0)) for q in self.bank.questions}

    def why_not_applicable(self, question_id: str) -> str:
        """The condition a question needs, in words: 'applies only when custody'."""
        question = self._question(question_id)
        if question.applies_if is None:
            return "applies to every case"
        return f"applies only when {question.applies_if.describe()}"

    # -- progress ----------------------------------------------------------------------------

    def case_progress(self, case_ref: str | None = None) -> dict[str, CaseProgress]:
        """Status and answered/applicable counts of every case (or one), in one query."""
        where = "WHERE c.case_ref = ?" if case_ref is not None else ""
        rows = self._conn.execute(
            PROGRESS_SQL.format(where=where), (case_ref,) if case_ref is not None else ()
        ).fetchall()
        if case_ref is not None and not rows:
            raise self._unknown_case(case_ref)
        return {
            ref: CaseProgress(ref, CaseStatus(status), *counts) for ref, status, *counts in rows
        }

    # -- answers -----------------------------------------------------------------------------

    def record_answer(
        self,
        case_ref: str,
        question_id: str,
        value: str,
        *,
        inspector: str,
        note: str | None = None,
        role: str = "primary",
        reason: str | None = None,
    ) -> Answer:
        """Record an answer in one transaction with its history row and the case status.

        `note=None` keeps the note already recorded; a string replaces it ('' clears it).
        Returns only after COMMIT: when it returns, the answer is on disk.
        """
        question = self._question(question_id)
        role = _role(role)
        inspector = _initials(inspector)
        reason = _clean(reason)
        scale = self.bank.scale_of(question)
        if scale.option(value) is None:
            raise StoreError(
                f"{value!r} is not an answer to {question_id}; "
                f"the answers are {', '.join(scale.values())}"
            )
        now = self._now()
        with self._write(keeps_counts=True) as conn:
            row = conn.execute(
                """
                SELECT s.status, ap.applies, a.value, a.note, a.inspector, a.bank_version,
                       a.answered_at
                FROM case_status s
                LEFT JOIN applicability ap ON ap.case_ref = s.case_ref AND ap.question_id = ?
                LEFT JOIN answers a
                    ON a.case_ref = s.case_ref AND a.question_id = ? AND a.role = ?
                WHERE s.case_ref = ?
                """,
                (question_id, question_id, role, case_ref),
            ).fetchone()
            if row is None:
                raise self._unknown_case(case_ref)
            status, applies, old_value, old_note = row[:4]
            if not applies:
                raise StoreError(
                    f"{question_id} does not apply to case {case_ref}: it "
                    f"{self.why_not_applicable(question_id)}, so it is N/A without an answer"
                )
            new_note = old_note if note is None else _clean(note)
            if old_value == value and old_note == new_note:
                return Answer(case_ref, question_id, value, old_note, row[4], role, row[5], row[6])
            if status == "locked" and not reason:
                raise StoreError(f"case {case_ref} is locked; give a reason to change its answers")
            if value in question.note_required_for and not new_note:
                raise StoreError(
                    f"{question_id} needs a note when the answer is {value}; "
                    "record the evidence with it"
                )
            conn.execute(
                "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                (inspector, now),
            )
            conn.execute(
                """
                INSERT INTO answers (case_ref, question_id, role, value, note, inspector,
                                     bank_version, answered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (case_ref, question_id, role) DO UPDATE SET
                    value = excluded.value, note = excluded.note, inspector = excluded.inspector,
                    bank_version = excluded.bank_version, answered_at = excluded.answered_at
                """,
                (
                    case_ref,
                    question_id,
                    role,
                    value,
                    new_note,
                    inspector,
                    self.inspection.bank_version,
                    now,
                ),
            )
            history_chain.append(
                conn,
                case_ref=case_ref,
                question_id=question_id,
                role=role,
                event="answer",
                old_value=old_value,
                new_value=value,
                old_note=old_note,
                new_note=new_note,
                inspector=inspector,
                at=now,
                reason=reason,
            )
            if status == "not_started" and role == "primary":
                self._set_status(case_ref, status, "in_progress", inspector, now, None)
        if role == "primary":
            self._tally_moved(case_ref, question, old_value, value)
        return Answer(
            case_ref,
            question_id,
            value,
            new_note,
            inspector,
            role,
            self.inspection.bank_version,
            now,
        )

    def set_note(
        self,
        case_ref: str,
        question_id: str,
        note: str | None,
        *,
        inspector: str,
        role: str = "primary",
        reason: str | None = None,
    ) -> Answer:
        """Replace the note of an answer already recorded (an empty note clears it)."""
        current = self.answer(case_ref, question_id, role)
        if current is None:
            raise StoreError(
                f"{question_id} of case {case_ref} has no answer yet; answer it, then add the note"
            )
        new_note = _clean(note)
        if new_note == current.note:
            return current
        question = self._question(question_id)
        if current.value in question.note_required_for and not new_note:
            raise StoreError(
                f"{question_id} needs a note when the answer is {current.value}; "
                "the note cannot be removed"
            )
        reason = _clean(reason)
        inspector = _initials(inspector)
        now = self._now()
        with self._write(keeps_counts=True) as conn:
            if self._status(case_ref) == "locked" and not reason:
                raise StoreError(f"case {case_ref} is locked; give a reason to change its notes")
            conn.execute(
                "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                (inspector, now),
            )
            conn.execute(
                "UPDATE answers SET note = ?, inspector = ?, answered_at = ? "
                "WHERE case_ref = ? AND question_id = ? AND role = ?",
                (new_note, inspector, now, case_ref, question_id, current.role),
            )
            history_chain.append(
                conn,
                case_ref=case_ref,
                question_id=question_id,
                role=current.role,
                event="note",
                old_value=current.value,
                new_value=current.value,
                old_note=current.note,
                new_note=new_note,
                inspector=inspector,
                at=now,
                reason=reason,
            )
        return Answer(
            case_ref,
            question_id,
            current.value,
            new_note,
            inspector,
            current.role,
            current.bank_version,
            now,
        )

    def clear_answer(
        self,
        case_ref: str,
        question_id: str,
        *,
        inspector: str,
        role: str = "primary",
        reason: str | None = None,
    ) -> Answer | None:
        """Return a question to unanswered (recorded in history); returns the answer removed."""
        role = _role(role)
        current = self.answer(case_ref, question_id, role)
        if current is None:
            self.case(case_ref)
            self._question(question_id)
            return None
        reason = _clean(reason)
        inspector = _initials(inspector)
        now = self._now()
        with self._write(keeps_counts=True) as conn:
            status = self._status(case_ref)
            if status == "locked" and not reason:
                raise StoreError(f"case {case_ref} is locked; give a reason to change its answers")
            applies = conn.execute(
                "SELECT applies FROM applicability WHERE case_ref = ? AND question_id = ?",
                (case_ref, question_id),
            ).fetchone()
            conn.execute(
                "DELETE FROM answers WHERE case_ref = ? AND question_id = ? AND role = ?",
                (case_ref, question_id, role),
            )
            history_chain.append(
                conn,
                case_ref=case_ref,
                question_id=question_id,
                role=role,
                event="clear",
                old_value=current.value,
                old_note=current.note,
                inspector=inspector,
                at=now,
                reason=reason,
            )
            if status == "complete" and role == "primary":
                self._set_status(case_ref, status, "in_progress", inspector, now, None)
        if role == "primary" and applies and applies[0]:
            self._tally_moved(case_ref, self._question(question_id), current.value, None)
        return current

    def answer(self, case_ref: str, question_id: str, role: str = "primary") -> Answer | None:
        """The recorded answer, or None when the question is unanswered."""
        row = self._conn.execute(
            f"SELECT {_ANSWER_COLUMNS} FROM answers "
            "WHERE case_ref = ? AND question_id = ? AND role = ?",
            (case_ref, question_id, role),
        ).fetchone()
        return Answer(*row) if row else None

    def answers(self, case_ref: str | None = None, role: str | None = None) -> list[Answer]:
        """Recorded answers in sample order, then bank order, then role."""
        clauses, params = [], []
        if case_ref is not None:
            clauses.append("a.case_ref = ?")
            params.append(case_ref)
        if role is not None:
            clauses.append("a.role = ?")
            params.append(_role(role))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        columns = ", ".join(f"a.{c.strip()}" for c in _ANSWER_COLUMNS.split(","))
        rows = self._conn.execute(
            f"SELECT {columns} FROM answers a JOIN cases c ON c.case_ref = a.case_ref "
            f"JOIN questions q ON q.question_id = a.question_id {where} "
            "ORDER BY c.position, q.position, a.role",
            params,
        ).fetchall()
        return [Answer(*row) for row in rows]

    def verify_history(self) -> history_chain.VerifyResult:
        """Walk the history's hash chain and check the answers against it
        (db.file.history_chain)."""
        return history_chain.verify_history(self._conn)

    def history(self, case_ref: str | None = None) -> list[HistoryRow]:
        """The append-only record of changes, oldest first."""
        where, params = ("WHERE case_ref = ?", (case_ref,)) if case_ref is not None else ("", ())
        rows = self._conn.execute(
            f"SELECT {_HISTORY_COLUMNS} FROM answer_history {where} ORDER BY id", params
        ).fetchall()
        return [HistoryRow(*row) for row in rows]

    def import_answers(
        self,
        rows: Sequence[dict[str, Any]],
        source: str = "the file",
        *,
        reason: str | None = "imported",
    ) -> dict[str, int]:
        """Record many answers in one transaction, all or none (CSV import and the demo).

        Each row has case_ref, question_id, answer, and optionally note, inspector, role and
        `line` (for problems). Every bad row is reported in one InvalidRows. An answer equal to
        the one recorded is left alone. Returns counts: added, changed, unchanged.
        """
        applies = {
            (c, q): bool(a)
            for c, q, a in self._conn.execute(
                "SELECT case_ref, question_id, applies FROM applicability"
            )
        }
        status = dict(self._conn.execute("SELECT case_ref, status FROM case_status").fetchall())
        current = {(a.case_ref, a.question_id, a.role): a for a in self.answers()}
        problems: list[RowProblem] = []
        seen: dict[tuple[str, str, str], int] = {}
        accepted: list[tuple[str, str, str, str, str | None, str]] = []
        for index, raw in enumerate(rows, start=2):
            line = int(raw.get("line") or index)
            bad = len(problems)

            def problem(column: str, message: str, line: int = line) -> None:
                problems.append(RowProblem(line, column, message))

            case_ref = (raw.get("case_ref") or "").strip()
            qid = (raw.get("question_id") or "").strip()
            value = (raw.get("answer") or "").strip().lower()
            note = _clean(raw.get("note"))
            role = (raw.get("role") or "").strip().lower() or "primary"
            inspector = (raw.get("inspector") or "").strip().upper()
            question = self.bank.question_by_id.get(qid)
            if not case_ref:
                problem("case_ref", "is empty")
            elif case_ref not in status:
                problem("case_ref", f"there is no case {case_ref} in this inspection")
            if not qid:
                problem("question_id", "is empty")
            elif question is None:
                problem("question_id", f"{qid} is not a question of bank {self.bank.id}")
            if role not in ROLES:
                problem("role", f"{role!r} is not a role; use primary or second_read")
            if not inspector and case_ref in status:
                inspector = self._case_inspector(case_ref)
            if (inspector or case_ref in status) and not _is_initials(inspector):
                problem("inspector", f"{inspector!r} is not an inspector's initials, e.g. JS")
            if question is not None:
                scale = self.bank.scale_of(question)
                if not value:
                    problem("answer", f"is empty; use {', '.join(scale.values())}")
                elif scale.option(value) is None:
                    problem("answer", f"{value!r} is not one of {', '.join(scale.values())}")
                elif value in question.note_required_for and not note:
                    problem("note", f"{qid} needs a note when the answer is {value}")
            if len(problems) > bad or question is None:
                continue
            if not applies.get((case_ref, qid), False):
                problem(
                    "question_id",
                    f"{qid} does not apply to case {case_ref}: it {self.why_not_applicable(qid)}",
                )
                continue
            key = (case_ref, qid, role)
            if key in seen:
                problem("question_id", f"{qid} of case {case_ref} is already on line {seen[key]}")
                continue
            seen[key] = line
            old = current.get(key)
            if old is not None and old.value == value and old.note == note:
                continue
            if status[case_ref] == "locked":
                problem("case_ref", f"case {case_ref} is locked; reopen it to change its answers")
                continue
            accepted.append((case_ref, qid, role, value, note, inspector))
        if problems:
            raise InvalidRows(source, problems)
        counts = {"added": 0, "changed": 0, "unchanged": len(seen) - len(accepted)}
        now = self._now()
        with self._write() as conn:
            for case_ref, qid, role, value, note, inspector in accepted:
                old = current.get((case_ref, qid, role))
                counts["changed" if old else "added"] += 1
                conn.execute(
                    "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                    (inspector, now),
                )
                conn.execute(
                    "INSERT OR REPLACE INTO answers (case_ref, question_id, role, value, note, "
                    "inspector, bank_version, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        case_ref,
                        qid,
                        role,
                        value,
                        note,
                        inspector,
                        self.inspection.bank_version,
                        now,
                    ),
                )
                history_chain.append(
                    conn,
                    case_ref=case_ref,
                    question_id=qid,
                    role=role,
                    event="answer",
                    old_value=old.value if old else None,
                    new_value=value,
                    old_note=old.note if old else None,
                    new_note=note,
                    inspector=inspector,
                    at=now,
                    reason=reason,
                )
                if status[case_ref] == "not_started" and role == "primary":
                    self._set_status(case_ref, "not_started", "in_progress", inspector, now, None)
                    status[case_ref] = "in_progress"
        return counts

    # -- case lifecycle ----------------------------------------------------------------------

    def missing_for_completion(self, case_ref: str) -> list[Missing]:
        """What stops the case being complete: unanswered applicable questions, missing notes."""
        self.case(case_ref)
        return self._missing(case_ref)

    def _missing(self, case_ref: str) -> list[Missing]:
        rows = self._conn.execute(
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
        missing = []
        for qid, value, note in rows:
            if value is None:
                missing.append(Missing(qid, "unanswered"))
            elif value in self.bank.question(qid).note_required_for and not note:
                missing.append(Missing(qid, "note_required"))
        return missing

    def complete_case(self, case_ref: str, *, inspector: str) -> str:
        """Mark a case complete; refused with the list of what is missing."""
        inspector = _initials(inspector)
        status = self._status(case_ref)
        if status == "complete":
            return status
        if status == "locked":
            raise StoreError(f"case {case_ref} is locked; it is already complete")
        missing = self._missing(case_ref)
        if missing:
            raise IncompleteCase(case_ref, missing)
        with self._write(keeps_counts=True):
            self._set_status(case_ref, status, "complete", inspector, self._now(), None)
        return "complete"

    def reopen_case(self, case_ref: str, *, inspector: str, reason: str) -> str:
        """Return a complete or locked case to in progress; the reason goes in the history."""
        inspector = _initials(inspector)
        reason_text = _clean(reason)
        if not reason_text:
            raise StoreError(f"give a reason to reopen case {case_ref}")
        status = self._status(case_ref)
        if status not in ("complete", "locked"):
            return status
        with self._write(keeps_counts=True):
            self._set_status(case_ref, status, "in_progress", inspector, self._now(), reason_text)
        return "in_progress"

    def lock_case(self, case_ref: str, *, inspector: str) -> str:
        """Lock a complete case after moderation; later changes to it need a reason."""
        inspector = _initials(inspector)
        status = self._status(case_ref)
        if status == "locked":
            return status
        if status != "complete":
            raise StoreError(f"case {case_ref} is not complete; complete it before locking it")
        with self._write(keeps_counts=True):
            self._set_status(case_ref, status, "locked", inspector, self._now(), None)
        return "locked"

    def _status(self, case_ref: str) -> str:
        row = self._conn.execute(
            "SELECT status FROM case_status WHERE case_ref = ?", (case_ref,)
        ).fetchone()
        if row is None:
            raise self._unknown_case(case_ref)
        return str(row[0])

    def _set_status(
        self, case_ref: str, old: str, new: str, inspector: str, now: str, reason: str | None
    ) -> None:
        """Inside a write transaction: change the status and record it in the history."""
        self._conn.execute(
            "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)", (inspector, now)
        )
        self._conn.execute(
            "UPDATE case_status SET status = ?, changed_at = ?, changed_by = ? WHERE case_ref = ?",
            (new, now, inspector, case_ref),
        )
        history_chain.append(
            self._conn,
            case_ref=case_ref,
            event="status",
            old_value=old,
            new_value=new,
            inspector=inspector,
            at=now,
            reason=reason,
        )

    # -- recorded judgements (db/judgements.py) ----------------------------------------------

    def record_judgement(
        self, theme: int, judgement: str | None, rationale: str, *, by: str
    ) -> judgements.Judgement:
        """Record the lead's judgement of a theme (a band label; None withdraws it) and why."""
        who, now = _initials(by), self._now()
        with self._write() as conn:
            return judgements.record(conn, self.bank, theme, judgement, rationale, by=who, at=now)

    def recorded_judgements(self) -> dict[int, judgements.Judgement]:
        """The current recorded judgement of each theme that has one."""
        return judgements.current(self._conn)

    def judgement_history(self, theme: int | None = None) -> list[judgements.Judgement]:
        """Every judgement recorded (of one theme, or all), latest first."""
        return judgements.history(self._conn, theme)

    # -- UI state ----------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM ui_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._write(keeps_counts=True) as conn:
            conn.execute(
                "INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, self._now()),
            )

    # -- counts ------------------------------------------------------------------------------

    def answer_counts(self, filter: CountFilter = CountFilter()) -> dict[str, Mapping[str, int]]:
        """Per question and value, the answers that count: to questions applying to the case.

        The whole inspection's (no filter) come from the in-memory tally (db/tally.py), whose
        per-question counts are read-only.
        """
        if filter == CountFilter():
            return self._answer_tally().answer_counts()
        return self._sql_answer_counts(filter)

    def _sql_answer_counts(self, filter: CountFilter) -> dict[str, Mapping[str, int]]:
        return dict(self.answer_counts_by(None, filter).get(None, {}))

    def answer_counts_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, dict[str, dict[str, int]]]:
        """answer_counts per value of a case field (None: one group, keyed None)."""
        q = _filter_sql(filter, field, answers=True)
        counts: dict[Any, dict[str, dict[str, int]]] = {}
        for key, qid, value, n in self._conn.execute(
            f"""
            SELECT {q.group}, a.question_id, a.value, COUNT(*) FROM answers a
            JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
            {q.join_cases}
            WHERE ap.applies = 1 {q.where}
            GROUP BY {q.group_by} a.question_id, a.value
            """,
            q.params,
        ):
            counts.setdefault(_group(field, key), {}).setdefault(qid, {})[value] = n
        return counts

    def cases_by_theme(self, filter: CountFilter = CountFilter()) -> dict[int, int]:
        """Per theme, the cases contributing a yes or no answer to one of its key questions."""
        if filter == CountFilter():
            return dict(self._answer_tally().cases_by_theme)
        return self._sql_cases_by_theme(filter)

    def _sql_cases_by_theme(self, filter: CountFilter) -> dict[int, int]:
        return self.cases_by_theme_by(None, filter).get(None, {})

    def _answer_tally(self) -> AnswerTally:
        """The tally, rebuilt from SQL when dropped or when another connection has committed."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._tally is None or version != self._tally_version:
            self._tally = AnswerTally.build(self._conn, self._sql_answer_counts(CountFilter()))
            self._tally_version = version
        return self._tally

    def _tally_moved(
        self, case_ref: str, question: Question, old: str | None, new: str | None
    ) -> None:
        """After the commit of a primary answer to an applying question: move the tally."""
        if self._tally is not None:
            self._tally.move(self.bank, case_ref, question, old, new)

    def cases_by_theme_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, dict[int, int]]:
        q = _filter_sql(filter, field, answers=True)
        result: dict[Any, dict[int, int]] = {}
        for key, theme, n in self._conn.execute(
            f"""
            SELECT {q.group}, kq.theme, COUNT(DISTINCT a.case_ref) FROM answers a
            JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
            {q.join_cases}
            JOIN questions kq ON kq.question_id = a.question_id AND kq.key = 1
            JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value
                AND sv.counts_as IN ('yes', 'no')
            WHERE ap.applies = 1 {q.where}
            GROUP BY {q.group_by} kq.theme
            """,
            q.params,
        ):
            result.setdefault(_group(field, key), {})[theme] = n
        return result

    def case_count(self, filter: CountFilter = CountFilter()) -> int:
        """The number of cases the filter selects."""
        return sum(self.case_count_by(None, filter).values())

    def case_count_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, int]:
        q = _filter_sql(filter, field, answers=False)
        return {
            _group(field, key): n
            for key, n in self._conn.execute(
                f"SELECT {q.group}, COUNT(*) FROM cases c WHERE 1 = 1 {q.where} "
                f"GROUP BY {q.group_by} 1",
                q.params,
            )
        }

    # -- for other db modules (moderation) ----------------------------------------------------

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, for db modules that read tables the store has no call for."""
        return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction for a db module writing several tables at once (moderation)."""
        with self._write() as conn:
            yield conn

    # -- helpers -----------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cursor = self._conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _question(self, question_id: str) -> Question:
        question = self.bank.question_by_id.get(question_id)
        if question is None:
            raise StoreError(
                f"{question_id} is not a question of bank {self.bank.id} v{self.bank.version}"
            )
        return question

    def _case_inspector(self, case_ref: str) -> str:
        row = self._conn.execute(
            "SELECT inspector FROM cases WHERE case_ref = ?", (case_ref,)
        ).fetchone()
        return str(row[0]) if row else ""

    def _unknown_case(self, case_ref: str) -> StoreError:
        return StoreError(
            f"there is no case {case_ref} in this inspection; `audit-tui cases list` shows them"
        )


@contextmanager
def _transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; any SQLite failure becomes a StoreError saying nothing saved."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _write_failed(path, exc) from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise _write_failed(path, exc) from None
        raise


def _write_failed(path: Path, exc: sqlite3.Error) -> StoreError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(
            f"{path} is busy in another audit-tui; close it there and try again (nothing was saved)"
        )
    return StoreError(f"{path} could not be written (SQLite says: {exc}); nothing was saved")


def _write_bank(conn: sqlite3.Connection, bank: Bank, now: str) -> None:
    conn.execute(
        "INSERT INTO bank (content_hash, bank_id, version, canonical_json, stored_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (bank.content_hash, bank.id, bank.version, bank.canonical_json(), now),
    )
    conn.executemany(
        "INSERT INTO questions (question_id, position, theme, section, key, scale, chart_label, "
        "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (q.id, i, q.theme, q.section, int(q.key), q.scale, q.chart_label, q.text)
            for i, q in enumerate(bank.questions, start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO scale_values (scale, value, label, counts_as) VALUES (?, ?, ?, ?)",
        [
            (name, o.value, o.label, o.counts_as)
            for name, scale in bank.scales.items()
            for o in scale.options
        ],
    )


@dataclass(frozen=True)
class _CountSql:
    """The pieces a count query is built from."""

    group: str  # the group column selected first (NULL for one group)
    group_by: str  # "c.field, " or nothing
    join_cases: str  # the join to cases, only when a case field filters or groups
    where: str
    params: list[Any]


def _filter_sql(filter: CountFilter, field: str | None, *, answers: bool) -> _CountSql:
    """Build the grouping, joins, WHERE clauses and parameters of a count query."""
    if field is not None and field not in SUBGROUP_FIELDS:
        raise StoreError(
            f"scores cannot be broken down by {field!r}; use one of {', '.join(SUBGROUP_FIELDS)}"
        )
    group = f"c.{field}" if field else "NULL"
    clauses: list[str] = []
    params: list[Any] = []
    if answers and filter.role is not None:
        clauses.append("a.role = ?")
        params.append(_role(filter.role))
    for name in CASE_FILTER_FIELDS:
        value = getattr(filter, name)
        if value is None:
            continue
        if name == "inspector":
            value = str(value).strip().upper()
        clauses.append(f"c.{name} = ?")
        params.append(
            int(value) if isinstance(value, bool) else str(getattr(value, "value", value))
        )
    where = "".join(f" AND {c}" for c in clauses)
    needs_cases = field is not None or any(c.startswith("c.") for c in clauses)
    return _CountSql(
        group=group,
        group_by=f"{group}, " if field else "",
        join_cases="JOIN cases c ON c.case_ref = a.case_ref" if needs_cases else "",
        where=where,
        params=params,
    )


def _group(field: str | None, key: Any) -> Any:
    if field in BOOL_FIELDS and key is not None:
        return bool(key)
    return key


def _role(role: str) -> str:
    if role not in ROLES:
        raise StoreError(f"{role!r} is not a role; use primary or second_read")
    return role


def _is_initials(text: str) -> bool:
    return 1 <= len(text) <= 6 and text.isascii() and text.isalpha() and text.isupper()


def _initials(text: str | None) -> str:
    initials = (text or "").strip().upper()
    if not _is_initials(initials):
        raise StoreError(f"{text!r} is not an inspector's initials; use letters only, e.g. JS")
    return initials


def _iso_date(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise StoreError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
