"""What marks a file as an inspection file and which schema it has, read without sqlite-utils.

The checks every file passes before it is opened (db/checks.py) need only these, and they run
before the first frame of the interface; the migrations themselves (db/schema.py, which
re-exports every name here) load sqlite-utils and run only when a file needs them.
"""

from __future__ import annotations

import sqlite3

# 'AUDT': marks the file as an inspection for `file(1)` and for our own checks.
APPLICATION_ID = 0x41554454
MIGRATION_SET = "audit-tui"

# The schema version this program writes and reads: the number of migrations it knows.
SCHEMA_VERSION = 6
KNOWN_MIGRATIONS = (
    "m001_inspection_file",
    "m002_history_chain",
    "m003_collation",
    "m004_judgements",
    "m005_band_sets",
    "m006_record_chains",
)

# sqlite-utils' record of applied migrations (`sqlite_utils.Migrations.migrations_table`).
MIGRATIONS_TABLE = "_sqlite_migrations"


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The names of our migrations the file records as applied, in order (read-only)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not exists:
        return []
    return [
        name
        for (name,) in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        )
    ]
