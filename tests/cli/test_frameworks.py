"""Each bank's framework on the command line: `new --module`, `bank show` (measures, modules,
sources, words), and `scores` and `summary` in the bank's words, with "(provisional)" on every
judgement from unsourced bands, the deciding key question of a lowest-key bank and the overall
rating."""

from __future__ import annotations

import hashlib
import json

import pytest
from factories import CASES_CSV

from db.file.store import InspectionStore
from question_bank.loader import load_shipped

YJS_ANSWERS = (
    "case_ref,question_id,answer,note\n"
    "C001,S21-DESIST,yes,\n"
    "C002,S21-DESIST,yes,\n"
    "C003,S21-DESIST,no,thin\n"
    "C001,S21-CHILD,yes,\n"
    "C002,S21-CHILD,no,thin\n"
    "C003,S21-CHILD,no,thin\n"
    "C002,S21-OTHERS,yes,\n"
    "C003,S21-OTHERS,yes,\n"
)


@pytest.fixture
def yjs(cli, tmp_path):
    """A yjs-2021 inspection of the three cases, standard 2.1 answered: its lowest key question
    is S21-CHILD (1 of 3 yes), the others 2 of 3 and 2 of 2."""
    path = tmp_path / "youth.inspection"
    (tmp_path / "cases.csv").write_text(CASES_CSV)
    (tmp_path / "answers.csv").write_text(YJS_ANSWERS)
    for args in (
        ("new", path, "--area", "Newcastle", "--bank", "yjs-2021", "--lead", "AB"),
        ("cases", "import", path, tmp_path / "cases.csv"),
        ("answers", "import", path, tmp_path / "answers.csv"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return path


def test_new_records_the_module_chosen(cli, tmp_path):
    path = tmp_path / "leicester.inspection"
    result = cli("new", path, "--area", "Leicester", "--bank", "fji-2014", "--module", "court_work")
    assert result.exit_code == 0, result.output
    assert "bank fji-2014 v2.1 with module court_work" in result.stderr
    with InspectionStore.open(path, readonly=True) as store:
        assert store.bank == load_shipped("fji-2014", "court_work")
        assert store.bank.module == "court_work"
        assert store.bank.theme_by_number[6].title == "Court work and reports"
    default = tmp_path / "lambeth.inspection"
    assert cli("new", default, "--area", "Lambeth", "--bank", "fji-2014").exit_code == 0
    with InspectionStore.open(default, readonly=True) as store:
        assert store.bank.module == "interventions"


@pytest.mark.parametrize(
    ("bank", "module", "says"),
    [
        ("fji-2014", "courts", "bank fji-2014 has no module 'courts'; choose one of "
         "interventions, court_work"),
        ("yjs-2021", "court_work", "bank yjs-2021 offers no modules, so there is no module "
         "'court_work' to choose; leave out --module"),
    ],
)  # fmt: skip
def test_new_refuses_a_module_the_bank_does_not_offer(cli, tmp_path, bank, module, says):
    path = tmp_path / "x.inspection"
    result = cli("new", path, "--area", "X", "--bank", bank, "--module", module)
    assert result.exit_code == 1 and result.stderr == f"error: {says}\n"
    assert not path.exists()


def test_collate_refuses_files_of_two_modules_in_one_sentence(cli, tmp_path):
    files = []
    for module in ("interventions", "court_work"):
        path = tmp_path / f"{module}.inspection"
        InspectionStore.create(
            path,
            area="Lambeth",
            bank=load_shipped("fji-2014", module),
            inspection_id="a" * 32,
        ).close()
        files.append(path)
    before = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    result = cli("collate", *files, "-o", tmp_path / "out.inspection")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {files[1]} was made with the 'court_work' module of bank fji-2014 and "
        f"{files[0]} with the 'interventions' module; files of different modules are never "
        "merged, so collate the files made for one module only\n"
    )
    assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == before


def test_bank_show_speaks_the_banks_words_and_names_each_key_questions_measure(cli):
    text = cli("bank", "show", "yjs-2021").stdout
    assert "\nStandard 2.1: Assessment (case-scored)\n" in text
    assert "Theme" not in text
    line = next(x for x in text.splitlines() if "S21-CHILD " in x)
    assert line.startswith("  * S21-CHILD") and "[measure: Keeping the child safe]" in line
    assert "bands (provisional: no source): Inadequate 0-49, Requires improvement 50-64" in text
    assert "overall rating (provisional: no source): points Inadequate 0" in text
    assert "\nsources:\n  [S15] Our standards and ratings." in text
    fji = cli("bank", "show", "fji-2014").stdout
    assert "\nTheme 1: Reducing reoffending (case-scored)\n" in fji
    assert "module interventions: Interventions to reduce reoffending (shown, the default)" in fji
    assert "module court_work: Court work and reports (--module court_work)" in fji
    assert "case window: A representative sample of statutory cases up to 12 months old" in fji
    assert "\nTheme 6: Interventions to reduce reoffending" in fji


def test_bank_show_module_shows_that_modules_bank(cli):
    text = cli("bank", "show", "fji-2014", "--module", "court_work").stdout
    assert "\nTheme 6: Court work and reports (case-scored)" in text
    assert "Interventions to reduce reoffending (case-scored)" not in text
    assert "module court_work: Court work and reports (shown)" in text
    court = load_shipped("fji-2014", "court_work")
    assert f"hash {court.content_hash}" in text
    shown = json.loads(cli("bank", "show", "fji-2014", "--module", "court_work", "--json").stdout)
    assert shown["module"] == "court_work" and shown["hash"] == court.content_hash
    assert [m["id"] for m in shown["modules"]] == ["interventions", "court_work"]
    assert [m["chosen"] for m in shown["modules"]] == [False, True]
    wrong = cli("bank", "show", "sqs-2014", "--module", "court_work")
    assert wrong.exit_code == 1 and "bank sqs-2014 offers no modules" in wrong.stderr


def test_bank_show_json_gives_measures_sources_window_and_words(cli):
    shown = json.loads(cli("bank", "show", "sqs-2014", "--json").stdout)
    assert shown["words"] == {"theme": "theme", "judgement": "judgement"}
    assert shown["case_window"].startswith("Cases typically six weeks to three months")
    assert shown["sources"][0].startswith("[S2] Inspection programmes")
    assert shown["bands_provisional"] is True and shown["bands_source"] is None
    theme = shown["themes"][0]
    assert theme["mark"] == "1"
    assert [m["id"] for m in theme["measures"]] == ["court_report", "assessment", "planning"]
    keys = {q["id"]: q["measure"] for q in theme["questions"] if q["key"]}
    assert {m["question"]: m["id"] for m in theme["measures"]} == keys
    assert all(q["measure"] is None for q in theme["questions"] if not q["key"])
    yjs = json.loads(cli("bank", "show", "yjs-2021", "--json").stdout)
    assert yjs["words"] == {"theme": "standard", "judgement": "rating"}
    assert yjs["themes"][4]["mark"] == "2.1" and yjs["modules"] == []
    assert yjs["overall"]["points"]["Outstanding"] == 3


def test_scores_on_a_lowest_key_bank(cli, yjs):
    result = cli("scores", yjs)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "standard" and lines[0].endswith("rating (indicative)")
    assert lines[1].split()[:2] == ["2.1", "Assessment"]
    assert lines[1].endswith("33%  Inadequate (provisional), one-third")
    assert lines[2] == (
        "    set by S21-CHILD, 1 of 3 yes; the next band, Requires improvement (provisional), "
        "needs 1 more yes answer there (67%)"
    )
    assert lines[-2] == "overall rating (provisional): not yet (0 of 36 points so far)"
    assert lines[-1].startswith("  standards 1.1, 1.2, 1.3, 1.4, 2.2, 2.3, 2.4, 3.1, 3.2")
    assert "4.1" not in lines[-1], "resettlement does not count in the overall rating"
    themes = json.loads(cli("scores", yjs, "--json").stdout)
    first = themes[0]
    assert (first["number"], first["mark"], first["score"]) == (21, "2.1", 33)
    assert (first["judgement"], first["provisional"]) == ("Inadequate", True)
    assert first["deciding_question"] == "S21-CHILD"
    assert first["rise"] == {"band": "Requires improvement", "answers": 1, "score": 67}


def test_scores_end_with_the_overall_rating_from_recorded_and_indicative(cli, yjs):
    with InspectionStore.open(yjs) as store:
        for theme in store.bank.themes:
            if theme.number != 21 and theme.in_overall is not False:
                store.record_judgement(theme.number, "Good", "Week-2 evidence.", by="AB")
    lines = cli("scores", yjs).stdout.splitlines()
    # 2.1 counts as its indicative Inadequate (0), the eleven others as recorded Good (2 each)
    assert lines[-1] == "overall rating (provisional): Good, 22 of 36 points"


def test_summary_in_the_banks_words_with_did_not_apply_and_phrases(cli, yjs):
    result = cli("summary", yjs, "--theme", "2.1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Standard 2.1: Assessment"
    assert lines[2].split() == ["S21-DESIST", "Assessment:", "supporting", "desistance",
                                "2", "1", "0", "0", "67%"]  # fmt: skip
    assert lines[3].strip() == "done well in two-thirds of cases; not done well in one-third"
    others = next(x for x in lines if x.lstrip().startswith("S21-OTHERS"))
    # C001 is at low RoSH: the question applies to it still (HMIP scores it where there are
    # factors, at any level), and it is not answered yet
    assert others.split()[-5:] == ["2", "0", "0", "0", "100%"]
    assert "  indicative rating: Inadequate (provisional), 33%, one-third" in lines
    assert lines[-1].startswith("  set by S21-CHILD, 1 of 3 yes;")
    assert cli("summary", yjs, "--theme", "21").stdout == result.stdout
    wrong = cli("summary", yjs, "--theme", "5")
    assert wrong.exit_code == 1
    assert "bank yjs-2021 has no standard 5; its standards are 1.1, 1.2" in wrong.stderr
    shown = json.loads(cli("summary", yjs, "--theme", "2.1", "--json").stdout)[0]
    assert (shown["mark"], shown["provisional"], shown["judgement"]) == ("2.1", True, "Inadequate")
    assert shown["deciding_question"] == "S21-CHILD"
    child = next(q for q in shown["questions"] if q["id"] == "S21-CHILD")
    assert (child["yes"], child["no"], child["share"], child["did_not_apply"]) == (1, 2, 33, 0)
    assert (child["phrase"], child["not_done_phrase"]) == ("one-third", "two-thirds")


def test_summary_charts_only_the_charted_key_questions(cli, tmp_path):
    path = tmp_path / "lambeth.inspection"
    assert cli("new", path, "--area", "Lambeth", "--bank", "fji-2014").exit_code == 0
    bank = load_shipped("fji-2014")
    shown = json.loads(cli("summary", path, "--json").stdout)
    for theme in shown:
        charted = [q.id for q in bank.key_questions(theme["number"]) if q.charted]
        assert [q["id"] for q in theme["questions"]] == charted
    assert any(not q.charted for q in bank.questions if q.key), "fji-2014 leaves some out"
