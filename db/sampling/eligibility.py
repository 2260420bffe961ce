"""Which cases of a caseload may be sampled: statutory disposals in the bank's scope, within
the window before fieldwork (the reference report's "cases up to 12 months old")."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from question_bank.case import (
    CUSTODIAL_DISPOSALS,
    OUT_OF_COURT_DISPOSALS,
    CaseRecord,
    Disposal,
)
from question_bank.model import Bank, Condition

# A community resolution is given by the police without any statutory footing; every other
# disposal (court orders, youth cautions and youth conditional cautions) is statutory.
STATUTORY = tuple(d for d in Disposal if d is not Disposal.community_resolution)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it is short)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _may_hold(condition: Condition, disposal: Disposal) -> bool | None:
    """Whether a condition holds for every case of `disposal` (True), none (False), or some
    depending on other fields (None): three-valued, reading only the disposal's own fields."""
    if condition.all is not None:
        found = [_may_hold(c, disposal) for c in condition.all]
        return False if False in found else (True if all(found) else None)
    if condition.any is not None:
        found = [_may_hold(c, disposal) for c in condition.any]
        return True if True in found else (False if all(f is False for f in found) else None)
    if condition.not_ is not None:
        inner = _may_hold(condition.not_, disposal)
        return None if inner is None else not inner
    known = {
        "disposal": disposal.value,
        "custody": disposal in CUSTODIAL_DISPOSALS,
        "out_of_court": disposal in OUT_OF_COURT_DISPOSALS,
    }
    if condition.field not in known:
        return None
    return condition.holds(known)


def bank_disposals(bank: Bank) -> tuple[Disposal, ...]:
    """The statutory disposals the bank assesses: those some case-scored key question may
    apply to (a bank whose key questions are all for out-of-court work has only those)."""
    scored = {t.number for t in bank.scored_themes()}
    keys = [q for q in bank.questions if q.key and q.theme in scored]
    return tuple(
        d
        for d in STATUTORY
        if any(q.applies_if is None or _may_hold(q.applies_if, d) is not False for q in keys)
    )


@dataclass(frozen=True)
class Eligibility:
    """The rule a caseload is sifted by, and what it keeps and leaves out."""

    fieldwork: date
    window_months: int
    disposals: tuple[Disposal, ...]

    @property
    def earliest(self) -> date:
        """The first start date in the window."""
        return months_before(self.fieldwork, self.window_months)

    def reason_out(self, case: CaseRecord) -> str | None:
        """Why a case may not be sampled, in a few words, or None when it may."""
        if case.disposal not in self.disposals:
            if case.disposal is Disposal.community_resolution:
                return "community resolution (not statutory)"
            return f"{case.disposal.value} (not in the bank's scope)"
        if case.start_date < self.earliest:
            return f"started before {self.earliest}"
        if case.start_date >= self.fieldwork:
            return f"starts on or after fieldwork ({self.fieldwork})"
        return None

    def sift(self, cases: Iterable[CaseRecord]) -> Sifted:
        kept: list[CaseRecord] = []
        left_out: dict[str, int] = {}
        for case in cases:
            reason = self.reason_out(case)
            if reason is None:
                kept.append(case)
            else:
                left_out[reason] = left_out.get(reason, 0) + 1
        return Sifted(self, kept, left_out)

    def describe(self) -> str:
        return (
            f"statutory cases started from {self.earliest} to the day before fieldwork "
            f"({self.fieldwork}, {self.window_months} months)"
        )


@dataclass(frozen=True)
class Sifted:
    """A caseload sifted: the eligible cases and, per reason, how many were left out."""

    rule: Eligibility
    eligible: list[CaseRecord]
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def caseload(self) -> int:
        return len(self.eligible) + sum(self.left_out.values())
