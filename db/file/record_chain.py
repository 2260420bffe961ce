"""The lead's records in the chain: judgements and band sets chained, rulings checked.

One rule holds for every record that changes a figure: it is a row of a hash chain, or a state
that `audit-tui verify` checks against one. The answer history is the main chain
(db.file.history_chain): answers, notes, case statuses and their reasons, case detail edits and
the answers a ruling sets are rows of it, and the stored answers are checked against it. The
judgements (db.file.judgements) and band sets (db.file.bands) are not about a case, so each is
a chain of its own, made the same way (migration m006): a row's hash is sha256 over the row
before's hash and the row's fields, the first row chaining to a value derived from the table's
name and the inspection id. A chain alone cannot tell that its last rows were deleted (what is
left is still a valid chain, and a theme would silently show its previous judgement), so each
chain's last row, its id and hash, is also kept in `record_heads` (migration m007): a trigger on
each chained table writes it in the same transaction as every row appended, whichever writer
appends (the store, collation), and the walk checks that the chain ends there. A ruling
(db.collation.moderation) is kept in `moderations` beside the history row of the answer it set:
each must be what the latest ruling row of its history says. A row added, edited or deleted by
hand (with sqlite3), the last one included, is named by `verify` and refused by collation; as
for the history, whoever rewrites a whole chain, or makes two coordinated edits (deletes the
last row and rewrites `record_heads` to match), is not caught by the file alone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from db.file.history_chain import row_hash

# Each chained table's fields, in the order its hashes cover them (after the row id).
CHAINS: dict[str, tuple[str, ...]] = {
    "judgements": ("theme", "judgement", "rationale", "recorded_by", "recorded_at"),
    "band_sets": ("bands_json", "source", "set_by", "set_at", "reason"),
}
# What names a row of each in a sentence (never a rationale or a reason): its id and these.
_WHAT = {"judgements": "a judgement of theme {0} recorded {4}", "band_sets": "a band set of {3}"}
RULING_PREFIX = "moderation: "  # the reason a ruling's history row carries before the lead's


def genesis(table: str, inspection_id: str) -> str:
    """What the first row of a chained table chains to."""
    return hashlib.sha256(f"audit-tui {table} {inspection_id}".encode()).hexdigest()


def _inspection_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT id FROM inspection").fetchone()
    return str(row[0]) if row else ""


def append(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    """Inside a write transaction: append a row (its CHAINS fields) to a chained table."""
    fields = CHAINS[table]
    last = conn.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
    previous = str(last[0] or "") if last else genesis(table, _inspection_id(conn))
    values = tuple(row[name] for name in fields)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(fields)}, hash) "
        f"VALUES ({', '.join('?' for _ in fields)}, ?)",
        (*values, row_hash(previous, values)),
    )


def rehash_all(conn: sqlite3.Connection, table: str) -> None:
    """Give every row of a table its hash, in id order (migration m006, the one rewrite made)."""
    previous = genesis(table, _inspection_id(conn))
    for row_id, *values in conn.execute(
        f"SELECT id, {', '.join(CHAINS[table])} FROM {table} ORDER BY id"
    ).fetchall():
        previous = row_hash(previous, values)
        conn.execute(f"UPDATE {table} SET hash = ? WHERE id = ?", (previous, row_id))


@dataclass(frozen=True)
class RecordProblem:
    """The first record that does not fit: its table, its row id (if it has one), a sentence."""

    table: str
    row_id: int | None
    problem: str


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def verify_records(
    conn: sqlite3.Connection, case_edits: Sequence[tuple[str, Any]] | None = None
) -> RecordProblem | None:
    """Walk the judgements' and band sets' chains and check every ruling against the history.

    A file made before the chains (schema 5 and older, not yet migrated) has nothing to walk.
    """
    return chain_problem(conn) or _ruling_problem(conn) or _case_problem(conn, case_edits)


def chain_problem(conn: sqlite3.Connection) -> RecordProblem | None:
    """The first judgement or band set that does not fit its chain (cheap: a few rows each, so
    the gate every open passes walks them too)."""
    inspection_id = _inspection_id(conn)
    for table, fields in CHAINS.items():
        if "hash" not in _columns(conn, table):
            continue
        previous, expected_id = genesis(table, inspection_id), 1
        for row_id, *values, stored in conn.execute(
            f"SELECT id, {', '.join(fields)}, hash FROM {table} ORDER BY id"
        ):
            what = f"{table} row {row_id} ({_WHAT[table].format(*values)})"
            if row_id != expected_id:
                gone = f"row {expected_id}" if row_id == expected_id + 1 else "rows"
                return RecordProblem(
                    table, row_id, f"{table} {gone} before {what} was deleted outside audit-tui"
                )
            previous = row_hash(previous, values)
            if stored != previous:
                return RecordProblem(
                    table,
                    row_id,
                    f"{what} does not fit its chain: it was inserted or edited outside audit-tui",
                )
            expected_id += 1
        last = (expected_id - 1, previous if expected_id > 1 else None)
        problem = _head_problem(conn, table, *last)
        if problem is not None:
            return problem
    return None


def _head_problem(
    conn: sqlite3.Connection, table: str, last_id: int, last_hash: str | None
) -> RecordProblem | None:
    """Whether a chain (intact up to `last_id`) ends where `record_heads` says (from m007)."""
    if "last_id" not in _columns(conn, "record_heads"):
        return None
    recorded = conn.execute(
        "SELECT last_id, head FROM record_heads WHERE chain = ?", (table,)
    ).fetchone()
    if recorded is None:
        return RecordProblem(
            "record_heads",
            None,
            f"record_heads has no row for {table}, so its last row cannot be checked: it was "
            "deleted outside audit-tui",
        )
    if tuple(recorded) == (last_id, last_hash):
        return None
    recorded_id = recorded[0]
    if isinstance(recorded_id, int) and recorded_id > last_id:
        gone = recorded_id - last_id
        rows = (
            f"the last row of {table} (row {recorded_id}) is missing: it was"
            if gone == 1
            else f"the last {gone} rows of {table} (rows {last_id + 1} to {recorded_id}) are "
            "missing: they were"
        )
        return RecordProblem(table, recorded_id, f"{rows} deleted outside audit-tui")
    return RecordProblem(
        table,
        last_id or None,
        f"{table} does not end at the row audit-tui last appended (record_heads says row "
        f"{recorded_id}): it was changed outside audit-tui",
    )


def _ruling_problem(conn: sqlite3.Connection) -> RecordProblem | None:
    """The first ruling that is not what the latest ruling row of its answer's history says."""
    if "reason" not in _columns(conn, "moderations"):
        return None
    rows = conn.execute(
        "SELECT case_ref, question_id, role, before_value, before_note, value, note, reason, "
        "moderator, at FROM moderations ORDER BY case_ref, question_id, role"
    ).fetchall()
    for case_ref, question_id, role, *before, value, note, reason, moderator, at in rows:
        rulings = conn.execute(
            "SELECT old_value, old_note, new_value, new_note, inspector, at, reason "
            "FROM answer_history WHERE case_ref = ? AND question_id = ? AND role = ? "
            "AND event IN ('answer', 'note') AND substr(reason, 1, ?) = ? ORDER BY id",
            (case_ref, question_id, role, len(RULING_PREFIX), RULING_PREFIX),
        ).fetchall()
        told = (value, note, moderator, at, f"{RULING_PREFIX}{reason}")
        if (
            not rulings
            or tuple(rulings[-1][2:]) != told
            or tuple(before) not in {tuple(r[:2]) for r in rulings}
        ):
            return RecordProblem(
                "moderations",
                None,
                f"the ruling on the {role} answer to {question_id} of case {case_ref} "
                "(moderations) is not what its history records: it was inserted or changed "
                "outside audit-tui",
            )
    return None


def _case_problem(
    conn: sqlite3.Connection, case_edits: Sequence[tuple[str, Any]] | None
) -> RecordProblem | None:
    """The first case whose details are not what its history's detail edits left them.

    `case_edits`: (case, new details) of the history's case events in order, else read here."""
    if case_edits is None:
        case_edits = conn.execute(
            "SELECT case_ref, new_value FROM answer_history WHERE event = 'case' ORDER BY id"
        ).fetchall()
    told: dict[str, dict[str, Any]] = {}
    for case_ref, new_value in case_edits:
        try:
            changed = json.loads(new_value)
        except (TypeError, ValueError):
            changed = None
        if not isinstance(changed, dict):
            return _case_changed(case_ref)
        told.setdefault(case_ref, {}).update(changed)
    columns = _columns(conn, "cases")
    for case_ref in sorted(told):
        fields = sorted(set(told[case_ref]) & columns)
        if not fields:
            continue
        stored = conn.execute(
            f"SELECT {', '.join(fields)} FROM cases WHERE case_ref = ?", (case_ref,)
        ).fetchone()
        if stored is None or list(stored) != [told[case_ref][name] for name in fields]:
            return _case_changed(case_ref)
    return None


def _case_changed(case_ref: str) -> RecordProblem:
    return RecordProblem(
        "cases",
        None,
        f"the details of case {case_ref} (cases) are not what its history's edits record: they "
        "were changed outside audit-tui",
    )


def chain_rows(conn: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append rows to an empty chained table in the order given (a file being built)."""
    for row in rows:
        append(conn, table, row)
