"""End to end in the shape of the reference report, and the report in every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest
from collate_files import Clock, answer

from db.collation.collate import collate
from db.file.store import InspectionStore
from db.reporting import figures, report
from db.reporting.reference import REFERENCE_SCORES, build_reference


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return build_reference(tmp_path_factory.mktemp("reference"))


def test_61_cases_in_6_files_collate_to_the_published_scores(reference):
    assert len(reference.inspector_files) == 6
    assert reference.summary.cases == 61 and reference.summary.conflicts == 0
    with InspectionStore.open(reference.collated, readonly=True) as store:
        scores = {t.number: t for t in figures.theme_scores(store)}
    assert {n: t.percent for n, t in scores.items()} == REFERENCE_SCORES
    assert scores[4].judgement == "Good"
    assert {scores[n].judgement for n in (1, 2, 3, 6)} == {"Unsatisfactory"}
    assert scores[1].phrase == "almost three-fifths"


def test_the_markdown_report(reference):
    with InspectionStore.open(reference.collated, readonly=True) as store:
        figures_ = report.gather(store)
    text = report.to_markdown(figures_)
    assert text.startswith("# Case assessment figures: Lambeth (reference)")
    top = text.split("## Case assessment scores")[0]
    assert "UNRESOLVED CONFLICTS" not in top and "CASES NOT COMPLETE" not in top
    assert f"SECOND-READ DISAGREEMENTS NOT MODERATED: {len(figures_.disagreements)}." in top
    assert len(figures_.disagreements) == 48 - figures_.agreement.overall.agreed
    # each theme's sentence in the reference report's own words (the bank's `work`)
    for sentence in (
        "overall 58% of work to reduce reoffending was done well enough",
        "overall 56% of work to protect the public was done well enough",
        "overall 62% of work to protect children and young people and reduce their "
        "vulnerability was done well enough",
        "overall 82% of work to ensure the sentence was served was done well enough",
        "overall 63% of work relating to interventions to reduce reoffending was done well enough",
    ):
        assert f"Within the case assessment, {sentence} (" in text, sentence
    assert "| Theme | Score | Yes | No | N/A | Cases | Indicative judgement |" in text
    assert "## Theme 1: Reducing reoffending" in text
    assert "Judgement: indicative **Unsatisfactory (provisional)**, recorded" in text
    assert (
        "| 4 Ensuring that the sentence is served | 82% | 232 | 52 | 11 | 61 | Good (provisional) |"
    ) in text
    assert "## Ratings" not in text and "Overall:" not in text.split("## Second-read")[0]
    assert "| 4 Ensuring that the sentence is served | 82% |" in text
    assert "| 5 Governance and Partnerships | not case-scored |" in text
    assert "Recorded judgement: **not recorded**" in text
    assert "### Data Summary" in text
    assert "| RR-ASSESS-01 | Assessment of reoffending factors |" in text
    theme1 = text.split("## Theme 1:")[1].split("## Theme 2:")[0]
    summary = theme1.split("### Data Summary")[1].split("### Subgroups")[0]
    assert (
        "| Key question | Chart label | Yes | No | Answered N/A | Did not apply | % yes | "
        "Done well |"
    ) in summary
    # 33 of 57: the report's own words for both shares
    assert (
        "| RR-REVIEW-04 | Review of assessment and plan | 33 | 24 | 4 | 0 | 58% | done well in "
        "almost three-fifths of cases; not done well in just over two-fifths |"
    ) in summary
    assert "RR-PSR-01" not in summary  # a key question the bank does not chart
    assert "| RR-PSR-01 |" not in theme1
    theme6 = text.split("## Theme 6:")[1]
    assert "The bank charts none of this theme's key questions." in theme6
    assert "| Gender | female |" in text and "| Looked-after child | yes |" in text
    assert "Overall: 48 pairs of first and second reads" in text


def test_every_format(reference, tmp_path):
    with InspectionStore.open(reference.collated, readonly=True) as store:
        figures_ = report.gather(store)
    for fmt in report.FORMATS:
        report.write(figures_, fmt, tmp_path / f"report.{fmt}")
    data = json.loads((tmp_path / "report.json").read_text())
    assert [t["score"] for t in data["themes"] if t["case_scored"]] == [58, 56, 62, 82, 63]
    assert data["unresolved_conflicts"] == [] and data["agreement"]["overall"]["pairs"] == 48
    assert data["cases_not_complete"] == []  # the reference's inspectors completed every case
    theme1 = data["themes"][0]
    assert {g["field"] for g in theme1["subgroups"]} == {
        "gender", "bame", "custody", "status", "rosh", "vulnerability", "looked_after"
    }  # fmt: skip
    questions = {q["id"]: q for q in theme1["questions"]}
    assert questions["RR-REVIEW-04"]["done_well_text"] == (
        "done well in almost three-fifths of cases; not done well in just over two-fifths"
    )
    assert questions["RR-PSR-01"]["charted"] is False and questions["RR-PSR-01"]["did_not_apply"]
    assert theme1["indicative_judgement"] == "Unsatisfactory" and theme1["indicative_provisional"]
    assert theme1["sentence"].startswith("Within the case assessment, overall 58% of work to")
    assert data["overall"] is None and data["bank"]["words"] == {
        "theme": "theme", "judgement": "judgement"
    }  # fmt: skip
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text())))
    themes = [r for r in rows if r["section"] == "theme"]
    assert [r["score"] for r in themes] == ["58", "56", "62", "82", "", "63"]
    assert themes[0]["indicative_judgement"] == "Unsatisfactory (provisional)"
    review = next(r for r in rows if r["id"] == "RR-REVIEW-04")
    assert (review["section"], review["yes"], review["no"], review["na"]) == (
        "key question", "33", "24", "4"
    )  # fmt: skip
    assert (review["did_not_apply"], review["charted"]) == ("0", "yes")
    assert review["phrase"] == questions["RR-REVIEW-04"]["done_well_text"]
    psr = next(r for r in rows if r["id"] == "RR-PSR-01")
    assert psr["charted"] == "no" and int(psr["did_not_apply"]) > 0
    with zipfile.ZipFile(tmp_path / "report.xlsx") as book:
        workbook = book.read("xl/workbook.xml").decode()
    for name in ("Summary", *(f"Theme {n}" for n in (1, 2, 3, 4, 5, 6))):
        assert f'name="{name}"' in workbook
    assert (tmp_path / "report.md").stat().st_mode & 0o777 == 0o600


def test_unresolved_conflicts_come_first_and_loud(reference, tmp_path):
    first = reference.inspector_files[0]
    monday, tuesday = tmp_path / "mon.sqlite", tmp_path / "tue.sqlite"
    for copy in (monday, tuesday):
        shutil.copyfile(first, copy)
    with InspectionStore.open(first, readonly=True) as store:
        case = store.cases()[0]
        qid = next(a.question_id for a in store.answers(case.case_ref) if a.value == "yes")
    answer(monday, [(case.case_ref, qid, "no", case.inspector, "primary", "monday")], Clock())
    answer(tuesday, [(case.case_ref, qid, "na", case.inspector, "primary", "tuesday")], Clock())
    out = tmp_path / "collated.sqlite"
    collate([monday, tuesday, *reference.inspector_files[1:]], out)
    with InspectionStore.open(out, readonly=True) as store:
        figures_ = report.gather(store)
    text = report.to_markdown(figures_)
    top = text.split("## Case assessment scores")[0]
    assert "> **UNRESOLVED CONFLICTS: 1." in top
    assert f"| conflict | {case.case_ref} | {qid} |" in top and "monday" in top and "tuesday" in top
    first_row = report.to_csv(figures_).splitlines()[1]
    assert first_row.startswith("UNRESOLVED CONFLICT,")
    assert json.loads(report.to_json(figures_))["unresolved_conflicts"][0]["question_id"] == qid
