"""The whole inspection from the lead's file to the report (#12): what the lead records in the
inspection file (judgements, case detail edits, a reopen reason), before split and after it,
is in the collated file when collation takes the lead's file with `--base`; what an input
holds that the collated file cannot take as it is, is said.

Every step a command exists for runs through the CLI; the lead's judgements, case edits and
completing and reopening a case (done in the interface, with j, the case details dialog, c and
r) are the store calls the interface makes. Every step keeps the real clock, as a week of
fieldwork does: each file's history in the order it was written.
"""

from __future__ import annotations

import json

import pytest

from db.file.store import InspectionStore


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def answers_csv(tmp_path, name, *lines):
    path = tmp_path / f"{name}.csv"
    path.write_text("case_ref,question_id,answer,note,inspector,role\n" + "".join(lines))
    return path


@pytest.fixture
def lead_file(cli, csv_files, tmp_path, small_bank_file):
    """The lead's file before split: the sample, two judgements, an edit, a reopened case."""
    lead = tmp_path / "lambeth.sqlite"
    cases, _ = csv_files
    ok(cli("new", lead, "--area", "Lambeth", "--bank", small_bank_file, "--lead", "ab"))
    ok(cli("cases", "import", lead, cases))
    # JS tried the tool on C001 at the lead's briefing, in the lead's file
    briefing = answers_csv(
        tmp_path, "briefing", "C001,A1,yes,,JS,\n", "C001,A2,yes,,JS,\n", "C001,A4,no,,JS,\n",
        "C001,R2,yes,,JS,\n", "C001,G1,yes,,JS,\n",
    )  # fmt: skip
    ok(cli("answers", "import", lead, briefing))
    with InspectionStore.open(lead) as store:
        store.record_judgement(1, "Good", "Plans were sound.", by="AB")
        store.record_judgement(5, "Poor", "No workforce strategy.", by="AB")
        store.update_case("C003", changed_by="AB", vulnerability="high")
        store.complete_case("C001", inspector="JS")
        store.reopen_case("C001", inspector="AB", reason="Second read wanted")
    return lead


@pytest.fixture
def handed_in(cli, lead_file, tmp_path):
    """Split, a week of answers in each inspector's file, and one more record by the lead."""
    out = tmp_path / "handed-out"
    split = ok(cli("split", lead_file, "--out", out))
    assert (
        f"note: the lead's judgements, and whatever else is recorded in {lead_file} from now "
        f"on, stay in it; collate with `--base {lead_file}` to keep them"
    ) in split.stderr
    js, km = out / "lambeth-JS.sqlite", out / "lambeth-KM.sqlite"
    ok(cli("answers", "import", js, answers_csv(tmp_path, "js", "C003,A1,no,,,\n")))
    ok(cli("answers", "import", km, answers_csv(tmp_path, "km", "C002,A1,yes,,,\n")))
    with InspectionStore.open(lead_file) as store:
        store.record_judgement(2, "Satisfactory", "Risk plans mostly there.", by="AB")
        store.update_case("C002", changed_by="AB", rosh="medium")
    return js, km


def test_the_lead_s_records_reach_the_report_through_collate_base(cli, lead_file, handed_in):
    js, km = handed_in
    out = lead_file.with_name("collated.sqlite")
    collated = ok(cli("collate", js, km, "--base", lead_file, "-o", out))
    lines = collated.stdout.splitlines()
    assert lines[0].startswith(f"collated 2 files and the lead's file into {out}: 3 cases")
    assert lines[0].endswith("; the lead's 3 judgements and 0 band sets")
    assert lines[1].startswith(f"  {lead_file} (the lead's file): ")
    assert lines[1].endswith("; judgements 3 taken, 0 already there")
    assert collated.stderr == ""  # nothing left behind, no note
    assert ok(cli("verify", out)).stdout.startswith(f"ok: {out}:")

    report = ok(cli("report", out)).stdout
    assert "recorded **Good**. Rationale: Plans were sound." in report  # before split
    assert "recorded **Satisfactory**. Rationale: Risk plans mostly there." in report  # after split
    assert "Recorded judgement: **Poor**. Rationale: No workforce strategy." in report
    shown = {
        ref: json.loads(ok(cli("cases", "show", out, ref, "--json")).stdout)
        for ref in ("C002", "C003")
    }
    assert shown["C003"]["case"]["vulnerability"] == "high"  # edited before split
    assert shown["C002"]["case"]["rosh"] == "medium"  # edited after split, in the lead's file
    with InspectionStore.open(out, readonly=True) as store:
        reasons = [h.reason for h in store.history("C001") if h.event == "status"]
        assert store.answer("C003", "A1").value == "no"
        assert store.answer("C002", "A1").value == "yes"
    assert "Second read wanted" in reasons

    again = ok(cli("collate", js, km, "--base", lead_file, "-o", out, "--json"))
    summary = json.loads(again.stdout)
    assert summary["judgements"] == 3 and summary["not_taken"] == []
    assert [i["base"] for i in summary["inputs"]] == [False, True, False, False]


def test_without_base_the_judgements_are_missing_and_collate_says_so(cli, lead_file, handed_in):
    out = lead_file.with_name("collated.sqlite")
    collated = ok(cli("collate", *handed_in, "-o", out))
    assert collated.stderr == (
        "note: no input holds a judgement the lead recorded; if the lead recorded any in the "
        "inspection file, collate again with `--base LEAD.sqlite`\n"
    )
    assert "recorded **not recorded**" in ok(cli("report", out)).stdout


def test_a_field_changed_in_two_files_apart_is_said(cli, lead_file, handed_in):
    js, km = handed_in
    with InspectionStore.open(js) as store:
        store.update_case("C001", changed_by="JS", rosh="high", gender="female")
    with InspectionStore.open(lead_file) as store:
        store.update_case("C001", changed_by="AB", rosh="medium")
    out = lead_file.with_name("collated.sqlite")
    collated = ok(cli("collate", js, km, "--base", lead_file, "-o", out))
    sentence = (
        f"case C001: rosh changed in {js} and {lead_file}, neither file holding the other's "
        "change; the later change was kept (both stay in the history)"
    )
    assert f"  not taken as held: {sentence}" in collated.stdout.splitlines()
    assert collated.stderr == f"warning: not taken as held: {sentence}\n"
    case = json.loads(ok(cli("cases", "show", out, "C001", "--json")).stdout)["case"]
    assert (case["rosh"], case["gender"]) == ("medium", "female")  # the later, and JS's own
    assert ok(cli("verify", out)).exit_code == 0


def test_the_lead_s_file_given_twice_is_refused(cli, lead_file, handed_in):
    out = lead_file.with_name("collated.sqlite")
    refused = cli("collate", lead_file, *handed_in, "--base", lead_file, "-o", out)
    assert refused.exit_code == 1 and not out.exists()
    assert refused.stderr == (
        f"error: {lead_file} is given both as --base and as an input; give the lead's file once\n"
    )
