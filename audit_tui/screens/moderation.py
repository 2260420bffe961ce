"""Moderation: the conflicts and second-read disagreements of a collated file, and the ruling.

Every store call goes to the app's writer thread (audit_tui/writer.py) and comes back as a
message, so the screen never waits on the file. `audit-tui moderate FILE` opens the app with this
screen over the case list once the file is open (make_app's `start_with="moderation"`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from audit_tui.screens.dialogs import ConfirmDialog, dialog_buttons
from audit_tui.store_calls import OpenedFile
from audit_tui.writer import writer_of
from question_bank.phrasing import counted

STYLES = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from db.collation.agreement import AgreementReport
    from db.collation.moderation import Item, Resolution, Side
    from db.file.store import InspectionStore


# -- store calls (run on the writer thread) -----------------------------------------------------


@dataclass(frozen=True)
class Review:
    """What the screen shows: the items to moderate and the agreement figures."""

    items: list[Item]
    agreement: AgreementReport
    include_resolved: bool


def load_review(store: InspectionStore, include_resolved: bool) -> Review:
    from db.collation import moderation
    from db.collation.agreement import agreement

    return Review(
        moderation.review(store, include_resolved=include_resolved),
        agreement(store),
        include_resolved,
    )


def rule(
    store: InspectionStore,
    item: Item,
    value: str,
    note: str | None,
    reason: str,
    moderator: str,
    include_resolved: bool,
) -> tuple[Resolution, Review]:
    from db.collation import moderation

    done = moderation.resolve(
        store,
        item.case_ref,
        item.question_id,
        value,
        note=note,
        reason=reason,
        moderator=moderator,
        role=item.role,
    )
    return done, load_review(store, include_resolved)


class ReviewLoaded(Message):
    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review


class Moderated(Message):
    def __init__(self, outcome: tuple[Resolution, Review]) -> None:
        super().__init__()
        self.resolution, self.review = outcome


class ModerationRefused(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


# -- the ruling dialog --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ruling:
    value: str
    note: str | None
    reason: str


class RulingDialog(ConfirmDialog[Ruling | None]):
    """The moderated answer: a value, its note and the reason; Enter or Ctrl+S records it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Record", tooltip="Record the ruling (Enter in a field too)"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, item: Item, options: list[tuple[str, str]], value: str | None, note: str | None
    ) -> None:
        super().__init__()
        self.item = item
        self.options = options
        self.value = value
        self.note = note

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="ruling-dialog", classes="dialog"):
            yield Label(
                f"Moderate {item.question_id} of case {item.case_ref}", classes="dialog-title"
            )
            yield Static(escape(item.question_text), classes="dialog-question")
            yield Select(
                self.options,
                value=self.value if self.value is not None else Select.NULL,
                prompt="Answer",
                id="ruling-value",
                compact=True,
            )
            yield Input(self.note or "", placeholder="Note (the evidence)", id="ruling-note")
            yield Input(placeholder="Reason for the ruling (required)", id="ruling-reason")
            yield dialog_buttons("Record (enter, ^s)")

    def on_mount(self) -> None:
        target = "#ruling-reason" if self.value is not None else "#ruling-value"
        self.query_one(target).focus()

    def action_confirm(self) -> None:
        value = self.query_one("#ruling-value", Select).value
        reason = self.query_one("#ruling-reason", Input).value.strip()
        if not isinstance(value, str):
            self.say("Choose the moderated answer first.")
            return
        if not reason:
            self.say("Give a reason; it is kept in the answer's history.")
            self.query_one("#ruling-reason", Input).focus()
            return
        note = self.query_one("#ruling-note", Input).value.strip() or None
        self.dismiss(Ruling(value, note, reason))


# -- the screen ---------------------------------------------------------------------------------


def _kind_label(item: Item) -> str:
    return "conf" if item.kind == "conflict" else "2nd"


def when(stamp: str) -> str:
    """A stored time as a person reads it, in local time: 'Mon 8 Sep 2014 10:31'."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"


def _status_label(status: str) -> str:
    from db.file.records import CaseStatus

    try:
        return CaseStatus(status).label
    except ValueError:
        return status


def _side_source(item: Item, number: int, side: Side) -> str:
    """Who recorded an answer and when (collation keeps who and when, not which file: the
    lead's file or a hand-in), or which read it is."""
    if item.kind == "second_read":
        read = "first read" if side.role == "primary" else "second read"
        return f"{read} by {side.inspector}, {when(side.answered_at)}"
    return f"answered by {side.inspector}, {when(side.answered_at)}"


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _kappa(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


class ModerationScreen(Screen[None]):
    """Conflicts and second-read disagreements to rule on, and first/second read agreement."""

    CSS_PATH = STYLES / "moderation.tcss"
    TAKE = Binding.Group("Take", compact=True)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", "Take answer 1", group=TAKE),
        Binding("2", "choose(1)", "Take answer 2", group=TAKE),
        Binding("3", "choose(2)", "Take answer 3", show=False),
        Binding("4", "choose(3)", "Take answer 4", show=False),
        Binding("e", "enter_answer", "Other", tooltip="Enter another answer"),
        # Named with its key on the summary line, so the footer fits 80 columns.
        Binding("a", "toggle_resolved", "Resolved", show=False,
                tooltip="Show resolved items too, or not"),
        Binding("g", "toggle_agreement", "Agreement",
                tooltip="First and second read agreement: overall, by theme, by question"),
        Binding("escape", "back", "Back"),
    ]  # fmt: skip

    def __init__(self, opened: OpenedFile) -> None:
        super().__init__()
        self.opened = opened
        self.review: Review | None = None
        self.include_resolved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="moderation-summary")
        with Horizontal(id="moderation-body"):
            yield DataTable(id="moderation-items", cursor_type="row", zebra_stripes=True)
            yield Static(id="moderation-detail")
        yield DataTable(id="moderation-agreement", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Moderation"
        items = self.query_one("#moderation-items", DataTable)
        for label, key, width in (
            ("Kind", "kind", 4),
            ("Case", "case", None),  # as wide as the longest reference: never cut short
            ("Question", "question", 12),
            ("Answers", "answers", 7),
            ("", "state", 6),
        ):
            items.add_column(label, key=key, width=width)
        agreement = self.query_one("#moderation-agreement", DataTable)
        for label, width in (("Scope", 12), ("Label", 30), ("Pairs", 5), ("Agree", 6),
                             ("Kappa", 6)):  # fmt: skip
            agreement.add_column(label, width=width)
        agreement.display = False
        items.focus()
        self.load()

    def load(self) -> None:
        writer_of(self).submit(
            partial(load_review, include_resolved=self.include_resolved),
            reply_to=self,
            done=ReviewLoaded,
            failed=ModerationRefused,
        )

    # -- replies from the writer ------------------------------------------------------------

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        self.show(message.review)

    def on_moderated(self, message: Moderated) -> None:
        self.notify(message.resolution.sentence, title="Ruling recorded")
        self.show(message.review)

    def on_moderation_refused(self, message: ModerationRefused) -> None:
        self.notify(message.error, title="Not recorded", severity="error", timeout=10)
        if self.review is not None:
            self.show(self.review)  # the counts and the item as they were

    def show(self, review: Review) -> None:
        self.review = review
        table = self.query_one("#moderation-items", DataTable)
        keep = table.cursor_row
        table.clear()
        for index, item in enumerate(review.items):
            answers = "/".join(self._label(item, s.value) for s in item.sides)
            state = Text("done", style="green") if item.resolved else Text("open", "bold red")
            table.add_row(
                _kind_label(item), item.case_ref, item.question_id, answers, state, key=str(index)
            )
        if review.items:
            table.move_cursor(row=min(keep, len(review.items) - 1), animate=False)
        self._show_summary(review)
        self._show_agreement(review.agreement)
        self._show_detail()

    def _show_summary(self, review: Review, saving: int = 0) -> None:
        open_conflicts = sum(1 for i in review.items if i.kind == "conflict" and not i.resolved)
        open_reads = sum(1 for i in review.items if i.kind == "second_read" and not i.resolved)
        a = review.agreement.overall
        self.query_one("#moderation-summary", Static).update(
            f"{counted(open_conflicts, 'unresolved conflict')} · "
            f"{counted(open_reads, 'second-read disagreement')} · "
            + ("1 ruling saving… · " if saving else "")
            + f"agreement {_percent(a.percent)} over {counted(a.pairs, 'pair')}, "
            f"kappa {_kappa(a.kappa)} · "
            f"[@click=screen.toggle_resolved][b $accent]a[/] "
            f"{'all items' if review.include_resolved else 'unresolved only'}[/] · "
            f"ruling as {self.opened.inspector}"
        )

    def _show_agreement(self, report: AgreementReport) -> None:
        table = self.query_one("#moderation-agreement", DataTable)
        table.clear()
        bank = self.opened.bank
        for a in [report.overall, *report.themes, *report.questions]:
            scope = "all" if a.scope == "all" else a.id  # a question by its id: RR-PSR-04
            if a.scope == "theme" and (theme := bank.theme_by_number.get(int(a.id))):
                scope = f"{bank.words.theme} {theme.mark}"  # "standard 2.1"
            table.add_row(scope, a.label, a.pairs, _percent(a.percent), _kappa(a.kappa))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "moderation-items":
            self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#moderation-detail", Static)
        item = self.current_item()
        if item is None:
            detail.update("Nothing to moderate." if self.review else "")
            return
        lines = [
            f"[b]{escape(item.question_id)}[/b] {escape(item.chart_label)} · case "
            f"{escape(item.case_ref)}, {escape(item.case_inspector)}'s, "
            f"{_status_label(item.case_status)}",
            escape(item.question_text),
            "",
        ]
        for number, side in enumerate(item.sides, start=1):
            label = escape(self._label(item, side.value))
            lines.append(
                f"[b]{number}[/b] [b]{label}[/b] · {escape(_side_source(item, number, side))}"
            )
            lines.append(f"   {escape(side.note or 'no note')}")
        if item.current is not None:
            lines += ["", f"now recorded: [b]{escape(self._label(item, item.current.value))}[/b]"]
        if item.ruling is not None:
            ruling = item.ruling
            lines.append(
                f"ruled {escape(self._label(item, ruling.value))} by "
                f"{escape(ruling.moderator)}, {when(ruling.at)}: {escape(ruling.reason)}"
            )
        detail.update("\n".join(lines))

    def _label(self, item: Item, value: str) -> str:
        """An answer as the scale names it ('Yes', 'No: should be high'), not its stored value."""
        bank = self.opened.bank
        try:
            scale = bank.scale_of(bank.question(item.question_id))
        except KeyError:
            return value
        return next((o.label for o in scale.options if o.value == value), value)

    def current_item(self) -> Item | None:
        if self.review is None or not self.review.items:
            return None
        row = self.query_one("#moderation-items", DataTable).cursor_row
        return self.review.items[row] if 0 <= row < len(self.review.items) else None

    # -- actions ----------------------------------------------------------------------------

    def _options(self, item: Item) -> list[tuple[str, str]]:
        bank = self.opened.bank
        scale = bank.scale_of(bank.question(item.question_id))
        return [(o.label, o.value) for o in scale.options]

    def action_choose(self, index: int) -> None:
        item = self.current_item()
        if item is None or index >= len(item.sides):
            self.notify("There is no such answer to take.", severity="warning")
            return
        side = item.sides[index]
        self._ask(item, side.value, side.note)

    def action_enter_answer(self) -> None:
        item = self.current_item()
        if item is not None:
            self._ask(item, None, item.current.note if item.current else None)

    def _ask(self, item: Item, value: str | None, note: str | None) -> None:
        def recorded(ruling: Ruling | None) -> None:
            if ruling is None:
                return
            self._saving(item)
            writer_of(self).submit(
                partial(
                    rule,
                    item=item,
                    value=ruling.value,
                    note=ruling.note,
                    reason=ruling.reason,
                    moderator=self.opened.inspector,
                    include_resolved=self.include_resolved,
                ),
                reply_to=self,
                done=Moderated,
                failed=ModerationRefused,
            )

        self.app.push_screen(RulingDialog(item, self._options(item), value, note), recorded)

    def _saving(self, item: Item) -> None:
        """A ruling sent to the file: its item and the counts show it at once, marked as saving
        until the file answers (a refusal reads the items back as they are)."""
        review = self.review
        if review is None:
            return
        items = [replace(i, resolved=True) if i == item else i for i in review.items]
        self._show_summary(replace(review, items=items), saving=1)
        table = self.query_one("#moderation-items", DataTable)
        if item in review.items:
            row = str(review.items.index(item))
            table.update_cell(row, "state", Text("saving", style="yellow"))

    def action_toggle_resolved(self) -> None:
        self.include_resolved = not self.include_resolved
        self.load()

    def action_toggle_agreement(self) -> None:
        table = self.query_one("#moderation-agreement", DataTable)
        table.display = not table.display

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
