"""Split, export and collate: what travels, what is kept, what is flagged, what moderation does."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from collate_files import Clock, answer, fingerprint, make_master, sha256

from db.collation import moderation
from db.collation.agreement import agreement, cohen_kappa
from db.collation.collate import collate, content_of
from db.collation.export import export, split
from db.errors import StoreError
from db.file.connection import connect
from db.file.history_chain import verify_history
from db.file.store import InspectionStore
from db.reporting import figures


@pytest.fixture
def handed_out(tmp_path):
    """The master and its two inspector files (JS: C001, C003; KM: C002, C004)."""
    master = make_master(tmp_path / "lambeth.sqlite")
    answer(master, [("C003", "A1", "yes")], Clock(day=10))  # answered before the split
    folder = tmp_path / "out"
    folder.mkdir()
    files = {f.inspector: f.path for f in split(master, folder)}
    return master, files


def test_split_gives_each_inspector_only_their_cases(handed_out):
    master, files = handed_out
    assert sorted(files) == ["JS", "KM"]
    answer(master, [("C002", "A1", "no", "KM", "primary", "SECRET-KM-NOTE")], Clock(day=11))
    for path in files.values():
        assert path.with_name(path.name + "-wal").exists() is False
    with InspectionStore.open(files["JS"], readonly=True) as js:
        assert [c.case_ref for c in js.cases()] == ["C001", "C003"]
        assert [(a.case_ref, a.value) for a in js.answers()] == [("C003", "yes")]
        assert [h.case_ref for h in js.history()] == ["C003", "C003"]  # answer, status
        assert js.inspection.id == InspectionStore.open(master, readonly=True).inspection.id
    with InspectionStore.open(files["KM"], readonly=True) as km:
        assert [c.case_ref for c in km.cases()] == ["C002", "C004"]
        assert km.answers() == [] and km.history() == []


def test_split_files_carry_no_byte_of_another_childs_data(tmp_path):
    master = make_master(tmp_path / "lambeth.sqlite")
    answer(master, [("C002", "A1", "no", "KM", "primary", "SECRET-KM-NOTE"),
                    ("C001", "A1", "no", "JS", "primary", "js-note")])  # fmt: skip
    folder = tmp_path / "out"
    folder.mkdir()
    files = {f.inspector: f.path for f in split(master, folder)}
    data = files["JS"].read_bytes()
    assert b"js-note" in data
    assert b"SECRET-KM-NOTE" not in data and b"C002" not in data and b"C004" not in data


def test_split_refuses_a_folder_holding_one_of_its_files(tmp_path):
    master = make_master(tmp_path / "lambeth.sqlite")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "lambeth-KM.sqlite").write_text("mine")
    with pytest.raises(StoreError, match="lambeth-KM.sqlite already exists"):
        split(master, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["lambeth-KM.sqlite"]


def test_export_is_self_contained_with_a_manifest(handed_out, tmp_path):
    _, files = handed_out
    answer(files["JS"], [("C001", "A1", "yes"), ("C001", "A2", "no")])
    out = tmp_path / "js-export.sqlite"
    manifest = export(files["JS"], out, clock=lambda: Clock()())
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("js-export")) == [
        "js-export.sqlite",
        "js-export.sqlite.manifest.json",
    ]
    assert json.loads(out.with_name(out.name + ".manifest.json").read_text()) == manifest
    assert manifest["sha256"] == sha256(out)
    assert (manifest["cases"], manifest["answers"], manifest["inspectors"]) == (2, 3, ["JS"])
    assert manifest["bank"]["id"] == "small" and manifest["inspection_id"].startswith("c011")
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()
    with pytest.raises(StoreError, match="already exists"):
        export(files["JS"], out)


def test_collate_checks_the_manifest_beside_an_input(handed_out, tmp_path):
    _, files = handed_out
    out = tmp_path / "js-export.sqlite"
    export(files["JS"], out)
    answer(out, [("C001", "A1", "yes")])  # changed after export: bytes no longer match
    before = fingerprint(tmp_path)
    with pytest.raises(StoreError, match="js-export.sqlite is not the file its manifest"):
        collate([out], tmp_path / "collated.sqlite")
    assert fingerprint(tmp_path) == before


def test_collating_the_split_files_gives_back_the_master(handed_out, tmp_path):
    master, files = handed_out
    answer(files["JS"], [("C001", "A1", "yes"), ("C001", "R2", "no")], Clock(day=16))
    answer(files["KM"], [("C002", "A3", "yes"), ("C004", "R1", "no")], Clock(day=17))
    out = tmp_path / "collated.sqlite"
    summary = collate([files["JS"], files["KM"], master], out)
    assert (summary.cases, summary.answers, summary.conflicts) == (4, 5, 0)
    js, km, lead = summary.inputs
    assert (js.counts.answers_taken, km.counts.answers_taken) == (3, 2)
    assert lead.counts.answers_known == 1, "C003's answer came with JS's file too"
    assert lead.counts.cases_known == 4
    with InspectionStore.open(out, readonly=True) as store:
        assert [t.percent for t in figures.theme_scores(store)] == [100, 0]
        assert verify_history(connect(out, readonly=True)).ok
    assert out.stat().st_mode & 0o777 == 0o600
    assert not out.with_name(out.name + "-wal").exists()


def test_two_different_answers_are_both_kept_and_flagged(handed_out, tmp_path):
    _, files = handed_out
    monday, tuesday = tmp_path / "js-mon.sqlite", tmp_path / "js-tue.sqlite"
    shutil.copyfile(files["JS"], monday)
    shutil.copyfile(files["JS"], tuesday)
    answer(monday, [("C001", "A1", "yes", "JS", "primary", "Monday's view")], Clock(day=16))
    answer(tuesday, [("C001", "A1", "no", "JS", "primary", "Tuesday's view")], Clock(day=17))
    out = tmp_path / "collated.sqlite"
    summary = collate([monday, tuesday], out)
    assert summary.conflicts == 1 and summary.conflict_keys == [("C001", "A1", "primary")]
    assert summary.inputs[0].counts.answers_conflicting == 1
    assert "1 UNRESOLVED CONFLICT" in summary.lines()[0]
    with InspectionStore.open(out) as store:
        (item,) = moderation.conflicts(store)
        assert {(s.value, s.note) for s in item.sides} == {
            ("yes", "Monday's view"),
            ("no", "Tuesday's view"),
        }
        assert item.current.value == "no", "the latest answer is current until moderated"
        done = moderation.resolve(
            store, "C001", "A1", "yes", note="Monday's view", reason="seen", moderator="AB"
        )
        assert done.value == "yes" and not done.locked, "C001 still has questions to answer"
        assert moderation.conflicts(store) == []
        assert moderation.conflicts(store, include_resolved=True)[0].resolved
        assert store.history("C001")[-1].reason == "moderation: seen"
    before = content_of(out)
    collate([tuesday, monday], out)  # handed in again: the ruling stands
    assert content_of(out) == before


def test_a_later_change_in_the_inspectors_file_is_not_a_conflict(handed_out, tmp_path):
    master, files = handed_out
    answer(files["JS"], [("C003", "A1", "no")], Clock(day=16))  # the master still says yes
    out = tmp_path / "collated.sqlite"
    summary = collate([master, files["JS"]], out)
    assert summary.conflicts == 0
    assert summary.inputs[0].counts.answers_superseded == 1
    with InspectionStore.open(out, readonly=True) as store:
        assert store.answer("C003", "A1").value == "no"
        assert [h.new_value for h in store.history("C003") if h.event == "answer"] == [
            "yes",
            "no",
        ]


def test_second_reads_are_kept_and_moderation_locks_a_complete_case(handed_out, tmp_path):
    _, files = handed_out
    values = {"A1": "yes", "A2": "yes", "A3": "yes", "A4": "na", "R1": "yes", "R2": "yes"}
    plan = [("C002", q, v) for q, v in values.items()] + [("C002", "G1", "na")]
    answer(files["KM"], plan, Clock(day=16))
    with InspectionStore.open(files["KM"], clock=Clock(day=16, hour=15)) as store:
        store.complete_case("C002", inspector="KM")
    answer(files["KM"], [("C002", "A1", "yes", "JS", "second_read"),
                         ("C002", "R2", "no", "JS", "second_read")], Clock(day=18))  # fmt: skip
    out = tmp_path / "collated.sqlite"
    assert collate([files["KM"], files["JS"]], out).second_reads == 2
    with InspectionStore.open(out) as store:
        (item,) = moderation.disagreements(store)
        assert (item.question_id, [s.role for s in item.sides]) == (
            "R2",
            ["primary", "second_read"],
        )
        report = agreement(store)
        assert (report.overall.pairs, report.overall.agreed) == (2, 1)
        done = moderation.resolve(
            store, "C002", "R2", "no", note="RoSH too low", reason="second reader", moderator="AB"
        )
        assert done.locked and store.case_progress("C002")["C002"].status == "locked"
        assert store.answer("C002", "R2", "second_read").value == "no", "the second read stays"
        assert moderation.disagreements(store) == []
        assert agreement(store).overall.agreed == 1, "agreement counts the first read"
        with pytest.raises(StoreError, match="give a reason"):
            moderation.resolve(store, "C002", "A1", "no", reason=" ", moderator="AB")
        with pytest.raises(StoreError, match="nothing to moderate|no conflict"):
            moderation.resolve(store, "C004", "A1", "no", note="x", reason="r", moderator="AB")
    assert verify_history(connect(out, readonly=True)).ok


def test_cohen_kappa():
    pairs = [("yes", "yes"), ("yes", "no"), ("no", "no"), ("no", "no")]
    assert cohen_kappa(pairs) == pytest.approx(0.5)
    assert cohen_kappa([("yes", "yes")] * 3) is None, "one value only: undefined"
    assert cohen_kappa([("yes", "no"), ("no", "yes")]) == pytest.approx(-1.0)
    assert cohen_kappa([]) is None


def test_collate_refuses_writing_over_an_input(handed_out):
    _, files = handed_out
    before = sha256(files["JS"])
    with pytest.raises(StoreError, match="both an input and the output"):
        collate([files["JS"], files["KM"]], files["JS"])
    assert sha256(files["JS"]) == before


def test_an_existing_output_of_another_inspection_is_refused_and_kept(handed_out, tmp_path):
    _, files = handed_out
    other = make_master(tmp_path / "other.sqlite", inspection_id="f" * 32)
    before = fingerprint(tmp_path)
    with pytest.raises(StoreError, match="is another inspection"):
        collate([files["JS"]], other)
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize(
    "note",
    [None, "plain", 'a "quoted" word', "back\\slash", "two\nlines", "tab\there", "ünï – “x” \u2028",
     "\x7f", ""],
)  # fmt: skip
def test_the_fast_chain_hash_is_history_chains_own(note):
    import sqlite3

    from db.collation.bulk import HistoryWriter
    from db.file.history_chain import CHAINED_FIELDS, genesis, row_hash

    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE answer_history (id, {', '.join(CHAINED_FIELDS)}, hash)")
    row = ("C001", "A1", "primary", "answer", None, "no", None, note, "JS", "2015-03-16", None)
    writer = HistoryWriter(conn, "inspection")
    writer.extend([row, row])
    writer.flush()
    first = row_hash(genesis("inspection"), row)
    assert [h for (h,) in conn.execute("SELECT hash FROM answer_history ORDER BY id")] == [
        first,
        row_hash(first, row),
    ]
