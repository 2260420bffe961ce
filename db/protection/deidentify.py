"""A de-identified copy of an inspection, for analysts outside the secure setting.

The copy is a small SQLite file with only what the figures need: no notes, no reasons, no UI
state, no ethnicity (only `bame`), no age or case flags such as `looked_after` (applicability is
carried per case and question instead, so every figure can still be computed), every date cut to
the month (the cases', the history's, the export's own), and each case
reference replaced by a stable code: "K" and the first 8 hex characters of HMAC-SHA256 of the
case reference keyed by the inspection id. The inspection id is not in the copy, so the codes
cannot be turned back into references from it; the same case gets the same code in every export
of the same inspection, so two exports can be joined.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db.errors import StoreError
from db.file.connection import connect
from db.file.store import InspectionStore

FORMAT = "audit-tui de-identified inspection 2"

SCHEMA = """
CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE questions (
    question_id TEXT PRIMARY KEY, position INTEGER NOT NULL, theme INTEGER NOT NULL,
    section TEXT NOT NULL, key INTEGER NOT NULL, scale TEXT NOT NULL, chart_label TEXT NOT NULL
);
CREATE TABLE scale_values (
    scale TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, counts_as TEXT NOT NULL,
    PRIMARY KEY (scale, value)
);
CREATE TABLE cases (
    case_code TEXT PRIMARY KEY, inspector TEXT NOT NULL, gender TEXT NOT NULL, bame INTEGER,
    disposal TEXT NOT NULL, custody INTEGER NOT NULL, status TEXT NOT NULL, rosh TEXT NOT NULL,
    vulnerability TEXT NOT NULL, start_month TEXT NOT NULL, end_month TEXT, progress TEXT NOT NULL
);
CREATE TABLE applicability (
    case_code TEXT NOT NULL, question_id TEXT NOT NULL, applies INTEGER NOT NULL,
    PRIMARY KEY (case_code, question_id)
);
CREATE TABLE answers (
    case_code TEXT NOT NULL, question_id TEXT NOT NULL, role TEXT NOT NULL, value TEXT NOT NULL,
    inspector TEXT NOT NULL, PRIMARY KEY (case_code, question_id, role)
);
CREATE TABLE history (
    seq INTEGER PRIMARY KEY, case_code TEXT NOT NULL, question_id TEXT, role TEXT,
    event TEXT NOT NULL, old_value TEXT, new_value TEXT, inspector TEXT NOT NULL,
    month TEXT NOT NULL
);
CREATE VIEW question_counts AS
SELECT q.question_id, q.theme, q.key, q.chart_label, a.value, sv.counts_as, COUNT(*) AS answers
FROM answers a
JOIN applicability ap ON ap.case_code = a.case_code AND ap.question_id = a.question_id
    AND ap.applies = 1
JOIN questions q ON q.question_id = a.question_id
LEFT JOIN scale_values sv ON sv.scale = q.scale AND sv.value = a.value
WHERE a.role = 'primary'
GROUP BY q.question_id, a.value
ORDER BY q.position, a.value;
"""


@dataclass(frozen=True)
class Deidentified:
    """What went into a de-identified copy."""

    path: Path
    cases: int
    answers: int
    history_rows: int


def case_code(case_ref: str, inspection_id: str) -> str:
    """The stable code of a case: K + 8 hex of HMAC-SHA256(case_ref) keyed by the inspection id."""
    mac = hmac.new(inspection_id.encode(), case_ref.encode(), hashlib.sha256).hexdigest()
    return "K" + mac[:8]


def _month(day: object) -> str | None:
    return str(day)[:7] if day else None


def deidentified_copy(
    store: InspectionStore,
    target: Path,
    *,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> Deidentified:
    """Write the de-identified copy of an open inspection to a new file (0600; refused if it
    exists), encrypted when `passphrase` is given."""
    inspection = store.inspection
    codes = {c.case_ref: case_code(c.case_ref, inspection.id) for c in store.cases()}
    if len(set(codes.values())) != len(codes):
        raise StoreError(
            "two cases of this inspection get the same de-identified code; "
            "report this to the audit-tui maintainers"
        )
    conn = connect(target, create=True, passphrase=passphrase)
    try:
        _write(conn, store, codes, now or datetime.now(UTC))
        summary = Deidentified(
            target,
            *(
                conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("cases", "answers", "history")
            ),
        )
    except BaseException:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        raise
    conn.close()
    return summary


def _write(
    conn: sqlite3.Connection, store: InspectionStore, codes: dict[str, str], now: datetime
) -> None:
    bank = store.bank
    progress = store.case_progress()
    conn.executescript(SCHEMA)
    conn.execute("BEGIN")
    about = {
        "format": FORMAT,
        "area": store.inspection.area,
        "bank_id": bank.id,
        "bank_version": bank.version,
        "bank_hash": store.inspection.bank_hash,
        "exported_in": _month(now.date().isoformat()),
        "case_code": "K + first 8 hex of HMAC-SHA256(case_ref, key = inspection id)",
    }
    conn.executemany("INSERT INTO about VALUES (?, ?)", about.items())
    conn.executemany(
        "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (q.id, i, q.theme, q.section, int(q.key), q.scale, q.chart_label)
            for i, q in enumerate(bank.questions, start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO scale_values VALUES (?, ?, ?, ?)",
        [(n, o.value, o.label, o.counts_as) for n, s in bank.scales.items() for o in s.options],
    )
    for case in store.cases():
        code = codes[case.case_ref]
        row = case.model_dump(mode="json")
        bame = case.bame
        conn.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                row["inspector"],
                row["gender"],
                None if bame is None else int(bame),
                row["disposal"],
                int(case.custody),
                row["status"],
                row["rosh"],
                row["vulnerability"],
                _month(row["start_date"]),
                _month(row.get("end_date")),
                progress[case.case_ref].status,
            ),
        )
        conn.executemany(
            "INSERT INTO applicability VALUES (?, ?, ?)",
            [
                (code, qid, int(applies))
                for qid, applies in store.applicability(case.case_ref).items()
            ],
        )
    conn.executemany(
        "INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
        [(codes[a.case_ref], a.question_id, a.role, a.value, a.inspector) for a in store.answers()],
    )
    conn.executemany(
        "INSERT INTO history (case_code, question_id, role, event, old_value, new_value, "
        "inspector, month) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                codes[h.case_ref],
                h.question_id,
                h.role,
                h.event,
                h.old_value,
                h.new_value,
                h.inspector,
                _month(h.at),
            )
            for h in store.history()
            if h.event in ("answer", "clear", "status")  # notes and case-field changes stay home
        ],
    )
    conn.execute("COMMIT")
