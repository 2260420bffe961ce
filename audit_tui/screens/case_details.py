"""Case details: the fields that decide which questions apply, editable before the interview.

Each change is saved at once; the screen then says which questions now apply or no longer
apply and which existing answers that touches (kept in the file, but no longer counted).
The RoSH, vulnerability and victim fields are the service's, as imported; the inspector's own
classification of them is an answer in the interview, shown here beside them, and is what the
questions follow where it is recorded.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.markup import escape
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Label, Select, Static

from audit_tui import store_calls
from audit_tui.messages import CaseDetailsRead, CaseFieldsSaved, StoreRefused
from audit_tui.store_calls import Progress
from audit_tui.writer import writer_of
from question_bank.case import (
    FLAG_FIELDS,
    CaseManagerRole,
    CaseRecord,
    CaseStatus,
    Disposal,
    Ethnicity,
    Gender,
    Level,
)
from question_bank.model import Bank, Question

SELECT_FIELDS: dict[str, list[tuple[str, Any]]] = {
    "case_manager_role": [(m.value.replace("_", " "), m.value) for m in CaseManagerRole],
    "age": [(str(n), n) for n in range(10, 19)],
    "gender": [(m.value, m.value) for m in Gender],
    "ethnicity": [(m.value.replace("_", " "), m.value) for m in Ethnicity],
    "disposal": [(m.value.replace("_", " "), m.value) for m in Disposal],
    "status": [(m.value, m.value) for m in CaseStatus],
    "rosh": [(m.value.replace("_", " "), m.value) for m in Level],
    "vulnerability": [(m.value.replace("_", " "), m.value) for m in Level],
}
LABELS = {
    "case_manager_role": "Case manager",
    "age": "Age at start",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disposal": "Disposal",
    "status": "Status",
    "rosh": "RoSH",
    "vulnerability": "Vulnerability",
    "looked_after": "Looked-after child",
    "child_protection_plan": "Child protection plan",
    "mappa": "MAPPA",
    "transferred": "Transferred in or out",
    "victim_identified": "Victim identified",
    "psr_prepared": "PSR prepared",
}


def _value(case: CaseRecord, field: str) -> Any:
    value = getattr(case, field)
    return getattr(value, "value", value)


def _words(value: Any) -> str:
    """A field's value as the screen says it: 'very high', 'yes'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


class Flag(Checkbox):
    """A case's yes/no field: ✓ when ticked, blank when not (a Checkbox shows X for both,
    told apart only by colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "✓" if self.value else " "


class CaseDetailsScreen(Screen[None]):
    """Edit a case's applicability fields; every change is saved and its effect shown."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]

    def __init__(
        self,
        bank: Bank,
        case: CaseRecord,
        progress: Progress | None,
        notify: MessagePump | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.case = case
        self.progress = progress
        self.listener = notify
        self.effects: list[str] = []
        # Read from the store once mounted: what applies, and the inspector's classifications.
        self.applicable: frozenset[str] | None = None
        self.classifications: dict[str, str] = {}

    @property
    def editable(self) -> bool:
        return self.progress is None or self.progress.status.editable

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="details"):
            yield Static(id="details-intro")
            yield Static(id="details-classified")
            with Grid(id="details-grid"):
                for field, options in SELECT_FIELDS.items():
                    yield Label(LABELS[field], classes="field-label")
                    yield Select(
                        options,
                        value=_value(self.case, field),
                        allow_blank=False,
                        id=f"field-{field}",
                        disabled=not self.editable,
                        compact=True,
                    )
            with Grid(id="details-flags"):
                for flag in FLAG_FIELDS:
                    yield Flag(
                        LABELS[flag],
                        value=bool(getattr(self.case, flag)),
                        id=f"field-{flag}",
                        disabled=not self.editable,
                        compact=True,
                    )
            yield Static(id="details-effects")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"Case {self.case.case_ref} · details"
        self._show_intro()
        self._show_classified()
        writer_of(self).submit(
            partial(store_calls.read_case_details, case_ref=self.case.case_ref),
            reply_to=self,
            done=CaseDetailsRead,
            failed=StoreRefused,
        )

    def on_case_details_read(self, message: CaseDetailsRead) -> None:
        self.applicable = message.details.applicable
        self.classifications = dict(message.details.classifications)
        self._show_intro()
        self._show_classified()

    def _inspectors(self, question: Question) -> str | None:
        """The inspector's classification by `question`, in words ('high', 'confirmed'), or
        None where it is not recorded."""
        value = self.classifications.get(question.id)
        option = self.bank.scale_of(question).option(value) if value else None
        if option is None:
            return None
        return "confirmed" if option.sets is None else _words(option.sets)

    def _show_classified(self) -> None:
        """Where the inspector has classified the case, the service's value beside theirs
        ('RoSH low (service) · high (inspector, PP-CLASS-01)'); and that the fields below are
        the service's, so that a classification is corrected in the interview, not here."""
        lines = []
        for question in self.bank.classifying_questions:
            field = question.classifies
            assert field is not None
            inspectors = self._inspectors(question)
            if inspectors is not None:
                lines.append(
                    f"{LABELS[field]} [b]{_words(_value(self.case, field))}[/b] (service) · "
                    f"[b]{inspectors}[/b] (inspector, {question.id})"
                )
        widget = self.query_one("#details-classified", Static)
        widget.display = bool(self.bank.classifying_questions)
        self.query_one("#details-intro").set_class(widget.display, "-classified")
        lines.append(
            "[$text-muted]These are the service's fields; correct a classification in "
            "the interview.[/]"
        )
        widget.update("\n".join(lines))

    def _show_intro(self) -> None:
        count = "…" if self.applicable is None else str(len(self.applicable))
        custody = "custodial" if self.case.custody else "community"
        lock = (
            ""
            if self.editable
            else ("  [$warning]The case is complete: reopen it in the interview (r) to edit.[/]")
        )
        self.query_one("#details-intro", Static).update(
            f"[b]{self.case.case_ref}[/b] · inspector {self.case.inspector} · {custody} · "
            f"started {self.case.start_date.isoformat()} · "
            f"{count} of {len(self.bank.questions)} questions apply.{lock}"
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        field = (event.select.id or "").removeprefix("field-")
        if field in SELECT_FIELDS and event.value != _value(self.case, field):
            self._save(field, event.value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        field = (event.checkbox.id or "").removeprefix("field-")
        if field in FLAG_FIELDS and event.value != bool(getattr(self.case, field)):
            self._save(field, event.value)

    def _save(self, field: str, value: Any) -> None:
        writer_of(self).submit(
            partial(store_calls.update_case, case_ref=self.case.case_ref, fields={field: value}),
            reply_to=self,
            done=CaseFieldsSaved,
            failed=StoreRefused,
        )

    def on_case_fields_saved(self, message: CaseFieldsSaved) -> None:
        after_case = message.update.case
        after = message.update.applicable
        before = after if self.applicable is None else self.applicable
        fields = [
            f
            for f in [*SELECT_FIELDS, *FLAG_FIELDS]
            if _value(self.case, f) != _value(after_case, f)
        ]
        changed = [
            f"{LABELS.get(f, f)} {_value(self.case, f)} → {_value(after_case, f)}" for f in fields
        ]
        self.case = after_case
        self.applicable = after
        self.progress = message.update.progress
        now = sorted(after - before, key=self._order)
        gone = sorted(before - after, key=self._order)
        lines = [f"[b]Saved:[/b] {escape(', '.join(changed) or 'no change')}"]
        for question in self.bank.classifying_questions:
            inspectors = self._inspectors(question)
            if question.classifies in fields and inspectors not in (None, "confirmed"):
                lines.append(
                    f"  {LABELS[question.classifies]}: yours ({inspectors}, {question.id}) "
                    "still decides what applies"
                )
        if now:
            lines.append(f"  now apply ({len(now)}): {', '.join(now)}")
        if gone:
            lines.append(f"  no longer apply ({len(gone)}): {', '.join(gone)}")
        affected = message.update.affected
        if affected:
            lines.append(
                f"  [$warning]answers affected ({len(affected)}): {', '.join(affected)}[/] — "
                "kept in the file; counted only while the question applies"
            )
        elif now or gone:
            lines.append("  no existing answer is affected")
        self.effects = lines + self.effects
        self.query_one("#details-effects", Static).update("\n".join(self.effects[:12]))
        self._show_intro()
        self._show_classified()
        if self.listener is not None:
            self.listener.post_message(CaseFieldsSaved(message.update))

    def _order(self, qid: str) -> int:
        ids = [q.id for q in self.bank.questions]
        return ids.index(qid) if qid in ids else len(ids)

    def on_store_refused(self, message: StoreRefused) -> None:
        self.notify(message.error, title="Not saved", severity="error")

    def action_close(self) -> None:
        self.app.pop_screen()
