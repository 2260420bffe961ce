"""The case record of DOMAIN.md section 2: the fields that decide applicability and subgroups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class CaseManagerRole(StrEnum):
    yos_officer = "yos_officer"
    social_worker = "social_worker"
    seconded_probation = "seconded_probation"
    seconded_police = "seconded_police"
    other = "other"


class Gender(StrEnum):
    female = "female"
    male = "male"


class Ethnicity(StrEnum):
    """The 2011 census categories for England and Wales, plus not stated."""

    white_british = "white_british"
    white_irish = "white_irish"
    white_gypsy_traveller = "white_gypsy_traveller"
    white_other = "white_other"
    mixed_white_black_caribbean = "mixed_white_black_caribbean"
    mixed_white_black_african = "mixed_white_black_african"
    mixed_white_asian = "mixed_white_asian"
    mixed_other = "mixed_other"
    asian_indian = "asian_indian"
    asian_pakistani = "asian_pakistani"
    asian_bangladeshi = "asian_bangladeshi"
    asian_chinese = "asian_chinese"
    asian_other = "asian_other"
    black_african = "black_african"
    black_caribbean = "black_caribbean"
    black_other = "black_other"
    other_arab = "other_arab"
    other_any = "other_any"
    not_stated = "not_stated"


class Disposal(StrEnum):
    referral_order = "referral_order"
    reparation_order = "reparation_order"
    yro = "yro"
    yro_iss = "yro_iss"
    dto = "dto"
    s91 = "s91"
    youth_conditional_caution = "youth_conditional_caution"


CUSTODIAL_DISPOSALS = frozenset({Disposal.dto, Disposal.s91})


class CaseStatus(StrEnum):
    current = "current"
    terminated = "terminated"


class Level(StrEnum):
    """Risk of serious harm and vulnerability levels, lowest first."""

    low = "low"
    medium = "medium"
    high = "high"
    very_high = "very_high"


def is_bame(ethnicity: Ethnicity) -> bool | None:
    """Black, Asian and minority ethnic: every census category outside the White group."""
    if ethnicity is Ethnicity.not_stated:
        return None
    return not ethnicity.value.startswith("white_")


FLAG_FIELDS = (
    "looked_after",
    "child_protection_plan",
    "mappa",
    "transferred",
    "victim_identified",
    "psr_prepared",
)


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
        values["bame"] = self.bame
        return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in values.items()}


@dataclass(frozen=True)
class FieldSpec:
    """What values a case field takes, for validating conditions and subgroup filters."""

    kind: str  # "enum", "bool" or "int"
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def _enum(cls: type[StrEnum]) -> FieldSpec:
    return FieldSpec("enum", tuple(member.value for member in cls))


CONDITION_FIELDS: dict[str, FieldSpec] = {
    "case_manager_role": _enum(CaseManagerRole),
    "age": FieldSpec("int", minimum=10, maximum=18),
    "gender": _enum(Gender),
    "ethnicity": _enum(Ethnicity),
    "bame": FieldSpec("bool"),
    "disposal": _enum(Disposal),
    "custody": FieldSpec("bool"),
    "status": _enum(CaseStatus),
    "rosh": _enum(Level),
    "vulnerability": _enum(Level),
    **{flag: FieldSpec("bool") for flag in FLAG_FIELDS},
}

# The fields scores can be broken down by (DOMAIN.md section 4).
SUBGROUP_FIELDS = (
    "inspector",
    "gender",
    "bame",
    "custody",
    "status",
    "rosh",
    "vulnerability",
    "looked_after",
)
