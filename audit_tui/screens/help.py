"""The help screen: every key of every screen, read from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True)
class KeyRow:
    keys: tuple[str, ...]
    description: str
    action: str


def key_name(key: str) -> str:
    """A bound key as a person reads it: ^t, shift+tab, ], ?."""
    *modifiers, name = key.split("+")
    shown = format_key(name)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        shown = f"^{shown}"
    return "+".join([*modifiers, shown])


def key_rows(bindings: Iterable[BindingType]) -> list[KeyRow]:
    """Bindings grouped by action, keys in the order they were declared."""
    grouped: dict[str, tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        text = binding.tooltip or binding.description
        keys, description = grouped.setdefault(binding.action, ([], text))
        keys.append(key_name(binding.key))
        if not description and text:
            grouped[binding.action] = (keys, text)
    return [KeyRow(tuple(keys), desc or action, action) for action, (keys, desc) in grouped.items()]


def help_sections(app_bindings: Iterable[BindingType]) -> list[tuple[str, list[KeyRow]]]:
    """Every screen's keys, in the order a user meets the screens, after the app's own."""
    from audit_tui.screens.case_details import CaseDetailsScreen
    from audit_tui.screens.case_list import CaseListScreen, CaseTable
    from audit_tui.screens.dashboard import DashboardScreen
    from audit_tui.screens.dialogs import CompletionDialog, NoteDialog, ReopenDialog
    from audit_tui.screens.figure_dialogs import JudgementDialog
    from audit_tui.screens.interview import InterviewScreen
    from audit_tui.screens.moderation import ModerationScreen, RulingDialog
    from audit_tui.screens.start import StartScreen

    everywhere = [
        *app_bindings,
        Binding("ctrl+p", "command_palette", "Command palette: every action by name"),
    ]
    return [
        ("Everywhere", key_rows(everywhere)),
        ("Interview", key_rows(InterviewScreen.BINDINGS)),
        ("Case list", key_rows([*CaseTable.BINDINGS, *CaseListScreen.BINDINGS])),
        ("Case details", key_rows(CaseDetailsScreen.BINDINGS)),
        ("Scores and Data Summary", key_rows(DashboardScreen.BINDINGS)),
        ("Recording a judgement", key_rows(JudgementDialog.BINDINGS)),
        ("Note", key_rows(NoteDialog.BINDINGS)),
        ("Completing a case", key_rows(CompletionDialog.BINDINGS)),
        ("Reopening a case", key_rows(ReopenDialog.BINDINGS)),
        ("Moderation (collated files)", key_rows(ModerationScreen.BINDINGS)),
        ("Ruling on an answer", key_rows(RulingDialog.BINDINGS)),
        ("Start screen", key_rows(StartScreen.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by screen; the screen it was opened from comes first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close help"),
    ]

    def __init__(self, origin: Any = None) -> None:
        super().__init__()
        self.origin = type(origin).__name__ if origin is not None else ""

    def compose(self) -> ComposeResult:
        sections = help_sections(self.app.BINDINGS)
        first = {
            "InterviewScreen": "Interview",
            "CaseListScreen": "Case list",
            "CaseDetailsScreen": "Case details",
            "StartScreen": "Start screen",
            "DashboardScreen": "Scores and Data Summary",
        }
        lead = first.get(self.origin)
        sections.sort(key=lambda s: (s[0] != "Everywhere", s[0] != lead))
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(
                "[b]Keys[/b] · the mouse works too: click answers, sections, rows and "
                "the ⭘ for the command palette. Esc closes.",
                classes="dialog-title",
            )
            for title, rows in sections:
                lines = [f"[b $accent]{escape(title)}[/]"]
                for row in rows:
                    keys = " ".join(f"[reverse] {escape(k)} [/]" for k in row.keys)
                    lines.append(f"  {keys}  {escape(row.description)}")
                yield Static("\n".join(lines), classes="help-section")
