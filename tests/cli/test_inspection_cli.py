"""`new`, `cases`, `answers` and `scores` end to end through the CLI, on real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat

import pytest

from db.file.csv_import import CASE_COLUMNS
from db.file.store import InspectionStore


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_creates_a_private_file_with_its_bank(cli, tmp_path, small_bank_file):
    path = tmp_path / "leeds.inspection"
    result = cli(
        "new",
        path,
        "--area",
        " Leeds ",
        "--bank",
        small_bank_file,
        "--lead",
        "hm",
        "--fieldwork",
        "2015-03-16..2015-03-27",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.startswith(f"created {path}: Leeds, bank small v1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with InspectionStore.open(path, readonly=True) as store:
        i = store.inspection
        assert (i.area, i.lead, i.fieldwork_start, i.fieldwork_end) == (
            "Leeds",
            "HM",
            "2015-03-16",
            "2015-03-27",
        )
        assert i.bank_id == "small" and len(store.bank.questions) == 7


def test_new_with_a_shipped_bank(cli, tmp_path):
    result = cli("new", tmp_path / "f.inspection", "--area", "Lambeth", "--bank", "fji-2014")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--bank", "fji-2099"], "there is no bank 'fji-2099'"),
        (["--bank", "small", "--fieldwork", "16/03/2015"], "is not a date"),
        (["--bank", "small", "--lead", "H1"], "is not an inspector's initials"),
        (["--bank", "small", "--fieldwork", "2015-03-27..2015-03-16"], "before it starts"),
    ],
)
def test_new_refuses_mistakes_without_a_file(cli, tmp_path, small_bank_file, extra, message):
    path = tmp_path / "x.inspection"
    extra = [str(small_bank_file) if word == "small" else word for word in extra]
    result = cli("new", path, "--area", "Lambeth", *extra)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message in result.stderr and "Traceback" not in result.output
    assert not path.exists()


def test_new_refuses_an_existing_file(cli, inspection, small_bank_file):
    before = sha(inspection)
    result = cli("new", inspection, "--area", "X", "--bank", small_bank_file)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert sha(inspection) == before


def test_cases_list_and_show(cli, inspection):
    listed = json.loads(cli("cases", "list", inspection, "--json").stdout)
    assert [c["case_ref"] for c in listed] == ["C001", "C002", "C003"]
    assert listed[1]["custody"] is True and listed[1]["inspector"] == "KM"
    assert listed[2]["bame"] is None and listed[2]["vulnerability"] == "very_high"
    assert listed[0]["progress"] == {"status": "in_progress", "answered": 2, "applicable": 5}
    text = cli("cases", "list", inspection).stdout
    assert "C002" in text and "in_progress 3/7" in text
    shown = json.loads(cli("cases", "show", inspection, "C001", "--json").stdout)
    questions = {q["id"]: q for q in shown["questions"]}
    assert list(questions) == ["A1", "A2", "A3", "A4", "R1", "R2", "G1"]
    assert questions["A2"]["answer"] == "no"
    assert questions["A2"]["note"] == "Plan ignored ETE,\nand the school"
    assert questions["A3"]["applies"] is False
    assert questions["A3"]["why_not"] == "applies only when custody"
    assert questions["A4"] == {**questions["A4"], "applies": True, "answer": None}
    c2 = json.loads(cli("cases", "show", inspection, "C002", "--json").stdout)
    assert c2["questions"][0]["second_read"] == {
        "answer": "no",
        "note": "Disagree: assessment thin",
        "inspector": "JS",
    }
    text = cli("cases", "show", inspection, "C001").stdout
    assert "A3" in text and "N/A    (applies only when custody)" in text
    missing = cli("cases", "show", inspection, "C404")
    assert missing.exit_code == 1 and "there is no case C404" in missing.stderr


def test_cases_import_refuses_bad_rows_and_imports_nothing(cli, inspection, tmp_path):
    bad = tmp_path / "more.csv"
    bad.write_text(
        ",".join(CASE_COLUMNS) + "\n"
        "C004,JS,other,15,male,white_british,yro,current,2014-07-01,,low,low,no,no,no,no,no,no\n"
        "C001,JS,other,15,male,white_british,yro,current,2014-07-01,,low,low,no,no,no,no,no,no\n"
        "C005,JS,other,21,male,white_british,yro,current,2014-07-01,,low,low,no,no,no,no,no,no\n",
        encoding="utf-8",
    )
    before, csv_before = sha(inspection), sha(bad)
    result = cli("cases", "import", inspection, bad)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: line 3, column case_ref: case C001 is already in the inspection",
        "error: line 4, column age: '21' is not an age from 10 to 18",
        "error: 2 rows of more.csv are wrong, so nothing was imported; "
        "correct them and import again",
    ]
    assert sha(inspection) == before and sha(bad) == csv_before
    with InspectionStore.open(inspection, readonly=True) as store:
        assert len(store.cases()) == 3


ROW = "{ref},JS,other,{age},male,white_british,yro,current,2014-07-01,,low,low,no,no,no,no,no,no\n"


def test_cases_import_of_cases_already_there_says_so_in_one_sentence(cli, inspection, tmp_path):
    again = tmp_path / "sample.csv"
    again.write_text(
        ",".join(CASE_COLUMNS)
        + "\n"
        + "".join(ROW.format(ref=r, age=15) for r in ("C001", "C002")),
        encoding="utf-8",
    )
    before = sha(inspection)
    result = cli("cases", "import", inspection, again)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: 2 cases of sample.csv are in {inspection} already (C001, C002), so nothing was "
        "imported; import a CSV of the new cases only (`audit-tui cases list` shows those in "
        "the file)\n"
    )
    assert sha(inspection) == before


def test_cases_import_lists_the_first_twenty_problems_and_counts_the_rest(
    cli, inspection, tmp_path
):
    bad = tmp_path / "extract.csv"
    bad.write_text(
        ",".join(CASE_COLUMNS)
        + "\n"
        + "".join(ROW.format(ref=f"N{n:03d}", age=30) for n in range(25)),
        encoding="utf-8",
    )
    result = cli("cases", "import", inspection, bad)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 22
    assert lines[0] == "error: line 2, column age: '30' is not an age from 10 to 18"
    assert lines[20] == "error: and 5 more problems on 5 more lines (line 22 onwards)"
    assert lines[21].startswith("error: 25 rows of extract.csv are wrong, so nothing was imported")


def test_cases_import_missing_csv(cli, inspection, tmp_path):
    result = cli("cases", "import", inspection, tmp_path / "nope.csv")
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("error: there is no file at") and "Traceback" not in result.output
    )


def test_answers_import_reports_every_bad_row(cli, inspection, tmp_path):
    bad = tmp_path / "bad-answers.csv"
    bad.write_text(
        "case_ref,question_id,answer,note,inspector,role\n"
        "C001,A4,maybe,,,\n"
        "C001,R2,no,,,\n"
        "C009,A1,yes,,,\n"
        "C001,A3,yes,,,\n"
        "C001,Z9,yes,,,\n"
        "C001,A4,yes,,J5,\n"
        "C001,G1,yes,,,moderator\n"
        "C003,A4,yes,,,\n"
        "C003,A4,no,see,,\n",
        encoding="utf-8",
    )
    before = sha(inspection)
    result = cli("answers", "import", inspection, bad)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: line 2, column answer: 'maybe' is not an answer to A4; the answers are yes, no, na",
        "error: line 4, column case_ref: there is no case C009 in this inspection; "
        "`audit-tui cases list` shows them",
        "error: line 5, column question_id: A3 does not apply to case C001: it applies only "
        "when custody, so it is N/A without an answer",
        "error: line 6, column question_id: Z9 is not a question of bank small v1",
        "error: line 7, column inspector: 'J5' is not an inspector's initials; use letters only, "
        "e.g. JS",
        "error: line 8, column role: 'moderator' is not a role; use primary or second_read",
        "error: line 10, column question_id: A4 of case C003 is already on line 9",
        "error: 7 rows of bad-answers.csv are wrong, so nothing was imported; "
        "correct them and import again",
    ]
    assert sha(inspection) == before


def test_answers_import_needs_the_note_the_bank_requires(cli, inspection, tmp_path):
    bad = tmp_path / "a.csv"
    bad.write_text("case_ref,question_id,answer\nC003,A2,no\n", encoding="utf-8")
    result = cli("answers", "import", inspection, bad)
    assert "line 2, column note: A2 needs a note when the answer is no" in result.stderr


def test_answers_export_round_trip(cli, inspection, tmp_path, csv_files, small_bank_file):
    exported = cli("answers", "export", inspection)
    assert exported.exit_code == 0 and exported.stderr == ""
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 8 and list(rows[0]) == [
        "case_ref",
        "question_id",
        "answer",
        "note",
        "inspector",
        "role",
    ]
    assert rows[1]["note"] == "Plan ignored ETE,\nand the school"
    again = tmp_path / "again.csv"
    again.write_text(exported.stdout, encoding="utf-8")
    reimported = cli("answers", "import", inspection, again)
    assert reimported.exit_code == 0
    assert "imported 0 new and 0 changed answers" in reimported.stderr
    assert "(8 unchanged)" in reimported.stderr
    # into a fresh inspection with the same cases, the export gives back the same answers
    fresh = tmp_path / "fresh.inspection"
    cases_csv, _ = csv_files
    assert cli("new", fresh, "--area", "L", "--bank", small_bank_file).exit_code == 0
    assert cli("cases", "import", fresh, cases_csv).exit_code == 0
    assert cli("answers", "import", fresh, again).exit_code == 0
    assert cli("answers", "export", fresh).stdout == exported.stdout
    as_json = json.loads(cli("answers", "export", fresh, "--json", "--no-notes").stdout)
    assert len(as_json) == 8 and all(a["note"] is None for a in as_json)
    assert {"bank_version", "answered_at"} <= set(as_json[0])
    no_notes = list(
        csv.DictReader(io.StringIO(cli("answers", "export", fresh, "--no-notes").stdout))
    )
    assert all(row["note"] == "" for row in no_notes)


def test_import_writes_history(inspection):
    with InspectionStore.open(inspection, readonly=True) as store:
        rows = [h for h in store.history() if h.event == "answer"]
    assert len(rows) == 8 and all(h.reason == "imported" for h in rows)


def test_scores(cli, inspection):
    result = cli("scores", inspection, "--json")
    assert result.exit_code == 0, result.output
    theme1, theme2 = json.loads(result.stdout)
    # theme 1 key answers (primary, applicable): C001 A1 yes, A2 no; C002 A1 yes, A3 yes;
    # C003 A1 na
    assert {k: theme1[k] for k in ("number", "title", "yes", "no", "na", "score")} == {
        "number": 1,
        "title": "Reducing reoffending",
        "yes": 3,
        "no": 1,
        "na": 1,
        "score": 75,
    }
    assert theme1["judgement"] == "Good" and theme1["phrase"] == "three-quarters"
    assert (theme2["yes"], theme2["no"], theme2["score"], theme2["phrase"]) == (1, 1, 50, "half")
    shown = cli("scores", inspection)
    text = shown.stdout
    # no case is complete yet: the scores say so, on stderr (the JSON on stdout is unchanged)
    note = "note: 3 of 3 cases are not complete yet; their answers so far are counted"
    assert note in shown.stderr and note in result.stderr
    # the small bank's bands have no source: every judgement from them is provisional
    assert theme1["provisional"] is True and theme1["mark"] == "1"
    assert "1 Reducing reoffending" in text and "75%" in text
    assert "Good (provisional), three-quarters" in text


def test_scores_by_and_inspector(cli, inspection):
    groups = json.loads(cli("scores", inspection, "--by", "custody", "--json").stdout)
    assert [(g["field"], g["group"], g["cases"]) for g in groups] == [
        ("custody", False, 2),
        ("custody", True, 1),
    ]
    assert groups[1]["themes"][0]["score"] == 100 and groups[0]["themes"][0]["score"] == 50
    text = cli("scores", inspection, "--by", "bame").stdout
    assert "bame = not stated (1 case)" in text and "bame = no (1 case)" in text
    mine = json.loads(cli("scores", inspection, "--inspector", "js", "--json").stdout)
    assert (mine[0]["yes"], mine[0]["no"], mine[0]["na"]) == (1, 1, 1)
    unknown = cli("scores", inspection, "--inspector", "ZZ")
    assert unknown.exit_code == 1
    assert "no case of" in unknown.stderr and "the inspectors are AB, JS, KM" in unknown.stderr
    wrong = cli("scores", inspection, "--by", "shoe_size")
    assert wrong.exit_code == 1 and "use one of inspector, gender" in wrong.stderr
