"""The demo inspection: 61 cases, a realistic mix, about half answered, plausible scores."""

from __future__ import annotations

from collections import Counter

import pytest

from db.file.store import InspectionStore
from db.reporting import figures
from db.reporting.demo import build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = build_demo(tmp_path_factory.mktemp("demo") / "demo.inspection")
    with InspectionStore.open(path, readonly=True) as store:
        yield store


def test_demo_sample_and_progress(demo):
    cases = demo.cases()
    assert len(cases) == 61 and demo.inspection.bank_id == "fji-2014"
    assert len({c.inspector for c in cases}) == 6
    assert any(c.custody for c in cases) and any(not c.custody for c in cases)
    assert Counter(c.gender.value for c in cases)["female"] >= 5
    assert {c.status.value for c in cases} == {"current", "terminated"}
    assert {c.rosh.value for c in cases} >= {"low", "medium", "high"}
    status = Counter(p.status for p in demo.case_progress().values())
    assert 25 <= status["complete"] + status["locked"] <= 36
    assert status["in_progress"] >= 3 and status["not_started"] >= 15 and status["locked"] >= 1
    assert demo.answers(role="second_read")


def test_demo_scores_are_plausible_and_varied(demo):
    scores = figures.theme_scores(demo)
    percents = [t.percent for t in scores]
    assert all(p is not None and 45 <= p <= 90 for p in percents), percents
    assert len(set(percents)) >= 4
    by_inspector = figures.scores_by(demo, "inspector")
    assert len(by_inspector) == 6
    assert len({tuple(t.percent for t in themes) for themes in by_inspector.values()}) == 6


def test_demo_is_the_same_every_time(demo, tmp_path):
    with InspectionStore.open(build_demo(tmp_path / "again.inspection"), readonly=True) as again:
        assert again.answers() == demo.answers()
        assert again.cases() == demo.cases()
        assert again.inspection == demo.inspection
