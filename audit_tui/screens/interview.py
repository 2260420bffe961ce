"""The interview of one case: one key per answer, saved at once, scores live beside it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from audit_tui import store_calls
from audit_tui.interview_state import REFUSED, SAVED, SAVING, InterviewState, Pending
from audit_tui.messages import (
    AnswerSaved,
    CaseFieldsSaved,
    CaseLoaded,
    CaseStatusChanged,
    CompletionChecked,
    SectionClicked,
    StoreRefused,
)
from audit_tui.store_calls import OpenedFile, Progress, SavedAnswer
from audit_tui.widgets.lines import KeptRows, Line
from audit_tui.widgets.question_view import QuestionView
from audit_tui.widgets.theme_progress import ThemeProgressPanel
from audit_tui.widgets.theme_scores import ScoreScope, ThemeScores
from audit_tui.writer import writer_of
from db.file.records import CaseStatus

POSITION_DELAY = 0.4  # seconds of rest before the position is written for resume
SAVING_DELAY = 0.05  # seconds before an answer still not committed is shown as "saving"
KEEP_AHEAD_DELAY = 0.005  # seconds after a redraw before the next one is rendered ahead


class SaveStatus(KeptRows):
    """One line under the question: saved, saving, not saved."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.markup = ""

    def show(self, markup: str) -> None:
        self.markup = markup
        self.refresh_rows()

    def lines(self, width: int) -> list[Line]:
        return [self.markup]


def _saved_status(qid: str, value: str, saved: int) -> str:
    return f"[$success]✓ saved[/] {qid} {value} · {saved} saved this session"


def _after_load(method: Callable[..., None]) -> Callable[..., None]:
    """Keys pressed while the case is still loading run once it has loaded, in order."""

    @wraps(method)
    def wrapper(self: InterviewScreen, *args: Any) -> None:
        if self.state is None:
            self._early.append(partial(method, self, *args))
            return
        method(self, *args)

    return wrapper


class InterviewScreen(Screen[None]):
    """Walk one case through the bank: answer, move, jump, note, undo, complete."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('y')", "Yes", tooltip="Answer yes, save and move on"),
        Binding("n", "answer('n')", "No", tooltip="Answer no, save and move on"),
        Binding("a", "answer('a')", "N/A", tooltip="Answer N/A, save and move on"),
        Binding("right", "step(1)", "Next", tooltip="Next question that applies"),
        Binding("left", "step(-1)", "Back", tooltip="Previous question that applies"),
        Binding("down,j", "step(1)", "Next", show=False),
        Binding("up,k", "step(-1)", "Back", show=False),
        Binding("g", "next_unanswered", "Unanswered", tooltip="Go to the next unanswered question"),
        Binding("e", "edit_note", "Note", tooltip="Write or edit the note of this question"),
        Binding("u", "undo", "Undo", tooltip="Undo the last answer (or note) of this session"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("right_square_bracket", "theme(1)", "Next theme", show=False),
        Binding("left_square_bracket", "theme(-1)", "Previous theme", show=False),
        Binding("tab", "theme(1)", "Next theme", show=False),
        Binding("shift+tab", "theme(-1)", "Previous theme", show=False),
        *[Binding(str(n), f"go_theme({n})", f"Theme {n}", show=False) for n in range(1, 10)],
        Binding(
            "c", "complete", "Complete case", tooltip="Complete the case, or list what is missing"
        ),
        Binding(
            "r",
            "reopen",
            "Reopen case",
            show=False,
            tooltip="Reopen a complete case, with a reason",
        ),
        Binding(
            "d",
            "details",
            "Case details",
            show=False,
            tooltip="Edit the fields that decide which questions apply",
        ),
        Binding(
            "v",
            "case_findings",
            "Case's no's",
            show=False,
            tooltip="This case's key questions answered no, per theme",
        ),
        Binding("escape", "leave", "Case list", tooltip="Back to the case list"),
    ]

    def __init__(self, opened: OpenedFile, case_ref: str, question_id: str | None = None) -> None:
        super().__init__()
        self.opened = opened
        self.case_ref = case_ref
        self.start_question = question_id
        self.inspector = opened.inspector
        self.state: InterviewState | None = None
        self.progress: Progress | None = None
        self.request = 0
        self.saved_count = 0
        self._position_timer: Timer | None = None
        self._early: list[Callable[[], None]] = []
        # Read the case while the screen is being built: the reply waits in the screen's
        # queue until it is mounted.
        writer_of(self).submit(
            partial(store_calls.open_case, case_ref=case_ref),
            reply_to=self,
            done=CaseLoaded,
            failed=StoreRefused,
        )
        self._saving_timer: Timer | None = None
        self._keep_timer: Timer | None = None
        self._keep_ahead: list[str] = []
        self._keep_question: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="interview"):
            with VerticalScroll(id="side", can_focus=False):
                yield ThemeProgressPanel(id="themes")
            with Vertical(id="main"):
                with VerticalScroll(id="question-area", can_focus=False):
                    yield Static("Opening the case…", id="question-placeholder")
                yield SaveStatus(id="save-status")
                yield ThemeScores(id="scores")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Case {self.case_ref}"

    # -- replies from the writer ------------------------------------------------------------

    def on_case_loaded(self, message: CaseLoaded) -> None:
        view = message.view
        first_load = self.state is None
        if first_load:
            self.state = InterviewState(self.opened.bank, view.case, view.answers)
            resumed = self.start_question is not None and self.state.go_to(self.start_question)
            if not resumed and self.state.is_answered(self.state.current.id):
                self.state.next_unanswered()
            view_widget = QuestionView(self.state, id="question")
            area = self.query_one("#question-area")
            area.query("#question-placeholder").remove()
            area.mount(view_widget)
        else:
            assert self.state is not None
            self.state.set_case(view.case)
            self.state.answers = dict(view.answers)
        self.progress = view.progress
        self._show_scores(view.case_scores, view.inspection_scores)
        self.refresh_view()
        early, self._early = self._early, []
        for call in early:
            call()

    def on_answer_saved(self, message: AnswerSaved) -> None:
        state = self.state
        if state is None:
            return
        outcome = message.outcome
        qid = outcome.question_id
        if outcome.answer is None:
            state.answers.pop(qid, None)
        else:
            state.answers[qid] = outcome.answer
        pending = state.pending.get(qid)
        if pending is not None and pending.request == outcome.request:
            del state.pending[qid]
            state.marks[qid] = SAVED
        self.saved_count += 1
        self.progress = outcome.progress
        shown = outcome.answer.value if outcome.answer else "cleared"
        self._status(_saved_status(qid, shown, self.saved_count))
        self._show_scores(outcome.case_scores, outcome.inspection_scores)
        self.refresh_view()

    def on_store_refused(self, message: StoreRefused) -> None:
        state = self.state
        qid = message.question_id
        if state is not None and qid is not None:
            state.pending.pop(qid, None)
            state.marks[qid] = REFUSED
            state.refusal[qid] = message.error
            if state.undo_stack and state.undo_stack[-1][0] == qid:
                state.undo_stack.pop()
            self._status(f"[$error]✗ not saved[/] {qid}")
            self.refresh_view()
        self.notify(message.error, title="Not saved", severity="error", timeout=8)

    def on_case_fields_saved(self, message: CaseFieldsSaved) -> None:
        writer_of(self).submit(
            partial(store_calls.open_case, case_ref=self.case_ref),
            reply_to=self,
            done=CaseLoaded,
            failed=StoreRefused,
        )

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

    def _show_scores(self, case_scores: list[Any], inspection_scores: list[Any]) -> None:
        self.query_one(ThemeScores).show(
            ScoreScope(self.case_ref, tuple(case_scores), brief=True),
            ScoreScope("Inspection", tuple(inspection_scores)),
        )

    def _status(self, markup: str) -> None:
        self.query_one(SaveStatus).show(markup)

    def _show_saving(self) -> None:
        self._saving_timer = None
        if self.state is not None and self.state.pending:
            waiting = ", ".join(self.state.pending)
            self._status(f"[$warning]… saving[/] {waiting}")
        self.refresh_view()

    def refresh_view(self) -> None:
        state = self.state
        if state is None:
            return
        if self._saving_timer is not None and not state.pending:
            self._saving_timer.stop()
            self._saving_timer = None
        self.query_one(ThemeProgressPanel).show(
            tuple(state.progress()), f"{state.current.theme}:{state.current.section}"
        )
        status = self.progress.status if self.progress else CaseStatus.NOT_STARTED
        self.sub_title = f"inspector {self.inspector} · {status.label}"
        view = self.query_one(QuestionView)
        view.revision += 1
        self.query_one("#question-area").scroll_home(animate=False)
        # Once this is on screen, render ahead what the next answer key will show.
        self._keep_ahead = []
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(KEEP_AHEAD_DELAY, self._keep_likely_answers)

    def _keep_likely_answers(self) -> None:
        """While the inspector reads the question, render what each answer to it would show
        once saved (the next question, the side panel's figures), so that the redraw after
        the answer key only renders the new scores. One answer at a time, so that a key
        pressed meanwhile waits for one of them at most."""
        self._keep_timer = None
        state = self.state
        if state is None or self.locked or state.pending or not self.is_current:
            return
        q = state.current
        if not state.applies(q.id) or state.peek(1) is None:
            return
        self._keep_ahead = [o.value for o in state.bank.scale_of(q).options]
        self._keep_question = q.id
        self._keep_one()

    def _keep_one(self) -> None:
        state = self.state
        if not self._keep_ahead or state is None or state.pending:
            return
        if state.current.id != self._keep_question:
            return
        value = self._keep_ahead.pop(0)
        q, following = state.current, state.peek(1)
        if following is None:
            return
        view, panel = self.query_one(QuestionView), self.query_one(ThemeProgressPanel)
        # Only what is rendered is kept: the state is put back as it was.
        index, answers = state.index, state.answers
        try:
            state.go_to(following.id)
            state.answers = {**answers, q.id: SavedAnswer(value, None)}
            view.keep_settled()
            panel.keep_progress(tuple(state.progress()))
            saved = _saved_status(q.id, value, self.saved_count + 1)
            self.query_one(SaveStatus).keep([saved])
        finally:
            state.index, state.answers = index, answers
        if self._keep_ahead:
            self.call_later(self._keep_one)

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
        writer_of(self).submit(
            partial(
                store_calls.remember_position,
                inspector=self.inspector,
                case_ref=self.case_ref,
                question_id=self.state.current.id,
                interview=interview,
            )
        )

    @property
    def locked(self) -> bool:
        return self.progress is not None and self.progress.status.closed

    # -- answering --------------------------------------------------------------------------

    @_after_load
    def action_answer(self, key: str) -> None:
        state = self.state
        if state is None:
            return
        q = state.current
        if not state.applies(q.id):
            self.notify(f"{q.id} does not apply to this case ({state.why_not_applicable(q)}).")
            return
        if self.locked:
            self.notify(f"{self.case_ref} is complete; press r to reopen it before changing it.")
            return
        option = next((o for o in state.bank.scale_of(q).options if o.key == key), None)
        if option is None:
            self.app.bell()
            return
        shown = state.shown_answer(q.id)
        note = state.draft_notes.get(q.id) or (shown.note if shown else None)
        if state.note_required(q, option.value) and not note:
            from audit_tui.screens.dialogs import NoteDialog

            self.app.push_screen(
                NoteDialog(q.id, q.text, "", required_for=option.label),
                partial(self._answer_with_note, q.id, option.value),
            )
            return
        self.submit_answer(q.id, option.value, note)

    def _answer_with_note(self, qid: str, value: str, note: str | None) -> None:
        if note:
            self.submit_answer(qid, value, note)

    def _submit_write(
        self,
        qid: str,
        action: str,
        call: Callable[..., Any],
        pending_value: str | None,
        pending_note: str | None,
        **arguments: Any,
    ) -> None:
        """Send one change of a question to the writer; it shows as saving until the reply."""
        assert self.state is not None
        self.request += 1
        self.state.pending[qid] = Pending(self.request, pending_value, pending_note)
        self.state.marks[qid] = SAVING
        writer_of(self).submit(
            partial(
                call,
                request=self.request,
                case_ref=self.case_ref,
                qid=qid,
                inspector=self.inspector,
                **arguments,
            ),
            reply_to=self,
            done=AnswerSaved,
            failed=partial(StoreRefused, action=action, question_id=qid),
        )

    def submit_answer(self, qid: str, value: str, note: str | None, advance: bool = True) -> None:
        state = self.state
        assert state is not None
        state.undo_stack.append((qid, state.shown_answer(qid)))
        state.draft_notes.pop(qid, None)
        self._submit_write(
            qid, "answer", store_calls.record_answer, value, note, value=value, note=note
        )
        if advance and state.current.id == qid and not state.step(1):
            self.notify("That was the last question. Press c to complete the case.", timeout=4)
        # The commit normally comes back within a frame: draw once, with the saved mark and
        # the new scores, and show "saving" only if the reply is slow.
        self.moved(refresh=False)
        if self._saving_timer is None:
            self._saving_timer = self.set_timer(SAVING_DELAY, self._show_saving)

    def on_key(self, event: Key) -> None:
        """Answer keys of scales other than yes / no / N/A (bindings cover y, n and a)."""
        if self.state is None or event.character is None or event.character in "yna":
            return
        q = self.state.current
        if any(o.key == event.character for o in self.state.bank.scale_of(q).options):
            event.stop()
            self.action_answer(event.character)

    # -- moving -----------------------------------------------------------------------------

    @_after_load
    def action_step(self, delta: int) -> None:
        if self.state is None:
            return
        if not self.state.step(delta):
            self.notify("No more questions that apply that way.", timeout=2)
        self.moved()

    @_after_load
    def action_next_unanswered(self) -> None:
        if self.state is None:
            return
        if not self.state.next_unanswered():
            self.notify("Every question that applies is answered. Press c to complete.")
        self.moved()

    @_after_load
    def action_theme(self, delta: int) -> None:
        if self.state is not None and self.state.cycle_theme(delta):
            self.moved()

    @_after_load
    def action_go_theme(self, number: int) -> None:
        if self.state is None:
            return
        if self.state.go_to_theme(number):
            self.moved()
        else:
            self.notify(f"No question of theme {number} applies to this case.", timeout=3)

    @_after_load
    def action_go_to(self, qid: str) -> None:
        if self.state is not None and self.state.go_to(qid):
            self.moved()

    # -- notes and undo ---------------------------------------------------------------------

    @_after_load
    def action_edit_note(self) -> None:
        from audit_tui.screens.dialogs import NoteDialog

        state = self.state
        if state is None:
            return
        q = state.current
        if not state.applies(q.id):
            self.notify(f"{q.id} does not apply to this case.")
            return
        if self.locked:
            self.notify(f"{self.case_ref} is complete; press r to reopen it before changing it.")
            return
        shown = state.shown_answer(q.id)
        initial = state.draft_notes.get(q.id) or (shown.note if shown else "") or ""
        self.app.push_screen(NoteDialog(q.id, q.text, initial), partial(self._note_written, q.id))

    def _note_written(self, qid: str, note: str | None) -> None:
        state = self.state
        if note is None or state is None:
            return
        shown = state.shown_answer(qid)
        if shown is None:
            state.draft_notes[qid] = note
            self.refresh_view()
            return
        state.undo_stack.append((qid, shown))
        self._submit_write(qid, "note", store_calls.set_note, shown.value, note, note=note)
        self.refresh_view()

    @_after_load
    def action_undo(self) -> None:
        state = self.state
        if state is None:
            return
        if self.locked:
            self.notify(f"{self.case_ref} is complete; press r to reopen it before changing it.")
            return
        if not state.undo_stack:
            self.notify("Nothing to undo in this session.", timeout=3)
            return
        qid, previous = state.undo_stack.pop()
        self._submit_write(
            qid,
            "undo",
            store_calls.restore_answer,
            previous.value if previous else None,
            previous.note if previous else None,
            previous=previous,
        )
        state.go_to(qid)
        self._status(f"[$warning]… undoing[/] {qid}")
        self.moved()

    # -- the case ---------------------------------------------------------------------------

    @_after_load
    def action_complete(self) -> None:
        if self.state is None:
            return
        if self.locked:
            self.notify(f"{self.case_ref} is already complete. Press r to reopen it.")
            return
        writer_of(self).submit(
            partial(store_calls.missing_for_completion, case_ref=self.case_ref),
            reply_to=self,
            done=partial(CompletionChecked, self.case_ref),
            failed=StoreRefused,
        )

    def _completion_chosen(self, choice: str | None) -> None:
        if choice == "complete":
            writer_of(self).submit(
                partial(
                    store_calls.complete_case, case_ref=self.case_ref, inspector=self.inspector
                ),
                reply_to=self,
                done=partial(CaseStatusChanged, self.case_ref, change="complete"),
                failed=StoreRefused,
            )
        elif choice and choice.startswith("goto:") and self.state is not None:
            self.state.go_to(choice.removeprefix("goto:"))
            self.moved()

    @_after_load
    def action_reopen(self) -> None:
        from audit_tui.screens.dialogs import ReopenDialog

        if not self.locked:
            self.notify(f"{self.case_ref} is not complete; there is nothing to reopen.")
            return
        self.app.push_screen(ReopenDialog(self.case_ref), self._reopen_confirmed)

    def _reopen_confirmed(self, reason: str | None) -> None:
        if not reason:
            return
        writer_of(self).submit(
            partial(
                store_calls.reopen_case,
                case_ref=self.case_ref,
                inspector=self.inspector,
                reason=reason,
            ),
            reply_to=self,
            done=partial(CaseStatusChanged, self.case_ref, change="reopened"),
            failed=StoreRefused,
        )

    @_after_load
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
