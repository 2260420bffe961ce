"""Every command treats an inspection file as untrusted (#16): a file tampered with outside
audit-tui is refused in one sentence (or, where the command only lists around it, flagged)
before any row of it is read or written; nothing of it runs, no traceback, no stored value in
the output, the file byte for byte as it was and no -wal or -shm left beside it.

The tampering kinds are TAMPERS; each is a function making the tampered file from a good one,
and the words its refusal must carry. `backups FILE` lists the backups there are (restoring
one is the way out) and ends with the same sentence.

The forged judgement (#16 item 4) is a judgement row inserted by hand with a hash of the
forger's making (a row without one is refused by the table's own trigger): the judgements'
chain, walked by the gate, names it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import SMALL_BANK_FILE, run_sql
from typer.testing import CliRunner

from audit_tui.cli import app
from db.file.connection import open_cipher, quote_literal

PASSPHRASE = "a long enough passphrase"
# The stored value each tampering writes: it must never reach the terminal.
SECRET = "zzzsecretvalue"


def hand_added_trigger(path: Path) -> None:
    run_sql(
        path,
        "CREATE TRIGGER evil AFTER INSERT ON answers BEGIN "
        f"UPDATE answers SET value = 'yes', note = '{SECRET}'; END",
    )


def table_replaced_by_view(path: Path) -> None:
    run_sql(
        path,
        "ALTER TABLE answers RENAME TO answers_real",
        "CREATE VIEW answers AS SELECT case_ref, question_id, role, 'yes' AS value, "
        f"'{SECRET}' AS note, inspector, bank_version, answered_at FROM answers_real",
    )


def off_vocabulary_value(path: Path) -> None:
    run_sql(path, f"UPDATE cases SET disposal = '{SECRET}' WHERE case_ref = 'C002'")


def off_vocabulary_answer(path: Path) -> None:
    run_sql(
        path, f"UPDATE answers SET value = '{SECRET}' WHERE case_ref = 'C002' AND role = 'primary'"
    )


def forge_judgement(path: Path) -> None:
    """A judgement the lead never recorded, written by hand with a made-up hash."""
    run_sql(
        path,
        "INSERT INTO judgements (theme, judgement, rationale, recorded_by, recorded_at, hash) "
        f"VALUES (1, 'Outstanding', '=HYPERLINK(\"{SECRET}\")', 'AB', '2015-03-20T10:00:00', "
        f"'{'0' * 64}')",
    )


TAMPERS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "hand-added trigger": (hand_added_trigger, ("schema objects", "trigger evil")),
    "table replaced by a view": (table_replaced_by_view, ("schema objects", "view answers")),
    "off-vocabulary value": (off_vocabulary_value, ("case C002", "disposal")),
    "off-vocabulary answer": (off_vocabulary_answer, ("case C002", "answer to A")),
    "forged judgement": (forge_judgement, ("judgements row 1", "outside audit-tui")),
}


def encrypt_by_hand(path: Path) -> None:
    """Encrypt a file as anyone with SQLCipher could, bypassing audit-tui's checks."""
    target = path.with_name(path.name + ".enc")
    source = open_cipher(path)
    try:
        source.execute(
            f"ATTACH DATABASE {quote_literal(str(target))} AS target "
            f"KEY {quote_literal(PASSPHRASE)}"
        )
        source.execute("SELECT sqlcipher_export('target')")
        for pragma in ("user_version", "application_id"):
            (value,) = source.execute(f"PRAGMA main.{pragma}").fetchone()
            source.execute(f"PRAGMA target.{pragma} = {int(value)}")
        source.execute("DETACH DATABASE target")
    finally:
        source.close()
    target.replace(path)


# Every command that opens an inspection FILE: its arguments, and whether FILE is encrypted
# for it. `{...}` names are filled in by `_args`.
COMMANDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "scores": (("scores", "{f}"), False),
    "scores --by": (("scores", "{f}", "--by", "gender", "--json"), False),
    "summary": (("summary", "{f}"), False),
    "report": (("report", "{f}"), False),
    "report csv": (("report", "{f}", "-f", "csv", "-o", "{out}.csv"), False),
    "cases list": (("cases", "list", "{f}"), False),
    "cases list --json": (("cases", "list", "{f}", "--json"), False),
    "cases show": (("cases", "show", "{f}", "C002"), False),
    "cases import": (("cases", "import", "{f}", "{more_cases}"), False),
    "answers import": (("answers", "import", "{f}", "{answers}"), False),
    "answers export": (("answers", "export", "{f}"), False),
    "verify": (("verify", "{f}"), False),
    "export": (("export", "{f}", "-o", "{out}"), False),
    "export --deidentify": (("export", "{f}", "-o", "{out}", "--deidentify"), False),
    "encrypt": (("encrypt", "{f}", "--passphrase-file", "{passphrase}"), False),
    "decrypt": (("decrypt", "{f}", "--passphrase-file", "{passphrase}"), True),
    "scores, encrypted": (("scores", "{f}", "--passphrase-file", "{passphrase}"), True),
    "cases import, encrypted": (
        ("cases", "import", "{f}", "{more_cases}", "--passphrase-file", "{passphrase}"),
        True,
    ),
    "bands show": (("bands", "show", "{f}"), False),
    "bands set": (("bands", "set", "{f}", "{bands}", "--reason", "From the source"), False),
    "split": (("split", "{f}", "--out", "{outdir}"), False),
    "collate": (("collate", "{f}", "-o", "{collated}"), False),
    "open": (("open", "{f}"), False),
    "moderate": (("moderate", "{f}"), False),
}


def _args(template: tuple[str, ...], path: Path, tmp_path: Path) -> list[str]:
    more_cases = tmp_path / "more.csv"
    more_cases.write_text(
        "case_ref,inspector,case_manager_role,age,gender,ethnicity,disposal,status,start_date,"
        "rosh,vulnerability\nC009,JS,yos_officer,15,male,white_british,yro,current,2014-07-01,"
        "low,medium\n",
        encoding="utf-8",
    )
    answers = tmp_path / "more-answers.csv"
    answers.write_text("case_ref,question_id,answer\nC001,A1,no\n", encoding="utf-8")
    bands = tmp_path / "bands.yaml"
    bands.write_text(
        'source: "HMIP table 2"\nbands:\n  - {label: Poor, min: 0, max: 44}\n'
        "  - {label: Unsatisfactory, min: 45, max: 64}\n"
        "  - {label: Satisfactory, min: 65, max: 79}\n  - {label: Good, min: 80, max: 100}\n",
        encoding="utf-8",
    )
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(PASSPHRASE + "\n", encoding="utf-8")
    passphrase.chmod(0o600)
    names = {
        "f": path,
        "more_cases": more_cases,
        "answers": answers,
        "bands": bands,
        "passphrase": passphrase,
        "out": tmp_path / "out" / "result.sqlite",
        "outdir": tmp_path / "out" / "handed-out",
        "collated": tmp_path / "out" / "collated.sqlite",
    }
    (tmp_path / "out").mkdir(exist_ok=True)
    return [part.format(**names) for part in template]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


@pytest.fixture
def good_file(tmp_path, csv_files):
    """The CLI fixture's inspection, in a folder of its own."""
    path = tmp_path / "file" / "lambeth.inspection"
    path.parent.mkdir()
    cases, answers = csv_files
    for args in (
        ("new", path, "--area", "Lambeth", "--bank", SMALL_BANK_FILE, "--lead", "ab"),
        ("cases", "import", path, cases),
        ("answers", "import", path, answers),
    ):
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("tamper", TAMPERS)
def test_a_tampered_file_is_refused_by_every_command(good_file, tmp_path, tamper, command):
    make, words = TAMPERS[tamper]
    template, encrypted = COMMANDS[command]
    make(good_file)
    if encrypted:
        encrypt_by_hand(good_file)
    before, around = digest(good_file), beside(good_file)
    result = CliRunner().invoke(
        app, _args(template, good_file, tmp_path), env={"AUDIT_TUI_PASSPHRASE": None}
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and SECRET not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert digest(good_file) == before
    assert beside(good_file) == around == [good_file.name]
    assert result.exit_code == 1, output
    sentence = result.stderr.strip().splitlines()[-1]
    assert sentence.startswith("error: ") and str(good_file) in sentence, output
    assert all(word in sentence for word in words), sentence


@pytest.mark.parametrize("tamper", TAMPERS)
def test_backups_of_a_tampered_file_are_listed_with_what_is_wrong(good_file, tamper):
    make, words = TAMPERS[tamper]
    make(good_file)
    before = digest(good_file)
    result = CliRunner().invoke(app, ["backups", str(good_file)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    assert all(word in result.stderr for word in words), result.stderr
    assert digest(good_file) == before and beside(good_file) == [good_file.name]


def test_a_hand_added_trigger_never_runs_on_import(good_file, tmp_path):
    """The attack of #16 item 2: before the gate, every answer became 'yes' with the note."""
    hand_added_trigger(good_file)
    (answers,) = [a for a in _args(("{answers}",), good_file, tmp_path)]
    CliRunner().invoke(app, ["answers", "import", str(good_file), answers])
    conn = sqlite3.connect(good_file)
    try:
        notes = [n for (n,) in conn.execute("SELECT note FROM answers")]
    finally:
        conn.close()
    assert SECRET not in notes


def test_a_good_file_passes_every_reader_and_leaves_nothing_beside_it(good_file, tmp_path):
    before = digest(good_file)
    readers = ("scores", "summary", "report", "report csv", "cases list", "cases show")
    for name in (*readers, "answers export", "bands show", "export", "split", "collate"):
        template, _ = COMMANDS[name]
        result = CliRunner().invoke(app, _args(template, good_file, tmp_path))
        assert result.exit_code == 0, (name, result.output)
        assert beside(good_file) == [good_file.name], name
    assert CliRunner().invoke(app, ["verify", str(good_file)]).exit_code == 0
    assert digest(good_file) == before and beside(good_file) == [good_file.name]


def test_the_good_files_own_encrypted_copy_leaves_nothing_beside_it(good_file, tmp_path):
    encrypt_by_hand(good_file)
    before = digest(good_file)
    template, _ = COMMANDS["scores, encrypted"]
    result = CliRunner().invoke(app, _args(template, good_file, tmp_path))
    assert result.exit_code == 0, result.output
    assert digest(good_file) == before and beside(good_file) == [good_file.name]


def test_an_export_holds_exactly_our_schema(good_file, tmp_path):
    from db.file.checks import schema_digest, schema_of
    from db.file.file_format import SCHEMA_DIGESTS, SCHEMA_VERSION

    out = tmp_path / "out" / "clean.sqlite"
    out.parent.mkdir()
    assert CliRunner().invoke(app, ["export", str(good_file), "-o", str(out)]).exit_code == 0
    conn = sqlite3.connect(out)
    try:
        assert schema_digest(schema_of(conn)) == SCHEMA_DIGESTS[SCHEMA_VERSION]
    finally:
        conn.close()
