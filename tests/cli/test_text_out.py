"""Text out is text: whatever reaches a CSV or XLSX cell (a note, a case reference, a bank's
label) is never run by a spreadsheet as a formula, and `bank validate` refuses a label that
starts like one (OWASP's guidance on CSV injection: = + - @, tab, carriage return)."""

from __future__ import annotations

import csv
import io
import json

import yaml
from factories import SMALL_BANK_FILE
from workbooks import string_cells

FORMULA = '=HYPERLINK("http://x.example","open")'
NOTES = (
    "case_ref,question_id,answer,note,inspector,role\n"
    f'C001,A2,no,"{FORMULA.replace(chr(34), chr(34) * 2)}",JS,primary\n'
    "C002,A1,yes,-1 visit missed,KM,primary\n"
    "C002,A1,no,@SUM(1+1)*cmd,JS,second_read\n"
    "C003,R1,yes,''=already marked,,\n"  # a note that starts with an apostrophe: '=already marked
)
STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_bank_validate_refuses_a_label_a_spreadsheet_would_run(cli, tmp_path):
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    raw["questions"][0]["chart_label"] = FORMULA
    raw["themes"][2]["title"] = "+Governance"
    raw["scales"] = {
        "yes_no_na": {
            "options": [
                {"value": "yes", "label": "Yes", "key": "y", "counts_as": "yes"},
                {"value": "no", "label": "-No", "key": "n", "counts_as": "no"},
                {"value": "na", "label": "N/A", "key": "a", "counts_as": "excluded"},
            ]
        }
    }
    bank = tmp_path / "evil.yaml"
    bank.write_text(yaml.safe_dump(raw), encoding="utf-8")
    before = bank.read_bytes()
    result = cli("bank", "validate", bank)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: evil.yaml: theme 5: title starts with '+', which a spreadsheet runs as a "
        "formula; begin it with a letter or a digit",
        "error: evil.yaml: question A1: chart_label starts with '=', which a spreadsheet runs "
        "as a formula; begin it with a letter or a digit",
        "error: evil.yaml: scale yes_no_na: option no label starts with '-', which a "
        "spreadsheet runs as a formula; begin it with a letter or a digit",
    ]
    made = cli("new", tmp_path / "x.sqlite", "--area", "L", "--bank", bank)
    assert made.exit_code == 1 and not (tmp_path / "x.sqlite").exists()
    assert bank.read_bytes() == before


def test_notes_and_case_references_reach_the_csv_and_the_workbook_as_text(
    cli, inspection, csv_files, small_bank_file, tmp_path
):
    notes = tmp_path / "notes.csv"
    notes.write_text(NOTES, encoding="utf-8")
    assert cli("answers", "import", inspection, notes).exit_code == 0

    exported = cli("answers", "export", inspection)
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    written = {(r["case_ref"], r["question_id"], r["role"]): r["note"] for r in rows}
    assert written[("C001", "A2", "primary")] == "'" + FORMULA
    assert written[("C002", "A1", "primary")] == "'-1 visit missed"
    assert written[("C002", "A1", "second_read")] == "'@SUM(1+1)*cmd"
    assert written[("C003", "R1", "primary")] == "''=already marked"
    assert not any(cell.startswith(STARTS) for row in rows for cell in row.values())
    # read in again, into a fresh file: the notes as they were, not as marked
    again = tmp_path / "again.csv"
    again.write_text(exported.stdout, encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    cases_csv, _ = csv_files
    assert cli("new", fresh, "--area", "L", "--bank", small_bank_file).exit_code == 0
    assert cli("cases", "import", fresh, cases_csv).exit_code == 0
    assert cli("answers", "import", fresh, again).exit_code == 0
    stored = {
        (a["case_ref"], a["question_id"], a["role"]): a["note"]
        for a in json.loads(cli("answers", "export", fresh, "--json").stdout)
    }
    assert stored[("C001", "A2", "primary")] == FORMULA
    assert stored[("C003", "R1", "primary")] == "'=already marked"
    assert cli("answers", "export", fresh).stdout == exported.stdout

    report_csv = cli("report", inspection, "--format", "csv")
    assert report_csv.exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(report_csv.stdout)) for c in row]
    assert not any(cell.startswith(STARTS) for cell in cells)
    disagreement = next(c for c in cells if "@SUM(1+1)*cmd" in c)
    assert disagreement.startswith("yes (KM, primary): -1 visit missed")

    book = tmp_path / "report.xlsx"
    assert cli("report", inspection, "--format", "xlsx", "-o", book).exit_code == 0
    texts = string_cells(book)
    assert "C002" in texts.values(), "the case reference is a string cell"
    assert any("@SUM(1+1)*cmd" in t for t in texts.values())
    assert not any(t.startswith(STARTS) for t in texts.values())
