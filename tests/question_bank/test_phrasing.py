"""Proportion phrases against the wording and figures of the reference report."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from question_bank.phrasing import proportion_phrase


@pytest.mark.parametrize(
    ("numerator", "denominator", "phrase"),
    [
        # "overall 58% of work to reduce reoffending was done well enough" / "almost three-fifths"
        (58, 100, "almost three-fifths"),
        (29, 61, "almost half"),  # "Almost half the assessments had not been reviewed"
        (42, 61, "just over two-thirds"),  # "Just over two-thirds of assessments ... RoSH"
        (31, 61, "just over half"),
        (45, 60, "three-quarters"),
        (24, 60, "two-fifths"),
        (22, 61, "just over one-third"),
        (23, 60, "almost two-fifths"),
        (30, 60, "half"),
        (56, 61, "the vast majority"),
        (0, 61, "none"),
        (61, 61, "all"),
        (3, 61, "very few"),
    ],
)
def test_reference_report_phrases(numerator, denominator, phrase):
    assert proportion_phrase(numerator, denominator) == phrase


def test_nothing_counted_has_no_phrase():
    assert proportion_phrase(0, 0) is None


@given(st.integers(1, 1000).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))))
def test_every_proportion_gets_a_phrase(pair):
    numerator, denominator = pair
    phrase = proportion_phrase(numerator, denominator)
    assert isinstance(phrase, str) and phrase


@given(st.integers(1, 400).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))))
def test_phrase_depends_only_on_the_proportion(pair):
    numerator, denominator = pair
    assert proportion_phrase(numerator, denominator) == proportion_phrase(
        numerator * 3, denominator * 3
    )
