"""Applicability conditions: declarative, evaluated over a case's fields."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from question_bank.case import CaseRecord
from question_bank.model import Condition


def case(**fields) -> dict:
    base = dict(
        case_ref="C001",
        inspector="ab",
        case_manager_role="yos_officer",
        age=15,
        gender="male",
        ethnicity="black_caribbean",
        disposal="yro",
        status="current",
        start_date=date(2014, 3, 1),
        rosh="medium",
        vulnerability="low",
    )
    base.update(fields)
    return CaseRecord(**base).condition_values()


def test_derived_fields():
    values = case(disposal="dto", ethnicity="white_british")
    assert values["custody"] is True
    assert values["bame"] is False
    assert case()["bame"] is True
    assert case(ethnicity="not_stated")["bame"] is None


@pytest.mark.parametrize(
    ("condition", "fields", "expected"),
    [
        ({"field": "custody", "equals": True}, {"disposal": "s91"}, True),
        ({"field": "custody", "equals": True}, {"disposal": "referral_order"}, False),
        ({"field": "rosh", "in": ["medium", "high", "very_high"]}, {"rosh": "low"}, False),
        ({"field": "rosh", "in": ["medium", "high", "very_high"]}, {"rosh": "high"}, True),
        ({"field": "age", "min": 17}, {"age": 17}, True),
        ({"field": "age", "min": 17}, {"age": 16}, False),
        (
            {"all": [{"field": "custody", "equals": True}, {"field": "age", "max": 15}]},
            {"disposal": "dto", "age": 14},
            True,
        ),
        (
            {
                "any": [
                    {"field": "looked_after", "equals": True},
                    {"field": "vulnerability", "in": ["high", "very_high"]},
                ]
            },
            {"vulnerability": "high"},
            True,
        ),
        ({"not": {"field": "status", "equals": "terminated"}}, {"status": "terminated"}, False),
    ],
)
def test_condition_holds(condition, fields, expected):
    assert Condition.model_validate(condition).holds(case(**fields)) is expected


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "custody"},
        {"field": "rosh", "equals": "high", "in": ["low"]},
        {"all": [], "any": []},
        {"field": "rosh", "all": [{"field": "age", "min": 12}]},
        {"expression": "custody == True"},
    ],
)
def test_malformed_conditions_are_refused(condition):
    with pytest.raises(ValidationError):
        Condition.model_validate(condition)


def test_problems_name_unknown_fields_and_values():
    assert Condition.model_validate({"field": "colour", "equals": "red"}).problems() == [
        "condition on unknown case field 'colour'"
    ]
    assert Condition.model_validate({"field": "gender", "in": ["female", "x"]}).problems() == [
        "condition on 'gender' names unknown value 'x'"
    ]
    assert Condition.model_validate({"field": "mappa", "equals": "yes"}).problems()


def test_describe_reads_like_a_reason():
    condition = Condition.model_validate(
        {"all": [{"field": "custody", "equals": True}, {"field": "rosh", "in": ["high"]}]}
    )
    assert condition.describe() == "custody and rosh is high"


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "age", "in": ["16", "17"]},
        {"field": "age", "min": 17, "max": 12},
        {"field": "age", "equals": True},
    ],
)
def test_age_conditions_that_never_hold_are_problems(condition):
    assert Condition.model_validate(condition).problems()
