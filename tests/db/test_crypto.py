"""Encrypted inspection files: unreadable without the passphrase, the same store with it."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import subprocess
import sys

import pytest

from db.errors import StoreError
from db.file.checks import check_file
from db.file.connection import WrongPassphrase, connect, is_encrypted
from db.file.store import InspectionStore
from db.protection import crypto

PASSPHRASE = "correct horse battery"
NOTE = "Mother says the school excluded him twice"


def _fill(store: InspectionStore, make_case) -> None:
    store.add_cases([make_case("C001"), make_case("C002", disposal="dto", rosh="high")])
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTE)
    store.record_answer("C001", "A2", "no", inspector="JS", note="Plan ignored ETE")
    store.record_answer("C002", "A1", "no", inspector="JS")
    store.set_state("last_case", "C002")


@pytest.fixture
def encrypted(tmp_path, bank, clock, make_case):
    path = tmp_path / "secret.inspection"
    store = InspectionStore.create(
        path, area="Lambeth", bank=bank, lead="AB", clock=clock, passphrase=PASSPHRASE
    )
    _fill(store, make_case)
    store.close()
    return path


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path):
    return sorted(p.name for p in path.parent.iterdir())


def test_encrypted_file_has_no_header_and_no_text(encrypted):
    data = encrypted.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert is_encrypted(encrypted)
    assert stat.S_IMODE(encrypted.stat().st_mode) == 0o600
    for text in (NOTE, "Plan ignored", "C001", "Lambeth", "answer_history", "referral_order"):
        assert text.encode() not in data, text
    assert _siblings(encrypted) == ["secret.inspection"]  # the write-ahead log went with close


def test_write_ahead_log_is_encrypted_too(tmp_path, bank, make_case):
    path = tmp_path / "open.inspection"
    store = InspectionStore.create(path, area="Lambeth", bank=bank, passphrase=PASSPHRASE)
    _fill(store, make_case)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    assert NOTE.encode() not in wal.read_bytes() and b"C001" not in wal.read_bytes()
    store.close()


def test_opens_with_the_passphrase_as_the_same_store(encrypted):
    with InspectionStore.open(encrypted, passphrase=PASSPHRASE) as store:
        assert store.encrypted
        assert [c.case_ref for c in store.cases()] == ["C001", "C002"]
        assert store.answer("C001", "A1").note == NOTE
        assert store.get_state("last_case") == "C002"
        assert store.verify_history().ok
        store.record_answer("C002", "A3", "yes", inspector="JS")
    with InspectionStore.open(encrypted, readonly=True, passphrase=PASSPHRASE) as store:
        assert store.answer("C002", "A3").value == "yes"
        # SQLCipher's errors arrive as sqlite3's, so the store's own handling still applies.
        with pytest.raises(sqlite3.OperationalError):
            store._conn.execute("SELECT * FROM no_such_table")


def test_append_only_trigger_raises_sqlite3_errors_through_sqlcipher(encrypted):
    conn = connect(encrypted, passphrase=PASSPHRASE)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM answer_history")
    finally:
        conn.close()


@pytest.mark.parametrize("passphrase", [None, "wrong horse battery", PASSPHRASE.upper()])
def test_without_the_right_passphrase_nothing_is_read_or_written(encrypted, passphrase):
    before, files = _digest(encrypted), _siblings(encrypted)
    with pytest.raises(StoreError) as refused:
        InspectionStore.open(encrypted, passphrase=passphrase)
    message = str(refused.value)
    if passphrase is None:
        assert "is encrypted or not an SQLite file: give its passphrase" in message
        assert "--passphrase-file or AUDIT_TUI_PASSPHRASE" in message
    else:
        assert isinstance(refused.value, WrongPassphrase)
        assert message.startswith(f"the passphrase is wrong for {encrypted};")
        assert passphrase not in message
    assert _digest(encrypted) == before
    assert _siblings(encrypted) == files


def test_a_plain_file_ignores_a_passphrase_and_a_text_file_is_not_taken_for_encrypted(
    store, store_path, tmp_path
):
    store.close()
    with InspectionStore.open(store_path, passphrase=PASSPHRASE) as again:
        assert not again.encrypted
    text = tmp_path / "cases.inspection"
    text.write_text("case_ref,age\nC001,15\n", encoding="utf-8")
    assert not is_encrypted(text)
    with pytest.raises(StoreError, match="is not an SQLite file"):
        check_file(text, PASSPHRASE)


def test_encrypt_then_decrypt_keeps_everything(store, store_path):
    _fill_small(store)
    store.close()
    plain = _content(store_path, None)
    done = crypto.encrypt_file(store_path, PASSPHRASE)
    assert done.encrypted and done.history_rows == plain["answer_history"][0]
    assert is_encrypted(store_path) and NOTE.encode() not in store_path.read_bytes()
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    assert _siblings(store_path) == [store_path.name]  # the kept copy went once checked
    assert _content(store_path, PASSPHRASE) == plain
    with pytest.raises(StoreError, match="already encrypted"):
        crypto.encrypt_file(store_path, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        crypto.decrypt_file(store_path, "not the passphrase")
    crypto.decrypt_file(store_path, PASSPHRASE)
    assert not is_encrypted(store_path)
    assert _content(store_path, None) == plain
    with InspectionStore.open(store_path) as again:
        assert again.answer("C001", "A1").note == NOTE
        assert again.verify_history().ok
    with pytest.raises(StoreError, match="is not encrypted"):
        crypto.decrypt_file(store_path, PASSPHRASE)


def test_a_conversion_that_fails_its_check_leaves_the_file_as_it_was(
    store, store_path, monkeypatch
):
    _fill_small(store)
    store.close()
    before = _digest(store_path)

    def differs(*args, **kwargs):
        raise StoreError("the converted copy does not hold the same answers and history")

    monkeypatch.setattr(crypto, "_check_copy", differs)
    with pytest.raises(StoreError, match="does not hold the same"):
        crypto.encrypt_file(store_path, PASSPHRASE)
    assert _digest(store_path) == before
    assert _siblings(store_path) == [store_path.name]


def test_a_file_open_in_another_program_is_not_converted(store, store_path):
    _fill_small(store)
    store.close()
    before = _digest(store_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM cases').fetchone(); print('open', flush=True); "
            "sys.stdin.read()",
            str(store_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="is open in another program"):
            crypto.encrypt_file(store_path, PASSPHRASE)
    finally:
        holder.communicate("", timeout=10)
    assert _digest(store_path) == before
    crypto.encrypt_file(store_path, PASSPHRASE)  # once it is closed there
    assert is_encrypted(store_path)


def _fill_small(store: InspectionStore) -> None:
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTE)
    store.record_answer("C002", "A1", "no", inspector="KM")
    store.update_case("C003", rosh="high")


def _content(path, passphrase):
    conn = connect(path, readonly=True, passphrase=passphrase)
    try:
        return crypto.content_digest(conn)
    finally:
        conn.close()
