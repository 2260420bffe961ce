"""Modal dialogs of the interview (the note, the completion check, reopening a case) and the
frame every dialog that records something shares: ConfirmDialog and its row of two buttons."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea
from textual.widgets.button import ButtonVariant

from audit_tui.store_calls import MissingItem
from question_bank.model import Bank

ResultT = TypeVar("ResultT")


class ConfirmDialog(ModalScreen[ResultT]):
    """A dialog that is confirmed (its first button, Enter in a field, or its key) or cancelled
    (its Cancel button or Escape, dismissing it with None); `action_confirm` says what it gives.

    Text typed into it is never thrown away by one key: the first cancel after typing says so
    and keeps the dialog open; a second cancel discards.
    """

    _texts_at_open: tuple[str, ...] | None = None
    _discard_warned = False

    def on_mount(self) -> None:
        # Toasts stand over the right half of a dialog at 80 columns, hiding what is typed;
        # what a dialog has to say it says inside itself (`say`).
        self.app.clear_notifications()
        # after the subclass's own mount, which may fill the fields (a note being edited)
        self.call_after_refresh(self._remember_texts)

    def _remember_texts(self) -> None:
        self._texts_at_open = self._texts()

    def _texts(self) -> tuple[str, ...]:
        return tuple(
            field.text if isinstance(field, TextArea) else field.value
            for field in self.query("TextArea, Input").results()
            if isinstance(field, (TextArea, Input))
        )

    def typed(self) -> bool:
        """Whether the fields hold text typed since the dialog opened."""
        return self._texts_at_open is not None and self._texts() != self._texts_at_open

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.action_confirm()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if self.typed() and not self._discard_warned:
            self._discard_warned = True
            self.say(
                "Not saved yet: press Esc again to discard what you typed, or save it with "
                "the first button."
            )
            return
        self.dismiss(None)

    def say(self, sentence: str) -> None:
        """A warning line inside the dialog, above its buttons (the last one said stays)."""
        said = next(iter(self.query(DialogWarning).results(DialogWarning)), None)
        if said is not None:
            said.update(sentence)
            self.call_after_refresh(said.bring_into_view)
            return
        buttons = self.query_one(".dialog-buttons")
        box = buttons.parent
        assert isinstance(box, Widget)
        box.mount(DialogWarning(sentence, classes="dialog-warning"), before=buttons)


class DialogWarning(Static):
    """What stops a dialog, said inside it above its buttons; in a short terminal the dialog
    scrolls, so it brings itself and the buttons under it into view."""

    def on_resize(self) -> None:  # laid out: the dialog's scroll now counts it
        self.call_after_refresh(self.bring_into_view)

    def bring_into_view(self) -> None:
        buttons = self.screen.query(".dialog-buttons")
        (buttons.last() if buttons else self).scroll_visible(animate=False)


def dialog_buttons(
    confirm: str,
    confirm_id: str = "save",
    variant: ButtonVariant = "primary",
    cancel: str = "Cancel (esc)",
) -> Horizontal:
    """A dialog's row of buttons: the one that confirms it, then the one that cancels it."""
    return Horizontal(
        Button(confirm, id=confirm_id, variant=variant, compact=True),
        Button(cancel, id="cancel", compact=True),
        classes="dialog-buttons",
    )


class NoteDialog(ConfirmDialog[str | None]):
    """Write or edit the evidence note of a question; Ctrl+S saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, qid: str, text: str, initial: str, required_for: str | None = None) -> None:
        super().__init__()
        self.qid = qid
        self.text = text
        self.initial = initial
        self.required_for = required_for

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            title = f"Note for {self.qid}"
            if self.required_for:
                title += f" — required for the answer {self.required_for}"
            yield Label(title, classes="dialog-title")
            yield Static(escape(self.text), classes="dialog-question")
            area = TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = False
            yield area
            yield dialog_buttons("Save (ctrl+s)")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_confirm(self) -> None:
        note = self.query_one(TextArea).text.strip()
        if self.required_for and not note:
            self.say("This answer needs a note: write one, or press Esc to leave it for later.")
            return
        self.dismiss(note)


class CompletionDialog(ConfirmDialog[str | None]):
    """Complete a case, or see what it still lacks and go to the first gap."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Confirm"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(
        self, case_ref: str, missing: list[MissingItem], bank: Bank, applicable: int
    ) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.missing = missing
        self.bank = bank
        self.applicable = applicable

    def compose(self) -> ComposeResult:
        with Vertical(id="completion-dialog", classes="dialog"):
            if self.missing:
                yield Label(f"{self.case_ref} cannot be completed yet", classes="dialog-title")
                count = len(self.missing)
                yield Static(
                    f"{count} {'thing' if count == 1 else 'things'} to do first "
                    f"({self.applicable} questions apply to this case):"
                )
                with VerticalScroll(id="missing-list"):
                    for item in self.missing:
                        yield Static(self._describe(item), classes="missing-item")
                yield dialog_buttons("Go to the first (enter)", "goto", cancel="Close (esc)")
            else:
                yield Label(f"Complete {self.case_ref}?", classes="dialog-title")
                yield Static(
                    f"All {self.applicable} applicable questions are answered and every "
                    "required note is written. A complete case can be reopened only with a "
                    "reason, which is recorded in its history."
                )
                yield dialog_buttons("Complete (enter)", "complete", "success")

    def _describe(self, item: MissingItem) -> str:
        question = self.bank.question_by_id.get(item.question_id)
        text = question.text if question else ""
        if len(text) > 70:
            text = text[:69] + "…"
        reason = item.reason.replace("_", " ")
        # "RR-PLAN-02 unanswered: Was the order …" — the colon keeps a reason that is a whole
        # sentence ("needs a note when the answer is no; …") apart from the question's text
        return f"[b]{escape(item.question_id)}[/b] [$warning]{escape(reason)}[/]: {escape(text)}"

    def action_confirm(self) -> None:
        if self.missing:
            self.dismiss(f"goto:{self.missing[0].question_id}")
        else:
            self.dismiss("complete")


class ReopenDialog(ConfirmDialog[str | None]):
    """Reopen a complete case: a reason is required and goes into the history."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref

    def compose(self) -> ComposeResult:
        with Vertical(id="reopen-dialog", classes="dialog"):
            yield Label(f"Reopen {self.case_ref}?", classes="dialog-title")
            yield Static(
                "The case is complete. Say why it is reopened; the reason is recorded "
                "in the case's history with your initials."
            )
            yield Input(placeholder="reason, e.g. second read found a missed referral", id="reason")
            yield dialog_buttons("Reopen (enter)", "reopen", "warning")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()

    def action_confirm(self) -> None:
        reason = self.query_one(Input).value.strip()
        if not reason:
            self.say("Give a reason to reopen the case.")
            return
        self.dismiss(reason)
