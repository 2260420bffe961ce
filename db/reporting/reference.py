"""An inspection in the shape of the reference report, built the way collation week runs.

61 cases (the Lambeth sample's size) under fji-2014 are split into six inspector files; each
inspector answers every applicable question of their cases, with answers laid out so that the
collated file scores exactly what the published report printed: 58, 56, 62, 82 and 63 for themes
1, 2, 3, 4 and 6. A few cases are second-read by a colleague. Every step uses the real code
(split, the store, export, collate), so the figures prove the whole path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from db.collation.collate import CollationSummary, collate
from db.collation.export import export, split
from db.file.store import InspectionStore
from db.reporting.demo import (
    FIELDWORK_END,
    FIELDWORK_START,
    INSPECTORS,
    answer_for,
    counts_of,
    demo_cases,
)
from question_bank.loader import load_shipped
from question_bank.model import Bank
from question_bank.scoring import whole_percent

REFERENCE_SCORES = {1: 58, 2: 56, 3: 62, 4: 82, 6: 63}
NA_SHARE = 0.04
NO_NOTE = "Not done well enough: see the case record."


def stepping_clock(start: datetime) -> Callable[[], datetime]:
    now = [start]

    def clock() -> datetime:
        now[0] += timedelta(seconds=30)
        return now[0]

    return clock


def target_yes(target: int, answered: int) -> int:
    """A number of yes answers out of `answered` whose whole percent is `target`."""
    for yes in range(answered + 1):
        if whole_percent(yes, answered) == target:
            return yes
    raise ValueError(f"{target}% cannot be made from {answered} answers")


def plan_answers(
    bank: Bank,
    applicable: dict[str, list[str]],
    rng: random.Random,
    values: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, str]]:
    """case_ref -> question_id -> value: every theme's key questions on its target score.

    Answers are chosen by what they count as, so any scale works; `values` (case_ref -> the
    case's condition values) lets a classifying question be answered "no" only with an option
    that leaves the case's applicable questions as they are (see `demo.answer_for`).
    """
    values = values or {ref: {} for ref in applicable}
    plan: dict[str, dict[str, str]] = {ref: {} for ref in applicable}

    def option(ref: str, qid: str, counts_as: str) -> str | None:
        return answer_for(bank, bank.question(qid), counts_as, values[ref])

    for theme in bank.themes:
        key_ids = {q.id for q in bank.key_questions(theme.number)}
        slots = [(ref, qid) for ref, qids in applicable.items() for qid in qids if qid in key_ids]
        rng.shuffle(slots)
        can_na = [slot for slot in slots if option(*slot, "excluded")]
        na = set(can_na[: int(len(slots) * NA_SHARE)])
        answered = [slot for slot in slots if slot not in na]
        target = REFERENCE_SCORES.get(theme.number, 70)
        yes = target_yes(target, len(answered)) if answered else 0
        can_no = [slot for slot in answered if option(*slot, "no")]
        if len(can_no) < len(answered) - yes:
            raise ValueError(f"theme {theme.number}: too few questions can be answered no")
        no = set(can_no[: len(answered) - yes])
        for ref, qid in slots:
            wanted = "excluded" if (ref, qid) in na else "no" if (ref, qid) in no else "yes"
            value = option(ref, qid, wanted)
            if value is None:
                raise ValueError(f"{qid}: its scale has no option counting as {wanted}")
            plan[ref][qid] = value
    for ref, qids in applicable.items():
        for qid in qids:
            if qid not in plan[ref]:
                wanted = rng.choice(("yes", "yes", "no", "excluded"))
                value = option(ref, qid, wanted) or option(ref, qid, "yes")
                if value is None:
                    raise ValueError(f"{qid}: its scale has no option counting as yes")
                plan[ref][qid] = value
    return plan


@dataclass(frozen=True)
class ReferenceBuild:
    collated: Path
    inspector_files: list[Path]
    summary: CollationSummary


def build_reference(folder: Path, *, seed: int = 2015, second_reads: int = 8) -> ReferenceBuild:
    """Build the master, split it, answer every inspector file, export them and collate."""
    folder.mkdir(parents=True, exist_ok=True)
    bank = load_shipped("fji-2014")
    rng = random.Random(seed)
    master = folder / "lambeth.sqlite"
    store = InspectionStore.create(
        master,
        area="Lambeth (reference)",
        bank=bank,
        lead=INSPECTORS[0],
        fieldwork_start=FIELDWORK_START,
        fieldwork_end=FIELDWORK_END,
        clock=stepping_clock(datetime(2015, 3, 9, 9, 0, tzinfo=UTC)),
        inspection_id=f"{seed:032x}",
    )
    try:
        store.add_cases(demo_cases(rng, 61))
        cases = store.cases()
        applicable = {
            c.case_ref: [q for q, yes in store.applicability(c.case_ref).items() if yes]
            for c in cases
        }
        values = {c.case_ref: c.condition_values() for c in cases}
    finally:
        store.close()
    plan = plan_answers(bank, applicable, rng, values)
    handed_out = folder / "handed-out"
    handed_out.mkdir(exist_ok=True)
    files = [f.path for f in split(master, handed_out)]
    exported = []
    for day, path in enumerate(files):
        clock = stepping_clock(datetime(2015, 3, 16 + day % 5, 9, 30, tzinfo=UTC))
        with InspectionStore.open(path, clock=clock) as inspector_file:
            _answer(inspector_file, bank, plan, rng, second_reads)
        target = folder / f"handed-in-{path.name}"
        export(path, target, clock=lambda: datetime(2015, 3, 27, 17, 0, tzinfo=UTC))
        exported.append(target)
    collated = folder / "collated.sqlite"
    summary = collate(exported, collated)
    return ReferenceBuild(collated, exported, summary)


def _answer(
    store: InspectionStore,
    bank: Bank,
    plan: dict[str, dict[str, str]],
    rng: random.Random,
    second_reads: int,
) -> None:
    cases = store.cases()
    rows: list[dict[str, Any]] = []
    for case in cases:
        for qid, value in plan[case.case_ref].items():
            question = bank.question(qid)
            note = NO_NOTE if value in question.note_required_for else None
            rows.append(
                {"case_ref": case.case_ref, "question_id": qid, "answer": value, "note": note}
            )
    store.import_answers(rows, "the reference plan", reason=None)
    for case in cases:
        store.complete_case(case.case_ref, inspector=case.inspector)
    # The first case of each file is second-read on a few key questions by the next inspector.
    if not cases or second_reads <= 0:
        return
    case = cases[0]
    reader = INSPECTORS[(INSPECTORS.index(case.inspector) + 1) % len(INSPECTORS)]
    keys = [q for q in plan[case.case_ref] if bank.question(q).key][:second_reads]
    values = case.condition_values()
    second = []
    for index, qid in enumerate(keys):
        question = bank.question(qid)
        value = plan[case.case_ref][qid]
        counts = counts_of(bank, question, value)
        if index % 4 == 3 and counts in ("yes", "no"):
            other = answer_for(bank, question, "no" if counts == "yes" else "yes", values)
            value = other if other is not None else value
        note = NO_NOTE if value in question.note_required_for else None
        second.append(
            {"case_ref": case.case_ref, "question_id": qid, "answer": value, "note": note,
             "inspector": reader, "role": "second_read"}
        )  # fmt: skip
    store.import_answers(second, "the second reads", reason=None)
