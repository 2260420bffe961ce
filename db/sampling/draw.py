"""The stratified random draw: proportional by disposal and current/terminated, with minimums
of the groups the reference report names, and reserve cases; the same seed and caseload always
give the same sample, whatever order the caseload lists its cases in."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from db.sampling.strata import (
    GROUPS,
    Group,
    Stratum,
    default_minimum,
    largest_remainder,
    stratum_of,
    stratum_order,
)
from question_bank.case import CaseRecord


@dataclass(frozen=True)
class GroupDraw:
    """How a group fared: the minimum asked, the target (the minimum, or the proportional
    number if larger, but never more than the caseload has), and how many were drawn."""

    group: Group
    minimum: int
    target: int
    eligible: int
    drawn: int

    @property
    def short(self) -> bool:
        return self.drawn < self.minimum

    def shortfall(self) -> str:
        """Why the minimum was not reached, in one sentence."""
        wanted = f"the minimum of {self.minimum} {self.group.noun}"
        if self.eligible == 0:
            return f"{wanted} cannot be met: the eligible caseload has none"
        if self.eligible < self.minimum:
            drawn = "all are" if self.drawn == self.eligible else f"{self.drawn} are"
            return (
                f"{wanted} cannot be met: the eligible caseload has only {self.eligible}, "
                f"and {drawn} in the sample"
            )
        return (
            f"{wanted} was not met: {self.drawn} drawn of {self.eligible} eligible, as the "
            "proportional shares of disposal and status left no more room; draw a larger "
            "sample or lower the minimum"
        )


@dataclass(frozen=True)
class Draw:
    """A drawn sample (by case reference) and its reserves (in the order to use them)."""

    seed: int
    size: int  # asked for
    sample: list[CaseRecord]
    reserves: list[CaseRecord]
    quotas: dict[Stratum, int]
    groups: list[GroupDraw]

    @property
    def too_small(self) -> bool:
        return len(self.sample) < self.size


def draw_sample(
    eligible: Sequence[CaseRecord],
    size: int,
    *,
    seed: int,
    reserves: int | None = None,
    minimums: Mapping[str, int] | None = None,
) -> Draw:
    """Draw `size` cases of `eligible` (all of them when there are no more) and `reserves`
    (a tenth of `size`, rounded up, unless given).

    Each stratum gets its proportional share (within one case), filled in the seed's random
    order. A group left under its target (its minimum, or one case under its proportional
    number if that is more) then has cases swapped in, each for a case of the same stratum
    that no short group needs, so the strata keep their shares. Reserves are drawn from the
    rest, again in proportion to the strata, and listed in the order to use them.
    """
    n = min(size, len(eligible))
    order = sorted(eligible, key=lambda c: c.case_ref)
    random.Random(seed).shuffle(order)
    rank = {case.case_ref: i for i, case in enumerate(order)}
    strata: dict[Stratum, list[CaseRecord]] = {}
    for case in order:
        strata.setdefault(stratum_of(case), []).append(case)
    strata = dict(sorted(strata.items(), key=lambda item: stratum_order(item[0])))
    quotas = largest_remainder({s: len(cases) for s, cases in strata.items()}, n)

    asked = {g.name: default_minimum(size) for g in GROUPS} | dict(minimums or {})
    available = {g.name: sum(1 for c in eligible if g.member(c)) for g in GROUPS}
    targets = {}
    for g in GROUPS:
        proportional = available[g.name] * n / max(len(eligible), 1)
        targets[g.name] = min(available[g.name], max(asked[g.name], math.ceil(proportional - 1)))

    chosen = {s: cases[: quotas[s]] for s, cases in strata.items()}
    set_aside = _swap_in_groups(strata, chosen, targets, rank)
    sample = sorted((c for cases in chosen.values() for c in cases), key=lambda c: c.case_ref)
    taken = {c.case_ref for c in sample}

    left = {s: [c for c in cases if c.case_ref not in taken] for s, cases in strata.items()}
    wanted = math.ceil(size / 10) if reserves is None else reserves
    spare = largest_remainder({s: len(c) for s, c in left.items()}, min(wanted, len(order) - n))
    reserve = sorted(
        (c for s, cases in left.items() for c in cases[: spare[s]]),
        key=lambda c: (c.case_ref in set_aside, rank[c.case_ref]),
    )
    groups = [
        GroupDraw(g, asked[g.name], targets[g.name], available[g.name], sum(map(g.member, sample)))
        for g in GROUPS
    ]
    return Draw(seed, size, sample, reserve, quotas, groups)


def _swap_in_groups(
    strata: Mapping[Stratum, list[CaseRecord]],
    chosen: dict[Stratum, list[CaseRecord]],
    targets: Mapping[str, int],
    rank: Mapping[str, int],
) -> set[str]:
    """Swap cases of the groups under their target into `chosen`, within each stratum.

    The group with the fewest eligible cases goes first. The case swapped in is the first in
    the random order of those helping most short groups; the one swapped out, the last drawn
    of those whose leaving takes no group under its target (nor further under). Each swap
    brings one group a case nearer and none further, so this ends. Returns the cases out.
    """
    swaps = _Swaps(strata, chosen, targets, rank)
    scarcest = sorted(targets, key=lambda name: sum(name in swaps.groups_of[r] for r in rank))
    while True:
        short = {name for name in targets if swaps.counts[name] < targets[name]}
        found = next(
            (swap for name in scarcest if name in short if (swap := swaps.best(name, short))),
            None,
        )
        if found is None:
            return swaps.set_aside
        swaps.make(*found)


class _Swaps:
    """The sample while groups are swapped in: who is in, the cases waiting, each group's count."""

    def __init__(
        self,
        strata: Mapping[Stratum, list[CaseRecord]],
        chosen: dict[Stratum, list[CaseRecord]],
        targets: Mapping[str, int],
        rank: Mapping[str, int],
    ) -> None:
        self.chosen, self.targets, self.rank = chosen, targets, rank
        self.groups_of = {
            c.case_ref: frozenset(g.name for g in GROUPS if g.member(c))
            for cases in strata.values()
            for c in cases
        }
        self.counts = {
            name: sum(name in self.groups_of[c.case_ref] for cs in chosen.values() for c in cs)
            for name in targets
        }
        # the cases not drawn, by stratum and the groups they are in, in the random order
        self.waiting: dict[tuple[Stratum, frozenset[str]], deque[CaseRecord]] = {}
        for stratum, cases in strata.items():
            for case in cases[len(chosen[stratum]) :]:
                key = (stratum, self.groups_of[case.case_ref])
                self.waiting.setdefault(key, deque()).append(case)
        self.set_aside: set[str] = set()

    def keeps(self, leaving: frozenset[str], coming: frozenset[str]) -> bool:
        """Whether a swap leaves every group at least as near its target as it is."""
        return all(
            count - (name in leaving) + (name in coming) >= min(count, self.targets[name])
            for name, count in self.counts.items()
        )

    def best(self, name: str, short: set[str]) -> tuple[Stratum, frozenset[str], CaseRecord] | None:
        """The swap bringing group `name` a case nearer its target: (stratum, the incoming
        case's groups, the outgoing case), or None when there is none."""
        best: tuple[tuple[int, int], tuple[Stratum, frozenset[str], CaseRecord]] | None = None
        for (stratum, groups), queue in self.waiting.items():
            if name not in groups or not queue:
                continue
            score = (len(groups & short), -self.rank[queue[0].case_ref])
            if best is not None and score <= best[0]:
                continue
            removable = [
                c
                for c in self.chosen[stratum]
                if name not in self.groups_of[c.case_ref]
                and self.keeps(self.groups_of[c.case_ref], groups)
            ]
            if removable:
                outgoing = max(
                    removable,
                    key=lambda c: (-len(self.groups_of[c.case_ref]), self.rank[c.case_ref]),
                )
                best = (score, (stratum, groups, outgoing))
        return best[1] if best else None

    def make(self, stratum: Stratum, groups: frozenset[str], outgoing: CaseRecord) -> None:
        incoming = self.waiting[stratum, groups].popleft()
        self.chosen[stratum].remove(outgoing)
        self.chosen[stratum].append(incoming)
        self.set_aside.add(outgoing.case_ref)
        for name in self.groups_of[outgoing.case_ref]:
            self.counts[name] -= 1
        for name in groups:
            self.counts[name] += 1
