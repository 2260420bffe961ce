"""The in-memory tally (db/tally.py) always equals the count queries it stands in for."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from factories import run_sql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import StoreError
from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.file.tally import AnswerTally
from db.reporting import figures
from db.reporting.demo import demo_cases
from question_bank.loader import load_shipped
from question_bank.scoring import score_bank

BANK = load_shipped("fji-2014")
CASES = demo_cases(random.Random(7), 3)
# A few questions, so that steps meet again: key and not, with and without a condition whose
# case fields the "edit" steps flip (custody by disposal, psr_prepared, vulnerability, age).
CONDITIONED = {
    field: next(
        q.id for q in BANK.questions if q.applies_if is not None and q.applies_if.field == field
    )
    for field in ("custody", "psr_prepared", "vulnerability", "age")
}
QUESTIONS = [
    *[q.id for q in BANK.questions if q.key and q.applies_if is None][:3],
    *[q.id for q in BANK.questions if not q.key and q.applies_if is None][:1],
    *CONDITIONED.values(),
]

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("answer"),
            st.integers(0, len(CASES) - 1),
            st.sampled_from(QUESTIONS),
            st.sampled_from(["yes", "no", "na"]),
            st.sampled_from(["primary", "primary", "second_read"]),
        ),
        st.tuples(
            st.just("clear"),
            st.integers(0, len(CASES) - 1),
            st.sampled_from(QUESTIONS),
            st.sampled_from(["primary", "second_read"]),
        ),
        st.tuples(
            st.just("edit"),
            st.integers(0, len(CASES) - 1),
            st.sampled_from(
                [
                    {"disposal": "dto"},
                    {"disposal": "referral_order"},
                    {"psr_prepared": True},
                    {"psr_prepared": False},
                    {"vulnerability": "high"},
                    {"vulnerability": "low"},
                    {"age": 14},
                    {"age": 17},
                ]
            ),
        ),
        st.tuples(
            st.just("elsewhere"),
            st.integers(0, len(CASES) - 1),
            st.sampled_from(QUESTIONS),
            st.sampled_from(["yes", "no", "na"]),
        ),
    ),
    min_size=5,
    max_size=40,
)


def assert_tally_matches_sql(store: InspectionStore) -> None:
    sql_counts = store.answer_counts_by(None, CountFilter()).get(None, {})
    sql_cases = store.cases_by_theme_by(None, CountFilter()).get(None, {})
    sql_not_applying = store.did_not_apply_counts_by(None, CountFilter()).get(None, {})
    assert store.answer_counts() == sql_counts
    assert store.cases_by_theme() == sql_cases
    assert store.did_not_apply_counts() == sql_not_applying
    assert figures.theme_scores(store) == score_bank(
        store.bank, sql_counts, sql_cases, did_not_apply=sql_not_applying
    )
    assert figures.theme_scores(store, scored_only=False) == score_bank(
        store.bank, sql_counts, sql_cases, scored_only=False, did_not_apply=sql_not_applying
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_tally_equals_sql_after_any_answers(plan):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tally.inspection"
        store = InspectionStore.create(path, area="Tally", bank=BANK, lead="JS")
        store.add_cases(CASES)
        other = InspectionStore.open(path)
        try:
            assert_tally_matches_sql(store)
            for step in plan:
                kind, case = step[0], CASES[step[1]].case_ref
                try:
                    if kind == "answer":
                        _, _, qid, value, role = step
                        store.record_answer(
                            case, qid, value, inspector="JS", note="evidence", role=role
                        )
                    elif kind == "clear":
                        store.clear_answer(case, step[2], inspector="JS", role=step[3])
                    elif kind == "edit":
                        store.update_case(case, **step[2])
                    elif kind == "elsewhere":
                        # Another connection to the same file: the tally must notice its commit.
                        other.record_answer(case, step[2], step[3], inspector="KM", note="x")
                except StoreError:
                    pass
                assert_tally_matches_sql(store)
        finally:
            other.close()
            store.close()


def test_a_refused_answer_leaves_the_tally_as_it_was(tmp_path):
    store = InspectionStore.create(tmp_path / "t.inspection", area="Tally", bank=BANK, lead="JS")
    store.add_cases(CASES)
    question = next(q for q in BANK.questions if "no" in q.note_required_for and q.key)
    case = next(c.case_ref for c in CASES if question.applies(c.condition_values()))
    store.record_answer(case, question.id, "yes", inspector="JS")
    before = store.answer_counts()
    try:
        store.record_answer(case, question.id, "no", inspector="JS")  # no note: refused
    except StoreError:
        pass
    else:
        raise AssertionError("a 'no' without its note was recorded")
    assert store.answer_counts() == before
    assert before[question.id] == {"yes": 1}
    assert_tally_matches_sql(store)


def test_a_case_edit_that_flips_applicability_is_counted(tmp_path):
    store = InspectionStore.create(tmp_path / "t.inspection", area="Tally", bank=BANK, lead="JS")
    store.add_cases(CASES)
    qid = CONDITIONED["psr_prepared"]
    case = CASES[0].case_ref
    store.update_case(case, psr_prepared=True)
    store.record_answer(case, qid, "yes", inspector="JS", note="evidence")
    assert store.answer_counts()[qid] == {"yes": 1}
    store.update_case(case, psr_prepared=False)
    assert qid not in store.answer_counts()
    assert_tally_matches_sql(store)


def test_a_scope_tally_moved_by_answers_scores_as_the_file_does(store):
    """The interview's copy of the counts (scope_tally), moved by each answer before its
    commit, scores the case and the inspection as the file's own counts do once committed."""
    answers = [("C001", "A1", "yes"), ("C001", "A2", "no"), ("C002", "A1", "no")]
    answers += [("C001", "A1", "na"), ("C001", "A2", "yes"), ("C002", "A3", "yes")]
    case, inspection = store.scope_tally("C001"), store.scope_tally()
    shown: dict[tuple[str, str], str] = {}
    for case_ref, qid, value in answers:
        question = store.bank.question(qid)
        old = shown.get((case_ref, qid))
        if case_ref == "C001":
            case.tally.move(store.bank, case_ref, question, old, value)
        inspection.tally.move(store.bank, case_ref, question, old, value)
        shown[(case_ref, qid)] = value
        store.record_answer(case_ref, qid, value, inspector="JS", note="evidence")
    for scope, filter in ((case, CountFilter(case_ref="C001")), (inspection, CountFilter())):
        moved = figures.scores_of(
            store.bank, scope.tally.counts, scope.tally.cases_by_theme, scope.not_applying
        )
        assert moved == figures.theme_scores(store, filter)
    fresh = store.scope_tally()
    assert inspection.tally.counts == fresh.tally.counts
    assert store.scope_tally().tally is not store.scope_tally().tally, "a copy each time"


def _answered(path: Path) -> InspectionStore:
    """A demo-like file: every question of three cases answered, one case's details edited so
    that some of its answers no longer apply."""
    store = InspectionStore.create(path, area="Tally", bank=BANK, lead="JS")
    store.add_cases(CASES)
    for record in CASES:
        values = record.condition_values()
        for question in BANK.questions:
            if question.applies(values) and not question.classifies:
                store.record_answer(
                    record.case_ref, question.id, "no", inspector="JS", note="evidence"
                )
    store.update_case(CASES[0].case_ref, psr_prepared=not CASES[0].psr_prepared)
    store.update_case(CASES[1].case_ref, age=10 if CASES[1].age > 14 else 17)
    return store


def test_the_whole_inspection_is_counted_without_a_lookup_per_answer(tmp_path):
    """The tally of the whole inspection is read from every answer, less those that do not
    apply (db.file.tally.AnswerTally.build_whole), and equals the count of the answers that do."""
    store = _answered(tmp_path / "t.inspection")
    try:
        conn = store._conn
        not_applying = conn.execute(
            "SELECT COUNT(*) FROM answers a JOIN applicability ap ON ap.case_ref = a.case_ref "
            "AND ap.question_id = a.question_id WHERE ap.applies = 0"
        ).fetchone()[0]
        assert not_applying > 0, "the edits should leave answers to questions that do not apply"
        whole = AnswerTally.build_whole(conn)
        assert whole is not None
        assert whole == AnswerTally.build(conn, store.answer_counts_by(None).get(None, {}))
        assert_tally_matches_sql(store)
    finally:
        store.close()


# An answer's applicability row taken away (edited outside audit-tui), or renamed to a
# question the file does not have (the case still has a row per question): either way the case
# is not covered, and the answer that lost its row counts nowhere, as the count queries say.
ROW_OF_AN_ANSWER = (
    "(SELECT a.case_ref, a.question_id FROM answers a JOIN applicability ap ON "
    "ap.case_ref = a.case_ref AND ap.question_id = a.question_id WHERE ap.applies = 1 LIMIT 1)"
)


@pytest.mark.parametrize(
    "edit",
    [
        f"DELETE FROM applicability WHERE (case_ref, question_id) = {ROW_OF_AN_ANSWER}",
        "UPDATE applicability SET question_id = 'ZZ-NOT-ASKED' "
        f"WHERE (case_ref, question_id) = {ROW_OF_AN_ANSWER}",
    ],
    ids=["row deleted", "row renamed to a question the file lacks"],
)
def test_an_answer_whose_applicability_row_is_gone_is_counted_as_sql_counts_it(tmp_path, edit):
    """No proof of cover: the tally is counted the slow way, as the count queries count."""
    path = tmp_path / "t.inspection"
    _answered(path).close()
    run_sql(path, "PRAGMA foreign_keys = OFF", edit)
    store = InspectionStore.open(path, readonly=True)
    try:
        assert AnswerTally.build_whole(store._conn) is None
        assert_tally_matches_sql(store)
    finally:
        store.close()
