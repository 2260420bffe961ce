"""The inspector's own classification in the interview, on the shipped fji-2014 bank.

C01 is a case the service classified at low RoSH. PP-CLASS-01 asks whether that was right; `h`
("No: should be high") brings in the questions a high RoSH calls for, at once, in the
interview, the case's progress and the store's figures; changing or undoing it takes them out.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from factories import make_case, make_inspection
from textual.widgets import Select, Static

from audit_tui.app import make_app
from audit_tui.screens.case_details import CaseDetailsScreen
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.dialogs import NoteDialog
from audit_tui.screens.interview import InterviewScreen
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.reporting.figures import theme_scores
from question_bank.loader import load_shipped
from question_bank.model import Bank
from question_bank.scoring import QuestionTally

from .conftest import read_answers, screen_text, settle

NOTE = "violent offence history"


@pytest.fixture(scope="module")
def fji() -> Bank:
    return load_shipped("fji-2014")


@pytest.fixture
def low_rosh(tmp_path: Path, fji: Bank) -> Path:
    """AB's C01, low RoSH by the service, no victim; KM's C02 at high RoSH."""
    path = tmp_path / "lambeth.sqlite"
    make_inspection(
        path,
        fji,
        [make_case("C01", inspector="AB"), make_case("C02", inspector="KM", rosh="high")],
    ).close()
    return path


@pytest.fixture
def high_only(fji: Bank) -> list[str]:
    """The questions that apply to C01 at high RoSH and not at low, in bank order."""
    low = make_case("C01", inspector="AB").condition_values()
    high = {**low, "rosh": "high"}
    return [q.id for q in fji.questions if q.applies(high) and not q.applies(low)]


async def open_c01(app: Any, pilot: Any) -> InterviewScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, CaseListScreen)
    await pilot.press("enter")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, InterviewScreen) and screen.case_ref == "C01"
    return screen


async def classify_high(app: Any, pilot: Any, screen: InterviewScreen) -> None:
    """From anywhere in C01: theme 2's first question, PP-CLASS-01, answered h with a note."""
    await pilot.press("2")
    assert current(screen) == "PP-CLASS-01"
    await pilot.press("h")
    assert isinstance(app.screen, NoteDialog), "a classification that differs needs a note"
    await pilot.press(*NOTE, "ctrl+s")
    await settle(app, pilot)


def current(screen: InterviewScreen) -> str:
    assert screen.state is not None
    return screen.state.current.id


def said(screen: InterviewScreen) -> str:
    """The sentence shown in place of the scores, as one line."""
    assert screen.has_class("-moved"), "no classification sentence is shown"
    return " ".join(screen.query_one("#moved", Static).visual.plain.split())


def stored_applicable(path: Path, case_ref: str) -> set[str]:
    with InspectionStore.open(path, readonly=True) as store:
        return {qid for qid, applies in store.applicability(case_ref).items() if applies}


def theme_2_tallies(path: Path) -> dict[str, QuestionTally]:
    """Theme 2's figures for C01 as a fresh store reads them."""
    with InspectionStore.open(path, readonly=True) as store:
        theme = next(t for t in theme_scores(store, CountFilter(case_ref="C01")) if t.number == 2)
    return {tally.question_id: tally for tally in theme.questions}


async def test_rosh_classified_high_brings_its_questions_in_and_the_figures_count_them(
    low_rosh, fji, high_only
):
    assert "PP-PLAN-06" in high_only and len(high_only) > 3
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_c01(app, pilot)
        state = screen.state
        assert state is not None and screen.progress is not None
        applicable_before = screen.progress.applicable
        assert not any(state.applies(q) for q in high_only)
        await classify_high(app, pilot, screen)

        assert read_answers(low_rosh, "C01")["PP-CLASS-01"] == ("should_be_high", NOTE)
        assert all(state.applies(q) for q in high_only), "brought in at once"
        assert state.applicable == stored_applicable(low_rosh, "C01"), "as the store holds it"
        assert screen.progress.applicable == applicable_before + len(high_only)
        assert state.counts() == (screen.progress.answered, screen.progress.applicable)
        sentence = said(screen)
        assert sentence.startswith("Your RoSH level (high) brings in ")
        assert sentence.endswith("; takes out none. Shown until your next answer.")
        assert screen.query_one(ThemeScores).display, "above the scores, with room for both"
        assert all(q in sentence for q in high_only)
        assert "7 questions in, none out" in screen_text(app)
        assert current(screen) == "PP-CLASS-02", "moved on to the next question"

        # Answer through theme 2 with y and n alone: the brought-in questions are askable.
        pressed: dict[str, str] = {}
        while not set(high_only) <= set(pressed):
            q = state.current
            assert q.theme == 2, f"left theme 2 with {set(high_only) - set(pressed)} unanswered"
            key = "n" if q.id in high_only and not q.key else "y"
            pressed[q.id] = key
            await pilot.press(key)
        await settle(app, pilot)
        assert not screen.has_class("-moved"), "the scores are back with the next answer"

        answers = read_answers(low_rosh, "C01")
        assert {q: answers[q][0] for q in high_only} == {
            q: "no" if pressed[q] == "n" else "yes" for q in high_only
        }
        tallies = theme_2_tallies(low_rosh)
        assert (tallies["PP-PLAN-06"].yes, tallies["PP-PLAN-06"].did_not_apply) == (1, 0)
        assert (tallies["PP-CLASS-01"].yes, tallies["PP-CLASS-01"].no) == (0, 1)
        case_scope = screen.query_one(ThemeScores).scopes[0]
        shown = next(s for s in case_scope.scores if s.number == 2)
        with InspectionStore.open(low_rosh, readonly=True) as store:
            stored = next(
                s for s in theme_scores(store, CountFilter(case_ref="C01")) if s.number == 2
            )
        assert (shown.yes, shown.no, shown.percent) == (stored.yes, stored.no, stored.percent)

        # "Yes, right": the service's low RoSH stands and takes them out, answers kept.
        await press_until(pilot, screen, "left", "PP-CLASS-01")
        await pilot.press("y")
        await settle(app, pilot)
        assert not any(state.applies(q) for q in high_only)
        assert state.applicable == stored_applicable(low_rosh, "C01")
        sentence = said(screen)
        assert sentence.startswith("The service's RoSH level (low) stands: brings in none;")
        assert (
            "PP-PLAN-06 (answered)" in sentence and "(their answers kept, not counted)" in sentence
        )
        tallies = theme_2_tallies(low_rosh)
        assert (tallies["PP-PLAN-06"].yes, tallies["PP-PLAN-06"].did_not_apply) == (0, 1)
        assert read_answers(low_rosh, "C01")["PP-PLAN-06"] == ("yes", None), "kept in the file"

        # Undo puts h back, and with it the questions and their answers' counts.
        await pilot.press("u")
        await settle(app, pilot)
        assert current(screen) == "PP-CLASS-01"
        assert all(state.applies(q) for q in high_only)
        assert said(screen).startswith("Your RoSH level (high) brings in PP-ASSESS-03 (answered)")
        assert theme_2_tallies(low_rosh)["PP-PLAN-06"].yes == 1
        assert read_answers(low_rosh, "C01")["PP-CLASS-01"] == ("should_be_high", NOTE)

        # The case list's progress follows the store.
        await pilot.press("escape")
        await settle(app, pilot)
        with InspectionStore.open(low_rosh, readonly=True) as store:
            progress = store.case_progress("C01")["C01"]
        assert f"{progress.answered}/{progress.applicable}" in screen_text(app)
        assert progress.applicable == applicable_before + len(high_only)


async def press_until(pilot: Any, screen: InterviewScreen, key: str, question_id: str) -> None:
    for _ in range(len(screen.opened.bank.questions)):
        if current(screen) == question_id:
            return
        await pilot.press(key)
    raise AssertionError(f"{key} never reached {question_id}")


async def test_undoing_the_classification_takes_its_questions_out_again(low_rosh, high_only):
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_c01(app, pilot)
        await classify_high(app, pilot, screen)
        state = screen.state
        assert state is not None and all(state.applies(q) for q in high_only)
        await pilot.press("u")
        await settle(app, pilot)
        assert current(screen) == "PP-CLASS-01"
        assert "PP-CLASS-01" not in read_answers(low_rosh, "C01")
        assert not any(state.applies(q) for q in high_only)
        assert state.applicable == stored_applicable(low_rosh, "C01")
        sentence = said(screen)
        assert sentence.startswith(
            "With no classification of yours, the service's RoSH level (low) stands: "
            "brings in none; takes out "
        )
        assert all(q in sentence for q in high_only) and "(answered)" not in sentence
        screen.action_go_to("PP-PLAN-06")
        await pilot.pause()
        assert "N/A automatically" in screen_text(app)
        assert state.why_not_applicable(state.current) == (
            "applies only when rosh is medium or high or very_high, "
            "and the service's RoSH level is low"
        )
        await pilot.press("y")
        await settle(app, pilot)
        assert "PP-PLAN-06" not in read_answers(low_rosh, "C01"), "N/A takes no answer"


async def test_the_scale_shows_every_option_with_its_key_at_80x24(low_rosh):
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_c01(app, pilot)
        await pilot.press("2")
        assert current(screen) == "PP-CLASS-01"
        await pilot.pause()
        text = screen_text(app)
        for option in ("y Yes, right", "No: should be", "l low", "m medium", "h high"):
            assert f" {option} " in text, option
        assert " x very high " in text
        assert "required for l, m, h, x" in text
        await pilot.press("x")
        assert isinstance(app.screen, NoteDialog)
        assert "No: should be very high" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert read_answers(low_rosh, "C01")["PP-CLASS-01"] == ("should_be_very_high", None), (
            "saved at once, flagged note needed"
        )
        await pilot.press("y")  # "Yes, right" needs no note
        await settle(app, pilot)
        assert current(screen) == "PP-CLASS-02"
        await pilot.pause()
        text = screen_text(app)
        assert " i No: a victim should have been identified " in text
        assert " o No: no victim should have been recorded " in text
        # "very high" (saved, flagged note needed) brought questions in; "Yes, right" takes
        # them out again
        assert re.search(r"none in, \d+ questions out", text), "the status line says so"
        await pilot.press("i", *"named in the charge", "ctrl+s")
        await settle(app, pilot)
        assert read_answers(low_rosh, "C01")["PP-CLASS-02"] == (
            "victim_missed",
            "named in the charge",
        )
        sentence = said(screen)
        assert sentence.startswith("Your finding of a victim brings in ")
        assert sentence.endswith("The scores return with your next answer.")
        assert not screen.query_one(ThemeScores).display, "in their place, for want of room"
        assert current(screen) in screen_text(app), "the next question is on screen"


async def test_a_key_the_question_does_not_take_is_said_and_saves_nothing(low_rosh):
    """n on a classification question (its no's name the level), h on a yes/no question."""
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_c01(app, pilot)
        await pilot.press("2", "n")
        await settle(app, pilot)
        assert current(screen) == "PP-CLASS-01"
        said = [n.message for n in app._notifications]
        assert "n is not an answer to PP-CLASS-01: press y, l, m, h or x." in said
        await pilot.press("y", "y")
        await settle(app, pilot)
        asked = current(screen)
        assert fji_scale(screen, asked) == ["y", "n", "a"]
        await pilot.press("h")
        await settle(app, pilot)
        assert current(screen) == asked
        assert f"h is not an answer to {asked}: press y, n or a." in [
            n.message for n in app._notifications
        ]
    assert set(read_answers(low_rosh, "C01")) == {"PP-CLASS-01", "PP-CLASS-02"}


def fji_scale(screen: InterviewScreen, qid: str) -> list[str]:
    assert screen.state is not None
    bank = screen.state.bank
    return [o.key for o in bank.scale_of(bank.question(qid)).options]


async def test_a_level_key_pressed_while_the_case_opens_waits_for_it(low_rosh):
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        held = threading.Event()
        assert app.writer is not None
        app.writer.submit(lambda store: held.wait(5))  # the case is read only after this
        await pilot.press("enter", "2", "h")
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.state is None, "still opening"
        held.set()
        await settle(app, pilot)
        assert isinstance(app.screen, NoteDialog), "h answered PP-CLASS-01 once it opened"
        await pilot.press(*NOTE, "ctrl+s")
        await settle(app, pilot)
    assert read_answers(low_rosh, "C01") == {"PP-CLASS-01": ("should_be_high", NOTE)}


async def test_case_details_show_the_services_classification_beside_the_inspectors(low_rosh):
    app = make_app(low_rosh, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_c01(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        text = screen_text(app)
        assert "RoSH low (service)" not in text, "nothing of the inspector's to show beside it"
        assert "correct a classification in the interview" in text
        await pilot.press("escape")
        await classify_high(app, pilot, screen)
        applicable = stored_applicable(low_rosh, "C01")
        await pilot.press("d")
        await settle(app, pilot)
        details = app.screen
        assert isinstance(details, CaseDetailsScreen)
        text = screen_text(app)
        assert "RoSH low (service) · high (inspector, PP-CLASS-01)" in text
        assert f"{len(applicable)} of {len(screen.opened.bank.questions)} questions apply" in text
        details.query_one("#field-rosh", Select).value = "medium"
        await settle(app, pilot)
        text = screen_text(app)
        assert "RoSH low → medium" in text
        assert "RoSH: yours (high, PP-CLASS-01) still decides what applies" in text
        assert "RoSH medium (service) · high (inspector, PP-CLASS-01)" in text
        assert "now apply" not in text and "no longer apply" not in text
        assert stored_applicable(low_rosh, "C01") == applicable
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.state is not None
        assert screen.state.applicable == applicable
    with InspectionStore.open(low_rosh, readonly=True) as store:
        assert store.case("C01").rosh.value == "medium", "the service's field as edited"
