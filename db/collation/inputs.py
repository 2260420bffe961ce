"""Checking an inspection file that came from another laptop, before collation reads a row of it.

An input is never opened where it lies: its bytes (and a non-empty `-wal` beside it) are copied
into a private work folder and only the copy is opened, so nothing SQLite does can touch the
original, and the SHA-256 compared with a manifest is of the very bytes that are read. The copy
passes, in order: the header, the schema (exactly the tables, indexes, views and triggers this
program makes, so no trigger or view of theirs ever runs and every later read is a plain SELECT
of named columns), the file checks every open runs (`db.file.checks.check_file`: integrity, the
application id, the schema version, the bank against its hash), the bank's canonical form, the
tamper-evident history (`db.file.history_chain.verify_history`) and, when `FILE.manifest.json` lies
beside the input, the manifest.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import multiprocessing
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from multiprocessing.context import DefaultContext, ForkContext
from pathlib import Path
from typing import Any

from db.collation.history_merge import LEAST_KEY
from db.errors import StoreError
from db.file.checks import check_file, check_open_file, refuse_foreign_schema, schema_of
from db.file.connection import SQLITE_MAGIC, connect, is_encrypted, read_header
from db.file.history_chain import VerifyResult, verify_history
from db.file.records import Inspection
from db.file.schema import APPLICATION_ID, SCHEMA_VERSION
from question_bank.loader import BankError, validate_bank
from question_bank.model import Bank

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class CheckedInput:
    """An input that passed every check: where it came from, its private copy and its facts."""

    path: Path
    copy: Path
    sha256: str | None  # the copy's, when a manifest beside the input gives one to compare
    schema_version: int
    inspection: Inspection
    bank: Bank
    bank_stored_at: str
    manifest: dict[str, Any] | None
    passphrase: str | None = None  # the copy stays encrypted when the input is
    chained: ChainedHistory | None = None  # its verified history, ready to merge
    facts: Any = (
        None  # what `read` (of check_inputs) gave: db.collation.input_facts.InputFacts or a refusal
    )

    @property
    def name(self) -> str:
        return str(self.path)

    def connect(self) -> sqlite3.Connection:
        """A read-only connection to the private copy (never to the original)."""
        conn = connect(self.copy, readonly=True, passphrase=self.passphrase)
        conn.execute("PRAGMA cache_size = -1024")  # many inputs may be open at once
        return conn


@dataclass(frozen=True)
class ChainedHistory:
    """An input's verified history as the merge orders it, written beside its private copy.

    One entry per history row, in id order: `(latest, canonical, index, position)`, where
    `latest` is the greatest db.collation.history_merge.case_key of the input's rows up to this
    one (db.collation.history_merge.merge_runs merges by it), `canonical` the form its hash
    covers (db.file.history_chain.canonical), `index` the input's and `position` the row's place
    in its input (from 0). The canonical form is encoded once, by the process that verified it.
    """

    path: Path
    index: int
    rows: int

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        """The entries, a chunk (a batch of the walk) at a time."""
        with open(self.path, "rb") as handle:
            while size := int.from_bytes(handle.read(8), "little"):
                yield marshal.loads(handle.read(size))


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


Read = Callable[["CheckedInput", sqlite3.Connection], Any]


def check_input(
    path: Path, workdir: Path, index: int, passphrase: str | None = None, read: Read | None = None
) -> CheckedInput:
    """Copy an input into `workdir` and refuse it, naming it, unless every check passes.

    An encrypted input is read with `passphrase`; its private copy stays encrypted. `read`,
    given the input once it passed, reads more of it in the same process (kept as `facts`).
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"there is no inspection file at {path}; check the path")
    if not path.is_file():
        raise StoreError(f"{path} is a folder, not an inspection file; give the file's path")
    key = passphrase if is_encrypted(path) else None
    if is_encrypted(path) and key is None:
        raise StoreError(
            f"{path} is encrypted or not an SQLite file: give its passphrase "
            "(--passphrase-file or AUDIT_TUI_PASSPHRASE)"
        )
    copy = workdir / f"input-{index:04d}.sqlite"
    _copy_private(path, copy)
    try:
        return _check_copy(path, copy, key, index, read)
    except StoreError as exc:
        # check_file names the file it read: the copy. The user knows the original.
        raise StoreError(str(exc).replace(str(copy), str(path))) from None


# Checking is per file and CPU-bound (integrity, the history chain): many inputs are checked
# by a pool of processes. A handful are not worth a pool's start-up.
PARALLEL_FROM = 16


def process_context() -> DefaultContext | ForkContext:
    """How collation starts its processes: forked on Linux, else as Python starts them there.

    A forked process starts in a millisecond with everything imported, whatever the start method
    of the process collating (a program started by `spawn` would re-import all in each).
    """
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def check_inputs(
    jobs: Sequence[tuple[int, Path]],
    workdir: Path,
    passphrase: str | None = None,
    read: Read | None = None,
) -> list[CheckedInput]:
    """check_input of every (index, path), in order; the first bad one (in order) is refused.

    `read` (a module-level function, so a process can run it) is as for check_input.
    """
    cores = os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or cores < 2:
        return [check_input(path, workdir, index, passphrase, read) for index, path in jobs]
    # Two processes more than the cores: beside another program's work the checks get a larger
    # share of the machine, and on an idle one the two more cost nothing measurable. On 2 cores
    # beside a CPU-heavy program, 150 inputs (checks alone, medians of 3): 2 processes 6.3 s,
    # 3 4.4 s, 4 4.1 s; collate all, 3 processes 10.4 s, 4 10.1 s; 5 no better than 4.
    pool = ProcessPoolExecutor(min(cores + 2, 8), mp_context=process_context())
    try:
        futures = [
            pool.submit(_check_in_pool, path, workdir, index, passphrase, read)
            for index, path in jobs
        ]
        checked = [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    # Each process sent its bank once: every input gets the one object of its bank, by the hash
    # the file records (the checks proved it the bank's own; a bank that came through a pipe
    # would compute its content hash again, a millisecond each).
    banks = {c.inspection.bank_hash: c.bank for c in checked if c.bank is not None}
    return [replace(c, bank=banks[c.inspection.bank_hash]) for c in checked]


# The banks this process (one of check_inputs' pool) has sent already, by hash.
_BANKS_SENT: set[str] = set()


def _check_in_pool(
    path: Path, workdir: Path, index: int, passphrase: str | None, read: Read | None
) -> CheckedInput:
    """check_input in a process of the pool: a bank sent before is not sent again (pickling it
    costs more than the rest of what comes back)."""
    checked = check_input(path, workdir, index, passphrase, read)
    if checked.inspection.bank_hash in _BANKS_SENT:
        return replace(checked, bank=None)  # type: ignore[arg-type]
    _BANKS_SENT.add(checked.inspection.bank_hash)
    return checked


def _copy_private(path: Path, copy: Path) -> None:
    """Copy the bytes of an input (and of a non-empty -wal) to an owner-only file.

    The kernel copies them where it can (no pass through Python); a manifest's SHA-256 is
    compared with the copy's, so it is of the very bytes that are read.
    """
    fd = os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with open(path, "rb") as source, os.fdopen(fd, "wb") as target:
        try:
            while os.copy_file_range(source.fileno(), target.fileno(), 1 << 24):
                pass
        except OSError:  # no kernel copy between these two (another file system, say)
            source.seek(0)
            target.seek(0)
            target.truncate()
            shutil.copyfileobj(source, target, 1 << 20)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        os.chmod(copy.with_name(copy.name + "-wal"), 0o600)


def _check_copy(
    path: Path, copy: Path, key: str | None, index: int, read: Read | None
) -> CheckedInput:
    """Every check of the copy, then `read`, through one connection: the pages the integrity
    check reads stay in its cache (up to 16 MB: an inspector's file whole) for the history's
    walk and the facts, not read again by a connection of their own."""
    size = copy.stat().st_size
    if size == 0 or (key is None and not read_header(copy).startswith(SQLITE_MAGIC)):
        check_file(copy)  # refuses with its sentence: empty, not SQLite
    try:
        conn = connect(copy, readonly=True, passphrase=key)
    except sqlite3.Error:
        check_file(copy, key)
        raise _damaged(path) from None
    try:
        conn.execute("PRAGMA cache_size = -16384")
        checked = _checked(path, copy, key, index, conn)
        return checked if read is None else replace(checked, facts=read(checked, conn))
    finally:
        conn.close()


def _checked(
    path: Path, copy: Path, key: str | None, index: int, conn: sqlite3.Connection
) -> CheckedInput:
    try:
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            found = schema_of(conn)
        except sqlite3.Error:
            check_file(copy, key)  # truncated or damaged: its sentence says which
            raise _damaged(path) from None
        if application_id != APPLICATION_ID or version > SCHEMA_VERSION or version < 1:
            check_file(copy, key)  # not an inspection, or newer than this program
            raise _damaged(path)
        refuse_foreign_schema(
            path, found, version, "so it was not collated", "ask for the inspector's own copy"
        )
        check_open_file(copy, conn, key)
        chained = None
        if version >= 2 and key is not None:
            # Nothing of an encrypted input is written in clear: its chain is verified and its
            # merge entries kept nowhere (the copied-history path takes plain inputs only).
            _refuse_broken_chain(path, verify_history(conn))
        elif version >= 2:
            with _ChainedWriter(copy.with_suffix(".history"), index, path) as writer:
                result = verify_history(conn, writer.add)
            _refuse_broken_chain(path, result)
            chained = ChainedHistory(writer.path, index, writer.rows)
        inspection, bank, stored_at = _read_facts(path, conn)
    except sqlite3.Error as exc:
        raise StoreError(
            f"{path} cannot be read (SQLite says: {exc}); ask for a fresh copy of it"
        ) from None
    manifest, digest = _check_manifest(path, copy, inspection, bank)
    return CheckedInput(
        path, copy, digest, version, inspection, bank, stored_at, manifest, key, chained
    )


def _refuse_broken_chain(path: Path, result: VerifyResult) -> None:
    if not result.ok:
        what = "history" if result.table == "answer_history" else "lead's records"
        raise StoreError(
            f"{path} fails the {what} check ({result.problem}), so it was not collated; "
            "ask for the inspector's own copy of the file"
        )


class _ChainedWriter:
    """Writes a ChainedHistory's entries as the chain is verified, a chunk per batch of rows.

    The merge reads every input's entries a chunk at a time: the batch bounds the memory.
    """

    def __init__(self, path: Path, index: int, source: Path) -> None:
        self.path, self.index, self.rows, self.source = path, index, 0, source
        self.latest = LEAST_KEY
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        self._file = os.fdopen(fd, "wb")

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Write the entries of a batch of rows (as verify_history tells them) as one chunk."""
        index, position, latest, entries = self.index, self.rows, self.latest, []
        try:
            for row in rows:
                key = (row[3] or "", row[3] is None, row[2])  # history_merge.case_key
                if key > latest:
                    latest = key
                entries.append((latest, row[0], index, position))
                position += 1
        except TypeError:  # a time or case that is not text (a blob) cannot be ordered
            raise StoreError(
                f"{self.source} holds a history row whose time or case is not text, so it was "
                "not collated; ask for the inspector's own copy of the file"
            ) from None
        data = marshal.dumps(entries)
        self._file.write(len(data).to_bytes(8, "little"))
        self._file.write(data)
        self.rows, self.latest = position, latest

    def __enter__(self) -> _ChainedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _damaged(path: Path) -> StoreError:
    return StoreError(f"{path} is damaged; ask for the inspector's own copy of the file")


# -- the inspection and its bank ----------------------------------------------------------------


def _read_facts(path: Path, conn: sqlite3.Connection) -> tuple[Inspection, Bank, str]:
    row = conn.execute(
        "SELECT id, area, bank_id, bank_version, bank_hash, lead, fieldwork_start, "
        "fieldwork_end, created_at FROM inspection"
    ).fetchone()
    inspection = Inspection(*row)
    stored = conn.execute(
        "SELECT canonical_json, stored_at FROM bank WHERE content_hash = ?",
        (inspection.bank_hash,),
    ).fetchone()
    canonical, stored_at = stored
    bank = _bank_of(canonical)
    if bank is None:
        raise StoreError(
            f"the question bank stored in {path} is not in canonical form, so its hash proves "
            "nothing; it was not collated"
        )
    if (bank.id, bank.version) != (inspection.bank_id, inspection.bank_version):
        raise StoreError(
            f"{path} names bank {inspection.bank_id} v{inspection.bank_version} but carries "
            f"{bank.id} v{bank.version}; it was not collated"
        )
    return inspection, bank, stored_at


@lru_cache(maxsize=8)
def _bank_of(canonical: str) -> Bank | None:
    """The bank a canonical form describes, or None when it is not one (or not canonical).

    Inputs of one inspection carry the same bank: it is validated once per process.
    """
    try:
        bank = validate_bank(json.loads(canonical), "bank")
    except (BankError, ValueError):
        return None
    return bank if bank.canonical_json() == canonical else None


# -- the manifest -------------------------------------------------------------------------------


def _check_manifest(
    path: Path, copy: Path, inspection: Inspection, bank: Bank
) -> tuple[dict[str, Any] | None, str | None]:
    """Refuse an input whose manifest (written by `audit-tui export`) does not describe it.

    Returns the manifest and the SHA-256 of the private copy (None, None without a manifest).
    """
    where = manifest_path(path)
    if not where.exists():
        return None, None
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
        wanted = (
            manifest["sha256"],
            manifest["inspection_id"],
            manifest["bank"]["hash"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise StoreError(
            f"the manifest beside {path} ({where.name}) cannot be read; export the file again"
        ) from None
    digest = sha256_of(copy)
    if wanted[0] != digest:
        raise StoreError(
            f"{path} is not the file its manifest describes (its SHA-256 differs), so it was "
            "changed or cut short after export; ask for the exported copy again"
        )
    if wanted[1] != inspection.id or wanted[2] != bank.content_hash:
        raise StoreError(
            f"the manifest beside {path} belongs to another inspection or bank; "
            "keep each file with its own manifest"
        )
    return dict(manifest), digest
