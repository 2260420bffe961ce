"""The interview's scores as they stand with every answer shown, saved or still being saved.

The store sends the counts that score the case and the inspection once, with the case
(store_calls.Tallies); from then on each answer key moves them in memory, by the same tally
the store keeps (db.file.tally.AnswerTally.move), and they are scored by the same code as every
other figure (db.reporting.figures.scores_of), so the scores follow the key without waiting
for the commit. A change the store refuses moves them back (InterviewState.change_refused).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.reporting.figures import scores_of

if TYPE_CHECKING:
    from audit_tui.store_calls import Tallies
    from db.file.tally import ScopeTally
    from question_bank.model import Bank
    from question_bank.scoring import ThemeScore

_Scores = tuple[list["ThemeScore"], list["ThemeScore"]]  # the case's, the inspection's


class LiveScores:
    """A case's and its inspection's counts, moved by each answer shown on screen."""

    def __init__(self, bank: Bank, case_ref: str, tallies: Tallies) -> None:
        self.bank = bank
        self.case_ref = case_ref
        self.case: ScopeTally = tallies.case
        self.inspection: ScopeTally = tallies.inspection
        self._scores: _Scores | None = (
            tallies.case_scores,
            tallies.inspection_scores,
        )
        # Scores worked out ahead (scores_if) for a move from the counts as they stood after
        # `_ahead_at` moves: the key that makes that move finds its scores made.
        self._moves = 0
        self._ahead_at = 0
        self._ahead: dict[tuple[str, str | None, str | None], _Scores] = {}

    def move(self, question_id: str, old: str | None, new: str | None) -> None:
        """The answer shown for a question that applies went from `old` to `new` (None:
        none): a primary answer, as the store's tally counts it."""
        if old == new:
            return
        ahead = self._ahead.get((question_id, old, new)) if self._ahead_at == self._moves else None
        question = self.bank.question(question_id)
        for scope in (self.case, self.inspection):
            scope.tally.move(self.bank, self.case_ref, question, old, new)
        self._moves += 1
        self._scores = ahead

    def scores(self) -> _Scores:
        """The case's theme scores and the inspection's, from the counts as they stand."""
        if self._scores is None:
            self._scores = (_scored(self.bank, self.case), _scored(self.bank, self.inspection))
        return self._scores

    def scores_if(self, question_id: str, old: str | None, new: str | None) -> _Scores:
        """The scores there would be if the answer went from `old` to `new` (the counts are
        put back as they were): what rendering ahead draws before the key."""
        kept, moves = self._scores, self._moves
        if self._ahead_at != moves:
            self._ahead, self._ahead_at = {}, moves
        self.move(question_id, old, new)
        try:
            scores = self._ahead[question_id, old, new] = self.scores()
            return scores
        finally:
            self.move(question_id, new, old)
            self._scores, self._moves = kept, moves  # the counts are as they were


def _scored(bank: Bank, scope: ScopeTally) -> list[ThemeScore]:
    return scores_of(bank, scope.tally.counts, scope.tally.cases_by_theme, scope.not_applying)
