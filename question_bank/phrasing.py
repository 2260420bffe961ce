"""How the report words a proportion: 'almost half', 'just over two-thirds' (DOMAIN.md 5)."""

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
NEAR = Fraction(1, 20)  # up to five points away it is 'just over' or 'almost'


def proportion_phrase(numerator: int, denominator: int) -> str | None:
    """Word a proportion the way an inspection report would; None when nothing was counted."""
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
        return "a large majority"
    if p < Fraction(1, 10):
        return "very few"
    if p < Fraction(1, 5) - NEAR:
        return "a small minority"
    # A tie between two landmarks goes to the higher: 45% is 'almost half'.
    landmark, words = min(LANDMARKS, key=lambda item: (abs(p - item[0]), -item[0]))
    gap = p - landmark
    if abs(gap) <= EXACT:
        return words
    if 0 < gap <= NEAR:
        return f"just over {words}"
    if -NEAR <= gap < 0:
        return f"almost {words}"
    return f"around {words}"
