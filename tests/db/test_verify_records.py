"""The lead's records are in the chain: a judgement, a band set or a ruling forged with sqlite3
is named by `audit-tui verify` (exit 1, one sentence naming the table and row) and refused by
collation, which leaves its output and inputs as they were."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from collate_files import Clock, collated_conflict, fingerprint, make_master
from old_schema import undo_record_chains, undo_record_heads
from typer.testing import CliRunner

from audit_tui.cli import app
from db.collation.collate import collate
from db.collation.moderation import resolve
from db.errors import StoreError
from db.file import record_chain
from db.file.bands import checked_bands
from db.file.store import InspectionStore

SOURCED = "HMI Probation's 2023 table"


def verify(path):
    return CliRunner().invoke(app, ["verify", str(path)])


@pytest.fixture
def lead_file(tmp_path):
    """The lead's file with two judgements, a case edit and a band set, made through the store."""
    (tmp_path / "lead").mkdir()
    path = make_master(tmp_path / "lead" / "lambeth.sqlite")
    with InspectionStore.open(path, clock=Clock(day=12)) as store:
        store.record_judgement(1, "Good", "Plans were sound.", by="AB")
        store.record_judgement(5, "Poor", "No workforce strategy.", by="AB")
        store.update_case("C003", changed_by="AB", rosh="high")
        labels = [b.label for b in sorted(store.bank.scoring.bands, key=lambda b: b.min)]
        bands = [
            {"label": labels[0], "min": 0, "max": 39},
            {"label": labels[1], "min": 40, "max": 59},
            {"label": labels[2], "min": 60, "max": 79},
            {"label": labels[3], "min": 80, "max": 100},
        ]
        store.set_bands(checked_bands(store.bank, bands, "bands"), SOURCED, "HMIP's", by="AB")
    return path


def forged(path, name, *statements):
    """A copy of `path` changed with raw sqlite3 by someone who knows the schema: a trigger
    dropped to make the change is put back as it was, so the file's schema still passes the
    gate every open goes through and only the chains can tell."""
    copy = path.parent / name
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    dropped = []
    for statement in statements:
        if statement.startswith("DROP TRIGGER "):
            name_ = statement.removeprefix("DROP TRIGGER ")
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name_,)
            ).fetchone()
            dropped.append(sql)
        conn.execute(statement)
    for sql in dropped:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return copy


def named_and_refused(bad, sentence):
    """`verify` names the forgery in `sentence` (exit 1) and collate refuses the file, leaving
    its folder as it was; verify's result."""
    result = verify(bad)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {bad}: {sentence}")
    refused_by_collate(bad, sentence)
    return result


def refused_by_collate(bad, sentence):
    out = bad.parent / "collated-from-forged.sqlite"
    before = fingerprint(bad.parent)
    with pytest.raises(StoreError) as refused:
        collate([bad], out)
    # the gate every open passes walks the judgements' and band sets' chains before collation's
    # own check of the rest of the lead's records
    assert sentence in str(refused.value) and str(refused.value).startswith(str(bad))
    assert not out.exists() and fingerprint(bad.parent) == before


def test_the_lead_s_records_verify(lead_file):
    result = verify(lead_file)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"ok: {lead_file}:")


def test_a_forged_judgement_is_named_by_verify_and_refused_by_collate(lead_file, tmp_path):
    bad = forged(
        lead_file,
        "forged-judgement.sqlite",
        "INSERT INTO judgements (theme, judgement, rationale, recorded_by, recorded_at, hash) "
        "VALUES (2, 'Outstanding', '=HYPERLINK(\"http://x\")', 'AB', '2015-03-13T09:00', "
        f"'{'0' * 64}')",
    )
    sentence = (
        "judgements row 3 (a judgement of theme 2 recorded 2015-03-13T09:00) does not fit its "
        "chain: it was inserted or edited outside audit-tui"
    )
    result = named_and_refused(bad, sentence)
    assert "HYPERLINK" not in result.output and "Outstanding" not in result.output


def test_an_edited_judgement_is_named(lead_file):
    bad = forged(
        lead_file,
        "edited.sqlite",
        "DROP TRIGGER judgements_no_update",
        "UPDATE judgements SET judgement = 'Outstanding' WHERE id = 1",
    )
    result = verify(bad)
    assert result.exit_code == 1
    assert "judgements row 1 (a judgement of theme 1 recorded 2015-03-12" in result.stderr


def test_a_deleted_judgement_is_named(lead_file):
    bad = forged(
        lead_file,
        "deleted.sqlite",
        "DROP TRIGGER judgements_no_delete",
        "DELETE FROM judgements WHERE id = 1",
    )
    result = verify(bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}: judgements row 1 before judgements row 2")


def test_a_forged_band_set_is_named_by_verify_and_refused_by_collate(lead_file, tmp_path):
    bad = forged(
        lead_file,
        "forged-bands.sqlite",
        "INSERT INTO band_sets (bands_json, source, set_by, set_at, reason, hash) VALUES ("
        '\'[{"label":"Poor","min":0,"max":9},{"label":"Unsatisfactory","min":10,"max":19},'
        '{"label":"Satisfactory","min":20,"max":29},{"label":"Good","min":30,"max":100}]\', '
        "'made up', 'AB', '2015-03-13T10:00', 'forged', 'not a hash')",
    )
    sentence = (
        "band_sets row 2 (a band set of 2015-03-13T10:00) does not fit its chain: it was "
        "inserted or edited outside audit-tui"
    )
    named_and_refused(bad, sentence)


@pytest.fixture
def moderated(tmp_path):
    """A collated file with a conflict on C001 A1, ruled on by AB."""
    out = collated_conflict(tmp_path, tmp_path / "collated.sqlite")
    with InspectionStore.open(out, clock=Clock(day=20)) as store:
        resolve(store, "C001", "A1", "yes", reason="The assessment covers it", moderator="AB")
    return out


def test_rulings_verify_and_survive_another_collation(moderated, tmp_path):
    assert verify(moderated).exit_code == 0
    again = tmp_path / "again.sqlite"
    collate([moderated], again)
    assert verify(again).exit_code == 0


def test_a_forged_ruling_is_named_by_verify_and_refused_by_collate(moderated, tmp_path):
    (tmp_path / "bad").mkdir()
    bad = forged(
        moderated,
        "bad/forged-ruling.sqlite",
        "INSERT INTO moderations (case_ref, question_id, role, kind, before_value, value, reason, "
        "moderator, at) VALUES ('C002', 'A1', 'primary', 'second_read', 'yes', 'no', 'forged', "
        "'AB', '2015-03-21T09:00')",
    )
    sentence = (
        "the ruling on the primary answer to A1 of case C002 (moderations) is not what its "
        "history records: it was inserted or changed outside audit-tui"
    )
    named_and_refused(bad, sentence)
    edited = forged(moderated, "bad/edited-ruling.sqlite", "UPDATE moderations SET reason = 'x'")
    assert "the ruling on the primary answer to A1 of case C001" in verify(edited).stderr


def test_a_file_of_schema_5_has_its_records_chained_when_opened(lead_file):
    conn = sqlite3.connect(lead_file)
    undo_record_chains(conn)
    conn.execute(
        "INSERT INTO judgements (theme, judgement, rationale, recorded_by, recorded_at) "
        "VALUES (2, 'Poor', 'Written before the chains', 'AB', '2015-03-14T09:00')"
    )
    conn.commit()
    conn.close()
    with InspectionStore.open(lead_file) as store:  # migrated: every row hashed in order
        assert store.recorded_judgements()[2].judgement == "Poor"
        assert store.verify_history().ok
        store.record_judgement(2, "Good", "Re-read", by="AB")
    assert verify(lead_file).exit_code == 0
    bad = forged(
        lead_file,
        "after.sqlite",
        "DROP TRIGGER band_sets_no_update",
        "UPDATE band_sets SET hash = NULL",
    )
    assert "band_sets row 1" in verify(bad).stderr


def test_a_hand_insert_without_its_hash_is_refused_at_once(lead_file):
    conn = sqlite3.connect(lead_file)
    with pytest.raises(sqlite3.IntegrityError, match="appended by db.file.record_chain"):
        conn.execute(
            "INSERT INTO judgements (theme, judgement, rationale, recorded_by, recorded_at) "
            "VALUES (2, 'Good', 'x', 'AB', '2015-03-14T09:00')"
        )
    conn.close()
    assert record_chain.CHAINS.keys() == {"judgements", "band_sets"}


def test_a_case_changed_by_hand_is_named_by_verify_and_refused_by_collate(lead_file):
    bad = forged(lead_file, "case.sqlite", "UPDATE cases SET rosh = 'low' WHERE case_ref = 'C003'")
    sentence = (
        "the details of case C003 (cases) are not what its history's edits record: they were "
        "changed outside audit-tui"
    )
    named_and_refused(bad, sentence)


def collate_cli(*args):
    return CliRunner().invoke(app, ["collate", *map(str, args)])


def record_heads(path):
    conn = sqlite3.connect(path)
    try:
        return dict(
            conn.execute("SELECT chain, last_id || ' ' || ifnull(head, '') FROM record_heads")
        )
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("deleted", "sentence"),
    [
        (
            "DELETE FROM judgements WHERE id = (SELECT max(id) FROM judgements)",
            "the last row of judgements (row 2) is missing: it was deleted outside audit-tui",
        ),
        (
            "DELETE FROM judgements",
            "the last 2 rows of judgements (rows 1 to 2) are missing: they were deleted outside "
            "audit-tui",
        ),
        (
            "DELETE FROM band_sets",  # the bank's provisional bands would silently be back
            "the last row of band_sets (row 1) is missing: it was deleted outside audit-tui",
        ),
    ],
)
def test_deleting_the_last_records_is_named_by_verify_and_refused_by_collate(
    lead_file, tmp_path, deleted, sentence
):
    table = deleted.split()[2]
    bad = forged(lead_file, "deleted-last.sqlite", f"DROP TRIGGER {table}_no_delete", deleted)
    before = fingerprint(bad.parent)
    result = verify(bad)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {bad}: {sentence}")
    assert "Traceback" not in result.output and "Plans were sound" not in result.output
    out = tmp_path / "collated.sqlite"
    refused = collate_cli(bad, "-o", out)
    assert refused.exit_code == 1 and refused.stderr.startswith(f"error: {bad}: {sentence}")
    assert not out.exists() and fingerprint(bad.parent) == before


@pytest.mark.parametrize(
    ("statement", "sentence"),
    [
        (
            "DELETE FROM record_heads WHERE chain = 'band_sets'",
            "record_heads has no row for band_sets, so its last row cannot be checked: it was "
            "deleted outside audit-tui",
        ),
        (
            "UPDATE record_heads SET head = 'edited' WHERE chain = 'judgements'",
            "judgements does not end at the row audit-tui last appended (record_heads says row "
            "2): it was changed outside audit-tui",
        ),
    ],
)
def test_the_record_of_the_last_rows_changed_by_hand_is_named(lead_file, statement, sentence):
    bad = forged(lead_file, "heads.sqlite", statement)
    result = verify(bad)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {bad}: {sentence}")


def test_two_coordinated_hand_edits_are_out_of_the_file_s_reach(lead_file):
    """As the docstring of db/file/record_chain.py says: the last row deleted and its record
    rewritten to match is a whole chain rewritten, which the file alone cannot tell."""
    bad = forged(
        lead_file,
        "coordinated.sqlite",
        "DROP TRIGGER judgements_no_delete",
        "DELETE FROM judgements WHERE id = 2",
        "UPDATE record_heads SET last_id = 1, head = (SELECT hash FROM judgements WHERE id = 1) "
        "WHERE chain = 'judgements'",
    )
    assert verify(bad).exit_code == 0


def test_a_migrated_file_and_a_collated_one_keep_their_last_rows_and_verify(lead_file, tmp_path):
    made_now = record_heads(lead_file)
    assert made_now.keys() == {"judgements", "band_sets"}
    conn = sqlite3.connect(lead_file)
    undo_record_heads(conn)  # a file of schema 6, its chains as they were
    conn.commit()
    conn.close()
    with InspectionStore.open(lead_file):  # migrated: the heads filled from the chains
        pass
    assert record_heads(lead_file) == made_now
    assert verify(lead_file).exit_code == 0
    with InspectionStore.open(lead_file, clock=Clock(day=13)) as store:
        store.record_judgement(2, "Poor", "No plans at all.", by="AB")
    out = tmp_path / "collated.sqlite"
    assert collate_cli(lead_file, "-o", out).exit_code == 0
    result = verify(out)
    assert result.exit_code == 0, result.output
    assert record_heads(out) == record_heads(lead_file)
    bad = forged(
        out,
        "collated-less-one.sqlite",
        "DROP TRIGGER judgements_no_delete",
        "DELETE FROM judgements WHERE id = 3",
    )
    assert verify(bad).stderr.startswith(f"error: {bad}: the last row of judgements (row 3)")
