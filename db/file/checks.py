"""The checks an inspection file passes before it is opened for writing, all read-only.

A refusal never modifies the file: the header is read with plain file I/O and everything else
through a `mode=ro` connection, before the store opens its own connection. An encrypted file
has no readable header, so its checks start at the passphrase and go on through SQLCipher.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.errors import StoreError
from db.file.connection import SQLITE_MAGIC, connect, is_encrypted, read_header
from db.file.file_format import APPLICATION_ID, KNOWN_MIGRATIONS, SCHEMA_VERSION, applied_migrations


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
    try:
        conn = connect(path, readonly=True, passphrase=passphrase if encrypted else None)
    except sqlite3.Error as exc:
        raise _damaged(path, exc) from None
    try:
        facts = _check_contents(path, conn)
        return FileFacts(facts.schema_version, facts.bank_json, facts.bank_hash, encrypted)
    except sqlite3.Error as exc:
        raise _damaged(path, exc) from None
    finally:
        conn.close()


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


def _check_contents(path: Path, conn: sqlite3.Connection) -> FileFacts:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreError(
            f"{path} is damaged (SQLite's check says: {problems[0]}); "
            "open your latest backup copy instead"
        )
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
    row = conn.execute(
        "SELECT b.canonical_json, b.content_hash FROM inspection i "
        "JOIN bank b ON b.content_hash = i.bank_hash"
    ).fetchone()
    if row is None:
        raise StoreError(
            f"{path} has no inspection or no question bank in it; "
            "it was not made by `audit-tui new` or was cut short, so create the inspection again"
        )
    bank_json, bank_hash = row
    if hashlib.sha256(bank_json.encode("utf-8")).hexdigest() != bank_hash:
        raise StoreError(
            f"the question bank stored in {path} does not match its recorded hash, so the file "
            "was edited outside audit-tui; open your latest backup copy instead"
        )
    return FileFacts(version, bank_json, bank_hash)
