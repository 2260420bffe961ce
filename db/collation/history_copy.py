"""The merged history of inputs holding different cases, copied by SQLite, chained by Python.

When no case is held by two inputs, the merged history is every input's rows taken in the
order of db.collation.history_merge (`heapq.merge` by `case_key`, as `merge_runs` sorts it),
each hashed onto the one before.
Here Python touches only what that needs: the merge keys and canonical forms the checks wrote while
verifying each input (db.collation.inputs.ChainedHistory). A process of its own
(`ChainOfCopies.start`) merges and hashes them while the rest of the file is written; meanwhile a
thread of that process puts the inputs' rows into a scratch file, input after input (SQLite works
without the GIL, so the two overlap, and the process collating is free to write the rest). The
process then puts them in the merged order with their new ids, hashes and index (a thread
writes each batch while the next is merged and hashed), in a table just like the inspection
file's, which the new file takes whole (`finish`), by SQLite's transfer of records. A small
history is done in the process collating (`stage`, then `finish`). A history one input brings
alone (one file, or an output collated again with inputs it holds alike) is its own merge and its
own chain: its verified rows are copied with their hashes. The result is the file
db.collation.bulk.HistoryWriter writes from the same rows.

Only plain inputs take this path (db.collation.build): the scratch files are plain SQLite.
"""

from __future__ import annotations

import hashlib
import queue
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from db.collation.bulk import ignoring_checks
from db.collation.history_merge import merge_runs
from db.collation.inputs import ChainedHistory, CheckedInput, process_context
from db.errors import StoreError
from db.file.checks import expected_schema
from db.file.history_chain import CHAINED_FIELDS, genesis
from db.file.schema import SCHEMA_VERSION

BATCH = 20_000
# Below this many rows the chain is made in this process: a process costs more than it saves.
OWN_PROCESS_FROM = 50_000
_FIELDS = ", ".join(CHAINED_FIELDS)


class ChainOfCopies:
    """The merged history of inputs holding different cases, from start to finish."""

    def __init__(
        self,
        inputs: Sequence[CheckedInput],
        inspection_id: str,
        folder: Path,
        sources: Sequence[int] | None = None,
    ) -> None:
        self.inputs = [_Input(c.path, c.copy, _chained(c)) for c in inputs]
        # The place of each input among those collated (all of them, unless some bring nothing).
        self.sources = list(range(len(inputs)) if sources is None else sources)
        self.rows = sum(i.chained.rows for i in self.inputs)
        self.genesis = genesis(inspection_id)
        self.rows_file = folder / "history-rows.scratch"
        self.chain_file = folder / "history-chain.scratch"
        self._process: Any = None
        self._done: Connection | None = None  # the process says it is done (or why not)
        self._starts: dict[int, int] = {}

    @property
    def alone(self) -> bool:
        """Whether one input brings the whole history: then it is merged as it is, and chained
        as it is (from the same inspection's first hash), so its rows come with their hashes."""
        return len(self.inputs) == 1

    def start(self) -> None:
        """Begin staging, merging and hashing: in a process of its own when the history is large."""
        if self.rows < OWN_PROCESS_FROM or self.alone:
            return  # all done in stage and finish
        context = process_context()
        self._done, done = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_in_process,
            args=(done, self.inputs, self.rows_file, self.chain_file, self.genesis),
            daemon=True,
        )
        self._process.start()
        done.close()

    def stage(self) -> None:
        """Every input's history into a scratch file, unless the process started does it."""
        if self._process is None and not self.alone:
            self._starts = _stage(self.inputs, self.rows_file)

    def finish(self, conn: sqlite3.Connection) -> list[int]:
        """Copy the merged history into `conn`'s file; returns the rows each input brought (in
        the order of `sources`).

        Called outside a transaction; leaves none open. The table must be empty, without its
        triggers, with its index: it takes the rows and their index as whole records.
        """
        source, copy = self.chain_file, "SELECT * FROM chain.answer_history"
        if self.alone:  # its verified rows as they are, with their hashes
            source = self.inputs[0].copy
        elif self._done is None:
            chained = [i.chained for i in self.inputs]
            _chain_into(
                self.chain_file, self.rows_file, chained, self._starts, self.genesis, lambda: None
            )
        else:
            self._wait()
        conn.execute("ATTACH DATABASE ? AS chain", (str(source),))
        try:
            if (
                self.alone
                and conn.execute(
                    "SELECT min(id) IS NOT 1 OR max(id) IS NOT count(*) FROM chain.answer_history"
                ).fetchone()[0]
            ):
                # Numbered otherwise than 1, 2, 3...: numbered afresh (whole records need not).
                copy = (
                    f"SELECT row_number() OVER (ORDER BY id), {_FIELDS}, hash "
                    "FROM chain.answer_history ORDER BY id"
                )
            with ignoring_checks(conn):
                conn.execute("BEGIN")
                copied = conn.execute(f"INSERT INTO main.answer_history {copy}").rowcount
                conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE chain")
        if copied != self.rows:  # cannot happen: every staged row is chained once
            raise StoreError(
                f"the merged history lost rows ({copied} copied of {self.rows}); "
                "nothing was collated"
            )
        self.close()
        return [i.chained.rows for i in self.inputs]

    def close(self) -> None:
        """Stop the process (if it still runs) and remove the scratch files."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._done is not None:
            self._done.close()
        self._done = None
        for path in (self.rows_file, self.chain_file):
            path.unlink(missing_ok=True)

    def _wait(self) -> None:
        if self._done is None or self._process is None:
            raise ValueError("the history's process was never started")
        try:
            problem = self._done.recv()
        except EOFError:
            problem = "the process merging the history stopped"
        self._process.join()
        self._process = None
        if problem is not None:
            raise StoreError(f"the history could not be merged ({problem}); nothing was collated")


@dataclass(frozen=True)
class _Input:
    path: Path
    copy: Path
    chained: ChainedHistory


def _in_process(
    done: Connection, inputs: list[_Input], rows: Path, chain: Path, first: str
) -> None:
    """Stage the rows (a thread) while merging and chaining; once they are staged, write them in
    order with their index (another thread, db.collation.history_copy._write_chain)."""
    stager = ThreadPoolExecutor(max_workers=1)
    try:
        entries = [i.chained for i in inputs]
        starts: dict[int, int] = {}
        staged_at = 1
        for one in entries:  # where each input's rows are staged, in this order
            starts[one.index] = staged_at
            staged_at += one.rows
        staging = stager.submit(_stage, inputs, rows)

        def staged() -> None:
            if staging.result() != starts:  # raises what stopped the staging
                raise StoreError("the history was staged otherwise than it was chained")

        _chain_into(chain, rows, entries, starts, first, staged)
        done.send(None)
    except Exception as exc:  # told to the parent, which refuses the collation
        done.send(str(exc) or type(exc).__name__)
    finally:
        stager.shutdown(wait=True)
        done.close()


def _stage(inputs: list[_Input], rows_file: Path) -> dict[int, int]:
    """Every input's history into a scratch file, input after input, each in id order.

    Returns, per input index, the scratch id of its first row.
    """
    starts: dict[int, int] = {}
    conn = _scratch(rows_file)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"CREATE TABLE rows (id INTEGER PRIMARY KEY, {_FIELDS})")
        staged = 0
        for one in inputs:
            count, last = _stage_one(conn, one.copy)
            if count != one.chained.rows or last != staged + count:
                raise StoreError(
                    f"{one.path} changed while it was collated (its history has {count} rows, "
                    f"{one.chained.rows} were checked); nothing was collated"
                )
            starts[one.chained.index] = staged + 1
            staged += count
    finally:
        conn.close()
    return starts


def _scratch(path: Path) -> sqlite3.Connection:
    """A scratch file of the private work folder (not an inspection file), taking URIs."""
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}", uri=True, isolation_level=None)


def _read_only(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def _chained(checked: CheckedInput) -> ChainedHistory:
    if checked.chained is None:
        raise ValueError(f"{checked.path} has no chained history to copy")
    return checked.chained


def _stage_one(conn: sqlite3.Connection, copy: Path) -> tuple[int, int]:
    conn.execute("ATTACH DATABASE ? AS input", (_read_only(copy),))
    try:
        conn.execute("BEGIN")
        count = conn.execute(
            f"INSERT INTO main.rows ({_FIELDS}) "
            f"SELECT {_FIELDS} FROM input.answer_history ORDER BY id"
        ).rowcount
        last = conn.execute("SELECT MAX(id) FROM main.rows").fetchone()[0] or 0
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("DETACH DATABASE input")
    return count, last


def _chain_into(
    path: Path,
    rows_file: Path,
    chained: list[ChainedHistory],
    starts: dict[int, int],
    previous: str,
    staged: Callable[[], None],
) -> None:
    """Merge the inputs' entries, hash each onto the one before, and write the merged history.

    Writes `answer_history` into a new scratch file: the very table of an inspection file, so
    that the new file takes it as whole records. A thread of its own writes the batches as this
    one merges and hashes the next (SQLite works without the GIL), once the rows are staged
    (`staged()` waits for them and raises what stopped the staging).
    """
    batches: queue.Queue[Any] = queue.Queue(maxsize=_QUEUED)
    writing = ThreadPoolExecutor(max_workers=1)
    writer = writing.submit(_write_chain, path, rows_file, batches, staged)
    handed = False
    try:
        sha256 = hashlib.sha256
        rows: list[int] = []
        hashes: list[str] = []
        first = 1
        # heapq.merge(..., key=case_key) of the rows (inputs holding different cases never
        # tie), a sorted batch at a time.
        for merged in merge_runs([c.chunks() for c in chained]):
            for _, form, index, position in merged:
                previous = sha256(f"{previous}\n{form}".encode()).hexdigest()
                rows.append(starts[index] + position)
                hashes.append(previous)
                if len(rows) >= BATCH:
                    batches.put((first, "".join(hashes).encode(), f"[{','.join(map(str, rows))}]"))
                    first += len(rows)
                    rows.clear()
                    hashes.clear()
        batches.put((first, "".join(hashes).encode(), f"[{','.join(map(str, rows))}]"))
        batches.put(None)
        handed = True
        writer.result()  # raises what stopped the writing
    finally:
        if not handed:
            batches.put(_ABORT)  # the writer drops what it wrote
        writing.shutdown(wait=True)


# Batches chained ahead of the writer (each 20,000 rows: about 1.4 MB).
_QUEUED = 16
_ABORT = object()


def _write_chain(
    path: Path, rows_file: Path, batches: queue.Queue[Any], staged: Callable[[], None]
) -> None:
    """Write the batches _chain_into hands over, until None (then the index, and commit) or
    _ABORT; a batch is its first id, the scratch rows it takes (a JSON array, read by json_each
    in order) and their hashes (64 characters each, in one blob: substr of a blob is a slice,
    of a text a walk). When the writing stops early, the batches still handed over are taken
    and dropped, so the merge never waits for a writer that is gone.
    """
    done = False
    conn = _scratch(path)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        schema = expected_schema(SCHEMA_VERSION)
        conn.execute(schema["answer_history"][2] or "")
        fields = ", ".join(f"r.{name}" for name in CHAINED_FIELDS)
        insert = (
            f"INSERT INTO answer_history (id, {_FIELDS}, hash) "
            f"SELECT ? + j.key, {fields}, CAST(substr(?, j.key * 64 + 1, 64) AS TEXT) "
            "FROM json_each(?) j JOIN staged.rows r ON r.id = j.value"
        )
        staged()
        conn.execute("ATTACH DATABASE ? AS staged", (_read_only(rows_file),))
        with ignoring_checks(conn):  # rows of checked inputs, as they are
            conn.execute("BEGIN")
            while (batch := batches.get()) is not None:
                if batch is _ABORT:
                    done = True
                    return
                conn.execute(insert, batch)
            done = True
            conn.execute(schema["answer_history_case"][2] or "")
            conn.execute("COMMIT")
        conn.execute("DETACH DATABASE staged")
    except BaseException:
        while not done and batches.get() not in (None, _ABORT):
            pass
        raise
    finally:
        conn.close()
