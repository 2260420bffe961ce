"""The note dialog opened by an answer that needs a note, once that answer is saved.

The answer is saved first, flagged "note needed" (db.file.answer_rules.write_answer with
`note_to_follow`); Escape leaves it so, to be written later (`e`), and the case cannot be
completed until it is.
"""

from __future__ import annotations

from textual.widgets import Button

from audit_tui.screens.dialogs import NoteDialog


class NeededNoteDialog(NoteDialog):
    """The note of an answer just saved without it: Ctrl+S saves it, Escape writes it later."""

    def __init__(self, qid: str, text: str, required_for: str, sentence: str) -> None:
        super().__init__(qid, text, "", required_for=required_for)
        self.sentence = sentence

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cancel", Button).label = "Later (esc)"

    def action_confirm(self) -> None:
        if not self.query_one("#note-text").text.strip():  # type: ignore[attr-defined]
            self.say(f"{self.sentence}, or press Esc to write it later; the answer is saved.")
            return
        super().action_confirm()
