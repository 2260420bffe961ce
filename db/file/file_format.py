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
SCHEMA_VERSION = 7
KNOWN_MIGRATIONS = (
    "m001_inspection_file",
    "m002_history_chain",
    "m003_collation",
    "m004_judgements",
    "m005_band_sets",
    "m006_record_chains",
    "m007_record_heads",
)

# The digest of each schema version's sqlite_master as our migrations make it
# (db.file.checks.schema_digest of db.file.checks.expected_schema; tests/db/test_file_format.py
# checks them). The gate compares a file's digest with its version's on every open, without
# loading sqlite-utils; a version missing here is compared by running the migrations (slower).
# A recorded digest never changes: files of that version hold that schema, so a migration's SQL
# (comments inside a CREATE included) is never edited once released; a new migration is added.
SCHEMA_DIGESTS: dict[int, str] = {
    1: "d1df626020b4fc1a3840f66a6b4e2fbbc660148637156f294df9dbcf51cde533",
    2: "f3599d20bc51e11f9fd8ead412b4a762ddcc1c96bb9f4bd7b0de62ce448a03f2",
    3: "cd5ba96c72ce217166d2576c503ce414f1df7e64d50f5a05f73a5f9b2b0bbba2",
    4: "23871c7ac553525854ffa477aad592cf59835b0986e512a4f9c587c275332fc8",
    5: "e8a16728b012476749702add311910c131b0635d3a9a84abe7ca3812c52a50e2",
    6: "216e21a9d723faa24ca18341d50dcd57a8f76b835eb226c0aaa3caa457c77e26",
    7: "eddcc3b5882983cf7be0a13b6271448fcafafa2205329201a9edca8d7129c30c",
}

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
