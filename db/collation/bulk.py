"""Writing the new file in bulk: batched rows, the history's hash chain, applicability, and
the schema's indexes, triggers and checks set aside while checked rows go in, then checked.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from db.collation.tables import BATCH, HISTORY_FIELDS, Row
from db.errors import StoreError
from db.file import history_chain
from db.file.cases import case_row
from db.file.connection import connect
from db.file.distinct import distinct_cte
from question_bank.case import CaseRecord
from question_bank.model import Bank


class HistoryWriter:
    """Appends history rows with consecutive ids and the hash chain, in batches."""

    def __init__(self, conn: sqlite3.Connection, inspection_id: str) -> None:
        self.conn = conn
        self.previous = history_chain.genesis(inspection_id)
        self.next_id = 1
        self.batch: list[Row] = []
        self.sql = (
            f"INSERT INTO answer_history (id, {', '.join(HISTORY_FIELDS)}, hash) "
            f"VALUES ({', '.join('?' for _ in range(len(HISTORY_FIELDS) + 2))})"
        )

    def extend(self, rows: Iterable[Row]) -> None:
        previous, next_id, batch = self.previous, self.next_id, self.batch
        sha256, encode = hashlib.sha256, history_chain.canonical
        for row in rows:
            previous = sha256(f"{previous}\n{encode(row)}".encode()).hexdigest()
            batch.append((next_id, *row, previous))
            next_id += 1
            if len(batch) >= BATCH:
                self.conn.executemany(self.sql, batch)
                batch.clear()
        self.previous, self.next_id = previous, next_id

    def flush(self) -> None:
        if self.batch:
            self.conn.executemany(self.sql, self.batch)
            self.batch.clear()


class RowWriter:
    """Batched INSERTs of one table's rows."""

    def __init__(self, conn: sqlite3.Connection, table: str, fields: Sequence[str]) -> None:
        self.conn = conn
        self.sql = (
            f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join('?' for _ in fields)})"
        )
        self.batch: list[Row] = []
        self.rows = 0

    def extend(self, rows: Sequence[Row]) -> None:
        self.batch.extend(rows)
        self.rows += len(rows)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.executemany(self.sql, self.batch)
            self.batch = []


def applicability_rows(conn: sqlite3.Connection, bank: Bank, records: Sequence[CaseRecord]) -> None:
    """Write `applicability` from the bank's conditions, one evaluation per distinct condition.

    Each case gets a mark per distinct condition, 1 where it holds, as one text; the rows come
    from one join of the cases to the questions, each question reading its condition's mark
    (or none: it applies to every case), so a large inspection costs a few thousand condition
    tests and one row per case and per question written apart.
    """
    conditions: dict[str, int] = {}
    question_condition: list[tuple[str, int | None]] = []
    for question in bank.questions:
        if question.applies_if is None:
            question_condition.append((question.id, None))
            continue
        text = question.applies_if.model_dump_json(by_alias=True, exclude_none=True)
        index = conditions.setdefault(text, len(conditions))
        question_condition.append((question.id, index))
    tests: list[Callable[[dict[str, Any]], bool]] = [lambda _: True] * len(conditions)
    for question in bank.questions:
        if question.applies_if is not None:
            text = question.applies_if.model_dump_json(by_alias=True, exclude_none=True)
            tests[conditions[text]] = question.applies_if.holds
    # A condition reads only the fields its leaves name: cases alike in those are tested once.
    read = sorted({name for q in bank.questions if q.applies_if for name in q.applies_if.fields()})
    alike: dict[tuple[Any, ...], str] = {}
    case_marks = []
    for record in records:
        key = tuple(getattr(record, name) for name in read)
        marks = alike.get(key)
        if marks is None:
            values = record.condition_values()
            marks = alike[key] = "".join("1" if test(values) else "0" for test in tests)
        case_marks.append((record.case_ref, marks))
    conn.execute(
        "CREATE TEMP TABLE case_marks (case_ref TEXT PRIMARY KEY, marks TEXT) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TEMP TABLE question_condition (question_id TEXT PRIMARY KEY, condition INTEGER) "
        "WITHOUT ROWID"
    )
    conn.executemany("INSERT INTO temp.case_marks VALUES (?, ?)", case_marks)
    conn.executemany("INSERT INTO temp.question_condition VALUES (?, ?)", question_condition)
    # Cases in key order, each with every question in key order: the rows come in the table's
    # own order without a sort. Each `applies` is 0 or 1 by construction: no CHECK to run again.
    with ignoring_checks(conn):
        conn.execute(
            "INSERT INTO applicability (case_ref, question_id, applies) "
            "SELECT cm.case_ref, qc.question_id, "
            "qc.condition IS NULL OR substr(cm.marks, qc.condition + 1, 1) = '1' "
            "FROM temp.case_marks cm CROSS JOIN temp.question_condition qc"
        )
    conn.execute("DROP TABLE temp.case_marks")
    conn.execute("DROP TABLE temp.question_condition")


@contextmanager
def ignoring_checks(conn: sqlite3.Connection) -> Iterator[None]:
    """CHECK constraints off while rows that cannot break one are written in bulk.

    For rows copied as they are from checked inputs: each input passed quick_check, which checks
    every CHECK constraint, under exactly this schema. Evaluating them again costs a third of a
    copy.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def case_values(record: CaseRecord, position: int, added_at: str) -> dict[str, Any]:
    return case_row(record) | {"position": position, "added_at": added_at}


def drop_for_load(conn: sqlite3.Connection, names: Sequence[str]) -> list[str]:
    """Drop indexes and triggers for a bulk load; returns their SQL, to make them again after.

    An index is made in one sort rather than a million inserts; a trigger that guards single
    writes (answer_history_needs_hash) is not run for rows the load itself hashed.
    """
    made = [
        (name, kind, sql)
        for name in names
        for kind, sql in conn.execute(
            "SELECT type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND name = ?",
            (name,),
        )
    ]
    for name, kind, _ in made:
        conn.execute(f"DROP {kind.upper()} {name}")
    return [sql for _, _, sql in made]


def remake(conn: sqlite3.Connection, made: Sequence[str]) -> None:
    """Make again what drop_for_load dropped, from its own SQL."""
    for sql in made:
        conn.execute(sql)


def open_target(path: Path, passphrase: str | None = None) -> sqlite3.Connection:
    """The new file, opened for a bulk load: no fsync per commit (it is fsynced at the end)."""
    conn = connect(path, passphrase=passphrase)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


# Rows written by collation from the cases written and the bank's questions, which cannot dangle.
_MADE_HERE = frozenset({"applicability"})


def refuse_dangling(conn: sqlite3.Connection, skip: set[str]) -> set[str]:
    """Refuse rows whose foreign key finds nothing, in any table the inputs' rows went to.

    The bulk load ran without per-row checks; this is the check. Returns the tables checked
    (all but those in `skip`, checked before or later).
    """
    checked = set()
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall():
        if table in _MADE_HERE or table in skip:
            continue
        if _dangles(conn, table):
            raise StoreError(
                f"the inputs hold rows that do not fit together (in table {table}); "
                "nothing was collated"
            )
        checked.add(table)
    return checked


def _dangles(conn: sqlite3.Connection, table: str) -> bool:
    """Whether a row of `table` has a foreign key that finds nothing (foreign_key_check's
    finding), asked of each key's distinct values: a million answers hold a few thousand
    cases, which are looked up once each rather than once per row."""
    keys: dict[int, list[tuple[str, str, str | None]]] = {}
    for key, _, parent, column, parent_column, *_ in conn.execute(
        f'PRAGMA foreign_key_list("{table}")'
    ):
        keys.setdefault(key, []).append((parent, column, parent_column))
    for parts in keys.values():
        if len(parts) != 1 or parts[0][2] is None:  # a key of several columns: SQLite's way
            return bool(conn.execute(f'PRAGMA foreign_key_check("{table}")').fetchmany(1))
        parent, column, parent_column = parts[0]
        if conn.execute(
            f"{distinct_cte(conn, table, column)} SELECT 1 FROM d WHERE v IS NOT NULL AND "
            f'NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = v) LIMIT 1'
        ).fetchone():
            return True
    return False
