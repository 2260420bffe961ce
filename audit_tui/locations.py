"""Default places for inspection files and settings; nothing is computed at import time."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "audit-tui"


def data_dir() -> Path:
    """Where inspection files, the demo and backups live unless a path is given.

    AUDIT_TUI_HOME overrides it, so tests and a second profile never touch the real one.
    """
    override = os.environ.get("AUDIT_TUI_HOME")
    path = Path(override) / "data" if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def config_dir() -> Path:
    """Where settings such as the last file opened are kept."""
    override = os.environ.get("AUDIT_TUI_HOME")
    path = (
        Path(override) / "config" if override else Path(user_config_dir(APP_NAME, appauthor=False))
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def backups_dir() -> Path:
    """Where the rotating backups of inspection files are kept (owner-only)."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def demo_path(bank_id: str = "fji-2014") -> Path:
    """The demo inspection on a bank: one file per bank, so no demo replaces another."""
    return data_dir() / f"demo-{bank_id}.sqlite"


def file_label(path: str | Path, kind: str) -> str:
    """How the interface names a file: 'lambeth-AS.sqlite (split for AS)'."""
    name = Path(path).name
    return f"{name} ({kind})" if kind else name
