"""A bank's module (fji-2014's sixth theme) is carried by split and collation, and files of two
modules are refused with a sentence naming both files and their modules."""

from __future__ import annotations

import pytest
from collate_files import fingerprint, make_master

from db.collation.collate import collate
from db.collation.export import split
from db.errors import StoreError
from db.file.store import InspectionStore
from question_bank.loader import load_shipped


def test_split_and_collate_carry_the_module(tmp_path):
    court = load_shipped("fji-2014", "court_work")
    master = make_master(tmp_path / "lambeth.sqlite", court)
    written = split(master, tmp_path / "in")
    out = tmp_path / "collated.sqlite"
    collate([w.path for w in written], out)
    for path in [*(w.path for w in written), out]:
        with InspectionStore.open(path, readonly=True) as store:
            assert store.bank.module == "court_work"
            assert store.stored_bank.content_hash == court.content_hash
            assert store.bank.theme_by_number[6].title == "Court work and reports"


def test_files_of_two_modules_are_refused_naming_both(tmp_path):
    court = make_master(tmp_path / "court.sqlite", load_shipped("fji-2014", "court_work"))
    interventions = make_master(
        tmp_path / "interventions.sqlite", load_shipped("fji-2014", "interventions")
    )
    before = fingerprint(tmp_path)
    out = tmp_path / "collated.sqlite"
    with pytest.raises(StoreError) as refused:
        collate([court, interventions], out)
    assert str(refused.value) == (
        f"{interventions} was made with the 'interventions' module of bank fji-2014 and "
        f"{court} with the 'court_work' module; files of different modules are never merged, "
        "so collate the files made for one module only"
    )
    assert fingerprint(tmp_path) == before and not out.exists()
