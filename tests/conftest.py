"""Every test keeps audit-tui's user folders (settings, automatic backups) in its own tmp_path;
no property test has a time limit per example (hypothesis' 200 ms deadline fails on a busy
machine, and no test may depend on how fast the machine is); `-n auto` starts two workers a
core."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("any-machine", deadline=None)
settings.load_profile("any-machine")


def pytest_xdist_auto_num_workers(config) -> int:
    """Two workers a core: the interface tests spend half their time waiting for the terminal and
    for child processes. On a 2-core machine beside a CPU hog the suite took 250 s with 2 workers
    and 180 s with 4."""
    return 2 * (os.cpu_count() or 1)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """AUDIT_TUI_HOME for the test: files opened for writing leave their backups there."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AUDIT_TUI_HOME", str(home))
    monkeypatch.delenv("AUDIT_TUI_PASSPHRASE", raising=False)
    return home
