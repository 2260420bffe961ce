"""A small bank and case records to test the store against, independent of the shipped banks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.store import InspectionStore
from question_bank.case import CaseRecord
from question_bank.loader import validate_bank
from question_bank.model import Bank

SMALL_BANK: dict[str, Any] = {
    "id": "small",
    "version": "1",
    "title": "A small bank for store tests",
    "scoring": {
        "rule": "pooled_key",
        "bands": [
            {"label": "Poor", "min": 0, "max": 49},
            {"label": "Unsatisfactory", "min": 50, "max": 64},
            {"label": "Satisfactory", "min": 65, "max": 74},
            {"label": "Good", "min": 75, "max": 100},
        ],
    },
    "themes": [
        {
            "number": 1,
            "title": "Reducing reoffending",
            "expectation": "Good work",
            "case_scored": True,
        },
        {
            "number": 2,
            "title": "Protecting the public",
            "expectation": "Risk managed",
            "case_scored": True,
        },
        {
            "number": 5,
            "title": "Governance",
            "expectation": "Good governance",
            "case_scored": False,
        },
    ],
    "sections": [
        {"id": "assessment", "title": "Assessment"},
        {"id": "planning", "title": "Planning"},
        {"id": "custody", "title": "Custody and resettlement"},
    ],
    "questions": [
        {
            "id": "A1",
            "theme": 1,
            "section": "assessment",
            "key": True,
            "text": "Was there a sufficient assessment of the likelihood of reoffending?",
            "chart_label": "Assessment",
        },
        {
            "id": "A2",
            "theme": 1,
            "section": "planning",
            "key": True,
            "text": "Did planning address the assessed factors?",
            "chart_label": "Planning",
            "note_required_for": ["no"],
        },
        {
            "id": "A3",
            "theme": 1,
            "section": "custody",
            "key": True,
            "text": "Was resettlement planned before release?",
            "chart_label": "Resettlement",
            "applies_if": {"field": "custody", "equals": True},
        },
        {
            "id": "A4",
            "theme": 1,
            "section": "assessment",
            "text": "Were parents or carers involved?",
            "chart_label": "Parents",
        },
        {
            "id": "R1",
            "theme": 2,
            "section": "planning",
            "key": True,
            "text": "Was there a risk management plan with contingencies?",
            "chart_label": "Risk plan",
            "applies_if": {"field": "rosh", "in": ["medium", "high", "very_high"]},
        },
        {
            "id": "R2",
            "theme": 2,
            "section": "assessment",
            "key": True,
            "text": "Was the RoSH classification correct?",
            "chart_label": "RoSH correct",
        },
        {
            "id": "G1",
            "theme": 5,
            "section": "assessment",
            "text": "Was the management board informed?",
            "chart_label": "Board",
        },
    ],
}


@pytest.fixture(scope="session")
def bank() -> Bank:
    return validate_bank(SMALL_BANK, "small")


def make_case(case_ref: str, **fields: Any) -> CaseRecord:
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
            make_case("C001"),
            make_case(
                "C002", disposal="dto", rosh="high", inspector="KM", ethnicity="black_caribbean"
            ),
            make_case(
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
