"""split, export, collate, report and moderate through typer's CliRunner: output, exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time

import pytest


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def handed_out(cli, inspection, tmp_path):
    folder = tmp_path / "handed-out"
    folder.mkdir()
    result = cli("split", inspection, "--out", folder)
    assert result.exit_code == 0, result.output
    return folder / "lambeth-JS.sqlite", folder / "lambeth-KM.sqlite"


def test_split(cli, inspection, tmp_path, handed_out):
    js, km = handed_out
    assert js.exists() and km.exists()
    again = tmp_path / "again"
    again.mkdir()
    result = cli("split", inspection, "--out", again, "--json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert [(f["inspector"], f["cases"]) for f in listed] == [("JS", 2), ("KM", 1)]
    refused = cli("split", inspection, "--out", again)
    assert refused.exit_code == 1
    exists = f"{again / 'lambeth-JS.sqlite'} already exists"
    assert refused.stderr == f"error: {exists}; split into an empty folder (nothing was written)\n"
    fresh = cli("split", inspection, "--out", tmp_path / "new" / "folder")
    assert fresh.exit_code == 0, fresh.output
    assert (tmp_path / "new" / "folder" / "lambeth-JS.sqlite").is_file()
    not_a_folder = cli("split", inspection, "--out", inspection)
    assert not_a_folder.exit_code == 1
    assert not_a_folder.stderr == (
        f"error: {inspection} is a file, not a folder; give a folder for the split files\n"
    )


def test_export(cli, handed_out, tmp_path):
    js, _ = handed_out
    out = tmp_path / "js.sqlite"
    result = cli("export", js, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"exported {js} to {out}: 2 cases")
    manifest = json.loads((tmp_path / "js.sqlite.manifest.json").read_text())
    assert manifest["sha256"] == sha(out)
    as_json = cli("export", js, "-o", tmp_path / "js2.sqlite", "--json")
    assert json.loads(as_json.stdout)["inspectors"] == ["JS"]
    refused = cli("export", js, "-o", out)
    assert refused.exit_code == 1 and "already exists" in refused.stderr


def test_collate(cli, handed_out, tmp_path):
    js, km = handed_out
    out = tmp_path / "collated.sqlite"
    result = cli("collate", js, km, "-o", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"collated 2 files into {out}: 3 cases, 8 answers (1 second read)")
    assert lines[1].startswith(
        f"  {js}: 2 cases (2 taken from it, 0 from another file); answers 4 taken"
    )
    as_json = cli("collate", km, "-o", out, "--json")
    summary = json.loads(as_json.stdout)
    assert summary["conflicts"] == 0 and summary["inputs"][0]["existing_output"] is True
    assert summary["inputs"][1]["answers_known"] == 4


def test_collate_removes_what_a_killed_collation_left_and_no_running_one(cli, handed_out, tmp_path):
    """A collation killed midway leaves its private folder (input copies, the file being
    built); the next one beside it removes it once nothing in it has changed for an hour."""
    js, km = handed_out
    left, running = tmp_path / ".audit-tui-k1lled_0", tmp_path / ".audit-tui-running0"
    for folder in (left, running):
        folder.mkdir()
        (folder / "input-0002.sqlite").write_bytes(js.read_bytes())
    two_hours_ago = time.time() - 7200
    for path in (left / "input-0002.sqlite", left):
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = cli("collate", js, km, "-o", tmp_path / "collated.sqlite")
    assert result.exit_code == 0, result.output
    assert not left.exists()
    assert (running / "input-0002.sqlite").read_bytes() == js.read_bytes()
    assert not [p for p in tmp_path.glob(".audit-tui-*") if p != running], "its own is removed"


def test_collate_warns_of_conflicts(cli, handed_out, tmp_path):
    js, _ = handed_out
    copies = []
    for name, line in (("monday", "C001,A1,no,Assessment thin"), ("tuesday", "C001,A1,na,")):
        copy = tmp_path / f"js-{name}.sqlite"
        shutil.copyfile(js, copy)
        answers = tmp_path / f"{name}.csv"
        answers.write_text(f"case_ref,question_id,answer,note\n{line}\n")
        assert cli("answers", "import", copy, answers).exit_code == 0
        copies.append(copy)
    out = tmp_path / "collated.sqlite"
    result = cli("collate", *copies, "-o", out)
    assert result.exit_code == 0
    assert "1 UNRESOLVED CONFLICT (both answers kept)" in result.stdout
    assert result.stderr == (
        "note: no input holds a judgement the lead recorded; if the lead recorded any in the "
        "inspection file, collate again with `--base LEAD.sqlite`\n"
        f"warning: 1 unresolved conflict in {out}; run `audit-tui moderate {out}`\n"
    )
    later = cli("collate", js, "-o", out)  # the file both came from: changed since in both
    assert later.exit_code == 0 and "1 changed since in another file" in later.stdout


def test_collate_errors(cli, handed_out, tmp_path):
    js, km = handed_out
    before = (sha(js), sha(km))
    missing = cli("collate", js, tmp_path / "nowhere.sqlite", "-o", tmp_path / "out.sqlite")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: there is no inspection file at ")
    over = cli("collate", js, km, "-o", km)
    assert over.exit_code == 1 and "both an input and the output" in over.stderr
    assert (sha(js), sha(km)) == before and not (tmp_path / "out.sqlite").exists()


def test_report(cli, inspection, tmp_path):
    md = cli("report", inspection)
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("# Case assessment figures: Lambeth")
    assert "SECOND-READ DISAGREEMENTS NOT MODERATED: 1" in md.stdout
    # no case is marked complete: the figures are not final, and the report says so first
    assert "> **CASES NOT COMPLETE: 3 of 3 (C001, C002, C003). Their answers so far" in md.stdout
    assert md.stderr.splitlines()[-1] + "\n" == (
        "warning: 1 unmoderated second-read disagreement and 3 cases not complete are listed at "
        "the top of the report\n"
    )
    data = json.loads(cli("report", inspection, "--format", "json").stdout)
    assert [t["number"] for t in data["themes"]] == [1, 2, 5]
    out = tmp_path / "report.xlsx"
    written = cli("report", inspection, "-f", "xlsx", "-o", out)
    assert written.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    csv_out = tmp_path / "report.csv"
    assert cli("report", inspection, "-f", "csv", "--out", csv_out).exit_code == 0
    assert csv_out.read_text().startswith("section,theme,id,label")
    assert "\nCASE NOT COMPLETE,,C002,,," in csv_out.read_text()
    assert [c["case_ref"] for c in data["cases_not_complete"]] == ["C001", "C002", "C003"]


def test_report_takes_its_format_from_the_file_named(cli, inspection, tmp_path):
    book = tmp_path / "figures.xlsx"
    written = cli("report", inspection, "-o", book)
    assert written.exit_code == 0 and book.read_bytes()[:2] == b"PK"
    assert "wrote the xlsx report" in written.stderr
    table = tmp_path / "figures.CSV"
    assert cli("report", inspection, "-o", table).exit_code == 0
    assert table.read_text().startswith("section,theme,id,label")
    notes = tmp_path / "figures.txt"
    assert cli("report", inspection, "-o", notes).exit_code == 0
    assert notes.read_text().startswith("# Case assessment figures")
    clash = cli("report", inspection, "-f", "md", "-o", tmp_path / "other.xlsx")
    assert clash.exit_code == 1 and not (tmp_path / "other.xlsx").exists()
    assert clash.stderr == (
        f"error: {tmp_path / 'other.xlsx'} ends in .xlsx but --format is md; drop --format or "
        "name the file REPORT.md\n"
    )


def test_report_errors(cli, inspection, tmp_path):
    no_file = cli("report", inspection, "-f", "xlsx")
    assert no_file.exit_code == 1
    assert no_file.stderr == "error: an xlsx report needs a file: add -o REPORT.xlsx\n"
    bad = cli("report", inspection, "--format", "pdf")
    assert bad.exit_code == 1 and "is not a report format" in bad.stderr
    missing = cli("report", tmp_path / "nowhere.sqlite")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: there is no inspection")


def test_moderate_refuses_a_missing_file(cli, tmp_path):
    result = cli("moderate", tmp_path / "nowhere.sqlite")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: there is no inspection file at {tmp_path / 'nowhere.sqlite'}; check the path\n"
    )  # noqa: E501
