"""Proportion phrases against the wording and figures of the reference report."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from question_bank.phrasing import LANDMARKS, proportion_phrase


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


LANDMARK_WORDS = {words: value for value, words in LANDMARKS}


def phrase_is_true(phrase: str, p: Fraction) -> bool:
    """What each phrase claims of the proportion p, read as a reader of the report would."""
    fixed = {
        "none": p == 0,
        "all": p == 1,
        "the vast majority": Fraction(9, 10) <= p < 1,
        "the majority": Fraction(1, 2) < p < 1,
        "very few": 0 < p < Fraction(1, 10),
        "a small minority": 0 < p < Fraction(1, 5),
    }
    if phrase in fixed:
        return fixed[phrase]
    qualifier = next(
        q
        for q in ("just over ", "just under ", "almost ", "around ", "")
        if phrase.startswith(q) and phrase[len(q) :] in LANDMARK_WORDS
    )
    words, qualifier = phrase[len(qualifier) :], qualifier.strip()
    landmark = LANDMARK_WORDS[words]
    gap = p - landmark
    return {
        "": abs(gap) <= Fraction(1, 200),
        "just over": 0 < gap <= Fraction(1, 25),
        "just under": -Fraction(3, 200) <= gap < 0,
        "almost": -Fraction(1, 25) <= gap < 0,
        "around": abs(gap) <= Fraction(1, 20),
    }[qualifier]


PAIRS = st.integers(1, 200).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))


@given(PAIRS)
def test_the_phrase_is_always_true_of_the_proportion(pair):
    numerator, denominator = pair
    phrase = proportion_phrase(numerator, denominator)
    assert phrase_is_true(phrase, Fraction(numerator, denominator)), (pair, phrase)


def test_every_branch_of_the_table_is_reached_by_counts_up_to_200():
    produced = {proportion_phrase(n, d) for d in range(1, 201) for n in range(d + 1)}
    qualifiers = {"just over", "just under", "almost", "around"}
    expected = {"none", "all", "the vast majority", "the majority", "very few", "a small minority"}
    expected |= {words for words in LANDMARK_WORDS}
    expected |= {f"{q} {words}" for q in qualifiers for words in LANDMARK_WORDS}
    # 'around' lies only where landmarks are more than eight points apart
    wide = {
        "one-third",
        "two-fifths",
        "half",
        "three-fifths",
        "two-thirds",
        "one-quarter",
        "three-quarters",
    }
    expected -= {f"around {w}" for w in LANDMARK_WORDS if w not in wide}
    missing = expected - produced
    assert not missing, sorted(missing)
    assert produced <= expected | {f"around {w}" for w in LANDMARK_WORDS}
