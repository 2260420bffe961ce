"""Every kind of bad inspection file is refused in one sentence and left byte for byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from factories import run_sql

from db.errors import StoreError
from db.file.schema import SCHEMA_VERSION
from db.file.store import InspectionStore

PAGE = 4096


def _copy(good: Path, name: str) -> Path:
    bad = good.with_name(name)
    shutil.copyfile(good, bad)
    return bad


def make_missing(good: Path) -> Path:
    return good.with_name("nowhere.inspection")


def make_empty(good: Path) -> Path:
    bad = good.with_name("empty.inspection")
    bad.write_bytes(b"")
    return bad


def make_not_sqlite(good: Path) -> Path:
    bad = good.with_name("notes.inspection")
    bad.write_text("case_ref,answer\nC001,yes\n" * 20, encoding="utf-8")
    return bad


def make_truncated(good: Path) -> Path:
    bad = good.with_name("truncated.inspection")
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) // 2 // PAGE * PAGE])
    return bad


def make_corrupt(good: Path) -> Path:
    bad = _copy(good, "corrupt.inspection")
    conn = sqlite3.connect(bad)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases'").fetchone()
    conn.close()
    data = bytearray(bad.read_bytes())
    data[(root - 1) * PAGE : (root - 1) * PAGE + 12] = b"\xff" * 12  # the b-tree page header
    bad.write_bytes(bytes(data))
    return bad


def make_foreign(good: Path) -> Path:
    bad = good.with_name("recipes.sqlite")
    run_sql(
        bad,
        "CREATE TABLE recipes (name TEXT, serves INTEGER)",
        "INSERT INTO recipes VALUES ('soup', 4)",
    )
    return bad


def make_newer(good: Path) -> Path:
    bad = _copy(good, "newer.inspection")
    run_sql(bad, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    return bad


def make_bank_mismatch(good: Path) -> Path:
    bad = _copy(good, "edited.inspection")
    run_sql(bad, "UPDATE bank SET canonical_json = replace(canonical_json, 'Planning', 'Plans')")
    return bad


BAD_FILES = {
    "missing": (make_missing, "there is no inspection file at"),
    "empty": (make_empty, "is empty, not an inspection file"),
    "not_sqlite": (make_not_sqlite, "is not an SQLite file, so not an inspection file"),
    "truncated": (make_truncated, "is truncated"),
    "corrupt": (make_corrupt, "is damaged (SQLite says: database disk image is malformed)"),
    "foreign": (make_foreign, "is an SQLite database but not an inspection file"),
    "newer": (
        make_newer,
        f"was written by a newer audit-tui (schema {SCHEMA_VERSION + 1}; this one reads up to "
        f"{SCHEMA_VERSION})",
    ),
    "bank_mismatch": (make_bank_mismatch, "does not match its recorded hash"),
}

COMMANDS = {
    "cases list": lambda f, csvs: ("cases", "list", f),
    "cases show": lambda f, csvs: ("cases", "show", f, "C001", "--json"),
    "cases import": lambda f, csvs: ("cases", "import", f, csvs[0]),
    "answers import": lambda f, csvs: ("answers", "import", f, csvs[1]),
    "answers export": lambda f, csvs: ("answers", "export", f),
    "scores": lambda f, csvs: ("scores", f, "--by", "gender"),
}


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.mark.parametrize("kind", BAD_FILES)
def test_store_refuses_bad_file_without_touching_it(inspection, kind):
    make, message = BAD_FILES[kind]
    bad = make(inspection)
    before = digest(bad)
    for readonly in (True, False):
        with pytest.raises(StoreError, match=None) as refused:
            InspectionStore.open(bad, readonly=readonly)
        assert message in str(refused.value)
        assert str(bad) in str(refused.value)
        assert digest(bad) == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", BAD_FILES)
def test_cli_refuses_bad_file_in_one_sentence(cli, inspection, csv_files, kind, command):
    make, message = BAD_FILES[kind]
    bad = make(inspection)
    before = digest(bad)
    inputs = {p: digest(p) for p in csv_files}
    result = cli(*COMMANDS[command](bad, csv_files))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.output
    assert digest(bad) == before
    assert {p: digest(p) for p in csv_files} == inputs


def test_good_file_still_opens(inspection):
    with InspectionStore.open(inspection, readonly=True) as store:
        assert len(store.cases()) == 3


def test_split_leaves_no_folder_behind_when_it_refuses(cli, tmp_path):
    bad = make_not_sqlite(tmp_path / "lambeth.inspection")
    out = tmp_path / "handed-out"
    result = cli("split", bad, "--out", out)
    assert result.exit_code == 1 and "is not an SQLite file" in result.stderr
    assert not out.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    assert cli("split", bad, "--out", kept).exit_code == 1
    assert kept.is_dir()  # a folder the user made stays


@pytest.mark.parametrize("which", ["FILE", "CSV"])
def test_an_unreadable_input_is_one_sentence_not_a_usage_box(
    cli, inspection, csv_files, which, monkeypatch
):
    import os

    unreadable = inspection if which == "FILE" else csv_files[1]
    unreadable.chmod(0)
    if os.geteuid() == 0:
        # root reads any file: what click asks the system says otherwise, as for a user.
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode, **kw: str(p) != str(unreadable) and real_access(p, mode)
        )
    result = cli("answers", "import", inspection, csv_files[1])
    unreadable.chmod(0o600)
    assert result.exit_code != 2 and "Usage:" not in result.output, result.output
    assert "Traceback" not in result.output
    if os.geteuid() != 0:
        assert result.exit_code == 1 and "cannot be read (Permission denied)" in result.stderr


def test_answers_import_names_the_line_of_a_row_with_extra_cells(cli, inspection, tmp_path):
    bad = tmp_path / "extra.csv"
    bad.write_text("case_ref,question_id,answer\nC001,A1,no\nC002,A1,yes,oops\n", encoding="utf-8")
    before = digest(inspection)
    result = cli("answers", "import", inspection, bad)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: line 3, column -: has 4 cells, the header has 3",
        "error: 1 row of extra.csv is wrong, so nothing was imported; correct it and import again",
    ]
    assert digest(inspection) == before
