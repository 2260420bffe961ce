"""The merged history of inputs holding different cases, copied by SQLite, chained by Python.

When no case is held by two inputs, the merged history is every input's rows taken in the
order of db.history_merge (`heapq.merge` by `case_key`), each hashed onto the one before. Here
Python touches only what that needs: the merge keys and canonical forms the checks wrote while
verifying each input (db.inputs.ChainedHistory), merged and hashed in order by a process of its
own (`ChainOfCopies.start`) while the rest of the file is written. The rows themselves go from
the private copies into a scratch file in each input's own order (`stage`), then into the new
file by one INSERT ... SELECT that takes them in the merged order with their new ids and hashes
(`finish`). The result is the file db.merge.HistoryWriter writes from the same rows.
"""

from __future__ import annotations

import hashlib
import heapq
import multiprocessing
import sqlite3
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from db.errors import StoreError
from db.history_chain import CHAINED_FIELDS, genesis
from db.inputs import ChainedHistory, CheckedInput

BATCH = 20_000
# Below this many rows the chain is made in this process: a process costs more than it saves.
OWN_PROCESS_FROM = 50_000
_FIELDS = ", ".join(CHAINED_FIELDS)


class ChainOfCopies:
    """The merged history of inputs holding different cases, from start to finish."""

    def __init__(self, inputs: Sequence[CheckedInput], inspection_id: str, folder: Path) -> None:
        self.inputs = list(inputs)
        self.chained = [_chained(c) for c in self.inputs]
        self.rows = sum(c.rows for c in self.chained)
        self.starts: dict[int, int] = {}  # per input index, the scratch id before its rows
        staged = 0
        for one in self.chained:
            self.starts[one.index] = staged + 1
            staged += one.rows
        self.genesis = genesis(inspection_id)
        self.rows_file = folder / "history-rows.scratch"
        self.chain_file = folder / "history-chain.scratch"
        self._process: Any = None
        self._result: Connection | None = None

    def start(self) -> None:
        """Begin merging and hashing: in a process of its own when the history is large."""
        if self.rows < OWN_PROCESS_FROM or multiprocessing.get_start_method() != "fork":
            _chain_into(self.chain_file, self.chained, self.starts, self.genesis)
            return
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_chain_in_process,
            args=(writer, self.chain_file, self.chained, self.starts, self.genesis),
            daemon=True,
        )
        self._process.start()
        writer.close()
        self._result = reader

    def stage(self, conn: sqlite3.Connection) -> None:
        """Every input's history into the scratch file, input after input, each in id order.

        Called outside a transaction; leaves none open.
        """
        conn.execute("ATTACH DATABASE ? AS scratch", (str(self.rows_file),))
        try:
            conn.execute("PRAGMA scratch.journal_mode = OFF")
            conn.execute("PRAGMA scratch.synchronous = OFF")
            conn.execute(f"CREATE TABLE scratch.rows (id INTEGER PRIMARY KEY, {_FIELDS})")
            for checked, chained in zip(self.inputs, self.chained, strict=True):
                count, last = _stage_one(conn, checked)
                if count != chained.rows or last != self.starts[chained.index] + count - 1:
                    raise StoreError(
                        f"{checked.path} changed while it was collated (its history has {count} "
                        f"rows, {chained.rows} were checked); nothing was collated"
                    )
        finally:
            conn.execute("DETACH DATABASE scratch")

    def finish(self, conn: sqlite3.Connection) -> list[int]:
        """Copy the staged rows in the merged order with their ids and hashes; rows per input.

        Called outside a transaction; leaves none open.
        """
        self._wait()
        conn.execute("ATTACH DATABASE ? AS scratch", (str(self.rows_file),))
        conn.execute("ATTACH DATABASE ? AS chain", (str(self.chain_file),))
        try:
            conn.execute("BEGIN")
            fields = ", ".join(f"r.{name}" for name in CHAINED_FIELDS)
            copied = conn.execute(
                f"INSERT INTO main.answer_history (id, {_FIELDS}, hash) "
                f"SELECT c.id, {fields}, c.hash FROM chain.chain c "
                "JOIN scratch.rows r ON r.id = c.row ORDER BY c.id"
            ).rowcount
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE scratch")
            conn.execute("DETACH DATABASE chain")
        if copied != self.rows:  # cannot happen: every staged row is chained once
            raise StoreError(
                f"the merged history lost rows ({copied} copied of {self.rows}); "
                "nothing was collated"
            )
        self.close()
        return [c.rows for c in self.chained]

    def close(self) -> None:
        """Stop the process (if it still runs) and remove the scratch files."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._result is not None:
            self._result.close()
            self._result = None
        for path in (self.rows_file, self.chain_file):
            path.unlink(missing_ok=True)

    def _wait(self) -> None:
        if self._result is None:
            return
        try:
            problem = self._result.recv()
        except EOFError:
            problem = "the process merging the history stopped"
        self._process.join()
        self._process = None
        self._result.close()
        self._result = None
        if problem is not None:
            raise StoreError(f"the history could not be merged ({problem}); nothing was collated")


def _chained(checked: CheckedInput) -> ChainedHistory:
    if checked.chained is None:
        raise ValueError(f"{checked.path} has no chained history to copy")
    return checked.chained


def _stage_one(conn: sqlite3.Connection, checked: CheckedInput) -> tuple[int, int]:
    conn.execute("ATTACH DATABASE ? AS input", (f"file:{checked.copy}?mode=ro",))
    try:
        conn.execute("BEGIN")
        count = conn.execute(
            f"INSERT INTO scratch.rows ({_FIELDS}) "
            f"SELECT {_FIELDS} FROM input.answer_history ORDER BY id"
        ).rowcount
        last = conn.execute("SELECT MAX(id) FROM scratch.rows").fetchone()[0] or 0
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("DETACH DATABASE input")
    return count, last


def _chain_in_process(
    result: Connection,
    path: Path,
    chained: list[ChainedHistory],
    starts: dict[int, int],
    previous: str,
) -> None:
    try:
        _chain_into(path, chained, starts, previous)
        result.send(None)
    except Exception as exc:  # told to the parent, which refuses the collation
        result.send(str(exc) or type(exc).__name__)
    finally:
        result.close()


def _chain_into(
    path: Path, chained: list[ChainedHistory], starts: dict[int, int], previous: str
) -> None:
    """Merge the inputs' entries, hash each onto the one before, and note which row it is.

    Writes `chain (id, row, hash)` into a new scratch file: the merged history's ids in order,
    each with the scratch row it copies and its hash.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(
            "CREATE TABLE chain (id INTEGER PRIMARY KEY, row INTEGER NOT NULL, hash TEXT NOT NULL)"
        )
        insert = "INSERT INTO chain (row, hash) VALUES (?, ?)"
        sha256 = hashlib.sha256
        batch: list[tuple[int, str]] = []
        append = batch.append
        conn.execute("BEGIN")
        # Entries compare as their rows' case_key, then by input and place: inputs holding
        # different cases never tie, so this is heapq.merge(..., key=case_key) of the rows.
        for _, _, _, index, position, form in heapq.merge(*(c.entries() for c in chained)):
            previous = sha256(f"{previous}\n{form}".encode()).hexdigest()
            append((starts[index] + position, previous))
            if len(batch) >= BATCH:
                conn.executemany(insert, batch)
                batch.clear()
        conn.executemany(insert, batch)
        conn.execute("COMMIT")
    finally:
        conn.close()
