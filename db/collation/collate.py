"""Collation: inspector files of one inspection merged into one inspection file.

`collate(inputs, out)` checks every input (db.collation.inputs: read-only private copies, exact
schema, integrity, inspection id, bank hash, history chain, manifest), refuses the first bad one
with one sentence naming it, and otherwise writes the merge (db.collation.merge) to a new file
beside OUT that replaces OUT only once it is complete. An existing OUT must be an inspection file
of the same inspection: it is merged in as one more input, so collating again with more files adds
to it. Inputs are never written; on a refusal OUT is neither created nor changed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.collation import merge
from db.collation.history_copy import ChainOfCopies
from db.collation.history_merge import Containers, merge_histories
from db.collation.inputs import CheckedInput, check_inputs
from db.collation.merge import SourceCounts
from db.errors import StoreError
from db.file.cases import case_row
from db.file.connection import connect
from db.file.store import InspectionStore
from question_bank.case import CaseRecord

Clock = Callable[[], datetime]
# Indexes of the big tables, made once the rows are in (one sort beats a million inserts), and
# the trigger that refuses a history row without its hash (every row of the load has one).
# The history's append-only triggers go too while it is loaded (nothing but inserts happen):
# a table with none takes the merged history of db.collation.history_copy, index and all, as whole
# records.
ANSWERS_BULK = ("answers_question",)
HISTORY_TRIGGERS = (
    "answer_history_needs_hash",
    "answer_history_no_update",
    "answer_history_no_delete",
)
HISTORY_INDEXES = ("answer_history_case",)


@dataclass(frozen=True)
class InputSummary:
    """What one input brought to the collated file."""

    path: str
    existing_output: bool
    counts: SourceCounts

    def sentence(self) -> str:
        c = self.counts
        if self.existing_output:
            return (
                f"{self.path} (the existing output): {c.cases_new} cases, "
                f"{c.answers_taken + c.answers_conflicting} answers, {c.history_taken} history rows"
            )
        label = self.path
        conflicts = f", {c.answers_conflicting} in conflict" if c.answers_conflicting else ""
        superseded = (
            f", {c.answers_superseded} changed since in another file"
            if c.answers_superseded
            else ""
        )
        return (
            f"{label}: cases {c.cases_new} new, {c.cases_known} already there; answers "
            f"{c.answers_taken} taken, {c.answers_known} already there{conflicts}{superseded}; "
            f"history {c.history_taken} taken, {c.history_known} already there"
        )

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "existing_output": self.existing_output} | vars(self.counts)


@dataclass(frozen=True)
class CollationSummary:
    """Where the collated file went, what it holds and what each input brought."""

    out: Path
    inputs: list[InputSummary]
    cases: int
    answers: int
    second_reads: int
    history: int
    conflicts: int
    conflict_keys: list[tuple[str, str, str]]

    def lines(self) -> list[str]:
        given = [i for i in self.inputs if not i.existing_output]
        into = "the existing " if len(given) < len(self.inputs) else ""
        head = (
            f"collated {len(given)} file{'s' if len(given) != 1 else ''} into {into}"
            f"{self.out}: {self.cases} cases, {self.answers} answers "
            f"({self.second_reads} second reads), {self.history} history rows"
        )
        if self.conflicts:
            head += (
                f"; {self.conflicts} UNRESOLVED CONFLICT{'S' if self.conflicts != 1 else ''} "
                "(both answers kept): moderate them with `audit-tui moderate`"
            )
        return [head, *(f"  {i.sentence()}" for i in self.inputs)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "cases": self.cases,
            "answers": self.answers,
            "second_reads": self.second_reads,
            "history": self.history,
            "conflicts": self.conflicts,
            "conflict_keys": [list(k) for k in self.conflict_keys],
            "inputs": [i.as_dict() for i in self.inputs],
        }


@contextmanager
def workspace(beside: Path) -> Iterator[Path]:
    """A private folder beside the output for input copies and the file being built."""
    folder = beside.parent
    if not folder.is_dir():
        raise StoreError(f"the folder {folder} does not exist; create it first")
    work = Path(tempfile.mkdtemp(prefix=".audit-tui-", dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def collate(
    inputs: Sequence[Path | str], out: Path | str, *, passphrase: str | None = None
) -> CollationSummary:
    """Merge inspector files of one inspection into OUT (merged into, when it exists).

    Collation stamps nothing of its own: the result depends on the inputs only. Encrypted
    inputs are read with `passphrase`; when any input (or OUT) is encrypted, so is OUT.
    """
    out = Path(out)
    paths = [Path(p) for p in inputs]
    if not paths:
        raise StoreError("give at least one inspection file to collate")
    for path in paths:
        if out.exists() and path.exists() and os.path.samefile(path, out):
            raise StoreError(
                f"{out} is both an input and the output; inputs are never written, "
                "so choose a new output file"
            )
    with workspace(out) as work:
        existing = out.exists()
        jobs = [(index, path) for index, path in enumerate(paths, start=1)]
        if existing:
            jobs.insert(0, (0, out))
        checked = check_inputs(jobs, work, passphrase, merge.read_facts)
        same_inspection(checked)
        target = work / "collated.sqlite"
        key = passphrase if any(c.passphrase for c in checked) else None
        report = build(checked, target, passphrase=key)
        finish(target, out, passphrase=key)
    summaries = [
        InputSummary(str(c.path), existing and i == 0, report.counts[i])
        for i, c in enumerate(checked)
    ]
    return CollationSummary(
        out=out,
        inputs=summaries,
        cases=report.cases,
        answers=report.answers,
        second_reads=report.second_reads,
        history=report.history,
        conflicts=report.conflicts,
        conflict_keys=report.conflict_keys,
    )


def same_inspection(checked: Sequence[CheckedInput]) -> None:
    """Refuse files of two inspections, or of one inspection answered under two banks."""
    first = checked[0]
    for other in checked[1:]:
        if other.inspection.id != first.inspection.id:
            raise StoreError(
                f"{other.path} is another inspection ({other.inspection.area}, "
                f"{other.inspection.id[:8]}) than {first.path} ({first.inspection.area}, "
                f"{first.inspection.id[:8]}); collate the files of one inspection only"
            )
        if other.bank.content_hash != first.bank.content_hash:
            raise StoreError(
                f"{other.path} was answered under bank {other.bank.id} v{other.bank.version} "
                f"({other.bank.content_hash[:12]}) and {first.path} under {first.bank.id} "
                f"v{first.bank.version} ({first.bank.content_hash[:12]}); files answered under "
                "different banks are never merged"
            )


def finish(target: Path, out: Path, *, passphrase: str | None = None) -> None:
    """Make the built file self-contained (no -wal), flush it, and move it onto OUT."""
    conn = connect(target, passphrase=passphrase)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm"):
        # A stale log beside the old OUT would be replayed into the new file.
        out.with_name(out.name + suffix).unlink(missing_ok=True)
    os.replace(target, out)
    try:
        folder = os.open(out.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def build(
    checked: Sequence[CheckedInput],
    target: Path,
    *,
    keep: Callable[[CaseRecord], bool] | None = None,
    keep_state: Callable[[str], bool] | None = None,
    passphrase: str | None = None,
) -> merge.BuildReport:
    """Write the merge of checked inputs (all of one inspection and bank) to a new file.

    `keep` chooses the cases (split keeps one inspector's); `keep_state` the UI state keys;
    `passphrase` encrypts the new file from its first byte.
    """
    bank = checked[0].bank
    sources = merge.read_sources(checked, bank)
    try:
        return _write(sources, target, keep, keep_state, passphrase)
    finally:
        for source in sources:
            source.conn.close()


def _write(
    sources: Sequence[merge._Source],
    target: Path,
    keep: Callable[[CaseRecord], bool] | None,
    keep_state: Callable[[str], bool] | None,
    passphrase: str | None = None,
) -> merge.BuildReport:
    checked = [s.checked for s in sources]
    inspection = merge.pick([tuple(vars(c.inspection).values()) for c in checked])
    report = merge.BuildReport(counts=[SourceCounts() for _ in sources])
    # Every case, the inputs holding it, and whether it needs the general merge.
    holders: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        for ref, (record, _, _) in source.cases.items():
            if keep is None or keep(record):
                holders.setdefault(ref, []).append(index)
    general = {
        ref
        for ref, held in holders.items()
        if len(held) > 1
        or any(sources[i].checked.schema_version < 2 for i in held)
        or any(ref in sources[i].versions for i in held)
    }
    for held in holders.values():
        report.counts[held[0]].cases_new += 1
        for i in held[1:]:
            report.counts[i].cases_known += 1

    copies = None
    if (
        keep is None
        and passphrase is None
        and not general
        and all(s.checked.chained is not None and s.checked.passphrase is None for s in sources)
    ):
        # Inputs holding different cases: their merged history is chained meanwhile and copied
        # by SQLite (db.collation.history_copy).
        copies = ChainOfCopies(checked, inspection[0], target.parent)
    try:
        if copies is not None:
            copies.start()
            copies.stage()
        _write_target(
            sources, target, keep, keep_state, passphrase, copies, inspection, holders, general,
            report,
        )  # fmt: skip
    finally:
        if copies is not None:
            copies.close()
    report.cases = len(holders)
    return report


def _write_target(
    sources: Sequence[merge._Source],
    target: Path,
    keep: Callable[[CaseRecord], bool] | None,
    keep_state: Callable[[str], bool] | None,
    passphrase: str | None,
    copies: ChainOfCopies | None,
    inspection: tuple[Any, ...],
    holders: dict[str, list[int]],
    general: set[str],
    report: merge.BuildReport,
) -> None:
    checked = [s.checked for s in sources]
    bank = checked[0].bank
    store = InspectionStore.create(
        target,
        area=inspection[1],
        bank=bank,
        lead=inspection[5],
        inspection_id=inspection[0],
        passphrase=passphrase,
    )
    store.close()
    conn = merge.open_target(target, passphrase)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE inspection SET area = ?, lead = ?, fieldwork_start = ?, fieldwork_end = ?, "
            "created_at = ?",
            (inspection[1], inspection[5], inspection[6], inspection[7], inspection[8]),
        )
        conn.execute("UPDATE bank SET stored_at = ?", (min(c.bank_stored_at for c in checked),))
        records = _write_cases(conn, sources, holders, inspection, keep_state)
        if keep is None:  # a split file holds its cases only, not the lead's judgements
            _write_judgements(conn, sources)
        merge.applicability_rows(conn, bank, records)
        checked_tables = _write_rows(
            conn, sources, holders, general, inspection[0], report, passphrase is None, copies
        )
        conn.execute("COMMIT")
        _refuse_dangling(conn, checked_tables)
    except sqlite3.IntegrityError as exc:
        raise StoreError(
            f"the inputs hold rows the inspection schema refuses (SQLite says: {exc}); "
            "nothing was collated"
        ) from None
    finally:
        conn.close()


# Rows written here from the cases written and the bank's questions, which cannot dangle.
_MADE_HERE = frozenset({"applicability"})


def _refuse_dangling(conn: sqlite3.Connection, skip: set[str]) -> set[str]:
    """Refuse rows whose foreign key finds nothing, in any table the inputs' rows went to.

    The bulk load ran without per-row checks; this is the check. Returns the tables checked
    (all but those in `skip`, checked before or later).
    """
    checked = set()
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall():
        if table in _MADE_HERE or table in skip:
            continue
        dangling = conn.execute(f'PRAGMA foreign_key_check("{table}")').fetchmany(1)
        if dangling:
            raise StoreError(
                f"the inputs hold rows that do not fit together (in table {dangling[0][0]}); "
                "nothing was collated"
            )
        checked.add(table)
    return checked


def _write_cases(
    conn: sqlite3.Connection,
    sources: Sequence[merge._Source],
    holders: dict[str, list[int]],
    inspection: tuple[Any, ...],
    keep_state: Callable[[str], bool] | None,
) -> list[CaseRecord]:
    """Inspectors, cases, statuses, UI state and moderations: unions with a deterministic pick."""
    chosen: list[tuple[CaseRecord, int, str]] = []
    statuses: list[tuple[Any, ...]] = []
    for ref in sorted(holders):
        held = [sources[i] for i in holders[ref]]
        if len(held) == 1:  # the common case: one input's case, taken as it is
            record, position, added_at = held[0].cases[ref]
            status = held[0].statuses.get(ref) or ("not_started", added_at, None)
            chosen.append((record, position, added_at))
            statuses.append((ref, *status))
            continue
        variants = [
            (s.case_edits.get(ref, ""), merge.order_key(list(case_row(s.cases[ref][0]).values())))
            for s in held
        ]
        best = held[max(range(len(held)), key=lambda k: variants[k])]
        record = best.cases[ref][0]
        position = min(s.cases[ref][1] for s in held)
        added_at = min(s.cases[ref][2] for s in held)
        chosen.append((record, position, added_at))
        rows = [s.statuses[ref] for s in held if ref in s.statuses]
        if rows:
            status = max(
                rows, key=lambda r: (r[1], merge.STATUS_RANK[r[0]], merge.order_key(r[2:]))
            )
        else:
            status = ("not_started", added_at, None)
        statuses.append((ref, *status))
    used = {record.inspector for record, _, _ in chosen}
    for source in sources:
        for ref, answered_by in source.answer_inspectors.items():
            if ref in holders:
                used |= answered_by
    if inspection[5]:
        used.add(inspection[5])
    inspectors: dict[str, list[tuple[Any, ...]]] = {}
    for source in sources:
        for initials, is_lead, added_at in source.inspectors:
            if initials in used:
                inspectors.setdefault(initials, []).append((is_lead, added_at))
    missing = used - set(inspectors)
    for initials in missing:
        inspectors[initials] = [(int(initials == inspection[5]), inspection[8])]
    conn.execute("DELETE FROM inspectors")
    conn.executemany(
        "INSERT INTO inspectors (initials, is_lead, added_at) VALUES (?, ?, ?)",
        [
            (initials, max(r[0] for r in rows), min(r[1] for r in rows))
            for initials, rows in sorted(inspectors.items())
        ],
    )
    if chosen:
        names = list(merge.case_values(*chosen[0]))
        conn.executemany(
            f"INSERT INTO cases ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [tuple(merge.case_values(*c).values()) for c in chosen],
        )
    conn.executemany(
        "INSERT INTO case_status (case_ref, status, changed_at, changed_by) VALUES (?, ?, ?, ?)",
        statuses,
    )
    states: dict[str, list[tuple[Any, ...]]] = {}
    for source in sources:
        for key, value, updated_at in source.ui_state:
            if keep_state is None or keep_state(key):
                states.setdefault(key, []).append((updated_at, value))
    conn.executemany(
        "INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?)",
        [(key, *merge.pick(rows)[::-1]) for key, rows in sorted(states.items())],
    )
    moderations: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
    for source in sources:
        for ref, rows in source.moderations.items():
            if ref in holders:
                for row in rows:
                    moderations.setdefault(row[:3], []).append(row)
    conn.executemany(
        f"INSERT INTO moderations ({', '.join(merge.MODERATION_FIELDS)}) "
        f"VALUES ({', '.join('?' for _ in merge.MODERATION_FIELDS)})",
        [merge.pick(rows) for _, rows in sorted(moderations.items())],
    )
    return [record for record, _, _ in chosen]


def _write_judgements(conn: sqlite3.Connection, sources: Sequence[merge._Source]) -> None:
    """The lead's recorded judgements: every input's rows once, in the order they were made."""
    rows = sorted({row for source in sources for row in source.judgements}, key=merge.order_key)
    conn.executemany(
        f"INSERT INTO judgements ({', '.join(merge.JUDGEMENT_FIELDS)}) "
        f"VALUES ({', '.join('?' for _ in merge.JUDGEMENT_FIELDS)})",
        rows,
    )


def _write_rows(
    conn: sqlite3.Connection,
    sources: Sequence[merge._Source],
    holders: dict[str, list[int]],
    general: set[str],
    inspection_id: str,
    report: merge.BuildReport,
    plain: bool,
    copies: ChainOfCopies | None,
) -> set[str]:
    """History (merged, hash-chained), answers and conflict versions.

    Called inside a transaction and returns inside one; `plain` says the new file is not
    encrypted, so plain inputs' answers can be copied by SQLite itself. Returns the tables
    whose foreign keys were checked already (while the history was being chained).
    """
    counts = report.counts
    # Per input, the cases it brings (None: all of them).
    kept: list[set[str] | None] = []
    for index, source in enumerate(sources):
        held_here = {ref for ref, held in holders.items() if index in held}
        kept.append(None if len(held_here) == len(source.cases) else held_here)
    shared_refs = sorted(general)
    shared_history: dict[int, dict[str, list[merge.Row]]] = {}
    shared_answers: dict[int, dict[str, list[merge.Row]]] = {}
    merged_shared: dict[str, list[merge.Row]] = defaultdict(list)
    answers_schema = merge.drop_for_load(conn, ANSWERS_BULK)
    history_schema = merge.drop_for_load(
        conn, HISTORY_TRIGGERS if copies is not None else HISTORY_TRIGGERS + HISTORY_INDEXES
    )
    if copies is not None:
        conn.execute("COMMIT")  # ATTACH cannot happen inside a transaction
    else:
        # The rows of cases that need the general merge, per input (a small first pass).
        for index, source in enumerate(sources):
            held = [ref for ref in shared_refs if index in holders[ref]]
            if held:
                shared_history[index] = merge.case_rows(
                    source.conn, "answer_history", merge.HISTORY_FIELDS, held, "case_ref, id"
                )
                shared_answers[index] = merge.case_rows(
                    source.conn,
                    "answers",
                    merge.ANSWER_FIELDS,
                    held,
                    "case_ref, question_id, role",
                )
        report.history = _merge_history(
            conn, sources, kept, general, shared_history, merged_shared, inspection_id, counts
        )
        merge.remake(conn, history_schema)
        conn.execute("COMMIT")  # ATTACH cannot happen inside a transaction
    for index, source in enumerate(sources):
        bringing = kept[index]
        skip = set(source.cases) - bringing if bringing is not None else set()
        counts[index].answers_taken += _copy_answers(conn, source, skip | general, plain)
    conn.execute("BEGIN")
    answers = merge.RowWriter(conn, "answers", merge.ANSWER_FIELDS)
    versions = merge.RowWriter(conn, "answer_versions", merge.VERSION_FIELDS)
    for ref in shared_refs:
        parts = [
            (i, shared_history.get(i, {}).get(ref, []), shared_answers.get(i, {}).get(ref, []))
            for i in holders[ref]
        ]
        stored = [row for i in holders[ref] for row in sources[i].versions.get(ref, [])]
        result = merge.merge_case(merged_shared.get(ref, []), parts, stored, counts)
        answers.extend(result.answers)
        versions.extend(result.versions)
        report.conflict_keys.extend((v[0], v[1], v[2]) for v in result.versions if not v[8])
    answers.flush()
    versions.flush()
    merge.remake(conn, answers_schema)
    report.conflict_keys = sorted(set(report.conflict_keys))
    report.conflicts = len(report.conflict_keys)
    report.answers, report.second_reads = conn.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE role = 'second_read') FROM answers"
    ).fetchone()
    checked: set[str] = set()
    if copies is not None:
        # Everything but the history is in: check it while the history is being chained.
        checked = _refuse_dangling(conn, {"answer_history"})
        conn.execute("COMMIT")
        taken = copies.finish(conn)
        for index, count in enumerate(taken):
            counts[index].history_taken += count
        report.history = sum(taken)
        conn.execute("BEGIN")
        merge.remake(conn, history_schema)
    return checked


def _merge_history(
    conn: sqlite3.Connection,
    sources: Sequence[merge._Source],
    kept: list[set[str] | None],
    general: set[str],
    shared_history: dict[int, dict[str, list[merge.Row]]],
    merged_shared: dict[str, list[merge.Row]],
    inspection_id: str,
    counts: list[SourceCounts],
) -> int:
    """The general merge (db.collation.history_merge) written row by row; returns the rows written.

    The merged rows of shared cases are kept in `merged_shared` (their answers are merged after).
    """
    containers = Containers(
        {i: [r for rows in cases.values() for r in rows] for i, cases in shared_history.items()}
    )

    def on_shared(row: merge.Row, holding: list[int]) -> None:
        counts[holding[0]].history_taken += 1
        for other in holding[1:]:
            counts[other].history_known += 1

    alone = [0] * len(sources)

    def stream(index: int) -> Iterator[merge.Row]:
        mine, own = kept[index], 0
        for row in merge.history_stream(sources[index].conn):
            if mine is None or row[0] in mine:
                if row[0] not in general:
                    own += 1
                yield row
        alone[index] = own

    history = merge.HistoryWriter(conn, inspection_id)
    streams = [stream(i) for i in range(len(sources))]
    rows = merge_histories(streams, general.__contains__, containers, on_shared)
    if general:
        rows = _noting(rows, general, merged_shared)
    with merge.ignoring_checks(conn):  # every row is an input's, as it is, but for its hash
        history.extend(rows)
        history.flush()
    for index, own in enumerate(alone):
        counts[index].history_taken += own
    return history.next_id - 1


def _copy_answers(
    conn: sqlite3.Connection, source: merge._Source, skip: set[str], plain: bool
) -> int:
    """Copy an input's answers but those of `skip` cases; returns how many.

    A plain input into a plain file is attached (its private copy, never the original) and
    copied by one INSERT ... SELECT of named columns; otherwise the rows pass through Python.
    """
    fields = ", ".join(merge.ANSWER_FIELDS)
    if not plain or source.checked.passphrase is not None:
        writer = merge.RowWriter(conn, "answers", merge.ANSWER_FIELDS)
        conn.execute("BEGIN")
        batch: list[merge.Row] = []
        for row in merge.answer_stream(source.conn):
            if row[0] not in skip:
                batch.append(row)
                if len(batch) >= merge.BATCH:
                    writer.extend(batch)
                    batch = []
        writer.extend(batch)
        writer.flush()
        conn.execute("COMMIT")
        return writer.rows
    conn.execute("ATTACH DATABASE ? AS input", (str(source.checked.copy),))
    try:
        conn.execute("CREATE TEMP TABLE skipped (case_ref TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.executemany("INSERT INTO temp.skipped VALUES (?)", [(ref,) for ref in skip])
        with merge.ignoring_checks(conn):
            cursor = conn.execute(
                f"INSERT INTO main.answers ({fields}) SELECT {fields} FROM input.answers "
                "WHERE case_ref NOT IN (SELECT case_ref FROM temp.skipped)"
            )
        copied = cursor.rowcount
        conn.execute("DROP TABLE temp.skipped")
    finally:
        conn.execute("DETACH DATABASE input")
    return copied


def _noting(
    rows: Iterator[merge.Row], general: set[str], found: dict[str, list[merge.Row]]
) -> Iterator[merge.Row]:
    """Pass rows on, keeping those of shared cases aside (their answers are merged after)."""
    for row in rows:
        if row[0] in general:
            found[row[0]].append(row)
        yield row


def content_of(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of an inspection file, table by table in a fixed order (for comparing files).

    `_sqlite_migrations` is left out: sqlite-utils stamps it with the time a file was made.
    """
    conn = connect(Path(path), readonly=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        content = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            order = ", ".join(f"{c} IS NULL, {c}" for c in columns)
            content[table] = conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            ).fetchall()
        return content
    finally:
        conn.close()


def now_utc() -> datetime:
    return datetime.now(UTC)
