"""The cases each question does not apply to: counted apart from the answers of N/A, under the
same filters and groups as the answers, and kept right as cases and classifications change."""

from __future__ import annotations

from factories import make_case, make_inspection

from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.reporting import figures
from question_bank.loader import load_shipped

# The store fixture's three cases: C001 (JS, community, low RoSH), C002 (KM, custody, high
# RoSH) and C003 (JS, a girl, community, low RoSH). A3 applies in custody, R1 from medium RoSH.


def tally(scores, qid):
    return next(t for s in scores for t in s.questions if t.question_id == qid)


def test_counted_per_question_under_a_filter_and_by_group(store):
    assert store.did_not_apply_counts() == {"A3": 2, "R1": 2}
    assert store.did_not_apply_counts(CountFilter(gender="female")) == {"A3": 1, "R1": 1}
    assert store.did_not_apply_counts(CountFilter(inspector="km")) == {}
    assert store.did_not_apply_counts(CountFilter(case_ref="C001")) == {"A3": 1, "R1": 1}
    # a question applies to a case or not, whoever's answers are counted
    assert store.did_not_apply_counts(CountFilter(role="second_read")) == {"A3": 2, "R1": 2}
    assert store.did_not_apply_counts_by("custody") == {False: {"A3": 2, "R1": 2}}
    assert store.did_not_apply_counts_by("inspector", CountFilter(gender="male")) == {
        "JS": {"A3": 1, "R1": 1}
    }


def test_answered_n_a_and_did_not_apply_are_apart_in_every_tally(store):
    store.record_answer("C001", "A1", "na", inspector="JS")
    store.record_answer("C002", "A3", "na", inspector="KM")
    scores = figures.theme_scores(store)
    a1, a3, r1 = (tally(scores, q) for q in ("A1", "A3", "R1"))
    assert (a1.na, a1.did_not_apply) == (1, 0)
    assert (a3.na, a3.did_not_apply) == (1, 2)
    assert (r1.na, r1.did_not_apply) == (0, 2)
    assert tally(figures.theme_scores(store, CountFilter(custody=True)), "A3").did_not_apply == 0
    by_gender = figures.scores_by(store, "gender")
    assert tally(by_gender["female"], "A3").did_not_apply == 1
    assert tally(by_gender["male"], "A3").did_not_apply == 1
    group, rest = figures.group_against_rest(store, "gender", "female")
    for qid in ("A3", "R1"):
        whole = tally(figures.theme_scores(store, scored_only=False), qid).did_not_apply
        assert (
            tally(group.themes, qid).did_not_apply + tally(rest.themes, qid).did_not_apply == whole
        )


def test_a_case_edit_and_another_connection_s_commit_are_counted(store, store_path):
    assert store.did_not_apply_counts()["R1"] == 2
    store.update_case("C001", rosh="high")
    assert store.did_not_apply_counts()["R1"] == 1
    with InspectionStore.open(store_path) as other:
        other.update_case("C003", rosh="medium")
    assert "R1" not in store.did_not_apply_counts()
    assert tally(figures.theme_scores(store), "R1").did_not_apply == 0


def test_an_answer_keeps_the_count_and_a_classification_moves_it(tmp_path):
    bank = load_shipped("fji-2014")
    cases = [make_case("C01", rosh="low"), make_case("C02", rosh="low")]
    with make_inspection(tmp_path / "fji.sqlite", bank, cases) as store:
        before = store.did_not_apply_counts()
        assert before["PP-ASSESS-03"] == 2, "a RoSH assessment question, medium RoSH and above"
        store.record_answer("C01", "PP-ASSESS-04", "yes", inspector="JS")
        assert store.did_not_apply_counts() == before
        # the inspector judges C01's RoSH high: its RoSH questions now apply to it
        store.record_answer("C01", "PP-CLASS-01", "should_be_high", inspector="JS", note="MAPPA")
        after = store.did_not_apply_counts()
        assert after["PP-ASSESS-03"] == 1
        assert tally(figures.theme_scores(store), "PP-ASSESS-03").did_not_apply == 1
        store.clear_answer("C01", "PP-CLASS-01", inspector="JS")
        assert store.did_not_apply_counts() == before


def test_the_yjs_safety_questions_apply_to_every_case_of_their_domain(tmp_path):
    """A low level takes no safety question out (HMIP scores them where there are factors,
    sources.md B4): only the other domain's case is counted as not applying."""
    bank = load_shipped("yjs-2021")
    cases = [make_case("Y01", disposal="yro", rosh="low", vulnerability="low"),
             make_case("Y02", disposal="youth_caution", rosh="low")]  # fmt: skip
    with make_inspection(tmp_path / "yjs.sqlite", bank, cases) as store:
        before = store.did_not_apply_counts()
        assert before["S21-OTHERS"] == 1 and before["S31-OTHERS"] == 1
        assert before["S21-CHILD"] == 1 and before["S31-CHILD"] == 1
        store.record_answer("Y01", "S21-ROSH", "should_be_high", inspector="JS", note="MAPPA")
        assert store.did_not_apply_counts() == before
