"""Snapshots of the case list, the interview and the completion dialog at 80x24 and 120x40.

The inspection is built from fixed data with a fixed clock and nothing on screen shows the
time, so the pictures are the same on every run. `pytest --snapshot-update` accepts new ones.
"""

from __future__ import annotations

from .conftest import at_snapshot_sizes, press_settled, settle


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
