"""The line under the interview's question that says whether the last change is saved."""

from __future__ import annotations

from typing import Protocol

from audit_tui.widgets.lines import KeptRows, Line


class _Change(Protocol):
    @property
    def value(self) -> str | None: ...


def saving_markup(qid: str, value: str) -> str:
    """What the line says from the key until the commit returns."""
    return f"[$warning]… saving[/] {qid} {value}"


def saved_markup(qid: str, value: str, saved: int, note_needed: bool = False) -> str:
    """What the line says once an answer is on disk (flagged when its note is still to come)."""
    flag = " · [$warning]note needed[/] (e to write it)" if note_needed else ""
    return f"[$success]✓ saved[/] {qid} {value}{flag} · {saved} saved this session"


def not_saved_sentence(qid: str, action: str, change: _Change | None, error: str) -> str:
    """One sentence saying that a change was not saved, and the store's reason."""
    value = change.value if change is not None else None
    what = {
        "answer": f"Your answer {value} to {qid}",
        "note": f"The note of {qid}",
        "undo": f"The undo of {qid}",
    }.get(action, f"The change of {qid}")
    return f"{what} was not saved: {error.rstrip('.')}."


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
