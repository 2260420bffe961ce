"""The case sample of an inspection: adding cases, reading them, editing them, applicability.

Which questions apply to a case is stored per case and question (table `applicability`) when
the case is added or edited, so SQL can join on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from db.errors import StoreError, UnknownCase
from db.file import applicability, history_chain
from db.file.answer_rules import applies_when, initials, question_of
from db.file.case_status import missing, set_status, status_of
from db.file.cases import case_from_row, case_row, validation_sentence
from db.file.records import CaseStatus
from db.file.store_base import StoreBase
from question_bank.case import CaseRecord


class CaseSample(StoreBase):
    """The cases of the inspection and which questions apply to each."""

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
                    "INSERT INTO case_status (case_ref, status, changed_at) VALUES (?, ?, ?)",
                    (record.case_ref, CaseStatus.NOT_STARTED.value, now),
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
            raise UnknownCase(case_ref)
        return case_from_row(rows[0])

    def inspectors(self) -> list[str]:
        """The initials of every inspector of the inspection, lead first."""
        return [
            found
            for (found,) in self._conn.execute(
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
        old_row, new_row = case_row(old), case_row(new)
        changed = {k: v for k, v in new_row.items() if old_row[k] != v}
        if not changed:
            return []
        now = self._now()
        who = initials(changed_by) if changed_by else (self.inspection.lead or new.inspector)
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                (new.inspector, now),
            )
            sets = ", ".join(f"{name} = ?" for name in changed)
            conn.execute(
                f"UPDATE cases SET {sets} WHERE case_ref = ?", (*changed.values(), case_ref)
            )
            # the inspector's classifications, where recorded, still stand over the service's
            flipped = applicability.refresh(conn, self.bank, case_ref)
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
            status = status_of(conn, case_ref)
            if status is CaseStatus.COMPLETE and missing(conn, self.bank, case_ref):
                set_status(conn, case_ref, status, CaseStatus.IN_PROGRESS, who, now, None)
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
        return applies_when(question_of(self.bank, question_id))
