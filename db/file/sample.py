"""The case sample of an inspection: adding cases, reading them, editing them, applicability.

Which questions apply to a case is stored per case and question (table `applicability`) when
the case is added or edited, so SQL can join on it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
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
        """Add cases to the sample, all or none; a case reference already used is refused.

        Linear in the cases: the questions that apply are worked out once per distinct set of
        the fields conditions read (a sample has few), and SQLite writes a case's row of
        `applicability` per question from that set, in the key's order, in the one transaction.
        """
        seen = Counter(r.case_ref for r in records)
        taken = {ref for (ref,) in self._conn.execute("SELECT case_ref FROM cases")}
        clash = sorted(ref for ref, n in seen.items() if n > 1 or ref in taken)
        if clash:
            raise StoreError(
                f"case reference {', '.join(clash)} is already used in this inspection; "
                "each case needs its own reference"
            )
        if not records:
            return
        now = self._now()
        signatures: dict[tuple[tuple[str, Any], ...], int] = {}
        applies: list[tuple[int, str, int]] = []
        of_case: list[tuple[str, int]] = []
        for record in records:
            values = record.condition_values()
            key = tuple(values.items())
            signature = signatures.get(key)
            if signature is None:
                signature = signatures[key] = len(signatures)
                applies += [(signature, q.id, int(q.applies(values))) for q in self.bank.questions]
            of_case.append((record.case_ref, signature))
        rows = [
            case_row(record) | {"added_at": now, "offset": offset}
            for offset, record in enumerate(records, start=1)
        ]
        names = [name for name in rows[0] if name != "offset"]
        with self._write() as conn:
            (position,) = conn.execute("SELECT COALESCE(MAX(position), 0) FROM cases").fetchone()
            conn.executemany(
                "INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)",
                [(who, now) for who in dict.fromkeys(r.inspector for r in records)],
            )
            conn.executemany(
                f"INSERT INTO cases ({', '.join(names)}, position) "
                f"VALUES ({', '.join('?' for _ in names)}, ?)",
                [(*(row[n] for n in names), position + row["offset"]) for row in rows],
            )
            _write_applicability(conn, applies, of_case)
            conn.executemany(
                "INSERT INTO case_status (case_ref, status, changed_at) VALUES (?, ?, ?)",
                [(r.case_ref, CaseStatus.NOT_STARTED.value, now) for r in records],
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


def _write_applicability(
    conn: sqlite3.Connection, applies: list[tuple[int, str, int]], of_case: list[tuple[str, int]]
) -> None:
    """Each case's applicability from its signature's, joined in SQL in the table key's order.

    The scratch tables are TEMP ones: in memory for an encrypted file (SQLCipher keeps temp
    storage in memory), never in the inspection file.
    """
    conn.execute(
        "CREATE TEMP TABLE new_applies (signature INTEGER, question_id TEXT, applies INTEGER, "
        "PRIMARY KEY (signature, question_id)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TEMP TABLE new_signatures (case_ref TEXT PRIMARY KEY, signature INTEGER) "
        "WITHOUT ROWID"
    )
    try:
        conn.executemany("INSERT INTO temp.new_applies VALUES (?, ?, ?)", applies)
        conn.executemany("INSERT INTO temp.new_signatures VALUES (?, ?)", of_case)
        conn.execute(
            "INSERT INTO main.applicability (case_ref, question_id, applies) "
            "SELECT s.case_ref, a.question_id, a.applies FROM temp.new_signatures s "
            "CROSS JOIN temp.new_applies a ON a.signature = s.signature"
        )
    finally:
        conn.execute("DROP TABLE temp.new_applies")
        conn.execute("DROP TABLE temp.new_signatures")
