"""The stratified draw: reproducible, proportional within one case per stratum, the groups'
minimums met where the caseload allows and reported where it cannot, reserves apart."""

from __future__ import annotations

import random
from collections import Counter

from caseloads import caseload
from factories import make_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.sampling.draw import draw_sample
from db.sampling.strata import GROUP_BY_NAME, stratum_of


def refs(cases):
    return [c.case_ref for c in cases]


def test_the_same_seed_draws_the_same_sample_and_reserves_whatever_the_caseload_order():
    cases = caseload(400)
    first = draw_sample(cases, 61, seed=42)
    shuffled = list(cases)
    random.Random(5).shuffle(shuffled)
    again = draw_sample(shuffled, 61, seed=42)
    assert refs(first.sample) == refs(again.sample)
    assert refs(first.reserves) == refs(again.reserves)
    other = draw_sample(cases, 61, seed=43)
    assert refs(other.sample) != refs(first.sample)


def test_each_stratum_gets_its_proportional_share_within_one_case():
    cases = caseload(523, seed=3)
    drawn = draw_sample(cases, 61, seed=7)
    assert len(drawn.sample) == 61
    eligible = Counter(stratum_of(c) for c in cases)
    sampled = Counter(stratum_of(c) for c in drawn.sample)
    for stratum, count in eligible.items():
        exact = 61 * count / len(cases)
        assert abs(sampled[stratum] - exact) < 1, (stratum, sampled[stratum], exact)
    assert len(eligible) > 8  # the strata are many: disposal by current/terminated


def test_minimums_are_met_when_the_caseload_has_the_cases():
    cases = caseload(600, seed=11, girls=0.03, bame=0.04, high_rosh=0.03)
    minimums = {"girls": 8, "bame": 8, "high_rosh": 8, "high_vulnerability": 8}
    available = {name: sum(map(GROUP_BY_NAME[name].member, cases)) for name in minimums}
    assert all(count >= 8 for count in available.values()), available
    # proportional shares would give about 2 of each rare group in 61
    for seed in range(5):
        drawn = draw_sample(cases, 61, seed=seed, minimums=minimums)
        for name, least in minimums.items():
            got = sum(map(GROUP_BY_NAME[name].member, drawn.sample))
            assert got >= least, (seed, name, got)
        assert not any(g.short for g in drawn.groups)
        # the minimums are met inside the strata's shares, which stay proportional
        sampled = Counter(stratum_of(c) for c in drawn.sample)
        for stratum, count in Counter(stratum_of(c) for c in cases).items():
            assert abs(sampled[stratum] - 61 * count / 600) < 1


def test_a_minimum_the_caseload_cannot_meet_is_reported_with_why():
    cases = caseload(200, seed=2, girls=0.0)
    # two girls, on referral orders (the largest stratum, so there is room for both)
    for n in [i for i, c in enumerate(cases) if c.disposal == "referral_order"][:2]:
        cases[n] = type(cases[n]).model_validate(cases[n].model_dump() | {"gender": "female"})
    drawn = draw_sample(cases, 30, seed=1, minimums={"girls": 5})
    girls = next(g for g in drawn.groups if g.group.name == "girls")
    assert girls.short and girls.eligible == 2 and girls.drawn == 2
    assert girls.shortfall() == (
        "the minimum of 5 girls cannot be met: the eligible caseload has only 2, and all are "
        "in the sample"
    )


def test_a_minimum_the_strata_leave_no_room_for_is_reported():
    # every girl is on a DTO, and the DTO stratum's share of 10 is one case
    cases = [make_case(f"R{n:03d}") for n in range(90)]
    cases += [make_case(f"D{n:03d}", disposal="dto", gender="female") for n in range(10)]
    drawn = draw_sample(cases, 10, seed=1, minimums={"girls": 3})
    girls = next(g for g in drawn.groups if g.group.name == "girls")
    assert girls.drawn == 1 and girls.short
    assert "proportional shares of disposal and status left no more room" in girls.shortfall()


def test_reserves_are_apart_from_the_sample_and_proportional():
    cases = caseload(300, seed=4)
    drawn = draw_sample(cases, 40, seed=9, reserves=12)
    assert len(drawn.reserves) == 12
    assert not set(refs(drawn.reserves)) & set(refs(drawn.sample))
    assert len(set(refs(drawn.reserves))) == 12
    assert len(drawn.sample) == 40


def test_a_caseload_smaller_than_the_size_is_drawn_whole_with_no_reserves():
    cases = caseload(25, seed=5)
    drawn = draw_sample(cases, 61, seed=1)
    assert drawn.too_small
    assert sorted(refs(drawn.sample)) == sorted(refs(cases))
    assert drawn.reserves == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(min_value=1, max_value=150),
    size=st.integers(min_value=1, max_value=80),
    reserves=st.integers(min_value=0, max_value=20),
    caseload_seed=st.integers(min_value=0, max_value=10_000),
    seed=st.integers(min_value=0, max_value=2**32),
    girls=st.floats(min_value=0, max_value=1),
    minimum=st.integers(min_value=0, max_value=30),
)
def test_the_sample_is_always_a_subset_of_the_eligible_cases(
    count, size, reserves, caseload_seed, seed, girls, minimum
):
    cases = caseload(count, seed=caseload_seed, girls=girls)
    drawn = draw_sample(cases, size, seed=seed, reserves=reserves, minimums={"girls": minimum})
    eligible = set(refs(cases))
    sample, spare = refs(drawn.sample), refs(drawn.reserves)
    assert set(sample) <= eligible and set(spare) <= eligible
    assert len(set(sample)) == len(sample) == min(size, count)
    assert not set(sample) & set(spare)
    assert len(spare) == min(reserves, count - len(sample))
    sampled = Counter(stratum_of(c) for c in drawn.sample)
    for stratum, n in Counter(stratum_of(c) for c in cases).items():
        assert abs(sampled[stratum] - len(sample) * n / count) < 1
