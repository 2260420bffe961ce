"""Test data made one way for every test folder: the small bank, case records, a fieldwork
clock and an inspection of Lambeth built from them.

Import it as `factories`: tests/ has a conftest.py and no __init__.py, so pytest's default
(prepend) import mode puts tests/ on sys.path before any test module or conftest below it is
imported, the way tests/db's own helpers (collate_files.py) are found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from db.file.store import InspectionStore
from question_bank.case import CaseRecord
from question_bank.loader import validate_bank
from question_bank.model import Bank

SMALL_BANK_FILE = Path(__file__).parent / "db" / "fixtures" / "small.yaml"


def small_bank(version: str = "1") -> Bank:
    """Seven questions over two case-scored themes and one that is not; three conditions."""
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    raw["version"] = version
    return validate_bank(raw, "small")


class FixedClock:
    """Fieldwork time from 9:00 on a day of March 2015 (the 16th, its first, unless given),
    moving a minute per reading, so the files a test makes are the same every run."""

    def __init__(self, day: int = 16, hour: int = 9) -> None:
        self.now = datetime(2015, 3, day, hour, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def make_case(case_ref: str, **fields: Any) -> CaseRecord:
    """JS's case of a 15-year-old boy on a referral order, low RoSH, unless FIELDS say otherwise."""
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


def three_cases() -> list[CaseRecord]:
    """JS's community case at low RoSH (C001), KM's custodial case at high RoSH (C002) and JS's
    case of a looked-after girl, terminated (C003)."""
    return [
        make_case("C001"),
        make_case("C002", inspector="KM", disposal="dto", rosh="high", ethnicity="black_caribbean"),
        make_case(
            "C003", gender="female", looked_after=True, status="terminated", end_date="2015-01-10"
        ),
    ]


def make_inspection(
    path: Path,
    bank: Bank,
    cases: Iterable[CaseRecord],
    *,
    clock: FixedClock | None = None,
    inspection_id: str | None = None,
) -> InspectionStore:
    """Lambeth's inspection, led by AB from 16 March 2015, holding CASES: open, for the caller
    to close."""
    store = InspectionStore.create(
        path,
        area="Lambeth",
        bank=bank,
        lead="AB",
        fieldwork_start="2015-03-16",
        clock=clock or FixedClock(),
        inspection_id=inspection_id,
    )
    try:
        store.add_cases(list(cases))
    except BaseException:
        store.close()
        raise
    return store


# The cases CLI tests import: three rows, spelled as a service's extract might spell them.
CASE_HEADER = (
    "case_ref,inspector,case_manager_role,age,gender,ethnicity,disposal,status,start_date,"
    "end_date,rosh,vulnerability,looked_after,child_protection_plan,mappa,transferred,"
    "victim_identified,psr_prepared\n"
)
CASES_CSV = CASE_HEADER + (
    "C001,JS,YOS officer,15,male,white_british,referral order,current,2014-07-01,,low,medium,"
    "no,no,no,no,yes,no\n"
    "C002,km,social worker,17,male,black_caribbean,DTO,terminated,01/06/2014,2014-12-01,high,"
    "high,yes,,n,0,1,y\n"
    "C003,JS,yos_officer,14,female,not_stated,yro,current,2014-08-11,,medium,very high,"
    "true,false,no,no,no,no\n"
)


def run_sql(path: Path, *statements: str) -> None:
    """Change a file with raw sqlite3, as someone editing it outside audit-tui would."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
