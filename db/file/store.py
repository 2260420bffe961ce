"""InspectionStore: one inspection file, its bank, cases, answers, history and counts.

A store belongs to the thread that opened it (sqlite3's rule); the TUI runs every call on one
writer thread. Each write is one transaction that returns only after COMMIT with
synchronous=FULL, so an answer the caller was told is saved is on disk.

The class is made of one part per concern, each in its own module: the case sample
(db.file.sample), answers (db.file.answer_records, written through the one gate of
db.file.answer_rules), the case lifecycle (db.file.lifecycle) and the counts
(db.file.counts), over what they share (db.file.store_base). Opening a file, its bank, the
history, judgements, the lead's bands and UI state are here.

`store.bank` is the bank the inspection is scored with: the bank stored in the file with the
bands the lead set (db.file.bands), if any; `store.stored_bank` is the stored one, whose hash
the file records and collation compares.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from db.errors import StoreError
from db.file import bands, history_chain, judgements
from db.file.answer_records import AnswerRecords
from db.file.answer_rules import initials
from db.file.checks import check_file
from db.file.connection import connect
from db.file.counts import Counts
from db.file.file_format import SCHEMA_VERSION
from db.file.lifecycle import CaseLifecycle
from db.file.records import HistoryRow, Inspection
from db.file.sample import CaseSample
from db.file.store_base import Clock, transaction, utc_now
from question_bank.loader import BankError, load_shipped, validate_bank
from question_bank.model import Band, Bank

# The fields of db.file.records.Inspection, in order (as StoreBase reads them).
INSPECTION_COLUMNS = (
    "id, area, bank_id, bank_version, bank_hash, lead, fieldwork_start, fieldwork_end, created_at"
)
_HISTORY_COLUMNS = (
    "id, case_ref, question_id, role, event, old_value, new_value, old_note, new_note, "
    "inspector, at, reason"
)


class InspectionStore(CaseSample, AnswerRecords, CaseLifecycle, Counts):
    """The inspection file: open it with `create` or `open`, use it from one thread."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        bank: Bank,
        readonly: bool,
        clock: Clock | None,
        encrypted: bool = False,
    ) -> None:
        super().__init__(conn, path, bank=bank, readonly=readonly, clock=clock, encrypted=encrypted)
        self._checkpointed = -1  # conn.total_changes at the last complete checkpoint
        self.stored_bank = bank
        self.bank = bands.effective(bank, bands.current(conn))

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        area: str,
        bank: Bank,
        lead: str | None = None,
        fieldwork_start: date | str | None = None,
        fieldwork_end: date | str | None = None,
        clock: Clock | None = None,
        inspection_id: str | None = None,
        passphrase: str | None = None,
    ) -> InspectionStore:
        """Make a new inspection file (mode 0600) under `bank`; an existing path is refused.

        With a passphrase the file is encrypted (SQLCipher) from its first byte.
        """
        path = Path(path)
        area = area.strip()
        if not area:
            raise StoreError("the inspection needs an area, e.g. --area Lambeth")
        lead = initials(lead) if lead else None
        start, end = _iso_date(fieldwork_start), _iso_date(fieldwork_end)
        if start and end and end < start:
            raise StoreError(f"fieldwork ends ({end}) before it starts ({start}); check the dates")
        conn = connect(path, create=True, passphrase=passphrase)
        try:
            from db.file.schema import migrate  # sqlite-utils: only to make or migrate a file

            migrate(conn)
            now = (clock or utc_now)().isoformat(timespec="milliseconds")
            with transaction(conn, path):
                _write_bank(conn, bank, now)
                conn.execute(
                    "INSERT INTO inspection (id, area, bank_id, bank_version, bank_hash, lead, "
                    "fieldwork_start, fieldwork_end, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        inspection_id or uuid.uuid4().hex,
                        area,
                        bank.id,
                        bank.version,
                        bank.content_hash,
                        lead,
                        start,
                        end,
                        now,
                    ),
                )
                if lead:
                    conn.execute(
                        "INSERT INTO inspectors (initials, is_lead, added_at) VALUES (?, 1, ?)",
                        (lead, now),
                    )
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            raise
        return cls(
            conn, path, bank=bank, readonly=False, clock=clock, encrypted=passphrase is not None
        )

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        clock: Clock | None = None,
        passphrase: str | None = None,
    ) -> InspectionStore:
        """Open an inspection after read-only checks; an older schema is then migrated.

        `passphrase` opens an encrypted file; a plain file ignores it.
        """
        path = Path(path)
        facts = check_file(path, passphrase)
        bank = _stored_bank(path, facts.bank_json)
        if readonly and facts.schema_version < SCHEMA_VERSION:
            raise StoreError(
                f"{path} uses an older schema; open it once without read-only to upgrade it"
            )
        try:
            conn = connect(
                path, readonly=readonly, passphrase=passphrase if facts.encrypted else None
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path} cannot be opened (SQLite says: {exc})") from None
        try:
            if not readonly and facts.schema_version < SCHEMA_VERSION:
                from db.file.schema import migrate

                migrate(conn)
            return cls(
                conn, path, bank=bank, readonly=readonly, clock=clock, encrypted=facts.encrypted
            )
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"{path} cannot be opened (SQLite says: {exc})") from None
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def peek(path: str | Path, passphrase: str | None = None) -> tuple[Bank, Inspection]:
        """The bank stored in a file and its inspection, read without opening it for writing,
        so a command can refuse a mistake before the file is backed up or migrated."""
        path = Path(path)
        facts = check_file(path, passphrase)
        bank = _stored_bank(path, facts.bank_json)
        try:
            conn = connect(path, readonly=True, passphrase=passphrase if facts.encrypted else None)
        except sqlite3.Error as exc:
            raise StoreError(f"{path} cannot be opened (SQLite says: {exc})") from None
        try:
            row = conn.execute(f"SELECT {INSPECTION_COLUMNS} FROM inspection").fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"{path} cannot be read (SQLite says: {exc})") from None
        finally:
            conn.close()
        return bank, Inspection(*row)

    def close(self) -> None:
        self._conn.close()

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the main file if anything was written since the last
        time, so that the file alone holds every committed change: a copy of it made without
        its `-wal` (cp, a file manager, a USB stick) loses nothing. PASSIVE: it never waits
        for another connection. Whether the main file now holds every commit of this one."""
        if self.readonly:
            return True
        changes = self._conn.total_changes
        if changes == self._checkpointed:
            return True
        busy, log, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if busy or log != copied:
            return False  # another connection is reading an older snapshot: next time
        self._checkpointed = changes
        return True

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another connection's lock before it is refused as busy
        (db.file.connection sets 5 s)."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    def __enter__(self) -> InspectionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def bank_notice(self) -> str | None:
        """A sentence when the shipped bank of this id differs from the one the file carries."""
        bank = self.bank
        try:
            shipped = load_shipped(bank.id)
        except LookupError:
            return (
                f"this file uses {bank.id} v{bank.version}, which this audit-tui does not ship; "
                "it is read with the copy stored in the file"
            )
        except (BankError, OSError):
            return None
        if shipped.content_hash == self.inspection.bank_hash:
            return None
        return (
            f"this file uses {bank.id} v{bank.version} as it was when the file was made; "
            f"the shipped {bank.id} (v{shipped.version}) has changed since"
        )

    # -- the history --------------------------------------------------------------------------

    def verify_history(self) -> history_chain.VerifyResult:
        """Walk the history's hash chain and check the answers against it
        (db.file.history_chain)."""
        return history_chain.verify_history(self._conn)

    def history(self, case_ref: str | None = None) -> list[HistoryRow]:
        """The append-only record of changes, oldest first."""
        where, params = ("WHERE case_ref = ?", (case_ref,)) if case_ref is not None else ("", ())
        rows = self._conn.execute(
            f"SELECT {_HISTORY_COLUMNS} FROM answer_history {where} ORDER BY id", params
        ).fetchall()
        return [HistoryRow(*row) for row in rows]

    # -- recorded judgements (db/file/judgements.py) -----------------------------------------

    def record_judgement(
        self, theme: int, judgement: str | None, rationale: str, *, by: str
    ) -> judgements.Judgement:
        """Record the lead's judgement of a theme (a band label; None withdraws it) and why."""
        who, now = initials(by), self._now()
        with self._write() as conn:
            return judgements.record(conn, self.bank, theme, judgement, rationale, by=who, at=now)

    def recorded_judgements(self) -> dict[int, judgements.Judgement]:
        """The current recorded judgement of each theme that has one."""
        return judgements.current(self._conn)

    def judgement_history(self, theme: int | None = None) -> list[judgements.Judgement]:
        """Every judgement recorded (of one theme, or all), latest first."""
        return judgements.history(self._conn, theme)

    # -- the lead's bands (db/file/bands.py) ---------------------------------------------------

    def set_bands(
        self, chosen: tuple[Band, ...], source: str | None, reason: str, *, by: str
    ) -> bands.BandSet:
        """Set the inspection's judgement bands (the bank's labels), where they come from and why.

        From now on `bank` scores with them; the stored bank is left as it is.
        """
        who, now = initials(by), self._now()
        with self._write() as conn:
            done = bands.record(conn, self.stored_bank, chosen, source, reason, by=who, at=now)
        self.bank = bands.effective(self.stored_bank, self.band_set())
        return done

    def band_set(self) -> bands.BandSet | None:
        """The band set in force, or None while the stored bank's own bands are."""
        return bands.current(self._conn)

    def band_sets(self) -> list[bands.BandSet]:
        """Every band set of the inspection, latest first."""
        return bands.history(self._conn)

    # -- UI state ----------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM ui_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._write(keeps_counts=True) as conn:
            conn.execute(
                "INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, self._now()),
            )

    # -- for other db modules (moderation) ----------------------------------------------------

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, for db modules that read tables the store has no call for."""
        return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction for a db module writing several tables at once (moderation)."""
        with self._write() as conn:
            yield conn


def _stored_bank(path: Path, bank_json: str) -> Bank:
    try:
        return validate_bank(json.loads(bank_json), path.name)
    except (BankError, ValueError):
        raise StoreError(
            f"the question bank stored in {path} cannot be read by this audit-tui; "
            "update audit-tui to open it"
        ) from None


def _write_bank(conn: sqlite3.Connection, bank: Bank, now: str) -> None:
    conn.execute(
        "INSERT INTO bank (content_hash, bank_id, version, canonical_json, stored_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (bank.content_hash, bank.id, bank.version, bank.canonical_json(), now),
    )
    conn.executemany(
        "INSERT INTO questions (question_id, position, theme, section, key, scale, chart_label, "
        "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (q.id, i, q.theme, q.section, int(q.key), q.scale, q.chart_label, q.text)
            for i, q in enumerate(bank.questions, start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO scale_values (scale, value, label, counts_as) VALUES (?, ?, ?, ?)",
        [
            (name, o.value, o.label, o.counts_as)
            for name, scale in bank.scales.items()
            for o in scale.options
        ],
    )


def _iso_date(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise StoreError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
