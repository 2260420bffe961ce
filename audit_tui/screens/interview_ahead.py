"""Rendering ahead in the interview: what each answer to the question on screen would show.

While the inspector reads a question, each answer it could get is rendered once as it would
show after the key (the next question, the side panel's figures, the scores it would give, the
"saving" line) and after the commit (the saved line and mark), and kept by the widgets
(widgets/lines.py, KeptRows), so that the redraws after the key and after its commit render
nothing new. One answer at a time, so that a key pressed meanwhile waits for one at most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_tui.interview_state import SAVING, Pending
from audit_tui.store_calls import SavedAnswer
from audit_tui.widgets.question_view import QuestionView
from audit_tui.widgets.save_status import SaveStatus, saved_markup, saving_markup
from audit_tui.widgets.theme_progress import ThemeProgressPanel
from audit_tui.widgets.theme_scores import ThemeScores

_NO_NOTE = SavedAnswer("", None)

if TYPE_CHECKING:
    from textual.timer import Timer

    from audit_tui.screens.interview import InterviewScreen

KEEP_AHEAD_DELAY = 0.005  # seconds after a redraw before the next one is rendered ahead
# What an answer changes on screen, each rendered ahead on its own, scores first: the costliest.
PARTS = ("scores", "question", "progress", "status")


class RenderAhead:
    """Renders ahead, for the interview screen, the answers to its current question."""

    def __init__(self, screen: InterviewScreen) -> None:
        self.screen = screen
        self._timer: Timer | None = None
        self._values: list[tuple[str, str]] = []  # the answers and parts still to render
        self._question: str | None = None  # the question they answer

    def restart(self) -> None:
        """The screen has been redrawn: once that is on screen, render ahead for it."""
        self._values = []
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(KEEP_AHEAD_DELAY, self._start)

    def _start(self) -> None:
        self._timer = None
        screen, state = self.screen, self.screen.state
        if state is None or screen.locked or state.pending or not screen.is_current:
            return
        q = state.current
        if not state.applies(q.id) or state.peek(1) is None:
            return
        noted = state.draft_notes.get(q.id) or (state.answers.get(q.id) or _NO_NOTE).note
        # An answer that opens the note dialog first has nothing to draw ahead.
        values = [
            o.value
            for o in state.bank.scale_of(q).options
            if noted or not state.note_required(q, o.value)
        ]
        self._values = [(value, part) for value in values for part in PARTS]
        self._question = q.id
        self._render_one()

    def _render_one(self) -> None:
        """One part of what one answer would show (a part at a time, so that a key pressed
        meanwhile waits for a millisecond or two at most)."""
        screen, state = self.screen, self.screen.state
        if not self._values or state is None or state.pending:
            return
        if state.current.id != self._question:
            return
        value, part = self._values.pop(0)
        q, following = state.current, state.peek(1)
        if following is None:
            return
        # Only what is rendered is kept: the state is put back as it was.
        index, pending, marks = state.index, state.pending, state.marks
        saved = state.answers.get(q.id)
        try:
            state.go_to(following.id)
            state.pending = {**pending, q.id: Pending(0, value, None)}
            state.marks = {**marks, q.id: SAVING}
            if part == "question":
                screen.query_one(QuestionView).keep_settled(both=True)
            elif part == "progress":
                screen.query_one(ThemeProgressPanel).keep_progress(
                    tuple(state.progress()), f"{following.theme}:{following.section}"
                )
            elif part == "scores" and state.live is not None:
                old = saved.value if saved else None
                case_scores, inspection_scores = state.live.scores_if(q.id, old, value)
                screen.query_one(ThemeScores).keep_scopes(
                    *screen.score_scopes(case_scores, inspection_scores)
                )
            elif part == "status":
                screen.query_one(SaveStatus).keep(
                    [
                        saving_markup(q.id, value),
                        saved_markup(q.id, value, screen.saved_count + 1),
                    ]
                )
        finally:
            state.index, state.pending, state.marks = index, pending, marks
        if self._values:
            screen.call_later(self._render_one)
