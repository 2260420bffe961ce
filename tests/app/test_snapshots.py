"""Snapshots of the case list, the interview and the completion dialog at 80x24 and 120x40,
and at 80x24 of the dashboard, its filter and compare dialogs, help, moderation and a case list
filtered to nothing.

The inspection is built from fixed data with a fixed clock and nothing on screen shows the
time, so the pictures are the same on every run. `pytest --snapshot-update` accepts new ones.
"""

from __future__ import annotations

import time

import pytest

from audit_tui.app import make_app

from .conftest import at_snapshot_sizes, press_settled, settle
from .test_moderation import collated_with_conflict


def _run(app_for, *keys: str):
    """A run_before that waits for the file, presses keys and waits for every write."""
    app = app_for()

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await press_settled(app, pilot, *keys)

    return app, run_before


@at_snapshot_sizes
def test_case_list(snap_compare, app_for, size):
    app, run_before = _run(app_for)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@at_snapshot_sizes
def test_interview(snap_compare, app_for, size):
    app, run_before = _run(app_for, "down", "enter", "y", "n", "n", *"no ETE", "ctrl+s")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@at_snapshot_sizes
def test_completion_dialog(snap_compare, app_for, size):
    app, run_before = _run(app_for, "enter", "y", "c")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- at 80x24: every screen and dialog with its footer (the smallest terminal the app must fit) --

SMALL = (80, 24)


@pytest.fixture
def utc(monkeypatch):
    """Moderation shows times in local time: UTC here, so the picture is the same anywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_dashboard_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "f2")
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_filter_dialog_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "f2", "f", *["down"] * 12)
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_compare_dialog_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "f2", "c", *["down"] * 12)
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_help_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "question_mark")
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_moderation_at_80x24(snap_compare, tmp_path, bank, utc):
    app = make_app(collated_with_conflict(tmp_path, bank), remember=False, start_with="moderation")

    async def run_before(pilot) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_empty_case_list_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "i", "s", "p", "p", "p")
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)
