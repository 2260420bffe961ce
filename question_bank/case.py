"""The case record of DOMAIN.md section 2: the fields that decide applicability and subgroups.

The fields' values and names live in `question_bank.fields`; every name is re-exported here.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from question_bank.fields import (
    CONDITION_FIELDS,
    CUSTODIAL_DISPOSALS,
    FLAG_FIELDS,
    OUT_OF_COURT_DISPOSALS,
    SUBGROUP_FIELDS,
    CaseManagerRole,
    CaseStatus,
    Disposal,
    Ethnicity,
    FieldSpec,
    Gender,
    Level,
    is_bame,
)

__all__ = [
    "CONDITION_FIELDS",
    "CUSTODIAL_DISPOSALS",
    "FLAG_FIELDS",
    "OUT_OF_COURT_DISPOSALS",
    "SUBGROUP_FIELDS",
    "CaseManagerRole",
    "CaseRecord",
    "CaseStatus",
    "Disposal",
    "Ethnicity",
    "FieldSpec",
    "Gender",
    "Level",
    "is_bame",
]


class CaseRecord(BaseModel):
    """One case of the sample; never a name, only a reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_ref: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    inspector: str = Field(min_length=1, max_length=6, pattern=r"^[A-Z]{1,6}$")
    case_manager_role: CaseManagerRole
    age: int = Field(ge=10, le=18)
    gender: Gender
    ethnicity: Ethnicity
    disposal: Disposal
    status: CaseStatus
    start_date: date
    end_date: date | None = None
    rosh: Level
    vulnerability: Level
    looked_after: bool = False
    child_protection_plan: bool = False
    mappa: bool = False
    transferred: bool = False
    victim_identified: bool = False
    psr_prepared: bool = False

    @field_validator("inspector", mode="before")
    @classmethod
    def _upper_initials(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _dates_in_order(self) -> CaseRecord:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self

    @property
    def custody(self) -> bool:
        return self.disposal in CUSTODIAL_DISPOSALS

    @property
    def out_of_court(self) -> bool:
        return self.disposal in OUT_OF_COURT_DISPOSALS

    @property
    def bame(self) -> bool | None:
        return is_bame(self.ethnicity)

    def condition_values(self) -> dict[str, Any]:
        """The field values a bank condition may test, derived fields included."""
        values: dict[str, Any] = {
            name: getattr(self, name)
            for name in CONDITION_FIELDS
            if name in type(self).model_fields
        }
        values["custody"] = self.custody
        values["out_of_court"] = self.out_of_court
        values["bame"] = self.bame
        return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in values.items()}
