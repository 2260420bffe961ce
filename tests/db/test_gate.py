"""The gate every open passes (db/file/checks.py): a stored value audit-tui would not write is
refused by case and column, never quoted; the schema is compared by its digest."""

from __future__ import annotations

import sqlite3

import pytest

from db.errors import StoreError
from db.file.checks import check_file
from db.file.store import InspectionStore

SECRET = "zzzsecret"

# column -> a value the case record refuses (each written past SQLite's own CHECKs by hand).
BAD_CASE_VALUES = {
    "case_ref": "C 1",
    "inspector": "j.s",
    "case_manager_role": SECRET,
    "age": SECRET,
    "gender": SECRET,
    "ethnicity": SECRET,
    "disposal": SECRET,
    "status": SECRET,
    "start_date": SECRET,
    "end_date": "2000-01-01",  # before the start
    "rosh": SECRET,
    "vulnerability": SECRET,
    "looked_after": SECRET,
    "psr_prepared": 7,
    "bame": 5,
    "custody": SECRET,
}


def _edit(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def closed(store, store_path):
    store.record_answer("C002", "A1", "yes", inspector="KM")
    store.close()
    return store_path


@pytest.mark.parametrize("column", BAD_CASE_VALUES)
def test_a_stored_case_field_off_its_vocabulary_is_named_not_quoted(closed, column):
    _edit(closed, f"UPDATE cases SET {column} = ? WHERE case_ref = 'C002'", BAD_CASE_VALUES[column])
    for readonly in (True, False):
        with pytest.raises(StoreError) as refused:
            InspectionStore.open(closed, readonly=readonly)
        message = str(refused.value).replace(str(closed), "FILE")
        assert SECRET not in message and str(BAD_CASE_VALUES[column]) not in message
        if column == "case_ref":
            assert "in a case reference" in message
        else:
            assert f"in case C002's {column}," in message


def test_every_enum_field_of_the_case_record_is_checked():
    from enum import StrEnum

    from db.file.checks import _unknown_case_value_sql
    from question_bank.case import CaseRecord

    enums = [
        name
        for name, field in CaseRecord.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, StrEnum)
    ]
    assert enums and all(f"THEN '{name}'" in _unknown_case_value_sql() for name in enums)


@pytest.mark.parametrize("by_seek", [False, True])
def test_an_answer_off_its_scale_is_named_by_case_and_question(closed, monkeypatch, by_seek):
    """Its (question, value) pairs read in one pass, or a seek each as in a large file."""
    import db.file.distinct

    if by_seek:
        monkeypatch.setattr(db.file.distinct, "_SEEKS_FROM_PAGES", 0)
    _edit(closed, "UPDATE answers SET value = ? WHERE case_ref = 'C002'", SECRET)
    with pytest.raises(StoreError, match="in case C002's answer to A1,") as refused:
        check_file(closed)
    assert SECRET not in str(refused.value)


def test_a_reordered_or_respaced_schema_of_ours_still_passes(closed):
    """The digest is of the schema's meaning as sqlite_master holds it, not of the file's bytes."""
    _edit(closed, "VACUUM")
    assert check_file(closed).schema_version >= 1


def test_an_index_added_by_hand_is_refused_by_name(closed):
    _edit(closed, "CREATE INDEX mine ON answers(note)")
    with pytest.raises(StoreError, match=r"carries schema objects .* \(index mine\)"):
        check_file(closed)


@pytest.mark.parametrize(
    "edit",
    [
        ("UPDATE answers SET value = ? WHERE case_ref = 'C002'", SECRET),
        ("CREATE INDEX mine ON answers(note)",),
        ("UPDATE cases SET gender = ? WHERE case_ref = 'C002'", SECRET),
    ],
)
def test_the_gate_on_the_callers_connection_refuses_as_the_gate_does(closed, edit):
    """Collation checks each input's copy through the one connection it reads it by."""
    from db.file.checks import _SOUND, check_open_file
    from db.file.connection import connect

    _edit(closed, *edit)
    _SOUND.clear()  # a file that passed in this process is not checked again: not the case here
    with pytest.raises(StoreError) as alone:
        check_file(closed)
    conn = connect(closed, readonly=True)
    try:
        with pytest.raises(StoreError) as shared:
            check_open_file(closed, conn)
        assert str(shared.value) == str(alone.value)
        assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] > 0  # still open
    finally:
        conn.close()


def test_the_gate_on_the_callers_connection_passes_a_sound_file(closed):
    from db.file.checks import check_open_file
    from db.file.connection import connect

    conn = connect(closed, readonly=True)
    try:
        assert check_open_file(closed, conn) == check_file(closed)
    finally:
        conn.close()
