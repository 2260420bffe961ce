"""The moderation screen: rule on a conflict and a second-read disagreement from the keyboard."""

from __future__ import annotations

import shutil

from textual.widgets import DataTable, Input, Select

from audit_tui.app import make_app
from audit_tui.screens.moderation import ModerationScreen, RulingDialog
from db.collation.collate import collate
from db.file.store import InspectionStore

from .conftest import FixedClock, build_inspection, screen_text, settle

SIZE = (100, 40)


def collated_with_conflict(tmp_path, bank):
    """Two copies of one file answering C01's A1 differently, and a second read of C01's R2."""
    base = build_inspection(tmp_path / "base.sqlite", bank)
    first, second = tmp_path / "km-monday.sqlite", tmp_path / "km-tuesday.sqlite"
    shutil.copyfile(base, first)
    shutil.copyfile(base, second)
    with InspectionStore.open(first, clock=FixedClock()) as store:
        store.record_answer("C01", "A1", "yes", inspector="KM", note="Full assessment", reason="x")
        store.record_answer("C01", "R2", "yes", inspector="JD", role="second_read")
    with InspectionStore.open(second, clock=FixedClock()) as store:
        store.record_answer("C01", "A1", "no", inspector="KM", note="No ETE in it", reason="y")
    out = tmp_path / "collated.sqlite"
    summary = collate([first, second], out)
    assert summary.conflicts == 1
    return out


def rows(screen: ModerationScreen) -> list[list[str]]:
    table = screen.query_one("#moderation-items", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_lists_conflicts_and_disagreements_and_rules_on_both(tmp_path, bank):
    path = collated_with_conflict(tmp_path, bank)
    app = make_app(path, remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ModerationScreen)
        assert rows(screen) == [
            ["conf", "C01", "A1", "No/Yes", "open"],
            ["2nd", "C01", "R2", "No/Yes", "open"],
        ]
        text = screen_text(app)
        assert "1 unresolved conflict · 1 second-read disagreement" in text
        assert "Full assessment" in text and "No ETE in it" in text, "both notes are shown"
        assert "Take" in text and "Other" in text and "Agreement" in text, "the footer's keys"

        await pilot.press("2")  # take the second answer of the conflict: yes, Full assessment
        assert isinstance(app.screen, RulingDialog)
        assert app.screen.query_one("#ruling-reason", Input).has_focus
        await pilot.press(*"assessment seen", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert rows(app.screen) == [["2nd", "C01", "R2", "No/Yes", "open"]]

        await pilot.press("e")  # enter another answer for the disagreement
        dialog = app.screen
        assert isinstance(dialog, RulingDialog)
        dialog.query_one("#ruling-value", Select).value = "na"
        dialog.query_one("#ruling-reason", Input).focus()
        await pilot.press(*"not applicable after all", "enter")
        await settle(app, pilot)
        assert rows(app.screen) == []
        assert "0 unresolved conflicts · 0 second-read disagreements" in screen_text(app)

        await pilot.press("a")  # show resolved items too
        await settle(app, pilot)
        assert [r[-1] for r in rows(app.screen)] == ["done", "done"]
        await pilot.press("g")
        assert app.screen.query_one("#moderation-agreement", DataTable).display

    with InspectionStore.open(path, readonly=True) as store:
        a1 = store.answer("C01", "A1")
        assert (a1.value, a1.note) == ("yes", "Full assessment")
        assert store.answer("C01", "R2").value == "na"
        assert store.case_progress("C01")["C01"].status == "locked"
        ruled = {h.reason: h.inspector for h in store.history("C01") if h.reason}
        assert ruled["moderation: assessment seen"] == "AB", "the lead's ruling, in the history"
        assert ruled["moderation: not applicable after all"] == "AB"


async def test_a_ruling_needs_a_reason(tmp_path, bank):
    path = collated_with_conflict(tmp_path, bank)
    app = make_app(path, remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter")
        assert isinstance(app.screen, RulingDialog), "no reason: the dialog stays open"
        await pilot.pause()
        assert "Give a reason; it is kept in the answer's history." in screen_text(app)
        assert not list(app._notifications), "said inside the dialog, not in a toast over it"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert len(rows(app.screen)) == 2
    with InspectionStore.open(path, readonly=True) as store:
        assert store.case_progress("C01")["C01"].status == "complete"


async def test_f3_opens_moderation_from_the_case_list_and_escape_returns(tmp_path, bank):
    from audit_tui.screens.case_list import CaseListScreen

    path = collated_with_conflict(tmp_path, bank)
    app = make_app(path, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert rows(app.screen)[0][:3] == ["conf", "C01", "A1"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
