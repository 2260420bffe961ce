"""The one glue from the store's counts to question_bank's scoring engine.

The TUI, `audit-tui scores` and every export call these, so they can never disagree.
"""

from __future__ import annotations

from typing import Any

from db.records import CountFilter
from db.store import InspectionStore
from question_bank.scoring import ThemeScore, score_bank


def theme_scores(
    store: InspectionStore, filter: CountFilter = CountFilter(), scored_only: bool = True
) -> list[ThemeScore]:
    """The case assessment score of every case-scored theme, under the file's own bank."""
    return score_bank(
        store.bank,
        store.answer_counts(filter),
        store.cases_by_theme(filter),
        scored_only=scored_only,
    )


def scores_by(
    store: InspectionStore, field: str, filter: CountFilter = CountFilter()
) -> dict[Any, list[ThemeScore]]:
    """Theme scores per value of a subgroup field (gender, bame, custody, inspector, ...).

    Every group with at least one case under the filter appears, even one with no answers yet;
    groups come in sorted order with None (e.g. ethnicity not stated) last.
    """
    groups = store.case_count_by(field, filter)
    counts = store.answer_counts_by(field, filter)
    cases = store.cases_by_theme_by(field, filter)
    ordered = sorted(groups, key=lambda g: (g is None, str(g)))
    return {
        group: score_bank(store.bank, counts.get(group, {}), cases.get(group, {}))
        for group in ordered
    }
