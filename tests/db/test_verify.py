"""The answer history's hash chain: intact through every kind of write, broken by any tampering."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlite_utils import Database

from db.file import history_chain
from db.file.cases import case_row
from db.file.connection import connect
from db.file.history_chain import verify_history
from db.file.schema import migrations
from db.file.store import InspectionStore, _write_bank

NOTE = "Told me about his brother's arrest"


@pytest.fixture
def history(store, store_path):
    """A closed file whose history has every kind of event: answers, notes, clears, status, case."""
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTE)  # 1, 2 (status)
    store.record_answer("C001", "A2", "no", inspector="JS", note="Plan ignored ETE")  # 3
    store.set_note("C001", "A2", "Plan ignored ETE and the school", inspector="JS")  # 4
    store.record_answer("C002", "A1", "no", inspector="KM")  # 5, 6
    store.clear_answer("C002", "A1", inspector="KM")  # 7
    store.update_case("C003", rosh="high")  # 8
    store.import_answers([{"case_ref": "C003", "question_id": "A1", "answer": "na"}])  # 9, 10
    store.record_answer("C002", "A1", "yes", inspector="KM", role="second_read")  # 11
    assert store.verify_history().ok
    store.close()
    return store_path


def _tampered(path, *statements):
    """A copy of the file changed with raw SQL, the append-only triggers dropped first."""
    copy = path.with_name("tampered.inspection")
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        for trigger in ("no_update", "no_delete", "needs_hash"):
            conn.execute(f"DROP TRIGGER answer_history_{trigger}")
        for statement in statements:
            conn.execute(statement)
        return verify_history(conn)
    finally:
        conn.close()


def _verify(path):
    conn = connect(path, readonly=True)
    try:
        return verify_history(conn)
    finally:
        conn.close()


def test_every_kind_of_write_keeps_the_chain(history):
    result = _verify(history)
    assert result.ok and result.problem is None
    assert result.rows == 11
    conn = sqlite3.connect(history)
    last = conn.execute("SELECT hash FROM answer_history ORDER BY id DESC LIMIT 1").fetchone()[0]
    nulls = conn.execute("SELECT COUNT(*) FROM answer_history WHERE hash IS NULL").fetchone()[0]
    conn.close()
    assert result.head == last and nulls == 0
    assert _verify(history).head == result.head  # the same walk gives the same head


def test_an_edited_row_is_named(history):
    result = _tampered(history, "UPDATE answer_history SET new_value = 'yes' WHERE id = 3")
    assert not result.ok and result.kind == "edited" and result.row_id == 3
    assert "history row 3 (case C001 A2" in result.problem
    assert "was edited after it was written" in result.problem


def test_an_edited_note_is_named_without_showing_the_note(history):
    result = _tampered(history, "UPDATE answer_history SET new_note = 'nothing' WHERE id = 1")
    assert result.kind == "edited" and result.row_id == 1
    assert NOTE not in result.problem and "nothing" not in result.problem


def test_a_deleted_row_is_named(history):
    result = _tampered(history, "DELETE FROM answer_history WHERE id = 5")
    assert result.kind == "deleted" and result.row_id == 6
    assert "row 5 before history row 6" in result.problem and "deleted" in result.problem
    several = _tampered(history, "DELETE FROM answer_history WHERE id IN (1, 2)")
    assert several.kind == "deleted" and "rows 1 to 2 before history row 3" in several.problem


def test_an_inserted_row_is_named(history):
    result = _tampered(
        history,
        "INSERT INTO answer_history (case_ref, question_id, role, event, old_value, new_value, "
        "inspector, at) VALUES ('C002', 'A3', 'primary', 'answer', NULL, 'yes', 'KM', "
        "'2015-03-16T12:00:00.000+00:00')",
    )
    assert result.kind == "inserted" and result.row_id == 12
    assert "history row 12 (case C002 A3" in result.problem


def test_a_row_slipped_in_by_renumbering_is_named(history):
    forged = "ab" * 32  # looks like a hash, chains to nothing
    result = _tampered(
        history,
        "UPDATE answer_history SET id = -id WHERE id >= 5",
        "UPDATE answer_history SET id = 1 - id WHERE id < 0",
        "INSERT INTO answer_history (id, case_ref, question_id, role, event, new_value, "
        f"inspector, at, hash) VALUES (5, 'C002', 'A1', 'primary', 'answer', 'yes', 'KM', "
        f"'2015-03-16T09:06:00.000+00:00', '{forged}')",
    )
    assert result.kind == "inserted" and result.row_id == 5
    assert "history row 5 (case C002 A1" in result.problem and "inserted" in result.problem


def test_an_answer_changed_outside_its_history_is_named(history):
    result = _tampered(
        history,
        "UPDATE answers SET value = 'yes' WHERE case_ref = 'C001' AND question_id = 'A2'",
    )
    assert result.kind == "answers" and result.head is not None
    assert "the primary answer to A2 of case C001 is not what its history records" in (
        result.problem
    )
    # Deleting the last row leaves a whole chain, but the answer it recorded gives it away.
    last = _tampered(history, "DELETE FROM answer_history WHERE id = 11")
    assert last.kind == "answers" and "second_read answer to A1 of case C002" in last.problem


def test_a_row_without_its_hash_is_refused_while_the_triggers_stand(history):
    conn = sqlite3.connect(history)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="answer_history rows are appended by"):
            conn.execute(
                "INSERT INTO answer_history (case_ref, event, inspector, at) "
                "VALUES ('C001', 'status', 'JS', 'now')"
            )
    finally:
        conn.close()


def test_a_file_from_before_the_chain_is_hashed_when_it_is_upgraded(tmp_path, bank, make_case):
    """A schema-1 file with history gets its chain on the first open for writing."""
    path = tmp_path / "old.inspection"
    conn = connect(path, create=True)
    migrations.apply(
        Database(conn, recursive_triggers=False, execute_plugins=False),
        stop_before="m002_history_chain",
    )
    now = "2015-03-16T09:00:00.000+00:00"
    _write_bank(conn, bank, now)
    conn.execute(
        "INSERT INTO inspection (id, area, bank_id, bank_version, bank_hash, created_at) "
        "VALUES ('0123456789abcdef', 'Lambeth', ?, ?, ?, ?)",
        (bank.id, bank.version, bank.content_hash, now),
    )
    conn.execute("INSERT INTO inspectors (initials, added_at) VALUES ('JS', ?)", (now,))
    case = make_case("C001")
    row = case_row(case) | {"position": 1, "added_at": now}
    conn.execute(
        f"INSERT INTO cases ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        tuple(row.values()),
    )
    conn.executemany(
        "INSERT INTO applicability VALUES (?, ?, ?)",
        [("C001", q.id, int(q.applies(case.condition_values()))) for q in bank.questions],
    )
    conn.execute("INSERT INTO case_status VALUES ('C001', 'in_progress', ?, 'JS')", (now,))
    conn.execute(
        "INSERT INTO answers VALUES ('C001', 'A1', 'primary', 'yes', NULL, 'JS', ?, ?)",
        (bank.version, now),
    )
    conn.execute(
        "INSERT INTO answer_history (case_ref, question_id, role, event, new_value, inspector, "
        "at) VALUES ('C001', 'A1', 'primary', 'answer', 'yes', 'JS', ?)",
        (now,),
    )
    conn.close()
    with InspectionStore.open(path) as store:
        assert store.verify_history().ok and store.verify_history().rows == 1
        store.record_answer("C001", "A2", "yes", inspector="JS")
        result = store.verify_history()
    assert result.ok and result.rows == 2


def test_genesis_ties_the_chain_to_its_inspection(history):
    """The same rows under another inspection id do not verify: a chain cannot be moved."""
    result = _tampered(history, "UPDATE inspection SET id = 'another'")
    assert result.kind == "edited" and result.row_id == 1
    assert history_chain.genesis("a") != history_chain.genesis("b")
