"""Opening an inspection file for the interface, with a rotating backup when it is for writing.

The CLI and the TUI both open files here, so both leave the same backups in the user data
folder (`locations.backups_dir()`): at most one every ten minutes, the last ten kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from db.errors import StoreError
from db.file.store import InspectionStore
from db.protection.backup import take_backup


def open_store(
    path: Path,
    *,
    readonly: bool = False,
    passphrase: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> InspectionStore:
    """Open the store; when it is for writing, take the rotating backup (a failure only warns)."""
    store = InspectionStore.open(path, readonly=readonly, passphrase=passphrase)
    if not readonly:
        backup_file(store.path, passphrase if store.encrypted else None, warn=warn)
    return store


def backup_file(
    path: Path,
    passphrase: str | None,
    *,
    warn: Callable[[str], None] | None = None,
) -> Path | None:
    """Take the rotating backup of a file unless one is recent; `passphrase` for an encrypted
    file. A failure is said to `warn`, never raised."""
    from audit_tui.locations import backups_dir

    try:
        return take_backup(path, backups_dir(), passphrase=passphrase)
    except (StoreError, OSError) as exc:
        if warn is not None:
            reason = exc if isinstance(exc, StoreError) else exc.strerror
            warn(f"no backup of {path} was taken ({reason})")
        return None
