"""The interview driven by key presses alone, checked against what a fresh store reads back."""

from __future__ import annotations

from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.dialogs import CompletionDialog, NoteDialog, ReopenDialog
from audit_tui.screens.interview import InterviewScreen
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.store import InspectionStore

from .conftest import read_answers, screen_text, settle

SIZE = (100, 40)


async def open_case(app, pilot, downs: int) -> InterviewScreen:
    """From the case list, move down `downs` rows and press Enter."""
    await settle(app, pilot)
    assert isinstance(app.screen, CaseListScreen)
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, InterviewScreen)
    return app.screen


def current(screen: InterviewScreen) -> str:
    assert screen.state is not None
    return screen.state.current.id


async def test_answer_a_whole_case_with_keys_alone(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=1)  # AB's cases first: C02, C03, C06
        assert screen.case_ref == "C03"
        assert current(screen) == "A1"
        await pilot.press("y", "n", "n")
        assert isinstance(app.screen, NoteDialog), "a No to A2 needs a note"
        await pilot.press(*"plan ignored ETE", "ctrl+s")
        await pilot.press("y", "a", "y", "n")
        await settle(app, pilot)
        assert screen.saved_count == 7
        assert screen.progress is not None and screen.progress.answered == 7
        assert "7 saved this session" in screen_text(app)
    assert read_answers(inspection, "C03") == {
        "A1": ("yes", None),
        "A4": ("no", None),
        "A2": ("no", "plan ignored ETE"),
        "A3": ("yes", None),
        "R2": ("na", None),
        "R1": ("yes", None),
        "G1": ("no", None),
    }


async def test_questions_that_do_not_apply_are_skipped_and_shown(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02: community, low RoSH
        assert screen.case_ref == "C02"
        await pilot.press("right", "right")
        assert current(screen) == "A2"
        await pilot.press("right")
        assert current(screen) == "R2", "A3 (custody only) is skipped"
        await pilot.press("right")
        assert current(screen) == "G1", "R1 (medium RoSH or above) is skipped"
        await pilot.press("left", "left")
        assert current(screen) == "A2"
        await pilot.press("3")  # theme 3 does not exist: nothing moves
        assert current(screen) == "A2"
        screen.action_go_to("A3")
        await pilot.pause()
        text = screen_text(app)
        assert "N/A automatically" in text and "applies only when custody" in text
        await pilot.press("y")
        await settle(app, pilot)
    assert read_answers(inspection, "C02") == {}, "a question that does not apply takes no answer"


async def test_jump_to_unanswered_switch_theme_and_back(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=4)  # C04: A1, A4 and R2 answered
        assert screen.case_ref == "C04"
        assert current(screen) == "A2", "opens at the first unanswered question"
        await pilot.press("2")
        assert current(screen) == "G1" or current(screen) == "R2"
        await pilot.press("1")
        assert current(screen) == "A2"
        await pilot.press("right_square_bracket")
        assert screen.state is not None and screen.state.current.theme == 2
        await pilot.press("left_square_bracket")
        assert screen.state.current.theme == 1
        await pilot.press("g")
        assert current(screen) == "G1", "A2 is the only gap of theme 1; the next is G1"
        await pilot.press("g")
        assert current(screen) == "A2", "wraps round to the first gap"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)


async def test_undo_restores_the_previous_answer(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        await pilot.press("y", "y")  # A1 yes, A4 yes
        await pilot.press("left", "n")  # A4 changed to no
        await settle(app, pilot)
        assert read_answers(inspection, "C02") == {"A1": ("yes", None), "A4": ("no", None)}
        await pilot.press("u")
        await settle(app, pilot)
        assert current(screen) == "A4"
        assert read_answers(inspection, "C02") == {"A1": ("yes", None), "A4": ("yes", None)}
        await pilot.press("u", "u")
        await settle(app, pilot)
        assert read_answers(inspection, "C02") == {}
        assert current(screen) == "A1"
    with InspectionStore.open(inspection, readonly=True) as store:
        events = [(h.question_id, h.event) for h in store.history("C02") if h.question_id]
    assert events.count(("A1", "clear")) == 1 and events.count(("A4", "clear")) == 1


async def test_undo_of_a_noted_answer_takes_its_note_away(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, downs=0)
        await pilot.press("y", "y", "y")  # A1, A4, A2 yes, none with a note
        await pilot.press("left", "n")  # A2 to no: its note is required
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"gap", "ctrl+s")
        await settle(app, pilot)
        assert read_answers(inspection, "C02")["A2"] == ("no", "gap")
        await pilot.press("u")
        await settle(app, pilot)
        assert read_answers(inspection, "C02")["A2"] == ("yes", None)


async def test_notes_are_written_edited_and_required(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        await pilot.press("e")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"seen AP", "ctrl+s")
        assert screen.state is not None and screen.state.draft_notes["A1"] == "seen AP"
        await pilot.press("y")  # the draft goes with the answer
        await pilot.press("left", "e")
        await pilot.press(*"; plan", "ctrl+s")
        await settle(app, pilot)
        assert read_answers(inspection, "C02")["A1"] == ("yes", "seen AP; plan")
        await pilot.press("right", "right")
        assert current(screen) == "A2"
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NoteDialog), "an empty note is refused"
        await pilot.press("escape")
        await settle(app, pilot)
        assert read_answers(inspection, "C02")["A2"] == ("no", None), "the no is kept"
        assert current(screen) == "A2"
        assert "note needed" in screen_text(app)


async def test_a_dialog_at_80x24_is_not_covered_by_toasts_and_says_its_warnings_inside(app_for):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(app, pilot, downs=0)
        app.notify("a toast standing at the bottom right", timeout=30)
        await pilot.press("e")
        assert isinstance(app.screen, NoteDialog)
        await settle(app, pilot)
        assert not list(app._notifications), "the toast would hide the right of the note"
        await pilot.press(*"seen the plan", "escape")
        assert isinstance(app.screen, NoteDialog), "one Esc keeps what was typed"
        await pilot.pause()
        text = screen_text(app)
        assert "Not saved yet: press Esc again to discard what you typed" in text
        assert "seen the plan" in text
        await pilot.press("escape")
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("right", "right", "n")  # A2: a no needs its note
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "A2 needs a note when the answer is no, or press Esc to write it" in screen_text(app)


async def test_completion_lists_what_is_missing_then_completes_and_reopens(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02: A1 A4 A2 R2 G1 apply
        await pilot.press("y", "y")
        await pilot.press("c")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CompletionDialog)
        assert [m.question_id for m in dialog.missing] == ["A2", "R2", "G1"]
        shown = screen_text(app)
        assert "cannot be completed yet" in shown
        assert "A2 unanswered" in shown and "R2 unanswered" in shown and "G1 unanswered" in shown
        await pilot.press("enter")  # go to the first gap
        await pilot.pause()
        assert app.screen is screen and current(screen) == "A2"
        await pilot.press("n", *"no ETE", "ctrl+s", "y", "a")
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompletionDialog) and app.screen.missing == []
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.progress is not None and screen.progress.status == "complete"
        await pilot.press("y")  # a complete case does not change
        await settle(app, pilot)
        assert read_answers(inspection, "C02")["G1"] == ("na", None)
        await pilot.press("r")
        assert isinstance(app.screen, ReopenDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, ReopenDialog), "a reason is required"
        await pilot.pause()
        assert "Give a reason to reopen the case." in screen_text(app)
        await pilot.press(*"second read", "enter")
        await settle(app, pilot)
        assert screen.progress.status == "in_progress"
    with InspectionStore.open(inspection, readonly=True) as store:
        status = [
            (h.old_value, h.new_value, h.reason)
            for h in store.history("C02")
            if h.event == "status"
        ]
        assert store.case_progress("C02")["C02"].status == "in_progress"
    assert ("complete", "in_progress", "second read") in status
    assert ("in_progress", "complete", None) in status


async def test_scores_update_after_each_answer(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        scores = screen.query_one(ThemeScores)
        case_scope, inspection_scope = scores.scopes
        assert case_scope.scores[0].percent is None
        before = inspection_scope.scores[0]
        await pilot.press("y")
        await settle(app, pilot)
        case_scope, inspection_scope = scores.scopes
        assert case_scope.scores[0].percent == 100
        assert inspection_scope.scores[0].yes == before.yes + 1
        assert "100%" in screen_text(app)


async def test_reopening_the_file_resumes_at_the_case_and_question(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=2)  # C06
        await pilot.press("y", "right", "right")
        assert current(screen) == "R2"
        await settle(app, pilot)
    again = app_for()
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        screen = again.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.case_ref == "C06" and current(screen) == "R2"
        await pilot.press("escape")
        await settle(again, pilot)
    third = app_for()
    async with third.run_test(size=SIZE) as pilot:
        await settle(third, pilot)
        assert isinstance(third.screen, CaseListScreen), "left at the case list, resumes there"
        assert third.screen._highlighted() == "C06"
