"""db/file_format.py reads what sqlite-utils' migrations write, without loading sqlite-utils."""

from __future__ import annotations

import subprocess
import sys

from sqlite_utils import Database

from db.file.connection import connect
from db.file.file_format import KNOWN_MIGRATIONS, SCHEMA_VERSION, applied_migrations
from db.file.schema import migrations
from db.file.store import InspectionStore
from question_bank.loader import load_shipped


def test_known_migrations_are_the_registered_ones():
    assert tuple(m.name for m in migrations._migrations) == KNOWN_MIGRATIONS
    assert len(KNOWN_MIGRATIONS) == SCHEMA_VERSION


def test_applied_migrations_read_as_sqlite_utils_reads_them(tmp_path):
    path = tmp_path / "f.inspection"
    InspectionStore.create(path, area="Format", bank=load_shipped("fji-2014")).close()
    conn = connect(path, readonly=True)
    try:
        by_sqlite_utils = [m.name for m in migrations.applied(Database(conn))]
        assert applied_migrations(conn) == by_sqlite_utils == list(KNOWN_MIGRATIONS)
    finally:
        conn.close()
    empty = connect(tmp_path / "empty.sqlite", create=True)
    try:
        assert applied_migrations(empty) == []
    finally:
        empty.close()


def test_checking_a_file_loads_neither_sqlite_utils_nor_sqlcipher(tmp_path):
    path = tmp_path / "f.inspection"
    InspectionStore.create(path, area="Format", bank=load_shipped("fji-2014")).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from db.file.checks import check_file\n"
        f"check_file(Path({str(path)!r}))\n"
        "print(sorted(m for m in ('sqlite_utils', 'sqlcipher3', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_schema_version_has_the_digest_its_migrations_make():
    """The gate compares a file's sqlite_master with these digests on every open."""
    from db.file.checks import expected_schema, schema_digest
    from db.file.file_format import SCHEMA_DIGESTS

    made = {v: schema_digest(expected_schema(v)) for v in range(1, SCHEMA_VERSION + 1)}
    assert made == SCHEMA_DIGESTS, (
        "a migration now makes another schema than files made before it hold, so the gate would "
        "refuse every one of them: put the migration's SQL back and add a new migration (then "
        f"record the new version's digest in db/file/file_format.py); the digests made: {made}"
    )


def test_a_file_made_by_the_store_has_its_versions_digest(tmp_path):
    from db.file.checks import schema_digest, schema_of
    from db.file.file_format import SCHEMA_DIGESTS

    path = tmp_path / "f.inspection"
    InspectionStore.create(path, area="Format", bank=load_shipped("fji-2014")).close()
    conn = connect(path, readonly=True)
    try:
        assert schema_digest(schema_of(conn)) == SCHEMA_DIGESTS[SCHEMA_VERSION]
    finally:
        conn.close()
