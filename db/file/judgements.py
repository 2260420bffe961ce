"""The lead inspector's recorded judgement per theme, and every change to it.

The score of a case-scored theme gives an indicative judgement; the lead decides (DOMAIN.md 1,
step 4), for those themes and for the ones judged from week-2 evidence (governance). A judgement
is recorded with its rationale, by whom and when, in the append-only `judgements` table
(migration m004), each row chained to the one before and the last kept in `record_heads`
(db.file.record_chain, m006 and m007): the current judgement of a theme is its latest row, and a
row with no judgement withdraws it. The store's `record_judgement`, `recorded_judgements` and
`judgement_history` call these.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.errors import StoreError
from db.file import record_chain
from question_bank.model import Bank

_COLUMNS = "theme, judgement, rationale, recorded_by, recorded_at"
# Latest first; within one instant the later row.
_ORDER = "recorded_at DESC, id DESC"


@dataclass(frozen=True)
class Judgement:
    """One recorded judgement (None: the earlier one withdrawn) with its rationale."""

    theme: int
    judgement: str | None
    rationale: str
    recorded_by: str
    recorded_at: str

    def as_dict(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "judgement": self.judgement,
            "rationale": self.rationale,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at,
        }


def choices(bank: Bank) -> list[str]:
    """The judgements the lead can record: the bank's band labels, best first."""
    bands = sorted(bank.scoring.bands, key=lambda band: (-band.max, -band.min))
    return list(dict.fromkeys(band.label for band in bands))


def chosen(bank: Bank, judgement: str | None) -> str | None:
    """The band label a typed judgement names (any case), or a StoreError listing the labels."""
    if judgement is None or not judgement.strip():
        return None
    labels = {label.casefold(): label for label in choices(bank)}
    label = labels.get(" ".join(judgement.split()).casefold())
    if label is None:
        raise StoreError(
            f"{judgement!r} is not a judgement of bank {bank.id}; "
            f"use one of {', '.join(choices(bank))}"
        )
    return label


def record(
    conn: sqlite3.Connection,
    bank: Bank,
    theme: int,
    judgement: str | None,
    rationale: str,
    *,
    by: str,
    at: str,
) -> Judgement:
    """Inside a write transaction: append a judgement of a theme unless it is the current one."""
    if theme not in bank.theme_by_number:
        numbers = ", ".join(str(t.number) for t in bank.themes)
        raise StoreError(f"bank {bank.id} has no theme {theme}; its themes are {numbers}")
    label = chosen(bank, judgement)
    text = (rationale or "").strip()
    if not text:
        raise StoreError(
            "a recorded judgement needs its rationale: a sentence on the evidence it rests on"
        )
    latest = current(conn, theme).get(theme)
    if latest is None and label is None:
        raise StoreError(f"theme {theme} has no recorded judgement to withdraw")
    if latest is not None and (latest.judgement, latest.rationale) == (label, text):
        return latest
    conn.execute("INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)", (by, at))
    entry = Judgement(theme, label, text, by, at)
    record_chain.append(conn, "judgements", entry.as_dict())
    return entry


def current(conn: sqlite3.Connection, theme: int | None = None) -> dict[int, Judgement]:
    """The recorded judgement of each theme that has one now (withdrawn ones left out)."""
    latest: dict[int, Judgement] = {}
    for entry in history(conn, theme):
        latest.setdefault(entry.theme, entry)
    return {number: entry for number, entry in latest.items() if entry.judgement is not None}


def history(conn: sqlite3.Connection, theme: int | None = None) -> list[Judgement]:
    """Every judgement recorded, latest first (of one theme, or all)."""
    where, params = ("WHERE theme = ?", (theme,)) if theme is not None else ("", ())
    return [
        Judgement(*row)
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM judgements {where} ORDER BY {_ORDER}", params
        )
    ]
