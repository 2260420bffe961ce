"""The counts the scoring engine reads: answers per question and value, cases per theme, and
the cases each question does not apply to.

Every count takes a CountFilter; the whole inspection's answer counts and cases per theme come
from the in-memory tally (db.file.tally), the rest from one SQL GROUP BY each. Only answers to
questions that apply to their case are counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from db.errors import StoreError
from db.file.answer_rules import checked_role
from db.file.records import CASE_FILTER_FIELDS, CountFilter
from db.file.store_base import StoreBase
from db.file.tally import AnswerTally, ScopeTally
from question_bank.case import SUBGROUP_FIELDS

BOOL_FIELDS = frozenset({"bame", "custody", "looked_after"})


class Counts(StoreBase):
    """Answer counts, cases per theme and case counts, whole or by a case field."""

    # The whole inspection's did-not-apply counts with the tally they were read beside:
    # applicability changes only in writes that drop the tally (a case added or edited, a
    # classification answered or cleared, a merge) or in another connection's commit (which
    # rebuilds it), so while that tally stands the counts do too.
    _not_applying: tuple[AnswerTally, dict[str, int]] | None = None

    def answer_counts(self, filter: CountFilter = CountFilter()) -> dict[str, Mapping[str, int]]:
        """Per question and value, the answers that count: to questions applying to the case.

        The whole inspection's (no filter) come from the in-memory tally (db/file/tally.py),
        whose per-question counts are read-only.
        """
        if filter == CountFilter():
            return self._answer_tally().answer_counts()
        return self._sql_answer_counts(filter)

    def _sql_answer_counts(self, filter: CountFilter) -> dict[str, Mapping[str, int]]:
        return dict(self.answer_counts_by(None, filter).get(None, {}))

    def answer_counts_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, dict[str, dict[str, int]]]:
        """answer_counts per value of a case field (None: one group, keyed None)."""
        return self.answer_counts_by_each((field,), filter)[field]

    def answer_counts_by_each(
        self, fields: Sequence[str | None], filter: CountFilter = CountFilter()
    ) -> dict[str | None, dict[Any, dict[str, dict[str, int]]]]:
        """answer_counts_by for each of several fields, from one pass over the answers."""
        q = _filter_sql(filter, fields, answers=True)
        counts: dict[str | None, dict[Any, dict[str, dict[str, int]]]] = {f: {} for f in fields}
        for *keys, qid, value, n in self._conn.execute(
            f"""
            SELECT {q.group}, a.question_id, a.value, COUNT(*) FROM answers a
            JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
            {q.join_cases}
            WHERE ap.applies = 1 {q.where}
            GROUP BY {q.group_by} a.question_id, a.value
            """,
            q.params,
        ):
            for per_question in _groups_of(counts, fields, keys):
                values = per_question.setdefault(qid, {})
                values[value] = values.get(value, 0) + n
        return counts

    def did_not_apply_counts(self, filter: CountFilter = CountFilter()) -> dict[str, int]:
        """Per question, the cases in the filter's scope it does not apply to (none: left out).

        The answers' role does not matter: a question applies to a case or not.
        """
        if filter == CountFilter():
            tally = self._answer_tally()
            kept = self._not_applying
            if kept is None or kept[0] is not tally:
                kept = self._not_applying = (tally, self._sql_did_not_apply(filter))
            return dict(kept[1])
        return self._sql_did_not_apply(filter)

    def _sql_did_not_apply(self, filter: CountFilter) -> dict[str, int]:
        return self.did_not_apply_counts_by(None, filter).get(None, {})

    def did_not_apply_counts_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, dict[str, int]]:
        """did_not_apply_counts per value of a case field (None: one group, keyed None)."""
        return self.did_not_apply_counts_by_each((field,), filter)[field]

    def did_not_apply_counts_by_each(
        self, fields: Sequence[str | None], filter: CountFilter = CountFilter()
    ) -> dict[str | None, dict[Any, dict[str, int]]]:
        """did_not_apply_counts_by for each of several fields, from one pass."""
        q = _filter_sql(filter, fields, answers=False)
        join = "JOIN cases c ON c.case_ref = ap.case_ref" if q.join_cases else ""
        result: dict[str | None, dict[Any, dict[str, int]]] = {f: {} for f in fields}
        for *keys, qid, n in self._conn.execute(
            f"""
            SELECT {q.group}, ap.question_id, COUNT(*) FROM applicability ap {join}
            WHERE ap.applies = 0 {q.where}
            GROUP BY {q.group_by} ap.question_id
            """,
            q.params,
        ):
            for per_question in _groups_of(result, fields, keys):
                per_question[qid] = per_question.get(qid, 0) + n
        return result

    def cases_by_theme(self, filter: CountFilter = CountFilter()) -> dict[int, int]:
        """Per theme, the cases contributing a yes or no answer to one of its key questions."""
        if filter == CountFilter():
            return dict(self._answer_tally().cases_by_theme)
        return self._sql_cases_by_theme(filter)

    def _sql_cases_by_theme(self, filter: CountFilter) -> dict[int, int]:
        return self.cases_by_theme_by(None, filter).get(None, {})

    def scope_tally(self, case_ref: str | None = None) -> ScopeTally:
        """A copy of the counts that score the inspection (or one case), for the caller to move
        as answers are given: the interview's scores follow each key before its commit."""
        if case_ref is None:
            return ScopeTally(self._answer_tally().copy(), self.did_not_apply_counts())
        scope = CountFilter(case_ref=case_ref)
        tally = AnswerTally.build(self._conn, self._sql_answer_counts(scope), case_ref)
        return ScopeTally(tally, self._sql_did_not_apply(scope))

    def _answer_tally(self) -> AnswerTally:
        """The tally, rebuilt from SQL when dropped or when another connection has committed."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._tally is None or version != self._tally_version:
            self._tally = AnswerTally.build_whole(self._conn) or AnswerTally.build(
                self._conn, self._sql_answer_counts(CountFilter())
            )
            self._tally_version = version
        return self._tally

    def cases_by_theme_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, dict[int, int]]:
        """cases_by_theme per value of a case field (None: one group, keyed None)."""
        return self.cases_by_theme_by_each((field,), filter)[field]

    def cases_by_theme_by_each(
        self, fields: Sequence[str | None], filter: CountFilter = CountFilter()
    ) -> dict[str | None, dict[Any, dict[int, int]]]:
        """cases_by_theme_by for each of several fields, from one pass over the answers: a
        case has one value of every field, so its group's count of cases adds up per field.
        The whole inspection's come from the tally's cases (no pass over the answers)."""
        q = _filter_sql(filter, fields, answers=True)
        result: dict[str | None, dict[Any, dict[int, int]]] = {f: {} for f in fields}
        if filter == CountFilter():
            themes_of: dict[str, list[int]] = {}
            for case_ref, theme in self._answer_tally().key_answers:  # only those with answers
                themes_of.setdefault(case_ref, []).append(theme)
            for case_ref, *keys in self._conn.execute(f"SELECT c.case_ref, {q.group} FROM cases c"):
                for per_theme in _groups_of(result, fields, keys):
                    for theme in themes_of.get(case_ref, ()):
                        per_theme[theme] = per_theme.get(theme, 0) + 1
            return result
        for *keys, theme, n in self._conn.execute(
            f"""
            SELECT {q.group}, kq.theme, COUNT(DISTINCT a.case_ref) FROM answers a
            JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
            {q.join_cases}
            JOIN questions kq ON kq.question_id = a.question_id AND kq.key = 1
            JOIN scale_values sv ON sv.scale = kq.scale AND sv.value = a.value
                AND sv.counts_as IN ('yes', 'no')
            WHERE ap.applies = 1 {q.where}
            GROUP BY {q.group_by} kq.theme
            """,
            q.params,
        ):
            for per_theme in _groups_of(result, fields, keys):
                per_theme[theme] = per_theme.get(theme, 0) + n
        return result

    def case_count(self, filter: CountFilter = CountFilter()) -> int:
        """The number of cases the filter selects."""
        return sum(self.case_count_by(None, filter).values())

    def case_count_by(
        self, field: str | None, filter: CountFilter = CountFilter()
    ) -> dict[Any, int]:
        q = _filter_sql(filter, (field,), answers=False)
        return {
            _group(field, key): n
            for key, n in self._conn.execute(
                f"SELECT {q.group}, COUNT(*) FROM cases c WHERE 1 = 1 {q.where} "
                f"GROUP BY {q.group_by} 1",
                q.params,
            )
        }


@dataclass(frozen=True)
class _CountSql:
    """The pieces a count query is built from."""

    group: str  # the group column selected first (NULL for one group)
    group_by: str  # "c.field, " or nothing
    join_cases: str  # the join to cases, only when a case field filters or groups
    where: str
    params: list[Any]


def _filter_sql(filter: CountFilter, fields: Sequence[str | None], *, answers: bool) -> _CountSql:
    """Build the grouping (a column per field; a field None is one group), joins, WHERE
    clauses and parameters of a count query."""
    for field in fields:
        if field is not None and field not in SUBGROUP_FIELDS:
            raise StoreError(
                f"scores cannot be broken down by {field!r}; use one of "
                f"{', '.join(SUBGROUP_FIELDS)}"
            )
    group = ", ".join(f"c.{f}" if f else "NULL" for f in fields)
    grouped = any(f is not None for f in fields)
    clauses: list[str] = []
    params: list[Any] = []
    if answers and filter.role is not None:
        clauses.append("a.role = ?")
        params.append(checked_role(filter.role))
    for name in CASE_FILTER_FIELDS:
        value = getattr(filter, name)
        if value is None:
            continue
        if name == "inspector":
            value = str(value).strip().upper()
        clauses.append(f"c.{name} = ?")
        params.append(
            int(value) if isinstance(value, bool) else str(getattr(value, "value", value))
        )
    where = "".join(f" AND {c}" for c in clauses)
    needs_cases = grouped or any(c.startswith("c.") for c in clauses)
    return _CountSql(
        group=group,
        group_by=", ".join(f"c.{f}" for f in fields if f) + ", " if grouped else "",
        join_cases="JOIN cases c ON c.case_ref = a.case_ref" if needs_cases else "",
        where=where,
        params=params,
    )


def _groups_of(
    result: dict[str | None, dict[Any, Any]], fields: Sequence[str | None], keys: list[Any]
) -> list[Any]:
    """Per field, the group of a row's keys (its value of that field) in `result`, made empty
    when first met: a row of a query grouped by several fields counts once in each."""
    return [
        result[field].setdefault(_group(field, key), {})
        for field, key in zip(fields, keys, strict=True)
    ]


def _group(field: str | None, key: Any) -> Any:
    if field in BOOL_FIELDS and key is not None:
        return bool(key)
    return key
