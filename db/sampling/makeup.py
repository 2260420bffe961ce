"""The make-up check: a sample against the eligible caseload, stratum by stratum and group by
group (counts, shares and the difference), with a warning wherever the sample falls short."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from db.errors import StoreError
from db.sampling.assignment import Load, loads
from db.sampling.draw import Draw
from db.sampling.strata import (
    GROUP_BY_NAME,
    GROUPS,
    default_minimum,
    stratum_label,
    stratum_of,
    stratum_order,
)
from question_bank.case import CaseRecord, CaseStatus, Disposal

if TYPE_CHECKING:
    from db.file.store import InspectionStore
    from db.sampling.eligibility import Sifted


@dataclass(frozen=True)
class MakeupRow:
    """One stratum or group: its cases in the eligible caseload (None: not known) and sample."""

    kind: str  # disposal, status, stratum or group
    group: str  # "dto", "current", "dto, current", "girls"
    label: str
    eligible: int | None
    eligible_share: float | None  # percent
    sample: int
    sample_share: float  # percent
    proportional: float | None  # the eligible share of the sample's size, in cases
    difference: float | None  # sample share less eligible share, percentage points
    under: bool  # more than one case under its proportional number


@dataclass(frozen=True)
class Makeup:
    sample: int
    eligible: int | None
    rows: list[MakeupRow]
    inspectors: list[Load] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sample": self.sample,
            "eligible": self.eligible,
            "strata": [asdict(row) for row in self.rows],
            "inspectors": [asdict(load) for load in self.inspectors],
            "warnings": self.warnings,
        }


def _dimensions() -> list[tuple[str, Callable[[CaseRecord], str], list[str]]]:
    """Each kind of row: how a case is placed, and the rows in order."""
    strata = sorted(((d, s) for d in Disposal for s in CaseStatus), key=stratum_order)
    return [
        ("disposal", lambda c: c.disposal.value, [d.value for d in Disposal]),
        ("status", lambda c: c.status.value, [s.value for s in CaseStatus]),
        ("stratum", lambda c: stratum_label(stratum_of(c)), [stratum_label(s) for s in strata]),
    ]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def makeup(
    sample: Sequence[CaseRecord],
    eligible: Sequence[CaseRecord] | None = None,
    inspector_of: Mapping[str, str] | None = None,
    weights: Mapping[str, int] | None = None,
) -> Makeup:
    """The make-up of `sample` against `eligible` (when known), and its inspectors' shares."""
    n = len(sample)
    total = None if eligible is None else len(eligible)
    rows: list[MakeupRow] = []

    def add(kind: str, name: str, label: str, in_sample: int, in_eligible: int | None) -> None:
        if not in_sample and not in_eligible:
            return
        if in_eligible is None or not total:
            rows.append(
                MakeupRow(kind, name, label, None, None, in_sample, _percent(in_sample, n),
                          None, None, False)
            )  # fmt: skip
            return
        share = _percent(in_eligible, total)
        proportional = round(n * in_eligible / total, 1)
        rows.append(
            MakeupRow(
                kind,
                name,
                label,
                in_eligible,
                share,
                in_sample,
                _percent(in_sample, n),
                proportional,
                round(_percent(in_sample, n) - share, 1),
                in_sample < n * in_eligible / total - 1,
            )
        )

    for kind, place, names in _dimensions():
        counted = Counter(map(place, sample))
        known = None if eligible is None else Counter(map(place, eligible))
        for name in names:
            add(kind, name, name, counted[name], None if known is None else known[name])
    for group in GROUPS:
        add(
            "group",
            group.name,
            group.label,
            sum(map(group.member, sample)),
            None if eligible is None else sum(map(group.member, eligible)),
        )
    warnings = [_under_sentence(row, n) for row in rows if row.under]
    if eligible is None:
        least = default_minimum(n)
        warnings += [
            f"the sample has {row.sample} {GROUP_BY_NAME[row.group].noun}; "
            f"`audit-tui sample` asks for at least {least} where the caseload has them"
            for row in rows
            if row.kind == "group" and row.sample < least
        ]
        present = {row.group for row in rows if row.kind == "group"}
        warnings += [
            f"the sample has no {g.noun}; check whether the caseload has none"
            for g in GROUPS
            if g.name not in present and n
        ]
    shares = loads(sample, inspector_of, weights or {}) if inspector_of else []
    return Makeup(n, total, rows, shares, warnings)


def _under_sentence(row: MakeupRow, n: int) -> str:
    return (
        f"{row.label} ({row.kind}) is under-represented: {row.sample} of {n} in the sample "
        f"({row.sample_share}%) against {row.eligible_share}% of the eligible caseload "
        f"({row.proportional} cases would be proportional)"
    )


def draw_warnings(draw: Draw, sifted: Sifted) -> list[str]:
    """What the lead must know about a draw: a caseload too small, minimums not met."""
    found = []
    if draw.too_small:
        found.append(
            f"the eligible caseload has only {len(sifted.eligible)} cases, fewer than the "
            f"{draw.size} asked for; every eligible case is in the sample and there are no "
            "reserves"
        )
    found += [g.shortfall() for g in draw.groups if g.short]
    return found


def inspection_makeup(
    store: InspectionStore,
    caseload: Sequence[CaseRecord] | None = None,
    window_months: int = 12,
    fieldwork: date | None = None,
) -> tuple[Makeup, Sifted | None]:
    """The make-up of an inspection's cases, against the eligible cases of `caseload` (by the
    file's bank and first fieldwork day, unless `fieldwork` is given) when there is one.

    Workload is the number of questions that apply to each case, as the file holds them.
    """
    from db.sampling.eligibility import Eligibility, bank_disposals

    sifted = None
    if caseload is not None:
        day = fieldwork or _first_day(store.inspection.fieldwork_start)
        if day is None:
            raise StoreError(
                "the inspection has no fieldwork date to count the window back from; "
                "give one with --fieldwork YYYY-MM-DD"
            )
        sifted = Eligibility(day, window_months, bank_disposals(store.bank)).sift(caseload)
    cases = store.cases()
    progress = store.case_progress()
    found = makeup(
        cases,
        None if sifted is None else sifted.eligible,
        {c.case_ref: c.inspector for c in cases},
        {ref: p.applicable for ref, p in progress.items()},
    )
    return found, sifted


def _first_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
