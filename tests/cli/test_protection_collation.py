"""Collation week on encrypted files: split, export (also de-identified), collate, report."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from audit_tui.cli import app
from db.collation.export import SEALED_MANIFEST
from db.file.connection import is_encrypted

PASSPHRASE = "a long enough passphrase"
WITH_ENV = {"AUDIT_TUI_PASSPHRASE": PASSPHRASE}
SECRETS = (b"Plan ignored ETE", b"Disagree: assessment thin", b"C001", b"C002", b"C003")


def run(*args, env=None, input=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env, input=input)


@pytest.fixture
def encrypted(inspection, tmp_path):
    """The CLI fixture's inspection, encrypted in place with `audit-tui encrypt`."""
    assert run("encrypt", inspection, env=WITH_ENV).exit_code == 0
    return inspection


def test_split_collate_and_report_an_encrypted_inspection(encrypted, tmp_path):
    out = tmp_path / "handed-out"
    out.mkdir()
    result = run("split", encrypted, "--out", out, env=WITH_ENV)
    assert result.exit_code == 0, result.output
    parts = sorted(out.iterdir())
    assert [p.name for p in parts] == ["lambeth-JS.sqlite", "lambeth-KM.sqlite"]
    for part in parts:
        assert is_encrypted(part)
        assert not any(secret in part.read_bytes() for secret in SECRETS)
        assert run("verify", part, env=WITH_ENV).exit_code == 0
    collated = tmp_path / "collated.sqlite"
    result = run("collate", *parts, "-o", collated, env=WITH_ENV)
    assert result.exit_code == 0, result.output
    assert is_encrypted(collated), "encrypted inputs never make a plain output"
    assert run("verify", collated, env=WITH_ENV).exit_code == 0
    plain = run("cases", "list", encrypted, "--json", env=WITH_ENV).stdout
    assert run("cases", "list", collated, "--json", env=WITH_ENV).stdout == plain
    report = run("report", collated, "--format", "json", env=WITH_ENV)
    assert report.exit_code == 0 and report.stdout.lstrip().startswith("{")
    wrong = run(
        "collate", *parts, "-o", tmp_path / "again.sqlite", env={"AUDIT_TUI_PASSPHRASE": "x" * 9}
    )
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: the passphrase is wrong for ")
    assert not (tmp_path / "again.sqlite").exists()
    missing = run("collate", *parts, "-o", tmp_path / "again.sqlite")
    assert missing.exit_code == 1 and "needs a passphrase" in missing.stderr


def test_export_keeps_encryption_and_collation_checks_its_manifest(encrypted, tmp_path):
    exported = tmp_path / "export.sqlite"
    result = run("export", encrypted, "-o", exported, env=WITH_ENV)
    assert result.exit_code == 0, result.output
    assert "3 cases, 8 answers" in result.stdout  # told to whoever holds the passphrase
    assert is_encrypted(exported) and b"Plan ignored" not in exported.read_bytes()
    # the plain manifest beside it: how to check it, nothing of what is inside it
    manifest = json.loads((tmp_path / "export.sqlite.manifest.json").read_text())
    assert sorted(manifest) == sorted(SEALED_MANIFEST)
    assert manifest["encrypted"] is True and manifest["file"] == "export.sqlite"
    text = json.dumps(manifest)
    for inside in ("Lambeth", '"AB"', '"JS"', '"KM"', "cases", "answers", "history"):
        assert inside not in text, inside
    collated = tmp_path / "collated.sqlite"
    assert run("collate", exported, "-o", collated, env=WITH_ENV).exit_code == 0
    assert is_encrypted(collated)


def test_a_plain_file_exported_with_encrypt(inspection, tmp_path):
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE + "\n")
    phrase.chmod(0o600)
    exported = tmp_path / "sealed.sqlite"
    result = run("export", inspection, "-o", exported, "--encrypt", "--passphrase-file", phrase)
    assert result.exit_code == 0, result.output
    assert is_encrypted(exported) and not is_encrypted(inspection)
    sealed = json.loads((tmp_path / "sealed.sqlite.manifest.json").read_text())
    assert sorted(sealed) == sorted(SEALED_MANIFEST)
    opened = tmp_path / "open.sqlite"
    assert run("export", inspection, "-o", opened).exit_code == 0
    described = json.loads((tmp_path / "open.sqlite.manifest.json").read_text())
    assert (described["area"], described["cases"], described["encrypted"]) == ("Lambeth", 3, False)
    listed = run("cases", "list", exported, "--passphrase-file", phrase)
    assert listed.stdout == run("cases", "list", inspection).stdout
    out = tmp_path / "split"
    out.mkdir()
    assert (
        run("split", inspection, "--out", out, "--encrypt", "--passphrase-file", phrase).exit_code
        == 0
    )
    assert all(is_encrypted(p) for p in out.iterdir())


def test_a_deidentified_export_has_no_note_and_no_case_reference(encrypted, tmp_path):
    target = tmp_path / "for-analysts.sqlite"
    result = run("export", encrypted, "-o", target, "--deidentify", env=WITH_ENV)
    assert result.exit_code == 0, result.output
    assert "de-identified copy" in result.stdout and "no notes" in result.stdout
    data = target.read_bytes()
    assert data.startswith(b"SQLite format 3"), "made to leave the secure setting: not encrypted"
    for secret in (*SECRETS, b"black_caribbean", b"2014-07-01", b"looked_after"):
        assert secret not in data, secret
    conn = sqlite3.connect(target)
    codes = [code for (code,) in conn.execute("SELECT case_code FROM cases ORDER BY 1")]
    cut = conn.execute("SELECT value FROM about WHERE key = 'exported_in'").fetchone()[0]
    months = {m for (m,) in conn.execute("SELECT DISTINCT month FROM history")}
    conn.close()
    assert re.fullmatch(r"\d{4}-\d{2}", cut) and months == {cut}, "every date cut to the month"
    assert not re.search(rb"\d{4}-\d{2}-\d{2}", data), "no day anywhere in the copy"
    assert len(codes) == 3 and all(c.startswith("K") and len(c) == 9 for c in codes)
    sealed = tmp_path / "sealed.sqlite"
    result = run("export", encrypted, "-o", sealed, "--deidentify", "--encrypt", env=WITH_ENV)
    assert result.exit_code == 0 and is_encrypted(sealed)


def test_collation_refuses_an_input_whose_history_was_edited(inspection, tmp_path):
    tampered = tmp_path / "tampered.sqlite"
    shutil.copyfile(inspection, tampered)
    conn = sqlite3.connect(tampered)
    (trigger,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'answer_history_no_update'"
    ).fetchone()
    conn.execute("DROP TRIGGER answer_history_no_update")
    conn.execute("UPDATE answer_history SET new_value = 'yes' WHERE id = 3")
    conn.execute(trigger)  # put back, so only the chain can tell
    conn.commit()
    conn.close()
    result = run("collate", tampered, "-o", tmp_path / "collated.sqlite")
    assert result.exit_code == 1
    assert "fails the history check (history row 3" in result.stderr
    assert not (tmp_path / "collated.sqlite").exists()
