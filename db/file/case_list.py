"""The case list read straight from an inspection file, before the store is open.

The interface shows the case list first and opens the store (which validates the file's
question bank with pydantic, migrates an older schema and takes the automatic backup) right
after: the list needs a few columns of three tables, read here with plain sqlite3 once the
file has passed the same read-only checks the store makes (db/checks.py). The store's own
progress figures use the same query (`PROGRESS_SQL`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.file.checks import check_file
from db.file.connection import connect
from db.file.file_format import SCHEMA_VERSION

# Status and answered / applicable per case, in sample order; "{where}" narrows it to one case.
PROGRESS_SQL = """
SELECT c.case_ref, s.status,
    (SELECT COUNT(*) FROM answers a
     JOIN applicability ap ON ap.case_ref = a.case_ref
        AND ap.question_id = a.question_id AND ap.applies = 1
     WHERE a.case_ref = c.case_ref AND a.role = 'primary') AS answered,
    (SELECT COUNT(*) FROM applicability ap
     WHERE ap.case_ref = c.case_ref AND ap.applies = 1) AS applicable
FROM cases c JOIN case_status s ON s.case_ref = c.case_ref {where}
ORDER BY c.position
"""


@dataclass(frozen=True)
class ListedCase:
    """What the case list shows of a case (its assessment progress comes separately)."""

    case_ref: str
    inspector: str
    disposal: str
    status: str  # the case's own status: current or terminated


@dataclass(frozen=True)
class ListedProgress:
    case_ref: str
    status: str  # the assessment's: not_started, in_progress, complete, locked
    answered: int
    applicable: int


@dataclass(frozen=True)
class FileListing:
    """An inspection file's case list, read without opening the store."""

    area: str
    bank_id: str
    bank_version: str
    lead: str | None
    cases: list[ListedCase]
    progress: list[ListedProgress]
    state: dict[str, str]  # the interface's saved state (ui_state), e.g. where to resume
    kind: str = "inspection"  # what the file is (`file_kind`): demo, split for AS, collated


def read_case_list(path: Path, passphrase: str | None = None) -> FileListing | None:
    """The case list of a file that passes the checks; None when the store must open it first
    (an older schema, to be migrated). A file that fails the checks raises their StoreError."""
    facts = check_file(path, passphrase)
    if facts.schema_version != SCHEMA_VERSION:
        return None
    conn = connect(path, readonly=True, passphrase=passphrase if facts.encrypted else None)
    try:
        return _read(conn, path)
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, path: Path) -> FileListing:
    area, bank_id, bank_version, lead = conn.execute(
        "SELECT area, bank_id, bank_version, lead FROM inspection"
    ).fetchone()
    cases = [
        ListedCase(*row)
        for row in conn.execute(
            "SELECT case_ref, inspector, disposal, status FROM cases ORDER BY position"
        )
    ]
    progress = [ListedProgress(*row) for row in conn.execute(PROGRESS_SQL.format(where=""))]
    state = dict(conn.execute("SELECT key, value FROM ui_state").fetchall())
    kind = file_kind(lambda sql: conn.execute(sql).fetchall(), area, path.name)
    return FileListing(area, bank_id, bank_version, lead, cases, progress, state, kind)


Select = Callable[[str], Sequence[tuple[Any, ...]]]


def file_kind(select: Select, area: str, name: str) -> str:
    """What the file is, as its own rows tell (nothing stamps it): "split for AS" (every case
    is AS's and another inspector is named, or the file is split's `<stem>-AS.sqlite`),
    "collated" (it holds conflicts or rulings, work on the cases of two inspectors or more, or
    where an inspector other than the lead was in the interface: their hand-in's state), else
    "inspection" (the lead's file before split). The demo (its area says so) is "demo",
    or "demo, collated" and "demo, split for AS" when it holds what they hold."""
    demo = area.endswith("(demo)")
    holders = [initials for (initials,) in select("SELECT DISTINCT inspector FROM cases")]
    kind = "inspection"
    if len(holders) == 1:
        (named,) = select("SELECT COUNT(*) FROM inspectors")[0]
        if named > 1 or Path(name).stem.endswith(f"-{holders[0]}"):
            kind = f"split for {holders[0]}"
    if kind == "inspection":
        (moderated,) = select(
            "SELECT EXISTS (SELECT 1 FROM answer_versions) OR EXISTS (SELECT 1 FROM moderations)"
        )[0]
        (worked,) = select(
            "SELECT COUNT(DISTINCT c.inspector) FROM cases c "
            "JOIN case_status s ON s.case_ref = c.case_ref WHERE s.status != 'not_started'"
        )[0]
        # Inspectors other than the lead who opened the file in the interface: their files.
        (others,) = select(
            "SELECT COUNT(*) FROM ui_state WHERE key LIKE 'resume:%' "
            "AND substr(key, 8) IN (SELECT inspector FROM cases) "
            "AND substr(key, 8) IS NOT (SELECT lead FROM inspection)"
        )[0]
        if moderated or (not demo and (worked > 1 or others > 0)):
            kind = "collated"
    if demo:
        return "demo" if kind == "inspection" else f"demo, {kind}"
    return kind
