"""Handing out and handing in: one file per inspector (split), and a clean copy with a manifest.

`split` gives each inspector a file of their own cases only: the inspection, the bank, and those
cases with their answers, history and status, written afresh (never a copy with rows deleted,
whose free pages could still hold another child's data). `export` writes a self-contained copy
(`VACUUM INTO`: compact, no free pages, rollback journal so no -wal beside it) and a manifest
beside it, `OUT.manifest.json`, that collation checks. The manifest is plain JSON: beside an
encrypted copy it holds only what opening and checking the copy needs (`SEALED_MANIFEST`), never
the area, the inspectors or the counts inside it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from db.collation.build import build
from db.collation.collate import finish, workspace
from db.collation.inputs import check_input, manifest_path, sha256_of
from db.errors import StoreError
from db.file.checks import check_file
from db.file.connection import connect, create_private, is_encrypted, open_cipher, open_keyed
from db.file.history_chain import verify_history
from db.protection.crypto import export_to
from question_bank.case import CaseRecord

Clock = Callable[[], datetime]
MANIFEST_FORMAT = "audit-tui-export/1"
# What the plain manifest beside an encrypted copy keeps: what collation checks it by (its bytes,
# inspection and bank) and what says what it is, nothing of what is inside it.
SEALED_MANIFEST = (
    "format", "file", "encrypted", "bytes", "sha256", "exported_at", "inspection_id", "bank",
    "schema_version",
)  # fmt: skip


@dataclass(frozen=True)
class SplitFile:
    """One inspector's file: where it went and what it holds."""

    inspector: str
    path: Path
    cases: int
    answers: int
    history: int


def split(
    path: Path | str,
    out_dir: Path | str,
    *,
    stem: str | None = None,
    passphrase: str | None = None,
    encrypt: str | None = None,
) -> list[SplitFile]:
    """Write `<stem>-<INITIALS>.sqlite` per inspector into `out_dir`; refuse existing files.

    An encrypted FILE is read with `passphrase` and its split files are encrypted with it;
    `encrypt` encrypts them with that passphrase instead (also for a plain FILE).
    """
    path, out_dir = Path(path), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise StoreError(f"{out_dir} is a file, not a folder; give a folder for the split files")
    stem = stem or path.stem
    if not path.is_file():
        raise StoreError(f"there is no inspection file at {path}; check the path")
    made = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return _split_into(path, out_dir, stem, passphrase, encrypt)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # made for this split and left empty by its refusal
        raise


def _split_into(
    path: Path, out_dir: Path, stem: str, passphrase: str | None, encrypt: str | None
) -> list[SplitFile]:
    with workspace(out_dir / "split") as work:
        source = check_input(path, work, 0, passphrase)
        key = encrypt or source.passphrase
        conn = source.connect()
        try:
            inspectors = [
                initials
                for (initials,) in conn.execute(
                    "SELECT DISTINCT inspector FROM cases ORDER BY inspector"
                )
            ]
        finally:
            conn.close()
        if not inspectors:
            raise StoreError(f"{path} has no cases yet, so there is nothing to hand out")
        targets = {initials: out_dir / f"{stem}-{initials}.sqlite" for initials in inspectors}
        taken = [str(t) for t in targets.values() if t.exists()]
        if taken:
            raise StoreError(
                f"{taken[0]} already exists; split into an empty folder (nothing was written)"
            )
        written: list[SplitFile] = []
        try:
            for initials, target in targets.items():
                built = work / f"split-{initials}.sqlite"
                report = build(
                    [source],
                    built,
                    keep=partial(_assigned_to, initials),
                    keep_state=lambda _key: False,
                    passphrase=key,
                )
                finish(built, target, passphrase=key)
                written.append(
                    SplitFile(initials, target, report.cases, report.answers, report.history)
                )
        except BaseException:
            for done in written:
                done.path.unlink(missing_ok=True)
            raise
    return written


def _assigned_to(initials: str, record: CaseRecord) -> bool:
    return record.inspector == initials


def export(
    path: Path | str,
    out: Path | str,
    *,
    clock: Clock | None = None,
    passphrase: str | None = None,
    encrypt: str | None = None,
) -> dict[str, Any]:
    """Write a clean, self-contained copy of an inspection file and its manifest; return the
    copy's whole description (counts too, for the terminal).

    An encrypted FILE is read with `passphrase` and its copy is encrypted with it; `encrypt`
    encrypts the copy with that passphrase instead (also for a plain FILE). The manifest beside
    an encrypted copy keeps only SEALED_MANIFEST.
    """
    path, out = Path(path), Path(out)
    if out.exists() or manifest_path(out).exists():
        raise StoreError(f"{out} already exists; choose a new file name for the export")
    if out.resolve() == path.resolve():
        raise StoreError("the export needs a file name of its own; choose another -o")
    key = passphrase if is_encrypted(path) else None
    check_file(path, key)
    out_key = encrypt or key
    with workspace(out) as work:
        copy = work / "export.sqlite"
        if out_key is None:
            source = connect(path, readonly=True)
        else:
            source = open_keyed(path, key, readonly=True) if key else open_cipher(path)
        try:
            if out_key == key:
                source.execute("VACUUM INTO ?", (str(copy),))  # SQLCipher keeps the key
            else:
                create_private(copy)
                export_to(source, copy, out_key)
        except sqlite3.Error as exc:
            raise StoreError(f"{path} could not be exported (SQLite says: {exc})") from None
        finally:
            source.close()
        os.chmod(copy, 0o600)
        # switches to WAL; back to a rollback journal for travel
        conn = connect(copy, passphrase=out_key)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        check_file(copy, out_key)
        manifest = describe(copy, clock=clock, passphrase=out_key)
        manifest["file"] = out.name
        manifest["encrypted"] = out_key is not None
        written = manifest if out_key is None else {k: manifest[k] for k in SEALED_MANIFEST}
        with open(copy, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(copy, out)
        _write_json(manifest_path(out), written, work)
    return manifest


def describe(
    path: Path, *, clock: Clock | None = None, passphrase: str | None = None
) -> dict[str, Any]:
    """The manifest of a file: what collation checks it against, and the counts behind it."""
    conn = connect(path, readonly=True, passphrase=passphrase)
    try:
        inspection = conn.execute(
            "SELECT id, area, bank_id, bank_version, bank_hash, lead FROM inspection"
        ).fetchone()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        head = verify_history(conn).head if version >= 2 else None
        roles = dict(conn.execute("SELECT role, COUNT(*) FROM answers GROUP BY role").fetchall())
        manifest = {
            "format": MANIFEST_FORMAT,
            "inspection_id": inspection[0],
            "area": inspection[1],
            "lead": inspection[5],
            "inspectors": [
                i for (i,) in conn.execute("SELECT DISTINCT inspector FROM cases ORDER BY 1")
            ],
            "bank": {"id": inspection[2], "version": inspection[3], "hash": inspection[4]},
            "schema_version": version,
            "cases": conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0],
            "answers": sum(roles.values()),
            "answers_by_role": {
                "primary": roles.get("primary", 0),
                "second_read": roles.get("second_read", 0),
            },
            "history_rows": conn.execute("SELECT COUNT(*) FROM answer_history").fetchone()[0],
            "history_head": head,
        }
    finally:
        conn.close()
    manifest["bytes"] = path.stat().st_size
    manifest["sha256"] = sha256_of(path)
    manifest["exported_at"] = (clock or (lambda: datetime.now(UTC)))().isoformat(timespec="seconds")
    return manifest


def _write_json(target: Path, data: dict[str, Any], work: Path) -> None:
    staged = work / target.name
    fd = os.open(staged, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, target)
