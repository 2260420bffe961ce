"""Hostile inputs: each refused with one sentence naming it, every input byte for byte as it was.

The files come from other laptops. A truncated copy, another inspection's file, a file of
another bank version, an SQLite file that is not an inspection, a file carrying a trigger or a
view of its own (one that would write somewhere if it ran), a file whose manifest does not
describe it: collation refuses each before writing anything, never runs their SQL, and leaves
no output, no -wal or -shm beside any input, and no work folder behind.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from collate_files import answer, fingerprint, make_master, small_bank
from factories import run_sql

from db.collation.collate import collate
from db.collation.export import export, split
from db.errors import StoreError

PAGE = 4096


@pytest.fixture
def good(tmp_path) -> tuple[Path, Path]:
    """Two sound inspector files (JS and KM) in their own folder."""
    (tmp_path / "master").mkdir()
    master = make_master(tmp_path / "master" / "lambeth.sqlite")
    folder = tmp_path / "in"
    folder.mkdir()
    files = {f.inspector: f.path for f in split(master, folder)}
    answer(files["JS"], [("C001", "A1", "yes"), ("C001", "A2", "no")])
    answer(files["KM"], [("C002", "A3", "yes")])
    return files["JS"], files["KM"]


def truncated(good: Path) -> Path:
    bad = good.with_name("truncated.sqlite")
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) // 2 // PAGE * PAGE])
    return bad


def other_inspection(good: Path) -> Path:
    return make_master(good.with_name("croydon.sqlite"), inspection_id="d" * 32)


def other_bank_version(good: Path) -> Path:
    return make_master(good.with_name("bank-v2.sqlite"), small_bank(version="2"))


def not_an_inspection(good: Path) -> Path:
    bad = good.with_name("notes.sqlite")
    run_sql(bad, "CREATE TABLE notes (case_ref TEXT, note TEXT)",
         "INSERT INTO notes VALUES ('C001', 'x')")  # fmt: skip
    return bad


def writing_trigger(good: Path) -> Path:
    bad = good.with_name("trigger.sqlite")
    shutil.copyfile(good, bad)
    run_sql(
        bad,
        "CREATE TABLE IF NOT EXISTS stolen (what TEXT)",
        "CREATE TRIGGER steal AFTER INSERT ON answers BEGIN "
        "INSERT INTO stolen SELECT note FROM answers; END",
    )
    return bad


def extra_view(good: Path) -> Path:
    bad = good.with_name("view.sqlite")
    shutil.copyfile(good, bad)
    run_sql(bad, "CREATE VIEW every_note AS SELECT case_ref, note FROM answers")
    return bad


def table_turned_view(good: Path) -> Path:
    """`inspectors` swapped for a view of the same name: reading it would run their SQL."""
    bad = good.with_name("swapped.sqlite")
    shutil.copyfile(good, bad)
    run_sql(
        bad,
        "PRAGMA foreign_keys = OFF",
        "ALTER TABLE inspectors RENAME TO inspectors_real",
        "CREATE VIEW inspectors AS SELECT * FROM inspectors_real",
    )
    return bad


def edited_history(good: Path) -> Path:
    bad = good.with_name("edited.sqlite")
    shutil.copyfile(good, bad)
    conn = sqlite3.connect(bad)
    (trigger,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'answer_history_no_update'"
    ).fetchone()
    conn.execute("DROP TRIGGER answer_history_no_update")
    conn.execute("UPDATE answer_history SET new_value = 'no' WHERE id = 1")
    conn.execute(trigger)
    conn.commit()
    conn.close()
    return bad


def answer_off_the_scale(good: Path) -> Path:
    """An answer and its history row written around audit-tui, hash and all, but 'maybe'."""
    bad = good.with_name("maybe.sqlite")
    shutil.copyfile(good, bad)
    from db.file import history_chain

    conn = sqlite3.connect(bad, isolation_level=None)
    conn.execute("UPDATE answers SET value = 'maybe' WHERE question_id = 'A1'")
    conn.execute("DROP TRIGGER answer_history_no_update")
    conn.execute("UPDATE answer_history SET new_value = 'maybe' WHERE question_id = 'A1'")
    history_chain.rehash_all(conn)
    conn.execute(
        "CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history "
        "BEGIN SELECT RAISE(ABORT, 'answer_history is append-only'); END"
    )
    conn.close()
    return bad


def changed_after_export(good: Path) -> Path:
    exported = good.with_name("exported.sqlite")
    export(good, exported)
    answer(exported, [("C001", "A4", "yes")])
    return exported


def foreign_manifest(good: Path) -> Path:
    exported = good.with_name("exported.sqlite")
    manifest = export(good, exported)
    manifest["inspection_id"] = "e" * 32
    exported.with_name(exported.name + ".manifest.json").write_text(json.dumps(manifest))
    return exported


HOSTILE = {
    "truncated": (truncated, "is truncated"),
    "other inspection": (other_inspection, "is another inspection"),
    "other bank version": (other_bank_version, "answered under bank small v2"),
    "not an inspection": (not_an_inspection, "is an SQLite database but not an inspection file"),
    "writing trigger": (writing_trigger, "carries schema objects audit-tui does not make"),
    "extra view": (extra_view, "carries schema objects audit-tui does not make (view every_note)"),
    "table turned view": (table_turned_view, "carries schema objects audit-tui does not make"),
    "edited history": (edited_history, "fails the history check"),
    "answer off the scale": (answer_off_the_scale, "in case C001's answer to A1,"),
    "changed after export": (changed_after_export, "is not the file its manifest describes"),
    "foreign manifest": (foreign_manifest, "belongs to another inspection or bank"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_input_is_refused_and_nothing_is_touched(good, tmp_path, kind):
    make, message = HOSTILE[kind]
    js, km = good
    bad = make(js)
    inputs = [js, bad, km]
    before = fingerprint(tmp_path)
    out = tmp_path / "collated.sqlite"
    with pytest.raises(StoreError) as refused:
        collate(inputs, out)
    sentence = str(refused.value)
    assert message in sentence
    assert str(bad) in sentence
    assert "\n" not in sentence
    assert fingerprint(tmp_path) == before, "every input byte for byte, nothing new beside them"
    assert not out.exists()
    if kind == "writing trigger":
        conn = sqlite3.connect(bad)
        assert conn.execute("SELECT COUNT(*) FROM stolen").fetchone()[0] == 0
        conn.close()


def test_an_existing_output_that_is_not_an_inspection_is_refused_and_kept(good, tmp_path):
    js, _ = good
    out = tmp_path / "collated.sqlite"
    out.write_text("the lead's notes, not an inspection\n")
    before = fingerprint(tmp_path)
    with pytest.raises(StoreError, match="collated.sqlite is not an SQLite file"):
        collate([js], out)
    assert fingerprint(tmp_path) == before


def test_inputs_checked_in_parallel_refuse_the_first_bad_one_in_order(good, tmp_path, monkeypatch):
    import db.collation.inputs
    from db.collation.collate import content_of

    js, km = good
    first_bad, second_bad = truncated(js), extra_view(km)
    sequential = tmp_path / "sequential.sqlite"
    collate([js, km], sequential)
    monkeypatch.setattr(db.collation.inputs, "PARALLEL_FROM", 2)
    parallel = tmp_path / "parallel.sqlite"
    collate([js, km], parallel)
    assert content_of(parallel) == content_of(sequential)
    before = fingerprint(tmp_path)
    with pytest.raises(StoreError) as refused:
        collate([js, first_bad, km, second_bad], tmp_path / "collated.sqlite")
    assert str(first_bad) in str(refused.value) and "is truncated" in str(refused.value)
    assert fingerprint(tmp_path) == before


def test_inputs_checked_in_parallel_each_come_with_their_bank(good, tmp_path, monkeypatch):
    """The pool's processes send a bank once each; every checked input still has its bank."""
    import db.collation.inputs
    from db.collation.inputs import check_inputs

    monkeypatch.setattr(db.collation.inputs, "PARALLEL_FROM", 2)
    jobs = [(index, good[index % 2]) for index in range(9)]
    work = tmp_path / "work"
    work.mkdir()
    checked = check_inputs(jobs, work)
    assert [c.path for c in checked] == [path for _, path in jobs]
    assert all(c.bank is checked[0].bank for c in checked)
    assert checked[0].bank.content_hash == checked[0].inspection.bank_hash
