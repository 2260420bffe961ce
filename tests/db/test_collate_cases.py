"""A case held by several inputs: each field from the latest edit in any of them, as the merged
history orders the edits, so `verify` finds the collated case as its history says; and what an
input holds that the collated file cannot take as it is, said in the summary's not_taken."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from collate_files import Clock, answer, collated_conflict, make_master

from db.collation.collate import collate
from db.collation.export import split
from db.collation.moderation import resolve
from db.file.store import InspectionStore
from db.reporting.demo import build_demo


def test_edits_of_two_fields_in_two_files_both_survive(tmp_path):
    (tmp_path / "lead").mkdir()
    master = make_master(tmp_path / "lead" / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    with InspectionStore.open(files["JS"], clock=Clock(day=17)) as store:
        store.update_case("C001", changed_by="JS", gender="female")
    with InspectionStore.open(master, clock=Clock(day=18)) as store:
        store.update_case("C001", changed_by="AB", rosh="high")
    out = tmp_path / "collated.sqlite"
    summary = collate([files["JS"], files["KM"]], out, base=master)
    assert summary.not_taken == []
    with InspectionStore.open(out, readonly=True) as store:
        case = store.case("C001")
        assert (case.gender.value, case.rosh.value) == ("female", "high")
        assert store.applicability("C001")["R1"], "R1 applies at high RoSH"
        assert store.verify_history().ok


def test_a_file_whose_clock_went_back_keeps_the_history_s_order(tmp_path):
    (tmp_path / "lead").mkdir()
    master = make_master(tmp_path / "lead" / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    answer(files["JS"], [("C003", "A1", "yes")], Clock(day=25))
    with InspectionStore.open(files["JS"], clock=Clock(day=21)) as store:  # the clock went back
        store.update_case("C001", changed_by="JS", rosh="high")
    with InspectionStore.open(master, clock=Clock(day=22)) as store:
        store.update_case("C001", changed_by="AB", rosh="medium")
    out = tmp_path / "collated.sqlite"
    summary = collate([files["JS"], files["KM"]], out, base=master)
    assert [s.split(":")[0] for s in summary.not_taken] == ["case C001"]
    with InspectionStore.open(out, readonly=True) as store:
        edits = [h for h in store.history("C001") if h.event == "case"]
        assert store.case("C001").rosh.value == "high"  # JS's edit is the history's last
        assert edits[-1].inspector == "JS"
        assert store.verify_history().ok


def test_rulings_made_apart_in_two_files_are_said(tmp_path):
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    collated_conflict(tmp_path, first)
    shutil.copyfile(first, second)
    for path, value, day in ((first, "yes", 20), (second, "no", 21)):
        with InspectionStore.open(path, clock=Clock(day=day)) as store:
            resolve(store, "C001", "A1", value, reason=f"ruled on the {day}th", moderator="AB")
    out = tmp_path / "both.sqlite"
    summary = collate([second, first], out)
    assert summary.not_taken == [
        "case C001: the primary answer to A1 was ruled on apart in two files; the later ruling "
        "was kept (both stay in the history)"
    ]
    with InspectionStore.open(out, readonly=True) as store:
        (reason,) = {r[0] for r in store.select("SELECT reason FROM moderations")}
        assert reason == "ruled on the 21th" and store.verify_history().ok


def test_inspection_details_that_differ_are_said(tmp_path):
    (tmp_path / "lead").mkdir()
    master = make_master(tmp_path / "lead" / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    conn = sqlite3.connect(files["KM"])
    conn.execute("UPDATE inspection SET fieldwork_end = '2015-03-27'")
    conn.commit()
    conn.close()
    summary = collate([files["JS"], files["KM"]], tmp_path / "collated.sqlite")
    assert summary.not_taken == [
        f"the inputs differ in the inspection's fieldwork_end; those of {files['KM']} were kept"
    ]


@pytest.mark.parametrize("bank_id", ["fji-2014", "yjs-2021"])
def test_the_collated_file_holds_what_applies_to_each_case(tmp_path, bank_id):
    """Applicability is recomputed from each case's fields (and its classifications), cases
    alike in what the bank's conditions read tested once: every case gets what its own give."""
    demo = build_demo(tmp_path / "demo.sqlite", bank_id=bank_id)
    files = [f.path for f in split(demo, tmp_path / "in")]
    out = tmp_path / "collated.sqlite"
    collate(files, out)
    with InspectionStore.open(out, readonly=True) as store:
        cases = store.cases()
        assert len(cases) == 61
        wrong = []
        for case in cases:
            given = dict(
                store.select(
                    "SELECT question_id, value FROM answers WHERE case_ref = ? "
                    "AND role = 'primary'",
                    (case.case_ref,),
                )
            )
            values = store.bank.classified_values(case.condition_values(), given)
            applies = {q for q, yes in store.applicability(case.case_ref).items() if yes}
            if applies != {q.id for q in store.bank.applicable_questions(values)}:
                wrong.append(case.case_ref)
        assert wrong == []
