"""What the interview says after an answer: the last question, a cleared one, a note needed."""

from __future__ import annotations

from audit_tui.screens.dialogs import CompletionDialog, NoteDialog
from audit_tui.widgets.question_view import QuestionView
from db.file.store import InspectionStore

from .conftest import read_answers, screen_text, settle
from .test_interview import current, open_case

SIZE = (100, 40)


def question_text(screen) -> str:
    """The question area alone (its mark line), not the status line under it."""
    view = screen.query_one(QuestionView)
    return "\n".join(str(line) for line in view.lines(view.content_region.width))


async def test_the_last_question_says_what_is_left_before_completion(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02: A1 A4 A2 R2 G1 apply
        screen.action_go_to("G1")
        await pilot.press("y")
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert (
            "That was the last question; 4 still need answers: press g to go to the next." in said
        )
        assert not any("Press c to complete" in message for message in said)
        for key in ("g", "y", "y", "y", "y"):  # A1 A4, A2 needs its note: give yes
            await pilot.press(key)
        await settle(app, pilot)
        screen.action_go_to("G1")
        await pilot.press("a")
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert said[-1] == "That was the last question. Press c to complete the case."
        assert read_answers(app.db_path, "C02")["G1"] == ("na", None)


async def test_a_cleared_question_is_not_shown_as_saved(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        await pilot.press("y")
        await settle(app, pilot)
        await pilot.press("left")
        assert "✓ saved" in question_text(screen)
        await pilot.press("u")
        await settle(app, pilot)
        assert current(screen) == "A1"
        assert read_answers(inspection, "C02") == {}
        assert "not answered" in question_text(screen)
        assert "✓ saved" not in question_text(screen), "a cleared question is not saved"
        assert "A1 cleared, not answered" in screen_text(app)


async def test_a_no_without_its_note_is_kept_flagged_and_blocks_completion(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02
        await pilot.press("y", "y", "n")  # A2 no: its note is asked for
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")  # later
        await settle(app, pilot)
        assert current(screen) == "A2"
        assert read_answers(inspection, "C02")["A2"] == ("no", None), "saved at once"
        sentence = "A2 needs a note when the answer is no"
        assert "note needed" in question_text(screen) and sentence in question_text(screen)
        await pilot.press("right", "y", "y")  # R2, G1
        await pilot.press("c")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CompletionDialog)
        assert [(m.question_id, m.reason) for m in dialog.missing] == [
            ("A2", "needs a note when the answer is no; record the evidence with it")
        ]
        assert f"{sentence}; record the evidence with it" in " ".join(screen_text(app).split())
        await pilot.press("enter")  # to the question
        await pilot.pause()
        assert current(screen) == "A2"
        await pilot.press("e", *"plan missed ETE", "ctrl+s")
        await settle(app, pilot)
        assert "note needed" not in question_text(screen)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompletionDialog) and app.screen.missing == []
        await pilot.press("enter")
        await settle(app, pilot)
    assert read_answers(inspection, "C02")["A2"] == ("no", "plan missed ETE")
    with InspectionStore.open(inspection, readonly=True) as store:
        assert store.case_progress("C02")["C02"].status == "complete"
