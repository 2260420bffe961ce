"""What collation reads of each checked input: its facts, validated, and streams of its rows.

`read_facts` runs in the process that checked the input (db.collation.inputs.check_inputs, in
a forked worker), so it is a module-level function and its InputFacts plain data; a refusal it
finds is returned and raised later, in the order of the inputs. `read_sources` gives each input
for the merge with its facts.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from db.collation.inputs import CheckedInput
from db.collation.tables import (
    ANSWER_FIELDS,
    BAND_SET_FIELDS,
    CASE_EDIT_FIELDS,
    EVENTS,
    HISTORY_FIELDS,
    JUDGEMENT_FIELDS,
    MODERATION_FIELDS,
    STATUS_RANK,
    VERSION_FIELDS,
    Row,
)
from db.errors import StoreError
from db.file import bands
from db.file.cases import ROW_FIELDS, case_from_row, validation_sentence
from db.file.distinct import distinct_pairs
from db.file.records import ROLES
from question_bank.case import CaseRecord
from question_bank.model import Bank


@dataclass
class InputFacts:
    """What the merge reads of one input, validated, before streaming its answers and history.

    Plain data, so the process that checked an input can read them too (`read_facts`).
    """

    cases: dict[str, tuple[CaseRecord, int, str]]  # ref -> (record, position, added_at)
    case_edits: dict[str, list[Row]]  # ref -> its detail edits, CASE_EDIT_FIELDS, in order
    statuses: dict[str, Row]
    inspectors: list[Row]
    ui_state: list[Row]
    versions: dict[str, list[Row]]
    moderations: dict[str, list[Row]]
    answer_inspectors: dict[str, set[str]]  # case_ref -> initials that answered it
    judgements: list[Row] = field(default_factory=list)  # the lead's, JUDGEMENT_FIELDS
    band_sets: list[Row] = field(default_factory=list)  # the lead's, BAND_SET_FIELDS
    with_history: set[str] = field(default_factory=set)  # the cases it has history rows of

    def untouched(self, ref: str) -> bool:
        """Whether the input holds nothing of a case but its details as they were added (the
        lead's file, after split, for the cases it handed out and never touched again)."""
        return not (
            ref in self.with_history
            or ref in self.answer_inspectors
            or ref in self.versions
            or ref in self.moderations
        )


@dataclass
class Source(InputFacts):
    """An input's facts with its checked copy and a read-only connection to it.

    The connection is opened when first used: inputs holding different cases are copied by
    SQLite from their copies (db.collation.merged_rows), and 150 connections opened for nothing
    cost a tenth of a second.
    """

    checked: CheckedInput = field(default=None)  # type: ignore[assignment]
    _conn: sqlite3.Connection | None = field(default=None, repr=False)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self.checked.connect()
        return self._conn

    def close(self) -> None:
        """Close the connection, if one was opened."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _refuse(source: CheckedInput, what: str) -> StoreError:
    return StoreError(f"{source.path} holds {what}, so it was not collated; ask for a fresh copy")


def _read_source(checked: CheckedInput, bank: Bank) -> Source:
    if isinstance(checked.facts, Exception):
        raise checked.facts  # found while checking; refused now, in the order of the inputs
    if isinstance(checked.facts, InputFacts):
        return Source(**vars(checked.facts), checked=checked)
    conn = checked.connect()
    try:
        return Source(**vars(_read(checked, conn, bank)), checked=checked, _conn=conn)
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
    with_history: set[str] = set()
    for (ref,) in conn.execute("SELECT DISTINCT case_ref FROM answer_history"):
        if ref not in refs:
            raise _refuse(checked, f"history of case {ref}, which it does not have")
        with_history.add(ref)
    for qid, role, event in conn.execute(
        "SELECT DISTINCT question_id, role, event FROM answer_history"
    ):
        if event not in EVENTS or (qid is not None and qid not in bank.question_by_id):
            raise _refuse(checked, f"a history row that does not fit its bank ({event} {qid})")
        if event in ("answer", "note", "clear") and role not in ROLES:
            raise _refuse(checked, f"a history row with an unknown role ({role})")
    case_edits: dict[str, list[Row]] = defaultdict(list)
    for ref, *edit in conn.execute(
        f"SELECT case_ref, {', '.join(CASE_EDIT_FIELDS)} FROM answer_history "
        "WHERE event = 'case' ORDER BY id"
    ):
        case_edits[ref].append(tuple(edit))
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
    band_sets: list[Row] = []
    if checked.schema_version >= 5:
        band_sets = [
            tuple(row)
            for row in conn.execute(f"SELECT {', '.join(BAND_SET_FIELDS)} FROM band_sets")
        ]
        for band_set in band_sets:
            _validate_band_set(checked, bank, band_set)
    return InputFacts(
        cases=cases,
        case_edits=dict(case_edits),
        with_history=with_history,
        statuses=statuses,
        inspectors=conn.execute("SELECT initials, is_lead, added_at FROM inspectors").fetchall(),
        ui_state=conn.execute("SELECT key, value, updated_at FROM ui_state").fetchall(),
        versions=dict(versions),
        moderations=dict(moderations),
        answer_inspectors=_answer_inspectors(conn),
        judgements=judgements,
        band_sets=band_sets,
    )


def _validate_band_set(checked: CheckedInput, bank: Bank, row: Row) -> None:
    """A band set is bands of its bank (as `audit-tui bands set` checks them), stored as written."""
    try:
        stored = json.loads(row[1])
        fits = not bands.problems(bank, stored) and row[1] == bands.bands_json(
            bands.checked_bands(bank, stored, "the bands")
        )
    except (ValueError, TypeError, StoreError):
        fits = False
    if not fits or not all(isinstance(value, str) for value in (row[0], row[3], row[4])):
        raise _refuse(checked, "a band set that is not bands of its bank")


def _answer_inspectors(conn: sqlite3.Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for ref, inspector in conn.execute("SELECT DISTINCT case_ref, inspector FROM answers"):
        found[ref].add(inspector)
    return dict(found)


def _validate_answers(
    checked: CheckedInput, conn: sqlite3.Connection, bank: Bank, table: str, refs: set[str]
) -> None:
    """Every answer names a case of the file, a question of the bank and a value on its scale.

    Each column is checked apart, its distinct values read from an index where there is one
    (the distinct rows of all four together cost a lookup per answer), the questions' values a
    seek per pair (db.file.distinct).
    """
    for qid, value in conn.execute(distinct_pairs(conn, table, "question_id", "value")):
        question = bank.question_by_id.get(qid)
        if question is None:
            (role,) = conn.execute(
                f"SELECT role FROM {table} WHERE question_id IS ? LIMIT 1", (qid,)
            ).fetchone()
            raise _refuse(checked, f"an answer to {qid} ({role}) its bank does not have")
        if bank.scale_of(question).option(value) is None:
            raise _refuse(checked, f"the answer {value!r} to {qid}, which is not on its scale")
    for role, version in conn.execute(f"SELECT DISTINCT role, bank_version FROM {table}"):
        if role not in ROLES:
            (qid,) = conn.execute(
                f"SELECT question_id FROM {table} WHERE role IS ? LIMIT 1", (role,)
            ).fetchone()
            raise _refuse(checked, f"an answer to {qid} ({role}) its bank does not have")
        if version != bank.version:
            raise _refuse(checked, f"answers given under bank version {version}")
    for (ref,) in conn.execute(f"SELECT DISTINCT case_ref FROM {table}"):
        if ref not in refs:
            raise _refuse(checked, f"answers to case {ref}, which it does not have")


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


def read_sources(checked: Sequence[CheckedInput], bank: Bank) -> list[Source]:
    sources: list[Source] = []
    try:
        for one in checked:
            sources.append(_read_source(one, bank))
    except BaseException:
        for source in sources:
            source.close()
        raise
    return sources
