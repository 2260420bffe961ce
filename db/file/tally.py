"""The inspection's answer counts held in memory and moved by each recorded answer.

A score after every answer key press would otherwise re-run two count queries over every answer
of the inspection. The store builds this tally from those same queries (the source of truth)
the first time the inspection's counts are asked for, then moves it by the old and new value of
each answer it records or clears in the same call that commits it. Any other write (a case
edit, an import, a merge, moderation) drops the tally, and so does a commit by another
connection (`PRAGMA data_version`), so the next read rebuilds it from SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from db.file.distinct import distinct_values
from question_bank.model import Bank, Question, Scale

# Per (case, theme): yes or no answers to the theme's key questions, primary and applying.
KEY_ANSWERS_SQL = """
SELECT a.case_ref, kq.theme, COUNT(*) FROM {tables}
WHERE kq.key = 1 AND sv.counts_as IN ('yes', 'no') AND ap.applies = 1 AND a.role = 'primary'
{case}
GROUP BY a.case_ref, kq.theme
"""
# The whole inspection: from the key questions through the answers' (question_id, value) index,
# so only answers to key questions are looked up in `applicability` (a quarter of them, in fji).
WHOLE_TABLES = """questions kq
CROSS JOIN answers a ON a.question_id = kq.question_id
CROSS JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value
CROSS JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id"""
# One case: from its answers (the key's first column).
CASE_TABLES = """answers a
JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
JOIN questions kq ON kq.question_id = a.question_id
JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value"""

# The whole inspection without a lookup in `applicability` per answer (a million lookups in a
# collated file: most of the time its scores take): every primary answer counted, less those
# to a question that does not apply to their case, read from `applicability`'s own rows. It is
# the same count only where every answer has an `applicability` row, which
# COVERED_CASES_SQL proves (else the counts come from the queries above).
ALL_ANSWERS_SQL = """
SELECT question_id, value, COUNT(*) FROM answers WHERE role = 'primary'
GROUP BY question_id, value
"""
ALL_KEY_ANSWERS_SQL = """
SELECT a.case_ref, kq.theme, COUNT(*) FROM questions kq
CROSS JOIN answers a ON a.question_id = kq.question_id
CROSS JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value
WHERE kq.key = 1 AND sv.counts_as IN ('yes', 'no') AND a.role = 'primary'
GROUP BY a.case_ref, kq.theme
"""
# Primary answers to a question that does not apply: whether each counts for its theme's
# cases (as KEY_ANSWERS_SQL's joins decide), and the theme.
NOT_APPLYING_ANSWERS_SQL = """
SELECT a.case_ref, a.question_id, a.value,
    kq.key = 1 AND sv.counts_as IN ('yes', 'no'), kq.theme
FROM applicability ap
CROSS JOIN answers a ON a.case_ref = ap.case_ref AND a.question_id = ap.question_id
    AND a.role = 'primary'
LEFT JOIN questions kq ON kq.question_id = a.question_id
LEFT JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value
WHERE ap.applies IS NOT 1
"""
# The cases with an `applicability` row for every question of the file: as many rows as there
# are questions, when no row names a question the file does not have (FOREIGN_QUESTION_SQL):
# the primary key makes each row's question unique within its case, so they are all the
# questions. Counted in the key's order, without reading a row's columns.
COVERED_CASES_SQL = """
SELECT case_ref FROM applicability GROUP BY case_ref HAVING COUNT(*) = ?
"""
FOREIGN_QUESTION_SQL = """
SELECT 1 FROM applicability WHERE question_id NOT IN (SELECT question_id FROM questions) LIMIT 1
"""


@dataclass
class AnswerTally:
    """Primary answers to questions that apply: per question and value, and per theme the
    cases with a yes or no to one of its key questions (what `cases_by_theme` counts).

    A question's counts are never changed in place: a move replaces them with a read-only
    copy, so the counts handed out stay as they were when handed out, without copying them.
    """

    counts: dict[str, Mapping[str, int]]
    key_answers: dict[tuple[str, int], int]
    cases_by_theme: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        conn: sqlite3.Connection,
        counts: Mapping[str, Mapping[str, int]],
        case_ref: str | None = None,
    ) -> AnswerTally:
        """From the store's own count of answers (of the inspection, or of one case) and one
        query for the key-question cases."""
        if case_ref is None:
            rows = conn.execute(KEY_ANSWERS_SQL.format(tables=WHOLE_TABLES, case=""))
        else:
            rows = conn.execute(
                KEY_ANSWERS_SQL.format(tables=CASE_TABLES, case="AND a.case_ref = ?"), (case_ref,)
            )
        return cls._made(counts, {(case, theme): n for case, theme, n in rows})

    @classmethod
    def _made(
        cls, counts: Mapping[str, Mapping[str, int]], key_answers: dict[tuple[str, int], int]
    ) -> AnswerTally:
        by_theme: dict[int, int] = {}
        for (_, theme), n in key_answers.items():
            if n > 0:
                by_theme[theme] = by_theme.get(theme, 0) + 1
        frozen = {qid: MappingProxyType(dict(values)) for qid, values in counts.items()}
        return cls(dict(frozen), key_answers, by_theme)

    @classmethod
    def build_whole(cls, conn: sqlite3.Connection) -> AnswerTally | None:
        """The whole inspection's tally without a lookup per answer (ALL_ANSWERS_SQL), or None
        when some answer might have no `applicability` row (then `build` counts it)."""
        questions = {q for (q,) in conn.execute("SELECT question_id FROM questions")}
        # (a NULL among them would make NOT IN true of nothing)
        if (
            any(not isinstance(q, str) for q in questions)
            or conn.execute(FOREIGN_QUESTION_SQL).fetchone()
        ):
            return None
        covered = {ref for (ref,) in conn.execute(COVERED_CASES_SQL, (len(questions),))}
        if any(ref not in covered for ref in distinct_values(conn, "answers", "case_ref")):
            return None
        if any(q not in questions for q in distinct_values(conn, "answers", "question_id")):
            return None
        counts: dict[str, dict[str, int]] = {}
        for qid, value, n in conn.execute(ALL_ANSWERS_SQL):
            counts.setdefault(qid, {})[value] = n
        key_answers = {(case, theme): n for case, theme, n in conn.execute(ALL_KEY_ANSWERS_SQL)}
        # Each is one of the answers counted above: taken off, a count of none left out.
        for case, qid, value, key, theme in conn.execute(NOT_APPLYING_ANSWERS_SQL):
            values = counts[qid]
            values[value] -= 1
            if not values[value]:
                del values[value]
                if not values:
                    del counts[qid]
            if key:
                key_answers[case, theme] -= 1
                if not key_answers[case, theme]:
                    del key_answers[case, theme]
        return cls._made(counts, key_answers)

    def copy(self) -> AnswerTally:
        """A tally of the same counts that moves on its own (a question's counts are read-only,
        so they are shared)."""
        return AnswerTally(dict(self.counts), dict(self.key_answers), dict(self.cases_by_theme))

    def answer_counts(self) -> dict[str, Mapping[str, int]]:
        """Per question, read-only counts (a caller can never move the tally)."""
        return dict(self.counts)

    def move(
        self, bank: Bank, case_ref: str, question: Question, old: str | None, new: str | None
    ) -> None:
        """One primary answer to an applying question went from `old` to `new` (None: none)."""
        if old == new:
            return
        values = dict(self.counts.get(question.id, {}))
        if old is not None:
            left = values.get(old, 0) - 1
            if left > 0:
                values[old] = left
            else:
                values.pop(old, None)
        if new is not None:
            values[new] = values.get(new, 0) + 1
        if values:
            self.counts[question.id] = MappingProxyType(values)
        else:
            self.counts.pop(question.id, None)
        if not question.key:
            return
        scale = bank.scale_of(question)
        change = _yes_or_no(scale, new) - _yes_or_no(scale, old)
        if not change:
            return
        slot = (case_ref, question.theme)
        before = self.key_answers.get(slot, 0)
        after = before + change
        if after > 0:
            self.key_answers[slot] = after
        else:
            self.key_answers.pop(slot, None)
        if (before > 0) != (after > 0):
            cases = self.cases_by_theme.get(question.theme, 0) + (1 if after > 0 else -1)
            if cases > 0:
                self.cases_by_theme[question.theme] = cases
            else:
                self.cases_by_theme.pop(question.theme, None)


def _yes_or_no(scale: Scale, value: str | None) -> int:
    if value is None:
        return 0
    option = scale.option(value)
    return 1 if option is not None and option.counts_as in ("yes", "no") else 0


@dataclass
class ScopeTally:
    """What scores one scope (the inspection, or one case): its tally and, per question, the
    cases in scope it does not apply to. A copy for the interface, which moves it by each
    answer key before the commit (db.reporting.figures.scores_of scores it)."""

    tally: AnswerTally
    not_applying: dict[str, int]
