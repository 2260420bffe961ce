"""A subgroup beside the rest: the group's figures are the filter's, and the two add up."""

from __future__ import annotations

from dataclasses import replace

import pytest

from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.reporting import figures
from db.reporting.demo import build_demo
from question_bank.case import SUBGROUP_FIELDS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = build_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    with InspectionStore.open(path, readonly=True) as store:
        yield store


def _figures(scores):
    return [
        (s.number, s.yes, s.no, s.na, s.cases or 0, [(t.yes, t.no, t.na) for t in s.questions])
        for s in scores
    ]


def _added(a, b):
    return [
        (n, y1 + y2, n1 + n2, a1 + a2, c1 + c2,
         [(p + q, r + s, t + u) for (p, r, t), (q, s, u) in zip(qa, qb, strict=True)])
        for (n, y1, n1, a1, c1, qa), (_, y2, n2, a2, c2, qb) in zip(a, b, strict=True)
    ]  # fmt: skip


@pytest.mark.parametrize("field", SUBGROUP_FIELDS)
def test_each_group_and_the_rest_add_up_to_the_whole(demo, field):
    whole = figures.scope(demo)
    for value in demo.case_count_by(field):
        if value is None:
            continue
        group, rest = figures.group_against_rest(demo, field, value)
        alone = figures.theme_scores(demo, CountFilter(**{field: value}), scored_only=False)
        assert _figures(group.themes) == _figures(alone)
        assert group.cases == demo.case_count(CountFilter(**{field: value}))
        assert group.cases + rest.cases == whole.cases == 61
        assert _added(_figures(group.themes), _figures(rest.themes)) == _figures(whole.themes)


def test_within_a_filter(demo):
    girls = CountFilter(gender="female")
    group, rest = figures.group_against_rest(demo, "rosh", "high", girls)
    assert group.cases == demo.case_count(replace(girls, rosh="high"))
    assert group.cases + rest.cases == demo.case_count(girls)


def test_small_groups_are_named_and_warned_of():
    assert figures.group_name("custody", True) == "custody"
    assert figures.group_name("custody", False) == "community"
    assert figures.group_name("rosh", "very_high") == "RoSH very high"
    assert figures.group_name("bame", None) == "bame not stated"
    assert figures.few_cases_warning("girls", 8) == "girls: only 8 cases: too few to say much"
    assert figures.few_cases_warning("a case", 1) == "a case: only 1 case: too few to say much"
    assert figures.few_cases_warning("boys", 10) is None
