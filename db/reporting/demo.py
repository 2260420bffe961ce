"""A synthetic demo inspection: 61 cases of a plausible sample, about half answered.

Everything comes from one seeded random generator and a stepping clock, so the demo is the
same file content every time (the snapshot tests of the TUI rely on it).
"""

from __future__ import annotations

import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from db.file.store import InspectionStore
from question_bank.case import CaseRecord
from question_bank.loader import load_shipped
from question_bank.model import Bank, Question

INSPECTORS = ("HM", "JD", "KM", "RP", "SA", "TL")  # HM leads
FIELDWORK_START = date(2015, 3, 16)
FIELDWORK_END = date(2015, 3, 27)

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


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def demo_cases(rng: random.Random, count: int) -> list[CaseRecord]:
    """A sample like the Lambeth one: community and custodial, current and closed, mixed risk."""
    cases = []
    for n in range(1, count + 1):
        disposal = _pick(rng, DISPOSALS)
        rosh = _pick(rng, LEVELS_ROSH)
        start = date(2014, 5, 15) + timedelta(days=rng.randrange(0, 140))
        terminated = rng.random() < 0.4
        end = start + timedelta(days=rng.randrange(90, 240)) if terminated else None
        if end is not None and end > FIELDWORK_START - timedelta(days=7):
            end = FIELDWORK_START - timedelta(days=7 + rng.randrange(0, 30))
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
            "psr_prepared": disposal not in ("youth_conditional_caution", "referral_order")
            and rng.random() < 0.85,
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
            p = THEME_QUALITY.get(question.theme, 0.65) + case_quality + inspector_bias
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


def build_demo(
    path: str | Path,
    *,
    seed: int = 2015,
    cases: int = 61,
    answered_share: float = 0.5,
    bank: Bank | None = None,
) -> Path:
    """Write the demo inspection to `path` (replacing a file there) and return the path."""
    path = Path(path)
    bank = bank or load_shipped("fji-2014")
    rng = random.Random(seed)
    clock_time = [datetime(2015, 3, 9, 14, 0, tzinfo=UTC)]

    def clock() -> datetime:
        clock_time[0] += timedelta(seconds=rng.randrange(20, 240))
        return clock_time[0]

    building = path.with_name(f".{path.name}.building")
    for suffix in ("", "-wal", "-shm"):
        building.with_name(building.name + suffix).unlink(missing_ok=True)
    store = InspectionStore.create(
        building,
        area="Lambeth (demo)",
        bank=bank,
        lead=INSPECTORS[0],
        fieldwork_start=FIELDWORK_START,
        fieldwork_end=FIELDWORK_END,
        clock=clock,
        inspection_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
    )
    try:
        sample = demo_cases(rng, cases)
        store.add_cases(sample)
        clock_time[0] = datetime(2015, 3, 16, 9, 30, tzinfo=UTC)
        bias = {initials: rng.uniform(-0.06, 0.06) for initials in INSPECTORS}
        question_bias = {q.id: rng.uniform(-0.1, 0.1) for q in bank.questions}
        order = list(sample)
        rng.shuffle(order)
        answered = round(cases * answered_share)
        in_progress = min(len(order) - answered, max(1, cases // 8))
        for index, case in enumerate(order[: answered + in_progress]):
            applies = store.applicability(case.case_ref)
            applicable = [qid for qid, yes in applies.items() if yes]
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
                        row["note"] = row["note"] or rng.choice(EVIDENCE_NO)
            store.import_answers(rows, "the demo", reason=None)
            store.lock_case(case.case_ref, inspector=INSPECTORS[0])
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(building, path)
    return path
