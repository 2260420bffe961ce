"""The bands the lead sets for an inspection, and every earlier set.

A bank's judgement bands may be provisional (no `bands_source`): the lead can replace them for
one inspection with sourced ones, from a file, with a reason. Each set is a row of the
append-only `band_sets` table (migration m005), chained, the last row kept in `record_heads`
(db.file.record_chain, m006 and m007): the bands in force are the latest row's, and the bank
stored in the file is never changed, so its hash still says which bank the file was made with
(collation compares it). The store's bank is the stored bank with these bands (`effective`); the
labels must be the bank's own, from lowest to highest, so recorded judgements and the overall
rating's points keep their meaning.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from db.errors import StoreError
from db.file import record_chain
from question_bank.loader import _band_problems
from question_bank.model import Band, Bank

_COLUMNS = "bands_json, source, set_by, set_at, reason"
# Latest first; within one instant the later row.
_ORDER = "set_at DESC, id DESC"


@dataclass(frozen=True)
class BandSet:
    """One set of bands the lead set, where they come from, by whom, when and why."""

    bands: tuple[Band, ...]
    source: str | None
    set_by: str
    set_at: str
    reason: str

    @property
    def provisional(self) -> bool:
        return not self.source

    def as_dict(self) -> dict[str, object]:
        return {
            "bands": [band.model_dump() for band in self.bands],
            "source": self.source,
            "provisional": self.provisional,
            "set_by": self.set_by,
            "set_at": self.set_at,
            "reason": self.reason,
        }


def bank_labels(bank: Bank) -> list[str]:
    """The bank's band labels from the lowest band to the highest."""
    return [band.label for band in sorted(bank.scoring.bands, key=lambda b: (b.min, b.max))]


def problems(bank: Bank, raw: Any) -> list[str]:
    """What is wrong with `raw` as a list of bands for `bank`: as a bank's bands are checked
    (question_bank.loader), and labelled with the bank's labels in the bank's order."""
    if not isinstance(raw, list) or not raw:
        return ["bands must be a list of {label, min, max}"]
    found: list[str] = []
    bands: list[Band] = []
    for number, item in enumerate(raw, start=1):
        try:
            bands.append(Band.model_validate(item))
        except ValidationError as exc:
            found.append(_band_error(number, exc))
    if found:
        return found
    found.extend(_band_problems([band.model_dump() for band in bands]))
    if found:
        return found
    wanted = bank_labels(bank)
    given = [band.label for band in sorted(bands, key=lambda b: (b.min, b.max))]
    if [label.casefold() for label in given] != [label.casefold() for label in wanted]:
        found.append(
            f"the bands from lowest to highest are labelled {', '.join(given)}, "
            f"not the bank's {', '.join(wanted)}"
        )
    return found


def _band_error(number: int, exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing":
        return f"band {number} has no {field}"
    if error["type"] == "extra_forbidden":
        return f"band {number} has a key {field!r} (only label, min and max)"
    if not field:
        return f"band {number} is not a mapping of label, min and max"
    return f"band {number}: {field} {str(error['msg']).lower()}"


def checked_bands(bank: Bank, raw: Any, name: str) -> tuple[Band, ...]:
    """`raw` as bands of `bank` (lowest first, the bank's spelling of each label), or a
    StoreError naming `name` and every problem."""
    found = problems(bank, raw)
    if found:
        raise StoreError(
            f"{name} cannot be used: {'; '.join(found)} (the bands must cover 0 to 100 with no "
            f"gap or overlap, labelled {', '.join(bank_labels(bank))} from lowest to highest)"
        )
    labels = {label.casefold(): label for label in bank_labels(bank)}
    bands = sorted((Band.model_validate(item) for item in raw), key=lambda b: (b.min, b.max))
    return tuple(band.model_copy(update={"label": labels[band.label.casefold()]}) for band in bands)


def read_file(path: Path, bank: Bank) -> tuple[tuple[Band, ...], str | None]:
    """A bands file (YAML: `source: "..."` (optional) and `bands: [{label, min, max}, ...]`),
    checked against `bank`: its bands and their source; a StoreError in one sentence."""
    import yaml

    if not path.is_file():
        raise StoreError(f"there is no bands file at {path}; check the path")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path} cannot be read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise StoreError(f"{path} is not valid YAML{where}; check its indentation") from None
    if not isinstance(raw, dict) or "bands" not in raw:
        raise StoreError(
            f"{path} must be a YAML mapping with `bands:` (a list of label, min, max) and, "
            "optionally, `source:`"
        )
    extra = sorted(str(key) for key in set(raw) - {"bands", "source"})
    if extra:
        raise StoreError(f"{path} has keys other than bands and source ({', '.join(extra)})")
    source = raw.get("source")
    if source is not None and not isinstance(source, str):
        raise StoreError(f"{path}: source must be text (where the bands come from)")
    return checked_bands(bank, raw["bands"], str(path)), (source or "").strip() or None


def record(
    conn: sqlite3.Connection,
    bank: Bank,
    bands: tuple[Band, ...],
    source: str | None,
    reason: str,
    *,
    by: str,
    at: str,
) -> BandSet:
    """Inside a write transaction: append a band set unless it is the one in force already."""
    checked = checked_bands(bank, [band.model_dump() for band in bands], "the bands")
    text = (reason or "").strip()
    if not text:
        raise StoreError("setting the bands needs a reason: say why these bands, e.g. --reason")
    source = (source or "").strip() or None
    latest = current(conn)
    if latest is not None and (latest.bands, latest.source, latest.reason) == (
        checked,
        source,
        text,
    ):
        return latest
    record_chain.append(
        conn,
        "band_sets",
        {"bands_json": bands_json(checked), "source": source, "set_by": by, "set_at": at,
         "reason": text},
    )  # fmt: skip
    return BandSet(checked, source, by, at, text)


def bands_json(bands: tuple[Band, ...]) -> str:
    """The stored form of a set's bands: lowest first, compact."""
    return json.dumps([band.model_dump() for band in bands], separators=(",", ":"))


def from_row(row: tuple[Any, ...]) -> BandSet:
    bands_text, source, set_by, set_at, reason = row
    bands = tuple(Band.model_validate(item) for item in json.loads(bands_text))
    return BandSet(bands, source, set_by, set_at, reason)


def history(conn: sqlite3.Connection) -> list[BandSet]:
    """Every band set of the inspection, latest first."""
    return [
        from_row(row) for row in conn.execute(f"SELECT {_COLUMNS} FROM band_sets ORDER BY {_ORDER}")
    ]


def current(conn: sqlite3.Connection) -> BandSet | None:
    """The band set in force: the latest, or None while the bank's own bands are."""
    sets = history(conn)
    return sets[0] if sets else None


def effective(bank: Bank, band_set: BandSet | None) -> Bank:
    """The bank an inspection is scored with: `bank` with the set's bands and source.

    A set without a source gives provisional bands, as a bank's unsourced bands are.
    """
    if band_set is None:
        return bank
    raw = bank.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["scoring"]["bands"] = [band.model_dump() for band in band_set.bands]
    raw["scoring"]["bands_source"] = band_set.source
    return Bank.model_validate(raw)
