"""What the store hands out: the inspection, answers, history rows, progress, count filters."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Literal

ROLES: tuple[str, ...] = ("primary", "second_read")


class CaseStatus(StrEnum):
    """Where a case stands; the interface asks its properties instead of comparing names."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    LOCKED = "locked"  # moderated in collation: changed only with a reason

    @property
    def closed(self) -> bool:
        """Complete or locked: counted as done, its answers kept from casual edits."""
        return self in (CaseStatus.COMPLETE, CaseStatus.LOCKED)

    @property
    def editable(self) -> bool:
        """Answers and case details may change without reopening the case first."""
        return not self.closed

    @property
    def label(self) -> str:
        """The status as a person reads it: "not started", "complete"."""
        return self.value.replace("_", " ")


CASE_STATUSES: tuple[str, ...] = tuple(CaseStatus)


@dataclass(frozen=True)
class Inspection:
    """The inspection a file holds: where, under which bank, when and led by whom."""

    id: str
    area: str
    bank_id: str
    bank_version: str
    bank_hash: str
    lead: str | None
    fieldwork_start: str | None
    fieldwork_end: str | None
    created_at: str


@dataclass(frozen=True)
class Answer:
    """One recorded answer; no row at all means unanswered."""

    case_ref: str
    question_id: str
    value: str
    note: str | None
    inspector: str
    role: str
    bank_version: str
    answered_at: str
    # Returned by a write only: an inspector's classification (RoSH, vulnerability, victim)
    # changes which questions apply; these are the ones it changed, in bank order.
    reclassified: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class HistoryRow:
    """One append-only record of a change: an answer, a note, a clear, a status or case edit."""

    id: int
    case_ref: str
    question_id: str | None
    role: str | None
    event: str
    old_value: str | None
    new_value: str | None
    old_note: str | None
    new_note: str | None
    inspector: str
    at: str
    reason: str | None


@dataclass(frozen=True)
class CaseProgress:
    """How far a case has got: its status and primary answers against applicable questions."""

    case_ref: str
    status: CaseStatus
    answered: int
    applicable: int


@dataclass(frozen=True)
class Missing:
    """Something that stops a case being completed: an unanswered question or a missing note."""

    question_id: str
    what: Literal["unanswered", "note_required"]

    def __str__(self) -> str:
        if self.what == "unanswered":
            return f"{self.question_id} is unanswered"
        return f"{self.question_id} needs a note"


@dataclass(frozen=True)
class CountFilter:
    """Which answers to count; every field left as None does not filter.

    `inspector` is the inspector the case is assigned to (a case field, like the subgroups),
    not whoever typed the answer; `role` defaults to primary answers.
    """

    inspector: str | None = None
    case_ref: str | None = None
    role: str | None = "primary"
    gender: str | None = None
    bame: bool | None = None
    custody: bool | None = None
    status: str | None = None
    rosh: str | None = None
    vulnerability: str | None = None
    looked_after: bool | None = None


# CountFilter fields that are columns of `cases`.
CASE_FILTER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CountFilter) if f.name != "role")
