"""The fast walk of the chain agrees with the walk that names rows; hashes never move."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.file import history_chain
from db.file.history_chain import _verify_slowly, verify_history

NOTE = 'Told him "no" \\ twice\n\tthen\x00\x1f\x7f \u2028 é 漢 🙂'

# Text, numbers and nothing: what an untrusted file can hold in a chained column.
values = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=0x7F)),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
)


@given(st.lists(values, min_size=11, max_size=11))
def test_the_canonical_form_is_json_dumps_exactly(fields):
    expected = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert history_chain.canonical(fields) == expected
    assert history_chain.canonical(tuple(fields)) == expected
    previous = "0" * 64
    assert (
        history_chain.row_hash(previous, fields)
        == history_chain.hashlib.sha256(f"{previous}\n{expected}".encode()).hexdigest()
    )


@given(st.lists(values, min_size=11, max_size=11))
def test_sqlite_spells_a_stored_row_as_its_canonical_form(fields):
    """What SQL stores in the chained (TEXT) columns, json_array spells as canonical does."""
    conn = sqlite3.connect(":memory:")
    try:
        columns = ", ".join(f"{name} TEXT" for name in history_chain.CHAINED_FIELDS)
        conn.execute(f"CREATE TABLE answer_history ({columns})")
        conn.execute(f"INSERT INTO answer_history VALUES ({', '.join('?' * 11)})", fields)
        names = ", ".join(history_chain.CHAINED_FIELDS)
        *row, spelt = conn.execute(
            f"SELECT {names}, json_array({names}) FROM answer_history"
        ).fetchone()
        assert history_chain._sqlite_spells_forms(conn)
        assert spelt == history_chain.canonical(row)
    finally:
        conn.close()


def test_a_row_hash_is_the_one_written_before():
    """Pinned: the value json.dumps per row gave, so files hashed before still verify."""
    fields = ("C001", "A1", "primary", "answer", None, "yes", None, NOTE, "JS", "2015", None)
    assert history_chain.row_hash(history_chain.genesis("x"), fields) == (
        "acd6dd2270536e2bfb6e050fb72659b2b575092b6e0bf40b06132010dddb7439"
    )


def test_a_value_json_cannot_write_is_refused_alike():
    with pytest.raises(TypeError, match="bytes is not JSON serializable"):
        history_chain.canonical(("C001", b"\x00"))
    with pytest.raises(TypeError, match="bytes is not JSON serializable"):
        json.dumps(["C001", b"\x00"], ensure_ascii=False, separators=(",", ":"))


@pytest.fixture
def history(store, store_path):
    store.record_answer("C001", "A1", "yes", inspector="JS", note=NOTE)
    store.record_answer("C001", "A2", "no", inspector="JS", note="Plan ignored ETE")
    store.set_note("C001", "A2", "Plan ignored ETE and the school", inspector="JS")
    store.record_answer("C002", "A1", "no", inspector="KM")
    store.clear_answer("C002", "A1", inspector="KM")
    store.update_case("C003", rosh="high")
    store.record_answer("C002", "A1", "yes", inspector="KM", role="second_read")
    store.close()
    return store_path


TAMPERING = [
    (),
    ("UPDATE answer_history SET new_value = 'yes' WHERE id = 3",),
    ("UPDATE answer_history SET new_note = 'nothing' WHERE id = 1",),
    ("UPDATE answer_history SET hash = NULL WHERE id = 4",),
    ("UPDATE answer_history SET hash = upper(hash) WHERE id = 2",),
    ("DELETE FROM answer_history WHERE id = 5",),
    ("DELETE FROM answer_history WHERE id = (SELECT MAX(id) FROM answer_history)",),
    ("DELETE FROM answer_history",),
    ("UPDATE answers SET value = 'yes' WHERE case_ref = 'C001' AND question_id = 'A2'",),
    ("UPDATE answers SET note = NULL WHERE case_ref = 'C001' AND question_id = 'A1'",),
    ("DELETE FROM answers WHERE case_ref = 'C001' AND question_id = 'A1'",),
    ("INSERT INTO answers VALUES ('C003', 'A1', 'primary', 'yes', NULL, 'JS', '1', 'now')",),
    # An answer the history cleared, one of another role, a note of nothing for no note.
    ("INSERT INTO answers VALUES ('C002', 'A1', 'primary', 'no', NULL, 'KM', '1', 'now')",),
    ("UPDATE answers SET role = 'second_read' WHERE case_ref = 'C001' AND question_id = 'A2'",),
    ("UPDATE answers SET note = '' WHERE case_ref = 'C002' AND role = 'second_read'",),
    (
        "DELETE FROM answers WHERE case_ref = 'C002' AND role = 'second_read'",
        "INSERT INTO answers VALUES ('C002', 'A1', 'primary', 'yes', NULL, 'KM', '1', 'now')",
    ),
    (
        "INSERT INTO answer_history (case_ref, question_id, role, event, new_value, inspector, "
        "at) VALUES ('C002', 'A3', 'primary', 'answer', 'yes', 'KM', '2015-03-16T12:00')",
    ),
    ("UPDATE inspection SET id = 'another'",),
]


@pytest.mark.parametrize("statements", TAMPERING)
def test_the_fast_walk_agrees_with_the_naming_walk(history, statements):
    copy = history.with_name("tampered.inspection")
    shutil.copyfile(history, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        for trigger in ("no_update", "no_delete", "needs_hash"):
            conn.execute(f"DROP TRIGGER answer_history_{trigger}")
        for statement in statements:
            conn.execute(statement)
        told: list[tuple[object, ...]] = []
        fast = verify_history(conn, told.extend)
        assert fast == _verify_slowly(conn)
        rows = conn.execute(
            f"SELECT {', '.join(history_chain.CHAINED_FIELDS)}, "
            f"{', '.join(history_chain.WALKED_FIELDS)} FROM answer_history ORDER BY id"
        ).fetchall()
        walked = [(history_chain.canonical(r[:11]), *r[11:]) for r in rows]
        # Either spelling of the forms walks the same rows.
        for sql_forms in (True, False):
            assert [r for batch in history_chain.walk(conn, sql_forms) for r in batch] == walked
        if fast.ok:
            assert told == walked
        else:  # what the walk was told before it found the break is not to be used
            assert told == walked[: len(told)]
    finally:
        conn.close()
