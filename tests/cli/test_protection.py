"""Encrypted files through every command, encrypt/decrypt, verify and backups, via the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from audit_tui.cli import app
from audit_tui.cli import passphrase as passphrases
from db.file.connection import is_encrypted
from db.protection.backup import list_backups

PASSPHRASE = "a long enough passphrase"
NOTES = (b"Plan ignored ETE", b"Disagree: assessment thin")


def run(*args, env=None, input=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env, input=input)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_beside(path):
    return sorted(p.name for p in path.parent.iterdir())


WITH_ENV = {"AUDIT_TUI_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def encrypted(tmp_path, csv_files, small_bank_file):
    """The CLI fixture's inspection, made encrypted with `new --encrypt` (passphrase from env)."""
    path = tmp_path / "secret" / "lambeth.inspection"
    path.parent.mkdir()
    cases, answers = csv_files
    for args in (
        ("new", path, "--area", "Lambeth", "--bank", small_bank_file, "--lead", "ab", "--encrypt"),
        ("cases", "import", path, cases),
        ("answers", "import", path, answers),
    ):
        result = run(*args, env=WITH_ENV)
        assert result.exit_code == 0, result.output
    return path


# Commands that read FILE: their output must be the same for the plain and the encrypted file.
READERS = [
    ("cases", "list", "{f}"),
    ("cases", "list", "{f}", "--json"),
    ("cases", "show", "{f}", "C002", "--json"),
    ("answers", "export", "{f}"),
    ("scores", "{f}", "--json"),
    ("scores", "{f}", "--by", "gender"),
]
# Commands that may write FILE, or only report on it.
OTHERS = [
    ("cases", "import", "{f}", "{more_cases}"),
    ("answers", "import", "{f}", "{answers}"),
    ("verify", "{f}"),
    ("backups", "{f}"),
]


def _args(template, path, tmp_path, csv_files):
    more_cases = tmp_path / "more.csv"
    if not more_cases.exists():
        lines = csv_files[0].read_text(encoding="utf-8").splitlines()
        more_cases.write_text(lines[0] + "\n" + lines[1].replace("C001", "C009") + "\n")
    names = {"f": path, "more_cases": more_cases, "answers": csv_files[1]}
    return [part.format(**names) for part in template]


def test_an_encrypted_file_has_no_header_and_no_answer_or_note_text(encrypted):
    data = encrypted.read_bytes()
    assert is_encrypted(encrypted) and not data.startswith(b"SQLite format 3")
    for text in (*NOTES, b"C001", b"C002", b"Lambeth", b"referral_order", b"black_caribbean"):
        assert text not in data, text


@pytest.mark.parametrize("how", ["env", "file"])
def test_every_command_reads_it_as_the_plain_file(
    how, encrypted, inspection, passphrase_file, tmp_path, csv_files
):
    def on_encrypted(template):
        args = _args(template, encrypted, tmp_path, csv_files)
        if how == "env":
            return run(*args, env=WITH_ENV)
        return run(*args, "--passphrase-file", passphrase_file)

    for template in READERS:
        plain = run(*_args(template, inspection, tmp_path, csv_files))
        secret = on_encrypted(template)
        assert secret.exit_code == 0, (template, secret.output)
        assert secret.stdout == plain.stdout.replace(str(inspection), str(encrypted)), template
    for template in OTHERS:
        result = on_encrypted(template)
        assert result.exit_code == 0, (template, result.output)
    assert is_encrypted(encrypted)


@pytest.mark.parametrize(
    "template", READERS[:1] + READERS[3:5] + OTHERS[:3] + [("backups", "{f}", "--restore", "1")]
)
def test_a_wrong_passphrase_is_one_sentence_and_changes_nothing(
    template, encrypted, tmp_path, csv_files
):
    before, beside = sha(encrypted), files_beside(encrypted)
    result = run(
        *_args(template, encrypted, tmp_path, csv_files),
        env={"AUDIT_TUI_PASSPHRASE": "not the passphrase"},
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    # One sentence naming the file (for a restore, the backup that did not open).
    where = encrypted
    if template[0] == "backups":
        where = list_backups(encrypted, _backups_root())[0].path
    assert result.stderr == (
        f"error: the passphrase is wrong for {where}; check it and try again "
        "(nothing was changed)\n"
    )
    assert "not the passphrase" not in result.output
    assert sha(encrypted) == before and files_beside(encrypted) == beside


def test_no_passphrase_and_no_terminal_says_how_to_give_one(encrypted):
    before = sha(encrypted)
    result = run("cases", "list", encrypted)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"error: {encrypted} needs a passphrase: give it with --passphrase-file or "
        "AUDIT_TUI_PASSPHRASE, or type it when asked in a terminal\n"
    )
    assert sha(encrypted) == before


def test_the_passphrase_is_asked_for_without_echo_on_a_terminal(encrypted, monkeypatch):
    monkeypatch.setattr(passphrases, "can_ask", lambda: True)
    result = run("cases", "list", encrypted, input=PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output
    assert result.stderr.startswith(f"Passphrase for {encrypted.name}:")
    assert "\ncase " in result.stdout and "C002" in result.stdout


def test_new_encrypt_asks_twice_and_wants_a_long_passphrase(tmp_path, monkeypatch, small_bank_file):
    monkeypatch.setattr(passphrases, "can_ask", lambda: True)
    path = tmp_path / "asked.inspection"
    base = ("new", path, "--area", "Leeds", "--bank", small_bank_file, "--encrypt")
    short = run(*base, input="short\nshort\n")
    assert short.exit_code == 1 and "needs at least 8 characters" in short.stderr
    assert not path.exists()
    result = run(*base, input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert "(encrypted)" in result.stderr and PASSPHRASE not in result.output
    assert is_encrypted(path)
    assert run("cases", "list", path, env=WITH_ENV).exit_code == 0


def test_passphrase_file_problems(encrypted, tmp_path):
    missing = run("cases", "list", encrypted, "--passphrase-file", tmp_path / "nowhere")
    assert missing.exit_code == 1 and "there is no passphrase file at" in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    result = run("cases", "list", encrypted, "--passphrase-file", empty)
    assert result.exit_code == 1 and "is empty" in result.stderr
    shared = tmp_path / "shared.txt"
    shared.write_text(PASSPHRASE)
    shared.chmod(0o644)
    result = run("cases", "list", encrypted, "--passphrase-file", shared)
    assert result.exit_code == 0 and "other users can read the passphrase file" in result.stderr


def test_encrypt_and_decrypt_a_file_through_the_cli(inspection, passphrase_file):
    listed = run("cases", "list", inspection).stdout
    run("scores", inspection)  # a read leaves no backup
    assert run("answers", "import", inspection, inspection.parent / "answers.csv").exit_code == 0
    assert run("backups", inspection, "--json").stdout.count('"encrypted": false') == 1
    result = run("encrypt", inspection, "--passphrase-file", passphrase_file)
    assert result.exit_code == 0, result.output
    assert "checked against the original" in result.stderr
    assert "removed 1 unencrypted backup" in result.stderr
    assert is_encrypted(inspection) and files_beside(inspection).count(inspection.name) == 1
    for text in NOTES:
        assert text not in inspection.read_bytes()
    [kept] = list_backups(inspection, _backups_root())
    assert kept.encrypted and NOTES[0] not in kept.path.read_bytes()
    assert run("cases", "list", inspection, env=WITH_ENV).stdout == listed
    again = run("encrypt", inspection, env=WITH_ENV)
    assert again.exit_code == 1 and "already encrypted" in again.stderr
    wrong = run("decrypt", inspection, env={"AUDIT_TUI_PASSPHRASE": "not the passphrase"})
    assert wrong.exit_code == 1 and "the passphrase is wrong" in wrong.stderr
    assert is_encrypted(inspection)
    result = run("decrypt", inspection, env=WITH_ENV)
    assert result.exit_code == 0, result.output
    assert not is_encrypted(inspection) and run("cases", "list", inspection).stdout == listed


def _backups_root():
    from audit_tui.locations import backups_dir

    return backups_dir()


def test_verify_passes_an_intact_chain_and_names_a_broken_one(inspection, tmp_path):
    result = run("verify", inspection)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {inspection}: ") and "chain intact" in result.stdout
    tampered = tmp_path / "tampered.inspection"
    shutil.copyfile(inspection, tampered)
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER answer_history_no_update")
    conn.execute("UPDATE answer_history SET new_value = 'no' WHERE id = 2")
    conn.commit()
    conn.close()
    result = run("verify", tampered)
    assert result.exit_code == 1 and "lacks part of the inspection schema" in result.stderr
    conn = sqlite3.connect(tampered)  # the trigger put back as it was: only the chain shows it
    conn.execute(
        "CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history "
        "BEGIN SELECT RAISE(ABORT, 'answer_history is append-only'); END"
    )
    conn.commit()
    conn.close()
    result = run("verify", tampered)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {tampered}: history row 2 (case ")
    assert "was edited after it was written" in result.stderr
    shown = json.loads(run("verify", tampered, "--json").stdout)
    assert (shown["ok"], shown["row"], shown["kind"]) == (False, 2, "edited")


def test_backups_are_listed_and_restored(inspection):
    # `cases import` in the fixture opened the file for writing: one backup, of the empty file.
    listed = run("backups", inspection)
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 2
    assert listed.stdout.splitlines()[1].split()[0] == "1"
    refused = run("backups", inspection, "--restore", "1", input="n\n")
    assert refused.exit_code == 1 and "nothing was restored" in refused.stderr
    assert "C001" in run("cases", "list", inspection).stdout
    result = run("backups", inspection, "--restore", "1", input="y\n")
    assert result.exit_code == 0, result.output
    assert (
        "restored backup 1" in result.stderr and "the file it replaced is kept as" in result.stderr
    )
    assert "no cases yet" in run("cases", "list", inspection).stderr
    assert len(json.loads(run("backups", inspection, "--json").stdout)) == 2
    # Restoring the one kept puts the cases and answers back, without asking.
    assert run("backups", inspection, "--restore", "1", "--yes").exit_code == 0
    assert "C002,A1,no,Disagree" in run("answers", "export", inspection).stdout
    missing = run("backups", inspection, "--restore", "9", "--yes")
    assert missing.exit_code == 1 and "there is no backup 9" in missing.stderr


def test_backups_of_a_missing_path_a_folder_or_garbage_say_so(tmp_path):
    nowhere = tmp_path / "nowhere.inspection"
    missing = run("backups", nowhere)
    assert missing.exit_code == 1
    assert missing.stderr == f"error: there is no inspection file at {nowhere}; check the path\n"
    folder = run("backups", tmp_path)
    assert folder.exit_code == 1 and "is a folder, not an inspection file" in folder.stderr
    garbage = tmp_path / "notes.inspection"
    garbage.write_text("case_ref,answer\nC001,yes\n", encoding="utf-8")
    result = run("backups", garbage)
    assert result.exit_code == 1 and "is not an SQLite file" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_backups_of_a_damaged_file_are_listed_then_what_is_wrong(inspection):
    inspection.write_text("a spreadsheet saved over it\n", encoding="utf-8")
    result = run("backups", inspection)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].split()[0] == "1"  # the backup is there to restore
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"error: {inspection} ") and f"backups {inspection} --restore N" in last
    assert run("backups", inspection, "--restore", "1", "--yes").exit_code == 0
    assert run("backups", inspection).exit_code == 0


def test_files_of_one_name_in_two_folders_have_their_own_backups(inspection, tmp_path):
    other = tmp_path / "elsewhere" / inspection.name
    other.parent.mkdir()
    shutil.copyfile(inspection, other)
    assert len(run("backups", inspection).stdout.splitlines()) == 2
    result = run("backups", other)
    assert result.exit_code == 0 and result.stdout == ""
    assert "no backups of" in result.stderr


def _damage_page(path, page):
    data = bytearray(path.read_bytes())
    data[4096 * page + 100 : 4096 * page + 200] = b"\0" * 100
    path.write_bytes(bytes(data))


def test_a_damaged_or_cut_short_encrypted_file_is_one_sentence_not_a_wrong_passphrase(
    encrypted, tmp_path
):
    damaged = tmp_path / "damaged.inspection"
    shutil.copyfile(encrypted, damaged)
    _damage_page(damaged, 3)
    result = run("scores", damaged, env=WITH_ENV)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"error: {damaged} is damaged (SQLite's check says: ")
    cut = tmp_path / "cut.inspection"
    data = encrypted.read_bytes()
    cut.write_bytes(data[: len(data) // 2 // 4096 * 4096])
    result = run("scores", cut, env=WITH_ENV)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert (
        result.stderr.startswith(f"error: {cut} is damaged") and "passphrase" not in result.stderr
    )


def test_backups_kept_by_name_alone_before_are_pointed_to_not_listed(inspection):
    """Earlier versions kept backups in backups/<stem>/ for every file of that name."""
    (root,) = [b.path.parent.parent for b in list_backups(inspection, _backups_root())]
    earlier = root / inspection.stem
    earlier.mkdir()
    shutil.copyfile(
        inspection, earlier / f"{inspection.stem}-20150316T090000000000Z-abcd1234.sqlite"
    )
    result = run("backups", inspection)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    assert f"are in {earlier}; they are not listed" in result.stderr
