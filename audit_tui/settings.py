"""Small per-user settings kept between runs: the last inspection file used and the theme."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from audit_tui.locations import config_dir

SETTINGS_FILE = "settings.json"


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
