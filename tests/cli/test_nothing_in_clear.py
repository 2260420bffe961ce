"""Nothing of an encrypted inspection reaches the disk in clear: not while split and collate
work, not after them, not after a kill -9 in the middle.

Every file under the test's folders (outputs, the private work folders beside them, the
temporary folder SQLite would use) is read byte by byte for a known note text and case
reference. The kills land at hook points reached by a real `audit-tui` process: after
every input was checked (its private copies made), inside the new file's transaction, and once
the new file is built, before it replaces OUT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from factories import SMALL_BANK_FILE
from typer.testing import CliRunner

from audit_tui.cli import app
from db.file.connection import is_encrypted

PASSPHRASE = "a long enough passphrase"
NOTE = "Marmalade kestrel never got the referral"
CASE_REF = "QUOKKA-77315"
OTHER_REF = "WOMBAT-11942"
SECRETS = (NOTE.encode(), CASE_REF.encode(), OTHER_REF.encode(), b"Marmalade kestrel")

CASES = (
    "case_ref,inspector,case_manager_role,age,gender,ethnicity,disposal,status,start_date,"
    "end_date,rosh,vulnerability,looked_after,child_protection_plan,mappa,transferred,"
    "victim_identified,psr_prepared\n"
    f"{CASE_REF},JS,yos_officer,15,male,white_british,referral_order,current,2014-07-01,,low,"
    "medium,no,no,no,no,yes,no\n"
    f"{OTHER_REF},KM,social_worker,17,male,black_caribbean,dto,terminated,2014-06-01,"
    "2014-12-01,high,high,yes,no,no,no,yes,yes\n"
)
ANSWERS = (
    "case_ref,question_id,answer,note,inspector,role\n"
    f'{CASE_REF},A1,yes,"{NOTE}",JS,primary\n'
    f'{CASE_REF},A2,no,"{NOTE}, twice",JS,primary\n'
    f'{OTHER_REF},A1,no,"{NOTE} for {OTHER_REF}",KM,primary\n'
    f'{OTHER_REF},A1,yes,"{NOTE} (second read)",JS,second_read\n'
)

# Runs `audit-tui ARGS` but stops at HOOK (a function of MODULE the command calls), says so on
# stdout and waits there for ever: the test reads the disk meanwhile, then kills it.
HELD = """
import importlib, sys, threading
module, hook, *args = sys.argv[1:]

def held(*_args, **_kwargs):
    print("held", flush=True)
    threading.Event().wait()

setattr(importlib.import_module(module), hook, held)
from audit_tui.cli import app
app(args=args, prog_name="audit-tui")
"""


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def sealed(tmp_path, tmp_path_factory, monkeypatch):
    """An encrypted inspection holding NOTE and the two case references, nothing else in
    tmp_path in clear (its CSVs are made elsewhere)."""
    monkeypatch.setenv("AUDIT_TUI_PASSPHRASE", PASSPHRASE)
    sources = tmp_path_factory.mktemp("csv")
    (sources / "cases.csv").write_text(CASES, encoding="utf-8")
    (sources / "answers.csv").write_text(ANSWERS, encoding="utf-8")
    path = tmp_path / "lambeth.sqlite"
    for args in (
        ("new", path, "--area", "Lambeth", "--bank", SMALL_BANK_FILE, "--lead", "AB", "--encrypt"),
        ("cases", "import", path, sources / "cases.csv"),
        ("answers", "import", path, sources / "answers.csv"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert is_encrypted(path)
    shown = run("cases", "show", path, CASE_REF)
    assert NOTE in shown.stdout, "the secrets are in the file, to be looked for"
    return path


def readable(folder: Path) -> list[str]:
    """Every file under `folder` holding a secret in its bytes (none must)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {s.decode()}" for s in SECRETS if s in data]
    return found


def scratch(folder: Path) -> list[Path]:
    """The private work folders collation and split leave when killed."""
    return sorted(folder.rglob(".audit-tui-*"))


def held_run(hook: str, args: list[object], tmp_path: Path) -> subprocess.Popen[str]:
    """`audit-tui ARGS` in a process of its own, stopped at HOOK ("module:function") once it
    got there."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = os.environ | {"TMPDIR": str(temp), "SQLITE_TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD, *hook.split(":"), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line != "held\n":
        proc.wait()
        assert proc.stderr is not None
        raise AssertionError(f"never reached {hook}: {line!r} {proc.stderr.read()}")
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("hook", ["build", "finish"])
def test_a_split_of_an_encrypted_file_killed_midway_leaves_nothing_readable(sealed, tmp_path, hook):
    out = tmp_path / "handed-out"
    proc = held_run(f"db.collation.export:{hook}", ["split", sealed, "--out", out], tmp_path)
    try:
        (work,) = scratch(out)
        assert sorted(p.name for p in work.glob("input-*.sqlite")) == ["input-0000.sqlite"]
        assert readable(tmp_path) == [], "while the split works"
    finally:
        kill(proc)
    assert scratch(out) == [work], "a kill -9 leaves the work folder behind"
    assert readable(tmp_path) == [], "after the kill"


@pytest.mark.parametrize(
    "hook",
    [
        "db.collation.collate:build",  # every input checked, its copy made
        "db.collation.build:write_rows",  # inside the new file's transaction
        "db.collation.collate:finish",  # the new file built, not yet OUT
    ],
)
def test_a_collation_of_encrypted_files_killed_midway_leaves_nothing_readable(
    sealed, tmp_path, hook
):
    parts = tmp_path / "handed-out"
    assert run("split", sealed, "--out", parts).exit_code == 0
    inputs = sorted(parts.glob("*.sqlite"))
    collated = tmp_path / "collated" / "inspection.sqlite"
    collated.parent.mkdir()
    # OUT exists: it is merged in as one more input (input-0000), a copy like the others
    assert run("collate", inputs[0], "-o", collated).exit_code == 0
    proc = held_run(hook, ["collate", *inputs, "-o", collated], tmp_path)
    try:
        (work,) = scratch(collated.parent)
        copies = sorted(p.name for p in work.glob("input-*.sqlite"))
        assert len(copies) == 3, copies  # OUT and the two hand-ins, however numbered
        if not hook.endswith(":build"):
            assert (work / "collated.sqlite").stat().st_size > 0
        assert readable(tmp_path) == [], "while the collation works"
    finally:
        kill(proc)
    assert scratch(collated.parent) == [work], "a kill -9 leaves the work folder behind"
    assert readable(tmp_path) == [], "after the kill"


def test_split_and_collate_of_encrypted_files_leave_nothing_readable(sealed, tmp_path):
    parts = tmp_path / "handed-out"
    result = run("split", sealed, "--out", parts)
    assert result.exit_code == 0, result.output
    inputs = sorted(parts.glob("*.sqlite"))
    assert [p.name for p in inputs] == ["lambeth-JS.sqlite", "lambeth-KM.sqlite"]
    collated = tmp_path / "collated.sqlite"
    result = run("collate", *inputs, "-o", collated)
    assert result.exit_code == 0, result.output
    assert run("collate", *inputs, "-o", collated).exit_code == 0  # into the existing OUT
    assert run("export", collated, "-o", tmp_path / "export.sqlite").exit_code == 0
    assert all(is_encrypted(p) for p in [*inputs, collated, tmp_path / "export.sqlite"])
    assert NOTE in run("cases", "show", collated, CASE_REF).stdout
    assert scratch(tmp_path) == []
    assert readable(tmp_path) == []


def test_encrypting_a_file_killed_once_it_is_replaced_leaves_nothing_readable(sealed, tmp_path):
    plain = tmp_path / "plain.sqlite"
    assert run("decrypt", sealed).exit_code == 0
    sealed.rename(plain)
    assert NOTE.encode() in plain.read_bytes(), "the secrets are there to be looked for"
    # held just after the encrypted copy took FILE's place, before the kept copy is removed
    proc = held_run("db.protection.crypto:sync_folder", ["encrypt", plain], tmp_path)
    try:
        assert is_encrypted(plain)
        kept = sorted(p.name for p in tmp_path.glob("plain.sqlite.bak-*"))
        assert len(kept) == 1
        assert readable(tmp_path) == [], "while the encrypted file is checked"
    finally:
        kill(proc)
    assert readable(tmp_path) == [], "after the kill"
