"""Small per-user settings kept between runs: the last inspection file used and the theme."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from audit_tui.locations import config_dir

SETTINGS_FILE = "settings.json"
RECENT = 8  # files the start screen lists


def _path() -> Path:
    return config_dir() / SETTINGS_FILE


def load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: Any) -> None:
    """Merge changes into the settings file, replacing it atomically."""
    data = load()
    data.update(changes)
    path = _path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def last_file() -> Path | None:
    """The inspection file opened last, if it still exists."""
    value = load().get("last_file")
    if not isinstance(value, str):
        return None
    path = Path(value)
    return path if path.is_file() else None


def remember_file(path: str, kind: str, inspector: str = "") -> None:
    """The file opened now is the last file used, first of the recent files (with what it is
    and whose answers were given in it)."""
    recent = [r for r in recent_entries() if r["path"] != path]
    entry = {"path": path, "kind": kind, "inspector": inspector}
    save(last_file=path, recent=[entry, *recent][:RECENT])


def recent_entries() -> list[dict[str, str]]:
    """The recent files as kept: {"path", "kind", "inspector"}, the latest first."""
    value = load().get("recent")
    if not isinstance(value, list):
        return []
    return [
        {
            "path": str(r["path"]),
            "kind": str(r.get("kind", "")),
            "inspector": str(r.get("inspector", "")),
        }
        for r in value
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    ]


def inspector_for(path: Path | str) -> str | None:
    """The inspector who last worked in the file at `path` on this machine, if any."""
    wanted = Path(path).resolve()
    for entry in recent_entries():
        if entry["inspector"] and Path(entry["path"]).resolve() == wanted:
            return entry["inspector"]
    return None


def recent_files() -> list[tuple[Path, str]]:
    """The recent files that still exist, the latest first, with what each is."""
    return [(Path(r["path"]), r["kind"]) for r in recent_entries() if Path(r["path"]).is_file()]
