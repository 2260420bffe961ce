"""Asking for the passphrase of an encrypted inspection file before it is opened."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class PassphraseScreen(ModalScreen[str | None]):
    """Type the passphrase (never shown); it is checked before the screen closes with it.

    A wrong passphrase is said in one line and the field is cleared for another try; Escape
    gives up, and the app says the file was not opened.
    """

    CSS_PATH = "../passphrase.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    class Checked(Message):
        """The passphrase was tried on the file: `error` is None when it opens it."""

        def __init__(self, passphrase: str, error: str | None) -> None:
            super().__init__()
            self.passphrase = passphrase
            self.error = error

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase-dialog", classes="dialog"):
            yield Label(f"{escape(self.path.name)} is encrypted", classes="dialog-title")
            yield Static("Type its passphrase and press Enter; Escape cancels.")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="passphrase-status")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            return
        event.input.disabled = True
        self.query_one("#passphrase-status", Static).update("Checking…")
        self._check(event.value)

    @work(thread=True, exclusive=True)
    def _check(self, passphrase: str) -> None:
        """Open the file read-only with the passphrase (SQLCipher's key derivation is slow)."""
        from db.errors import StoreError
        from db.file.checks import check_file
        from db.file.connection import WrongPassphrase

        error: str | None = None
        try:
            check_file(self.path, passphrase)
        except WrongPassphrase:
            error = "That passphrase does not open this file; try again."
        except StoreError:
            pass  # a damaged file: opening it says so, in the app's one sentence
        self.post_message(self.Checked(passphrase, error))

    def on_passphrase_screen_checked(self, message: Checked) -> None:
        if message.error is None:
            self.dismiss(message.passphrase)
            return
        field = self.query_one(Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self.query_one("#passphrase-status", Static).update(escape(message.error))

    def action_cancel(self) -> None:
        self.dismiss(None)
