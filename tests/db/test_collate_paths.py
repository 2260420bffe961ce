"""Inputs holding different cases take the SQL copy of history; it writes what the row-by-row
merge writes, whatever the order of the inputs and however their clocks ran."""

from __future__ import annotations

import dataclasses
import heapq
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from collate_files import Clock, make_master
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import db.collation.collate
import db.collation.history_copy
import db.file.history_chain
from db.collation.collate import collate, content_of
from db.collation.export import split
from db.collation.history_copy import ChainOfCopies
from db.collation.history_merge import LEAST_KEY, case_key, merge_runs
from db.collation.inputs import check_inputs
from db.errors import StoreError
from db.file.connection import connect
from db.file.history_chain import verify_history
from db.file.store import InspectionStore

op = st.tuples(
    st.integers(0, 1),  # which of the file's two cases
    st.sampled_from(("A1", "A2", "A3", "R1", "R2")),
    st.sampled_from(("yes", "no", "na", "clear")),
    st.sampled_from(("primary", "second_read")),
)
# Sessions on chosen days, in any order: a file's clock may run backwards, and files tie in time.
sessions = st.lists(st.tuples(st.integers(16, 18), st.lists(op, max_size=5)), max_size=3)


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handed")
    master = make_master(folder / "lambeth.sqlite")
    with InspectionStore.open(master, clock=Clock(day=10)) as store:
        store.record_answer("C001", "A1", "yes", inspector="JS")
    out = folder / "out"
    out.mkdir()
    return {f.inspector: f.path for f in split(master, out)}


def answered(base: Path, path: Path, plan) -> Path:
    shutil.copyfile(base, path)
    for day, ops in plan:
        with InspectionStore.open(path, clock=Clock(day=day)) as store:
            refs = [c.case_ref for c in store.cases()]
            for which, qid, value, role in ops:
                ref = refs[which % len(refs)]
                who = store.case(ref).inspector if role == "primary" else "AB"
                try:
                    if value == "clear":
                        store.clear_answer(ref, qid, inspector=who, role=role)
                    else:
                        note = "evidence" if value == "no" else None
                        store.record_answer(ref, qid, value, inspector=who, role=role, note=note)
                except StoreError:
                    pass  # a question that does not apply to the case
    return path


def row_by_row(monkeypatch):
    """Collation with the chained histories dropped, so every row goes through Python."""

    def checked_without_chains(*args, **kwargs):
        return [dataclasses.replace(c, chained=None) for c in check_inputs(*args, **kwargs)]

    monkeypatch.setattr(db.collation.collate, "check_inputs", checked_without_chains)


@settings(
    max_examples=int(os.environ.get("COLLATE_LAW_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(js=sessions, km=sessions)
def test_the_sql_copy_writes_what_the_row_by_row_merge_writes(handed_out, js, km):
    with tempfile.TemporaryDirectory() as name, pytest.MonkeyPatch.context() as patch:
        folder = Path(name)
        inputs = [
            answered(handed_out["JS"], folder / "js.sqlite", js),
            answered(handed_out["KM"], folder / "km.sqlite", km),
        ]
        copied: list[int] = []
        real = ChainOfCopies.start
        patch.setattr(ChainOfCopies, "start", lambda self: copied.append(1) or real(self))
        reverse = collate(inputs[::-1], folder / "reverse.sqlite")  # chained here
        patch.setattr(db.collation.history_copy, "OWN_PROCESS_FROM", 0)
        # chained by a process of its own, merged from chunks of two rows (merge_runs' fence)
        patch.setattr(db.file.history_chain, "_BATCH", 2)
        fast = collate(inputs, folder / "fast.sqlite")
        patch.setattr(db.file.history_chain, "_BATCH", 512)
        assert len(copied) == 2, "inputs of different cases take the SQL copy"
        row_by_row(patch)
        slow = collate(inputs, folder / "slow.sqlite")
        assert content_of(folder / "fast.sqlite") == content_of(folder / "slow.sqlite")
        assert content_of(folder / "reverse.sqlite") == content_of(folder / "slow.sqlite")
        assert fast.as_dict() | {"out": ""} == slow.as_dict() | {"out": ""}
        assert [i.counts for i in reverse.inputs] == [i.counts for i in fast.inputs][::-1]
        conn = connect(folder / "fast.sqlite", readonly=True)
        try:
            assert verify_history(conn).ok
        finally:
            conn.close()


# Rows of one input's cases: (case, at), `at` None at times; an input's clock may run backwards.
input_rows = st.lists(st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 9))))


@given(inputs=st.lists(st.tuples(input_rows, st.integers(1, 4)), max_size=6))
def test_merge_runs_is_the_heap_merge_of_the_rows(inputs):
    """merge_runs (sorts by each input's greatest key so far, from chunks of any size) gives
    what heapq.merge(..., key=case_key) gives of inputs holding different cases."""
    streams, runs = [], []
    for index, (rows, size) in enumerate(inputs):
        rows = [(f"C{index}-{case}", *([None] * 8), None if at is None else f"T{at}", None)
                for case, at in rows]  # fmt: skip
        streams.append(rows)
        latest, entries = LEAST_KEY, []
        for position, row in enumerate(rows):
            latest = max(latest, case_key(row))
            entries.append((latest, row, index, position))
        runs.append(iter([entries[i : i + size] for i in range(0, len(entries), size)]))
    merged = [entry[1] for batch in merge_runs(runs) for entry in batch]
    assert merged == list(heapq.merge(*streams, key=case_key))


def test_shared_cases_take_the_row_by_row_merge(handed_out, tmp_path, monkeypatch):
    copied: list[int] = []
    monkeypatch.setattr(ChainOfCopies, "start", lambda self: copied.append(1))
    js = answered(handed_out["JS"], tmp_path / "js.sqlite", [(16, [(0, "A2", "yes", "primary")])])
    again = answered(js, tmp_path / "again.sqlite", [(17, [(0, "A2", "no", "primary")])])
    assert content_of(again) != content_of(js), "the case was changed apart in the second file"
    collate([js, again], tmp_path / "out.sqlite")
    assert not copied


def test_an_output_collated_again_with_one_of_its_inputs_takes_the_sql_copy(
    handed_out, tmp_path, monkeypatch
):
    """The input brings nothing the output lacks: it is counted as already there, and the rest
    keeps the fast path; the file is what the row-by-row merge writes."""
    js = answered(handed_out["JS"], tmp_path / "js.sqlite", [(16, [(0, "A2", "yes", "primary")])])
    km = answered(handed_out["KM"], tmp_path / "km.sqlite", [(17, [(1, "A1", "no", "primary")])])
    out = tmp_path / "out.sqlite"
    first = collate([js, km], out)
    merged = content_of(out)
    slow_out = tmp_path / "slow.sqlite"
    shutil.copyfile(out, slow_out)
    copied: list[int] = []
    real = ChainOfCopies.start
    monkeypatch.setattr(ChainOfCopies, "start", lambda self: copied.append(1) or real(self))
    fast = collate([km], out)
    assert copied == [1], "the output and one of its inputs take the SQL copy"
    assert content_of(out) == merged
    row_by_row(monkeypatch)
    slow = collate([km], slow_out)
    assert content_of(slow_out) == merged
    assert [i.counts for i in fast.inputs] == [i.counts for i in slow.inputs]
    assert fast.lines()[0].replace(str(out), "") == slow.lines()[0].replace(str(slow_out), "")
    km_counts = fast.inputs[1].counts
    assert (km_counts.cases_new, km_counts.answers_taken, km_counts.history_taken) == (0, 0, 0)
    assert km_counts.history_known == first.inputs[1].counts.history_taken


def test_one_file_alone_is_copied_with_its_own_chain(handed_out, tmp_path, monkeypatch):
    """A history one input brings alone is its own merge: its rows and hashes, numbered afresh."""
    js = answered(handed_out["JS"], tmp_path / "js.sqlite", [(16, [(0, "A2", "yes", "primary")])])
    fast = collate([js], tmp_path / "fast.sqlite")
    row_by_row(monkeypatch)
    slow = collate([js], tmp_path / "slow.sqlite")
    assert content_of(tmp_path / "fast.sqlite") == content_of(tmp_path / "slow.sqlite")
    assert [i.counts for i in fast.inputs] == [i.counts for i in slow.inputs]
    assert fast.history == slow.history > 0


def test_one_file_alone_numbered_with_gaps_is_numbered_afresh(handed_out, tmp_path, monkeypatch):
    """Ids are not hashed: a file whose history ids run 11, 12, 13... is sound, and collated
    into 1, 2, 3... as the row-by-row merge numbers it."""
    js = answered(handed_out["JS"], tmp_path / "js.sqlite", [(16, [(0, "A2", "yes", "primary")])])
    conn = sqlite3.connect(js, isolation_level=None)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'answer_history'"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE answer_history SET id = id + 10")
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()
    fast = collate([js], tmp_path / "fast.sqlite")
    row_by_row(monkeypatch)
    slow = collate([js], tmp_path / "slow.sqlite")
    assert content_of(tmp_path / "fast.sqlite") == content_of(tmp_path / "slow.sqlite")
    ids = [r[0] for r in content_of(tmp_path / "fast.sqlite")["answer_history"]]
    assert sorted(ids) == list(range(1, fast.history + 1)) and slow.history == fast.history


@pytest.mark.parametrize(
    "dangling",
    [
        "INSERT INTO answers VALUES ('C404', 'A1', 'primary', 'yes', NULL, 'JS', '1', 'now')",
        "INSERT INTO answers VALUES ('C001', 'Z9', 'second_read', 'yes', NULL, 'JS', '1', 'now')",
        # Between the values there (the indexed keys are read a seek per value, least first).
        "INSERT INTO answers VALUES ('C001a', 'A1', 'primary', 'yes', NULL, 'JS', '1', 'now')",
        "INSERT INTO answers VALUES ('C001', 'A1a', 'primary', 'yes', NULL, 'JS', '1', 'now')",
        "INSERT INTO answers VALUES ('C001', 1, 'primary', 'yes', NULL, 'JS', '1', 'now')",
        "INSERT INTO answer_history (case_ref, event, inspector, at, hash) "
        "VALUES (x'43303031', 'status', 'JS', 'now', 'x')",
        "UPDATE answers SET inspector = 'ZZ' WHERE case_ref = 'C001'",
        # A parent key of nothing (NULL) is no parent of anything.
        "INSERT INTO inspectors VALUES (NULL, 0, 'now'); "
        "UPDATE answers SET inspector = 'ZZ' WHERE case_ref = 'C001'",
        "INSERT INTO answer_history (case_ref, event, inspector, at, hash) "
        "VALUES ('C404', 'status', 'JS', 'now', 'x')",
        "INSERT INTO case_status VALUES ('C404', 'in_progress', 'now', 'JS')",
    ],
)
def test_the_check_of_the_written_rows_finds_what_foreign_key_check_finds(
    handed_out, tmp_path, dangling
):
    """Collation's own check of the rows it loaded (db.collation.bulk.refuse_dangling) asks each
    key's distinct values; it refuses every row SQLite's foreign_key_check finds, naming the
    table, and passes a sound file."""
    from db.collation import bulk

    out = tmp_path / "out.sqlite"
    collate(list(handed_out.values()), out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        assert bulk.refuse_dangling(conn, set())
        for trigger in ("no_update", "no_delete", "needs_hash"):
            conn.execute(f"DROP TRIGGER answer_history_{trigger}")
        conn.executescript(dangling)
        found = {row[0] for row in conn.execute("PRAGMA foreign_key_check")}
        assert len(found) == 1
        with pytest.raises(StoreError, match=f"in table {found.pop()}"):
            bulk.refuse_dangling(conn, set())
    finally:
        conn.close()


def _two_files(handed_out, folder: Path) -> list[Path]:
    return [
        answered(handed_out["JS"], folder / "js.sqlite", [(16, [(0, "A2", "yes", "primary")])]),
        answered(handed_out["KM"], folder / "km.sqlite", [(17, [(1, "A1", "no", "primary")])]),
    ]


def test_a_history_that_cannot_be_staged_refuses_the_collation(handed_out, tmp_path, monkeypatch):
    """The rows are staged by one thread of the history's process and written by another: when
    the staging stops, the writing stops and the merge is not left waiting; nothing is written."""
    inputs = _two_files(handed_out, tmp_path)
    monkeypatch.setattr(db.collation.history_copy, "OWN_PROCESS_FROM", 0)
    monkeypatch.setattr(db.collation.history_copy, "_stage_one", lambda conn, copy: (0, 0))
    out = tmp_path / "out.sqlite"
    with pytest.raises(StoreError, match=r"could not be merged \(.*changed while it was collated"):
        collate(inputs, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".audit-tui")] == []


def test_a_merge_that_stops_stops_the_history_writer(handed_out, tmp_path, monkeypatch):
    """When merging the entries fails half way, the thread writing the batches is stopped."""
    from db.collation.inputs import ChainedHistory

    inputs = _two_files(handed_out, tmp_path)
    real = ChainedHistory.chunks

    def broken(self):
        yield from list(real(self))[:1]
        raise OSError("the disk went away")

    monkeypatch.setattr(db.collation.history_copy, "OWN_PROCESS_FROM", 0)
    monkeypatch.setattr(ChainedHistory, "chunks", broken)
    out = tmp_path / "out.sqlite"
    with pytest.raises(StoreError, match=r"could not be merged \(the disk went away\)"):
        collate(inputs, out)
    assert not out.exists()
