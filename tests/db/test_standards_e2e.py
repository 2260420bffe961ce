"""The youth justice standards end to end: a yjs-2021 inspection of court and out-of-court cases,
split into three inspector files, answered through the store, exported and collated; the
collated file's standard ratings and overall rating equal figures computed here, by hand, from
the answers given (lowest share of yes per standard, whole percent half up, bands 80/65/50,
points summed, the overall bands), and the report's ratings table says them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from db.collation.collate import collate
from db.collation.export import export, split
from db.file.store import InspectionStore
from db.reporting import figures, report
from question_bank.case import CaseRecord
from question_bank.loader import load_shipped
from question_bank.model import Bank

LEAD, INSPECTORS = "HM", ("HM", "JD", "KM")
COURT_STANDARDS, OOC_STANDARDS = (21, 22, 23, 24), (31, 32, 33)
ORGANISATIONAL = {11: "Good", 12: "Requires improvement", 13: "Good", 14: "Outstanding",
                  34: "Good", 41: "Inadequate"}  # fmt: skip
OVERRIDE = (24, "Requires improvement")  # the lead's recorded rating over 2.4's indicative one

# Per key question: how many of the cases with factors related to its aim are answered no and
# N/A (the rest yes). The safety questions apply to every case of their domain; the inspector
# finds factors where the level, as they classify it, is medium or above, and answers N/A
# elsewhere ("no factors"). Court: DESIST counts 12 cases, CHILD 8, OTHERS 6; out of court: 9,
# 6 and 2.
NO_AND_NA = {
    "S21-DESIST": (3, 0), "S21-CHILD": (2, 0), "S21-OTHERS": (1, 0),  # 75% = 75%: a tie
    "S22-DESIST": (6, 0), "S22-CHILD": (1, 0), "S22-OTHERS": (2, 0),  # 50%
    "S23-DESIST": (2, 0), "S23-CHILD": (3, 0), "S23-OTHERS": (0, 0),  # 5/8 = 62.5% -> 63%
    "S24-DESIST": (4, 0), "S24-CHILD": (2, 0), "S24-OTHERS": (4, 0),  # 33%
    "S31-DESIST": (1, 0), "S31-CHILD": (1, 0), "S31-OTHERS": (0, 0),  # 83%
    "S32-DESIST": (2, 0), "S32-CHILD": (1, 0), "S32-OTHERS": (1, 0),  # 50%
    "S33-DESIST": (2, 0), "S33-CHILD": (2, 0), "S33-OTHERS": (0, 2),  # OTHERS empty
}  # fmt: skip

# The level whose classification tells whether a case has factors related to the aim.
FACTORS = {"child_safety": "vulnerability", "others_safety": "rosh"}

# Hand-copied from the framework, not read from the bank: the standard's bands, the points of
# each rating and the overall bands out of 36.
BANDS = ((80, "Outstanding"), (65, "Good"), (50, "Requires improvement"), (0, "Inadequate"))
POINTS = {"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3}
OVERALL = ((31, "Outstanding"), (19, "Good"), (7, "Requires improvement"), (0, "Inadequate"))


def case(n: int, inspector: str, disposal: str, rosh: str, vulnerability: str) -> CaseRecord:
    return CaseRecord.model_validate(
        {"case_ref": f"Y{n:02d}", "inspector": inspector, "case_manager_role": "yos_officer",
         "age": 15, "gender": "female" if n % 4 == 0 else "male", "ethnicity": "white_british",
         "disposal": disposal, "status": "current", "start_date": "2021-09-01", "rosh": rosh,
         "vulnerability": vulnerability, "victim_identified": n % 2 == 0}
    )  # fmt: skip


def sample() -> list[CaseRecord]:
    """12 court cases, then 9 out-of-court ones, dealt round the three inspectors."""
    court = ("referral_order", "yro", "dto", "yro_iss", "reparation_order", "s91")
    ooc = ("youth_caution", "community_resolution", "youth_conditional_caution")
    cases = []
    for n in range(1, 13):  # vulnerable: 1-8; RoSH medium and above: 1-6
        rosh = "medium" if n <= 6 else "low"
        vulnerability = "high" if n <= 8 else "low"
        cases.append(case(n, INSPECTORS[n % 3], court[n % 6], rosh, vulnerability))
    for n in range(13, 22):  # vulnerable: 13-17; RoSH medium: 13-14
        rosh = "medium" if n <= 14 else "low"
        vulnerability = "medium" if n <= 17 else "low"
        cases.append(case(n, INSPECTORS[n % 3], ooc[n % 3], rosh, vulnerability))
    return cases


# The inspector's classifications that differ from the service's: Y06's RoSH is low (no factors
# related to others' safety: N/A), Y07's is high (factors), Y21 is vulnerable.
RECLASSIFIED = {("Y06", "S21-ROSH"): "should_be_low", ("Y07", "S21-ROSH"): "should_be_high",
                ("Y21", "S21-VULN"): "should_be_medium"}  # fmt: skip


def plan(bank: Bank, cases: list[CaseRecord]) -> dict[str, dict[str, str]]:
    """case_ref -> question id -> answer: every question that applies; a safety question N/A
    where the case has no factors related to its aim."""
    answers: dict[str, dict[str, str]] = {}
    applies: dict[str, list[str]] = {}
    for c in cases:
        given = {
            q.id: RECLASSIFIED.get((c.case_ref, q.id), "yes") for q in bank.classifying_questions
        }
        answers[c.case_ref] = dict(given)
        values = bank.classified_values(c.condition_values(), given)
        applies[c.case_ref] = [q.id for q in bank.applicable_questions(values)]
        for qid in list(applies[c.case_ref]):
            level = FACTORS.get(bank.question(qid).measure or "")
            if level and values[level] == "low":
                answers[c.case_ref][qid] = "na"
                applies[c.case_ref].remove(qid)
    for qid, (no, na) in NO_AND_NA.items():
        slots = [ref for ref in sorted(applies) if qid in applies[ref]]
        for index, ref in enumerate(slots):
            answers[ref][qid] = "no" if index < no else "na" if index < no + na else "yes"
    for ref, qids in applies.items():
        for qid in qids:
            answers[ref].setdefault(qid, "yes")
    return answers


def whole_percent(yes: int, answered: int) -> int:
    return int((Decimal(100 * yes) / Decimal(answered)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class Expected:
    percent: int
    rating: str
    deciding: str


def expected_ratings(bank: Bank, answers: dict[str, dict[str, str]]) -> dict[int, Expected]:
    """Each case-scored standard as the framework rates it, from the answers alone."""
    tally = Counter((qid, value) for given in answers.values() for qid, value in given.items())
    result = {}
    for number in (*COURT_STANDARDS, *OOC_STANDARDS):
        shares = []
        for aim in ("DESIST", "CHILD", "OTHERS"):  # the bank's order of its key questions
            qid = f"S{number}-{aim}"
            yes, no = tally[(qid, "yes")], tally[(qid, "no")]
            if yes + no:
                shares.append((Fraction(yes, yes + no), qid, yes, yes + no))
        share, qid, yes, answered = min(shares, key=lambda s: s[0])  # the first of a tie
        percent = whole_percent(yes, answered)
        rating = next(label for edge, label in BANDS if percent >= edge)
        result[number] = Expected(percent, rating, qid)
    return result


def stepping(day: int):
    now = [datetime(2022, 3, day, 9, 0, tzinfo=UTC)]

    def clock() -> datetime:
        now[0] += timedelta(seconds=20)
        return now[0]

    return clock


@dataclass(frozen=True)
class Built:
    collated: Path
    answers: dict[str, dict[str, str]]
    bank: Bank


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("standards")
    bank = load_shipped("yjs-2021")
    cases = sample()
    answers = plan(bank, cases)
    master = folder / "southwark.sqlite"
    with InspectionStore.create(
        master, area="Southwark", bank=bank, lead=LEAD, clock=stepping(1),
        fieldwork_start="2022-03-07", fieldwork_end="2022-03-18",
    ) as store:  # fmt: skip
        store.add_cases(cases)
    files = [f.path for f in split(master, folder / "handed-out")]
    assert len(files) == 3
    handed_in = []
    for day, path in enumerate(files, start=7):
        with InspectionStore.open(path, clock=stepping(day)) as store:
            for c in store.cases():
                given = answers[c.case_ref]
                for question in bank.classifying_questions:
                    value = given[question.id]
                    store.record_answer(
                        c.case_ref, question.id, value, inspector=c.inspector, note="checked"
                    )
                applying = {q for q, yes in store.applicability(c.case_ref).items() if yes}
                assert applying == set(given), c.case_ref  # the store applies what the plan did
                for qid, value in given.items():
                    if bank.question(qid).classifies:
                        continue
                    note = "evidence" if value in bank.question(qid).note_required_for else None
                    store.record_answer(c.case_ref, qid, value, inspector=c.inspector, note=note)
                store.complete_case(c.case_ref, inspector=c.inspector)
            if store.inspection.lead in {c.inspector for c in store.cases()}:
                store.record_judgement(11, "Inadequate", "First view of the board.", by=LEAD)
                for number, label in ORGANISATIONAL.items():
                    store.record_judgement(number, label, f"Evidence for {number}.", by=LEAD)
        target = folder / f"handed-in-{path.name}"
        export(path, target, clock=lambda: datetime(2022, 3, 18, 17, 0, tzinfo=UTC))
        handed_in.append(target)
    collated = folder / "collated.sqlite"
    summary = collate(handed_in, collated)
    assert summary.cases == 21 and summary.conflicts == 0
    return Built(collated, answers, bank)


def test_the_plan_has_a_tie_a_half_and_an_empty_key_question(built):
    expected = expected_ratings(built.bank, built.answers)
    tally = Counter((q, v) for given in built.answers.values() for q, v in given.items())
    share = {q: Fraction(tally[(q, "yes")], tally[(q, "yes")] + tally[(q, "no")])
             for q in ("S21-DESIST", "S21-CHILD")}  # fmt: skip
    assert share["S21-DESIST"] == share["S21-CHILD"] and expected[21].deciding == "S21-DESIST"
    assert (tally[("S23-CHILD", "yes")], tally[("S23-CHILD", "no")]) == (5, 3)  # 62.5%
    assert expected[23].percent == 63 and expected[23].rating == "Requires improvement"
    assert tally[("S33-OTHERS", "yes")] + tally[("S33-OTHERS", "no")] == 0
    assert tally[("S33-OTHERS", "na")] == 9  # 2 with factors, 7 without
    # every safety question is asked; N/A where the inspector finds no factors
    assert built.answers["Y06"]["S21-OTHERS"] == "na" and built.answers["Y07"]["S21-OTHERS"] != "na"
    assert built.answers["Y21"]["S31-CHILD"] != "na"


def test_the_collated_standards_are_rated_as_computed_by_hand(built):
    expected = expected_ratings(built.bank, built.answers)
    with InspectionStore.open(built.collated, readonly=True) as store:
        scores = {s.number: s for s in figures.theme_scores(store)}
    assert set(scores) == set(expected)
    for number, want in expected.items():
        s = scores[number]
        assert (s.percent, s.judgement, s.deciding) == (want.percent, want.rating, want.deciding)
    assert {n: e.rating for n, e in expected.items()} == {
        21: "Good", 22: "Requires improvement", 23: "Requires improvement", 24: "Inadequate",
        31: "Outstanding", 32: "Requires improvement", 33: "Good",
    }  # fmt: skip
    # the Data Summary's counts: answered N/A apart from the cases a question did not apply to
    others = next(t for t in scores[33].questions if t.question_id == "S33-OTHERS")
    assert (others.yes, others.no, others.na, others.did_not_apply) == (0, 0, 9, 12)
    desist = next(t for t in scores[21].questions if t.question_id == "S21-DESIST")
    assert (desist.yes, desist.no, desist.na, desist.did_not_apply) == (9, 3, 0, 9)


def overall_by_hand(ratings: dict[int, str]) -> tuple[int, str]:
    total = sum(POINTS[label] for number, label in ratings.items() if number != 41)
    return total, next(label for edge, label in OVERALL if total >= edge)


def test_the_overall_rating_sums_the_lead_s_ratings_and_the_indicative_ones(built, tmp_path):
    expected = expected_ratings(built.bank, built.answers)
    ratings = {n: e.rating for n, e in expected.items()} | ORGANISATIONAL
    with InspectionStore.open(built.collated, readonly=True) as store:
        assert store.recorded_judgements()[11].judgement == "Good"  # the latest of two
        result = figures.overall(store)
    total, label = overall_by_hand(ratings)
    assert (result.total, result.maximum, result.label, result.missing) == (total, 36, label, ())
    assert (total, label) == (20, "Good")
    # the lead records 2.4 above its indicative rating: the recorded one counts
    copy = tmp_path / "lead.sqlite"
    copy.write_bytes(built.collated.read_bytes())
    with InspectionStore.open(copy, clock=stepping(21)) as store:
        store.record_judgement(*OVERRIDE, "Reviews were late but thorough.", by=LEAD)
        result = figures.overall(store)
        text = report.to_markdown(report.gather(store))
    total, label = overall_by_hand(ratings | dict([OVERRIDE]))
    assert (result.total, result.label) == (total, label) == (21, "Good")
    assert "| 2.4 | Reviewing | Requires improvement | recorded | 1 |" in text
    assert "Overall: Good, 21/36 (provisional)" in text


def test_the_report_states_each_standard_and_the_ratings_table(built):
    with InspectionStore.open(built.collated, readonly=True) as store:
        text = report.to_markdown(report.gather(store))
    assert (
        "| Standard | Score | Yes | No | N/A | Cases | Indicative rating | Recorded rating |"
        in text
    )
    # 2.1: S21-DESIST 9 of 12 and S21-CHILD 6 of 8, both 75%: the first in the bank sets it;
    # 10 of 12 (83%) would reach Outstanding, so one more yes
    assert (
        "| 2.1 Assessment | 75% | 20 | 6 | 10 | 12 | Good (provisional) | not recorded | "
        "three-quarters | set by S21-DESIST at 75% | +1 yes answer to reach Outstanding |"
    ) in text
    # 2.3: 5 of 8 is 62.5%, 63% half up; 6 of 8 (75%) reaches Good
    assert "| set by S23-CHILD at 63% | +1 yes answer to reach Good |" in text
    # 3.1: S31-CHILD 5 of 6 (83%) is the top band: nothing to rise to
    assert (
        "| Outstanding (provisional) | not recorded | just over four-fifths | "
        "set by S31-CHILD at 83% | - |" in text
    )
    assert "## Standard 2.1: Assessment" in text
    assert (
        "Standard 2.1 Assessment: rating Good (provisional), set by its lowest key question, "
        "S21-DESIST (Assessment: supporting desistance), done well enough in 75% of cases "
        "(three-quarters)."
    ) in text
    assert "Rating: indicative **Good (provisional)**, recorded **not recorded**." in text
    table = text.split("## Ratings\n\n")[1].split("\n\n")[0].splitlines()
    assert table == [
        "| Standard | Title | Rating | From | Points |",
        "|---|---|---|---|---|",
        "| 1.1 | Governance and leadership | Good | recorded | 2 |",
        "| 1.2 | Staff | Requires improvement | recorded | 1 |",
        "| 1.3 | Partnerships and services | Good | recorded | 2 |",
        "| 1.4 | Information and facilities | Outstanding | recorded | 3 |",
        "| 2.1 | Assessment | Good (provisional) | indicative | 2 |",
        "| 2.2 | Planning | Requires improvement (provisional) | indicative | 1 |",
        "| 2.3 | Implementation and delivery | Requires improvement (provisional) | indicative "
        "| 1 |",
        "| 2.4 | Reviewing | Inadequate (provisional) | indicative | 0 |",
        "| 3.1 | Assessment | Outstanding (provisional) | indicative | 3 |",
        "| 3.2 | Planning | Requires improvement (provisional) | indicative | 1 |",
        "| 3.3 | Implementation and delivery | Good (provisional) | indicative | 2 |",
        "| 3.4 | Out-of-court disposal policy and provision | Good | recorded | 2 |",
        "| 4.1 | Resettlement policy and provision | Inadequate | recorded | not counted |",
    ]
    # 2+1+2+3 + 2+1+1+0 + 3+1+2 + 2 = 20 of 12 x 3 = 36: Good (19 to 30)
    assert "\nOverall: Good, 20/36 (provisional)\n" in text
    # the Data Summary: answered N/A and did-not-apply apart, with the report's phrases
    assert (
        "| S21-DESIST | Assessment: supporting desistance | 9 | 3 | 0 | 9 | 75% | done well in "
        "three-quarters of cases; not done well in one-quarter |"
    ) in text
    assert "| S33-OTHERS | OOC delivery: keeping others safe | 0 | 0 | 9 | 12 | - | - |" in text


def test_an_unrated_standard_leaves_the_overall_rating_open(built, tmp_path):
    copy = tmp_path / "withdrawn.sqlite"
    copy.write_bytes(built.collated.read_bytes())
    with InspectionStore.open(copy, clock=stepping(22)) as store:
        store.record_judgement(14, None, "Withdrawn until the IT audit is read.", by=LEAD)
        store.record_judgement(34, None, "Withdrawn: the protocol is being rewritten.", by=LEAD)
        result = figures.overall(store)
        figures_ = report.gather(store)
    assert result.label is None and result.missing == (14, 34) and result.total == 15
    text = report.to_markdown(figures_)
    assert "\nOverall: not yet rated: standards 1.4, 3.4 need a rating.\n" in text
    assert "| 1.4 | Information and facilities | not recorded | - | - |" in text
    data: dict[str, Any] = report.to_dict(figures_)["overall"]
    assert (data["rating"], data["total"], data["missing"]) == (None, 15, ["1.4", "3.4"])
    overall = next(r for r in csv.DictReader(io.StringIO(report.to_csv(figures_)))
                   if r["section"] == "overall")  # fmt: skip
    assert (overall["rating"], overall["points"]) == ("", "15")
    assert overall["detail"] == "Overall: not yet rated: standards 1.4, 3.4 need a rating."


def test_the_csv_and_json_carry_the_ratings_and_the_overall_rating(built):
    with InspectionStore.open(built.collated, readonly=True) as store:
        figures_ = report.gather(store)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(figures_))))
    standard = next(r for r in rows if r["section"] == "standard" and r["id"] == "2.1")
    assert (standard["score"], standard["indicative_judgement"], standard["set_by"]) == (
        "75", "Good (provisional)", "S21-DESIST"
    )  # fmt: skip
    assert (standard["next_band"], standard["yes_to_next_band"]) == ("Outstanding", "1")
    ratings = {r["id"]: r for r in rows if r["section"] == "rating"}
    assert (ratings["2.4"]["rating"], ratings["2.4"]["rating_from"]) == (
        "Inadequate (provisional)", "indicative"
    )  # fmt: skip
    assert (ratings["4.1"]["points"], ratings["4.1"]["detail"]) == (
        "",
        "not counted in the overall",
    )
    overall = next(r for r in rows if r["section"] == "overall")
    assert (overall["rating"], overall["points"]) == ("Good (provisional)", "20")
    data = report.to_dict(figures_)
    assert data["bank"]["words"] == {"theme": "standard", "judgement": "rating"}
    assert {k: data["overall"][k] for k in ("rating", "total", "maximum", "provisional")} == {
        "rating": "Good", "total": 20, "maximum": 36, "provisional": True
    }  # fmt: skip
    s21 = next(t for t in data["themes"] if t["mark"] == "2.1")
    assert (s21["name"], s21["set_by"], s21["to_next_band"]) == (
        "Standard 2.1", "set by S21-DESIST at 75%", "+1 yes answer to reach Outstanding"
    )  # fmt: skip
