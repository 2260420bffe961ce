"""A synthetic demo inspection: 61 cases of a plausible sample, about half answered.

One demo per shipped bank it has a profile for (DEMO_PROFILES): fji-2014 (the default, in the
shape of the Lambeth inspection) and yjs-2021 (court and out-of-court cases, so both domains
have cases; the inspector sometimes judges a RoSH or vulnerability level wrong, through the
store, which moves the questions that apply). Everything comes from one seeded random generator
and a stepping clock, so a demo is the same file content every time (the snapshot tests of the
TUI rely on the fji-2014 one).
"""

from __future__ import annotations

import os
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from db.file.store import InspectionStore
from question_bank.case import OUT_OF_COURT_DISPOSALS, CaseRecord
from question_bank.loader import load_shipped
from question_bank.model import Bank, Question

INSPECTORS = ("HM", "JD", "KM", "RP", "SA", "TL")  # HM leads
FIELDWORK_START = date(2015, 3, 16)
FIELDWORK_END = date(2015, 3, 27)
_WEEK = timedelta(days=7)

# How often work was done well enough, per theme, before case and inspector variation: close
# to the reference report (58, 56, 62, 63 unsatisfactory; 82 good) without copying it.
THEME_QUALITY = {1: 0.64, 2: 0.62, 3: 0.66, 4: 0.68, 5: 0.70, 6: 0.84}

DISPOSALS = {
    "referral_order": 30,
    "reparation_order": 6,
    "yro": 24,
    "yro_iss": 8,
    "dto": 12,
    "s91": 3,
    "youth_conditional_caution": 17,
}
ETHNICITIES = {
    "white_british": 30,
    "white_other": 6,
    "black_caribbean": 18,
    "black_african": 14,
    "black_other": 5,
    "mixed_white_black_caribbean": 10,
    "mixed_other": 3,
    "asian_bangladeshi": 3,
    "asian_other": 3,
    "other_any": 4,
    "not_stated": 4,
}
ROLES = {
    "yos_officer": 55,
    "social_worker": 20,
    "seconded_probation": 10,
    "seconded_police": 5,
    "other": 10,
}
# The youth justice standards' sample: court disposals and out-of-court ones (about two-fifths).
DISPOSALS_YJS = {
    "referral_order": 20,
    "reparation_order": 4,
    "yro": 16,
    "yro_iss": 5,
    "dto": 7,
    "s91": 2,
    "youth_conditional_caution": 16,
    "youth_caution": 12,
    "community_resolution": 14,
}
# Per standard: the court disposal standards 2.1 to 2.4, the out-of-court ones 3.1 to 3.3.
STANDARD_QUALITY = {21: 0.76, 22: 0.68, 23: 0.74, 24: 0.5, 31: 0.8, 32: 0.7, 33: 0.86}
LEVELS_ROSH = {"low": 35, "medium": 40, "high": 20, "very_high": 5}
LEVELS_VULNERABILITY = {"low": 30, "medium": 40, "high": 25, "very_high": 5}

EVIDENCE_NO = (
    "The assessment was not updated after the new offence in November.",
    "No contingency plan; the plan did not say what to do if risk escalated.",
    "Case manager could not show that the review happened after the move to new placement.",
    "Planned ETE referral was never made; no reason recorded.",
    "Management oversight was a signature only, with no comment on the risk level.",
    "Diversity needs (speech and language) identified but not reflected in the plan.",
    "Victim's wishes were not sought before reparation was arranged.",
    "Non-compliance in January was not followed up for three weeks.",
    "CAMHS referral discussed but not made; the child waited over two months.",
    "Safeguarding concerns in the police report were not carried into the vulnerability plan.",
)
EVIDENCE_YES = (
    "Thorough, well-evidenced assessment completed within timescale.",
    "Plan sequenced interventions sensibly and the child understood it.",
    "Good joint work with children's social care; the child's voice is clear in the record.",
    "Review done promptly after the arrest, with the plan changed accordingly.",
)


@dataclass(frozen=True)
class DemoProfile:
    """What a bank's demo inspection looks like."""

    area: str
    fieldwork_start: date
    disposals: dict[str, int]
    quality: dict[int, float]  # theme number -> how often work was done well enough
    # How often an answered classification names another level than the service's (any level,
    # whatever it moves); 0 keeps to levels that move nothing (see `answer_for`).
    reclassify: float = 0.0
    # The lead's recorded judgements: theme number -> (band label, rationale).
    recorded: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def fieldwork_end(self) -> date:
        return self.fieldwork_start + timedelta(days=11)


DEMO_PROFILES = {
    "fji-2014": DemoProfile("Lambeth (demo)", FIELDWORK_START, DISPOSALS, THEME_QUALITY),
    "yjs-2021": DemoProfile(
        "Southwark (demo)",
        date(2022, 3, 7),
        DISPOSALS_YJS,
        STANDARD_QUALITY,
        reclassify=0.2,
        recorded={
            11: ("Good", "The board knows the service's performance and challenges it."),
            12: ("Requires improvement", "Caseloads are high and supervision is irregular."),
            13: ("Good", "Health, education and substance misuse services are in the team."),
        },
    ),
}
DEMO_BANK = "fji-2014"


def demo_banks() -> list[str]:
    """The banks a demo can be built on."""
    return list(DEMO_PROFILES)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def demo_cases(
    rng: random.Random,
    count: int,
    disposals: dict[str, int] = DISPOSALS,
    fieldwork_start: date = FIELDWORK_START,
) -> list[CaseRecord]:
    """A sample like the Lambeth one: community and custodial, current and closed, mixed risk."""
    cases = []
    no_report = {*OUT_OF_COURT_DISPOSALS, "referral_order"}
    for n in range(1, count + 1):
        disposal = _pick(rng, disposals)
        rosh = _pick(rng, LEVELS_ROSH)
        start = fieldwork_start - timedelta(days=305 - rng.randrange(0, 140))
        terminated = rng.random() < 0.4
        end = start + timedelta(days=rng.randrange(90, 240)) if terminated else None
        if end is not None and end > fieldwork_start - timedelta(days=7):
            end = fieldwork_start - timedelta(days=7 + rng.randrange(0, 30))
        data: dict[str, Any] = {
            "case_ref": f"C{n:03d}",
            "inspector": INSPECTORS[(n - 1) % len(INSPECTORS)],
            "case_manager_role": _pick(rng, ROLES),
            "age": rng.choices(range(10, 19), weights=[1, 2, 4, 7, 10, 14, 16, 14, 6])[0],
            "gender": "female" if rng.random() < 0.2 else "male",
            "ethnicity": _pick(rng, ETHNICITIES),
            "disposal": disposal,
            "status": "terminated" if terminated else "current",
            "start_date": start,
            "end_date": end if end is None or end >= start else start + timedelta(days=60),
            "rosh": rosh,
            "vulnerability": _pick(rng, LEVELS_VULNERABILITY),
            "looked_after": rng.random() < 0.2,
            "child_protection_plan": rng.random() < 0.08,
            "mappa": rosh in ("high", "very_high") and rng.random() < 0.3,
            "transferred": rng.random() < 0.1,
            "victim_identified": rng.random() < 0.6,
            "psr_prepared": disposal not in no_report and rng.random() < 0.85,
        }
        cases.append(CaseRecord.model_validate(data))
    return cases


def answer_for(
    bank: Bank, question: Question, counts_as: str, values: dict[str, Any]
) -> str | None:
    """A value of the question's scale that counts as `counts_as` ("yes", "no", "excluded").

    For a question that classifies a case field, an option that `sets` a value is chosen only
    where it sets a value other than the case's own and leaves every question's applicability
    for the case unchanged (a generated "No: should be high" must not turn other questions on
    or off); None when the scale has no such option.
    """
    for option in bank.scale_of(question).options:
        if option.counts_as != counts_as:
            continue
        if question.classifies and option.sets is not None:
            judged = bank.classified_values(values, {question.id: option.value})
            if judged.get(question.classifies) == values.get(question.classifies):
                continue
            if any(q.applies(judged) != q.applies(values) for q in bank.questions):
                continue
        return option.value
    return None


def counts_of(bank: Bank, question: Question, value: str) -> str | None:
    """How an answer value counts ("yes", "no", "excluded"), None if not on the scale."""
    option = bank.scale_of(question).option(value)
    return option.counts_as if option is not None else None


def _answer_rows(
    rng: random.Random,
    bank: Bank,
    case: CaseRecord,
    applicable: list[str],
    share: float,
    case_quality: float,
    inspector_bias: float,
    question_bias: dict[str, float],
    quality: dict[int, float] = THEME_QUALITY,
) -> list[dict[str, Any]]:
    """Answers to a share of a case's applicable questions, drawn around the theme quality."""
    chosen = applicable if share >= 1 else applicable[: max(1, int(len(applicable) * share))]
    values = case.condition_values()
    rows = []
    for qid in chosen:
        question = bank.question(qid)
        if rng.random() < (0.05 if question.key else 0.12):
            wanted = "excluded"
        else:
            p = quality.get(question.theme, 0.65) + case_quality + inspector_bias
            p += question_bias[qid]
            wanted = "yes" if rng.random() < min(0.97, max(0.05, p)) else "no"
        # a scale without that kind of option (a classification with no N/A, or no "No" that
        # leaves the case's questions as they are) is answered "yes"
        value = answer_for(bank, question, wanted, values) or answer_for(
            bank, question, "yes", values
        )
        if value is None:
            raise ValueError(f"{qid}: its scale has no option counting as yes")
        counts = counts_of(bank, question, value)
        note = None
        if counts == "no" and (value in question.note_required_for or rng.random() < 0.5):
            note = rng.choice(EVIDENCE_NO)
        elif counts == "yes" and rng.random() < 0.15:
            note = rng.choice(EVIDENCE_YES)
        rows.append(
            {
                "case_ref": case.case_ref,
                "question_id": qid,
                "answer": value,
                "note": note,
                "inspector": case.inspector,
                "role": "primary",
            }
        )
    return rows


def _classifications(
    rng: random.Random, bank: Bank, case: CaseRecord, applicable: list[str], reclassify: float
) -> list[dict[str, Any]]:
    """Answers to the case's classifying questions: mostly "yes, right", and in a share of them
    (`reclassify`) another level than the service's, whichever questions that moves."""
    values = case.condition_values()
    rows = []
    for qid in applicable:
        question = bank.question(qid)
        if not question.classifies:
            continue
        options = [
            o.value
            for o in bank.scale_of(question).options
            if o.sets is not None and o.sets != values.get(question.classifies)
        ]
        value = answer_for(bank, question, "yes", values)
        if options and rng.random() < reclassify:
            value = rng.choice(options)
        if value is None:
            continue
        note = rng.choice(EVIDENCE_NO) if value in question.note_required_for else None
        rows.append(
            {"case_ref": case.case_ref, "question_id": qid, "answer": value, "note": note,
             "inspector": case.inspector, "role": "primary"}
        )  # fmt: skip
    return rows


def build_demo(
    path: str | Path,
    *,
    seed: int = 2015,
    cases: int = 61,
    answered_share: float = 0.5,
    bank_id: str = DEMO_BANK,
) -> Path:
    """Write the demo inspection on a bank (`demo_banks()`) to `path` (replacing a file there)
    and return the path; a bank without a demo profile is a LookupError."""
    path = Path(path)
    profile = DEMO_PROFILES.get(bank_id)
    if profile is None:
        raise LookupError(
            f"there is no demo on bank {bank_id!r}; choose one of {', '.join(demo_banks())}"
        )
    bank = load_shipped(bank_id)
    start = profile.fieldwork_start
    rng = random.Random(seed)
    clock_time = [datetime(start.year, start.month, start.day, 14, 0, tzinfo=UTC) - _WEEK]

    def clock() -> datetime:
        clock_time[0] += timedelta(seconds=rng.randrange(20, 240))
        return clock_time[0]

    building = path.with_name(f".{path.name}.building")
    for suffix in ("", "-wal", "-shm"):
        building.with_name(building.name + suffix).unlink(missing_ok=True)
    store = InspectionStore.create(
        building,
        area=profile.area,
        bank=bank,
        lead=INSPECTORS[0],
        fieldwork_start=start,
        fieldwork_end=profile.fieldwork_end,
        clock=clock,
        inspection_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
    )
    try:
        sample = demo_cases(rng, cases, profile.disposals, start)
        store.add_cases(sample)
        clock_time[0] = datetime(start.year, start.month, start.day, 9, 30, tzinfo=UTC)
        bias = {initials: rng.uniform(-0.06, 0.06) for initials in INSPECTORS}
        question_bias = {q.id: rng.uniform(-0.1, 0.1) for q in bank.questions}
        order = list(sample)
        rng.shuffle(order)
        answered = round(cases * answered_share)
        in_progress = min(len(order) - answered, max(1, cases // 8))
        for index, case in enumerate(order[: answered + in_progress]):
            applies = store.applicability(case.case_ref)
            applicable = [qid for qid, yes in applies.items() if yes]
            if profile.reclassify:
                # classified first, through the store, which then says what applies
                classified = _classifications(rng, bank, case, applicable, profile.reclassify)
                store.import_answers(classified, "the demo", reason=None)
                applies = store.applicability(case.case_ref)
                applicable = [
                    qid for qid, yes in applies.items() if yes and not bank.question(qid).classifies
                ]
            share = 1.0 if index < answered else rng.uniform(0.2, 0.8)
            rows = _answer_rows(
                rng,
                bank,
                case,
                applicable,
                share,
                rng.gauss(0, 0.1),
                bias[case.inspector],
                question_bias,
                profile.quality,
            )
            store.import_answers(rows, "the demo", reason=None)
            if index < answered:
                store.complete_case(case.case_ref, inspector=case.inspector)
        for case in order[: max(1, answered // 6)]:
            second = INSPECTORS[(INSPECTORS.index(case.inspector) + 1) % len(INSPECTORS)]
            rows = [
                {
                    "case_ref": a.case_ref,
                    "question_id": a.question_id,
                    "answer": a.value,
                    "note": a.note,
                    "inspector": second,
                    "role": "second_read",
                }
                for a in store.answers(case.case_ref, role="primary")
                if bank.question(a.question_id).key
            ]
            values = case.condition_values()
            for row in rows:
                question = bank.question(row["question_id"])
                counts = counts_of(bank, question, row["answer"])
                if counts in ("yes", "no") and rng.random() < 0.1:
                    other = answer_for(bank, question, "no" if counts == "yes" else "yes", values)
                    if other is not None:
                        row["answer"] = other
                        # a second reader's no comes with its evidence; a yes needs none (the
                        # first reader's note was the evidence for their no)
                        row["note"] = rng.choice(EVIDENCE_NO) if counts == "yes" else None
            store.import_answers(rows, "the demo", reason=None)
            store.lock_case(case.case_ref, inspector=INSPECTORS[0])
        for number, (label, rationale) in profile.recorded.items():
            store.record_judgement(number, label, rationale, by=INSPECTORS[0])
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(building, path)
    return path
