"""The collated file's big tables: the history (merged and hash-chained), answers, versions.

Written in bulk inside the build's transaction (db.collation.build): indexes and triggers are
set aside while the rows go in and made again after, and the foreign keys are checked once.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence

from db.collation import bulk, merge
from db.collation.history_copy import ChainOfCopies
from db.collation.history_merge import Containers, merge_histories
from db.collation.input_facts import Source, answer_stream, case_rows, history_stream
from db.collation.merge import BuildReport, SourceCounts
from db.collation.tables import ANSWER_FIELDS, BATCH, HISTORY_FIELDS, VERSION_FIELDS, Row

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


def write_rows(
    conn: sqlite3.Connection,
    sources: Sequence[Source],
    holders: dict[str, list[int]],
    general: set[str],
    inspection_id: str,
    report: BuildReport,
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
    held_here: list[set[str]] = [set() for _ in sources]
    for ref, holding in holders.items():
        for index in holding:
            held_here[index].add(ref)
    kept: list[set[str] | None] = [
        None if len(mine) == len(source.cases) else mine
        for mine, source in zip(held_here, sources, strict=True)
    ]
    shared_refs = sorted(general)
    shared_history: dict[int, dict[str, list[Row]]] = {}
    shared_answers: dict[int, dict[str, list[Row]]] = {}
    merged_shared: dict[str, list[Row]] = defaultdict(list)
    answers_schema = bulk.drop_for_load(conn, ANSWERS_BULK)
    history_schema = bulk.drop_for_load(
        conn, HISTORY_TRIGGERS if copies is not None else HISTORY_TRIGGERS + HISTORY_INDEXES
    )
    if copies is not None:
        conn.execute("COMMIT")  # ATTACH cannot happen inside a transaction
    else:
        # The rows of cases that need the general merge, per input (a small first pass).
        for index, source in enumerate(sources):
            held = [ref for ref in shared_refs if index in holders[ref]]
            if held:
                shared_history[index] = case_rows(
                    source.conn, "answer_history", HISTORY_FIELDS, held, "case_ref, id"
                )
                shared_answers[index] = case_rows(
                    source.conn,
                    "answers",
                    ANSWER_FIELDS,
                    held,
                    "case_ref, question_id, role",
                )
        report.history = _merge_history(
            conn, sources, kept, general, shared_history, merged_shared, inspection_id, counts
        )
        bulk.remake(conn, history_schema)
        conn.execute("COMMIT")  # ATTACH cannot happen inside a transaction
    for index, source in enumerate(sources):
        bringing = kept[index]
        if bringing is not None and not bringing:
            continue  # it brings none of its cases
        skip = set(source.cases) - bringing if bringing is not None else set()
        counts[index].answers_taken += _copy_answers(conn, source, skip | general, plain)
    conn.execute("BEGIN")
    answers = bulk.RowWriter(conn, "answers", ANSWER_FIELDS)
    versions = bulk.RowWriter(conn, "answer_versions", VERSION_FIELDS)
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
    bulk.remake(conn, answers_schema)
    report.conflict_keys = sorted(set(report.conflict_keys))
    report.conflicts = len(report.conflict_keys)
    report.answers, report.second_reads = conn.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE role = 'second_read') FROM answers"
    ).fetchone()
    checked: set[str] = set()
    if copies is not None:
        # Everything but the history is in: check it while the history is being chained.
        checked = bulk.refuse_dangling(conn, {"answer_history"})
        conn.execute("COMMIT")
        taken = copies.finish(conn)
        for index, count in zip(copies.sources, taken, strict=True):
            counts[index].history_taken += count
        report.history = sum(taken)
        conn.execute("BEGIN")
        bulk.remake(conn, history_schema)
    return checked


def _merge_history(
    conn: sqlite3.Connection,
    sources: Sequence[Source],
    kept: list[set[str] | None],
    general: set[str],
    shared_history: dict[int, dict[str, list[Row]]],
    merged_shared: dict[str, list[Row]],
    inspection_id: str,
    counts: list[SourceCounts],
) -> int:
    """The general merge (db.collation.history_merge) written row by row; returns the rows written.

    The merged rows of shared cases are kept in `merged_shared` (their answers are merged after).
    """
    containers = Containers(
        {i: [r for rows in cases.values() for r in rows] for i, cases in shared_history.items()}
    )

    def on_shared(row: Row, holding: list[int]) -> None:
        counts[holding[0]].history_taken += 1
        for other in holding[1:]:
            counts[other].history_known += 1

    alone = [0] * len(sources)

    def stream(index: int) -> Iterator[Row]:
        mine, own = kept[index], 0
        for row in history_stream(sources[index].conn):
            if mine is None or row[0] in mine:
                if row[0] not in general:
                    own += 1
                yield row
        alone[index] = own

    history = bulk.HistoryWriter(conn, inspection_id)
    streams = [stream(i) for i in range(len(sources))]
    rows = merge_histories(streams, general.__contains__, containers, on_shared)
    if general:
        rows = _noting(rows, general, merged_shared)
    with bulk.ignoring_checks(conn):  # every row is an input's, as it is, but for its hash
        history.extend(rows)
        history.flush()
    for index, own in enumerate(alone):
        counts[index].history_taken += own
    return history.next_id - 1


def _copy_answers(conn: sqlite3.Connection, source: Source, skip: set[str], plain: bool) -> int:
    """Copy an input's answers but those of `skip` cases; returns how many.

    A plain input into a plain file is attached (its private copy, never the original) and
    copied by one INSERT ... SELECT of named columns; otherwise the rows pass through Python.
    """
    fields = ", ".join(ANSWER_FIELDS)
    if not plain or source.checked.passphrase is not None:
        writer = bulk.RowWriter(conn, "answers", ANSWER_FIELDS)
        conn.execute("BEGIN")
        batch: list[Row] = []
        for row in answer_stream(source.conn):
            if row[0] not in skip:
                batch.append(row)
                if len(batch) >= BATCH:
                    writer.extend(batch)
                    batch = []
        writer.extend(batch)
        writer.flush()
        conn.execute("COMMIT")
        return writer.rows
    skip = {ref for ref in source.cases if ref in skip}  # of its cases, those it does not bring
    conn.execute("ATTACH DATABASE ? AS input", (str(source.checked.copy),))
    try:
        where = ""
        if skip:
            conn.execute("CREATE TEMP TABLE skipped (case_ref TEXT PRIMARY KEY) WITHOUT ROWID")
            conn.executemany("INSERT INTO temp.skipped VALUES (?)", [(ref,) for ref in skip])
            where = " WHERE case_ref NOT IN (SELECT case_ref FROM temp.skipped)"
        with bulk.ignoring_checks(conn):
            cursor = conn.execute(
                f"INSERT INTO main.answers ({fields}) SELECT {fields} FROM input.answers{where}"
            )
        copied = cursor.rowcount
        if skip:
            conn.execute("DROP TABLE temp.skipped")
    finally:
        conn.execute("DETACH DATABASE input")
    return copied


def _noting(rows: Iterator[Row], general: set[str], found: dict[str, list[Row]]) -> Iterator[Row]:
    """Pass rows on, keeping those of shared cases aside (their answers are merged after)."""
    for row in rows:
        if row[0] in general:
            found[row[0]].append(row)
        yield row
