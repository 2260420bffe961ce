"""Files of an older schema, made from a new one by undoing its later migrations by hand."""

from __future__ import annotations

import sqlite3

from db.file.file_format import KNOWN_MIGRATIONS


def undo_record_chains(conn: sqlite3.Connection) -> None:
    """Undo m006: judgements and band sets without their hash column and its trigger."""
    assert KNOWN_MIGRATIONS[-1] == "m006_record_chains", "a later migration: undo it here too"
    for table in ("judgements", "band_sets"):
        conn.execute(f"DROP TRIGGER {table}_needs_hash")
        conn.execute(f"ALTER TABLE {table} DROP COLUMN hash")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_record_chains'")
    conn.execute("PRAGMA user_version = 5")
