"""Turning an inspection file into an encrypted one and back, never losing it on the way.

The new file is written beside the old one with SQLCipher's `sqlcipher_export`, then opened and
compared table by table with the original (row counts and content, the history chain's head).
A copy of the original (`FILE.bak-<time>`, owner-only; encrypted when encrypting, so a crash
leaves nothing in clear) is made and checked before the new file replaces the old one in one
rename; it is removed once the file at FILE checks out, and put back if it does not.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db.errors import StoreError
from db.file.checks import check_file
from db.file.connection import (
    connect,
    create_private,
    file_salt,
    is_encrypted,
    new_salt,
    open_cipher,
    open_keyed,
    quote_literal,
    raw_key,
)
from db.file.history_chain import verify_history
from db.protection.backup import (
    refuse_if_open_elsewhere,
    remove_with_side_files,
    settle,
    sync_folder,
)


@dataclass(frozen=True)
class Converted:
    """What an encrypt or decrypt did: the file, its tables and rows, its history's head."""

    path: Path
    encrypted: bool
    tables: int
    rows: int
    history_rows: int


def content_digest(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Per table: row count and sha256 of its rows (sorted), to compare two copies of a file."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    digest: dict[str, tuple[int, str]] = {}
    for name in tables:
        quoted = '"' + name.replace('"', '""') + '"'
        rows = sorted(repr(tuple(row)) for row in conn.execute(f"SELECT * FROM {quoted}"))
        digest[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digest


def encrypt_file(path: Path, passphrase: str) -> Converted:
    """Encrypt a plain inspection file in place (through a checked copy and one rename)."""
    if is_encrypted(path):
        raise StoreError(f"{path} is already encrypted (or not an SQLite file); nothing was done")
    check_file(path)
    return _convert(path, source_key=None, target_key=passphrase)


def decrypt_file(path: Path, passphrase: str) -> Converted:
    """Turn an encrypted inspection file back into a plain one (checked copy, one rename)."""
    if not is_encrypted(path):
        check_file(path)
        raise StoreError(f"{path} is not encrypted; nothing was done")
    check_file(path, passphrase)
    return _convert(path, source_key=passphrase, target_key=None)


def export_to(source: sqlite3.Connection, target: Path, target_key: str | None) -> None:
    """Write the database of `source` (an SQLCipher connection) to a new file, keyed or plain.

    `target` must exist and be empty (made owner-only by the caller). The schema version and
    application id go with it, which `sqlcipher_export` leaves behind.
    """
    # A keyed target gets a fresh salt and the raw key derived for it here, so opening it next
    # (to check it) reuses the key instead of deriving it again.
    key = raw_key(target_key, new_salt()) if target_key else "''"
    source.execute(f"ATTACH DATABASE {quote_literal(str(target))} AS target KEY {key}")
    try:
        source.execute("SELECT sqlcipher_export('target')")
        for pragma in ("user_version", "application_id"):
            (value,) = source.execute(f"PRAGMA main.{pragma}").fetchone()
            source.execute(f"PRAGMA target.{pragma} = {int(value)}")
    finally:
        source.execute("DETACH DATABASE target")


def _convert(path: Path, *, source_key: str | None, target_key: str | None) -> Converted:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    work = path.with_name(f".{path.name}.{os.getpid()}.{stamp}.new")
    keep = path.with_name(f"{path.name}.bak-{stamp}")
    refuse_if_open_elsewhere(path)
    source = _open_source(path, source_key)
    try:
        original = content_digest(source)
        history = verify_history(source)
        create_private(work)
        try:
            export_to(source, work, target_key)
            _check_copy(work, target_key, original, history.head, path)
            create_private(keep)
            if source_key is None and target_key is not None:
                # Encrypting: the copy kept until FILE checks out is encrypted too, so a crash
                # leaves nothing in clear beside the encrypted FILE (put back, it is as asked).
                export_to(source, keep, target_key)
            else:
                _backup(source, path, keep, source_key)
            _check_copy(keep, target_key or source_key, original, history.head, path)
        except BaseException:
            remove_with_side_files(work)
            remove_with_side_files(keep)
            raise
    finally:
        source.close()
    try:
        refuse_if_open_elsewhere(path)
        settle(path)
        os.replace(work, path)
        sync_folder(path.parent)
        _check_copy(path, target_key, original, history.head, path)
    except BaseException:
        remove_with_side_files(work)
        settle(path)
        os.replace(keep, path)
        remove_with_side_files(keep)
        sync_folder(path.parent)
        raise
    remove_with_side_files(keep)
    return Converted(
        path,
        target_key is not None,
        len(original),
        sum(count for count, _ in original.values()),
        history.rows,
    )


def _open_source(path: Path, key: str | None) -> sqlite3.Connection:
    return open_keyed(path, key) if key is not None else open_cipher(path)


def _backup(source: sqlite3.Connection, path: Path, target: Path, key: str | None) -> None:
    """Copy `source` (the file at `path`) to `target` with the backup API, under the same key."""
    copy = open_keyed(target, key, salt=file_salt(path)) if key is not None else open_cipher(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _check_copy(
    copy: Path,
    key: str | None,
    original: dict[str, tuple[int, str]],
    head: str | None,
    path: Path,
) -> None:
    """The copy opens (with its key), passes the checks and holds exactly what the original did."""
    check_file(copy, key)
    conn = connect(copy, readonly=True, passphrase=key)
    try:
        same = content_digest(conn) == original and verify_history(conn).head == head
    finally:
        conn.close()
    if not same:
        raise StoreError(
            f"the converted copy of {path} does not hold the same answers and history; "
            "the file was left as it was"
        )
