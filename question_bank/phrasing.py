"""How the report words a proportion: 'almost half', 'just over two-thirds' (DOMAIN.md 5); and
a count of things: '1 conflict', '2 conflicts'."""

from __future__ import annotations

from fractions import Fraction

# The landmarks the published reports use, in words.
LANDMARKS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 5), "one-fifth"),
    (Fraction(1, 4), "one-quarter"),
    (Fraction(1, 3), "one-third"),
    (Fraction(2, 5), "two-fifths"),
    (Fraction(1, 2), "half"),
    (Fraction(3, 5), "three-fifths"),
    (Fraction(2, 3), "two-thirds"),
    (Fraction(3, 4), "three-quarters"),
    (Fraction(4, 5), "four-fifths"),
)

EXACT = Fraction(1, 200)  # within half a point the landmark is said plainly
JUST = Fraction(3, 200)  # up to one and a half points below it is 'just under'
NEAR = Fraction(1, 25)  # up to four points away it is 'just over' or 'almost'
# Further away (at most five points: no two landmarks are more than ten apart) it is 'around'.


def proportion_phrase(numerator: int, denominator: int) -> str | None:
    """Word a proportion the way an inspection report would; None when nothing was counted.

    The table, every branch of it reachable (tests/question_bank/test_phrasing.py):

    - 0 is "none", 1 is "all", 90% and over "the vast majority", over 84% "the majority",
      under 10% "very few", under 16% "a small minority";
    - otherwise the nearest landmark (a tie goes to the higher: 45% is "around half"), said
      plainly within half a point, "just over" it up to four points above, "just under" it up to
      one and a half points below, "almost" it up to four points below, and "around" it beyond.
    """
    if denominator <= 0:
        return None
    p = Fraction(numerator, denominator)
    if p == 0:
        return "none"
    if p == 1:
        return "all"
    if p >= Fraction(9, 10):
        return "the vast majority"
    if p > Fraction(4, 5) + NEAR:
        return "the majority"
    if p < Fraction(1, 10):
        return "very few"
    if p < Fraction(1, 5) - NEAR:
        return "a small minority"
    landmark, words = min(LANDMARKS, key=lambda item: (abs(p - item[0]), -item[0]))
    gap = p - landmark
    if abs(gap) <= EXACT:
        return words
    if 0 < gap <= NEAR:
        return f"just over {words}"
    if -JUST <= gap < 0:
        return f"just under {words}"
    if -NEAR <= gap < 0:
        return f"almost {words}"
    return f"around {words}"


def counted(number: int, noun: str) -> str:
    """'1 conflict', '0 conflicts', '2 band sets'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def is_or_are(number: int) -> str:
    """The verb after a count: '1 case is', '3 cases are'."""
    return "is" if number == 1 else "are"
