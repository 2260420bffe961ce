"""Rotating backups (SQLite's backup API): taken, rate-limited, pruned, listed and restored."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from db.errors import StoreError
from db.file.connection import is_encrypted
from db.file.store import InspectionStore
from db.protection import backup

PASSPHRASE = "correct horse battery"
T0 = datetime(2015, 3, 16, 9, 0, tzinfo=UTC)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "data" / "backups"


@pytest.fixture
def closed(store, store_path):
    store.record_answer("C001", "A1", "yes", inspector="JS")
    store.close()
    return store_path


def test_a_backup_is_private_named_and_holds_the_file(closed, root):
    taken = backup.take_backup(closed, root, now=T0)
    assert taken is not None and taken.parent.name.startswith(f"{closed.stem}-")
    assert _mode(taken) == 0o600 and _mode(taken.parent) == 0o700 and _mode(root) == 0o700
    with InspectionStore.open(closed, readonly=True) as store:
        inspection = store.inspection.id[:8]
    [listed] = backup.list_backups(closed, root)
    assert (listed.number, listed.path, listed.taken_at) == (1, taken, T0)
    assert listed.inspection == inspection and not listed.encrypted
    with InspectionStore.open(taken, readonly=True) as copy:
        assert copy.answer("C001", "A1").value == "yes"
    assert sorted(p.name for p in taken.parent.iterdir()) == [taken.name]


def test_at_most_one_backup_per_interval_and_the_last_ones_are_kept(closed, root):
    assert backup.take_backup(closed, root, now=T0) is not None
    assert backup.take_backup(closed, root, now=T0 + timedelta(minutes=9)) is None
    assert backup.take_backup(closed, root, now=T0 + timedelta(minutes=9), force=True)
    for minutes in (20, 40, 60):
        backup.take_backup(closed, root, now=T0 + timedelta(minutes=minutes), keep=3)
    found = backup.list_backups(closed, root)
    assert [b.number for b in found] == [1, 2, 3]
    assert [b.taken_at for b in found] == [T0 + timedelta(minutes=m) for m in (60, 40, 20)]


def test_a_backup_cut_short_by_a_kill_is_removed_by_a_later_one(closed, root):
    first = backup.take_backup(closed, root, now=T0)
    assert first is not None
    # What a process killed while copying leaves, an hour and more ago; and one being written
    # by another audit-tui now.
    stale = first.with_name(first.name.replace("20150316T0900", "20150316T0700") + ".partial")
    fresh = first.with_name(first.name.replace("20150316T0900", "20150316T1059") + ".partial")
    for partial, written in ((stale, T0 - timedelta(hours=2)), (fresh, T0 + timedelta(hours=2))):
        partial.write_bytes(b"half a copy")
        os.utime(partial, (written.timestamp(), written.timestamp()))
    assert backup.take_backup(closed, root, now=T0 + timedelta(hours=2, minutes=30))
    assert not stale.exists() and fresh.exists()
    assert len(backup.list_backups(closed, root)) == 2


def test_backups_of_an_encrypted_file_are_encrypted(tmp_path, bank, make_case, root):
    path = tmp_path / "secret.inspection"
    store = InspectionStore.create(path, area="Lambeth", bank=bank, passphrase=PASSPHRASE)
    store.add_cases([make_case("C001")])
    store.close()
    with pytest.raises(StoreError, match="passphrase is needed"):
        backup.take_backup(path, root, now=T0)
    taken = backup.take_backup(path, root, passphrase=PASSPHRASE, now=T0)
    assert taken is not None and is_encrypted(taken)
    assert b"C001" not in taken.read_bytes()
    assert backup.list_backups(path, root)[0].encrypted
    with InspectionStore.open(taken, readonly=True, passphrase=PASSPHRASE) as copy:
        assert [c.case_ref for c in copy.cases()] == ["C001"]
    assert backup.remove_plain_backups(path, root) == 0


def test_restore_puts_a_backup_back_and_keeps_the_file_it_replaces(closed, root):
    backup.take_backup(closed, root, now=T0)
    with InspectionStore.open(closed) as store:
        store.record_answer("C002", "A1", "no", inspector="KM")
    done = backup.restore_backup(closed, root, 1, now=T0 + timedelta(minutes=1))
    assert done.backup.taken_at == T0 and done.kept is not None
    with InspectionStore.open(closed) as store:
        assert store.answer("C002", "A1") is None
        assert store.answer("C001", "A1").value == "yes"
    with InspectionStore.open(done.kept, readonly=True) as kept:
        assert kept.answer("C002", "A1").value == "no"
    assert [b.path for b in backup.list_backups(closed, root)] == [done.kept, done.backup.path]
    assert _mode(closed) == 0o600


def test_a_damaged_file_is_kept_as_it_was_when_a_backup_is_restored(closed, root):
    backup.take_backup(closed, root, now=T0)
    closed.write_bytes(b"\0" * 4096)
    done = backup.restore_backup(closed, root, 1, now=T0 + timedelta(minutes=1))
    assert done.kept is not None and done.kept.read_bytes() == b"\0" * 4096
    with InspectionStore.open(closed) as store:
        assert store.answer("C001", "A1").value == "yes"


def test_a_backup_of_another_inspection_or_none_at_all_is_refused(closed, root, tmp_path, bank):
    # Another inspection's file once lay at the same path, and was backed up there.
    aside = tmp_path / "aside.inspection"
    closed.rename(aside)
    InspectionStore.create(closed, area="Croydon", bank=bank).close()
    backup.take_backup(closed, root, now=T0)
    closed.unlink()
    aside.rename(closed)
    before = closed.read_bytes()
    with pytest.raises(StoreError, match="is of another inspection"):
        backup.restore_backup(closed, root, 1, now=T0 + timedelta(minutes=1))
    with pytest.raises(StoreError, match="there is no backup 5 of"):
        backup.restore_backup(closed, root, 5)
    assert closed.read_bytes() == before


def test_files_of_one_name_in_two_folders_keep_their_own_backups(closed, root, tmp_path, bank):
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    other = other_folder / closed.name
    InspectionStore.create(other, area="Croydon", bank=bank).close()
    taken = backup.take_backup(other, root, now=T0)
    assert [b.path for b in backup.list_backups(other, root)] == [taken]
    assert backup.list_backups(closed, root) == []
