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
        label = self.group.label
        if self.eligible < self.minimum:
            return (
                f"the minimum of {self.minimum} {label} cannot be met: the eligible caseload "
                f"has only {self.eligible}, and all are in the sample"
                if self.drawn == self.eligible
                else f"the minimum of {self.minimum} {label} cannot be met: the eligible "
                f"caseload has only {self.eligible}; {self.drawn} are in the sample"
            )
        return (
            f"the minimum of {self.minimum} {label} was not met: {self.drawn} drawn of "
            f"{self.eligible} eligible, as the proportional shares of disposal and status "
            "left no more room; draw a larger sample or lower the minimum"
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

    left = {
        s: sorted((c for c in cases if c.case_ref not in taken), key=lambda c: rank[c.case_ref])
        for s, cases in strata.items()
    }
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
    """Swap cases of the groups under their target into `chosen`, stratum by stratum.

    The group with the fewest eligible cases goes first; the case swapped in is the first in
    the random order (of those helping most short groups), the one swapped out the last drawn
    of those in no group that would then fall under its target. Each swap brings one group
    nearer its target and takes none under it, so this ends. Returns the cases swapped out.
    """
    members = {g.name: g.member for g in GROUPS}
    groups_of = {
        c.case_ref: frozenset(name for name, member in members.items() if member(c))
        for cases in strata.values()
        for c in cases
    }
    counts = {
        name: sum(name in groups_of[c.case_ref] for cases in chosen.values() for c in cases)
        for name in targets
    }
    in_sample = {c.case_ref for cases in chosen.values() for c in cases}
    set_aside: set[str] = set()
    waiting = {
        (s, name): deque(c for c in cases if name in groups_of[c.case_ref])
        for s, cases in strata.items()
        for name in targets
    }
    scarcest = sorted(targets, key=lambda name: sum(len(waiting[s, name]) for s in strata))
    while True:
        short = {name for name in targets if counts[name] < targets[name]}
        swap = next(
            (found for name in scarcest if name in short
             for found in [_best_swap(name, short, chosen, waiting, groups_of, counts, targets,
                                      in_sample | set_aside, rank)]
             if found),
            None,
        )  # fmt: skip
        if swap is None:
            return set_aside
        stratum, incoming, outgoing = swap
        chosen[stratum].remove(outgoing)
        chosen[stratum].append(incoming)
        in_sample.discard(outgoing.case_ref)
        in_sample.add(incoming.case_ref)
        set_aside.add(outgoing.case_ref)
        for name in groups_of[outgoing.case_ref]:
            counts[name] -= 1
        for name in groups_of[incoming.case_ref]:
            counts[name] += 1


def _best_swap(
    name: str,
    short: set[str],
    chosen: Mapping[Stratum, list[CaseRecord]],
    waiting: Mapping[tuple[Stratum, str], deque[CaseRecord]],
    groups_of: Mapping[str, frozenset[str]],
    counts: Mapping[str, int],
    targets: Mapping[str, int],
    used: set[str],
    rank: Mapping[str, int],
) -> tuple[Stratum, CaseRecord, CaseRecord] | None:
    """The best swap bringing group `name` one case nearer its target, or None."""
    best: tuple[tuple[int, int], tuple[Stratum, CaseRecord, CaseRecord]] | None = None
    for stratum, cases in chosen.items():
        queue = waiting[stratum, name]
        while queue and queue[0].case_ref in used:
            queue.popleft()
        if not queue:
            continue
        removable = [
            c for c in cases if all(counts[g] - 1 >= targets[g] for g in groups_of[c.case_ref])
        ]
        if not removable:
            continue
        incoming = queue[0]
        outgoing = max(removable, key=lambda c: (-len(groups_of[c.case_ref]), rank[c.case_ref]))
        score = (len(groups_of[incoming.case_ref] & short), -rank[incoming.case_ref])
        if best is None or score > best[0]:
            best = (score, (stratum, incoming, outgoing))
    return best[1] if best else None
