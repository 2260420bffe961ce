"""Answers in the store: recording one, many from a CSV, notes, clearing, reading them back.

Every answer is written by db.file.answer_rules.write_answer, which refuses it or writes it with
its history row; a note or a clear is a history row of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from db.errors import AnswerRefused, InvalidRows, RowProblem, StoreError
from db.file import applicability, history_chain
from db.file.answer_rules import (
    checked_role,
    clean,
    initials,
    question_of,
    refuse_locked,
    refuse_missing_note,
    write_answer,
)
from db.file.case_status import set_status, status_of
from db.file.records import Answer, CaseStatus
from db.file.store_base import StoreBase

_ANSWER_COLUMNS = "case_ref, question_id, value, note, inspector, role, bank_version, answered_at"


class AnswerRecords(StoreBase):
    """Recording, changing, clearing and reading answers."""

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
        note_to_follow: bool = False,
    ) -> Answer:
        """Record an answer in one transaction with its history row and the case status.

        `note=None` keeps the note already recorded; a string replaces it ('' clears it).
        `note_to_follow`: a value that needs a note may come without it (answer_rules).
        Returns only after COMMIT: when it returns, the answer is on disk.
        """
        with self._write(keeps_counts=True) as conn:
            written = write_answer(
                conn,
                self.bank,
                case_ref=case_ref,
                question_id=question_id,
                value=value,
                inspector=inspector,
                at=self._now(),
                role=role,
                note=note,
                reason=reason,
                note_to_follow=note_to_follow,
            )
        if written.reclassified:
            self._tally = None  # the classification moved other questions in or out: recount
            return replace(written.answer, reclassified=written.reclassified)
        if written.changed and role == "primary":
            before = written.before.value if written.before else None
            self._tally_moved(case_ref, written.question, before, value)
        return written.answer

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
        new_note = clean(note)
        if new_note == current.note:
            return current
        refuse_missing_note(question_of(self.bank, question_id), current.value, new_note)
        reason = clean(reason)
        inspector = initials(inspector)
        now = self._now()
        with self._write(keeps_counts=True) as conn:
            refuse_locked(case_ref, status_of(conn, case_ref), reason)
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
        role = checked_role(role)
        current = self.answer(case_ref, question_id, role)
        if current is None:
            status_of(self._conn, case_ref)
            question_of(self.bank, question_id)
            return None
        reason = clean(reason)
        inspector = initials(inspector)
        now = self._now()
        with self._write(keeps_counts=True) as conn:
            status = status_of(conn, case_ref)
            refuse_locked(case_ref, status, reason)
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
            if status is CaseStatus.COMPLETE and role == "primary":
                set_status(conn, case_ref, status, CaseStatus.IN_PROGRESS, inspector, now, None)
            question = question_of(self.bank, question_id)
            flipped = (
                applicability.refresh(conn, self.bank, case_ref)
                if role == "primary" and question.classifies
                else []
            )
        if flipped:
            self._tally = None
            return replace(current, reclassified=tuple(flipped))
        if role == "primary" and applies and applies[0]:
            self._tally_moved(case_ref, question, current.value, None)
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
            params.append(checked_role(role))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        columns = ", ".join(f"a.{c.strip()}" for c in _ANSWER_COLUMNS.split(","))
        rows = self._conn.execute(
            f"SELECT {columns} FROM answers a JOIN cases c ON c.case_ref = a.case_ref "
            f"JOIN questions q ON q.question_id = a.question_id {where} "
            "ORDER BY c.position, q.position, a.role",
            params,
        ).fetchall()
        return [Answer(*row) for row in rows]

    def import_answers(
        self,
        rows: Sequence[dict[str, Any]],
        source: str = "the file",
        *,
        reason: str | None = "imported",
    ) -> dict[str, int]:
        """Record many answers in one transaction, all or none (CSV import and the demo).

        Each row has case_ref, question_id, answer, and optionally note, inspector (the case's
        when empty), role and `line` (for problems). Every bad row is reported, with the first
        rule it breaks, in one InvalidRows, and nothing is written. An answer equal to the one
        recorded is left alone. `reason` is what the history records of each change: no person
        gives one, so a locked case is refused. Returns counts: added, changed, unchanged.
        """
        assigned = dict(self._conn.execute("SELECT case_ref, inspector FROM cases").fetchall())
        problems: list[RowProblem] = []
        seen: dict[tuple[str, str, str], int] = {}
        counts = {"added": 0, "changed": 0, "unchanged": 0}
        now = self._now()
        with self._write() as conn:
            for index, raw in enumerate(rows, start=2):
                line = int(raw.get("line") or index)
                case_ref = (raw.get("case_ref") or "").strip()
                qid = (raw.get("question_id") or "").strip()
                value = (raw.get("answer") or "").strip().lower()
                role = (raw.get("role") or "").strip().lower() or "primary"
                inspector = (raw.get("inspector") or "").strip() or assigned.get(case_ref, "")
                empty = [
                    name
                    for name, cell in (("case_ref", case_ref), ("question_id", qid))
                    if not cell
                ]
                if empty:
                    problems.extend(RowProblem(line, name, "is empty") for name in empty)
                    continue
                key = (case_ref, qid, role)
                if key in seen:
                    already = f"{qid} of case {case_ref} is already on line {seen[key]}"
                    problems.append(RowProblem(line, "question_id", already))
                    continue
                try:
                    written = write_answer(
                        conn,
                        self.bank,
                        case_ref=case_ref,
                        question_id=qid,
                        value=value,
                        inspector=inspector,
                        at=now,
                        role=role,
                        note=raw.get("note") or "",
                        history_reason=reason,
                    )
                except AnswerRefused as refused:
                    problems.append(RowProblem(line, refused.column, refused.sentence))
                    continue
                seen[key] = line
                if not written.changed:
                    counts["unchanged"] += 1
                else:
                    counts["changed" if written.before else "added"] += 1
            if problems:
                raise InvalidRows(source, problems)
        return counts
