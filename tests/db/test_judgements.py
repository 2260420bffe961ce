"""The lead's recorded judgements: choices, history, the report, collation and old files."""

from __future__ import annotations

import sqlite3

import pytest
from collate_files import Clock, make_master
from old_schema import undo_record_chains

from db.collation.collate import collate
from db.errors import StoreError
from db.file.judgements import choices
from db.file.schema import KNOWN_MIGRATIONS, migrations
from db.file.store import InspectionStore
from db.reporting import report


def test_choices_are_the_banks_bands_best_first(bank):
    assert choices(bank) == ["Good", "Satisfactory", "Unsatisfactory", "Poor"]


def test_a_judgement_is_recorded_with_its_rationale_and_every_change_kept(store):
    assert store.recorded_judgements() == {}
    store.record_judgement(5, "unsatisfactory", "Board attendance was poor.", by="ab")
    first = store.recorded_judgements()[5]
    assert (first.judgement, first.rationale, first.recorded_by) == (
        "Unsatisfactory",
        "Board attendance was poor.",
        "AB",
    )
    store.record_judgement(5, "Poor", "  No workforce strategy.  ", by="AB")
    store.record_judgement(1, "Good", "Lead's view despite the score.", by="AB")
    assert {t: j.judgement for t, j in store.recorded_judgements().items()} == {
        1: "Good",
        5: "Poor",
    }
    assert [j.judgement for j in store.judgement_history(5)] == ["Poor", "Unsatisfactory"]
    assert store.judgement_history(5)[0].rationale == "No workforce strategy."
    assert len(store.judgement_history()) == 3


def test_recording_the_same_judgement_again_adds_nothing(store):
    store.record_judgement(5, "Good", "Strong board.", by="AB")
    store.record_judgement(5, "good", "Strong board.", by="AB")
    assert len(store.judgement_history(5)) == 1


def test_a_judgement_can_be_withdrawn_and_the_withdrawal_is_kept(store):
    with pytest.raises(StoreError, match="no recorded judgement to withdraw"):
        store.record_judgement(5, None, "nothing yet", by="AB")
    store.record_judgement(5, "Good", "Strong board.", by="AB")
    store.record_judgement(5, None, "Wait for the partner interviews.", by="AB")
    assert store.recorded_judgements() == {}
    assert [j.judgement for j in store.judgement_history(5)] == [None, "Good"]


@pytest.mark.parametrize(
    ("theme", "judgement", "rationale", "says"),
    [
        (9, "Good", "why", "has no theme 9; its themes are 1, 2, 5"),
        (5, "Outstanding", "why", "use one of Good, Satisfactory, Unsatisfactory, Poor"),
        (5, "Good", "   ", "needs its rationale"),
    ],
)
def test_refusals_say_what_to_do(store, theme, judgement, rationale, says):
    with pytest.raises(StoreError, match=says):
        store.record_judgement(theme, judgement, rationale, by="AB")
    assert store.judgement_history() == []


def test_judgements_are_append_only(store, store_path):
    store.record_judgement(5, "Good", "Strong board.", by="AB")
    conn = sqlite3.connect(store_path)
    try:
        for sql in ("UPDATE judgements SET judgement = 'Poor'", "DELETE FROM judgements"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()


def test_the_report_shows_the_recorded_judgement_and_rationale(store):
    store.record_judgement(5, "Unsatisfactory", "Workforce management was not addressed.", by="AB")
    text = report.to_markdown(report.gather(store))
    assert (
        "Recorded judgement: **Unsatisfactory**. Rationale: Workforce management was not addressed."
        in text
    )
    assert "recorded **not recorded**" in text  # theme 1 has none yet


def test_collation_keeps_every_inputs_judgements_once(tmp_path):
    first = make_master(tmp_path / "a.sqlite")
    second = tmp_path / "b.sqlite"
    second.write_bytes(first.read_bytes())
    with InspectionStore.open(first, clock=Clock(day=23)) as store:
        store.record_judgement(5, "Good", "Strong board.", by="AB")
    with InspectionStore.open(second, clock=Clock(day=24)) as store:
        store.record_judgement(5, "Poor", "No workforce strategy.", by="AB")
    out = tmp_path / "collated.sqlite"
    collate([first, second], out)
    collate([second], out)  # again, into the existing output: nothing new
    with InspectionStore.open(out, readonly=True) as store:
        assert store.recorded_judgements()[5].judgement == "Poor"  # the later one
        assert [j.judgement for j in store.judgement_history(5)] == ["Poor", "Good"]


def test_a_file_of_schema_3_gains_the_table_when_opened(tmp_path, bank):
    path = tmp_path / "old.sqlite"
    InspectionStore.create(path, area="Lambeth", bank=bank, lead="AB").close()
    conn = sqlite3.connect(path)
    undo_record_chains(conn)
    for later in ("band_sets_no_update", "band_sets_no_delete"):  # m005 came after
        conn.execute(f"DROP TRIGGER {later}")
    conn.execute("DROP TABLE band_sets")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_band_sets'")
    conn.execute("DROP TRIGGER judgements_no_update")
    conn.execute("DROP TRIGGER judgements_no_delete")
    conn.execute("DROP TABLE judgements")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_judgements'")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with InspectionStore.open(path) as store:
        store.record_judgement(5, "Good", "Strong board.", by="AB")
    with InspectionStore.open(path, readonly=True) as store:
        assert store.recorded_judgements()[5].judgement == "Good"
    assert KNOWN_MIGRATIONS[3] == "m004_judgements" == migrations._migrations[3].name
    assert KNOWN_MIGRATIONS[4:] == ("m005_band_sets", "m006_record_chains", "m007_record_heads"), (
        "undo a later one"
    )
