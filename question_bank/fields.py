"""The case fields that decide applicability and subgroups: their values, without pydantic.

Split from `question_bank.case` (which re-exports every name) so that what only needs the
field names and values (the command line's help, the case list) does not load pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    youth_caution = "youth_caution"
    community_resolution = "community_resolution"


CUSTODIAL_DISPOSALS = frozenset({Disposal.dto, Disposal.s91})
# Disposals given without a court: the youth justice standards' out-of-court domain.
OUT_OF_COURT_DISPOSALS = frozenset(
    {Disposal.youth_conditional_caution, Disposal.youth_caution, Disposal.community_resolution}
)


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
    "out_of_court": FieldSpec("bool"),
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
