"""A case held by several inputs: each field from the latest edit in any of them, as the merged
history orders the edits, so `verify` finds the collated case as its history says."""

from __future__ import annotations

from collate_files import Clock, answer, make_master

from db.collation.collate import collate
from db.collation.export import split
from db.file.store import InspectionStore


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
