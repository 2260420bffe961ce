"""The one gate every inspection file passes before any command reads or writes a row of it.

Every open goes through `check_file`: the store (read or write), the case list before the
store, export, encryption, backups and collation's inputs. It refuses, in one sentence, a file
that is missing, empty, not SQLite, truncated, damaged (`PRAGMA quick_check`), not an inspection
(application id), newer than this program (schema version), whose schema is not exactly the one
our migrations make (no trigger, view, table or index of anyone else's, so nothing foreign ever
runs and every read is of our own tables), whose stored bank does not match its hash, or that
holds a case field or an answer audit-tui would not write (named by case and column, never
quoted: the value is case data).

A refusal never modifies the file: the header is read with plain file I/O and everything else
through a read-only connection, before the store opens its own connection. An encrypted file
has no readable header, so its checks start at the passphrase and go on through SQLCipher.

What runs on every open is chosen to stay cheap: the schema is compared through a digest of
`sqlite_master` (a few dozen rows, 0.1 ms) with the digest recorded for its version, and the case
fields with one SQL pass over `cases` (0.2 ms for 61 cases). What grows with the file runs once
per state of the file in a process (its inode, size and modification time, and its -wal's): the
integrity check, `quick_check` (105 ms for 62 MB holding 960,000 answers), which reads every
page but does not match each index against its table (`integrity_check` does, at about twice the
cost), and the answers' values against their scales (60 ms for those 960,000, from an index).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from db.errors import StoreError
from db.file.connection import SQLITE_MAGIC, connect, is_encrypted, read_header
from db.file.distinct import distinct_pairs
from db.file.file_format import (
    APPLICATION_ID,
    KNOWN_MIGRATIONS,
    MIGRATIONS_TABLE,
    SCHEMA_DIGESTS,
    SCHEMA_VERSION,
    applied_migrations,
)
from db.file.record_chain import chain_problem
from question_bank.fields import CONDITION_FIELDS, FLAG_FIELDS

# Tables SQLite itself may add (ANALYZE, AUTOINCREMENT); their contents are never read.
_TOLERATED = re.compile(r"^(sqlite_stat\d|sqlite_sequence)$")

Schema = dict[str, tuple[str, str, str | None]]


@dataclass(frozen=True)
class FileFacts:
    """What the checks learned about a file that passed them."""

    schema_version: int
    bank_json: str
    bank_hash: str
    encrypted: bool = False


def check_file(path: Path, passphrase: str | None = None) -> FileFacts:
    """Refuse, with one sentence, a file that is not a sound inspection this program can read.

    `passphrase` is used only when the file is encrypted; a plain file ignores it.
    """
    encrypted = _check_bytes(path, passphrase)
    state = _state(path)
    try:
        conn = connect(path, readonly=True, passphrase=passphrase if encrypted else None)
    except sqlite3.Error as exc:
        raise _damaged(path, exc) from None
    try:
        return _check_connected(path, conn, state, encrypted)
    finally:
        conn.close()


def check_open_file(
    path: Path, conn: sqlite3.Connection, passphrase: str | None = None
) -> FileFacts:
    """check_file through a read-only connection to `path` the caller opened (and closes).

    Collation checks each input's private copy through one connection: the pages the checks
    read stay in its cache for the history's walk and the facts read after.
    """
    encrypted = _check_bytes(path, passphrase)
    return _check_connected(path, conn, _state(path), encrypted)


def _check_bytes(path: Path, passphrase: str | None) -> bool:
    """The checks of the file as bytes, before SQLite reads it; returns whether it is encrypted."""
    if not path.exists():
        raise StoreError(f"there is no inspection file at {path}; check the path")
    if not path.is_file():
        raise StoreError(f"{path} is a folder, not an inspection file; give the file's path")
    size = path.stat().st_size
    if size == 0:
        raise StoreError(f"{path} is empty, not an inspection file; check you gave the right file")
    try:
        header = read_header(path)
    except OSError as exc:
        raise StoreError(f"{path} cannot be read ({exc.strerror}); check its permissions") from None
    encrypted = is_encrypted(path)
    if encrypted and passphrase is None:
        raise StoreError(
            f"{path} is encrypted or not an SQLite file: give its passphrase "
            "(--passphrase-file or AUDIT_TUI_PASSPHRASE)"
        )
    if not encrypted and not header.startswith(SQLITE_MAGIC):
        raise StoreError(
            f"{path} is not an SQLite file, so not an inspection file; "
            "check you gave the right file"
        )
    if not encrypted:
        _check_length(path, header, size)
    return encrypted


def _check_connected(
    path: Path, conn: sqlite3.Connection, state: tuple[int, ...], encrypted: bool
) -> FileFacts:
    try:
        # Pages first (a damaged file is named as such), the schema before any table is read.
        checked_before = state in _SOUND
        if not checked_before:
            _check_pages(path, conn)
        facts = _check_contents(path, conn)
        if not checked_before:
            refuse_unknown_answer_values(path, conn)
            _refuse_forged_records(path, conn)
            _SOUND.add(state)
        return FileFacts(facts.schema_version, facts.bank_json, facts.bank_hash, encrypted)
    except sqlite3.Error as exc:
        raise _damaged(path, exc) from None


def _refuse_forged_records(path: Path, conn: sqlite3.Connection) -> None:
    """A judgement or band set written outside audit-tui would be printed as the lead's: the
    chains are walked before any command reads one (`verify` also checks rulings and cases)."""
    problem = chain_problem(conn)
    if problem is not None:
        raise StoreError(f"{path}: {problem.problem}; open your latest backup copy instead")


def _damaged(path: Path, exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"{path} is damaged (SQLite says: {exc}); open your latest backup copy instead"
    )


def _check_length(path: Path, header: bytes, size: int) -> None:
    """A file shorter than its header says is truncated (a copy cut off, a disk filled up)."""
    damaged = StoreError(
        f"{path} is truncated ({size} bytes, too short for what its header records); "
        "open your latest backup copy instead"
    )
    if len(header) < 100:
        raise damaged
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(
            f"{path} is damaged (its header is not valid); open your latest backup copy"
        )
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return  # pages may still be in the log; SQLite's own checks decide
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96] and pages > 0
    if size % page_size or (header_valid and size < pages * page_size):
        raise damaged


# Files whose pages passed quick_check in this process, by identity and state (see _state): a
# command opens its file a few times (checks, store, backup), and a big file's check costs.
_SOUND: set[tuple[int, ...]] = set()


def _state(path: Path) -> tuple[int, ...]:
    """The file (device, inode) as it is now (size, mtime), with its write-ahead log's."""
    st = path.stat()
    try:
        wal = path.with_name(path.name + "-wal").stat()
        log = (wal.st_size, wal.st_mtime_ns)
    except OSError:
        log = (-1, -1)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, *log)


def _check_pages(path: Path, conn: sqlite3.Connection) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        # A row may hold several lines ("*** in database main ***", then one per page).
        lines = [line for row in problems for line in str(row).splitlines()]
        first = next((line for line in lines if not line.startswith("***")), lines[0])
        raise StoreError(
            f"{path} is damaged (SQLite's check says: {first.strip()}); "
            "open your latest backup copy instead"
        )


def _check_contents(path: Path, conn: sqlite3.Connection) -> FileFacts:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if application_id != APPLICATION_ID:
        raise StoreError(
            f"{path} is an SQLite database but not an inspection file; "
            "check you gave the right file"
        )
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    unknown = [m for m in applied_migrations(conn) if m not in KNOWN_MIGRATIONS]
    if version > SCHEMA_VERSION or unknown:
        raise StoreError(
            f"{path} was written by a newer audit-tui (schema {max(version, SCHEMA_VERSION + 1)}; "
            f"this one reads up to {SCHEMA_VERSION}); update audit-tui to open it"
        )
    if version < 1:
        raise _no_inspection(path)
    refuse_foreign_schema(path, schema_of(conn), version)
    row = conn.execute(
        "SELECT b.canonical_json, b.content_hash FROM inspection i "
        "JOIN bank b ON b.content_hash = i.bank_hash"
    ).fetchone()
    if row is None:
        raise _no_inspection(path)
    bank_json, bank_hash = row
    if hashlib.sha256(bank_json.encode("utf-8")).hexdigest() != bank_hash:
        raise StoreError(
            f"the question bank stored in {path} does not match its recorded hash, so the file "
            "was edited outside audit-tui; open your latest backup copy instead"
        )
    refuse_unknown_case_values(path, conn)
    return FileFacts(version, bank_json, bank_hash)


def _no_inspection(path: Path) -> StoreError:
    return StoreError(
        f"{path} has no inspection or no question bank in it; "
        "it was not made by `audit-tui new` or was cut short, so create the inspection again"
    )


# -- the schema ---------------------------------------------------------------------------------


def _normal(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.split())


def schema_of(conn: sqlite3.Connection) -> Schema:
    """name -> (type, table, SQL) of every entry of sqlite_master (read, never run)."""
    return {
        name: (kind, table, _normal(sql))
        for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
        )
    }


def schema_digest(schema: Schema) -> str:
    """The SHA-256 of a schema as the gate compares it: SQLite's own tables left out, and
    sqlite-utils' migrations table by name and kind only (its SQL varies between versions)."""
    kept = []
    for name, (kind, table, sql) in sorted(schema.items()):
        if _TOLERATED.match(name):
            continue
        if MIGRATIONS_TABLE in (name, table):
            sql = None
        kept.append([kind, name, table, sql])
    return hashlib.sha256(json.dumps(kept).encode("utf-8")).hexdigest()


@cache
def expected_schema(version: int) -> Schema:
    """What sqlite_master holds in a file of a schema version, built by our own migrations.

    It loads sqlite-utils and runs every migration in memory, so the gate asks for it only
    when a file's digest is not the one recorded for its version.
    """
    from sqlite_utils import Database

    from db.file.schema import migrations

    db = Database(memory=True, execute_plugins=False)
    if version < SCHEMA_VERSION:
        migrations.apply(db, stop_before=KNOWN_MIGRATIONS[version])
    else:
        migrations.apply(db)
    schema = schema_of(db.conn)
    db.conn.close()
    return schema


def refuse_foreign_schema(
    path: Path | str,
    found: Schema,
    version: int,
    refused: str = "so nothing of it was read",
    remedy: str = "open your own latest copy of the file instead",
) -> None:
    """Refuse a file whose tables, indexes, views or triggers are not exactly ours.

    `refused` says what was not done and `remedy` what to do (collation names its own).
    """
    digest = schema_digest(found)
    if SCHEMA_DIGESTS.get(version) == digest:
        return
    expected = expected_schema(version)
    if schema_digest(expected) == digest:
        return  # a version whose digest is not recorded yet
    extra, changed = [], []
    for name, (kind, table, sql) in sorted(found.items()):
        if _TOLERATED.match(name):
            continue
        wanted = expected.get(name)
        if wanted is None:
            extra.append(f"{kind} {name}")
        elif MIGRATIONS_TABLE in (name, table):
            if wanted[:2] != (kind, table):
                changed.append(f"{kind} {name}")
        elif wanted != (kind, table, sql):
            changed.append(f"{kind} {name}")
    if extra or changed:
        what = ", ".join(extra + changed)
        raise StoreError(
            f"{path} carries schema objects audit-tui does not make ({what}), {refused} and "
            f"nothing of it ran; {remedy}"
        )
    missing = sorted(set(expected) - set(found))
    raise StoreError(
        f"{path} lacks part of the inspection schema ({', '.join(missing) or 'its layout'}), "
        f"{refused}; {remedy}"
    )


# -- the stored case fields ---------------------------------------------------------------------

# A stored case field the case record would refuse (read with pydantic, its error would quote the
# value): the file was edited outside audit-tui. Checked in SQL, without pydantic, on every open;
# the first such field is named by its case and column, never by its value.
_CASE_REF_OK = (
    "length(case_ref) BETWEEN 1 AND 20 AND case_ref NOT GLOB '*[^A-Za-z0-9_-]*' "
    "AND case_ref NOT GLOB '[_-]*'"
)


def _case_field_problems() -> list[tuple[str, str]]:
    """(column, SQL that is true when the column's stored value is not one audit-tui writes)."""
    problems = [
        ("inspector", "length(inspector) NOT BETWEEN 1 AND 6 OR inspector GLOB '*[^A-Z]*'"),
    ]
    for name, spec in CONDITION_FIELDS.items():
        if spec.kind == "enum":
            values = ", ".join(f"'{value}'" for value in spec.values)
            problems.append((name, f"{name} IS NULL OR {name} NOT IN ({values})"))
        elif spec.kind == "int":
            problems.append(
                (
                    name,
                    f"typeof({name}) != 'integer' OR {name} NOT BETWEEN {spec.minimum} "
                    f"AND {spec.maximum}",
                )
            )
    for name in (*FLAG_FIELDS, "custody"):
        problems.append((name, f"{name} IS NULL OR {name} NOT IN (0, 1)"))
    problems += [
        ("bame", "bame IS NOT NULL AND bame NOT IN (0, 1)"),
        ("start_date", "start_date IS NULL OR start_date IS NOT date(start_date)"),
        (
            "end_date",
            "end_date IS NOT NULL AND (end_date IS NOT date(end_date) OR end_date < start_date)",
        ),
    ]
    return problems


@cache
def _unknown_case_value_sql() -> str:
    cases = " ".join(f"WHEN {test} THEN '{name}'" for name, test in _case_field_problems())
    return (
        f"SELECT CASE WHEN {_CASE_REF_OK} THEN case_ref END, column FROM "
        f"(SELECT case_ref, position, CASE WHEN NOT ({_CASE_REF_OK}) THEN 'case_ref' {cases} "
        "END AS column FROM cases) WHERE column IS NOT NULL ORDER BY position LIMIT 1"
    )


def refuse_unknown_case_values(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a file with a stored case field audit-tui would not write, naming where it is."""
    row = conn.execute(_unknown_case_value_sql()).fetchone()
    if row is None:
        return
    case_ref, column = row
    where = f"case {case_ref}'s {column}" if case_ref else "a case reference"
    raise StoreError(
        f"{path} holds a value audit-tui does not write in {where}, so the file was edited "
        "outside audit-tui; open your latest backup copy instead"
    )


# An answer whose value is not one of its question's scale: each (question, value) pair once,
# read from the index on answers(question_id, value) a seek each (db.file.distinct: 390 pairs of
# a million answers; quick_check, run first, holds both to NOT NULL), once per state.
_OFF_SCALE = """
LEFT JOIN questions q ON q.question_id = pair.question_id
LEFT JOIN scale_values sv ON sv.scale = q.scale AND sv.value = pair.value
WHERE sv.value IS NULL ORDER BY pair.question_id, pair.value LIMIT 1
"""


def refuse_unknown_answer_values(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a file with an answer audit-tui would not write, naming its case and question."""
    pairs = distinct_pairs(conn, "answers", "question_id", "value")
    pair = conn.execute(
        f"SELECT pair.question_id, pair.value FROM ({pairs}) pair {_OFF_SCALE}"
    ).fetchone()
    if pair is None:
        return
    (case_ref,) = conn.execute(
        "SELECT case_ref FROM answers WHERE question_id IS ? AND value IS ? LIMIT 1", pair
    ).fetchone()
    raise StoreError(
        f"{path} holds a value audit-tui does not write in case {case_ref}'s answer to "
        f"{pair[0]}, so the file was edited outside audit-tui; open your latest backup "
        "copy instead"
    )
