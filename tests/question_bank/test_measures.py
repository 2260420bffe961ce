"""Measures, modules and the inspector's classification: what keeps a bank's figures honest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from question_bank.loader import BankError, load_bank, validate_bank

FIXTURES = Path(__file__).parent / "fixtures"


def problems(tmp_path: Path, change) -> list[str]:
    raw = yaml.safe_load((FIXTURES / "measured.yaml").read_text())
    change(raw)
    path = tmp_path / "measured.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(BankError) as caught:
        load_bank(path)
    return [str(p).removeprefix("measured.yaml: ") for p in caught.value.problems]


def question(raw, qid):
    return next(q for q in raw["questions"] if q["id"] == qid)


def test_the_measured_fixture_is_valid():
    bank = load_bank(FIXTURES / "measured.yaml")
    assert bank.measure_of(bank.question("PP-2")).title == "Planning"
    assert not bank.scoring.bands_provisional


def test_a_measure_with_two_key_questions_is_refused(tmp_path):
    def two(raw):
        question(raw, "PP-3").update(key=True, measure="planning")

    found = problems(tmp_path, two)
    assert found == [
        "theme 2: measure 'planning' is scored by 2 key questions (PP-2, PP-3); each measure "
        "has exactly one"
    ]


def test_a_key_question_with_no_measure_is_refused(tmp_path):
    found = problems(tmp_path, lambda raw: question(raw, "PP-2").pop("measure"))
    assert "question PP-2: is a key question with no measure" in found
    assert (
        "theme 2: measure 'planning' is scored by no key question (-); each measure has "
        "exactly one" in found
    )


def test_a_scored_theme_without_measures_is_refused_once_any_theme_has_them(tmp_path):
    def drop(raw):
        raw["themes"][0].pop("measures")

    assert "theme 2: is case-scored but names no measures" in problems(tmp_path, drop)


def test_a_classifying_question_cannot_depend_on_what_it_classifies(tmp_path):
    def loop(raw):
        question(raw, "PP-1")["applies_if"] = {"field": "rosh", "in": ["high"]}

    assert "question PP-1: a classifying question cannot depend on a classified field" in (
        problems(tmp_path, loop)
    )


def test_a_classification_sets_only_values_its_field_takes(tmp_path):
    def bad(raw):
        raw["scales"]["rosh_check"]["options"][1]["sets"] = "extreme"

    assert "question PP-1: option 'too_low_high' sets rosh to 'extreme'" in problems(tmp_path, bad)


def test_a_module_question_names_its_module(tmp_path):
    found = problems(tmp_path, lambda raw: question(raw, "CW-1").pop("module"))
    assert "question CW-1: theme 6 of which module? name one (module: ...)" in found


def test_the_inspectors_classification_drives_applicability():
    bank = load_bank(FIXTURES / "measured.yaml").with_module("court")
    service = {"rosh": "low"}
    assert not bank.question("PP-2").applies(bank.classified_values(service, {}))
    judged = bank.classified_values(service, {"PP-1": "too_low_high"})
    assert judged["rosh"] == "high" and bank.question("PP-2").applies(judged)
    assert bank.classified_values(service, {"PP-1": "yes"})["rosh"] == "low"


def test_a_module_keeps_its_own_sixth_theme():
    bank = load_bank(FIXTURES / "measured.yaml")
    court = bank.with_module("court")
    assert [t.title for t in court.themes] == ["Protecting the public", "Court work"]
    assert "CW-1" in court.question_by_id and "IN-1" not in court.question_by_id
    assert court.module == "court" and court.modules is None
    assert court.content_hash != bank.with_module("interventions").content_hash
    assert bank.with_module(None).module == "interventions"  # the first is the default
    assert court.with_module("court") is court
    with pytest.raises(ValueError, match="no module 'youth'; choose one of interventions, court"):
        bank.with_module("youth")


def test_a_bank_of_version_1_0_keeps_its_hash():
    # files made under fji-2014 1.0 store that bank as JSON; the fields added since (measures,
    # modules, classifications, band sources) are optional and leave its hash unchanged
    stored = (FIXTURES / "fji-2014-v1.0.json").read_text()
    bank = validate_bank(json.loads(stored))
    assert bank.canonical_json() == stored
    assert bank.content_hash == "1a2c97765618b363cb1a30e1dd430ff474959827cc0b31b45b6ba7508c1feb3e"
    assert bank.scoring.bands_provisional  # 1.0 named no source for its bands
