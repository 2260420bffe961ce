"""Snapshots of the dashboard and of one theme's chart beside the rest, at 80x24 and 120x40.

The inspection is the fixed one of conftest.py, with judgements recorded under its fixed clock,
so the pictures are the same on every run. `pytest --snapshot-update` accepts new ones.
"""

from __future__ import annotations

import pytest

from audit_tui.app import make_app
from audit_tui.screens.figure_dialogs import GroupPicker
from db.file.store import InspectionStore

from .conftest import FixedClock, at_snapshot_sizes, press_settled, settle


@pytest.fixture
def judged(inspection):
    with InspectionStore.open(inspection, clock=FixedClock()) as store:
        store.record_judgement(5, "Unsatisfactory", "Board attendance was poor.", by="AB")
        store.record_judgement(1, "Satisfactory", "Strong custody work.", by="AB")
    return inspection


def _run(path, *keys: str, compare: str | None = None):
    app = make_app(path, remember=False)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await press_settled(app, pilot, "f2")
        if compare is not None:
            await press_settled(app, pilot, "c")
            picker = app.screen
            assert isinstance(picker, GroupPicker)
            picker.dismiss(("custody", True))
            await settle(app, pilot)
        await press_settled(app, pilot, *keys)

    return app, run_before


@at_snapshot_sizes
def test_dashboard(snap_compare, judged, size):
    app, run_before = _run(judged)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@at_snapshot_sizes
def test_theme_chart_of_a_group_beside_the_rest(snap_compare, judged, size):
    app, run_before = _run(judged, "2", compare="custody")
    assert snap_compare(app, terminal_size=size, run_before=run_before)
