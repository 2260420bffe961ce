"""The score follows the key; the saved mark waits for the commit; a refused commit is undone.

Another connection holds the file's write lock, as a second audit-tui (or a full disk) would
stop the commit: the interview must already show the new score and "saving", never "✓ saved",
and when the store refuses the write, move the score and progress back and say so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from audit_tui import store_calls
from audit_tui.app import make_app
from audit_tui.backups import open_store
from audit_tui.screens.draw_now import supported
from audit_tui.screens.interview import InterviewScreen
from audit_tui.widgets.lines import styles_cache_known
from audit_tui.widgets.question_view import QuestionView
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.store import InspectionStore

from .conftest import read_answers, screen_text, settle
from .test_interview import current, open_case

SIZE = (100, 40)


def waiting_opener(milliseconds: int):
    """Opens the store as the app does, waiting `milliseconds` for another's lock."""

    def opener(path, passphrase=None):
        store = open_store(path, passphrase=passphrase)
        store.set_busy_timeout(milliseconds)
        return store

    return opener


@contextmanager
def write_lock(path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the file's write lock until the block ends."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def figures(screen: InterviewScreen) -> tuple[int | None, int, int]:
    """Theme 1's percent for the case, its yes count in the inspection, answered in the case."""
    case_scope, inspection_scope = screen.query_one(ThemeScores).scopes
    assert screen.progress is not None
    return case_scope.scores[0].percent, inspection_scope.scores[0].yes, screen.progress.answered


async def test_the_score_moves_at_the_key_and_saved_waits_for_the_commit(inspection):
    app = make_app(inspection, remember=False, open_store=waiting_opener(120_000))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02, nothing answered
        percent, yes, answered = figures(screen)
        assert (percent, answered) == (None, 0)
        with write_lock(inspection):
            await pilot.press("y")
            await pilot.pause()
            text = screen_text(app)
            assert "… saving A1 yes" in text
            assert "✓ saved" not in text, "nothing is marked saved before its commit"
            assert figures(screen) == (100, yes + 1, 1), "the score followed the key"
            assert app.writer is not None and app.writer.pending >= 1, "the commit waits"
            assert "A1" not in read_answers(inspection, "C02")
        await settle(app, pilot)
        text = screen_text(app)
        assert "✓ saved A1 yes · 1 saved this session" in text and "… saving" not in text
        assert figures(screen) == (100, yes + 1, 1)
    assert read_answers(inspection, "C02") == {"A1": ("yes", None)}


async def test_a_refused_commit_moves_the_score_back_and_says_so(inspection):
    app = make_app(inspection, remember=False, open_store=waiting_opener(0))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        before = figures(screen)
        with write_lock(inspection):
            await pilot.press("y")  # refused at once: the store waits 0 ms for the lock
            await settle(app, pilot)
            text = " ".join(screen_text(app).split())
            assert figures(screen) == before, "score and progress moved back"
            assert "Your answer yes to A1 was not saved:" in text
            assert "is busy in another audit-tui" in text and "✓ saved" not in text
            assert current(screen) == "A1", "back on the question not saved"
            assert screen.state is not None and not screen.state.is_answered("A1")
        assert read_answers(inspection, "C02") == {}
        await pilot.press("y")  # the lock is gone: the answer is saved now
        await settle(app, pilot)
        assert figures(screen) == (100, before[1] + 1, 1)
        assert "✓ saved A1 yes" in screen_text(app)
    assert read_answers(inspection, "C02") == {"A1": ("yes", None)}


async def test_scores_rendered_ahead_are_the_stores_after_each_key(inspection):
    """Each key takes the scores and side panel worked out for it ahead (while the question
    was read); they are what a fresh store scores from the file after every commit."""
    app = make_app(inspection, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)  # C02, nothing answered
        for key in "ynyay":
            ahead = screen._ahead
            while ahead._timer is not None or ahead._values:  # rendered ahead for this key
                await pilot.pause()
            await pilot.press(key)
            await settle(app, pilot)
            case_scope, inspection_scope = screen.query_one(ThemeScores).scopes
            with InspectionStore.open(inspection, readonly=True) as store:
                view = store_calls.open_case(store, case_ref="C02")
            assert list(case_scope.scores) == view.tallies.case_scores
            assert list(inspection_scope.scores) == view.tallies.inspection_scores
            assert screen.state is not None
            assert screen.state.counts() == (view.progress.answered, view.progress.applicable)
    assert len(read_answers(inspection, "C02")) == 5


async def test_the_key_s_frame_is_drawn_at_the_key_with_this_textual(inspection):
    """draw_now and the styled rows reach into Textual's private names; the Textual installed
    has them (else the interview silently falls back to Textual's own frame clock and styling,
    and the speed is lost)."""
    app = make_app(inspection, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=0)
        assert supported(screen)
        assert styles_cache_known(screen.query_one(QuestionView))
