"""The help screen: every key of every screen, read from the bindings themselves."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

# The digits that choose a theme: one row in help, for the digits the bank's themes use.
GO_THEME = re.compile(r"go_theme\((\d)\)")

# What the interview's section strip ("Section 1✓ 2✗ 3· 4 n/a") says, for the help.
SECTION_STRIP = (
    "The strip under a question ('Section 1✓ 2✗ 3· 4 n/a') is its section's questions by "
    "number: ✓ yes, ✗ no, – N/A, · not answered yet, … saving, a letter another scale's "
    "answer key, n/a does not apply to the case (skipped); the highlighted one is on screen, "
    "and a click goes to it."
)


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


def key_rows(bindings: Iterable[BindingType], digits: Sequence[int] = ()) -> list[KeyRow]:
    """Bindings grouped by action, keys in the order they were declared; the digits that
    choose a theme in one row, of those `digits` the bank's themes use (all nine if none)."""
    grouped: dict[str, tuple[list[str], str]] = {}
    themes: list[int] = []
    for binding in Binding.make_bindings(bindings):
        if number := GO_THEME.fullmatch(binding.action):
            themes.append(int(number.group(1)))
            continue
        text = binding.tooltip or binding.description
        keys, description = grouped.setdefault(binding.action, ([], text))
        keys.append(key_name(binding.key))
        if not description and text:
            grouped[binding.action] = (keys, text)
    rows = [KeyRow(tuple(keys), desc or action, action) for action, (keys, desc) in grouped.items()]
    used = sorted(set(themes) & set(digits)) if digits else sorted(themes)
    if used:
        whole = len(used) > 2 and used == list(range(used[0], used[-1] + 1))
        digit_keys = (f"{used[0]}-{used[-1]}",) if whole else tuple(str(n) for n in used)
        rows.append(
            KeyRow(
                digit_keys,
                f"Theme {' or '.join(digit_keys)} (again: the next theme numbered with it, 2.1 "
                "then 2.2)",
                "go_theme",
            )
        )
    return rows


def help_sections(
    app_bindings: Iterable[BindingType], digits: Sequence[int] = ()
) -> list[tuple[str, list[KeyRow]]]:
    """Every screen's keys, in the order a user meets the screens, after the app's own;
    `digits`: those the open bank's themes are numbered with."""
    from audit_tui.screens.case_details import CaseDetailsScreen
    from audit_tui.screens.case_list import CaseListScreen, CaseTable
    from audit_tui.screens.dashboard import DashboardScreen
    from audit_tui.screens.dialogs import CompletionDialog, NoteDialog, ReopenDialog
    from audit_tui.screens.figure_dialogs import JudgementDialog
    from audit_tui.screens.interview import InterviewScreen
    from audit_tui.screens.makeup import MakeupScreen
    from audit_tui.screens.moderation import ModerationScreen, RulingDialog
    from audit_tui.screens.start import StartScreen

    everywhere = [
        *app_bindings,
        Binding("ctrl+p", "command_palette", "Command palette: every action by name"),
    ]
    return [
        ("Everywhere", key_rows(everywhere)),
        ("Interview", key_rows(InterviewScreen.BINDINGS, digits)),
        ("Case list", key_rows([*CaseTable.BINDINGS, *CaseListScreen.BINDINGS])),
        ("Case details", key_rows(CaseDetailsScreen.BINDINGS)),
        ("The sample's make-up", key_rows(MakeupScreen.BINDINGS)),
        ("Scores and Data Summary", key_rows(DashboardScreen.BINDINGS, digits)),
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

    def __init__(self, origin: Any = None, digits: Sequence[int] = ()) -> None:
        super().__init__()
        self.origin = type(origin).__name__ if origin is not None else ""
        self.digits = tuple(digits)

    def compose(self) -> ComposeResult:
        sections = help_sections(self.app.BINDINGS, self.digits)
        first = {
            "InterviewScreen": "Interview",
            "CaseListScreen": "Case list",
            "CaseDetailsScreen": "Case details",
            "StartScreen": "Start screen",
            "DashboardScreen": "Scores and Data Summary",
            "ModerationScreen": "Moderation (collated files)",
        }
        lead = first.get(self.origin)
        sections.sort(key=lambda s: (s[0] != "Everywhere", s[0] != lead))
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(
                "[b]Keys[/b] · the mouse works too: click answers, sections, rows, a theme's "
                "score (its chart on the dashboard) and the ⭘ for the command palette. "
                "Esc closes.",
                classes="dialog-title",
            )
            for title, rows in sections:
                note = SECTION_STRIP if title == "Interview" else None
                yield HelpSection(title, rows, note, classes="help-section")


class HelpSection(Widget):
    """One screen's keys: each row's keys, then its description, wrapped under itself (not
    under the keys) at whatever width the help has."""

    DEFAULT_CSS = """
    HelpSection {
        height: auto;
    }
    """

    def __init__(
        self, title: str, rows: list[KeyRow], note: str | None = None, *, classes: str = ""
    ) -> None:
        super().__init__(classes=classes)
        self.title, self.rows, self.note = title, rows, note

    def lines(self, width: int) -> list[Content]:
        # Content, not markup: a key such as [ is shown as it is.
        lines = [Content.styled(self.title, "bold $accent")]
        for row in self.rows:
            keys = Content.assemble("  ", Content(" ").join(
                Content.styled(f" {k} ", "reverse") for k in row.keys
            ), "  ")  # fmt: skip
            indent = keys.cell_length
            wrapped = textwrap.wrap(row.description, max(width - indent, 20)) or [""]
            lines.append(Content.assemble(keys, wrapped[0]))
            lines.extend(Content(" " * indent + more) for more in wrapped[1:])
        if self.note:
            lines.extend(
                Content.styled(f"  {line}", "italic")
                for line in textwrap.wrap(self.note, max(width - 2, 20))
            )
        return lines

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width or 80))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))
