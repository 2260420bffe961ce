"""Every test keeps audit-tui's user folders (settings, automatic backups) in its own tmp_path;
no property test has a time limit per example (hypothesis' 200 ms deadline fails on a busy
machine, and no test may depend on how fast the machine is)."""

from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("any-machine", deadline=None)
settings.load_profile("any-machine")


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """AUDIT_TUI_HOME for the test: files opened for writing leave their backups there."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AUDIT_TUI_HOME", str(home))
    monkeypatch.delenv("AUDIT_TUI_PASSPHRASE", raising=False)
    return home
