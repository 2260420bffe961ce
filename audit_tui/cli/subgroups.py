"""Which cases `scores` and `summary` count: `--by FIELD` groups them, `--where FIELD=VALUE`
chooses some, as the dashboard's filter does. Both commands check them here, the same way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audit_tui.cli.errors import UserError
from db.file.records import CountFilter
from question_bank.fields import CONDITION_FIELDS, SUBGROUP_FIELDS

if TYPE_CHECKING:
    from db.file.store import InspectionStore

TRUE, FALSE = ("yes", "true", "y", "1"), ("no", "false", "n", "0")

ByOption = Annotated[
    str | None,
    typer.Option("--by", metavar="FIELD", help=f"Per group of: {', '.join(SUBGROUP_FIELDS)}."),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="FIELD=VALUE",
        help=f"Count only the cases with this value (repeatable); FIELD is one of "
        f"{', '.join(SUBGROUP_FIELDS)}, e.g. gender=female, custody=yes, rosh=high.",
    ),
]


def chosen_cases(by: str | None, where: list[str] | None) -> CountFilter:
    """The cases `--where` chooses, once `--by` and `--where` are checked, before a file opens."""
    if by is not None and by not in SUBGROUP_FIELDS:
        raise UserError(
            f"--by {by!r} is not a field to group by; use one of {', '.join(SUBGROUP_FIELDS)}"
        )
    return parse_where(where)


def parse_where(conditions: list[str] | None) -> CountFilter:
    """`gender=female`, `custody=yes`, `rosh=very high`, `inspector=jd` as a CountFilter."""
    chosen: dict[str, Any] = {}
    for condition in conditions or []:
        field, sep, raw = condition.partition("=")
        field = field.strip().lower()
        value = raw.strip()
        if not sep or field not in SUBGROUP_FIELDS:
            raise UserError(
                f"--where {condition!r} is not FIELD=VALUE with FIELD one of "
                f"{', '.join(SUBGROUP_FIELDS)}; e.g. --where gender=female"
            )
        if field == "inspector":
            chosen[field] = value.upper()
            continue
        spec = CONDITION_FIELDS[field]
        if spec.kind == "bool":
            if value.lower() not in TRUE + FALSE:
                raise UserError(f"--where {condition!r}: {field} is yes or no")
            chosen[field] = value.lower() in TRUE
            continue
        named = value.lower().replace(" ", "_").replace("-", "_")
        if named not in spec.values:
            raise UserError(f"--where {condition!r}: {field} is one of {', '.join(spec.values)}")
        chosen[field] = named
    return CountFilter(**chosen)


def require_cases(
    store: InspectionStore, chosen: CountFilter, file: Path, where: list[str] | None
) -> None:
    """A `--where` that leaves no case of FILE is a mistake, not a table of zeros."""
    if where and store.case_count(chosen) == 0:
        raise UserError(f"no case of {file} is {where_label(chosen)}; check --where")


def where_label(filter: CountFilter) -> str:
    from db.reporting import figures

    chosen = [
        figures.group_name(name, getattr(filter, name))
        for name in SUBGROUP_FIELDS
        if getattr(filter, name) is not None
    ]
    return " · ".join(chosen) or "all cases"
