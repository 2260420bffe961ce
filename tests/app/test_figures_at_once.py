"""No figure on screen is a frame stale: the case list back from an interview, the complete
counts of a filtered list, the dashboard after a judgement, the moderation header after a ruling.

Each check is made with the writer thread held (a call that waits on an event), so a reply the
screen would otherwise wait for cannot arrive first: what is asserted is on screen already.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from textual.widgets import DataTable, Input

from audit_tui.app import AuditApp, make_app
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.dashboard import DashboardScreen
from audit_tui.screens.dialogs import CompletionDialog
from audit_tui.screens.figure_dialogs import JudgementDialog
from audit_tui.screens.interview import InterviewScreen
from audit_tui.screens.moderation import ModerationScreen, RulingDialog

from .conftest import screen_text, settle
from .test_moderation import collated_with_conflict

SIZE = (100, 40)


@contextmanager
def writer_held(app: AuditApp) -> Iterator[None]:
    """Hold the writer thread: every store call queued meanwhile waits until the block ends."""
    assert app.writer is not None
    gate = threading.Event()
    app.writer.submit(lambda store: gate.wait())
    try:
        yield
    finally:
        gate.set()


def row_of(screen: CaseListScreen, ref: str) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(cell) for cell in table.get_row(ref)]


async def test_the_case_list_is_right_on_the_first_frame_back_from_a_completed_case(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        cases = app.screen
        assert isinstance(cases, CaseListScreen)
        assert row_of(cases, "C02")[4:] == ["0/5", "not started"]
        await pilot.press("enter")  # C02, AB's first case
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        for _ in range(5):
            await pilot.press("y")
            await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompletionDialog) and app.screen.missing == []
        await pilot.press("enter")
        await settle(app, pilot)
        with writer_held(app):  # the list's own reading waits behind this
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is cases
            assert row_of(cases, "C02")[4:] == ["5/5", "complete"]
            assert "2 of 6 complete" in screen_text(app)


async def test_a_filtered_list_counts_complete_among_the_cases_shown_and_all(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "6 of 6 cases shown · 1 of 6 complete · 3 assigned to AB (listed first)" in text
        await pilot.press("i")  # AB's: none complete
        text = screen_text(app)
        assert "3 of 6 cases shown, 0 of them complete · 1 of 6 complete in all" in text
        assert "x clear" in text, "the filter line offers the way back"
        await pilot.press("i", "i")  # KM's: C01 complete
        assert "2 of 6 cases shown, 1 of them complete · 1 of 6 complete in all" in screen_text(app)
        await pilot.press("s", "s")  # KM's terminated cases: C04, in progress
        await pilot.press("p", "p", "p")  # ... complete: none
        text = screen_text(app)
        assert "No case matches the filters (0 of 6 shown): x clears them" in text
        await pilot.press("x")
        assert app.screen.query_one(DataTable).row_count == 6
        assert "6 of 6 cases shown · 1 of 6 complete" in screen_text(app)


async def test_a_judgement_is_on_the_dashboard_as_its_dialog_closes(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await pilot.press("5")
        assert "judgement not recorded" in screen_text(app)
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgementDialog)
        with writer_held(app):
            await pilot.press("down", "space", "tab", *"Board minutes read.", "ctrl+s")
            await pilot.pause()
            assert app.screen is dashboard
            text = screen_text(app)
            assert "recorded Satisfactory by AB" in text and "(saving…)" in text
            assert "not recorded" not in text.split("Theme 5")[1].splitlines()[0]
        await settle(app, pilot)
        text = screen_text(app)
        assert "recorded Satisfactory by AB" in text and "(saving…)" not in text


async def test_the_moderation_header_counts_a_ruling_as_it_is_given(tmp_path, bank):
    app = make_app(collated_with_conflict(tmp_path, bank), remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert "1 unresolved conflict · 1 second-read disagreement" in screen_text(app)
        await pilot.press("2")
        assert isinstance(app.screen, RulingDialog)
        app.screen.query_one("#ruling-reason", Input).value = "assessment seen"
        with writer_held(app):
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ModerationScreen)
            text = screen_text(app)
            assert "0 unresolved conflicts · 1 second-read disagreement" in text
            assert "1 ruling saving…" in text
            items = app.screen.query_one("#moderation-items", DataTable)
            assert [str(c) for c in items.get_row_at(0)] == [
                "conf",
                "C01",
                "A1",
                "No/Yes",
                "saving",
            ]
        await settle(app, pilot)
        text = screen_text(app)
        assert "0 unresolved conflicts · 1 second-read disagreement" in text
        assert "saving" not in text


async def test_the_case_list_is_right_on_the_first_frame_back_from_case_details(app_for):
    from textual.widgets import Select

    from audit_tui.screens.case_details import CaseDetailsScreen

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        cases = app.screen
        assert isinstance(cases, CaseListScreen)
        await pilot.press("down", "down", "down", "down", "d")  # C04: KM's, medium RoSH
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        app.screen.query_one("#field-rosh", Select).value = "low"  # R1 no longer applies
        await settle(app, pilot)
        with writer_held(app):
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is cases
            assert row_of(cases, "C04")[4:] == ["3/5", "in progress"]
            assert cases.records["C04"].rosh.value == "low", "details again read the new case"


async def test_a_theme_clicked_in_the_interview_s_scores_opens_its_chart(app_for):
    from audit_tui.widgets.theme_scores import ThemeScores

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        scores = app.screen.query_one(ThemeScores)
        rows = scores.shown_themes()[0]
        assert 2 in rows
        region = scores.content_region
        await pilot.click(offset=(region.x + 2, region.y + 2 + rows.index(2)))  # theme 2
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.theme == 2
        assert "Theme 2: Protecting the public" in screen_text(app)
