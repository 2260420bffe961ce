"""The strata a sample is drawn by (disposal and current/terminated), the groups it must
include (the reference report's high RoSH, particularly vulnerable, girls, BAME), and the
proportional share of a whole number of cases among strata."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from question_bank.case import CaseRecord, CaseStatus, Disposal, Gender, Level

K = TypeVar("K")
HIGH = frozenset({Level.high, Level.very_high})

Stratum = tuple[Disposal, CaseStatus]


def stratum_of(case: CaseRecord) -> Stratum:
    return case.disposal, case.status


def stratum_order(stratum: Stratum) -> tuple[int, int]:
    """Strata in the order of their values: the disposals as the case record lists them."""
    disposal, status = stratum
    return list(Disposal).index(disposal), list(CaseStatus).index(status)


def stratum_label(stratum: Stratum) -> str:
    disposal, status = stratum
    return f"{disposal.value}, {status.value}"


@dataclass(frozen=True)
class Group:
    """A group of children the sample must include some of (a minimum, `--minimum NAME=N`)."""

    name: str
    label: str  # in the make-up table
    noun: str  # in a sentence: "the minimum of 5 high RoSH cases"
    member: Callable[[CaseRecord], bool]


GROUPS: tuple[Group, ...] = (
    Group("high_rosh", "high RoSH", "high RoSH cases", lambda c: c.rosh in HIGH),
    Group(
        "high_vulnerability",
        "high vulnerability",
        "cases of high vulnerability",
        lambda c: c.vulnerability in HIGH,
    ),
    Group("girls", "girls", "girls", lambda c: c.gender == Gender.female),
    Group("bame", "BAME", "BAME children", lambda c: c.bame is True),
)
GROUP_BY_NAME = {g.name: g for g in GROUPS}


def default_minimum(size: int) -> int:
    """The default minimum of each group: a tenth of the sample, rounded up (7 of 61)."""
    return math.ceil(size / 10)


def largest_remainder(counts: Mapping[K, int], seats: int) -> dict[K, int]:
    """`seats` shared in proportion to `counts` (Hamilton's method): each share is the exact
    quota rounded down or up, so it is within one of it; ties go to the larger count, then to
    the key listed first."""
    total = sum(counts.values())
    if total == 0 or seats <= 0:
        return dict.fromkeys(counts, 0)
    exact = {key: seats * count / total for key, count in counts.items()}
    shares = {key: math.floor(quota) for key, quota in exact.items()}
    left = seats - sum(shares.values())
    position = {key: i for i, key in enumerate(counts)}
    ranked = sorted(counts, key=lambda k: (-(exact[k] - shares[k]), -counts[k], position[k]))
    for key in ranked[:left]:
        shares[key] += 1
    return shares
