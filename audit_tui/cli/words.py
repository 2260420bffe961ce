"""The bank's own words on the command line: its themes ("Standard 2.1"), its judgements
("rating"), "(provisional)" on every judgement drawn from unsourced bands, and what sets a
lowest-key score. `scores`, `summary`, `bank show` and `bands show` all say them from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from question_bank.model import Band, Bank
    from question_bank.scoring import OverallRating, ThemeScore

PROVISIONAL = "(provisional)"


def mark(bank: Bank, number: int) -> str:
    """The theme's number as its framework writes it ("2" or "2.1")."""
    theme = bank.theme_by_number.get(number)
    return theme.mark if theme is not None else str(number)


def theme_heading(bank: Bank, number: int, title: str) -> str:
    """'Theme 1: Reducing reoffending', 'Standard 2.1: Assessment'."""
    return f"{bank.words.theme.capitalize()} {mark(bank, number)}: {title}"


def judged(bank: Bank, label: str) -> str:
    """A band label as a judgement: 'Good', or 'Good (provisional)' from unsourced bands."""
    return f"{label} {PROVISIONAL}" if bank.scoring.bands_provisional else label


def band_list(bands: tuple[Band, ...] | list[Band]) -> str:
    """'Poor 0-49, Unsatisfactory 50-64, ...' from the lowest band up."""
    ordered = sorted(bands, key=lambda b: (b.min, b.max))
    return ", ".join(f"{b.label} {b.min}-{b.max}" for b in ordered)


def deciding_line(bank: Bank, score: ThemeScore) -> str | None:
    """Under lowest_key: the key question that sets the score and what lifts it a band."""
    if score.rule != "lowest_key" or score.deciding is None or score.percent is None:
        return None
    said = f"set by {score.deciding}, {score.numerator} of {score.denominator} yes"
    if score.rise is None:
        return f"{said}; already the top band"
    more = score.rise.answers
    return (
        f"{said}; the next band, {judged(bank, score.rise.band)}, needs {more} more yes "
        f"answer{'s' if more != 1 else ''} there ({score.rise.percent}%)"
    )


def theme_facts(bank: Bank, score: ThemeScore) -> dict[str, object]:
    """What `--json` adds to a theme's figures: its mark, words and whether it is provisional."""
    return {
        "mark": mark(bank, score.number),
        "provisional": bank.scoring.bands_provisional,
    }


def overall_lines(bank: Bank, rating: OverallRating) -> list[str]:
    """'overall rating (provisional): Good, 21 of 36 points', or what it still waits for."""
    word = f"overall {bank.words.judgement}"
    if rating.provisional:
        word += f" {PROVISIONAL}"
    if rating.label is not None:
        return [f"{word}: {rating.label}, {rating.total} of {rating.maximum} points"]
    waiting = ", ".join(mark(bank, n) for n in rating.missing)
    many = len(rating.missing) != 1
    return [
        f"{word}: not yet ({rating.total} of {rating.maximum} points so far)",
        f"  {bank.words.theme}{'s' if many else ''} {waiting} {'have' if many else 'has'} no "
        f"{bank.words.judgement} yet: the lead records one with j on the dashboard",
    ]
