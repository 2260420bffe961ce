"""A small bank and case records to test the store against, independent of the shipped banks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from db.file.store import InspectionStore
from question_bank.case import CaseRecord
from question_bank.loader import validate_bank
from question_bank.model import Bank

SMALL_BANK_FILE = Path(__file__).parent / "fixtures" / "small.yaml"


@pytest.fixture(scope="session")
def bank() -> Bank:
    """Seven questions over two case-scored themes and one that is not; three conditions."""
    return validate_bank(yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8")), "small")


def build_case(case_ref: str, **fields: Any) -> CaseRecord:
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
    data.update(fields)
    return CaseRecord.model_validate(data)


class FixedClock:
    """A clock for tests: starts at fieldwork and moves a minute per reading."""

    def __init__(self) -> None:
        self.now = datetime(2015, 3, 16, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def make_case():
    return build_case


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "lambeth.inspection"


@pytest.fixture
def store(store_path, bank):
    """An inspection with three cases: community low RoSH, custodial high RoSH, a girl."""
    s = InspectionStore.create(
        store_path,
        area="Lambeth",
        bank=bank,
        lead="AB",
        fieldwork_start="2015-03-16",
        clock=FixedClock(),
    )
    s.add_cases(
        [
            build_case("C001"),
            build_case(
                "C002", disposal="dto", rosh="high", inspector="KM", ethnicity="black_caribbean"
            ),
            build_case(
                "C003",
                gender="female",
                looked_after=True,
                status="terminated",
                end_date="2015-01-10",
            ),
        ]
    )
    yield s
    s.close()
