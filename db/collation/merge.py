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
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from db.collation.inputs import CheckedInput
from db.errors import StoreError
from db.file import history_chain
from db.file.cases import ROW_FIELDS, case_from_row, case_row, validation_sentence
from db.file.connection import connect
from db.file.records import ROLES
from question_bank.case import CaseRecord
from question_bank.model import Bank

HISTORY_FIELDS = history_chain.CHAINED_FIELDS
ANSWER_FIELDS = (
    "case_ref",
    "question_id",
    "role",
    "value",
    "note",
    "inspector",
    "bank_version",
    "answered_at",
)
VERSION_FIELDS = (*ANSWER_FIELDS, "settled")
MODERATION_FIELDS = (
    "case_ref",
    "question_id",
    "role",
    "kind",
    "before_value",
    "before_note",
    "value",
    "note",
    "reason",
    "moderator",
    "at",
)
# A recorded judgement (db/judgements.py): collation keeps the union of every input's rows.
JUDGEMENT_FIELDS = ("recorded_at", "theme", "judgement", "rationale", "recorded_by")
EVENTS = frozenset({"answer", "note", "clear", "status", "case"})
STATUS_RANK = {"not_started": 0, "in_progress": 1, "complete": 2, "locked": 3}
BATCH = 20_000

Row = tuple[Any, ...]
Key = tuple[str, str]  # (question_id, role) inside one case
State = tuple[str, str | None] | None  # (value, note), or None for unanswered


def order_key(values: Sequence[Any]) -> tuple[tuple[int, Any], ...]:
    """A total order on rows holding None (None first, as SQLite sorts it)."""
    return tuple((0, "") if v is None else (1, v) for v in values)


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


@dataclass
class InputFacts:
    """What the merge reads of one input, validated, before streaming its answers and history.

    Plain data, so the process that checked an input can read them too (`read_facts`).
    """

    cases: dict[str, tuple[CaseRecord, int, str]]  # ref -> (record, position, added_at)
    case_edits: dict[str, str]
    statuses: dict[str, Row]
    inspectors: list[Row]
    ui_state: list[Row]
    versions: dict[str, list[Row]]
    moderations: dict[str, list[Row]]
    answer_inspectors: dict[str, set[str]]  # case_ref -> initials that answered it
    judgements: list[Row] = field(default_factory=list)  # the lead's, JUDGEMENT_FIELDS


@dataclass
class _Source(InputFacts):
    """An input's facts with its checked copy and a read-only connection to it."""

    checked: CheckedInput = field(default=None)  # type: ignore[assignment]
    conn: sqlite3.Connection = field(default=None)  # type: ignore[assignment]


# -- reading and validating an input ------------------------------------------------------------


def _refuse(source: CheckedInput, what: str) -> StoreError:
    return StoreError(f"{source.path} holds {what}, so it was not collated; ask for a fresh copy")


def _read_source(checked: CheckedInput, bank: Bank) -> _Source:
    if isinstance(checked.facts, Exception):
        raise checked.facts  # found while checking; refused now, in the order of the inputs
    conn = checked.connect()
    try:
        facts = (
            checked.facts if isinstance(checked.facts, InputFacts) else _read(checked, conn, bank)
        )
        return _Source(**vars(facts), checked=checked, conn=conn)
    except BaseException:
        conn.close()
        raise


def read_facts(checked: CheckedInput, conn: sqlite3.Connection) -> InputFacts | Exception:
    """An input's facts, read where it is checked, or the refusal they give (raised later).

    They are validated against the input's own bank: collation refuses inputs of another bank
    before it uses any input's facts (db.collation.collate.same_inspection).
    """
    try:
        return _read(checked, conn, checked.bank)
    except (StoreError, sqlite3.Error) as exc:
        return exc


def _read(checked: CheckedInput, conn: sqlite3.Connection, bank: Bank) -> InputFacts:
    cases: dict[str, tuple[CaseRecord, int, str]] = {}
    columns = (*ROW_FIELDS, "position", "added_at")
    for values in conn.execute(f"SELECT {', '.join(columns)} FROM cases"):
        row = dict(zip(columns, values, strict=True))
        try:
            record = case_from_row(row)
        except (ValidationError, TypeError, ValueError) as exc:
            detail = validation_sentence(exc) if isinstance(exc, ValidationError) else str(exc)
            raise _refuse(
                checked, f"case {row['case_ref']} with a field not allowed ({detail})"
            ) from None
        if not isinstance(row["position"], int) or not isinstance(row["added_at"], str):
            raise _refuse(checked, f"case {row['case_ref']} without its place in the sample")
        cases[record.case_ref] = (record, row["position"], row["added_at"])
    refs = set(cases)
    _validate_answers(checked, conn, bank, "answers", refs)
    statuses: dict[str, Row] = {}
    for ref, status, changed_at, changed_by in conn.execute(
        "SELECT case_ref, status, changed_at, changed_by FROM case_status"
    ):
        if ref not in refs or status not in STATUS_RANK:
            raise _refuse(checked, f"a case status that does not fit ({ref}: {status})")
        statuses[ref] = (status, changed_at, changed_by)
    for (ref,) in conn.execute("SELECT DISTINCT case_ref FROM answer_history"):
        if ref not in refs:
            raise _refuse(checked, f"history of case {ref}, which it does not have")
    for qid, role, event in conn.execute(
        "SELECT DISTINCT question_id, role, event FROM answer_history"
    ):
        if event not in EVENTS or (qid is not None and qid not in bank.question_by_id):
            raise _refuse(checked, f"a history row that does not fit its bank ({event} {qid})")
        if event in ("answer", "note", "clear") and role not in ROLES:
            raise _refuse(checked, f"a history row with an unknown role ({role})")
    case_edits = dict(
        conn.execute(
            "SELECT case_ref, MAX(at) FROM answer_history WHERE event = 'case' GROUP BY case_ref"
        ).fetchall()
    )
    versions: dict[str, list[Row]] = defaultdict(list)
    moderations: dict[str, list[Row]] = defaultdict(list)
    if checked.schema_version >= 3:
        _validate_answers(checked, conn, bank, "answer_versions", refs)
        for row in conn.execute(f"SELECT {', '.join(VERSION_FIELDS)} FROM answer_versions"):
            versions[row[0]].append(tuple(row))
        for row in conn.execute(f"SELECT {', '.join(MODERATION_FIELDS)} FROM moderations"):
            if row[0] not in refs:
                raise _refuse(checked, f"a moderation of case {row[0]}, which it does not have")
            moderations[row[0]].append(tuple(row))
    judgements: list[Row] = []
    if checked.schema_version >= 4:
        judgements = [
            tuple(row)
            for row in conn.execute(f"SELECT {', '.join(JUDGEMENT_FIELDS)} FROM judgements")
        ]
        if any(row[1] not in bank.theme_by_number for row in judgements):
            raise _refuse(checked, "a recorded judgement of a theme its bank does not have")
    return InputFacts(
        cases=cases,
        case_edits=case_edits,
        statuses=statuses,
        inspectors=conn.execute("SELECT initials, is_lead, added_at FROM inspectors").fetchall(),
        ui_state=conn.execute("SELECT key, value, updated_at FROM ui_state").fetchall(),
        versions=dict(versions),
        moderations=dict(moderations),
        answer_inspectors=_answer_inspectors(conn),
        judgements=judgements,
    )


def _answer_inspectors(conn: sqlite3.Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for ref, inspector in conn.execute("SELECT DISTINCT case_ref, inspector FROM answers"):
        found[ref].add(inspector)
    return dict(found)


def _validate_answers(
    checked: CheckedInput, conn: sqlite3.Connection, bank: Bank, table: str, refs: set[str]
) -> None:
    """Every answer names a case of the file, a question of the bank and a value on its scale."""
    for qid, role, value, version in conn.execute(
        f"SELECT DISTINCT question_id, role, value, bank_version FROM {table}"
    ):
        question = bank.question_by_id.get(qid)
        if question is None or role not in ROLES:
            raise _refuse(checked, f"an answer to {qid} ({role}) its bank does not have")
        if bank.scale_of(question).option(value) is None:
            raise _refuse(checked, f"the answer {value!r} to {qid}, which is not on its scale")
        if version != bank.version:
            raise _refuse(checked, f"answers given under bank version {version}")
    for (ref,) in conn.execute(f"SELECT DISTINCT case_ref FROM {table}"):
        if ref not in refs:
            raise _refuse(checked, f"answers to case {ref}, which it does not have")


# -- reading the rows of shared cases ------------------------------------------------------------


def _in_chunks(refs: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(refs), size):
        yield refs[start : start + size]


def case_rows(
    conn: sqlite3.Connection, table: str, fields: Sequence[str], refs: Sequence[str], order: str
) -> dict[str, list[Row]]:
    """The rows of some cases of one input, per case, in the given order."""
    found: dict[str, list[Row]] = defaultdict(list)
    for chunk in _in_chunks(sorted(refs)):
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(
            f"SELECT {', '.join(fields)} FROM {table} WHERE case_ref IN ({marks}) ORDER BY {order}",
            tuple(chunk),
        ):
            found[row[0]].append(tuple(row))
    return dict(found)


def history_stream(conn: sqlite3.Connection) -> Iterator[Row]:
    """An input's whole history in its own order."""
    return iter(conn.execute(f"SELECT {', '.join(HISTORY_FIELDS)} FROM answer_history ORDER BY id"))


def answer_stream(conn: sqlite3.Connection) -> Iterator[Row]:
    return iter(conn.execute(f"SELECT {', '.join(ANSWER_FIELDS)} FROM answers"))


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
        versions.extend(keyed)
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


# -- writing ------------------------------------------------------------------------------------


def chain_hash(previous: str, row: Row) -> str:
    """history_chain.row_hash (kept under this name for callers of the merge)."""
    return history_chain.row_hash(previous, row)


class HistoryWriter:
    """Appends history rows with consecutive ids and the hash chain, in batches."""

    def __init__(self, conn: sqlite3.Connection, inspection_id: str) -> None:
        self.conn = conn
        self.previous = history_chain.genesis(inspection_id)
        self.next_id = 1
        self.batch: list[Row] = []
        self.sql = (
            f"INSERT INTO answer_history (id, {', '.join(HISTORY_FIELDS)}, hash) "
            f"VALUES ({', '.join('?' for _ in range(len(HISTORY_FIELDS) + 2))})"
        )

    def extend(self, rows: Iterable[Row]) -> None:
        previous, next_id, batch = self.previous, self.next_id, self.batch
        sha256, encode = hashlib.sha256, history_chain.canonical
        for row in rows:
            previous = sha256(f"{previous}\n{encode(row)}".encode()).hexdigest()
            batch.append((next_id, *row, previous))
            next_id += 1
            if len(batch) >= BATCH:
                self.conn.executemany(self.sql, batch)
                batch.clear()
        self.previous, self.next_id = previous, next_id

    def flush(self) -> None:
        if self.batch:
            self.conn.executemany(self.sql, self.batch)
            self.batch.clear()


class RowWriter:
    """Batched INSERTs of one table's rows."""

    def __init__(self, conn: sqlite3.Connection, table: str, fields: Sequence[str]) -> None:
        self.conn = conn
        self.sql = (
            f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join('?' for _ in fields)})"
        )
        self.batch: list[Row] = []
        self.rows = 0

    def extend(self, rows: Sequence[Row]) -> None:
        self.batch.extend(rows)
        self.rows += len(rows)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.executemany(self.sql, self.batch)
            self.batch = []


def pick(rows: Sequence[Row]) -> Row:
    """The greatest of several rows for one key: the deterministic choice of a union."""
    return max(rows, key=order_key)


def applicability_rows(conn: sqlite3.Connection, bank: Bank, records: Sequence[CaseRecord]) -> None:
    """Write `applicability` from the bank's conditions, one evaluation per distinct condition.

    Cases that answer every distinct condition alike share a signature; the rows come from one
    join of cases to signatures, so a large inspection costs a few thousand condition tests.
    """
    conditions: dict[str, int] = {}
    question_condition: list[tuple[str, int | None]] = []
    for question in bank.questions:
        if question.applies_if is None:
            question_condition.append((question.id, None))
            continue
        text = question.applies_if.model_dump_json(by_alias=True, exclude_none=True)
        index = conditions.setdefault(text, len(conditions))
        question_condition.append((question.id, index))
    tests: list[Callable[[dict[str, Any]], bool]] = [lambda _: True] * len(conditions)
    for question in bank.questions:
        if question.applies_if is not None:
            text = question.applies_if.model_dump_json(by_alias=True, exclude_none=True)
            tests[conditions[text]] = question.applies_if.holds
    signatures: dict[tuple[bool, ...], int] = {}
    case_signature = []
    for record in records:
        values = record.condition_values()
        signature = tuple(test(values) for test in tests)
        case_signature.append((record.case_ref, signatures.setdefault(signature, len(signatures))))
    conn.execute(
        "CREATE TEMP TABLE case_signature (case_ref TEXT PRIMARY KEY, signature INTEGER) "
        "WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TEMP TABLE signature_applies (signature INTEGER, question_id TEXT, "
        "applies INTEGER, PRIMARY KEY (signature, question_id)) WITHOUT ROWID"
    )
    conn.executemany("INSERT INTO temp.case_signature VALUES (?, ?)", case_signature)
    conn.executemany(
        "INSERT INTO temp.signature_applies VALUES (?, ?, ?)",
        [
            (number, qid, 1 if index is None else int(signature[index]))
            for signature, number in signatures.items()
            for qid, index in question_condition
        ],
    )
    # Cases in key order, each signature's questions in key order: the rows come in the table's
    # own order without a sort. Each `applies` is 0 or 1 by construction: no CHECK to run again.
    with ignoring_checks(conn):
        conn.execute(
            "INSERT INTO applicability (case_ref, question_id, applies) "
            "SELECT cs.case_ref, sa.question_id, sa.applies FROM temp.case_signature cs "
            "JOIN temp.signature_applies sa ON sa.signature = cs.signature"
        )
    conn.execute("DROP TABLE temp.case_signature")
    conn.execute("DROP TABLE temp.signature_applies")


@contextmanager
def ignoring_checks(conn: sqlite3.Connection) -> Iterator[None]:
    """CHECK constraints off while rows that cannot break one are written in bulk.

    For rows copied as they are from checked inputs: each input passed quick_check, which checks
    every CHECK constraint, under exactly this schema. Evaluating them again costs a third of a
    copy.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def case_values(record: CaseRecord, position: int, added_at: str) -> dict[str, Any]:
    return case_row(record) | {"position": position, "added_at": added_at}


def drop_for_load(conn: sqlite3.Connection, names: Sequence[str]) -> list[str]:
    """Drop indexes and triggers for a bulk load; returns their SQL, to make them again after.

    An index is made in one sort rather than a million inserts; a trigger that guards single
    writes (answer_history_needs_hash) is not run for rows the load itself hashed.
    """
    made = [
        (name, kind, sql)
        for name in names
        for kind, sql in conn.execute(
            "SELECT type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND name = ?",
            (name,),
        )
    ]
    for name, kind, _ in made:
        conn.execute(f"DROP {kind.upper()} {name}")
    return [sql for _, _, sql in made]


def remake(conn: sqlite3.Connection, made: Sequence[str]) -> None:
    """Make again what drop_for_load dropped, from its own SQL."""
    for sql in made:
        conn.execute(sql)


def open_target(path: Path, passphrase: str | None = None) -> sqlite3.Connection:
    """The new file, opened for a bulk load: no fsync per commit (it is fsynced at the end)."""
    conn = connect(path, passphrase=passphrase)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def read_sources(checked: Sequence[CheckedInput], bank: Bank) -> list[_Source]:
    sources: list[_Source] = []
    try:
        for one in checked:
            sources.append(_read_source(one, bank))
    except BaseException:
        for source in sources:
            source.conn.close()
        raise
    return sources


def json_dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
