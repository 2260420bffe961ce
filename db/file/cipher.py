"""SQLCipher connections whose errors are the standard library's sqlite3 exceptions.

Loaded only when an encrypted file is opened (db/connection.py imports it then), so that
opening a plain file never loads SQLCipher. No caller (the store, sqlite-utils' migrations)
has to know which kind of file it holds: `except sqlite3.Error` catches both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any, cast

import sqlcipher3.dbapi2 as cipher  # type: ignore[import-untyped]


def cipher_connect(database: str, *, uri: bool = False) -> sqlite3.Connection:
    """A SQLCipher connection (no key given yet) in autocommit mode, sqlite3's errors."""
    conn = cipher.connect(database, uri=uri, isolation_level=None, factory=_CipherConnection)
    return cast(sqlite3.Connection, conn)


def _translated(exc: BaseException) -> sqlite3.Error:
    """The sqlite3 exception of the same name, so `except sqlite3.Error` catches it."""
    kind = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    new = kind(*exc.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attr):
            setattr(new, attr, getattr(exc, attr))
    return new


class _CipherCursor(cipher.Cursor):  # type: ignore[misc]
    """A SQLCipher cursor whose errors are sqlite3's."""

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        try:
            return super().execute(sql, parameters)
        except cipher.Error as exc:
            raise _translated(exc) from None

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> Any:
        try:
            return super().executemany(sql, seq_of_parameters)
        except cipher.Error as exc:
            raise _translated(exc) from None

    def executescript(self, script: str) -> Any:
        try:
            return super().executescript(script)
        except cipher.Error as exc:
            raise _translated(exc) from None

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except cipher.Error as exc:
            raise _translated(exc) from None

    def fetchmany(self, size: int | None = None) -> Any:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except cipher.Error as exc:
            raise _translated(exc) from None

    def fetchall(self) -> Any:
        try:
            return super().fetchall()
        except cipher.Error as exc:
            raise _translated(exc) from None

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except cipher.Error as exc:
            raise _translated(exc) from None


class _CipherConnection(cipher.Connection):  # type: ignore[misc]
    """A SQLCipher connection whose cursors and errors look like sqlite3's.

    `after_close`, when set, runs once the connection is closed (db.file.connection tidies the
    side files a read-only connection leaves).
    """

    after_close: Any = None

    def close(self) -> None:
        super().close()
        done, self.after_close = self.after_close, None
        if done is not None:
            done()

    def cursor(self, factory: Any = _CipherCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)

    def executescript(self, script: str) -> Any:
        return self.cursor().executescript(script)

    def commit(self) -> None:
        try:
            super().commit()
        except cipher.Error as exc:
            raise _translated(exc) from None

    def rollback(self) -> None:
        try:
            super().rollback()
        except cipher.Error as exc:
            raise _translated(exc) from None

    def backup(self, target: Any, **kwargs: Any) -> None:
        try:
            super().backup(target, **kwargs)
        except cipher.Error as exc:
            raise _translated(exc) from None
