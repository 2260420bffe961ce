"""The de-identified copy: no notes, no case references, only what the figures need."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from db.errors import StoreError
from db.file.connection import is_encrypted
from db.file.store import InspectionStore
from db.protection.deidentify import case_code, deidentified_copy

NOTES = ("Mother says the school excluded him twice", "Plan ignored ETE", "Reason kept home")


@pytest.fixture
def answered(store):
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTES[0])
    store.record_answer("C001", "A2", "no", inspector="JS", note=NOTES[1])
    store.record_answer("C002", "A1", "no", inspector="KM")
    store.record_answer("C002", "A1", "yes", inspector="KM", reason=NOTES[2])
    store.record_answer("C002", "A1", "yes", inspector="JS", role="second_read")
    store.update_case("C003", ethnicity="black_african")
    store.set_state("last_case", "C003")
    return store


def test_no_note_reason_or_case_reference_leaves(answered, tmp_path):
    target = tmp_path / "for-analysts.sqlite"
    done = deidentified_copy(answered, target)
    assert (done.cases, done.answers) == (3, 4)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = target.read_bytes()
    for text in (*NOTES, "C001", "C002", "C003", "black_african", "white_british", "2014-07-01"):
        assert text.encode() not in data, text
    assert answered.inspection.id.encode() not in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("for-")] == [target.name]


def test_the_figures_can_still_be_computed(answered, tmp_path):
    target = tmp_path / "for-analysts.sqlite"
    deidentified_copy(answered, target)
    conn = sqlite3.connect(target)
    try:
        code = case_code("C001", answered.inspection.id)
        assert code.startswith("K") and len(code) == 9
        row = conn.execute(
            "SELECT inspector, gender, bame, custody, start_month, end_month, progress "
            "FROM cases WHERE case_code = ?",
            (code,),
        ).fetchone()
        assert row == ("JS", "male", 0, 0, "2014-07", None, "in_progress")
        columns = {r[1] for r in conn.execute("PRAGMA table_info(cases)")}
        assert not columns & {
            "case_ref", "ethnicity", "age", "start_date", "child_protection_plan", "looked_after"
        }  # fmt: skip
        history = {r[1] for r in conn.execute("PRAGMA table_info(history)")}
        assert "month" in history and "day" not in history
        assert {m for (m,) in conn.execute("SELECT month FROM history")} == {"2015-03"}
        counts = dict(
            ((q, v), n)
            for q, v, n in conn.execute("SELECT question_id, value, answers FROM question_counts")
        )
        expected = answered.answer_counts()
        assert counts == {(q, v): n for q, values in expected.items() for v, n in values.items()}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "ui_state" not in tables
        events = {r[0] for r in conn.execute("SELECT DISTINCT event FROM history")}
        assert events <= {"answer", "clear", "status"}
    finally:
        conn.close()


def test_codes_are_stable_per_inspection_and_the_copy_can_be_encrypted(answered, tmp_path):
    assert case_code("C001", "a") == case_code("C001", "a") != case_code("C001", "b")
    target = tmp_path / "sealed.sqlite"
    deidentified_copy(answered, target, passphrase="correct horse battery")
    assert is_encrypted(target)
    with pytest.raises(StoreError, match="already exists"):
        deidentified_copy(answered, target)


def test_a_readonly_store_of_an_encrypted_file_can_be_exported(tmp_path, bank, make_case):
    path = tmp_path / "secret.inspection"
    store = InspectionStore.create(path, area="Lambeth", bank=bank, passphrase="long passphrase")
    store.add_cases([make_case("C001")])
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTES[0])
    store.close()
    with InspectionStore.open(path, readonly=True, passphrase="long passphrase") as source:
        deidentified_copy(source, tmp_path / "out.sqlite")
    assert NOTES[0].encode() not in (tmp_path / "out.sqlite").read_bytes()
