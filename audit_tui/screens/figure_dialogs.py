"""Dialogs of the dashboard and of a case's figures: a group picker, a judgement, a case's no's.

Each speaks the bank's words: "Record a rating for standard 2.1", "judgement of theme 1".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from audit_tui import figure_calls
from audit_tui.figure_calls import CaseFindings, GroupOption
from audit_tui.messages import StoreRefused
from audit_tui.screens.dialogs import ConfirmDialog, dialog_buttons
from audit_tui.writer import writer_of
from db.file.judgements import Judgement
from db.reporting.figures import few_cases_warning
from question_bank.model import Bank, Theme
from question_bank.phrasing import counted, is_or_are
from question_bank.scoring import ThemeScore

FIELD_HEADINGS = {
    "inspector": "Inspector",
    "gender": "Gender",
    "bame": "Black, Asian and minority ethnic",
    "custody": "Custody or community",
    "status": "Current or terminated",
    "rosh": "Risk of serious harm",
    "vulnerability": "Vulnerability",
    "looked_after": "Looked-after child",
}
WITHDRAW = "Not recorded (withdraw the {judgement})"
PICKER_CHROME = 7  # the group picker's border (2), title with its margins (3), line (2)
PICKER_LIST = 14  # rows of groups at most


class GroupPicker(ModalScreen[tuple[str, Any] | str | None]):
    """Choose a group of cases (with their number) or the clearing choice; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, groups: Sequence[GroupOption], *, clear: str, now: str) -> None:
        super().__init__()
        self.title_text = title
        self.groups = list(groups)
        self.clear = clear
        self.now = now

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(self.clear, id="clear")]
        field = None
        for index, group in enumerate(self.groups):
            if group.field != field:
                field = group.field
                options.append(None)
                options.append(Option(Content.styled(FIELD_HEADINGS[field], "bold"), disabled=True))
            count = f"{group.cases} case{'' if group.cases == 1 else 's'}"
            text = Content.assemble(f"  {group.label} ", Content.styled(count, "dim"))
            if few_cases_warning(group.label, group.cases):
                text = Content.assemble(text, Content.styled("  ⚠ too few to say much", "$warning"))
            options.append(Option(text, id=str(index)))
        with Vertical(id="group-picker", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(f"Counted now: {self.now}. Enter chooses, Esc cancels.", classes="muted")
            yield OptionList(*options, id="groups")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_resize(self, event: events.Resize) -> None:
        """The list fits inside the dialog on a short terminal (24 rows), so the highlighted
        group is never below the dialog's edge: the dialog's border, title and line take
        PICKER_CHROME rows of its 90%, the list's own border 2."""
        room = int(event.size.height * 0.9) - PICKER_CHROME - 2
        self.query_one(OptionList).styles.max_height = max(min(room, PICKER_LIST), 3) + 2

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        if chosen == "clear":
            self.dismiss("clear")
        elif chosen is not None:
            group = self.groups[int(chosen)]
            self.dismiss((group.field, group.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class JudgementDialog(ConfirmDialog[tuple[str | None, str] | None]):
    """Record the lead's judgement of a theme with its rationale; Ctrl+S records, Esc cancels.

    The judgement is the lead's, so its choices are the bands' labels as they are; the basis
    it shows (the indicative judgement of the score) is marked provisional where its bands are.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Record"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        bank: Bank,
        theme: Theme,
        choices: Sequence[str],
        current: Judgement | None,
        history: Sequence[Judgement],
        indicative: ThemeScore | None = None,
        open_cases: int = 0,
    ) -> None:
        super().__init__()
        self.open_cases = open_cases
        self.bank = bank
        self.words = bank.words
        self.withdraw = WITHDRAW.format(judgement=self.words.judgement)
        self.theme = theme
        self.choices = list(choices)
        self.current = current
        self.history = list(history)
        self.indicative = indicative

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="judgement-dialog", classes="dialog"):
            words = self.words
            yield Label(
                f"Record a {words.judgement} for {words.theme} {self.theme.mark}: "
                f"{self.theme.title}",
                classes="dialog-title",
            )
            yield Static(self._basis(), classes="muted")
            chosen = self.current.judgement if self.current else None
            with RadioSet(id="judgement-choice", compact=True):
                for label in self.choices:
                    yield RadioButton(label, value=label == chosen)
                if self.current is not None:
                    yield RadioButton(self.withdraw)
            yield Label(f"Rationale: the evidence the {words.judgement} rests on")
            area = TextArea(
                self.current.rationale if self.current else "",
                id="judgement-rationale",
                soft_wrap=True,
                show_line_numbers=False,
            )
            area.cursor_blink = False
            yield area
            if self.history:
                lines = [
                    f"{j.recorded_at[:16].replace('T', ' ')} {j.recorded_by}: "
                    f"{j.judgement or 'withdrawn'}. {j.rationale}"
                    for j in self.history[:4]
                ]
                yield Static("\n".join(lines), id="judgement-history", markup=False)
            yield dialog_buttons("Record (ctrl+s)")

    def _basis(self) -> str:
        judgement = self.words.judgement
        if not self.theme.case_scored:
            return f"Not case-scored: the lead's {judgement} from the evidence of fieldwork week 2."
        score = self.indicative
        if score is None or score.percent is None or score.judgement is None:
            return "No case assessment score yet. The lead decides; the score only informs."
        indicative = score.judgement
        if self.bank.scoring.bands_provisional:
            indicative += " (provisional)"
        deciding = f", set by {score.deciding}" if score.deciding else ""
        moving = (
            f" {counted(self.open_cases, 'case')} {is_or_are(self.open_cases)} not "
            "complete yet, so the score may still move."
            if self.open_cases
            else ""
        )
        return (
            f"The case assessment score is {score.percent}% ({score.phrase}){deciding}: "
            f"indicative {judgement} {indicative}. The lead decides; the score only informs."
            f"{moving}"
        )

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    def action_confirm(self) -> None:
        pressed = self.query_one(RadioSet).pressed_button
        if pressed is None:
            self.say(f"Choose a {self.words.judgement} first (arrows, then space).")
            return
        label = str(pressed.label)
        rationale = self.query_one(TextArea).text.strip()
        if not rationale:
            self.say(f"Write the rationale: the evidence the {self.words.judgement} rests on.")
            return
        self.dismiss((None if label == self.withdraw else label, rationale))


class CaseFindingsRead(Message):
    def __init__(self, findings: CaseFindings) -> None:
        super().__init__()
        self.findings = findings


class CaseFindingsDialog(ModalScreen[None]):
    """A case's own view: per theme, its key questions answered no, with their notes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,v,q", "close", "Close")]

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="case-findings", classes="dialog"):
            yield Label(f"{self.case_ref}: key questions answered no", classes="dialog-title")
            yield Static("Reading the case…", id="case-findings-body")

    def on_mount(self) -> None:
        writer_of(self).submit(
            partial(figure_calls.case_findings, case_ref=self.case_ref),
            reply_to=self,
            done=CaseFindingsRead,
            failed=StoreRefused,
        )

    def on_case_findings_read(self, message: CaseFindingsRead) -> None:
        self.query_one("#case-findings-body", Static).update(findings_text(message.findings))

    def on_store_refused(self, message: StoreRefused) -> None:
        self.query_one("#case-findings-body", Static).update(message.error)

    def action_close(self) -> None:
        self.dismiss(None)


def findings_text(findings: CaseFindings) -> Content:
    """Per theme: the case's score and counts, then each key question answered no, with its note."""
    bank = findings.bank
    rows: list[Content] = []
    noes = answered = 0
    title_width = 38
    for theme in findings.themes:
        keys = [t for t in theme.questions if t.key]
        if not keys:
            continue
        answered += sum(t.yes + t.no + t.na for t in keys)
        score = "–" if theme.percent is None else f"{theme.percent}%"
        mark = (
            bank.theme_by_number[theme.number].mark if theme.number in bank.theme_by_number else ""
        )
        title = f"{mark or theme.number} {theme.title}"
        title = title if len(title) <= title_width else title[: title_width - 1] + "…"
        rows.append(
            Content.assemble(
                Content.styled(title.ljust(title_width), "bold $accent"),
                Content(f"{score:>6} {theme.yes:>4} {theme.no:>4} {theme.na:>4} {len(keys):>5}"),
            )
        )
        for tally in keys:
            if tally.no:
                noes += 1
                note = findings.notes.get(tally.question_id)
                rows.append(
                    Content.assemble(
                        Content.styled(f"  ✗ {tally.question_id} ", "$error"),
                        Content(tally.chart_label),
                        Content.styled(f": {note}" if note else "", "italic"),
                    )
                )
    if not answered:
        head = f"{findings.case_ref} ({findings.inspector}) has no answers to key questions yet."
    else:
        some = f"{noes} key question{'' if noes == 1 else 's'}" if noes else "No key question"
        head = f"{some} of {findings.case_ref} ({findings.inspector}) answered no."
    word = bank.words.theme
    heading = Content.styled(
        f"{word:<{title_width}}{'score':>6} {'yes':>4} {'no':>4} {'n/a':>4} {'keys':>5}",
        "dim",
    )
    return Content("\n").join([Content.styled(head, "bold"), Content(""), heading, *rows])
