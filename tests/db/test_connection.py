"""The one place connections are opened: durability pragmas, private files, read-only opens."""

from __future__ import annotations

import hashlib
import sqlite3
import stat

import pytest

from db.errors import StoreError
from db.file.connection import connect


def test_write_connection_has_the_durability_pragmas(tmp_path):
    conn = connect(tmp_path / "new.inspection", create=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm"):
        side = tmp_path / f"new.inspection{suffix}"
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600, suffix


def test_create_refuses_an_existing_file_and_unknown_options(tmp_path):
    path = tmp_path / "there.inspection"
    path.write_bytes(b"keep me")
    with pytest.raises(StoreError, match="already exists"):
        connect(path, create=True)
    assert path.read_bytes() == b"keep me"
    with pytest.raises(StoreError, match="cannot open files with key_file"):
        connect(path, key_file="secret")
    with pytest.raises(StoreError, match="there is no inspection file"):
        connect(tmp_path / "missing.inspection")


def test_readonly_connection_never_writes(store, store_path):
    store.record_answer("C001", "A1", "yes", inspector="JS")
    store.close()
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    conn = connect(store_path, readonly=True)
    try:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO ui_state VALUES ('k', 'v', 'now')")
    finally:
        conn.close()
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before


def _beside(path):
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_a_readonly_connection_leaves_no_wal_or_shm_it_made(store, store_path):
    store.close()
    assert _beside(store_path) == [store_path.name]
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    conn = connect(store_path, readonly=True)
    conn.execute("SELECT COUNT(*) FROM answers").fetchone()
    assert f"{store_path.name}-shm" in _beside(store_path)  # SQLite's, while it is open
    conn.close()
    assert _beside(store_path) == [store_path.name]
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before


def test_a_readonly_connection_leaves_the_side_files_of_a_connection_still_open(store, store_path):
    """Another process (here: the store) has the file open: its -wal and -shm stay."""
    store.record_answer("C001", "A1", "yes", inspector="JS")
    conn = connect(store_path, readonly=True)
    assert conn.execute("SELECT value FROM answers").fetchone() == ("yes",)
    conn.close()
    assert {f"{store_path.name}-wal", f"{store_path.name}-shm"} <= set(_beside(store_path))
    assert store.answer("C001", "A1").value == "yes"


def test_an_encrypted_files_key_is_derived_once_per_process(store_path, bank):
    """SQLCipher's key derivation is the cost of opening an encrypted file (#14 item 4)."""
    from db.file.connection import derived_key
    from db.file.store import InspectionStore
    from db.reporting import figures

    derived_key.cache_clear()
    passphrase = "a long enough passphrase"
    InspectionStore.create(store_path, area="Lambeth", bank=bank, passphrase=passphrase).close()
    for readonly in (True, False, True):
        with InspectionStore.open(store_path, readonly=readonly, passphrase=passphrase) as store:
            figures.theme_scores(store)
    info = derived_key.cache_info()
    assert info.misses == 1 and info.hits >= 6
    assert _beside(store_path) == [store_path.name]
