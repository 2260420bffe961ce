"""Counts for the scoring engine: filters, groups, applicability, and the laws scores obey."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.reporting import figures
from question_bank.case import SUBGROUP_FIELDS


def answer_all(store, plan):
    for case_ref, qid, value in plan:
        note = "evidence" if value == "no" else None
        store.record_answer(case_ref, qid, value, inspector="JS", note=note)


def test_counts_with_filters(store):
    answer_all(
        store,
        [
            ("C001", "A1", "yes"),
            ("C001", "A2", "no"),
            ("C001", "R2", "na"),
            ("C002", "A1", "no"),
            ("C002", "A3", "yes"),
            ("C002", "R1", "yes"),
            ("C003", "A1", "yes"),
            ("C003", "A2", "yes"),
        ],
    )
    assert store.answer_counts() == {
        "A1": {"yes": 2, "no": 1},
        "A2": {"no": 1, "yes": 1},
        "A3": {"yes": 1},
        "R1": {"yes": 1},
        "R2": {"na": 1},
    }
    assert store.answer_counts(CountFilter(custody=True)) == {
        "A1": {"no": 1},
        "A3": {"yes": 1},
        "R1": {"yes": 1},
    }
    assert store.answer_counts(CountFilter(inspector="km")) == store.answer_counts(
        CountFilter(case_ref="C002")
    )
    assert store.answer_counts(CountFilter(gender="female", looked_after=True)) == {
        "A1": {"yes": 1},
        "A2": {"yes": 1},
    }
    assert store.answer_counts(CountFilter(status="terminated")) == store.answer_counts(
        CountFilter(case_ref="C003")
    )
    assert store.answer_counts(CountFilter(bame=True, rosh="high", vulnerability="medium")) == (
        store.answer_counts(CountFilter(case_ref="C002"))
    )
    assert store.answer_counts(CountFilter(rosh="very_high")) == {}
    assert store.cases_by_theme() == {1: 3, 2: 1}
    assert store.cases_by_theme(CountFilter(custody=False)) == {1: 2}
    assert store.case_count() == 3 and store.case_count(CountFilter(inspector="JS")) == 2


def test_theme_scores_and_groups(store):
    answer_all(
        store,
        [
            ("C001", "A1", "yes"),
            ("C001", "A2", "no"),
            ("C001", "A4", "no"),
            ("C002", "A1", "yes"),
            ("C002", "A3", "yes"),
            ("C002", "R1", "no"),
            ("C003", "A1", "na"),
            ("C003", "A2", "yes"),
        ],
    )
    theme1, theme2 = figures.theme_scores(store)
    # theme 1 key questions A1, A2, A3: yes 4, no 1 (A4 is not key; N/A left out)
    assert (theme1.yes, theme1.no, theme1.na, theme1.percent) == (4, 1, 1, 80)
    assert theme1.judgement == "Good" and theme1.phrase == "four-fifths" and theme1.cases == 3
    assert (theme2.yes, theme2.no, theme2.percent, theme2.judgement) == (0, 1, 0, "Poor")
    by_gender = figures.scores_by(store, "gender")
    assert list(by_gender) == ["female", "male"]
    assert by_gender["female"][0].percent == 100 and by_gender["male"][0].percent == 75
    store.update_case("C003", ethnicity="not_stated")
    by_bame = figures.scores_by(store, "bame")
    assert list(by_bame) == [False, True, None]  # 'not stated' is neither, and comes last
    assert by_bame[None][0].yes == 1


def test_scores_by_has_every_group_even_unanswered(store):
    groups = figures.scores_by(store, "inspector")
    assert list(groups) == ["JS", "KM"]
    assert all(t.percent is None for themes in groups.values() for t in themes)


def test_views_answer_plain_sqlite_clients(store, store_path):
    import sqlite3

    answer_all(store, [("C001", "A1", "yes"), ("C002", "A1", "no"), ("C002", "A3", "yes")])
    store.update_case("C002", disposal="yro")  # A3 no longer applies: kept, not counted
    conn = sqlite3.connect(store_path)
    try:
        rows = conn.execute(
            "SELECT question_id, value, counts_as, answers FROM question_counts"
        ).fetchall()
        assert rows == [("A1", "no", "no", 1), ("A1", "yes", "yes", 1)]
        view = conn.execute(
            "SELECT case_ref, question_id, theme, key, applies, custody FROM answer_view "
            "ORDER BY case_ref, question_id"
        ).fetchall()
        assert view == [
            ("C001", "A1", 1, 1, 1, 0),
            ("C002", "A1", 1, 1, 1, 0),
            ("C002", "A3", 1, 1, 0, 0),
        ]
    finally:
        conn.close()


# -- laws, by hypothesis ------------------------------------------------------------------------

CASES = ("C001", "C002", "C003")
QUESTIONS = ("A1", "A2", "A3", "A4", "R1", "R2", "G1")
APPLIES = {  # from the fixture's cases and the small bank's conditions
    "C001": {"A1", "A2", "A4", "R2", "G1"},
    "C002": set(QUESTIONS),
    "C003": {"A1", "A2", "A4", "R2", "G1"},
}
KEY_THEME = {"A1": 1, "A2": 1, "A3": 1, "R1": 2, "R2": 2}

answer_plans = st.dictionaries(
    st.sampled_from([(c, q) for c in CASES for q in QUESTIONS if q in APPLIES[c]]),
    st.sampled_from(["yes", "no", "na"]),
    max_size=17,
)


def fresh(tmp_path_factory, bank, make_case) -> InspectionStore:
    path = tmp_path_factory.mktemp("law") / "law.inspection"
    store = InspectionStore.create(path, area="Law", bank=bank)
    store.add_cases(
        [
            make_case("C001"),
            make_case("C002", disposal="dto", rosh="high"),
            make_case("C003", gender="female", ethnicity="not_stated"),
        ]
    )
    return store


def bulk(store, plan):
    rows = [
        {"case_ref": c, "question_id": q, "answer": v, "note": "evidence"}
        for (c, q), v in sorted(plan.items())
    ]
    if rows:
        store.import_answers(rows)


LAW_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@LAW_SETTINGS
@given(plan=answer_plans, extra_na=st.sets(st.sampled_from(sorted(APPLIES["C002"]))))
def test_score_ignores_na_and_matches_the_definition(
    tmp_path_factory, bank, make_case, plan, extra_na
):
    store = fresh(tmp_path_factory, bank, make_case)
    try:
        bulk(store, plan)
        before = {t.number: t for t in figures.theme_scores(store)}
        for theme, score in before.items():
            keys = [v for (c, q), v in plan.items() if KEY_THEME.get(q) == theme]
            yes, no = keys.count("yes"), keys.count("no")
            assert (score.numerator, score.denominator) == (yes, yes + no)
            expected = None if yes + no == 0 else (200 * yes + yes + no) // (2 * (yes + no))
            assert score.percent == expected
        # N/A given to questions still unanswered changes no numerator or denominator
        bulk(store, {("C002", q): "na" for q in extra_na if ("C002", q) not in plan})
        after = {t.number: t for t in figures.theme_scores(store)}
        for number, score in after.items():
            assert (score.numerator, score.denominator, score.percent) == (
                before[number].numerator,
                before[number].denominator,
                before[number].percent,
            )
    finally:
        store.close()


@LAW_SETTINGS
@given(plan=answer_plans)
def test_groups_add_up_to_the_whole(tmp_path_factory, bank, make_case, plan):
    store = fresh(tmp_path_factory, bank, make_case)
    try:
        bulk(store, plan)
        whole = store.answer_counts()
        for field in SUBGROUP_FIELDS:
            total: dict[str, dict[str, int]] = {}
            for counts in store.answer_counts_by(field).values():
                for qid, values in counts.items():
                    for value, n in values.items():
                        total.setdefault(qid, {}).setdefault(value, 0)
                        total[qid][value] += n
            assert total == whole, field
        assert sum(store.case_count_by("gender").values()) == store.case_count() == 3
    finally:
        store.close()


@LAW_SETTINGS
@given(plan=answer_plans)
def test_every_group_scores_as_its_own_filter(tmp_path_factory, bank, make_case, plan):
    """The report's subgroups, counted for every field in one pass, are each the scores of the
    cases that filter on the group (a separate query, with the group in its WHERE)."""
    store = fresh(tmp_path_factory, bank, make_case)
    try:
        bulk(store, plan)
        fields = [f for f in SUBGROUP_FIELDS if f in CountFilter.__dataclass_fields__]
        by_each = figures.scores_by_each(store, fields, scored_only=False)
        assert set(by_each) == set(fields)
        for field in fields:
            for group, scores in by_each[field].items():
                if group is None:
                    continue  # "not stated": a filter of None does not filter
                alone = figures.theme_scores(store, CountFilter(**{field: group}), False)
                assert scores == alone, (field, group)
    finally:
        store.close()


def test_every_subgroup_field_is_accepted(store):
    for field, value in itertools.product(SUBGROUP_FIELDS, [None]):
        assert isinstance(figures.scores_by(store, field, CountFilter()), dict), (field, value)
