"""Reading the case sample and answers from CSV files, every bad row reported at once.

Nothing here writes: the parsers return case records or answer rows, or raise InvalidRows
listing each problem as "line N, column X: what is wrong". Line numbers count the header as
line 1 and follow the file even when a quoted cell spans lines.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from db.cells import as_read
from db.errors import InvalidRows, RowProblem, StoreError
from db.file.answer_rules import is_initials, not_initials
from question_bank.case import (
    FLAG_FIELDS,
    CaseManagerRole,
    CaseRecord,
    CaseStatus,
    Disposal,
    Ethnicity,
    Gender,
    Level,
)

CASE_COLUMNS: tuple[str, ...] = (
    "case_ref",
    "inspector",
    "case_manager_role",
    "age",
    "gender",
    "ethnicity",
    "disposal",
    "status",
    "start_date",
    "end_date",
    "rosh",
    "vulnerability",
    *FLAG_FIELDS,
)
ANSWER_COLUMNS: tuple[str, ...] = ("case_ref", "question_id", "answer", "note", "inspector", "role")
ANSWER_REQUIRED: tuple[str, ...] = ("case_ref", "question_id", "answer")

EXTRA = "__extra_cells__"  # a row key no header can produce after lower-casing and checking
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", ""})

ENUMS: dict[str, type[StrEnum]] = {
    "case_manager_role": CaseManagerRole,
    "gender": Gender,
    "ethnicity": Ethnicity,
    "disposal": Disposal,
    "status": CaseStatus,
    "rosh": Level,
    "vulnerability": Level,
}
# The words inspectors and case management systems use for the same values.
ALIASES: dict[str, dict[str, str]] = {
    "case_manager_role": {
        "yos": "yos_officer",
        "seconded_probation_officer": "seconded_probation",
        "probation_officer": "seconded_probation",
        "probation": "seconded_probation",
        "seconded_police_officer": "seconded_police",
        "police_officer": "seconded_police",
        "police": "seconded_police",
    },
    "gender": {"f": "female", "m": "male"},
    "disposal": {
        "yro_with_iss": "yro_iss",
        "s_91": "s91",
        "section_91": "s91",
        "s91_or_long_term_custody": "s91",
        "long_term_custody": "s91",
        "detention_and_training_order": "dto",
        "youth_rehabilitation_order": "yro",
        "ycc": "youth_conditional_caution",
    },
    "status": {"closed": "terminated", "open": "current"},
    "rosh": {"v_high": "very_high"},
    "vulnerability": {"v_high": "very_high"},
}


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lower-cased names) and the non-blank rows with their first line number."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"there is no file at {path}; give the path of the CSV file") from None
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder; give the path of the CSV file") from None
    except OSError as exc:
        raise StoreError(f"{path} cannot be read ({exc.strerror}); check its permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StoreError(
            f"{path} is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8' and try again"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(_numbered(reader))
    except csv.Error as exc:
        raise StoreError(
            f"{path} is not a readable CSV file (line {reader.line_num}: {exc})"
        ) from None
    if not records:
        raise StoreError(f"{path} is empty; it needs a header row naming the columns")
    _, header = records[0]
    names = [cell.strip().lower() for cell in header]
    rows = []
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        padded = cells + [""] * (len(names) - len(cells))
        row = dict(zip(names, padded, strict=False))
        if len(cells) > len(names):
            row[EXTRA] = str(len(cells))
        rows.append((line, row))
    return names, rows


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    previous = 0
    for cells in reader:
        yield previous + 1, cells
        previous = reader.line_num


def check_header(
    path: Path, names: list[str], allowed: tuple[str, ...], required: tuple[str, ...]
) -> None:
    """Refuse a header that misses a required column, repeats one or names an unknown one."""
    missing = [c for c in required if c not in names]
    unknown = [n for n in names if n not in allowed]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append(f"misses column {', '.join(missing)}")
        if unknown:
            parts.append(f"has unknown column {', '.join(repr(u) for u in unknown)}")
        if repeated:
            parts.append(f"repeats column {', '.join(repeated)}")
        raise StoreError(
            f"the header of {path} {' and '.join(parts)}; the columns are: {', '.join(allowed)}"
        )


def read_cases(path: Path, taken: set[str] | None = None) -> list[CaseRecord]:
    """Case records from a sample CSV; InvalidRows lists every bad row and nothing is returned."""
    names, rows = read_csv(path)
    check_header(path, names, CASE_COLUMNS, CASE_COLUMNS)
    if not rows:
        raise StoreError(f"{path} has a header but no cases")
    records, problems = case_records(names, rows, taken=taken or set())
    if problems:
        raise InvalidRows(path.name, problems)
    return records


def case_records(
    names: list[str],
    rows: list[tuple[int, dict[str, str]]],
    *,
    taken: set[str] | frozenset[str] = frozenset(),
    fill: dict[str, str] | None = None,
    force: dict[str, str] | None = None,
) -> tuple[list[CaseRecord], list[RowProblem]]:
    """The rows' case records read as `cases import` reads them, and what is wrong with any
    row (by line, then in column order): a cell, extra cells, a reference already in the
    inspection (`taken`) or on an earlier line. `fill` gives absent columns their values,
    `force` overrides columns (the sample's caseload reader: no inspector yet)."""
    records: list[CaseRecord] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        found: list[RowProblem] = []
        if EXTRA in row:
            found.append(
                RowProblem(line, "-", f"has {row[EXTRA]} cells, the header has {len(names)}")
            )
        data = _case_data(line, (fill or {}) | row | (force or {}), found)
        ref = data.get("case_ref")
        if isinstance(ref, str):
            if ref in taken:
                found.append(
                    RowProblem(
                        line, "case_ref", f"case {ref} is already in the inspection", taken=ref
                    )
                )
            elif ref in first_line:
                found.append(
                    RowProblem(line, "case_ref", f"{ref} is already on line {first_line[ref]}")
                )
            else:
                first_line[ref] = line
        if not found:
            try:
                records.append(CaseRecord.model_validate(data))
            except ValidationError as exc:
                for error in exc.errors():
                    column = str(error["loc"][0]) if error["loc"] else "end_date"
                    message = str(error["msg"]).removeprefix("Value error, ")
                    found.append(RowProblem(line, column, message))
        problems.extend(found)
    order = {name: i for i, name in enumerate(CASE_COLUMNS)}
    problems.sort(key=lambda p: (p.line, order.get(p.column, -1)))
    return records, problems


def _case_data(line: int, row: dict[str, str], found: list[RowProblem]) -> dict[str, Any]:
    data: dict[str, Any] = {}

    def bad(column: str, message: str) -> None:
        found.append(RowProblem(line, column, message))

    ref = row["case_ref"].strip()
    if not ref:
        bad("case_ref", "is empty; every case needs a reference such as C017")
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,19}", ref):
        bad("case_ref", f"{ref!r} is not a case reference: use up to 20 letters, digits, - or _")
    else:
        data["case_ref"] = ref
    initials = row["inspector"].strip().upper()
    if not is_initials(initials):
        bad("inspector", not_initials(row["inspector"].strip()))
    else:
        data["inspector"] = initials
    age = row["age"].strip()
    if not age.isdigit() or not 10 <= int(age) <= 18:
        bad("age", f"{age!r} is not an age from 10 to 18")
    else:
        data["age"] = int(age)
    for column, enum in ENUMS.items():
        value = _enum_value(column, row[column], enum)
        if value is None:
            shown = row[column].strip()
            choices = ", ".join(m.value for m in enum)
            bad(
                column,
                f"{shown!r} is not one of {choices}" if shown else f"is empty; use {choices}",
            )
        else:
            data[column] = value
    for column in ("start_date", "end_date"):
        text = row[column].strip()
        if not text:
            if column == "start_date":
                bad(column, "is empty; write the date the order started as YYYY-MM-DD")
            continue
        parsed = _date(text)
        if parsed is None:
            bad(column, f"{text!r} is not a date; write it as YYYY-MM-DD")
        else:
            data[column] = parsed
    if "start_date" in data and "end_date" in data and data["end_date"] < data["start_date"]:
        bad("end_date", f"{data['end_date']} is before the start date {data['start_date']}")
    for flag in FLAG_FIELDS:
        word = row[flag].strip().lower()
        if word in TRUE_WORDS:
            data[flag] = True
        elif word in FALSE_WORDS:
            data[flag] = False
        else:
            bad(flag, f"{row[flag].strip()!r} is not yes or no (yes/no, true/false, y/n, 1/0)")
    return data


_ENUM_VALUES = {column: frozenset(m.value for m in enum) for column, enum in ENUMS.items()}


@functools.lru_cache(maxsize=4096)  # a sample repeats a few words per column
def _enum_value(column: str, text: str, enum: type[StrEnum]) -> str | None:
    key = re.sub(r"[\s\-./]+", "_", text.strip().lower()).strip("_")
    key = ALIASES.get(column, {}).get(key, key)
    return key if key in _ENUM_VALUES[column] else None


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_answer_rows(path: Path) -> list[dict[str, Any]]:
    """Answer rows (dicts with `line`) from a CSV; the store checks them against the file."""
    names, rows = read_csv(path)
    check_header(path, names, ANSWER_COLUMNS, ANSWER_REQUIRED)
    if not rows:
        raise StoreError(f"{path} has a header but no answers")
    problems = [
        RowProblem(line, "-", f"has {row[EXTRA]} cells, the header has {len(names)}")
        for line, row in rows
        if EXTRA in row
    ]
    if problems:
        raise InvalidRows(path.name, problems)
    # `answers export` marks a note that starts like a formula (db.cells); read back as it was
    return [{**{k: as_read(v) for k, v in row.items()}, "line": line} for line, row in rows]
