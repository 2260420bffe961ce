"""The interview of one case: one key per answer, saved at once, scores live beside it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from audit_tui.interview_state import InterviewState
from audit_tui.live_scores import LiveScores
from audit_tui.locations import file_label
from audit_tui.messages import (
    AnswerSaved,
    CaseFieldsSaved,
    CaseLoaded,
    CaseStatusChanged,
    CompletionChecked,
    SectionClicked,
    StoreRefused,
)
from audit_tui.screens.draw_now import draw_now
from audit_tui.screens.interview_ahead import RenderAhead
from audit_tui.screens.interview_keys import INTERVIEW_KEYS
from audit_tui.screens.interview_moves import InterviewMoves, after_load
from audit_tui.screens.interview_writes import InterviewWrites
from audit_tui.store_calls import OpenedFile, Progress
from audit_tui.widgets.question_view import QuestionView
from audit_tui.widgets.save_status import (
    SaveStatus,
    not_saved_sentence,
    saved_markup,
    saving_markup,
)
from audit_tui.widgets.theme_progress import ThemeProgressPanel
from audit_tui.widgets.theme_scores import ScoreScope, ThemeScores
from db.file.answer_rules import note_needed
from db.file.records import CaseStatus

POSITION_DELAY = 0.4  # seconds of rest before the position is written for resume
SAY_MOVED = 20  # seconds at most that a classification's sentence stands in for the scores


class InterviewScreen(InterviewMoves):
    """Walk one case through the bank: answer, move, jump, note, undo, complete."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # Short (80x24): a classification's sentence stands in for the scores, for want of room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = INTERVIEW_KEYS

    def __init__(self, opened: OpenedFile, case_ref: str, question_id: str | None = None) -> None:
        super().__init__()
        self.opened, self.file_named = opened, file_label(opened.path, opened.kind)
        self.case_ref = case_ref
        self.start_question = question_id
        self.inspector = opened.inspector
        self.state: InterviewState | None = None
        self.progress: Progress | None = None
        self.saved_count = 0
        self._position_timer: Timer | None = None
        self._early: list[Callable[[], None]] = []
        self.writes = InterviewWrites(self, case_ref, self.inspector)
        # Read the case as the screen is built: the reply waits in its queue until mounted.
        self.writes.read_case()
        self._moved_timer: Timer | None = None
        self._ahead = RenderAhead(self)
        # The answer keys of the bank's scales that no binding of this screen takes.
        bound = {
            key.strip()
            for binding in self.BINDINGS
            if isinstance(binding, Binding)
            for key in binding.key.split(",")
        }
        self._option_keys = {
            option.key for scale in opened.bank.scales.values() for option in scale.options
        } - bound

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="interview"):
            with VerticalScroll(id="side", can_focus=False):
                yield ThemeProgressPanel(id="themes")
            with Vertical(id="main"):
                with VerticalScroll(id="question-area", can_focus=False):
                    yield QuestionView(id="question")
                yield SaveStatus(id="save-status")
                yield Static(id="moved")
                yield ThemeScores(bank=self.opened.bank, id="scores")
        # The keys needed, in 80 columns; Ctrl+P is in help (a compact footer restyles each key).
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"Case {self.case_ref}"

    # -- replies from the writer ------------------------------------------------------------

    def on_case_loaded(self, message: CaseLoaded) -> None:
        view = message.view
        first_load = self.state is None
        if first_load:
            self.state = InterviewState(self.opened.bank, view.case, view.answers, view.applicable)
            resumed = self.start_question is not None and self.state.go_to(self.start_question)
            if not resumed and self.state.is_answered(self.state.current.id):
                self.state.next_unanswered()
            self.query_one(QuestionView).show_state(self.state)
        else:
            assert self.state is not None
            self.state.set_case(view.case, view.applicable)
            self.state.answers = dict(view.answers)
        self.state.rescore(LiveScores(self.opened.bank, self.case_ref, view.tallies))
        self.progress = view.progress
        self._show_scores()
        self.refresh_view(ahead_now=not first_load)
        early, self._early = self._early, []
        for call in early:
            call()

    def on_answer_saved(self, message: AnswerSaved) -> None:
        state = self.state
        if state is None:
            return
        self.writes.replied()
        outcome = message.outcome
        qid = outcome.question_id
        before = state.answers.get(qid)
        state.change_saved(qid, outcome.answer, outcome.request)
        if outcome.applicable is not None:
            state.reclassify(qid, outcome.applicable)
        if outcome.tallies is not None:  # a classification: the counts as the file has them
            state.rescore(LiveScores(self.opened.bank, self.case_ref, outcome.tallies))
        self.saved_count += not outcome.note_only  # answers saved (a note is of one)
        self.progress = Progress(outcome.status, *state.counts())
        shown = outcome.answer.value if outcome.answer else "cleared"
        classifies = state.bank.question(qid).classifies is not None
        value_changed = (before and before.value) != (outcome.answer and outcome.answer.value)
        if outcome.note_only:  # what the answer's save said stands, the sentence too
            if not classifies:
                self._status(saved_markup(qid, shown, self.saved_count, state.lacks_note(qid)))
        elif classifies and (outcome.reclassified or value_changed):
            moved = state.moved_count(outcome.reclassified)
            self._status(f"[$success]✓ saved[/] {qid} · {moved}")
            if outcome.reclassified:
                self._say_moved(qid, state.reclassification_sentence(qid, outcome.reclassified))
            else:
                self._unsay_moved()
        elif outcome.answer is None:  # cleared (an undo): nothing is marked saved
            self._status(f"[$success]✓[/] {qid} cleared, not answered · the undo is saved")
            self._unsay_moved()
        else:
            self._status(saved_markup(qid, shown, self.saved_count, state.lacks_note(qid)))
            self._unsay_moved()
        self._show_scores()
        self.refresh_view()
        draw_now(self)

    def on_store_refused(self, message: StoreRefused) -> None:
        state = self.state
        qid = message.question_id
        if state is None or qid is None:
            self.notify(message.error, title="Not saved", severity="error", timeout=8)
            return
        pending = state.pending.get(qid)
        if not state.change_refused(qid, message.error, self.writes.replied()):
            return  # a later change of the question is on its way and stands in for it
        sentence = not_saved_sentence(qid, message.action, pending, message.error)
        # What the key moved (scores, progress) is moved back; the question is shown again.
        self.progress = self._progress_now()
        self._show_scores()
        self._status(f"[$error]✗ {escape(sentence)}[/]")
        self.notify(sentence, title="Not saved", severity="error", timeout=8)
        if message.action == "answer":
            state.go_to(qid)
        self.moved()

    def on_case_fields_saved(self, message: CaseFieldsSaved) -> None:
        self.writes.read_case()

    def on_completion_checked(self, message: CompletionChecked) -> None:
        from audit_tui.screens.dialogs import CompletionDialog

        assert self.state is not None
        answered, total = self.state.counts()
        self.app.push_screen(
            CompletionDialog(self.case_ref, message.missing, self.opened.bank, total),
            self._completion_chosen,
        )

    def on_case_status_changed(self, message: CaseStatusChanged) -> None:
        self.progress = message.progress
        verb = "complete" if message.change == "complete" else "reopened"
        self._status(f"[$success]✓[/] case {self.case_ref} {verb}")
        self.refresh_view()

    def on_section_clicked(self, message: SectionClicked) -> None:
        if self.state is not None and self.state.go_to_section(message.section_key):
            self.moved()

    # -- display ----------------------------------------------------------------------------

    def _show_scores(self) -> None:
        """The scores as the answers shown make them (saved or being saved)."""
        if self.state is None or self.state.live is None:
            return
        self.query_one(ThemeScores).show(*self.score_scopes(*self.state.live.scores()))

    def score_scopes(
        self, case_scores: list[Any], inspection_scores: list[Any]
    ) -> tuple[ScoreScope, ScoreScope]:
        """The case's scores beside the inspection's, as the table under the question shows."""
        return (
            ScoreScope(self.case_ref, tuple(case_scores), brief=True),
            ScoreScope("Inspection", tuple(inspection_scores)),
        )

    def _status(self, markup: str) -> None:
        self.query_one(SaveStatus).show(markup)

    def _say_moved(self, qid: str, sentence: str) -> None:
        """Say what a classification moved in or out, above the scores (in their place on a
        short terminal) until the next answer: the sentence names every question, too long for
        the status line at 80x24, and a toast would cover the question (or stack, after an
        undo)."""
        moved = self.query_one("#moved", Static)
        moved.border_title = f"{qid}: what applies now"
        until = (
            "The scores return with your next answer."
            if self.has_class("-short")
            else "Shown until your next answer."
        )
        moved.update(f"{escape(sentence)}\n[$text-muted]{until}[/]")
        self.add_class("-moved")
        if self._moved_timer is not None:
            self._moved_timer.stop()
        self._moved_timer = self.set_timer(SAY_MOVED, self._unsay_moved)

    def _unsay_moved(self) -> None:
        if self._moved_timer is not None:
            self._moved_timer.stop()
            self._moved_timer = None
        self.remove_class("-moved")

    def refresh_view(self, ahead_now: bool = True) -> None:
        state = self.state
        if state is None:
            return
        self.query_one(ThemeProgressPanel).show(
            tuple(state.progress()), f"{state.current.theme}:{state.current.section}"
        )
        status = self.progress.status if self.progress else CaseStatus.NOT_STARTED
        self.sub_title = f"{self.file_named} · inspector {self.inspector} · {status.label}"
        view = self.query_one(QuestionView)
        view.revision += 1
        self.query_one("#question-area").scroll_home(animate=False)
        if ahead_now:
            self._ahead.restart()
        else:  # the case's first showing: on screen before anything is rendered ahead
            self.call_after_refresh(self._ahead.restart)

    def moved(self, refresh: bool = True) -> None:
        """The current question changed: redraw and, after a rest, remember it for resume."""
        if refresh:
            self.refresh_view()
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_DELAY, self.remember_position)

    def remember_position(self, interview: bool = True) -> None:
        if self.state is None:
            return
        self._position_timer = None
        self.writes.remember_position(self.state.current.id, interview)

    def _progress_now(self) -> Progress:
        """The case's progress with every answer shown: its status as the file has it (a first
        answer starts the case), its counts as the screen shows them."""
        state = self.state
        assert state is not None
        status = self.progress.status if self.progress else CaseStatus.NOT_STARTED
        answered, applicable = state.counts()
        if status is CaseStatus.NOT_STARTED and answered:
            status = CaseStatus.IN_PROGRESS
        return Progress(status, answered, applicable)

    @property
    def locked(self) -> bool:
        return self.progress is not None and self.progress.status.closed

    def _said_locked(self) -> bool:
        """Whether the case is closed to changes, having said so to the inspector."""
        if self.locked:
            self.notify(f"{self.case_ref} is complete; press r to reopen it before changing it.")
        return self.locked

    def _changeable(self) -> InterviewState | None:
        """The state, when the current question may change; else None, having said why."""
        state = self.state
        if state is None:
            return None
        q = state.current
        if not state.applies(q.id):
            self.notify(f"{q.id} does not apply to this case ({state.why_not_applicable(q)}).")
            return None
        return None if self._said_locked() else state

    # -- answering --------------------------------------------------------------------------

    @after_load
    def action_answer(self, key: str) -> None:
        state = self._changeable()
        if state is None:
            return
        q = state.current
        options = state.bank.scale_of(q).options
        option = next((o for o in options if o.key == key), None)
        if option is None:  # e.g. n on a classification question, whose no's say the level
            *most, last = [o.key for o in options]
            self.notify(f"{key} is not an answer to {q.id}: press {', '.join(most)} or {last}.")
            return
        shown = state.shown_answer(q.id)
        note = state.draft_notes.get(q.id) or (shown.note if shown else None)
        if state.note_required(q, option.value) and not note:
            # Saved at once, flagged "note needed"; the note follows (or later: Escape).
            from audit_tui.screens.note_needed import NeededNoteDialog

            self.submit_answer(q.id, option.value, None, advance=False)
            sentence = note_needed(q.id, option.value).partition(";")[0]
            self.app.push_screen(
                NeededNoteDialog(q.id, q.text, option.label, sentence),
                partial(self._needed_note_written, q.id),
            )
            return
        self.submit_answer(q.id, option.value, note)
        draw_now(self)  # the score the key moved, on screen before anything else runs

    def _needed_note_written(self, qid: str, note: str | None) -> None:
        state = self.state
        if state is None:
            return
        if not note:  # later: the answer stays saved, flagged
            self.refresh_view()
            return
        self.writes.note(state, qid, note, undoable=False)
        if state.current.id == qid:
            self._step_on(qid)
        self.moved()

    def submit_answer(self, qid: str, value: str, note: str | None, advance: bool = True) -> None:
        """Send the answer to the writer; the scores and progress count it at once, and the
        line under the question says "saving" until the commit returns."""
        state = self.state
        assert state is not None
        self.writes.answer(state, qid, value, note)
        self.progress = self._progress_now()
        self._status(saving_markup(qid, value))
        self._show_scores()
        if advance and state.current.id == qid:
            self._step_on(qid)
        self.moved()

    def _step_on(self, qid: str) -> None:
        """On to the next question that applies; at the last, say what is left to do."""
        state = self.state
        assert state is not None
        if state.step(1):
            return
        answered, total = state.counts()
        if answered < total:
            left = total - answered
            self.notify(
                f"That was the last question; {left} still "
                f"{'needs an answer' if left == 1 else 'need answers'}: press g to go to "
                f"{'it' if left == 1 else 'the next'}.",
                timeout=4,
            )
        else:
            self.notify("That was the last question. Press c to complete the case.", timeout=4)

    def on_key(self, event: Key) -> None:
        """Answer keys of scales other than y / n / a (bound); one pressed early waits, and one
        the question does not take is said (action_answer)."""
        key = event.character
        if key and key not in "yna" and key in self._option_keys:
            event.stop()
            self.action_answer(key)

    # -- notes and undo ---------------------------------------------------------------------

    @after_load
    def action_edit_note(self) -> None:
        from audit_tui.screens.dialogs import NoteDialog

        state = self._changeable()
        if state is None:
            return
        q = state.current
        shown = state.shown_answer(q.id)
        initial = state.draft_notes.get(q.id) or (shown.note if shown else "") or ""
        self.app.push_screen(NoteDialog(q.id, q.text, initial), partial(self._note_written, q.id))

    def _note_written(self, qid: str, note: str | None) -> None:
        state = self.state
        if note is None or state is None:
            return
        self.writes.note(state, qid, note)
        self.refresh_view()

    @after_load
    def action_undo(self) -> None:
        state = self.state
        if state is None or self._said_locked():
            return
        qid = self.writes.undo(state)
        if qid is None:
            self.notify("Nothing to undo in this session.", timeout=3)
            return
        state.go_to(qid)
        self._status(f"[$warning]… undoing[/] {qid}")
        self.moved()

    # -- the case ---------------------------------------------------------------------------

    @after_load
    def action_complete(self) -> None:
        if self.state is None:
            return
        if self.locked:
            self.notify(f"{self.case_ref} is already complete. Press r to reopen it.")
            return
        self.writes.check_completion()

    def _completion_chosen(self, choice: str | None) -> None:
        if choice == "complete":
            self.writes.complete()
        elif choice and choice.startswith("goto:") and self.state is not None:
            self.state.go_to(choice.removeprefix("goto:"))
            self.moved()

    @after_load
    def action_reopen(self) -> None:
        from audit_tui.screens.dialogs import ReopenDialog

        if not self.locked:
            self.notify(f"{self.case_ref} is not complete; there is nothing to reopen.")
            return
        self.app.push_screen(ReopenDialog(self.case_ref), self._reopen_confirmed)

    def _reopen_confirmed(self, reason: str | None) -> None:
        if reason:
            self.writes.reopen(reason)

    @after_load
    def action_details(self) -> None:
        from audit_tui.screens.case_details import CaseDetailsScreen

        if self.state is not None:
            self.app.push_screen(
                CaseDetailsScreen(self.opened.bank, self.state.case, self.progress, notify=self)
            )

    def action_case_findings(self) -> None:
        from audit_tui.screens.figure_dialogs import CaseFindingsDialog

        self.app.push_screen(CaseFindingsDialog(self.case_ref))

    def action_leave(self) -> None:
        if self._position_timer is not None:
            self._position_timer.stop()
        self.remember_position(interview=False)
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self._position_timer is not None:
            self._position_timer.stop()
            self.remember_position()
        self.writes.flush()  # nothing the inspector pressed is left unsent
