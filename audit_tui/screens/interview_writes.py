"""What the interview of one case writes to the file, sent through the app's writer thread.

The interview screen (screens/interview.py) decides what to write; InterviewWrites sends it as
store calls (store_calls.py) to the writer (writer.py) and marks each change of a question as
saving in the InterviewState until its reply. Every reply comes back to the screen as a message:
CaseLoaded, AnswerSaved, CompletionChecked, CaseStatusChanged, or StoreRefused.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from audit_tui import store_calls
from audit_tui.messages import (
    AnswerSaved,
    CaseLoaded,
    CaseStatusChanged,
    CompletionChecked,
    StoreRefused,
)
from audit_tui.writer import writer_of

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from audit_tui.interview_state import InterviewState
    from audit_tui.writer import Refusal, Reply, StoreCall


class InterviewWrites:
    """The store calls of one case's interview; their replies go to its screen."""

    def __init__(self, screen: MessagePump, case_ref: str, inspector: str) -> None:
        self.screen = screen
        self.case_ref = case_ref
        self.inspector = inspector
        # The changes sent and not yet replied to, oldest first: the writer runs them in
        # order, so each reply (saved or refused) is the oldest one's.
        self._sent: deque[int] = deque()
        self._outbox: list[tuple[StoreCall, Reply | None, Refusal | None]] = []

    def _send(
        self, call: StoreCall, done: Reply | None, failed: Refusal | None = StoreRefused
    ) -> None:
        """Submit `call` once the screen has drawn what the key changed: the writer thread's
        work (which holds Python's lock at times) never delays that frame. Calls go in the
        order they were made."""
        self._outbox.append((call, done, failed))
        if len(self._outbox) == 1:
            self.screen.call_after_refresh(self.flush)

    def flush(self) -> None:
        """Submit every call not yet submitted (the screen is going)."""
        writer = writer_of(self.screen)
        outbox, self._outbox = self._outbox, []
        for call, done, failed in outbox:
            writer.submit(call, reply_to=self.screen, done=done, failed=failed)

    def read_case(self) -> None:
        """The case with its answers, progress and scores (sent at once: the screen may not
        be shown yet, and nothing is drawn before it)."""
        writer_of(self.screen).submit(
            partial(store_calls.open_case, case_ref=self.case_ref),
            reply_to=self.screen,
            done=CaseLoaded,
            failed=StoreRefused,
        )

    def remember_position(self, question_id: str, interview: bool) -> None:
        """Where the inspector is in the case, to resume there (nothing comes back)."""
        call = partial(
            store_calls.remember_position,
            inspector=self.inspector,
            case_ref=self.case_ref,
            question_id=question_id,
            interview=interview,
        )
        self._send(call, None, None)
        if not interview:  # leaving the case: before the screen goes
            self.flush()

    # -- changes of a question: each one undoable, shown as saving until its reply ------------

    def answer(self, state: InterviewState, qid: str, value: str, note: str | None) -> None:
        state.undo_stack.append((qid, state.shown_answer(qid)))
        state.draft_notes.pop(qid, None)
        self._change(
            state, qid, "answer", store_calls.record_answer, value, note, value=value, note=note
        )

    def note(self, state: InterviewState, qid: str, note: str, undoable: bool = True) -> None:
        """The note of an answered question; a question not answered yet keeps it as a draft
        for its answer. Not `undoable`: the note asked for by the answer just given, which an
        undo takes away with that answer."""
        shown = state.shown_answer(qid)
        if shown is None:
            state.draft_notes[qid] = note
            return
        if undoable:
            state.undo_stack.append((qid, shown))
        self._change(state, qid, "note", store_calls.set_note, shown.value, note, note=note)

    def undo(self, state: InterviewState) -> str | None:
        """Put back what the session's last change replaced; its question, or None if none."""
        if not state.undo_stack:
            return None
        qid, previous = state.undo_stack.pop()
        value, note = (previous.value, previous.note) if previous else (None, None)
        self._change(state, qid, "undo", store_calls.restore_answer, value, note, previous=previous)
        return qid

    def _change(
        self,
        state: InterviewState,
        qid: str,
        action: str,
        call: Callable[..., Any],
        pending_value: str | None,
        pending_note: str | None,
        **arguments: Any,
    ) -> None:
        """Send `call` with `arguments`; the question shows the pending value and note (as
        saving) until the reply."""
        request = state.begin_change(qid, pending_value, pending_note)
        self._sent.append(request)
        self._send(
            partial(
                call,
                request=request,
                case_ref=self.case_ref,
                qid=qid,
                inspector=self.inspector,
                **arguments,
            ),
            AnswerSaved,
            partial(StoreRefused, action=action, question_id=qid),
        )

    def replied(self) -> int | None:
        """A change's reply has come (AnswerSaved, or StoreRefused naming a question): the
        number of the change it answers."""
        return self._sent.popleft() if self._sent else None

    # -- the case ------------------------------------------------------------------------------

    def check_completion(self) -> None:
        """What the case still lacks before it can be completed."""
        self._send(
            partial(store_calls.missing_for_completion, case_ref=self.case_ref),
            partial(CompletionChecked, self.case_ref),
        )

    def complete(self) -> None:
        self._send(
            partial(store_calls.complete_case, case_ref=self.case_ref, inspector=self.inspector),
            partial(CaseStatusChanged, self.case_ref, change="complete"),
        )

    def reopen(self, reason: str) -> None:
        self._send(
            partial(
                store_calls.reopen_case,
                case_ref=self.case_ref,
                inspector=self.inspector,
                reason=reason,
            ),
            partial(CaseStatusChanged, self.case_ref, change="reopened"),
        )
