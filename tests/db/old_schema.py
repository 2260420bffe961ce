"""Files of an older schema, made from a new one by undoing its later migrations by hand."""

from __future__ import annotations

import sqlite3

from db.file.file_format import KNOWN_MIGRATIONS


def undo_record_heads(conn: sqlite3.Connection) -> None:
    """Undo m007: no record of the judgements' and band sets' last rows."""
    assert KNOWN_MIGRATIONS[-1] == "m007_record_heads", "a later migration: undo it here too"
    for table in ("judgements", "band_sets"):
        conn.execute(f"DROP TRIGGER {table}_head")
    conn.execute("DROP TABLE record_heads")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_record_heads'")
    conn.execute("PRAGMA user_version = 6")


def undo_record_chains(conn: sqlite3.Connection) -> None:
    """Undo m007 and m006: judgements and band sets without their hash column and its trigger."""
    undo_record_heads(conn)
    for table in ("judgements", "band_sets"):
        conn.execute(f"DROP TRIGGER {table}_needs_hash")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN hash")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_record_chains'")
    conn.execute("PRAGMA user_version = 5")
