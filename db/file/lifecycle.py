"""A case's assessment from not started to locked: progress, completing, reopening, locking.

Every status change goes in the history (db.file.case_status.set_status).
"""

from __future__ import annotations

from dataclasses import dataclass

from db.errors import IncompleteCase, StoreError, UnknownCase
from db.file.answer_rules import clean, initials, note_needed
from db.file.case_list import PROGRESS_SQL
from db.file.case_status import missing, set_status, status_of
from db.file.records import CaseProgress, CaseStatus, Missing
from db.file.store_base import StoreBase


@dataclass(frozen=True)
class NoteNeeded(Missing):
    """An answer saved without the note the bank wants for its value: said in the sentence
    every path says it in."""

    value: str = ""

    def __str__(self) -> str:
        return note_needed(self.question_id, self.value)


class CaseLifecycle(StoreBase):
    """Where each case stands, and the moves between its statuses."""

    def case_progress(self, case_ref: str | None = None) -> dict[str, CaseProgress]:
        """Status and answered/applicable counts of every case (or one), in one query."""
        where = "WHERE c.case_ref = ?" if case_ref is not None else ""
        rows = self._conn.execute(
            PROGRESS_SQL.format(where=where), (case_ref,) if case_ref is not None else ()
        ).fetchall()
        if case_ref is not None and not rows:
            raise UnknownCase(case_ref)
        return {
            ref: CaseProgress(ref, CaseStatus(status), *counts) for ref, status, *counts in rows
        }

    def open_case_count(self) -> int:
        """How many cases are not complete (nor locked): while any is, no figure is final."""
        (count,) = self._conn.execute(
            "SELECT COUNT(*) FROM case_status WHERE status NOT IN (?, ?)",
            (CaseStatus.COMPLETE, CaseStatus.LOCKED),
        ).fetchone()
        return int(count)

    def case_status(self, case_ref: str) -> CaseStatus:
        """The case's status alone (UnknownCase when there is no such case)."""
        return status_of(self._conn, case_ref)

    def missing_for_completion(self, case_ref: str) -> list[Missing]:
        """What stops the case being complete: unanswered applicable questions, and answers
        saved without the note the bank wants ("note needed"), said as the answer gate says it
        (answer_rules.note_needed)."""
        status_of(self._conn, case_ref)
        return [self._said(case_ref, m) for m in missing(self._conn, self.bank, case_ref)]

    def _said(self, case_ref: str, found: Missing) -> Missing:
        if found.what != "note_required":
            return found
        row = self._conn.execute(
            "SELECT value FROM answers WHERE case_ref = ? AND question_id = ? AND role = 'primary'",
            (case_ref, found.question_id),
        ).fetchone()
        return NoteNeeded(found.question_id, found.what, row[0] if row else "given")

    def complete_case(self, case_ref: str, *, inspector: str) -> CaseStatus:
        """Mark a case complete; refused with the list of what is missing."""
        inspector = initials(inspector)
        status = status_of(self._conn, case_ref)
        if status is CaseStatus.COMPLETE:
            return status
        if status is CaseStatus.LOCKED:
            raise StoreError(f"case {case_ref} is locked; it is already complete")
        found = self.missing_for_completion(case_ref)
        if found:
            raise IncompleteCase(case_ref, found)
        with self._write(keeps_counts=True) as conn:
            set_status(conn, case_ref, status, CaseStatus.COMPLETE, inspector, self._now(), None)
        return CaseStatus.COMPLETE

    def reopen_case(self, case_ref: str, *, inspector: str, reason: str) -> CaseStatus:
        """Return a complete or locked case to in progress; the reason goes in the history."""
        inspector = initials(inspector)
        reason_text = clean(reason)
        if not reason_text:
            raise StoreError(f"give a reason to reopen case {case_ref}")
        status = status_of(self._conn, case_ref)
        if not status.closed:
            return status
        with self._write(keeps_counts=True) as conn:
            set_status(
                conn, case_ref, status, CaseStatus.IN_PROGRESS, inspector, self._now(), reason_text
            )
        return CaseStatus.IN_PROGRESS

    def lock_case(self, case_ref: str, *, inspector: str) -> CaseStatus:
        """Lock a complete case after moderation; later changes to it need a reason."""
        inspector = initials(inspector)
        status = status_of(self._conn, case_ref)
        if status is CaseStatus.LOCKED:
            return status
        if status is not CaseStatus.COMPLETE:
            raise StoreError(f"case {case_ref} is not complete; complete it before locking it")
        with self._write(keeps_counts=True) as conn:
            set_status(conn, case_ref, status, CaseStatus.LOCKED, inspector, self._now(), None)
        return CaseStatus.LOCKED
