"""`audit-tui bands set` and `bands show`: the lead's bands from a file, kept with who, when and
why; a mistake is one sentence and leaves the file as it was."""

from __future__ import annotations

import hashlib
import json

import pytest

SOURCE = "HMIP, Scoring approach for full joint inspections (2014), table 2"
SOURCED = (
    f'source: "{SOURCE}"\n'
    "bands:\n"
    "  - {label: Poor, min: 0, max: 44}\n"
    "  - {label: unsatisfactory, min: 45, max: 64}\n"
    "  - {label: Satisfactory, min: 65, max: 79}\n"
    "  - {label: Good, min: 80, max: 100}\n"
)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bands_file(tmp_path):
    path = tmp_path / "bands.yaml"
    path.write_text(SOURCED)
    return path


def test_show_before_any_set_gives_the_banks_own_provisional_bands(cli, inspection):
    result = cli("bands", "show", inspection)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"bands in force in {inspection}: the bank's own (small v1)",
        "  Poor 0-49, Unsatisfactory 50-64, Satisfactory 65-74, Good 75-100",
        "  provisional: the bank gives no source, so every judgement from them is labelled so",
        "  the lead can set sourced ones with `audit-tui bands set`",
    ]
    shown = json.loads(cli("bands", "show", inspection, "--json").stdout)
    assert shown["in_force"]["from"] == "bank" and shown["in_force"]["provisional"] is True
    assert shown["earlier"] == []


def test_set_bands_changes_the_judgements_and_show_tells_where_they_come_from(
    cli, inspection, bands_file
):
    before = json.loads(cli("scores", inspection, "--json").stdout)[0]
    assert (before["score"], before["judgement"], before["provisional"]) == (75, "Good", True)
    result = cli("bands", "set", inspection, bands_file, "--reason", "HMIP's table obtained")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"set the judgement bands of {inspection} by AB: Poor 0-44, Unsatisfactory 45-64"
    )
    after = json.loads(cli("scores", inspection, "--json").stdout)[0]
    assert (after["score"], after["judgement"], after["provisional"]) == (75, "Satisfactory", False)
    assert "Satisfactory, three-quarters" in cli("scores", inspection).stdout
    assert "(provisional)" not in cli("scores", inspection).stdout
    second = cli(
        "bands", "set", inspection, bands_file, "--reason", "Moderated", "--inspector", "km"
    )
    assert second.exit_code == 0, second.output
    lines = cli("bands", "show", inspection).stdout.splitlines()
    assert lines[0].startswith(f"bands in force in {inspection}: set by KM on 2")
    assert lines[0].endswith("(reason: Moderated)")
    assert lines[1:4] == [
        "  Poor 0-44, Unsatisfactory 45-64, Satisfactory 65-79, Good 80-100",
        f"  source: {SOURCE}",
        "earlier:",
    ]
    assert lines[4].startswith("  set by AB on ") and "(reason: HMIP's table obtained)" in lines[4]
    assert lines[-2:] == [
        "  the bank's own (small v1)",
        "    Poor 0-49, Unsatisfactory 50-64, Satisfactory 65-74, Good 75-100; provisional: the "
        "bank gives no source, so every judgement from them is labelled so",
    ]
    shown = json.loads(cli("bands", "show", inspection, "--json").stdout)
    assert shown["in_force"]["set_by"] == "KM" and shown["in_force"]["source"] == SOURCE
    assert [s["reason"] for s in shown["earlier"]] == ["HMIP's table obtained"]
    assert shown["bank"]["id"] == "small" and shown["bank"]["provisional"] is True


def test_a_set_without_a_source_keeps_judgements_provisional(cli, inspection, tmp_path):
    unsourced = tmp_path / "unsourced.yaml"
    unsourced.write_text(SOURCED.split("\n", 1)[1])
    result = cli("bands", "set", inspection, unsourced, "--reason", "Our reading")
    assert result.exit_code == 0, result.output
    assert "(provisional: the file gives no source)" in result.stderr
    assert "Satisfactory (provisional), three-quarters" in cli("scores", inspection).stdout


@pytest.mark.parametrize(
    ("text", "options", "says"),
    [
        (SOURCED.replace("max: 64", "max: 63"), (), "cannot be used: no band covers 64 to 64"),
        (SOURCED.replace("label: Good", "label: Excellent"), (),
         "labelled Poor, unsatisfactory, Satisfactory, Excellent, not the bank's"),
        ("bands: [", (), "is not valid YAML"),
        (SOURCED, ("--reason", "  "), "--reason is empty"),
        (SOURCED, ("--inspector", "A1"), "is not an inspector's initials"),
    ],
)  # fmt: skip
def test_mistakes_are_one_sentence_and_leave_the_file_as_it_was(
    cli, inspection, tmp_path, text, options, says
):
    bands_file = tmp_path / "bands.yaml"
    bands_file.write_text(text)
    before = sha(inspection)
    reason = () if "--reason" in options else ("--reason", "why")
    result = cli("bands", "set", inspection, bands_file, *reason, *options)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and says in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert sha(inspection) == before


def test_missing_files_are_named(cli, inspection, tmp_path, bands_file):
    result = cli("bands", "set", inspection, tmp_path / "none.yaml", "--reason", "why")
    assert result.exit_code == 1 and "there is no bands file at" in result.stderr
    result = cli("bands", "set", tmp_path / "none.inspection", bands_file, "--reason", "why")
    assert result.exit_code == 1 and "there is no inspection file at" in result.stderr
    result = cli("bands", "show", tmp_path / "none.inspection")
    assert result.exit_code == 1 and "there is no inspection file at" in result.stderr


def test_a_file_without_a_lead_needs_the_inspector(cli, tmp_path, bands_file, small_bank_file):
    path = tmp_path / "nolead.inspection"
    assert cli("new", path, "--area", "Leeds", "--bank", small_bank_file).exit_code == 0
    before = sha(path)
    result = cli("bands", "set", path, bands_file, "--reason", "why")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path} names no lead inspector; give your initials with --inspector\n"
    )
    assert sha(path) == before
    assert (
        cli("bands", "set", path, bands_file, "--reason", "why", "--inspector", "HM").exit_code == 0
    )
