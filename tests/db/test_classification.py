"""The inspector's own classification decides what applies: a case the service classified too
low still gets the questions its real risk calls for, and their answers reach the score."""

from __future__ import annotations

import pytest
from factories import FixedClock, make_case

from db.collation.collate import collate
from db.collation.export import export, split
from db.file.store import InspectionStore
from db.reporting import figures
from question_bank.loader import load_shipped

HIGH_ROSH_ONLY = "PP-ASSESS-03"  # applies only at medium RoSH or above
RISK_PLAN = "PP-PLAN-06"  # the key question of the planning measure, medium RoSH or above


@pytest.fixture
def inspection(tmp_path):
    path = tmp_path / "classified.sqlite"
    with InspectionStore.create(
        path, area="Lambeth", bank=load_shipped("fji-2014"), clock=FixedClock()
    ) as store:
        store.add_cases([make_case("C001", rosh="low"), make_case("C002", rosh="low")])
    return path


def theme_2(store):
    return next(s for s in figures.theme_scores(store) if s.number == 2)


def test_the_inspectors_rosh_level_makes_the_high_rosh_questions_apply_and_count(inspection):
    with InspectionStore.open(inspection, clock=FixedClock(day=17)) as store:
        assert not store.applicability("C001")[HIGH_ROSH_ONLY]
        before = theme_2(store)
        answer = store.record_answer(
            "C001", "PP-CLASS-01", "should_be_high", inspector="JS", note="Knife carried."
        )
        assert HIGH_ROSH_ONLY in answer.reclassified and RISK_PLAN in answer.reclassified
        assert store.applicability("C001")[HIGH_ROSH_ONLY]
        assert not store.applicability("C002")[HIGH_ROSH_ONLY]  # the other case is untouched
        assert store.case("C001").rosh == "low"  # the service's classification is kept as given
        store.record_answer("C001", RISK_PLAN, "no", inspector="JS", note="No plan at all.")
        after = theme_2(store)
    # the classification itself counts as a no, and so does the risk plan it brought in
    assert (after.yes, after.no) == (before.yes, before.no + 2)
    assert RISK_PLAN in {t.question_id for t in after.questions if t.no}


def test_a_classification_undone_takes_its_questions_back_out(inspection):
    with InspectionStore.open(inspection, clock=FixedClock(day=17)) as store:
        store.record_answer("C001", "PP-CLASS-01", "should_be_high", inspector="JS", note="x")
        cleared = store.clear_answer("C001", "PP-CLASS-01", inspector="JS", reason="undo")
        assert HIGH_ROSH_ONLY in cleared.reclassified
        assert not store.applicability("C001")[HIGH_ROSH_ONLY]
        agreed = store.record_answer("C001", "PP-CLASS-01", "yes", inspector="JS")
        assert agreed.reclassified == ()


def test_a_case_edit_keeps_the_inspectors_classification(inspection):
    with InspectionStore.open(inspection, clock=FixedClock(day=17)) as store:
        store.record_answer("C001", "PP-CLASS-01", "should_be_high", inspector="JS", note="x")
        store.update_case("C001", vulnerability="high")
        assert store.applicability("C001")[HIGH_ROSH_ONLY]


def test_split_and_collate_carry_the_classification(inspection, tmp_path):
    handed_out = tmp_path / "out"
    files = split(inspection, handed_out)
    mine = files[0].path
    with InspectionStore.open(mine, clock=FixedClock(day=18)) as store:
        store.record_answer("C001", "PP-CLASS-01", "should_be_very_high", inspector="JS", note="x")
        store.record_answer("C001", RISK_PLAN, "yes", inspector="JS")
    export(mine, tmp_path / "JS.sqlite")
    collated = tmp_path / "collated.sqlite"
    collate([tmp_path / "JS.sqlite"], collated)
    with InspectionStore.open(collated, readonly=True) as store:
        assert store.applicability("C001")[HIGH_ROSH_ONLY]
        assert not store.applicability("C002")[HIGH_ROSH_ONLY]
        assert store.answer("C001", RISK_PLAN).value == "yes"
