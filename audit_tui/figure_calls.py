"""The store calls of the dashboard and of a case's own view, each returning a plain snapshot.

Like store_calls.py these run on the writer thread (see writer.py) and never touch a widget.
Every figure comes from db.reporting.figures, the code `audit-tui scores` and `audit-tui summary`
call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from db.file.judgements import Judgement, choices
from db.file.records import CountFilter
from db.reporting import figures
from question_bank.case import CONDITION_FIELDS, SUBGROUP_FIELDS
from question_bank.model import Bank
from question_bank.scoring import OverallRating, ThemeScore

if TYPE_CHECKING:
    from db.file.store import InspectionStore

# The fields a breakdown filters on, in the order the pickers list them.
BREAKDOWN_FIELDS: tuple[str, ...] = SUBGROUP_FIELDS


@dataclass(frozen=True)
class Breakdown:
    """Which cases the dashboard counts, and which group it sets beside the rest of them."""

    filter: CountFilter = CountFilter()
    compare: tuple[str, Any] | None = None

    def chosen(self) -> list[tuple[str, Any]]:
        """The filter's (field, value) pairs, in the pickers' order."""
        return [
            (name, getattr(self.filter, name))
            for name in BREAKDOWN_FIELDS
            if getattr(self.filter, name) is not None
        ]

    def describe(self) -> str:
        """'all cases', or the groups filtered on: 'female · RoSH high'."""
        chosen = self.chosen()
        if not chosen:
            return "all cases"
        return " · ".join(figures.group_name(name, value) for name, value in chosen)

    def headline(self) -> str:
        """What is counted and compared: 'custody · female against the rest'."""
        if self.compare is None:
            return self.describe()
        group = figures.group_name(*self.compare)
        counted = self.describe()
        return f"{group} against the rest" + ("" if not self.chosen() else f" (of {counted})")

    def with_group(self, field: str, value: Any) -> Breakdown:
        """Also filter on a group (replacing another value of the same field)."""
        compare = self.compare if self.compare is None or self.compare[0] != field else None
        return Breakdown(replace(self.filter, **{field: value}), compare)

    def compared_with(self, field: str, value: Any) -> Breakdown:
        return Breakdown(self.filter, (field, value))


@dataclass(frozen=True)
class GroupOption:
    """A group the filter and compare pickers offer, with its number of cases."""

    field: str
    value: Any
    label: str
    cases: int


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard draws, read in one call after any change."""

    breakdown: Breakdown
    scopes: tuple[figures.Scope, ...]  # the cases chosen, or a group and the rest
    judgements: dict[int, Judgement]
    history: tuple[Judgement, ...]  # every judgement recorded, latest first
    groups: tuple[GroupOption, ...]  # every group of the cases chosen, for the pickers
    choices: tuple[str, ...]  # the judgements the lead can record
    inspection: tuple[ThemeScore, ...]  # every case's scores, beside the judgements
    # The overall rating of the cases counted (None: the bank has none), and whether it is
    # provisional: its own bands have no source, or it counts an indicative judgement drawn
    # from bands without one (a recorded judgement is the lead's, not the bands').
    overall: OverallRating | None = None
    overall_provisional: bool = False
    open_cases: int = 0  # cases of the inspection not complete yet: the scores may still move

    @property
    def open_cases_warning(self) -> str | None:
        """Beside the whole inspection's scores: how many cases are not complete yet."""
        if self.breakdown != Breakdown() or not self.open_cases:
            return None
        return f"{self.open_cases} not complete"


@dataclass(frozen=True)
class CaseFindings:
    """A case's own figures: per theme, its key questions answered no, with their notes."""

    case_ref: str
    inspector: str
    themes: list[ThemeScore]
    notes: dict[str, str]
    bank: Bank


def dashboard_figures(store: InspectionStore, breakdown: Breakdown) -> DashboardFigures:
    chosen = breakdown.filter
    if breakdown.compare is None:
        whole = figures.scope(store, chosen, breakdown.describe())
        scopes: tuple[figures.Scope, ...] = (whole,)
    else:
        field, value = breakdown.compare
        scopes = figures.group_against_rest(store, field, value, chosen)
    if breakdown == Breakdown():
        inspection = tuple(scopes[0].themes)
    else:
        inspection = tuple(figures.theme_scores(store, scored_only=False))
    groups = []
    for name in BREAKDOWN_FIELDS:
        if getattr(chosen, name) is not None:
            continue
        sizes = store.case_count_by(name, chosen)
        for value in sorted((v for v in sizes if v is not None), key=partial(_order, name)):
            groups.append(GroupOption(name, value, figures.group_name(name, value), sizes[value]))
    judgements = store.recorded_judgements()
    overall = figures.overall(store, chosen)
    return DashboardFigures(
        breakdown=breakdown,
        scopes=scopes,
        judgements=judgements,
        history=tuple(store.judgement_history()),
        groups=tuple(groups),
        choices=tuple(choices(store.bank)),
        inspection=inspection,
        overall=overall,
        overall_provisional=overall is not None and overall.provisional,
        open_cases=store.open_case_count(),
    )


def record_judgement(
    store: InspectionStore,
    breakdown: Breakdown,
    theme: int,
    judgement: str | None,
    rationale: str,
    by: str,
) -> DashboardFigures:
    store.record_judgement(theme, judgement, rationale, by=by)
    return dashboard_figures(store, breakdown)


def case_findings(store: InspectionStore, case_ref: str) -> CaseFindings:
    case = store.case(case_ref)
    return CaseFindings(
        case_ref=case_ref,
        inspector=case.inspector,
        themes=figures.theme_scores(store, CountFilter(case_ref=case_ref), scored_only=False),
        notes={a.question_id: a.note for a in store.answers(case_ref, role="primary") if a.note},
        bank=store.bank,
    )


def _order(field: str, value: Any) -> tuple[int, str]:
    """Groups in the order of their field's values (low to very high RoSH), else by name."""
    spec = CONDITION_FIELDS.get(field)
    known = list(spec.values) if spec is not None else []
    return (known.index(value), "") if value in known else (len(known), str(value))
