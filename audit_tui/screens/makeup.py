"""The make-up of the inspection's sample: its cases by disposal, status and stratum, the
groups the sample must include, each inspector's share, and what falls short.

The figures are db.sampling's (`inspection_makeup`), read on the writer thread, the same as
`audit-tui cases makeup FILE` prints; the check against the caseload extract is the command's
(`--caseload`), since the extract is not in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from audit_tui.writer import writer_of

STYLES = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from db.file.store import InspectionStore
    from db.sampling.makeup import Makeup


def load_makeup(store: InspectionStore) -> Makeup:
    """The inspection's make-up (runs on the writer thread)."""
    from db.sampling.makeup import inspection_makeup

    found, _ = inspection_makeup(store)
    return found


class MakeupLoaded(Message):
    def __init__(self, makeup: Makeup) -> None:
        super().__init__()
        self.makeup = makeup


class MakeupRefused(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class MakeupScreen(Screen[None]):
    """The sample's make-up; Esc goes back to where it was opened from."""

    CSS_PATH = STYLES / "makeup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.makeup: Makeup | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="makeup-summary")
        yield DataTable(id="makeup-strata", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="makeup-inspectors", cursor_type="row")
        yield Static(id="makeup-warnings")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sample make-up"
        strata = self.query_one("#makeup-strata", DataTable)
        for label, key, width in (("Kind", "kind", 8), ("Group", "group", 37),
                                  ("Cases", "cases", 5), ("Share", "share", 6)):  # fmt: skip
            strata.add_column(label, key=key, width=width)
        shares = self.query_one("#makeup-inspectors", DataTable)
        for label, key, width in (("Inspector", "inspector", 9), ("Cases", "cases", 5),
                                  ("Custody", "custody", 7), ("High RoSH", "risk", 9),
                                  ("Workload", "workload", 8)):  # fmt: skip
            shares.add_column(label, key=key, width=width)
        strata.focus()
        self.action_reload()

    def action_reload(self) -> None:
        writer_of(self).submit(load_makeup, reply_to=self, done=MakeupLoaded, failed=MakeupRefused)

    def on_makeup_loaded(self, message: MakeupLoaded) -> None:
        self.show(message.makeup)

    def on_makeup_refused(self, message: MakeupRefused) -> None:
        self.notify(message.error, title="Make-up not read", severity="error", timeout=10)

    def show(self, found: Makeup) -> None:
        self.makeup = found
        strata = self.query_one("#makeup-strata", DataTable)
        strata.clear()
        for row in found.rows:
            strata.add_row(row.kind, row.label, row.sample, f"{row.sample_share:.1f}%")
        shares = self.query_one("#makeup-inspectors", DataTable)
        shares.clear()
        for load in found.inspectors:
            shares.add_row(load.inspector, load.cases, load.custody, load.high_risk, load.workload)
        shares.display = bool(found.inspectors)
        inspectors = len(found.inspectors)
        self.query_one("#makeup-summary", Static).update(
            f"{found.sample} cases · {inspectors} inspector{'' if inspectors == 1 else 's'} · "
            "against the caseload extract: audit-tui cases makeup FILE --caseload CSV"
        )
        warnings = self.query_one("#makeup-warnings", Static)
        warnings.update("\n".join(f"⚠ {escape(w)}" for w in found.warnings))
        warnings.display = bool(found.warnings)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
