"""Sharing the sample among inspectors: the same number of cases each (within one), the
expected workload even, and custody and high-risk cases spread rather than bunched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from db.errors import StoreError
from db.file.answer_rules import is_initials
from db.sampling.strata import HIGH
from question_bank.case import CaseRecord
from question_bank.model import Bank


def workload(bank: Bank, case: CaseRecord) -> int:
    """A case's expected workload: the number of the bank's questions that apply to it (a
    custodial, high-risk case has the custody and risk questions on top of the rest)."""
    return len(bank.applicable_questions(case.condition_values()))


def high_risk(case: CaseRecord) -> bool:
    return case.rosh in HIGH


def parse_inspectors(text: str) -> list[str]:
    """`AS,CB,KH` as a list of initials, in the order given; a bad one is refused."""
    found = [part.strip().upper() for part in text.split(",") if part.strip()]
    bad = [part for part in found if not is_initials(part)]
    if bad:
        raise StoreError(
            f"--inspectors: {', '.join(repr(b) for b in bad)} "
            f"{'is not' if len(bad) == 1 else 'are not'} initials; give them as AS,CB,KH"
        )
    repeated = sorted({part for part in found if found.count(part) > 1})
    if repeated:
        raise StoreError(f"--inspectors names {', '.join(repeated)} twice; name each once")
    if not found:
        raise StoreError("--inspectors names nobody; give initials as AS,CB,KH")
    return found


@dataclass(frozen=True)
class Load:
    """One inspector's share of the sample."""

    inspector: str
    cases: int
    custody: int
    high_risk: int
    workload: int


def assign(
    cases: Sequence[CaseRecord], inspectors: Sequence[str], weights: Mapping[str, int]
) -> dict[str, str]:
    """Case reference -> inspector: each inspector gets the number of cases rounded down or
    up; custody, then high-risk cases are dealt first, heaviest first, each to whoever has the
    fewest of its kind, then the least workload (`weights`, by case reference), then in the
    order the inspectors were given."""
    k = len(inspectors)
    floor, extra = divmod(len(cases), k)
    kinds = {c.case_ref: (c.custody, high_risk(c)) for c in cases}
    dealt = sorted(
        cases,
        key=lambda c: (not c.custody, not high_risk(c), -weights[c.case_ref], c.case_ref),
    )
    count = dict.fromkeys(inspectors, 0)
    load = dict.fromkeys(inspectors, 0)
    custody = dict.fromkeys(inspectors, 0)
    risky = dict.fromkeys(inspectors, 0)
    order = {who: i for i, who in enumerate(inspectors)}
    chosen: dict[str, str] = {}
    for case in dealt:
        full = sum(1 for who in inspectors if count[who] > floor)
        open_to = [
            who
            for who in inspectors
            if count[who] < floor or (count[who] == floor and full < extra)
        ]
        is_custody, is_risky = kinds[case.case_ref]
        who = min(
            open_to,
            key=lambda w: (
                custody[w] if is_custody else 0,
                risky[w] if is_risky else 0,
                load[w],
                count[w],
                order[w],
            ),
        )
        chosen[case.case_ref] = who
        count[who] += 1
        load[who] += weights[case.case_ref]
        custody[who] += is_custody
        risky[who] += is_risky
    return chosen


def loads(
    cases: Sequence[CaseRecord], inspector_of: Mapping[str, str], weights: Mapping[str, int]
) -> list[Load]:
    """Each inspector's cases, custody and high-risk cases and workload, by initials."""
    found: dict[str, list[CaseRecord]] = {}
    for case in cases:
        found.setdefault(inspector_of[case.case_ref], []).append(case)
    return [
        Load(
            who,
            len(mine),
            sum(c.custody for c in mine),
            sum(high_risk(c) for c in mine),
            sum(weights[c.case_ref] for c in mine),
        )
        for who, mine in sorted(found.items())
    ]
