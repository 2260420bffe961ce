"""The merge engine under collation and split: checked inputs in, one new inspection file out.

The result is a function of the SET of inputs, never of their order, and merging a result with
any of its inputs gives it back (see docs/store-api.md, "Collation"):

- Cases, statuses, inspectors, UI state and moderations: a union, and where two inputs hold
  different rows for one key, a deterministic choice (the latest, ties broken by the values).
- History: every input's rows, identical rows of a shared case once (as often as the input
  holding most of them has them), in one order that keeps each input's own order and otherwise
  goes by (at, case, question, role, event, values, inspector) (db.collation.history_merge). The
  chain of row hashes (db.file.history_chain) is written afresh over that order.
- Answers: the state the merged history replays to (so `audit-tui verify` agrees), and every
  other answer an input holds that no input's history shows being changed is kept beside it in
  `answer_versions` as a conflict, never overwritten. Second reads are answers of their role.
- Applicability is never copied: it is recomputed from each case and the bank.

A case held by one input only, with no conflict recorded, keeps its answers as they are (the
common case); the others go through `merge_case`. Both give the same result for the same rows.

What an input holds is read by db.collation.input_facts; the new file is written by
db.collation.build, db.collation.merged_rows and db.collation.bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

# read_facts is handed to the processes that check inputs; it is imported from here too.
from db.collation.input_facts import read_facts as read_facts
from db.collation.tables import Key, Row, State, order_key


@dataclass
class SourceCounts:
    """What one input brought: new against already there, per kind of row."""

    cases_new: int = 0
    cases_known: int = 0
    answers_taken: int = 0
    answers_known: int = 0
    answers_conflicting: int = 0
    answers_superseded: int = 0
    history_taken: int = 0
    history_known: int = 0
    judgements_taken: int = 0
    judgements_known: int = 0
    band_sets_taken: int = 0
    band_sets_known: int = 0


@dataclass
class BuildReport:
    """What the merged file holds, and what each input brought to it."""

    counts: list[SourceCounts]
    cases: int = 0
    answers: int = 0
    second_reads: int = 0
    history: int = 0
    conflicts: int = 0  # keys with an unsettled version
    conflict_keys: list[tuple[str, str, str]] = field(default_factory=list)
    judgements: int = 0
    band_sets: int = 0
    # What an input holds that the merged file could not take as it is, a sentence each.
    not_taken: list[str] = field(default_factory=list)


def replay(history: Sequence[Row]) -> dict[Key, State]:
    """The answer state each (question, role) of a case ends in, as the history chain reads it."""
    state: dict[Key, State] = {}
    for row in history:
        event = row[3]
        if event in ("answer", "note"):
            state[(row[1], row[2])] = (row[5], row[7])
        elif event == "clear":
            state[(row[1], row[2])] = None
    return state


def _state(answer: Row) -> tuple[str, str | None]:
    return (answer[3], answer[4])


def _latest(rows: Sequence[Row]) -> Row:
    """Of answer rows with the same value and note, the latest (ties by inspector, version)."""
    return max(rows, key=lambda r: order_key((r[7], r[5], r[6])))


@dataclass
class _CaseResult:
    answers: list[Row]
    versions: list[Row]


def merge_case(
    history: Sequence[Row],
    parts: Sequence[tuple[int, list[Row], list[Row]]],
    stored: Sequence[Row],
    counts: Sequence[SourceCounts],
) -> _CaseResult:
    """Answers and conflict versions of a case held by several inputs (or with conflicts).

    `history` is the case's merged history; `parts` holds, per input holding the case, its own
    history rows and answer rows; `stored` the versions the inputs recorded before.
    """
    order = sorted(parts, key=lambda p: p[0])
    final = replay(history)
    # What each input's history shows being answered, and what each input holds now.
    written = [
        {(r[1], r[2], r[5], r[7], r[8], r[9]) for r in p[1] if r[3] in ("answer", "note")}
        for p in order
    ]
    holds: list[dict[Key, Row]] = [{(a[1], a[2]): a for a in p[2]} for p in order]
    stored_by_key: dict[Key, list[Row]] = defaultdict(list)
    for row in stored:
        stored_by_key[(row[1], row[2])].append(row)
    keys = set(final) | set(stored_by_key) | {k for h in holds for k in h}
    answers: list[Row] = []
    versions: list[Row] = []
    for key in sorted(keys, key=order_key):
        held = [(i, h[key]) for i, h in enumerate(holds) if key in h]
        current = final.get(key)

        def superseded(i: int, answer: Row, key: Key = key) -> bool:
            made = (key[0], key[1], answer[3], answer[4], answer[5], answer[7])
            return any(
                made in written[j]
                and (_state(holds[j][key]) if key in holds[j] else None) != _state(answer)
                for j in range(len(order))
                if j != i
            )

        live = [(i, a) for i, a in held if not superseded(i, a)]
        candidates: dict[tuple[str, str | None], list[Row]] = defaultdict(list)
        for row in stored_by_key.get(key, []):
            candidates[(row[3], row[4])].append(row)
        for _, answer in live:
            candidates[_state(answer)].append((*answer, 0))
        if current is not None:
            matching = [a for _, a in held if _state(a) == current]
            candidates[current].extend((*a, 0) for a in matching)
            answers.append(_latest(matching) if matching else _from_history(history, key))
            if not matching:
                candidates[current].append((*answers[-1], 0))
        states = set(candidates) | ({None} if current is None and candidates else set())
        keyed: list[Row] = []
        if len(states) > 1:
            for rows in candidates.values():
                keyed.append((*_latest(rows)[:8], max(r[8] for r in rows)))
        versions.extend(sorted(keyed, key=order_key))  # never the inputs' order
        unsettled = any(not v[8] for v in keyed)
        _count(order, held, live, unsettled, counts)
    return _CaseResult(answers, versions)


def _from_history(history: Sequence[Row], key: Key) -> Row:
    """An answer row rebuilt from the last history row that set it (a broken-order fallback)."""
    row = next(r for r in reversed(history) if (r[1], r[2]) == key and r[3] != "clear")
    return (row[0], row[1], row[2], row[5], row[7], row[8], "", row[9])


def _count(
    order: Sequence[tuple[int, list[Row], list[Row]]],
    held: Sequence[tuple[int, Row]],
    live: Sequence[tuple[int, Row]],
    in_conflict: bool,
    counts: Sequence[SourceCounts],
) -> None:
    live_ids = {i for i, _ in live}
    seen: set[tuple[str, str | None]] = set()
    for i, answer in held:
        tally = counts[order[i][0]]
        state = _state(answer)
        if state in seen:
            tally.answers_known += 1
        elif i not in live_ids:
            tally.answers_superseded += 1
        elif in_conflict:
            tally.answers_conflicting += 1
        else:
            tally.answers_taken += 1
        seen.add(state)
