"""What every part of InspectionStore shares: the connection, the clock, write transactions.

InspectionStore (db.file.store) is made of one class per concern, each a StoreBase: the case
sample (db.file.sample), answers (db.file.answer_records), the case lifecycle
(db.file.lifecycle) and the counts (db.file.counts).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.errors import StoreError
from db.file.records import Inspection
from db.file.tally import AnswerTally
from question_bank.model import Bank, Question

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreBase:
    """An open inspection file: its connection, bank and inspection, used from one thread."""

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
        self._clock = clock or utc_now
        self.inspection = self._load_inspection()
        # The inspection's counts in memory (db/file/tally.py), with the data_version they match.
        self._tally: AnswerTally | None = None
        self._tally_version = -1

    def _load_inspection(self) -> Inspection:
        row = self._conn.execute(
            "SELECT id, area, bank_id, bank_version, bank_hash, lead, fieldwork_start, "
            "fieldwork_end, created_at FROM inspection"
        ).fetchone()
        return Inspection(*row)

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
        with transaction(self._conn, self.path):
            yield self._conn

    def _tally_moved(
        self, case_ref: str, question: Question, old: str | None, new: str | None
    ) -> None:
        """After the commit of a primary answer to an applying question: move the tally."""
        if self._tally is not None:
            self._tally.move(self.bank, case_ref, question, old, new)

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cursor = self._conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; any SQLite failure becomes a StoreError saying nothing saved."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise write_failed(path, exc) from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise write_failed(path, exc) from None
        raise


def write_failed(path: Path, exc: sqlite3.Error) -> StoreError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(
            f"{path} is busy in another audit-tui; close it there and try again (nothing was saved)"
        )
    return StoreError(f"{path} could not be written (SQLite says: {exc}); nothing was saved")
