"""Agreement between first and second reads: percent agreement and Cohen's kappa.

A pair is a question, applying to the case, answered both by the case's inspector (the first
read: the primary answer, or the answer before moderation when the lead has ruled on it) and
by a second reader. Kappa corrects the agreement for chance over the scale's values (yes, no,
N/A); with a single value used by both readers it is undefined (None), not 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from db.file.store import InspectionStore
from question_bank.scoring import whole_percent


@dataclass(frozen=True)
class Pair:
    case_ref: str
    question_id: str
    theme: int
    first: str
    second: str


@dataclass(frozen=True)
class Agreement:
    """Agreement over a set of pairs: a theme, a question, or all of them."""

    scope: str  # "all", "theme" or "question"
    id: str
    label: str
    pairs: int
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> int | None:
        return whole_percent(self.agreed, self.pairs)

    def as_dict(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "id": self.id,
            "label": self.label,
            "pairs": self.pairs,
            "agreed": self.agreed,
            "percent": self.percent,
            "kappa": None if self.kappa is None else round(self.kappa, 3),
        }


@dataclass(frozen=True)
class AgreementReport:
    overall: Agreement
    themes: list[Agreement]
    questions: list[Agreement]


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance agreement is total."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return None
    observed = Fraction(sum(1 for a, b in pairs if a == b), n)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(Fraction(first[k] * second[k], n * n) for k in first.keys() | second.keys())
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def pairs(store: InspectionStore) -> list[Pair]:
    """Every applicable question answered by both a first and a second read."""
    rows = store.select(
        """
        SELECT s.case_ref, s.question_id, q.theme, COALESCE(m.before_value, p.value), s.value
        FROM answers s
        JOIN answers p ON p.case_ref = s.case_ref AND p.question_id = s.question_id
            AND p.role = 'primary'
        JOIN applicability ap ON ap.case_ref = s.case_ref AND ap.question_id = s.question_id
            AND ap.applies = 1
        JOIN questions q ON q.question_id = s.question_id
        JOIN cases c ON c.case_ref = s.case_ref
        LEFT JOIN moderations m ON m.case_ref = s.case_ref AND m.question_id = s.question_id
            AND m.role = 'primary'
        WHERE s.role = 'second_read'
        ORDER BY c.position, q.position
        """
    )
    return [Pair(*row) for row in rows]


def _agreement(scope: str, id: str, label: str, group: Sequence[Pair]) -> Agreement:
    values = [(p.first, p.second) for p in group]
    return Agreement(
        scope, id, label, len(values), sum(1 for a, b in values if a == b), cohen_kappa(values)
    )


def agreement(store: InspectionStore) -> AgreementReport:
    """Agreement overall, per theme and per question (those with second reads), in bank order."""
    found = pairs(store)
    bank = store.bank
    themes = [
        _agreement("theme", str(t.number), t.title, [p for p in found if p.theme == t.number])
        for t in bank.themes
        if any(p.theme == t.number for p in found)
    ]
    by_question: dict[str, list[Pair]] = {}
    for p in found:
        by_question.setdefault(p.question_id, []).append(p)
    questions = [
        _agreement("question", q.id, q.chart_label, by_question[q.id])
        for q in bank.questions
        if q.id in by_question
    ]
    return AgreementReport(_agreement("all", "all", "All second reads", found), themes, questions)
