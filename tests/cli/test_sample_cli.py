"""`audit-tui sample` and `audit-tui cases makeup` end to end: a caseload extract is sampled,
the sample imported into a new inspection and its make-up checked, on real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from caseloads import caseload
from factories import make_case

COLUMNS = [
    "case_ref", "case_manager_role", "age", "gender", "ethnicity", "disposal", "status",
    "start_date", "end_date", "rosh", "vulnerability", "looked_after", "mappa",
]  # fmt: skip


def write_caseload(path: Path, cases) -> Path:
    """The caseload as a case management system exports it (some flags left out)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for case in cases:
            data = case.model_dump(mode="json")
            writer.writerow(
                ["yes" if data[c] is True else "no" if data[c] is False else data[c] or ""
                 for c in COLUMNS]
            )  # fmt: skip
    return path


@pytest.fixture
def extract(tmp_path) -> Path:
    """300 eligible cases and 20 that are not: too old, community resolutions."""
    cases = caseload(300, seed=8)
    cases += [make_case(f"OLD{n}", start_date="2013-01-01") for n in range(12)]
    cases += [make_case(f"CR{n}", disposal="community_resolution") for n in range(8)]
    return write_caseload(tmp_path / "caseload.csv", cases)


SAMPLE_ARGS = ("--size", 30, "--seed", 5, "--fieldwork", "2015-03-16")


def test_sample_import_makeup_end_to_end(cli, tmp_path, extract):
    before = extract.read_bytes()
    out = tmp_path / "sample.csv"
    drawn = cli("sample", extract, *SAMPLE_ARGS, "--inspectors", "AS,CB,KH", "-o", out,
                   "--json")  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    plan = json.loads(drawn.stdout)
    assert (plan["caseload"], plan["eligible"], plan["sample"], len(plan["cases"])) == (
        320,
        300,
        30,
        30,
    )
    assert plan["left_out"] == {
        "started before 2014-03-16": 12,
        "community resolution (not statutory)": 8,
    }
    assert len(plan["reserves"]) == 3  # a tenth of 30
    assert extract.read_bytes() == before
    assert f"wrote 30 cases to {out}; 3 reserves in {tmp_path / 'sample-reserves.csv'}" in (
        drawn.stderr
    )

    # the same seed and caseload give the same files, byte for byte
    again = cli("sample", extract, *SAMPLE_ARGS, "--inspectors", "AS,CB,KH",
                   "-o", tmp_path / "again.csv")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again.csv").read_bytes() == out.read_bytes()
    assert (tmp_path / "again-reserves.csv").read_bytes() == (
        tmp_path / "sample-reserves.csv"
    ).read_bytes()

    inspection = tmp_path / "lambeth.sqlite"
    made = cli("new", inspection, "--area", "Lambeth", "--bank", "fji-2014",
                  "--fieldwork", "2015-03-16")  # fmt: skip
    assert made.exit_code == 0, made.output
    imported = cli("cases", "import", inspection, out)
    assert imported.exit_code == 0, imported.output
    listed = json.loads(cli("cases", "list", inspection, "--json").stdout)
    assert sorted(c["case_ref"] for c in listed) == sorted(c["case_ref"] for c in plan["cases"])
    per = {who: sum(c["inspector"] == who for c in listed) for who in ("AS", "CB", "KH")}
    assert per == {"AS": 10, "CB": 10, "KH": 10}

    checked = cli("cases", "makeup", inspection, "--caseload", extract, "--json")
    assert checked.exit_code == 0, checked.output
    makeup = json.loads(checked.stdout)
    # the inspection's make-up is the table the sample command printed for the same cases
    assert makeup["strata"] == plan["strata"]
    assert makeup["inspectors"] == plan["inspectors"]
    assert (makeup["sample"], makeup["eligible"]) == (30, 300)
    girls = next(r for r in makeup["strata"] if r["group"] == "girls")
    assert girls["sample"] >= 3 and girls["eligible"] == plan["minimums"][2]["eligible"]

    # a reserve, with its inspector, imports the same way
    spare = tmp_path / "sample-reserves.csv"
    assert cli("cases", "import", inspection, spare).exit_code == 0
    assert len(json.loads(cli("cases", "list", inspection, "--json").stdout)) == 33

    text = cli("cases", "makeup", inspection)
    assert text.exit_code == 0, text.output
    assert "lambeth.sqlite: 33 cases" in text.stdout
    assert "inspector  cases custody high RoSH workload" in text.stdout
    assert "AS            11" in text.stdout


def test_the_table_and_warnings_of_a_small_caseload(cli, tmp_path):
    # 12 eligible boys, none BAME: too few for 20, and no girls to meet a minimum with
    cases = [make_case(f"B{n:02d}", start_date="2014-09-01") for n in range(12)]
    extract = write_caseload(tmp_path / "caseload.csv", cases)
    out = tmp_path / "sample.csv"
    result = cli("sample", extract, "--size", 20, "--seed", 1, "--fieldwork", "2015-03-16",
                    "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "caseload.csv: 12 cases, 12 eligible" in result.stdout
    assert "sample: 12 cases (seed 1), 0 reserves" in result.stdout
    assert "stratum   referral_order, current" in result.stdout
    assert (
        "warning: the eligible caseload has only 12 cases, fewer than the 20 asked for; every "
        "eligible case is in the sample and there are no reserves"
    ) in result.stderr
    assert "warning: the minimum of 2 girls cannot be met: the eligible caseload has none" in (
        result.stderr
    )
    assert "the inspector column is empty: fill it in, or give --inspectors" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 12 and {r["inspector"] for r in rows} == {""}
    # the reserves file is there, empty, so no older sample's reserves are left beside it
    assert (tmp_path / "sample-reserves.csv").read_text(encoding="utf-8").count("\n") == 1


def test_an_under_represented_group_is_warned_of(cli, tmp_path):
    # the inspection holds only boys; a fifth of the eligible caseload are girls
    cases = caseload(100, seed=3)
    extract = write_caseload(tmp_path / "caseload.csv", cases)
    boys = [c for c in cases if c.gender == "male"][:20]
    sample = tmp_path / "boys.csv"
    with sample.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["inspector", *COLUMNS, "child_protection_plan", "transferred",
                         "victim_identified", "psr_prepared"])  # fmt: skip
        for case in boys:
            data = case.model_dump(mode="json")
            writer.writerow(["JS", *[data[c] if data[c] is not None else "" for c in COLUMNS],
                             "no", "no", "no", "no"])  # fmt: skip
    inspection = tmp_path / "boys.sqlite"
    assert cli("new", inspection, "--area", "X", "--bank", "fji-2014",
                  "--fieldwork", "2015-03-16").exit_code == 0  # fmt: skip
    imported = cli("cases", "import", inspection, sample)
    assert imported.exit_code == 0, imported.output
    result = cli("cases", "makeup", inspection, "--caseload", extract)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("group     girls"))
    assert line.split()[-1] == "under"
    assert "warning: girls (group) is under-represented: 0 of 20 in the sample (0.0%)" in (
        result.stderr
    )
    alone = cli("cases", "makeup", inspection)
    assert "warning: the sample has no girls; check whether the caseload has none" in (alone.stderr)


def test_bad_rows_are_all_reported_and_nothing_is_written(cli, tmp_path):
    extract = tmp_path / "caseload.csv"
    extract.write_text(
        ",".join(COLUMNS) + "\n"
        "K1,yos_officer,15,male,white_british,yro,current,2014-09-01,,low,low,no,no\n"
        "K2,yos_officer,9,male,white_british,yro,current,2014-09-01,,low,low,no,no\n"
        "K3,yos_officer,15,boy,white_british,yro,ongoing,2014-09-01,,low,low,no,perhaps\n",
        encoding="utf-8",
    )
    before = extract.read_bytes()
    out = tmp_path / "sample.csv"
    result = cli("sample", extract, *SAMPLE_ARGS, "-o", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: line 3, column age: '9' is not an age from 10 to 18",
        "error: line 4, column gender: 'boy' is not one of female, male",
        "error: line 4, column status: 'ongoing' is not one of current, terminated",
        "error: line 4, column mappa: 'perhaps' is not yes or no (yes/no, true/false, y/n, 1/0)",
        "error: 2 rows of caseload.csv are wrong, so no sample was drawn and nothing was "
        "written; correct them and draw again",
    ]
    assert not out.exists() and list(tmp_path.iterdir()) == [extract]
    assert extract.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("--minimum", "boys=3"), "--minimum 'boys=3' names no group; write GROUP=N with"),
        (("--minimum", "girls=some"), "--minimum 'girls=some' needs a whole number of cases"),
        (("--inspectors", "A1,CB"), "--inspectors: 'A1' is not initials; give them as AS,CB,KH"),
        (("--window-months", "0"), "--window-months 0 is no window; give 1 or more"),
        (("--size", "0"), "--size 0 draws nothing; give the number of cases, e.g. 61"),
        (("--fieldwork", "2012-01-01"), "none of the 320 cases is eligible"),
        (("--bank", "nope"), "nope"),
    ],
)
def test_a_bad_option_is_one_sentence_and_nothing_is_written(
    cli, tmp_path, extract, args, sentence
):
    out = tmp_path / "sample.csv"
    result = cli("sample", extract, *SAMPLE_ARGS, *args, "-o", out)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and sentence in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_the_output_may_not_overwrite_the_caseload(cli, tmp_path, extract):
    before = extract.read_bytes()
    result = cli("sample", extract, *SAMPLE_ARGS, "-o", extract)
    assert result.exit_code == 1
    assert result.stderr == f"error: {extract} would overwrite the caseload; give another --out\n"
    assert extract.read_bytes() == before


def test_without_a_seed_the_seed_used_is_printed_and_repeats_the_draw(cli, tmp_path, extract):
    first = cli("sample", extract, "--size", 20, "--fieldwork", "2015-03-16",
                   "-o", tmp_path / "a.csv")  # fmt: skip
    assert first.exit_code == 0, first.output
    seed = first.stderr.split("seed ", 1)[1].split(":", 1)[0]
    again = cli("sample", extract, "--size", 20, "--fieldwork", "2015-03-16", "--seed", seed,
                   "-o", tmp_path / "b.csv")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert f"seed {seed}" not in again.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_makeup_against_a_caseload_needs_a_fieldwork_day(cli, tmp_path, extract):
    out = tmp_path / "sample.csv"
    drawn = cli("sample", extract, *SAMPLE_ARGS, "--inspectors", "JS", "-o", out)
    assert drawn.exit_code == 0, drawn.output
    inspection = tmp_path / "undated.sqlite"
    assert cli("new", inspection, "--area", "X", "--bank", "fji-2014").exit_code == 0
    assert cli("cases", "import", inspection, out).exit_code == 0
    undated = cli("cases", "makeup", inspection, "--caseload", extract)
    assert undated.exit_code == 1
    assert undated.stderr == (
        "error: the inspection has no fieldwork date to count the window back from; give one "
        "with --fieldwork YYYY-MM-DD\n"
    )
    dated = cli("cases", "makeup", inspection, "--caseload", extract, "--fieldwork",
                   "2015-03-16", "--window-months", "6", "--json")  # fmt: skip
    assert dated.exit_code == 0, dated.output
    found = json.loads(dated.stdout)
    assert found["sample"] == 30 and found["eligible"] < 300  # six months keep fewer
    assert found["inspectors"][0]["inspector"] == "JS" and found["inspectors"][0]["cases"] == 30
