"""Sharing a sample among inspectors: the same number each within one case, custody and
high-risk cases spread, the expected workload even."""

from __future__ import annotations

import pytest
from caseloads import caseload
from factories import make_case

from db.errors import StoreError
from db.sampling.assignment import assign, loads, parse_inspectors, workload
from db.sampling.draw import draw_sample
from question_bank.loader import load_shipped


@pytest.mark.parametrize(("size", "inspectors"), [(61, 6), (61, 4), (40, 3), (7, 3), (2, 5)])
def test_each_inspector_gets_the_same_number_of_cases_within_one(size, inspectors):
    bank = load_shipped("fji-2014")
    sample = draw_sample(caseload(300, seed=size), size, seed=1).sample
    weights = {c.case_ref: workload(bank, c) for c in sample}
    names = ["AS", "CB", "KH", "JD", "MM", "PT"][:inspectors]
    chosen = assign(sample, names, weights)
    assert set(chosen) == {c.case_ref for c in sample}
    shares = loads(sample, chosen, weights)
    counts = [load.cases for load in shares]
    assert max(counts) - min(counts) <= 1
    assert sum(counts) == size
    if size >= inspectors * 3:
        custody = [load.custody for load in shares]
        risky = [load.high_risk for load in shares]
        assert max(custody) - min(custody) <= 1, custody
        assert max(risky) - min(risky) <= 1, risky
        heaviest = max(weights.values())
        work = [load.workload for load in shares]
        assert max(work) - min(work) <= heaviest, work


def test_custody_cases_are_spread_not_bunched():
    # six custodial cases and six community ones, listed custody first, for three inspectors
    bank = load_shipped("fji-2014")
    cases = [make_case(f"D{n}", disposal="dto", rosh="high") for n in range(6)]
    cases += [make_case(f"R{n}") for n in range(6)]
    weights = {c.case_ref: workload(bank, c) for c in cases}
    assert weights["D0"] > weights["R0"]  # a custodial, high-risk case asks more questions
    shares = loads(cases, assign(cases, ["AS", "CB", "KH"], weights), weights)
    assert [(s.cases, s.custody, s.high_risk) for s in shares] == [(4, 2, 2)] * 3


def test_the_inspectors_option_is_read_and_checked():
    assert parse_inspectors("as, CB,kh") == ["AS", "CB", "KH"]
    with pytest.raises(StoreError, match="'A1' is not initials"):
        parse_inspectors("AS,A1")
    with pytest.raises(StoreError, match="names AS twice"):
        parse_inspectors("AS,CB,as")
    with pytest.raises(StoreError, match="names nobody"):
        parse_inspectors(" , ")
