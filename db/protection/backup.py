"""Rotating backups of an inspection file, taken with SQLite's backup API, and restoring one.

Backups live in a folder the interface chooses (the user data folder), one sub-folder per file
(its stem and a digest of its absolute path, so `a/L-JS.sqlite` and `b/L-JS.sqlite` never share
backups), owner-only (folders 0700, files 0600). A backup of an encrypted file is encrypted with the
same passphrase (the backup API copies the encrypted pages). Each backup's name carries the time
it was taken and the first 8 characters of the inspection id, so a backup of another inspection
with the same file name is never restored over this one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.errors import StoreError
from db.file.checks import check_file
from db.file.connection import connect, create_private, file_salt, is_encrypted, open_keyed

try:
    import fcntl
except ImportError:  # Windows: SQLite's locks there are not POSIX ones
    fcntl = None  # type: ignore[assignment]

KEEP = 10
_DMS_BYTE = 128  # WALINDEX_LOCK_OFFSET (120) + SQLITE_SHM_NLOCK (8): see SQLite's os_unix.c
MIN_INTERVAL = timedelta(minutes=10)
_STAMP = "%Y%m%dT%H%M%S%fZ"
STALE_PARTIAL = timedelta(hours=1)  # a half-written backup older than this was cut short
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<inspection>[0-9a-z]+)\.sqlite$")


@dataclass(frozen=True)
class Backup:
    """One backup: its number (1 is the newest), file, time, inspection and whether encrypted."""

    number: int
    path: Path
    taken_at: datetime
    inspection: str
    encrypted: bool
    size: int


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup put back, and where the file it replaced was kept."""

    backup: Backup
    kept: Path | None


def folder_for(file: Path, root: Path) -> Path:
    """The folder holding the backups of `file` (not created): its stem and where it lies."""
    where = hashlib.sha256(os.fsencode(file.resolve())).hexdigest()[:12]
    return root / f"{file.stem}-{where}"


def earlier_folder(file: Path, root: Path) -> Path | None:
    """The folder where earlier versions kept the backups of every file of this name (by stem
    alone, so files of one name in two folders shared it), when it holds any; never listed."""
    folder = root / file.stem
    if folder.is_dir() and any(_NAME.match(entry.name) for entry in folder.iterdir()):
        return folder
    return None


def _private_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for part in (folder.parent, folder):
        with contextlib.suppress(OSError):
            os.chmod(part, 0o700)
    return folder


def list_backups(file: Path, root: Path) -> list[Backup]:
    """The backups of `file`, newest first, numbered from 1."""
    folder = folder_for(file, root)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match or match["stem"] != file.stem or not entry.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        found.append((taken, entry, match["inspection"]))
    found.sort(key=lambda item: item[0], reverse=True)
    return [
        Backup(n, entry, taken, inspection, is_encrypted(entry), entry.stat().st_size)
        for n, (taken, entry, inspection) in enumerate(found, start=1)
    ]


def take_backup(
    file: Path,
    root: Path,
    *,
    passphrase: str | None = None,
    keep: int = KEEP,
    min_interval: timedelta = MIN_INTERVAL,
    now: datetime | None = None,
    force: bool = False,
    prune: bool = True,
) -> Path | None:
    """Back up `file` unless the newest backup is younger than `min_interval` (or `force`).

    Returns the new backup, or None when one was taken recently. Keeps the newest `keep`.
    """
    now = now or datetime.now(UTC)
    existing = list_backups(file, root)
    if not force and existing and now - existing[0].taken_at < min_interval:
        return None
    encrypted = is_encrypted(file)
    if encrypted and passphrase is None:
        raise StoreError(f"{file} is encrypted; its passphrase is needed to back it up")
    key = passphrase if encrypted else None
    folder = _private_folder(folder_for(file, root))
    _remove_stale_partials(folder, now)
    source = (
        open_keyed(file, key, readonly=True) if key is not None else connect(file, readonly=True)
    )
    try:
        row = source.execute("SELECT id FROM inspection").fetchone()
        inspection = str(row[0])[:8] if row else "unknown"
        target = folder / f"{file.stem}-{now.strftime(_STAMP)}-{inspection}.sqlite"
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        create_private(partial)
        try:
            copy = (
                open_keyed(partial, key, salt=file_salt(file))
                if key is not None
                else sqlite3.connect(str(partial), isolation_level=None)
            )
            try:
                source.backup(copy)
                # A backup is read, not written: without WAL, opening one leaves nothing beside it.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except sqlite3.Error as exc:
        raise StoreError(f"{file} could not be backed up (SQLite says: {exc})") from None
    finally:
        source.close()
    sync_folder(folder)
    if prune:
        prune_backups(file, root, keep)
    return target


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    """Remove the half-written backups a process killed while copying left (an hour old: a
    backup still being written by another audit-tui is left alone)."""
    for partial in folder.glob("*.sqlite.partial"):
        with contextlib.suppress(OSError):
            written = datetime.fromtimestamp(partial.stat().st_mtime, UTC)
            if now - written > STALE_PARTIAL:
                partial.unlink()


def prune_backups(file: Path, root: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest `keep` backups of `file`; returns those removed."""
    removed = []
    for backup in list_backups(file, root)[max(keep, 1) :]:
        remove_with_side_files(backup.path)
        removed.append(backup.path)
    return removed


def remove_plain_backups(file: Path, root: Path) -> int:
    """Remove the unencrypted backups of `file` (after it is encrypted); returns how many."""
    plain = [b for b in list_backups(file, root) if not b.encrypted]
    for backup in plain:
        remove_with_side_files(backup.path)
    return len(plain)


def restore_backup(
    file: Path,
    root: Path,
    number: int,
    *,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> Restored:
    """Put backup `number` back at `file`, after backing up the file it replaces.

    The backup is checked first (with the passphrase if it is encrypted); a backup of another
    inspection is refused; a damaged current file is kept byte for byte beside the backups.
    """
    backups = list_backups(file, root)
    chosen = next((b for b in backups if b.number == number), None)
    if chosen is None:
        count = f"it has {len(backups)}" if backups else "it has none"
        raise StoreError(
            f"there is no backup {number} of {file} ({count}); `audit-tui backups FILE` lists them"
        )
    if chosen.encrypted and passphrase is None:
        raise StoreError(
            f"backup {number} of {file} is encrypted: give its passphrase "
            "(--passphrase-file or AUDIT_TUI_PASSPHRASE)"
        )
    check_file(chosen.path, passphrase if chosen.encrypted else None)
    refuse_if_open_elsewhere(file)
    now = now or datetime.now(UTC)
    kept = _keep_current(file, root, chosen, passphrase, now) if file.exists() else None
    work = file.with_name(f".{file.name}.{os.getpid()}.restoring")
    work.unlink(missing_ok=True)
    create_private(work)
    try:
        shutil.copyfile(chosen.path, work)
        _fsync(work)
        refuse_if_open_elsewhere(file)
        settle(file)
        os.replace(work, file)
    except BaseException:
        remove_with_side_files(work)
        raise
    sync_folder(file.parent)
    check_file(file, passphrase if chosen.encrypted else None)
    prune_backups(file, root, KEEP)
    return Restored(chosen, kept)


def _keep_current(
    file: Path, root: Path, chosen: Backup, passphrase: str | None, now: datetime
) -> Path:
    """Back up the file about to be replaced; one that fails its checks is copied byte for byte.

    A file that cannot be checked (damaged, or encrypted and no passphrase given) is kept as
    `<stem>-<time>-unchecked.sqlite`, so restoring never loses what was there.
    """
    encrypted = is_encrypted(file)
    key = passphrase if encrypted else None
    try:
        check_file(file, key)
    except StoreError:
        folder = _private_folder(folder_for(file, root))
        unchecked = folder / f"{file.stem}-{now.strftime(_STAMP)}-unchecked.sqlite"
        create_private(unchecked)
        shutil.copyfile(file, unchecked)
        return unchecked
    conn = connect(file, readonly=True, passphrase=key)
    try:
        row = conn.execute("SELECT id FROM inspection").fetchone()
    finally:
        conn.close()
    current = str(row[0])[:8] if row else "unknown"
    if chosen.inspection not in (current, "unknown", "unchecked"):
        raise StoreError(
            f"backup {chosen.number} is of another inspection than {file} "
            f"({chosen.inspection}, not {current}); nothing was restored"
        )
    taken = take_backup(file, root, passphrase=key, now=now, force=True, prune=False)
    assert taken is not None
    return taken


def refuse_if_open_elsewhere(path: Path) -> None:
    """Refuse to replace a file another program has open (SQLite's own lock says so).

    Every connection to a WAL file holds a shared lock on one byte of its `-shm` index (the
    "DMS" byte, offset 128) for as long as it is open; SQLite takes it exclusively only when no
    one else has the file open, and so does this. Call it with no connection of this process
    open on the file: POSIX locks are per process, and closing the index drops them all.
    """
    shm = path.with_name(path.name + "-shm")
    if fcntl is None or not shm.exists():
        return
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _DMS_BYTE)
    except OSError:
        raise StoreError(
            f"{path} is open in another program (audit-tui?); close it there and try again "
            "(nothing was changed)"
        ) from None
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _DMS_BYTE)
    finally:
        os.close(fd)


def settle(path: Path) -> None:
    """Before a file is replaced: refuse if another program has it open, drop its empty log.

    A non-empty write-ahead log beside a file no one should have open means someone does; an
    empty log and the shared-memory index left by read-only opens would confuse the new file.
    """
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"{path} is open in another program (its write-ahead log is not empty); "
            "close it there and try again"
        )
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def remove_with_side_files(file: Path) -> None:
    """Remove a file and the -wal and -shm SQLite may have left beside it."""
    for suffix in ("", "-wal", "-shm"):
        file.with_name(file.name + suffix).unlink(missing_ok=True)


def _fsync(file: Path) -> None:
    fd = os.open(file, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make a rename durable (fsync of the folder), where the system allows it."""
    with contextlib.suppress(OSError):
        _fsync(folder)
