"""The one place SQLite connections to an inspection file are opened.

Encryption with a passphrase will be added here, which is why every caller goes through
`connect` and why it takes `**options` it passes on: no caller has to change when it comes.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from db.errors import StoreError

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(
    path: str | os.PathLike[str],
    *,
    readonly: bool = False,
    create: bool = False,
    **options: Any,
) -> sqlite3.Connection:
    """Open a connection with the durability pragmas: WAL, synchronous=FULL, foreign keys.

    `create` makes a new file readable by its owner only and refuses one that exists.
    `readonly` opens through a `mode=ro` URI and never writes (no WAL switch, no migrations).
    `options` is reserved for the passphrase of an encrypted file; none is understood yet.
    """
    if options:
        names = ", ".join(sorted(options))
        raise StoreError(f"this version of audit-tui cannot open files with {names}; update it")
    file = Path(path)
    if create and readonly:
        raise ValueError("a file cannot be created read-only")
    if create:
        _create_private(file)
    elif not file.exists():
        raise StoreError(f"there is no inspection file at {file}; check the path")
    if readonly:
        uri = f"file:{quote(str(file.resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(file), isolation_level=None)
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


def _create_private(file: Path) -> None:
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
