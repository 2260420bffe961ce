"""The lead's bands: checked like a bank's, every set kept, the stored bank never changed,
carried by split and collation, and refused when an input's set is not bands of its bank."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from collate_files import Clock, answer, fingerprint, make_master
from old_schema import undo_record_chains

from db.collation.collate import collate, content_of
from db.collation.export import split
from db.errors import StoreError
from db.file import bands, record_chain
from db.file.schema import KNOWN_MIGRATIONS
from db.file.store import InspectionStore
from db.reporting import figures
from question_bank.model import Band

SOURCE = "HMIP, Scoring approach (2014), table 2"


def band_set(*edges: tuple[str, int, int]) -> list[dict[str, object]]:
    return [{"label": label, "min": low, "max": high} for label, low, high in edges]


SOURCED = band_set(
    ("Poor", 0, 44), ("Unsatisfactory", 45, 64), ("Satisfactory", 65, 79), ("Good", 80, 100)
)


def chosen(store: InspectionStore, raw: list[dict[str, object]]) -> tuple[Band, ...]:
    return bands.checked_bands(store.stored_bank, raw, "the test's bands")


def test_a_new_file_is_scored_with_its_banks_own_bands(store):
    assert store.band_set() is None and store.band_sets() == []
    assert store.bank is store.stored_bank
    assert store.bank.scoring.bands_provisional


def test_set_bands_score_the_file_and_leave_the_stored_bank_as_it_was(store, store_path):
    answer(
        store_path,
        [("C001", "A1", "yes"), ("C001", "A2", "yes"), ("C003", "A1", "yes"), ("C003", "A2", "no")],
    )
    before = store.stored_bank.content_hash
    assert figures.theme_scores(store)[0].judgement == "Good"  # 75%: 75-100
    done = store.set_bands(chosen(store, SOURCED), SOURCE, "  HMIP's table obtained.  ", by="ab")
    assert (done.set_by, done.reason, done.source) == ("AB", "HMIP's table obtained.", SOURCE)
    assert store.bank.scoring.bands == list(done.bands)
    assert store.bank.scoring.bands_source == SOURCE and not store.bank.scoring.bands_provisional
    assert figures.theme_scores(store)[0].judgement == "Satisfactory"  # 75%: 65-79 now
    assert store.stored_bank.content_hash == before == store.inspection.bank_hash
    assert store.bank.content_hash != before
    store.close()
    with InspectionStore.open(store_path, readonly=True) as again:
        assert again.stored_bank.content_hash == before
        assert again.bank.scoring.bands_source == SOURCE
        assert again.band_set() == done


def test_every_set_is_kept_latest_first_and_a_set_without_source_is_provisional(store):
    first = store.set_bands(chosen(store, SOURCED), SOURCE, "HMIP's table.", by="AB")
    again = store.set_bands(chosen(store, SOURCED), SOURCE, "HMIP's table.", by="AB")
    assert again == first and len(store.band_sets()) == 1, "the set in force: nothing added"
    wider = band_set(
        ("Poor", 0, 39), ("Unsatisfactory", 40, 64), ("Satisfactory", 65, 74), ("Good", 75, 100)
    )
    second = store.set_bands(chosen(store, wider), None, "Wait for the table.", by="AB")
    assert second.provisional and store.bank.scoring.bands_provisional
    assert store.band_sets() == [second, first]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (band_set(("Poor", 0, 44), ("Good", 45, 100)), "not the bank's Poor, Unsatisfactory"),
        (
            band_set(
                ("Poor", 0, 44),
                ("Unsatisfactory", 46, 64),
                ("Satisfactory", 60, 79),
                ("Good", 80, 100),
            ),
            "no band covers 45 to 45; band 'Satisfactory' overlaps the band below it at 60",
        ),  # fmt: skip
        (
            band_set(
                ("Good", 0, 44),
                ("Unsatisfactory", 45, 64),
                ("Satisfactory", 65, 79),
                ("Poor", 80, 100),
            ),
            "labelled Good, Unsatisfactory, Satisfactory, Poor, not the bank's",
        ),  # fmt: skip
        (
            band_set(
                ("Poor", 0, 44),
                ("Unsatisfactory", 45, 64),
                ("Satisfactory", 65, 79),
                ("Good", 80, 99),
            ),
            "no band covers 100 to 100",
        ),  # fmt: skip
        ([{"label": "Poor", "min": 0}], "band 1 has no max"),
        ([{"label": "Poor", "min": 0, "max": 100, "colour": "red"}], "a key 'colour'"),
        ("Poor 0-49", "bands must be a list"),
    ],
)
def test_bands_are_checked_as_a_banks_are_with_the_banks_labels(store, raw, says):
    with pytest.raises(StoreError, match="cannot be used") as refused:
        chosen(store, raw)
    assert says in str(refused.value)
    assert "labelled Poor, Unsatisfactory, Satisfactory, Good from lowest" in str(refused.value)


def test_labels_are_forgiven_their_case_and_stored_in_the_banks(store):
    raw = band_set(
        ("poor", 0, 44), ("UNSATISFACTORY", 45, 64), ("Satisfactory", 65, 79), ("good", 80, 100)
    )
    assert [b.label for b in chosen(store, raw)] == [
        "Poor",
        "Unsatisfactory",
        "Satisfactory",
        "Good",
    ]


def test_a_set_needs_its_reason(store):
    with pytest.raises(StoreError, match="needs a reason"):
        store.set_bands(chosen(store, SOURCED), SOURCE, "   ", by="AB")
    assert store.band_sets() == []


def test_band_sets_are_append_only(store, store_path):
    store.set_bands(chosen(store, SOURCED), SOURCE, "HMIP's table.", by="AB")
    conn = sqlite3.connect(store_path)
    try:
        for sql in ("UPDATE band_sets SET source = NULL", "DELETE FROM band_sets"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()


def test_the_bands_file_is_read_and_checked(tmp_path, bank):
    good = tmp_path / "bands.yaml"
    good.write_text(
        f'source: "{SOURCE}"\nbands:\n'
        + "".join(
            f"  - {{label: {b['label']}, min: {b['min']}, max: {b['max']}}}\n" for b in SOURCED
        )
    )
    read, source = bands.read_file(good, bank)
    assert source == SOURCE and [b.max for b in read] == [44, 64, 79, 100]
    for text, says in [
        ("bands: [\n", "is not valid YAML"),
        ("- 1\n", "must be a YAML mapping with `bands:`"),
        ("bands: []\nwhy: x\n", "has keys other than bands and source (why)"),
        ("source: 3\nbands: []\n", "source must be text"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(StoreError, match=says.replace("(", r"\(").replace(")", r"\)")):
            bands.read_file(bad, bank)
    with pytest.raises(StoreError, match="there is no bands file at"):
        bands.read_file(tmp_path / "none.yaml", bank)


def test_a_file_of_schema_4_gains_the_table_when_opened(tmp_path, bank):
    path = tmp_path / "old.sqlite"
    InspectionStore.create(path, area="Lambeth", bank=bank, lead="AB").close()
    conn = sqlite3.connect(path)
    undo_record_chains(conn)
    conn.execute("DROP TRIGGER band_sets_no_update")
    conn.execute("DROP TRIGGER band_sets_no_delete")
    conn.execute("DROP TABLE band_sets")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_band_sets'")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="uses an older schema"):
        InspectionStore.open(path, readonly=True)
    with InspectionStore.open(path) as store:
        assert store.band_sets() == []
        store.set_bands(chosen(store, SOURCED), SOURCE, "HMIP's table.", by="AB")
    with InspectionStore.open(path, readonly=True) as store:
        assert store.bank.scoring.bands_source == SOURCE
    assert KNOWN_MIGRATIONS[4:] == ("m005_band_sets", "m006_record_chains", "m007_record_heads")


def set_in(path: Path, raw: list[dict[str, object]], source: str | None, day: int) -> None:
    with InspectionStore.open(path, clock=Clock(day=day)) as store:
        store.set_bands(chosen(store, raw), source, f"set on the {day}th", by="AB")


def test_split_copies_the_band_sets_to_every_inspectors_file(tmp_path):
    master = make_master(tmp_path / "lambeth.sqlite")
    set_in(master, SOURCED, SOURCE, day=10)
    with InspectionStore.open(master, readonly=True) as store:
        sets = store.band_sets()
    written = split(master, tmp_path / "out")
    assert len(written) == 2
    for one in written:
        with InspectionStore.open(one.path, readonly=True) as store:
            assert store.band_sets() == sets
            assert store.bank.scoring.bands_source == SOURCE


def test_collation_keeps_every_inputs_sets_by_time_once(tmp_path):
    master = make_master(tmp_path / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    lower = band_set(
        ("Poor", 0, 39), ("Unsatisfactory", 40, 64), ("Satisfactory", 65, 74), ("Good", 75, 100)
    )
    set_in(files["JS"], SOURCED, SOURCE, day=23)
    set_in(files["KM"], lower, None, day=20)
    out = tmp_path / "collated.sqlite"
    collate([files["JS"], files["KM"]], out)
    with InspectionStore.open(out, readonly=True) as store:
        sets = store.band_sets()
        assert [s.set_at[:10] for s in sets] == ["2015-03-23", "2015-03-20"]
        assert store.band_set() == sets[0] and store.bank.scoring.bands_source == SOURCE
        assert store.stored_bank.content_hash == store.inspection.bank_hash
    other = tmp_path / "other-order.sqlite"
    collate([files["KM"], files["JS"]], other)
    assert content_of(other) == content_of(out), "any order of the inputs, the same file"
    before = content_of(out)
    collate([files["JS"]], out)
    assert content_of(out) == before, "collating again adds nothing"


def test_an_input_whose_band_set_is_not_bands_of_its_bank_is_refused(tmp_path):
    (tmp_path / "master").mkdir()
    master = make_master(tmp_path / "master" / "lambeth.sqlite", inspection_id="b" * 32)
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    bad = files["JS"].with_name("forged.sqlite")
    shutil.copyfile(files["JS"], bad)
    conn = sqlite3.connect(bad)
    # chained as audit-tui would (a forger who knows the scheme): the bands themselves are wrong
    record_chain.append(
        conn,
        "band_sets",
        {"bands_json": '[{"label":"Good","min":0,"max":100}]', "source": None, "set_by": "AB",
         "set_at": "2015-03-20T09:00", "reason": "forged"},
    )  # fmt: skip
    conn.commit()
    conn.close()
    before = fingerprint(tmp_path)
    out = tmp_path / "collated.sqlite"
    with pytest.raises(StoreError) as refused:
        collate([files["KM"], bad], out)
    assert str(refused.value) == (
        f"{bad} holds a band set that is not bands of its bank, so it was not collated; "
        "ask for a fresh copy"
    )
    assert fingerprint(tmp_path) == before and not out.exists()
