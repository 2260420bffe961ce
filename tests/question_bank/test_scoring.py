"""The scoring engine: pooled key-question rule, lowest-key-question rule, bands, laws."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from question_bank.loader import load_bank, load_shipped
from question_bank.scoring import score_bank, score_theme, whole_percent

FIXTURES = Path(__file__).parent / "fixtures"
TINY = load_bank(FIXTURES / "tiny.yaml")
LOWEST = load_bank(FIXTURES / "lowest.yaml")

tallies = st.fixed_dictionaries(
    {"yes": st.integers(0, 500), "no": st.integers(0, 500), "na": st.integers(0, 500)}
)


def counts_for(questions, draw_values):
    return {q: dict(v) for q, v in zip(questions, draw_values, strict=True)}


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(0, 1, 0), (1, 1, 100), (1, 8, 13), (1, 200, 1), (1, 201, 0), (29, 50, 58), (0, 0, None)],
)
def test_whole_percent_rounds_half_up(numerator, denominator, expected):
    assert whole_percent(numerator, denominator) == expected


def test_pooled_rule_counts_key_questions_only():
    counts = {
        "Q1": {"yes": 30, "no": 10, "na": 5},
        "Q2": {"yes": 5, "no": 15},
        "Q3": {"na": 40},
        "Q4": {"yes": 0, "no": 60},  # not key: ignored
    }
    (theme,) = score_bank(TINY, counts)
    assert (theme.yes, theme.no, theme.na) == (35, 25, 45)
    assert (theme.numerator, theme.denominator, theme.percent) == (35, 60, 58)
    assert theme.judgement == "Unsatisfactory"
    assert theme.phrase == "almost three-fifths"
    assert [t.question_id for t in theme.questions] == ["Q1", "Q2", "Q3", "Q4"]


def test_no_answers_means_no_score():
    (theme,) = score_bank(TINY, {"Q1": {"na": 3}})
    assert theme.percent is None and theme.judgement is None and theme.phrase is None


def test_unscored_theme_has_no_percent():
    themes = score_bank(TINY, {"Q5": {"yes": 3}}, scored_only=False)
    assert [t.number for t in themes] == [1, 2]
    assert themes[1].percent is None


def test_values_off_the_scale_are_ignored():
    (theme,) = score_bank(TINY, {"Q1": {"yes": 1, "maybe": 9}})
    assert (theme.yes, theme.no, theme.percent) == (1, 0, 100)


def test_lowest_rule_takes_the_weakest_key_question():
    counts = {"A1": {"yes": 9, "no": 1}, "A2": {"yes": 6, "no": 4}, "A3": {"yes": 7, "no": 3}}
    theme = score_theme(LOWEST, LOWEST.themes[0], counts)
    assert (theme.numerator, theme.denominator, theme.percent) == (6, 10, 60)
    assert theme.judgement == "Requires improvement"


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        (80, "Outstanding"),
        (79, "Good"),
        (65, "Good"),
        (64, "Requires improvement"),
        (50, "Requires improvement"),
        (49, "Inadequate"),
    ],
)
def test_2018_bands(percent, label):
    assert LOWEST.scoring.judgement(percent) == label


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        (58, "Unsatisfactory"),
        (56, "Unsatisfactory"),
        (62, "Unsatisfactory"),
        (63, "Unsatisfactory"),
        (82, "Good"),
    ],
)
def test_shipped_bands_give_the_reference_report_judgements(percent, label):
    assert load_shipped("fji-2014").scoring.judgement(percent) == label


@given(st.lists(tallies, min_size=3, max_size=3))
def test_score_is_a_percentage(values):
    counts = counts_for(["Q1", "Q2", "Q3"], [v.items() for v in values])
    (theme,) = score_bank(TINY, counts)
    assert theme.percent is None or 0 <= theme.percent <= 100


@given(
    st.lists(tallies, min_size=3, max_size=3), st.lists(st.integers(0, 50), min_size=3, max_size=3)
)
def test_adding_na_answers_never_changes_the_score(values, extra_na):
    counts = counts_for(["Q1", "Q2", "Q3"], [v.items() for v in values])
    more = {q: {**c, "na": c["na"] + n} for (q, c), n in zip(counts.items(), extra_na, strict=True)}
    (before,) = score_bank(TINY, counts)
    (after,) = score_bank(TINY, more)
    assert (before.percent, before.fraction) == (after.percent, after.fraction)


@given(st.lists(tallies, min_size=3, max_size=3))
def test_pooled_score_is_yes_over_yes_plus_no(values):
    counts = counts_for(["Q1", "Q2", "Q3"], [v.items() for v in values])
    (theme,) = score_bank(TINY, counts)
    yes = sum(v["yes"] for v in values)
    no = sum(v["no"] for v in values)
    if yes + no == 0:
        assert theme.percent is None
    else:
        assert theme.fraction == Fraction(yes, yes + no)
        assert theme.percent == whole_percent(yes, yes + no)


@given(st.lists(tallies, min_size=3, max_size=3))
def test_lowest_rule_is_the_minimum_of_question_percentages(values):
    counts = counts_for(["A1", "A2", "A3"], [v.items() for v in values])
    theme = score_theme(LOWEST, LOWEST.themes[0], counts)
    fractions = [Fraction(v["yes"], v["yes"] + v["no"]) for v in values if v["yes"] + v["no"]]
    if not fractions:
        assert theme.percent is None
    else:
        assert theme.fraction == min(fractions)
        assert theme.percent == min(
            whole_percent(v["yes"], v["yes"] + v["no"]) for v in values if v["yes"] + v["no"]
        )
