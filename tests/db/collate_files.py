"""Inspection files for the collation tests: a master, its inspector files, and their answers.

The bank, cases and clock are tests/factories.py's; `Clock` and `small_bank` are imported from
here by the collation tests."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from factories import FixedClock as Clock
from factories import make_case, make_inspection, small_bank, three_cases

from db.file.store import InspectionStore
from question_bank.model import Bank

INSPECTION_ID = "c011a7e0" * 4


def make_master(
    path: Path, bank: Bank | None = None, *, inspection_id: str = INSPECTION_ID
) -> Path:
    """Four cases: JS has C001 and C003, KM has C002 (custody, high RoSH) and C004."""
    make_inspection(
        path,
        bank or small_bank(),
        [*three_cases(), make_case("C004", inspector="KM", rosh="medium", ethnicity="not_stated")],
        clock=Clock(day=9),
        inspection_id=inspection_id,
    ).close()
    return path


def answer(path: Path, answers: Iterable[Sequence[Any]], clock: Clock | None = None) -> Path:
    """Record (case, question, value[, inspector[, role[, note]]]) answers in a file."""
    with InspectionStore.open(path, clock=clock or Clock()) as store:
        for row in answers:
            case_ref, qid, value, *rest = row
            inspector = rest[0] if rest else store.case(case_ref).inspector
            role = rest[1] if len(rest) > 1 else "primary"
            note = rest[2] if len(rest) > 2 else ("evidence" if value == "no" else None)
            store.record_answer(
                case_ref, qid, value, inspector=inspector, role=role, note=note, reason="test"
            )
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in a folder (recursively) with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def collated_conflict(folder: Path, out: Path) -> Path:
    """JS's split file and a copy of it answered apart on C001 A1 (yes on the 16th, no on the
    17th), collated into `out`: one conflict. The lead's file is in folder/lead."""
    from db.collation.collate import collate
    from db.collation.export import split

    (folder / "lead").mkdir()
    master = make_master(folder / "lead" / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, folder / "in")}
    monday = files["JS"].with_name("js-monday.sqlite")
    shutil.copyfile(files["JS"], monday)
    answer(files["JS"], [("C001", "A1", "yes")], Clock(day=16))
    answer(monday, [("C001", "A1", "no")], Clock(day=17))
    assert collate([files["JS"], monday], out).conflicts == 1
    return out
