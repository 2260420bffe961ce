"""Loading and validating bank files: every problem named with its file and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from question_bank.loader import (
    BANKS_DIR,
    BankError,
    _bank_yaml_loader,
    load_bank,
    parse_bank_yaml,
    validate_bank,
)

FIXTURES = Path(__file__).parent / "fixtures"


def problems_of(name: str) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank(FIXTURES / name)
    return [str(p) for p in caught.value.problems]


def test_tiny_bank_loads_with_defaults():
    bank = load_bank(FIXTURES / "tiny.yaml")
    assert [t.number for t in bank.scored_themes()] == [1]
    assert bank.scale_of(bank.question("Q1")).values() == ["yes", "no", "na"]
    # YAML 1.1 would read `no` as false; bank files keep it as the answer value.
    assert bank.question("Q2").note_required_for == ["no"]


def test_every_problem_is_reported_in_one_run():
    problems = problems_of("broken-many.yaml")
    expected = [
        "broken-many.yaml: question Q1: duplicate question id",
        "broken-many.yaml: question Q2: is a key question in theme 2, which is not case-scored",
        "broken-many.yaml: question Q3: text is empty",
        "broken-many.yaml: question Q3: condition on unknown case field 'shoe_size'",
        "broken-many.yaml: question Q4: condition on 'rosh' names unknown value 'extreme'",
        "broken-many.yaml: theme 3: is case-scored but has no key question",
        "broken-many.yaml: scoring.bands: band 'Unsatisfactory' overlaps the band below it at 45",
        "broken-many.yaml: scoring.bands: no band covers 65 to 69",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)


def test_structural_problems_name_the_place():
    problems = problems_of("broken-structure.yaml")
    assert "broken-structure.yaml: question Q1: text is missing" in problems
    assert "broken-structure.yaml: question Q1: unknown key 'colour'" in problems
    assert any(p.startswith("broken-structure.yaml: scoring.rule:") for p in problems)
    assert any(p.startswith("broken-structure.yaml: theme one: number") for p in problems)


def test_yaml_syntax_error_names_the_line():
    assert problems_of("broken-yaml.yaml") == [
        "broken-yaml.yaml: line 4: is not valid YAML: expected the node content, but found '-'"
    ]


def test_unreadable_and_non_mapping_files(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(BankError, match="cannot be read"):
        load_bank(missing)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(BankError, match="must be a YAML mapping"):
        load_bank(listing)


def test_gapped_bands_at_the_top(tmp_path):
    raw = load_bank(FIXTURES / "tiny.yaml").model_dump(mode="json", by_alias=True)
    raw["scoring"]["bands"][-1]["max"] = 98
    with pytest.raises(BankError, match="no band covers 99 to 100"):
        validate_bank(raw, "tiny")


def test_hash_depends_on_content_not_layout(tmp_path):
    original = load_bank(FIXTURES / "tiny.yaml")
    reflowed = tmp_path / "tiny.yaml"
    # Same content, different key order and spacing.
    text = (FIXTURES / "tiny.yaml").read_text().replace('version: "1"\ntitle:', "title:")
    text = text.replace("id: tiny\n", 'id: tiny\nversion: "1"\n\n')
    reflowed.write_text(text)
    assert load_bank(reflowed).content_hash == original.content_hash
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("Was the plan sufficient?", "Was the plan good enough?"))
    assert load_bank(changed).content_hash != original.content_hash


def test_canonical_form_round_trips():
    bank = load_bank(FIXTURES / "tiny.yaml")
    again = type(bank).model_validate_json(bank.canonical_json())
    assert again == bank
    assert again.content_hash == bank.content_hash


def test_subset_banks_in_a_loop_are_refused(tmp_path):
    for this, other in (("loop-a", "loop-b"), ("loop-b", "loop-a")):
        (tmp_path / f"{this}.yaml").write_text(
            f'id: {this}\nversion: "1"\ntitle: Loop\nbase: {other}\nquestions: [Q1]\n'
        )
    with pytest.raises(BankError, match="in a loop"):
        load_bank(tmp_path / "loop-a.yaml")


def test_subset_base_must_be_a_bank_id(tmp_path):
    path = tmp_path / "escape.yaml"
    path.write_text('id: escape\nversion: "1"\ntitle: Escape\nbase: ../x\nquestions: [Q1]\n')
    with pytest.raises(BankError, match="is not a bank id"):
        load_bank(path)


def test_labels_that_start_like_a_formula_are_refused_by_name():
    def tiny() -> dict:
        return json.loads(load_bank(FIXTURES / "tiny.yaml").canonical_json())

    raw = tiny()
    raw["title"] = "@bank"
    raw["terms"] = {"theme": "theme", "judgement": "+rating"}
    raw["modules"] = {"core": "\tcore module"}
    raw["themes"][0]["title"] = "=theme"
    raw["themes"][0]["work"] = "\rwork"
    raw["sections"][0]["title"] = "-section"
    raw["questions"][0]["text"] = "=question?"
    raw["scoring"]["bands"][0]["label"] = "-Poor"
    with pytest.raises(BankError) as caught:
        validate_bank(raw, "evil")
    found = [str(p) for p in caught.value.problems if "runs as a formula" in str(p)]
    places = [line.split(" starts with ")[0] for line in found]
    assert places == [
        "evil: file: title",
        "evil: terms: terms.judgement",
        "evil: modules: module core title",
        "evil: theme 1: title",
        "evil: theme 1: work",
        f"evil: section {raw['sections'][0]['id']}: title",
        f"evil: question {raw['questions'][0]['id']}: text",
        "evil: scoring.bands: label",
    ]
    # a minus inside a label, a negative number elsewhere: not a formula
    raw = tiny()
    raw["themes"][0]["title"] = "Risk - of harm"
    assert validate_bank(raw, "fine").themes[0].title == "Risk - of harm"


@pytest.mark.parametrize(
    "path",
    [*sorted(Path(BANKS_DIR).glob("*.yaml")), *sorted(FIXTURES.glob("*.yaml"))],
    ids=lambda path: path.name,
)
def test_libyaml_reads_every_bank_file_as_pyyaml_does(path):
    """Bank files are read by libyaml where PyYAML has it (a tenth of the time); what it reads
    is what PyYAML's own parser reads, `no` a string too."""
    import yaml

    text = path.read_text(encoding="utf-8")
    assert _bank_yaml_loader(fast=True) is not None, "this PyYAML has libyaml"
    try:
        slow = yaml.load(text, Loader=_bank_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        slow = "refused"
    try:
        fast = yaml.load(text, Loader=_bank_yaml_loader(fast=True))  # noqa: S506
    except yaml.YAMLError:
        fast = "refused"
    assert fast == slow
    if slow != "refused":
        assert parse_bank_yaml(text) == slow
