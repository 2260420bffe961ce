"""The one place SQLite connections to an inspection file are opened, plain or encrypted.

Every caller goes through `connect`. A plain file is opened with the standard library's sqlite3;
an encrypted file (SQLCipher 4, through the `sqlcipher3` package) when a passphrase is given.
The SQLCipher connection raises the standard library's sqlite3 exceptions, so no caller (the
store, sqlite-utils' migrations) has to know which kind of file it holds.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from db.errors import StoreError

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLCipher writes whole pages (4096 bytes by default); any SQLite file is whole pages of 512+.
_SMALLEST_PAGE = 512
# SQLCipher 4's defaults, which every encrypted inspection file uses.
_SALT_BYTES = 16
_KDF_ROUNDS = 256_000


class WrongPassphrase(StoreError):
    """The passphrase does not open the encrypted file (or the file is not an inspection)."""


def connect(
    path: str | os.PathLike[str],
    *,
    readonly: bool = False,
    create: bool = False,
    passphrase: str | None = None,
    **options: Any,
) -> sqlite3.Connection:
    """Open a connection with the durability pragmas: WAL, synchronous=FULL, foreign keys.

    `create` makes a new file readable by its owner only and refuses one that exists.
    `readonly` opens through a `mode=ro` URI and never writes (no WAL switch, no migrations).
    `passphrase` opens (or creates) an SQLCipher file: the key is given first, then checked by
    reading the schema, so a wrong one is a `WrongPassphrase` and nothing is written.
    """
    if options:
        names = ", ".join(sorted(options))
        raise StoreError(f"this version of audit-tui cannot open files with {names}; update it")
    file = Path(path)
    if create and readonly:
        raise ValueError("a file cannot be created read-only")
    if create:
        create_private(file)
    elif not file.exists():
        raise StoreError(f"there is no inspection file at {file}; check the path")
    # A read-only connection to a file in WAL mode makes its -wal and -shm and cannot remove
    # them; when they were not there before, they are tidied away once it is closed.
    leaves = readonly and not any(side.exists() for side in side_files(file))
    if passphrase is None:
        conn = _open_plain(file, readonly=readonly)
    else:
        conn = open_keyed(file, passphrase, readonly=readonly)
    if leaves:
        conn.after_close = functools.partial(_tidy, file, passphrase)  # type: ignore[attr-defined]
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{file} cannot be switched to write-ahead logging ({mode})")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


class _PlainConnection(sqlite3.Connection):
    """A standard library connection that can run `after_close` once it is closed."""

    after_close: Callable[[], None] | None = None

    def close(self) -> None:
        super().close()
        done, self.after_close = self.after_close, None
        if done is not None:
            done()


def _open_plain(file: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"file:{quote(str(file.resolve()))}?mode=ro"
        return sqlite3.connect(uri, uri=True, isolation_level=None, factory=_PlainConnection)
    return sqlite3.connect(str(file), isolation_level=None, factory=_PlainConnection)


def side_files(file: Path) -> tuple[Path, Path]:
    """The write-ahead log and shared-memory index SQLite keeps beside a file in WAL mode."""
    return file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")


def _tidy(file: Path, passphrase: str | None) -> None:
    """Remove the empty -wal and -shm a read-only connection left, the way SQLite does.

    They cannot simply be deleted: another process may have opened the file meanwhile. A
    read-write connection that reads the schema and closes removes them when it is the last
    connection to the file (checkpointing an empty log writes nothing), else leaves them to
    the one still open. A file or folder the user cannot write keeps them.
    """
    if not any(side.exists() for side in side_files(file)):
        return
    try:
        conn = (
            sqlite3.connect(str(file), isolation_level=None)
            if passphrase is None
            else open_keyed(file, passphrase)
        )
    except (sqlite3.Error, StoreError):
        return
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def open_keyed(
    file: Path, passphrase: str, *, readonly: bool = False, salt: bytes | None = None
) -> sqlite3.Connection:
    """An SQLCipher connection with the key given and checked, and no other pragma set.

    The backup API and `sqlcipher_export` need exactly this; `connect` adds the pragmas.
    The key is derived here once per passphrase and salt in the process (see `derived_key`) and
    given as a raw key: an existing file's salt is read from its first bytes, a new file gets a
    fresh one, or `salt` (so a backup can share its source's key).
    """
    if not passphrase or "\x00" in passphrase:
        raise StoreError("a passphrase cannot be empty or contain a NUL character")
    if salt is None:
        # A new (empty) file gets a fresh salt of ours, so its key is derived here too, once.
        salt = file_salt(file) if is_encrypted(file) else new_salt()
    conn = open_cipher(file, readonly=readonly)
    try:
        conn.execute(f"PRAGMA key = {raw_key(passphrase, salt)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_CORRUPT":
            # The key opened the first page, so it is right: the file is cut short or damaged.
            raise StoreError(
                f"{file} is damaged (SQLite says: {exc}); open your latest backup copy instead"
            ) from None
        raise WrongPassphrase(
            f"the passphrase is wrong for {file}; check it and try again (nothing was changed)"
        ) from None
    except BaseException:
        conn.close()
        raise
    return conn


@functools.lru_cache(maxsize=16)
def derived_key(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key for a passphrase and a file's salt (PBKDF2-HMAC-SHA512, 256,000 rounds).

    Deriving it is the slow part of opening an encrypted file (about 0.1 s); a command opens a
    file several times (checks, store, backup), so it is derived once and given as a raw key.
    """
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, _KDF_ROUNDS, 32)


def raw_key(passphrase: str, salt: bytes) -> str:
    """The SQL literal of SQLCipher's raw key and salt for a passphrase (`PRAGMA key = ...`,
    `ATTACH ... KEY ...`): SQLCipher then runs no key derivation of its own."""
    return f"\"x'{derived_key(passphrase, salt).hex()}{salt.hex()}'\""


def new_salt() -> bytes:
    """A salt for a new encrypted file (SQLCipher's size, from the system's random source)."""
    return os.urandom(_SALT_BYTES)


def file_salt(file: Path) -> bytes:
    """The salt of an encrypted file: its first 16 bytes, stored in the clear by SQLCipher."""
    return read_header(file)[:_SALT_BYTES]


def open_cipher(file: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection through SQLCipher with no key yet: a plain file reads as plain SQLite.

    Moving a file between plain and encrypted (`sqlcipher_export`, the backup API) needs both
    sides on SQLCipher connections.
    """
    # Imported here: a plain file never loads SQLCipher (db/cipher.py).
    from db.file.cipher import cipher_connect

    if readonly:
        conn = cipher_connect(f"file:{quote(str(file.resolve()))}?mode=ro", uri=True)
    else:
        conn = cipher_connect(str(file))
    try:
        # SQLCipher logs a failed page check to stderr; a wrong passphrase is one sentence.
        conn.execute("PRAGMA cipher_log_level = NONE")
    except BaseException:
        conn.close()
        raise
    return conn


def quote_literal(text: str) -> str:
    """An SQL string literal (PRAGMA key and ATTACH ... KEY take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def is_encrypted(path: str | os.PathLike[str]) -> bool:
    """Whether the file looks like an SQLCipher file: whole pages, but no SQLite header.

    Without the key an encrypted file cannot be told from random bytes of the same length, so
    this is "encrypted or not SQLite"; a text file (not whole pages) is never taken for one.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        header = read_header(file)
    except OSError:
        return False
    return size > 0 and size % _SMALLEST_PAGE == 0 and not header.startswith(SQLITE_MAGIC)


def create_private(file: Path) -> None:
    """Create an empty file with mode 0600, refusing a path that already exists."""
    try:
        fd = os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise StoreError(f"{file} already exists; choose a new file name") from None
    except OSError as exc:
        raise StoreError(f"{file} cannot be created ({exc.strerror}); check the folder") from None
    os.close(fd)
    os.chmod(file, 0o600)  # the umask may have narrowed it further, never widened it


def read_header(file: Path) -> bytes:
    """The first 100 bytes of a file (SQLite's database header), read without SQLite."""
    with open(file, "rb") as handle:
        return handle.read(100)
