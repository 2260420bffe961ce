"""A sample drawn from a caseload extract, from sifting to the files `cases import` reads."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from db.errors import StoreError
from db.file.csv_import import CASE_COLUMNS
from db.sampling.assignment import assign, workload
from db.sampling.draw import Draw, draw_sample
from db.sampling.eligibility import Eligibility, Sifted, bank_disposals
from db.sampling.makeup import Makeup, draw_warnings, makeup
from db.sampling.strata import GROUP_BY_NAME
from question_bank.case import FLAG_FIELDS, CaseRecord
from question_bank.model import Bank


@dataclass(frozen=True)
class SamplePlan:
    """The draw, who reads each case (empty without inspectors) and the make-up check."""

    sifted: Sifted
    draw: Draw
    inspector_of: dict[str, str]
    makeup: Makeup
    warnings: list[str]


def parse_minimums(pairs: Sequence[str]) -> dict[str, int]:
    """`girls=8` (repeatable) as {"girls": 8}; an unknown group or a bad number is refused."""
    found: dict[str, int] = {}
    names = ", ".join(GROUP_BY_NAME)
    for pair in pairs:
        name, sep, number = pair.partition("=")
        name = name.strip().lower()
        if not sep or name not in GROUP_BY_NAME:
            raise StoreError(f"--minimum {pair!r} names no group; write GROUP=N with {names}")
        if not number.strip().isdigit():
            raise StoreError(f"--minimum {pair!r} needs a whole number of cases, e.g. {name}=5")
        found[name] = int(number)
    return found


def plan_sample(
    caseload: Sequence[CaseRecord],
    bank: Bank,
    *,
    size: int,
    seed: int,
    fieldwork: date,
    window_months: int = 12,
    reserves: int | None = None,
    minimums: Mapping[str, int] | None = None,
    inspectors: Sequence[str] = (),
) -> SamplePlan:
    """Sift the caseload, draw the sample and reserves, share them out, check the make-up."""
    if size < 1:
        raise StoreError(f"--size {size} draws nothing; give the number of cases, e.g. 61")
    if window_months < 1:
        raise StoreError(f"--window-months {window_months} is no window; give 1 or more")
    sifted = Eligibility(fieldwork, window_months, bank_disposals(bank)).sift(caseload)
    if not sifted.eligible:
        raise StoreError(
            f"none of the {sifted.caseload} cases is eligible ({_reasons(sifted)}); check "
            "--fieldwork and --window-months"
        )
    drawn = draw_sample(sifted.eligible, size, seed=seed, reserves=reserves, minimums=minimums)
    weights = {c.case_ref: workload(bank, c) for c in [*drawn.sample, *drawn.reserves]}
    inspector_of: dict[str, str] = {}
    if inspectors:
        inspector_of = assign(drawn.sample, inspectors, weights)
        inspector_of |= assign(drawn.reserves, inspectors, weights) if drawn.reserves else {}
    checked = makeup(drawn.sample, sifted.eligible, inspector_of or None, weights)
    warnings = draw_warnings(drawn, sifted) + checked.warnings
    if reserves and len(drawn.reserves) < reserves and not drawn.too_small:
        warnings.append(
            f"only {len(drawn.reserves)} reserve cases could be drawn of the {reserves} asked for"
        )
    return SamplePlan(sifted, drawn, inspector_of, checked, warnings)


def _reasons(sifted: Sifted) -> str:
    return "; ".join(f"{count} {reason}" for reason, count in sifted.left_out.items())


def sample_csv(cases: Sequence[CaseRecord], inspector_of: Mapping[str, str]) -> str:
    """The cases as the CSV `cases import` reads (the inspector empty where not assigned)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CASE_COLUMNS)
    for case in cases:
        values = case.model_dump(mode="json") | {"inspector": inspector_of.get(case.case_ref, "")}
        for flag in FLAG_FIELDS:
            values[flag] = "yes" if values[flag] else "no"
        writer.writerow(["" if values[c] is None else values[c] for c in CASE_COLUMNS])
    return out.getvalue()


def reserves_path(out: Path) -> Path:
    """Where the reserves go: beside the sample, `SAMPLE-reserves.csv`."""
    return out.with_name(f"{out.stem}-reserves{out.suffix or '.csv'}")


def write_files(files: Mapping[Path, str]) -> None:
    """Write each file whole, owner-only: all are staged beside their place first, then each
    renamed into it, so a failure leaves no file half-written."""
    staged = {path: path.with_name(f".{path.name}.writing") for path in files}
    try:
        for path, text in files.items():
            staged[path].write_text(text, encoding="utf-8")
            os.chmod(staged[path], 0o600)
        for path in files:
            os.replace(staged[path], path)
    except OSError as exc:
        raise StoreError(
            f"the sample could not be written ({exc.strerror}); check the folder"
        ) from None
    finally:
        for stage in staged.values():
            stage.unlink(missing_ok=True)
