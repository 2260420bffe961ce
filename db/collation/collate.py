"""Collation: inspector files of one inspection merged into one inspection file.

`collate(inputs, out)` checks every input (db.collation.inputs: read-only private copies, exact
schema, integrity, inspection id, bank hash, history chain, manifest), refuses the first bad one
with one sentence naming it, and otherwise builds the merge (db.collation.build, by the rules of
db.collation.merge) in a new file beside OUT that replaces OUT only once it is complete. An
existing OUT must be an inspection file of the same inspection: it is merged in as one more
input, so collating again with more files adds to it. Inputs are never written; on a refusal
OUT is neither created nor changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.collation.build import build
from db.collation.input_facts import read_facts
from db.collation.inputs import CheckedInput, check_inputs
from db.collation.merge import SourceCounts
from db.errors import StoreError
from db.file.connection import connect
from question_bank.phrasing import counted


@dataclass(frozen=True)
class InputSummary:
    """What one input brought to the collated file."""

    path: str
    existing_output: bool
    counts: SourceCounts
    base: bool = False  # the lead's inspection file (`--base`)

    def sentence(self) -> str:
        c = self.counts
        if self.existing_output:
            return (
                f"{self.path} (the existing output): {c.cases_new} cases, "
                f"{c.answers_taken + c.answers_conflicting} answers, {c.history_taken} history "
                f"rows{self._records()}"
            )
        label = f"{self.path} (the lead's file)" if self.base else self.path
        conflicts = f", {c.answers_conflicting} in conflict" if c.answers_conflicting else ""
        superseded = (
            f", {c.answers_superseded} changed since in another file"
            if c.answers_superseded
            else ""
        )
        # Every case an input holds is in OUT: its record taken from this input or from another
        # that holds it too (the lead's file and a split file hold the same cases), whatever
        # the order of the lines.
        cases = c.cases_new + c.cases_known
        return (
            f"{label}: {cases} cases ({c.cases_new} taken from it, {c.cases_known} from another "
            f"file); answers {c.answers_taken} taken, {c.answers_known} already there"
            f"{conflicts}{superseded}; history {c.history_taken} taken, {c.history_known} "
            f"already there{self._records()}"
        )

    def _records(self) -> str:
        """The lead's records it brought, when it holds any."""
        c, said = self.counts, []
        for what, taken, known in (
            ("judgements", c.judgements_taken, c.judgements_known),
            ("band sets", c.band_sets_taken, c.band_sets_known),
        ):
            if taken or known:
                said.append(f"{what} {taken} taken, {known} already there")
        return "".join(f"; {s}" for s in said)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "existing_output": self.existing_output,
            "base": self.base,
        } | vars(self.counts)


@dataclass(frozen=True)
class CollationSummary:
    """Where the collated file went, what it holds and what each input brought."""

    out: Path
    inputs: list[InputSummary]
    cases: int
    answers: int
    second_reads: int
    history: int
    conflicts: int
    conflict_keys: list[tuple[str, str, str]]
    judgements: int = 0  # rows of the lead's judgements the collated file holds
    band_sets: int = 0
    not_taken: list[str] = field(default_factory=list)  # what an input held that OUT could not

    def lines(self) -> list[str]:
        given = [i for i in self.inputs if not i.existing_output and not i.base]
        into = "the existing " if any(i.existing_output for i in self.inputs) else ""
        lead = " and the lead's file" if any(i.base for i in self.inputs) else ""
        head = (
            f"collated {len(given)} file{'s' if len(given) != 1 else ''}{lead} into {into}"
            f"{self.out}: {counted(self.cases, 'case')}, {counted(self.answers, 'answer')} "
            f"({counted(self.second_reads, 'second read')}), "
            f"{counted(self.history, 'history row')}"
        )
        if self.conflicts:
            head += (
                f"; {self.conflicts} UNRESOLVED CONFLICT{'S' if self.conflicts != 1 else ''} "
                "(both answers kept): moderate them with `audit-tui moderate`"
            )
        if self.judgements or self.band_sets:
            head += (
                f"; the lead's {counted(self.judgements, 'judgement')} and "
                f"{counted(self.band_sets, 'band set')}"
            )
        return [
            head,
            *(f"  {i.sentence()}" for i in self.inputs),
            *(f"  not taken as held: {sentence}" for sentence in self.not_taken),
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "cases": self.cases,
            "answers": self.answers,
            "second_reads": self.second_reads,
            "history": self.history,
            "conflicts": self.conflicts,
            "conflict_keys": [list(k) for k in self.conflict_keys],
            "judgements": self.judgements,
            "band_sets": self.band_sets,
            "not_taken": self.not_taken,
            "inputs": [i.as_dict() for i in self.inputs],
        }


WORK_PREFIX = ".audit-tui-"
# A private folder none of whose files changed for this long was left by a collation or split
# that was killed: one still running writes to its folder all the time.
STALE_WORK = 3600.0


@contextmanager
def workspace(beside: Path) -> Iterator[Path]:
    """A private folder beside the output for input copies and the file being built; the
    folders that killed runs left there are removed first."""
    folder = beside.parent
    if not folder.is_dir():
        raise StoreError(f"the folder {folder} does not exist; create it first")
    remove_stale_workspaces(folder)
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_stale_workspaces(folder: Path) -> None:
    """Remove the private folders (mkdtemp's: the prefix and 8 characters) whose newest file
    is more than STALE_WORK seconds old. They hold copies of inputs, the file being built and
    its scratch files; a killed run cannot remove its own."""
    now = time.time()
    for work in folder.glob(WORK_PREFIX + "?" * 8):
        with contextlib.suppress(OSError):
            if not work.is_dir() or work.is_symlink():
                continue
            newest = max([work.lstat().st_mtime, *(p.lstat().st_mtime for p in work.iterdir())])
            if now - newest > STALE_WORK:
                shutil.rmtree(work, ignore_errors=True)


def collate(
    inputs: Sequence[Path | str],
    out: Path | str,
    *,
    base: Path | str | None = None,
    passphrase: str | None = None,
) -> CollationSummary:
    """Merge inspector files of one inspection into OUT (merged into, when it exists).

    `base` is the lead's inspection file, merged in as one more input: the judgements, band
    sets, case detail edits and reopen reasons recorded there, which the split files do not
    hold, come along. Collation stamps nothing of its own: the result depends on the inputs
    only. Encrypted inputs are read with `passphrase`; when any input (or OUT) is encrypted, so
    is OUT.
    """
    out = Path(out)
    paths = [Path(p) for p in inputs]
    lead = Path(base) if base is not None else None
    if not paths and lead is None:
        raise StoreError("give at least one inspection file to collate")
    for path in [*paths, *([lead] if lead else [])]:
        if out.exists() and path.exists() and os.path.samefile(path, out):
            raise StoreError(
                f"{out} is both an input and the output; inputs are never written, "
                "so choose a new output file"
            )
        if (
            lead
            and path is not lead
            and path.exists()
            and lead.exists()
            and os.path.samefile(path, lead)
        ):
            raise StoreError(
                f"{path} is given both as --base and as an input; give the lead's file once"
            )
    with workspace(out) as work:
        existing = out.exists()
        jobs = [(index, path) for index, path in enumerate(paths, start=2)]
        if lead is not None:
            jobs.insert(0, (1, lead))
        if existing:
            jobs.insert(0, (0, out))
        checked = check_inputs(jobs, work, passphrase, read_facts)
        same_inspection(checked)
        target = work / "collated.sqlite"
        key = passphrase if any(c.passphrase for c in checked) else None
        report = build(checked, target, passphrase=key)
        finish(target, out, passphrase=key)
    summaries = [
        InputSummary(
            str(c.path),
            existing and i == 0,
            report.counts[i],
            base=lead is not None and i == int(existing),
        )
        for i, c in enumerate(checked)
    ]
    return CollationSummary(
        out=out,
        inputs=summaries,
        cases=report.cases,
        answers=report.answers,
        second_reads=report.second_reads,
        history=report.history,
        conflicts=report.conflicts,
        conflict_keys=report.conflict_keys,
        judgements=report.judgements,
        band_sets=report.band_sets,
        not_taken=report.not_taken,
    )


def same_inspection(checked: Sequence[CheckedInput]) -> None:
    """Refuse files of two inspections, or of one inspection answered under two banks (or two
    modules of one bank: its sixth theme differs, say so plainly)."""
    first = checked[0]
    for other in checked[1:]:
        if other.inspection.id != first.inspection.id:
            raise StoreError(
                f"{other.path} is another inspection ({other.inspection.area}, "
                f"{other.inspection.id[:8]}) than {first.path} ({first.inspection.area}, "
                f"{first.inspection.id[:8]}); collate the files of one inspection only"
            )
        if (other.bank.id, other.bank.version) == (first.bank.id, first.bank.version) and (
            other.bank.module != first.bank.module
        ):
            raise StoreError(
                f"{other.path} was made with the {module_name(other.bank.module)} module of bank "
                f"{other.bank.id} and {first.path} with the {module_name(first.bank.module)} "
                "module; files of different modules are never merged, so collate the files "
                "made for one module only"
            )
        if other.bank.content_hash != first.bank.content_hash:
            raise StoreError(
                f"{other.path} was answered under bank {other.bank.id} v{other.bank.version} "
                f"({other.bank.content_hash[:12]}) and {first.path} under {first.bank.id} "
                f"v{first.bank.version} ({first.bank.content_hash[:12]}); files answered under "
                "different banks are never merged"
            )


def module_name(module: str | None) -> str:
    return "no" if module is None else repr(module)


def finish(target: Path, out: Path, *, passphrase: str | None = None) -> None:
    """Make the built file self-contained (no -wal), flush it, and move it onto OUT."""
    conn = connect(target, passphrase=passphrase)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm"):
        # A stale log beside the old OUT would be replayed into the new file.
        out.with_name(out.name + suffix).unlink(missing_ok=True)
    os.replace(target, out)
    try:
        folder = os.open(out.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def content_of(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of an inspection file, table by table in a fixed order (for comparing files).

    `_sqlite_migrations` is left out: sqlite-utils stamps it with the time a file was made.
    """
    conn = connect(Path(path), readonly=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        content = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            order = ", ".join(f"{c} IS NULL, {c}" for c in columns)
            content[table] = conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            ).fetchall()
        return content
    finally:
        conn.close()
