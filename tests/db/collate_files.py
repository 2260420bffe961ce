"""Inspection files for the collation tests: a master, its inspector files, and their answers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from db.file.store import InspectionStore
from question_bank.case import CaseRecord
from question_bank.loader import validate_bank
from question_bank.model import Bank

SMALL_BANK_FILE = Path(__file__).parent / "fixtures" / "small.yaml"
INSPECTION_ID = "c011a7e0" * 4


def small_bank(version: str = "1") -> Bank:
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    raw["version"] = version
    return validate_bank(raw, "small")


class Clock:
    """A clock from a given minute of fieldwork, a minute per reading."""

    def __init__(self, day: int = 16, hour: int = 9) -> None:
        self.now = datetime(2015, 3, day, hour, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def case(case_ref: str, **fields: Any) -> CaseRecord:
    data: dict[str, Any] = {
        "case_ref": case_ref,
        "inspector": "JS",
        "case_manager_role": "yos_officer",
        "age": 15,
        "gender": "male",
        "ethnicity": "white_british",
        "disposal": "referral_order",
        "status": "current",
        "start_date": "2014-07-01",
        "rosh": "low",
        "vulnerability": "medium",
    }
    return CaseRecord.model_validate(data | fields)


def make_master(
    path: Path, bank: Bank | None = None, *, inspection_id: str = INSPECTION_ID
) -> Path:
    """Four cases: JS has C001 and C003, KM has C002 (custody, high RoSH) and C004."""
    store = InspectionStore.create(
        path,
        area="Lambeth",
        bank=bank or small_bank(),
        lead="AB",
        fieldwork_start="2015-03-16",
        clock=Clock(day=9),
        inspection_id=inspection_id,
    )
    try:
        store.add_cases(
            [
                case("C001"),
                case("C002", inspector="KM", disposal="dto", rosh="high",
                     ethnicity="black_caribbean"),
                case("C003", gender="female", looked_after=True, status="terminated",
                     end_date="2015-01-10"),
                case("C004", inspector="KM", rosh="medium", ethnicity="not_stated"),
            ]
        )  # fmt: skip
    finally:
        store.close()
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
