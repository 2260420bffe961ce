"""Moving through the interview: question by question, to the next unanswered, by theme; and
the app's keys the interview's footer leaves out for want of room.

InterviewMoves is a part of InterviewScreen (screens/interview.py), which redraws after each
move (`moved`); `after_load` holds a key pressed while the case is still loading until it has.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from audit_tui.interview_state import InterviewState


def after_load(method: Callable[..., None]) -> Callable[..., None]:
    """Keys pressed while the case is still loading run once it has loaded, in order."""

    @wraps(method)
    def wrapper(self: InterviewMoves, *args: Any) -> None:
        if self.state is None:
            self._early.append(partial(method, self, *args))
            return
        method(self, *args)

    return wrapper


class InterviewMoves(Screen[None]):
    """The moving keys of the interview screen (InterviewScreen is one)."""

    state: InterviewState | None
    _early: list[Callable[[], None]]

    if TYPE_CHECKING:  # InterviewScreen's

        def moved(self, refresh: bool = True) -> None: ...

    # -- moving -----------------------------------------------------------------------------

    @after_load
    def action_step(self, delta: int) -> None:
        if self.state is None:
            return
        if not self.state.step(delta):
            self.notify("No more questions that apply that way.", timeout=2)
        self.moved()

    @after_load
    def action_next_unanswered(self) -> None:
        if self.state is None:
            return
        if not self.state.next_unanswered():
            self.notify("Every question that applies is answered. Press c to complete.")
        self.moved()

    @after_load
    def action_theme(self, delta: int) -> None:
        if self.state is not None and self.state.cycle_theme(delta):
            self.moved()

    @after_load
    def action_go_theme(self, number: int) -> None:
        if self.state is None:
            return
        if self.state.go_to_theme(number):
            self.moved()
        else:
            self.notify(f"No question of theme {number} applies to this case.", timeout=3)

    @after_load
    def action_go_to(self, qid: str) -> None:
        if self.state is not None and self.state.go_to(qid):
            self.moved()

    # -- the app's keys, hidden from the interview's footer (interview_keys.py) --------------

    async def action_dashboard(self) -> None:
        await self.app.run_action("dashboard")

    async def action_toggle_dark(self) -> None:
        await self.app.run_action("toggle_dark")

    async def action_quit(self) -> None:
        await self.app.run_action("quit")
