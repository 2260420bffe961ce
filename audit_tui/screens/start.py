"""The start screen, when no file was named and the last one used is gone: a recent file, open,
create, or demo."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from audit_tui import settings
from audit_tui.locations import data_dir, demo_path
from audit_tui.messages import FileChosen


class StartScreen(Screen[None]):
    """Open a recent file or another inspection file, create a new one, or try the demo."""

    CSS_PATH = Path(__file__).resolve().parents[1] / "start.tcss"
    AUTO_FOCUS = ""  # on_mount focuses, without scrolling the intro out of view

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "focus_recent", "Recent", tooltip="Recent files", priority=True),
        Binding("ctrl+o", "focus_open", "Open", tooltip="Open a file", priority=True),
        Binding("ctrl+n", "focus_create", "Create", priority=True),
        Binding("ctrl+d", "demo", "Demo", tooltip="Try the demo", priority=True),
    ]

    def compose(self) -> ComposeResult:
        from question_bank.loader import shipped_bank_paths

        yield Header()
        with Vertical(id="start"):
            yield Static(
                "[b]audit-tui[/b] · case assessment for youth offending inspections.\n"
                "No inspection file is open yet.",
                id="start-intro",
            )
            recent = settings.recent_files()
            if recent:
                yield Label("Recent files (ctrl+r, then enter)", classes="start-heading")
                yield OptionList(
                    *[
                        Option(f"{path.name} ({kind}) · {path.parent}", id=str(path))
                        for path, kind in recent
                    ],
                    id="recent",
                )
            yield Label("Open an inspection file (ctrl+o, then enter)", classes="start-heading")
            with Horizontal(classes="start-row"):
                yield Label("File", classes="start-field")
                yield Input(
                    placeholder="path to an .sqlite inspection file", id="open-path", compact=True
                )
            yield Label("Create an inspection (ctrl+n)", classes="start-heading")
            with Horizontal(classes="start-row"):
                yield Label("Area", classes="start-field")
                yield Input(placeholder="e.g. Lambeth", id="create-area", compact=True)
                yield Label("Lead", classes="start-field")
                yield Input(placeholder="initials, e.g. AB", id="create-lead", compact=True)
            with Horizontal(classes="start-row"):
                yield Label("Bank", classes="start-field")
                banks = [(bank_id, bank_id) for bank_id in shipped_bank_paths()]
                yield Select(
                    banks,
                    value=banks[0][1] if banks else Select.BLANK,
                    id="create-bank",
                    allow_blank=not banks,
                    compact=True,
                )
            with Horizontal(classes="start-row"):
                yield Label("File", classes="start-field")
                yield Input(
                    placeholder=f"file to create, e.g. {data_dir() / 'lambeth.sqlite'}",
                    id="create-path",
                    compact=True,
                )
            with Horizontal(id="start-buttons"):
                yield Button("Create (enter)", id="create", variant="primary")
                yield Button("Try the demo (ctrl+d)", id="demo")
                yield Static("61 synthetic cases", id="start-demo-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        recent = self.query("#recent")
        (recent.first() if recent else self.query_one("#open-path", Input)).focus(
            scroll_visible=False
        )

    def action_focus_recent(self) -> None:
        recent = self.query("#recent")
        if recent:
            recent.first().focus()
        else:
            self.notify("No file used before is still there.", timeout=3)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            path = Path(event.option.id)
            if not path.is_file():
                self.notify(f"There is no file at {path} any more.", severity="error")
                return
            self.post_message(FileChosen(path))

    def action_focus_open(self) -> None:
        self.query_one("#open-path", Input).focus()

    def action_focus_create(self) -> None:
        self.query_one("#create-area", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "open-path":
            path = Path(event.value.strip()).expanduser()
            if not path.is_file():
                self.notify(f"There is no file at {path}; check the path.", severity="error")
                return
            self.post_message(FileChosen(path))
        else:
            self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "demo":
            self.action_demo()
        elif event.button.id == "create":
            self._create()

    def _create(self) -> None:
        area = self.query_one("#create-area", Input).value.strip()
        lead = self.query_one("#create-lead", Input).value.strip() or None
        bank_id = self.query_one("#create-bank", Select).value
        raw_path = self.query_one("#create-path", Input).value.strip()
        if not area or not raw_path or not isinstance(bank_id, str):
            self.notify("Give the area, the bank and the file to create.", severity="warning")
            return
        self.create_inspection(Path(raw_path).expanduser(), area, lead, bank_id)

    @work(thread=True, group="files")
    def create_inspection(self, path: Path, area: str, lead: str | None, bank_id: str) -> None:
        from db.errors import StoreError
        from db.file.store import InspectionStore
        from question_bank.loader import load_shipped

        try:
            InspectionStore.create(path, area=area, bank=load_shipped(bank_id), lead=lead).close()
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.post_message(FileChosen(path))  # thread-safe, as is every post_message

    def action_demo(self) -> None:
        self.notify("Preparing the demo inspection…", timeout=3)
        self.build_demo(demo_path())

    @work(thread=True, group="files")
    def build_demo(self, path: Path) -> None:
        if not path.exists():
            from db.reporting.demo import build_demo

            build_demo(path)
        self.post_message(FileChosen(path))
