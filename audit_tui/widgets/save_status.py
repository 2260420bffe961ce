"""The line under the interview's question that says whether the last change is saved."""

from __future__ import annotations

from audit_tui.widgets.lines import KeptRows, Line


def saved_markup(qid: str, value: str, saved: int) -> str:
    """What the line says once an answer is on disk."""
    return f"[$success]✓ saved[/] {qid} {value} · {saved} saved this session"


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
