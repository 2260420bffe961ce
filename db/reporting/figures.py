"""The one glue from the store's counts to question_bank's scoring engine.

The TUI, `audit-tui scores` and every export call these, so they can never disagree.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from db.file.records import CountFilter
from db.file.store import InspectionStore
from question_bank.model import Bank, Theme
from question_bank.scoring import (
    AnswerCounts,
    NotApplying,
    OverallRating,
    ThemeScore,
    overall_rating,
    score_bank,
    score_theme,
)


def theme_scores(
    store: InspectionStore, filter: CountFilter = CountFilter(), scored_only: bool = True
) -> list[ThemeScore]:
    """The case assessment score of every case-scored theme, under the file's own bank.

    Each theme is scored by question_bank's `score_theme`; a theme whose counts are the same
    as at an earlier call gets that call's score back (an answer changes one theme's counts).
    Each question's tally also says how many cases in scope it did not apply to.
    """
    return scores_of(
        store.bank,
        store.answer_counts(filter),
        store.cases_by_theme(filter),
        store.did_not_apply_counts(filter),
        scored_only,
    )


def scores_of(
    bank: Bank,
    counts: AnswerCounts,
    cases: Mapping[int, int],
    not_applying: NotApplying,
    scored_only: bool = True,
) -> list[ThemeScore]:
    """`theme_scores` from counts already at hand: the interview scores its in-memory tally
    (db.file.tally) with it as each answer key is pressed, before the commit."""
    themes = bank.scored_themes() if scored_only else bank.themes
    return [
        _theme_score(bank, theme, counts, cases.get(theme.number), not_applying) for theme in themes
    ]


@dataclass(frozen=True)
class ThemeRating:
    """The rating a theme counts with in the overall rating, and where it comes from."""

    number: int
    label: str | None  # None: neither recorded nor indicated yet
    recorded: bool  # the lead's recorded judgement; else the indicative one of its score


def ratings(
    bank: Bank, scores: list[ThemeScore], recorded: Mapping[int, str | None]
) -> dict[int, ThemeRating]:
    """Every theme's rating: the lead's recorded judgement where there is one, else the
    indicative judgement of its score (`scores`: every theme's, case-scored or not)."""
    indicative = {s.number: s.judgement for s in scores}
    result = {}
    for theme in bank.themes:
        label = recorded.get(theme.number)
        if label is not None:
            result[theme.number] = ThemeRating(theme.number, label, True)
        else:
            result[theme.number] = ThemeRating(theme.number, indicative.get(theme.number), False)
    return result


def theme_ratings(
    store: InspectionStore, filter: CountFilter = CountFilter()
) -> dict[int, ThemeRating]:
    """Every theme's rating under a filter: the lead's recorded judgement (the latest; it is
    of the whole inspection, whatever the filter), else the indicative one of its score."""
    recorded = {n: j.judgement for n, j in store.recorded_judgements().items()}
    return ratings(store.bank, theme_scores(store, filter, scored_only=False), recorded)


def overall(store: InspectionStore, filter: CountFilter = CountFilter()) -> OverallRating | None:
    """The inspection's overall rating from every counted theme's rating (`theme_ratings`),
    by question_bank's `overall_rating`; None for a bank without one."""
    if store.bank.scoring.overall is None:
        return None
    return overall_of(store.bank, theme_ratings(store, filter))


def overall_of(bank: Bank, rated: Mapping[int, ThemeRating]) -> OverallRating | None:
    """The overall rating of themes already rated (`ratings`); None for a bank without one."""
    return overall_rating(
        bank, {n: r.label for n, r in rated.items()}, {n for n, r in rated.items() if r.recorded}
    )


# Scores already computed, by bank, theme and the theme's counts: score_theme is a pure function.
_SCORED: dict[tuple[Any, ...], ThemeScore] = {}
_SCORED_MAX = 1024
_scored_lock = threading.Lock()


def _theme_score(
    bank: Bank,
    theme: Theme,
    counts: AnswerCounts,
    cases: int | None,
    not_applying: NotApplying,
) -> ThemeScore:
    ids = _theme_question_ids(bank, theme.number)
    key = (
        bank.content_hash,
        theme.number,
        cases,
        _theme_counts(bank, theme.number, counts),
        tuple(not_applying.get(qid, 0) for qid in ids),
    )
    with _scored_lock:
        score = _SCORED.get(key)
    if score is None:
        score = score_theme(bank, theme, counts, cases, not_applying)
        with _scored_lock:
            if len(_SCORED) >= _SCORED_MAX:
                del _SCORED[next(iter(_SCORED))]
            _SCORED[key] = score
    return score


def _theme_counts(bank: Bank, number: int, counts: AnswerCounts) -> tuple[Any, ...]:
    """The counts a theme's score is made from, as a key (equal keys: equal counts; the same
    counts in another order only miss the cache)."""
    empty: Mapping[str, int] = {}
    return tuple(tuple(counts.get(qid, empty).items()) for qid in _theme_question_ids(bank, number))


_QUESTION_IDS: dict[tuple[str, int], tuple[str, ...]] = {}


def _theme_question_ids(bank: Bank, number: int) -> tuple[str, ...]:
    key = (bank.content_hash, number)
    ids = _QUESTION_IDS.get(key)
    if ids is None:
        ids = _QUESTION_IDS[key] = tuple(q.id for q in bank.theme_questions(number))
    return ids


def scores_by(
    store: InspectionStore,
    field: str,
    filter: CountFilter = CountFilter(),
    scored_only: bool = True,
) -> dict[Any, list[ThemeScore]]:
    """Theme scores per value of a subgroup field (gender, bame, custody, inspector, ...).

    Every group with at least one case under the filter appears, even one with no answers yet;
    groups come in sorted order with None (e.g. ethnicity not stated) last.
    """
    return scores_by_each(store, (field,), filter, scored_only)[field]


def scores_by_each(
    store: InspectionStore,
    fields: Sequence[str],
    filter: CountFilter = CountFilter(),
    scored_only: bool = True,
) -> dict[str, dict[Any, list[ThemeScore]]]:
    """scores_by for each of several fields, counted in one pass over the answers (the
    report's subgroup tables: a pass per field took most of a large file's report)."""
    counts = store.answer_counts_by_each(fields, filter)
    cases = store.cases_by_theme_by_each(fields, filter)
    not_applying = store.did_not_apply_counts_by_each(fields, filter)
    scores: dict[str, dict[Any, list[ThemeScore]]] = {}
    for field in fields:
        groups = store.case_count_by(field, filter)
        scores[field] = {
            group: score_bank(
                store.bank,
                counts[field].get(group, {}),
                cases[field].get(group, {}),
                scored_only=scored_only,
                did_not_apply=not_applying[field].get(group, {}),
            )
            for group in sorted(groups, key=lambda g: (g is None, str(g)))
        }
    return scores


# A group of fewer cases than this says little: the dashboard and `audit-tui summary` warn.
FEW_CASES = 10


@dataclass(frozen=True)
class Scope:
    """The figures of one set of cases: its label, its number of cases, every theme's score."""

    label: str
    cases: int
    themes: list[ThemeScore]

    @property
    def warning(self) -> str | None:
        """'girls: only 8 cases: too few to say much', or None for a group large enough."""
        return few_cases_warning(self.label, self.cases)


def few_cases_warning(label: str, cases: int) -> str | None:
    if cases >= FEW_CASES:
        return None
    return f"{label}: only {cases} case{'' if cases == 1 else 's'}: too few to say much"


def group_name(field: str, value: Any) -> str:
    """A subgroup as a person says it: 'female', 'custody', 'RoSH high', 'not looked after'."""
    if field == "inspector":
        return str(value)
    if value is None:
        return f"{field.replace('_', ' ')} not stated"
    named = {
        "bame": ("BAME", "not BAME"),
        "custody": ("custody", "community"),
        "looked_after": ("looked after", "not looked after"),
    }
    if field in named:
        yes, no = named[field]
        return yes if value else no
    text = str(value).replace("_", " ")
    if field == "rosh":
        return f"RoSH {text}"
    if field == "vulnerability":
        return f"vulnerability {text}"
    return text


def scope(
    store: InspectionStore, filter: CountFilter = CountFilter(), label: str = "all cases"
) -> Scope:
    """Every theme of the bank (case-scored or not) under a filter, with its number of cases."""
    return Scope(label, store.case_count(filter), theme_scores(store, filter, scored_only=False))


def group_against_rest(
    store: InspectionStore, field: str, value: Any, filter: CountFilter = CountFilter()
) -> tuple[Scope, Scope]:
    """One subgroup (girls, high RoSH) beside the other cases under the same filter.

    The group is counted under the filter narrowed to it, and the rest is the filter's whole
    less the group: the two sets of cases are disjoint, so every count subtracts and the two
    always add up to the whole (whose counts, for the whole inspection, the store keeps).
    """
    if value is None:
        raise ValueError(f"a group to compare needs a value of {field}")
    fixed = getattr(filter, field)
    narrowed = replace(filter, **{field: value})
    whole_counts, whole_cases = store.answer_counts(filter), store.cases_by_theme(filter)
    whole_size = store.case_count(filter)
    whole_not_applying = store.did_not_apply_counts(filter)
    if fixed is not None and fixed != value:  # the filter already leaves the group out
        counts: dict[str, Mapping[str, int]] = {}
        cases: dict[int, int] = {}
        not_applying: dict[str, int] = {}
        size = 0
    else:
        counts, cases = store.answer_counts(narrowed), store.cases_by_theme(narrowed)
        not_applying = store.did_not_apply_counts(narrowed)
        size = store.case_count(narrowed)
    rest_counts = {
        qid: left
        for qid, values in whole_counts.items()
        if (left := _less(values, counts.get(qid, {})))
    }
    rest_cases = {theme: n - cases.get(theme, 0) for theme, n in whole_cases.items()}
    rest_not_applying = {q: n - not_applying.get(q, 0) for q, n in whole_not_applying.items()}
    bank = store.bank
    return (
        Scope(
            group_name(field, value),
            size,
            score_bank(bank, counts, cases, scored_only=False, did_not_apply=not_applying),
        ),
        Scope(
            "the rest",
            whole_size - size,
            score_bank(
                bank,
                rest_counts,
                {t: n for t, n in rest_cases.items() if n},
                False,
                did_not_apply={q: n for q, n in rest_not_applying.items() if n},
            ),
        ),
    )


def _less(values: Mapping[str, int], taken: Mapping[str, int]) -> dict[str, int]:
    """Answer counts of one question less those of a part of the cases (zeros left out)."""
    return {v: n - taken.get(v, 0) for v, n in values.items() if n - taken.get(v, 0)}
