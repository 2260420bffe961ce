"""The case list: every case with its progress, filtered and sorted, the inspector's own first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from audit_tui import store_calls
from audit_tui.messages import (
    BankNotice,
    CaseFieldsSaved,
    CasesLoaded,
    CaseStatusChanged,
    ListingShown,
    OpenCase,
    StoreRefused,
)
from audit_tui.store_calls import CaseListing, CaseRow, OpenedFile, Progress, case_rows
from audit_tui.widgets.case_table import CaseTable
from audit_tui.writer import writer_of
from db.file.records import CaseStatus

if TYPE_CHECKING:
    from question_bank.case import CaseRecord

STATUS_FILTERS: tuple[str | None, ...] = (None, "current", "terminated")
# "complete" shows every closed case, locked ones too.
PROGRESS_FILTERS: tuple[CaseStatus | None, ...] = (
    None,
    CaseStatus.NOT_STARTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.COMPLETE,
)
SORTS = ("case", "progress", "disposal", "inspector", "status")
DISPOSAL_LABELS = {
    "referral_order": "Referral order",
    "reparation_order": "Reparation order",
    "yro": "YRO",
    "yro_iss": "YRO with ISS",
    "dto": "DTO",
    "s91": "s.91 custody",
    "youth_conditional_caution": "Youth cond. caution",
}


def progress_cell(progress: Progress | None) -> str:
    if progress is None or not progress.applicable:
        return "–"
    return f"{progress.answered}/{progress.applicable}"


class CaseListScreen(Screen[None]):
    """Cases of the inspection; Enter starts (or resumes) the interview of the highlighted one.

    Shown from the case list read before the store opened the file (`CaseListing`); the app
    hands it the opened file (`file_opened`) once the store has it, and what needs the store
    (a case's details) waits for that.
    """

    bank_notice: reactive[str | None] = reactive(None)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "details", "Details"),
        # The filters and the sort are named with their keys on the line over the table, so
        # the footer keeps room at 80 columns; help and the palette list them too.
        Binding("i", "cycle_inspector", "Inspector filter", show=False),
        Binding("s", "cycle_status", "Status filter", show=False),
        Binding("p", "cycle_progress", "Progress filter", show=False),
        Binding("o", "cycle_sort", "Sort", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False,
                tooltip="Clear the filters: every case shown"),
        Binding("v", "case_findings", "Case's no's",
                tooltip="The highlighted case's key questions answered no, with their notes"),
        Binding("m", "makeup", "Make-up", show=False,
                tooltip="The sample's make-up: disposals, status, groups, inspectors' shares"),
        Binding("q", "app.quit", "Quit", show=False),
    ]  # fmt: skip

    def __init__(
        self,
        listing: CaseListing,
        focus_case: str | None = None,
        opened: OpenedFile | None = None,
    ) -> None:
        super().__init__()
        self.listing = listing
        self.opened = opened
        self.own = listing.inspector
        self.cases: list[CaseRow] = list(listing.cases)
        self.records: dict[str, CaseRecord] = {}
        if opened is not None:
            self.records = {c.case_ref: c for c in opened.cases}
        self.progress: dict[str, Progress] = dict(listing.progress)
        self._waiting: list[Callable[[], None]] = []
        self._resumed = False
        # Redrawn when next shown: a list redrawn under the interview (an answer's progress)
        # would make Textual repaint the whole interview over it, for nothing.
        self._rebuild_due = False
        self._notice = "unread"  # the bank notice: unread, due (when shown again), asked
        self.inspector_filter: str | None = None
        self.status_filter: str | None = None
        self.progress_filter: CaseStatus | None = None
        self.sort = "case"
        self.focus_case = focus_case

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="case-filters")
        yield Static(id="bank-notice")
        yield CaseTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="case-summary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Every case reference whole (a cut one could read as another case's); a long one
        # takes its room from the disposal's, so the table still fits 80 columns.
        case_width = max([8, *(len(c.case_ref) for c in self.cases)])
        table.add_column("Case", key="case", width=case_width)
        table.add_column("Insp.", key="inspector", width=5)
        table.add_column("Disposal", key="disposal", width=max(10, 19 - max(0, case_width - 13)))
        table.add_column("Status", key="status", width=10)
        table.add_column("Answered", key="progress", width=8)
        table.add_column("State", key="state", width=11)
        self.title = "Cases"
        self.rebuild()
        table.focus()
        self.screen_layout_refresh_signal.subscribe(self, self._first_frame)
        if self.opened is not None:
            self.call_later(self._read_bank_notice)

    def _first_frame(self, screen: Screen[Any]) -> None:
        """Once the list has been drawn, say so (the store then opens the file)."""
        self.screen_layout_refresh_signal.unsubscribe(self)
        self.post_message(ListingShown())

    def file_opened(self, opened: OpenedFile) -> None:
        """The store has opened the file: what waited for it runs now."""
        self.opened = opened
        self.records = {c.case_ref: c for c in opened.cases}
        progress = dict(opened.progress)
        if progress != self.progress or case_rows(opened.cases) != self.cases:
            self.cases, self.progress = case_rows(opened.cases), progress
            self.rebuild()
        waiting, self._waiting = self._waiting, []
        for action in waiting:
            action()
        self.call_later(self._read_bank_notice)

    def _read_bank_notice(self) -> None:
        """Whether the shipped bank has changed since the file was made: read once the list
        is on screen (it loads the shipped bank file), not while a case is being opened."""
        if self.opened is None or self._notice == "asked":
            return
        if self.app.screen is not self:  # a case is being opened: its interview comes first
            self._notice = "due"
            return
        self._notice = "asked"
        writer_of(self).submit(store_calls.bank_notice, reply_to=self, done=BankNotice)

    def on_bank_notice(self, message: BankNotice) -> None:
        message.stop()
        text = message.text
        if text and self.listing.kind == "demo":  # nothing to keep: a new demo is one command
            import shlex

            path = shlex.quote(self.listing.path)
            text += f"; for a demo on the shipped one, quit, `rm {path}` and run the demo again"
        self.bank_notice = text

    def watch_bank_notice(self, text: str | None) -> None:
        notice = self.query_one("#bank-notice", Static)
        notice.update(text or "")
        notice.display = bool(text)

    def on_screen_resume(self) -> None:
        if self._rebuild_due:
            self.rebuild()  # before the first frame back
        if self._notice == "due":
            self._read_bank_notice()
        if not self._resumed:
            self._resumed = True  # first shown: the list was read just now
            return
        writer_of(self).submit(
            store_calls.case_list, reply_to=self, done=CasesLoaded, failed=StoreRefused
        )

    # -- data -------------------------------------------------------------------------------

    def visible_cases(self) -> list[CaseRow]:
        rows = [
            c
            for c in self.cases
            if (self.inspector_filter is None or c.inspector == self.inspector_filter)
            and (self.status_filter is None or c.status == self.status_filter)
            and self._progress_shown(self._state(c.case_ref))
        ]
        return sorted(rows, key=lambda c: (c.inspector != self.own, self._sort_key(c)))

    def _progress_shown(self, state: CaseStatus) -> bool:
        wanted = self.progress_filter
        if wanted is None:
            return True
        return state.closed if wanted == CaseStatus.COMPLETE else state == wanted

    def _state(self, ref: str) -> CaseStatus:
        progress = self.progress.get(ref)
        return progress.status if progress else CaseStatus.NOT_STARTED

    def _sort_key(self, case: CaseRow) -> tuple[Any, ...]:
        progress = self.progress.get(case.case_ref)
        share = progress.answered / progress.applicable if progress and progress.applicable else 0
        if self.sort == "progress":
            return (share, case.case_ref)
        if self.sort == "disposal":
            return (case.disposal, case.case_ref)
        if self.sort == "inspector":
            return (case.inspector, case.case_ref)
        if self.sort == "status":
            return (case.status, case.case_ref)
        return (case.case_ref,)

    def rebuild(self) -> None:
        if self.screen_stack_above():
            self._rebuild_due = True
            return
        self._rebuild_due = False
        table = self.query_one(DataTable)
        keep = self._highlighted() or self.focus_case
        table.clear()
        rows = self.visible_cases()
        for case in rows:
            state = self._state(case.case_ref)
            own = case.inspector == self.own
            table.add_row(
                Text(case.case_ref, style="bold" if own else ""),
                case.inspector,
                DISPOSAL_LABELS.get(case.disposal, case.disposal),
                case.status,
                progress_cell(self.progress.get(case.case_ref)),
                Text(state.label, style=_state_style(state)),
                key=case.case_ref,
            )
        refs = [c.case_ref for c in rows]
        if keep in refs:
            table.move_cursor(row=refs.index(keep), animate=False)
        self._show_filters(rows)

    def screen_stack_above(self) -> bool:
        """Whether another screen is over the list (it is redrawn when shown again)."""
        stack = self.app.screen_stack
        return self in stack and stack[-1] is not self

    def filtered(self) -> bool:
        return (self.inspector_filter, self.status_filter, self.progress_filter) != (None,) * 3

    def _show_filters(self, shown: list[CaseRow]) -> None:
        def part(key: str, action: str, label: str, value: str) -> Content:
            return Content.from_markup(
                f"[@click=screen.{action}][b $accent]{key}[/] {label} [b]{value}[/b][/]"
            )

        inspector = self.inspector_filter or "all"
        status = self.status_filter or "all"
        progress = self.progress_filter.label if self.progress_filter else "all"
        parts = [
            part("i", "cycle_inspector", "inspector", inspector),
            part("s", "cycle_status", "status", status),
            part("p", "cycle_progress", "progress", progress),
            part("o", "cycle_sort", "sort", self.sort),
        ]
        if self.filtered():
            parts.append(part("x", "clear_filters", "clear", ""))
        self.query_one("#case-filters", Static).update(Content("  ").join(parts))
        self.query_one("#case-summary", Static).update(self._summary(shown))

    def _summary(self, shown: list[CaseRow]) -> str:
        """How many cases are shown and complete: of those shown, and of all of them."""
        total = len(self.cases)
        if not total:
            import shlex  # only for a file with no cases: not on every start

            return (
                "No cases in this file yet. Quit (ctrl+q) and add the sample: "
                f"audit-tui cases import {escape(shlex.quote(self.listing.path))} SAMPLE.csv"
            )
        done = sum(1 for c in self.cases if self._state(c.case_ref).closed)
        mine = sum(1 for c in self.cases if c.inspector == self.own)
        own = f"{mine} assigned to {self.own} (listed first)"
        if not self.filtered():
            return f"{total} of {total} cases shown · {done} of {total} complete · {own}"
        if not shown:
            return f"No case matches the filters (0 of {total} shown): x clears them · {own}"
        done_shown = sum(1 for c in shown if self._state(c.case_ref).closed)
        return (
            f"{len(shown)} of {total} cases shown, {done_shown} of them complete · "
            f"{done} of {total} complete in all · {own}"
        )

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    # -- replies from the writer ------------------------------------------------------------

    def on_cases_loaded(self, message: CasesLoaded) -> None:
        self.records = {c.case_ref: c for c in message.cases.cases}
        self.cases = case_rows(message.cases.cases)
        self.progress = dict(message.cases.progress)
        self.rebuild()

    def on_case_fields_saved(self, message: CaseFieldsSaved) -> None:
        self.on_screen_resume()

    def on_case_status_changed(self, message: CaseStatusChanged) -> None:
        self.case_progress(message.case_ref, message.progress)

    def case_progress(self, case_ref: str, progress: Progress) -> None:
        """A case's progress changed (an answer, a completion, on any screen): shown at once,
        so the list is right on the first frame it is seen again."""
        if self.progress.get(case_ref) == progress:
            return
        self.progress[case_ref] = progress
        self._update_case(case_ref)

    def case_updated(self, case: CaseRecord, progress: Progress) -> None:
        """A case's details changed (case details, from here or the interview): its row and
        progress as they are now, at once."""
        self.records[case.case_ref] = case
        (row,) = case_rows([case])
        self.cases = [row if c.case_ref == case.case_ref else c for c in self.cases]
        self.progress[case.case_ref] = progress
        self.rebuild()

    def _update_case(self, case_ref: str) -> None:
        """Redraw one case's cells, or the whole list when it may move (a filter or the sort
        depends on progress)."""
        table = self.query_one(DataTable)
        if self.progress_filter is not None or self.sort == "progress" or self.screen_stack_above():
            self.rebuild()
            return
        if case_ref not in table.rows:
            return
        state = self._state(case_ref)
        table.update_cell(case_ref, "progress", progress_cell(self.progress.get(case_ref)))
        table.update_cell(case_ref, "state", Text(state.label, style=_state_style(state)))
        self._show_filters(self.visible_cases())

    def on_store_refused(self, message: StoreRefused) -> None:
        self.notify(message.error, severity="error")

    # -- actions ----------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenCase(str(event.row_key.value)))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        mapping = {
            "case": "case",
            "inspector": "inspector",
            "disposal": "disposal",
            "status": "status",
            "progress": "progress",
            "state": "progress",
        }
        self.sort = mapping.get(key, "case")
        self.rebuild()

    def action_details(self) -> None:
        from audit_tui.screens.case_details import CaseDetailsScreen

        if self.opened is None:
            self._waiting.append(self.action_details)
            return
        ref = self._highlighted()
        if ref:
            case = self.records[ref]
            self.app.push_screen(CaseDetailsScreen(self.opened.bank, case, self.progress.get(ref)))

    def action_makeup(self) -> None:
        from audit_tui.screens.makeup import MakeupScreen

        if self.opened is None:
            self._waiting.append(self.action_makeup)
            return
        self.app.push_screen(MakeupScreen())

    def action_case_findings(self) -> None:
        from audit_tui.screens.figure_dialogs import CaseFindingsDialog

        ref = self._highlighted()
        if ref:
            self.app.push_screen(CaseFindingsDialog(ref))

    def action_cycle_inspector(self) -> None:
        options: list[str | None] = [None, *sorted({c.inspector for c in self.cases})]
        self.inspector_filter = _next(options, self.inspector_filter)
        self.rebuild()

    def action_cycle_status(self) -> None:
        self.status_filter = _next(list(STATUS_FILTERS), self.status_filter)
        self.rebuild()

    def action_cycle_progress(self) -> None:
        self.progress_filter = _next(list(PROGRESS_FILTERS), self.progress_filter)
        self.rebuild()

    def action_clear_filters(self) -> None:
        self.inspector_filter = self.status_filter = self.progress_filter = None
        self.rebuild()

    def action_cycle_sort(self) -> None:
        self.sort = _next(list(SORTS), self.sort) or "case"
        self.rebuild()


def _next(options: list[Any], current: Any) -> Any:
    index = options.index(current) if current in options else -1
    return options[(index + 1) % len(options)]


def _state_style(state: CaseStatus) -> str:
    if state.closed:
        return "green"
    return "yellow" if state == CaseStatus.IN_PROGRESS else "dim"
