"""The cells of the score table (widgets/theme_scores.py): widths, alignment, what sets a
lowest-key score, and the colour of a judgement (the dashboard's too)."""

from __future__ import annotations

from question_bank.scoring import ThemeScore

WIDTHS = {"percent": 5, "counts": 11, "cases": 5, "judgement": 14, "phrase": 20, "recorded": 14}
LABEL_MAX = 12


def deciding_text(score: ThemeScore, *, full: bool) -> str:
    """The key question that sets a lowest-key score and the yes answers it needs to reach
    the next band: 'S22-OTHERS +4' when short, 'S22-OTHERS +4 → Good' in full ('top' at the
    top band); '–' with no answers. The band named is a target, not a judgement: unmarked."""
    if score.deciding is None or score.percent is None:
        return "–"
    rise = score.rise
    if rise is None:
        return f"{score.deciding} {'top' if not full else 'top band'}"
    if not full:
        return f"{score.deciding} +{rise.answers}"
    return f"{score.deciding} +{rise.answers} → {rise.band}"


def column_width(column: str, heading: str) -> int:
    """A column is as wide as its heading; a scope's label is cut beyond LABEL_MAX."""
    if column == "percent":
        return max(WIDTHS["percent"], min(len(heading), LABEL_MAX))
    return max(WIDTHS.get(column, 0), len(heading))


def percent_width(label: str) -> int:
    return column_width("percent", label)


def fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def align(column: str, text: str, width: int) -> str:
    text = fit(text, width)
    return text.rjust(width) if column in ("percent", "counts", "cases") else text.ljust(width)


def judgement_style(judgement: str | None) -> str:
    styles = {
        "good": "$success",
        "outstanding": "$success",
        "satisfactory": "$warning",
        "requires improvement": "$warning",
        "unsatisfactory": "$error",
        "poor": "$error",
        "inadequate": "$error",
    }
    return styles.get((judgement or "").lower(), "dim")
