"""The tamper-evident answer history: each row's hash chains it to the row before.

A row's hash is sha256 over the previous row's hash and the row's own fields (not its id, so a
row slipped in by renumbering the rest is still told from an edit), computed in Python in the
transaction that appends the row. The first row chains to a value derived from the inspection
id, so rows cannot be moved between files unnoticed. Anyone who edits a row, deletes one or
slips one in without recomputing every later hash breaks the chain; `verify_history` names the
first row that does not fit, and checks that every stored answer is what its history says.
Someone who knows this scheme and rewrites the whole chain is not caught by the file alone:
the head printed by `audit-tui verify` can be written down elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# The fields a hash covers, in order (after the row id).
CHAINED_FIELDS = (
    "case_ref",
    "question_id",
    "role",
    "event",
    "old_value",
    "new_value",
    "old_note",
    "new_note",
    "inspector",
    "at",
    "reason",
)
_HEX = frozenset("0123456789abcdef")


def genesis(inspection_id: str) -> str:
    """What the first history row of an inspection chains to."""
    return hashlib.sha256(f"audit-tui answer_history {inspection_id}".encode()).hexdigest()


def _one_shot_encoder() -> Callable[[Sequence[Any], int], Sequence[str]]:
    """The encoder json.dumps(fields, ensure_ascii=False, separators=(",", ":")) builds per call.

    Made once here (the C one, without the check for circular lists a flat row cannot have);
    it returns the JSON in pieces to join.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:  # pragma: no cover - CPython has the C encoder
        return lambda fields, _: (encoder.encode(list(fields)),)
    return make(  # type: ignore[no-any-return]
        None, encoder.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )


_ENCODE = _one_shot_encoder()


def canonical(fields: Sequence[Any]) -> str:
    """The form a row's hash covers: its CHAINED_FIELDS as compact JSON (json.dumps exactly)."""
    return "".join(_ENCODE(fields, 0))


def row_hash(previous: str, fields: Sequence[Any]) -> str:
    """sha256 over the previous hash and the row's canonical form (its CHAINED_FIELDS)."""
    return hashlib.sha256(f"{previous}\n{canonical(fields)}".encode()).hexdigest()


def _inspection_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT id FROM inspection").fetchone()
    return str(row[0]) if row else ""


def append(
    conn: sqlite3.Connection,
    *,
    case_ref: str,
    event: str,
    inspector: str,
    at: str,
    question_id: str | None = None,
    role: str | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    old_note: str | None = None,
    new_note: str | None = None,
    reason: str | None = None,
) -> int:
    """Append one history row with its hash; call inside the write transaction. Returns its id."""
    last = conn.execute("SELECT id, hash FROM answer_history ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        row_id, previous = 1, genesis(_inspection_id(conn))
    else:
        row_id, previous = int(last[0]) + 1, str(last[1] or "")
    fields = (
        case_ref,
        question_id,
        role,
        event,
        old_value,
        new_value,
        old_note,
        new_note,
        inspector,
        at,
        reason,
    )
    conn.execute(
        f"INSERT INTO answer_history (id, {', '.join(CHAINED_FIELDS)}, hash) "
        f"VALUES (?, {', '.join('?' for _ in CHAINED_FIELDS)}, ?)",
        (row_id, *fields, row_hash(previous, fields)),
    )
    return row_id


def rehash_all(conn: sqlite3.Connection) -> int:
    """Give every existing row its hash, in id order (the migration that adds the chain).

    The caller lifts the append-only trigger around this; it is the only rewrite ever made.
    """
    previous = genesis(_inspection_id(conn))
    rows = conn.execute(
        f"SELECT id, {', '.join(CHAINED_FIELDS)} FROM answer_history ORDER BY id"
    ).fetchall()
    for row in rows:
        previous = row_hash(previous, row[1:])
        conn.execute("UPDATE answer_history SET hash = ? WHERE id = ?", (previous, row[0]))
    return len(rows)


@dataclass(frozen=True)
class VerifyResult:
    """What walking the chain found: how many rows, the head, and the first problem."""

    rows: int
    head: str | None
    problem: str | None = None
    row_id: int | None = None
    kind: str | None = None  # edited, deleted, inserted, answers or record
    table: str = "answer_history"  # the table of the row that does not fit

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Row:
    id: int
    fields: tuple[Any, ...]
    hash: str | None

    @property
    def where(self) -> str:
        """The row as a sentence can name it: id, case, question and time (never values)."""
        case_ref, question_id, at = self.fields[0], self.fields[1], self.fields[9]
        question = f" {question_id}" if question_id else ""
        return f"history row {self.id} (case {case_ref}{question}, {at})"


# A row as the walk reads it: its canonical form, its stored hash, then what collation's merge
# reads (the answers are checked against the history in SQL: ANSWERS_AS_TOLD_SQL).
WALKED_FIELDS = ("hash", "case_ref", "at")
# Whether the answers are what the history says, counted in SQL rather than every answer and
# history row read into Python. Of the keys (case, question, role) whose last answer, note or
# clear event is an answer or a note: how many there are, and how many have an answer of the
# same key, value and note. Each such answer stands for one key, so the answers are what the
# history says exactly when both counts are the number of answers (had a damaged file one key
# twice in `answers`, a key would go without); when they are not, the walk that names the
# answer decides (_verify_slowly).
ANSWERS_AS_TOLD_SQL = """
SELECT COUNT(*), COALESCE(SUM(EXISTS (
    SELECT 1 FROM answers a WHERE a.case_ref = h.case_ref AND a.question_id = h.question_id
    AND a.role = h.role AND a.value IS h.new_value AND a.note IS h.new_note)), 0),
    (SELECT COUNT(*) FROM answers)
FROM answer_history h
WHERE h.event IN ('answer', 'note') AND NOT EXISTS (
    SELECT 1 FROM answer_history x WHERE x.case_ref = h.case_ref
    AND x.question_id IS h.question_id AND x.role IS h.role AND x.id > h.id
    AND x.event IN ('answer', 'note', 'clear'))
"""
Chained = Callable[[list[tuple[Any, ...]]], object]
_BATCH = 512  # rows the walk reads, hashes and tells at a time
# Spelt by SQLite and by Python alike, or SQLite does not spell the forms (a check per walk).
_FORM_SAMPLE = (
    "".join(map(chr, range(128))) + "\u0080\u009f\u00a0é–€\u2028\u2029\ufeff\U0001f600",
    None,
    -12,
    "",
)


def _sqlite_spells_forms(conn: sqlite3.Connection) -> bool:
    """Whether this connection's SQLite writes `canonical` forms exactly (its json_array).

    Every chained column is TEXT, so SQL stores only text, NULL or a blob in one (a blob
    stops the walk: json_array refuses it), and json_array escapes text as json.dumps does
    (checked here on every character that is escaped, and some that are not). Only a real
    number written into a page by hand, past SQL, is spelt otherwise (to 15 digits): a chain
    forged over that spelling would pass here where the naming walk refuses it, no more than
    a chain forged over canonical forms, which both pass.
    """
    marks = ", ".join("?" for _ in _FORM_SAMPLE)
    try:
        row = conn.execute(f"SELECT json_array({marks})", _FORM_SAMPLE).fetchone()
    except sqlite3.Error:  # a build without JSON
        return False
    return bool(row) and row[0] == canonical(_FORM_SAMPLE)


def walk(conn: sqlite3.Connection, sql_forms: bool) -> Iterator[list[tuple[Any, ...]]]:
    """The history in id order, a batch at a time, each row as WALKED_FIELDS after its form.

    With `sql_forms` SQLite spells the forms (a third of the time Python takes to read every
    field and encode it); otherwise Python does, from the fields. Both give the same rows.
    """
    fields = ", ".join(CHAINED_FIELDS)
    if sql_forms:
        cursor = conn.execute(
            f"SELECT json_array({fields}), {', '.join(WALKED_FIELDS)} FROM answer_history "
            "ORDER BY id"
        )
        while rows := cursor.fetchmany(_BATCH):
            yield rows
        return
    encode, join = _ENCODE, "".join
    cursor = conn.execute(f"SELECT {fields}, hash FROM answer_history ORDER BY id")
    while rows := cursor.fetchmany(_BATCH):
        yield [(join(encode(r[:11], 0)), r[11], r[0], r[9]) for r in rows]


def verify_history(conn: sqlite3.Connection, chained: Chained | None = None) -> VerifyResult:
    """Walk the chain; name the first row that does not fit, then check answers against it,
    then the lead's records (judgements, band sets, rulings: db.file.record_chain).

    `chained(rows)` is told the rows (each its canonical form, then WALKED_FIELDS), a batch at
    a time in id order, as the walk finds them in place; what it was told counts only when the
    result is ok (collation reuses the forms rather than encode every row twice).
    """
    # One pass that only checks, as fast as Python goes; any row that does not fit sends the
    # file to the walk that names it (_verify_slowly), so the result never depends on the path.
    sha256 = hashlib.sha256
    previous = genesis(_inspection_id(conn))
    count = 0
    try:
        for rows in walk(conn, _sqlite_spells_forms(conn)):
            for row in rows:
                if sha256(f"{previous}\n{row[0]}".encode()).hexdigest() != row[1]:
                    return _verify_slowly(conn)
                previous = row[1]
            count += len(rows)
            if chained is not None:
                chained(rows)
        told, matching, answers = conn.execute(ANSWERS_AS_TOLD_SQL).fetchone()
        # (case, new details) of every case event, in order
        case_edits: list[tuple[str, Any]] = conn.execute(
            "SELECT case_ref, new_value FROM answer_history WHERE event = 'case' ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return _verify_slowly(conn)  # a value SQL cannot spell (a blob): Python says what
    if not told == matching == answers:
        return _verify_slowly(conn)
    return _with_records(conn, VerifyResult(count, previous if count else None), case_edits)


def _with_records(
    conn: sqlite3.Connection,
    result: VerifyResult,
    case_edits: list[tuple[str, Any]] | None = None,
) -> VerifyResult:
    """An intact history's result, unless a record of the lead's does not fit its chain.

    `case_edits` are the history's case events, when the walk gathered them already."""
    from db.file.record_chain import verify_records  # it hashes as this module does

    found = verify_records(conn, case_edits)
    if found is None:
        return result
    return VerifyResult(result.rows, None, found.problem, found.row_id, "record", found.table)


def _verify_slowly(conn: sqlite3.Connection) -> VerifyResult:
    """The walk that names the first row that does not fit (or the first answer that does not)."""
    rows = [
        _Row(r[0], tuple(r[1:-1]), r[-1])
        for r in conn.execute(
            f"SELECT id, {', '.join(CHAINED_FIELDS)}, hash FROM answer_history ORDER BY id"
        )
    ]
    previous, previous_id = genesis(_inspection_id(conn)), 0
    for index, row in enumerate(rows):
        if row.hash is not None and row_hash(previous, row.fields) == row.hash:
            previous, previous_id = row.hash, row.id
            continue
        after = rows[index + 1] if index + 1 < len(rows) else None
        problem = _diagnose(row, after, previous, previous_id)
        return VerifyResult(len(rows), None, problem[1], row.id, problem[0])
    head = previous if rows else None
    mismatch = _answers_mismatch(conn, rows)
    if mismatch is not None:
        return VerifyResult(len(rows), head, mismatch, None, "answers")
    return _with_records(conn, VerifyResult(len(rows), head))


def _diagnose(row: _Row, after: _Row | None, previous: str, previous_id: int) -> tuple[str, str]:
    """Why a row does not fit: the kind of tampering and the sentence naming the row."""
    if row.id > previous_id + 1:
        missing = (
            f"row {previous_id + 1}"
            if row.id == previous_id + 2
            else f"rows {previous_id + 1} to {row.id - 1}"
        )
        return "deleted", (
            f"the history was cut: {missing} before {row.where} was deleted outside audit-tui"
        )
    if row.hash is None or len(row.hash) != 64 or not set(row.hash) <= _HEX:
        return "inserted", (f"{row.where} carries no valid hash: it was inserted outside audit-tui")
    if after is not None and row_hash(row.hash, after.fields) == after.hash:
        return "edited", f"{row.where} was edited after it was written"
    if after is not None and row_hash(previous, after.fields) == after.hash:
        return "inserted", f"{row.where} was inserted outside audit-tui"
    if after is None:
        return "edited", (
            f"{row.where}, the last, does not fit the chain: it was edited or inserted "
            "outside audit-tui"
        )
    return "edited", (
        f"{row.where} does not fit the chain: rows were edited, inserted or renumbered "
        "outside audit-tui from here on"
    )


def _answers_mismatch(conn: sqlite3.Connection, rows: list[_Row]) -> str | None:
    """The first stored answer that is not what its history says (changed outside audit-tui)."""
    told: dict[tuple[str, str, str], tuple[Any, Any] | None] = {}
    for row in rows:
        case_ref, question_id, role, event = row.fields[:4]
        if event in ("answer", "note"):
            told[(case_ref, question_id, role)] = (row.fields[5], row.fields[7])
        elif event == "clear":
            told[(case_ref, question_id, role)] = None
    stored = {
        (c, q, r): (v, n)
        for c, q, r, v, n in conn.execute(
            "SELECT case_ref, question_id, role, value, note FROM answers "
            "ORDER BY case_ref, question_id, role"
        )
    }
    for key in sorted(set(told) | set(stored)):
        if told.get(key) != stored.get(key):
            case_ref, question_id, role = key
            return (
                f"the {role} answer to {question_id} of case {case_ref} is not what its history "
                "records: it was changed outside audit-tui"
            )
    return None
