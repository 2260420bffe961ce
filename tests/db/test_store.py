"""The store: creating and reopening a file, the answer rules, history, status and UI state."""

from __future__ import annotations

import sqlite3
import stat
import threading

import pytest

from db.errors import IncompleteCase, StoreError
from db.file.schema import APPLICATION_ID, KNOWN_MIGRATIONS, SCHEMA_VERSION
from db.file.store import InspectionStore


def test_created_file_is_private_wal_and_versioned(store, store_path):
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    conn = sqlite3.connect(store_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        names = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        assert names == set(KNOWN_MIGRATIONS)
    finally:
        conn.close()


def test_create_refuses_an_existing_path(store, store_path, bank):
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="already exists"):
        InspectionStore.create(store_path, area="Lambeth", bank=bank)
    assert store_path.read_bytes() == before


def test_file_carries_its_bank_and_reopens_with_it(store, store_path, bank):
    store.close()
    with InspectionStore.open(store_path) as again:
        assert again.bank.canonical_json() == bank.canonical_json()
        assert again.inspection.bank_hash == bank.content_hash
        assert again.inspection.area == "Lambeth" and again.inspection.lead == "AB"
        assert again.inspection.fieldwork_start == "2015-03-16"
        # the small bank is not shipped: the file says it reads with its own copy
        assert "does not ship" in (again.bank_notice or "")


def test_bank_notice_when_the_shipped_bank_changed(tmp_path):
    from question_bank.loader import load_shipped, validate_bank

    shipped = load_shipped("sqs-2014")
    raw = shipped.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["title"] = raw["title"] + " (as it was last week)"
    older = validate_bank(raw)
    path = tmp_path / "old.inspection"
    InspectionStore.create(path, area="Leeds", bank=older).close()
    with InspectionStore.open(path) as store:
        assert store.bank.title.endswith("(as it was last week)")
        assert store.bank_notice is not None and "has changed since" in store.bank_notice
    path2 = tmp_path / "same.inspection"
    InspectionStore.create(path2, area="Leeds", bank=shipped).close()
    with InspectionStore.open(path2) as store:
        assert store.bank_notice is None


def test_cases_round_trip_with_derived_fields(store):
    case = store.case("C002")
    assert case.custody and case.bame and case.inspector == "KM"
    assert [c.case_ref for c in store.cases(inspector="js")] == ["C001", "C003"]
    assert [c.case_ref for c in store.cases(status="terminated")] == ["C003"]
    assert store.inspectors() == ["AB", "JS", "KM"]
    with pytest.raises(StoreError, match="no case C999"):
        store.case("C999")


def test_duplicate_case_refs_are_refused_whole(store, make_case):
    with pytest.raises(StoreError, match="C001 is already used"):
        store.add_cases([make_case("C010"), make_case("C001")])
    assert len(store.cases()) == 3


def test_answer_must_be_on_the_scale(store):
    with pytest.raises(
        StoreError, match="'maybe' is not an answer to A1; the answers are yes, no, na"
    ):
        store.record_answer("C001", "A1", "maybe", inspector="JS")
    assert store.answer("C001", "A1") is None


def test_answer_to_a_question_that_does_not_apply_is_refused_with_reason(store):
    with pytest.raises(
        StoreError, match="A3 does not apply to case C001: it applies only when custody"
    ):
        store.record_answer("C001", "A3", "yes", inspector="JS")
    with pytest.raises(StoreError, match="rosh is medium or high or very_high"):
        store.record_answer("C001", "R1", "na", inspector="JS")
    store.record_answer("C002", "A3", "yes", inspector="KM")


def test_note_required_for_no(store):
    with pytest.raises(StoreError, match="A2 needs a note when the answer is no"):
        store.record_answer("C001", "A2", "no", inspector="JS")
    with pytest.raises(StoreError, match="needs a note"):
        store.record_answer("C001", "A2", "no", inspector="JS", note="   ")
    store.record_answer("C001", "A2", "no", inspector="JS", note="Plan ignored ETE")
    with pytest.raises(StoreError, match="A2 needs a note when the answer is no"):
        store.set_note("C001", "A2", "", inspector="JS")
    # a later answer keeps the recorded note unless it is given a new one
    assert store.record_answer("C001", "A2", "yes", inspector="JS").note == "Plan ignored ETE"


def test_unanswered_na_and_no_are_three_states(store):
    store.record_answer("C001", "A1", "na", inspector="JS")
    store.record_answer("C003", "A1", "no", inspector="JS")
    assert store.answer("C002", "A1") is None
    assert store.answer("C001", "A1").value == "na"
    assert store.answer("C003", "A1").value == "no"
    assert store.answer_counts() == {"A1": {"na": 1, "no": 1}}


def test_each_change_appends_history_and_history_cannot_be_rewritten(store, store_path):
    store.record_answer("C001", "A1", "yes", inspector="JS")
    store.record_answer("C001", "A1", "no", inspector="JS", note="Assessment out of date")
    store.record_answer("C001", "A1", "no", inspector="JS")  # unchanged: no new row
    store.set_note("C001", "A1", "Assessment six months old", inspector="AB")
    store.clear_answer("C001", "A1", inspector="JS", reason="undo")
    rows = [r for r in store.history("C001") if r.question_id == "A1"]
    assert [(r.event, r.old_value, r.new_value) for r in rows] == [
        ("answer", None, "yes"),
        ("answer", "yes", "no"),
        ("note", "no", "no"),
        ("clear", "no", None),
    ]
    assert rows[1].new_note == "Assessment out of date" and rows[1].old_note is None
    assert rows[2].inspector == "AB" and rows[2].new_note == "Assessment six months old"
    assert rows[3].reason == "undo" and rows[3].old_note == "Assessment six months old"
    assert store.answer("C001", "A1") is None
    conn = sqlite3.connect(store_path)
    try:
        for sql in ("UPDATE answer_history SET new_value = 'yes'", "DELETE FROM answer_history"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()


def test_status_moves_with_answers_and_lifecycle(store):
    progress = store.case_progress()
    assert progress["C001"].status == "not_started" and progress["C001"].applicable == 5
    open_cases = store.open_case_count()
    assert open_cases == len(progress)  # none complete yet
    assert progress["C002"].applicable == 7
    store.record_answer("C001", "A1", "yes", inspector="JS")
    assert store.case_progress("C001")["C001"].status == "in_progress"
    with pytest.raises(IncompleteCase) as refused:
        store.complete_case("C001", inspector="JS")
    assert [str(m) for m in refused.value.missing] == [
        "A2 is unanswered",
        "A4 is unanswered",
        "R2 is unanswered",
        "G1 is unanswered",
    ]
    for qid in ("A2", "A4", "R2", "G1"):
        store.record_answer("C001", qid, "yes", inspector="JS")
    assert store.complete_case("C001", inspector="JS") == "complete"
    assert store.case_progress("C001")["C001"].answered == 5
    assert store.open_case_count() == open_cases - 1
    assert store.lock_case("C001", inspector="AB") == "locked"
    assert store.open_case_count() == open_cases - 1  # a locked case is not open either
    statuses = [(r.old_value, r.new_value) for r in store.history("C001") if r.event == "status"]
    assert statuses == [
        ("not_started", "in_progress"),
        ("in_progress", "complete"),
        ("complete", "locked"),
    ]


REFUSALS = [
    # (case, question, value, inspector, role, note): the CSV column and the sentence
    (("C001", "A1", "maybe", "JS", "primary", ""), "answer",
     "'maybe' is not an answer to A1; the answers are yes, no, na"),
    (("C999", "A1", "yes", "JS", "primary", ""), "case_ref",
     "there is no case C999 in this inspection; `audit-tui cases list` shows them"),
    (("C001", "Z9", "yes", "JS", "primary", ""), "question_id",
     "Z9 is not a question of bank small v1"),
    (("C001", "A1", "yes", "J5", "primary", ""), "inspector",
     "'J5' is not an inspector's initials; use letters only, e.g. JS"),
    (("C001", "A1", "yes", "JS", "moderator", ""), "role",
     "'moderator' is not a role; use primary or second_read"),
    (("C001", "A3", "yes", "JS", "primary", ""), "question_id",
     "A3 does not apply to case C001: it applies only when custody, "
     "so it is N/A without an answer"),
    (("C001", "A2", "no", "JS", "primary", " "), "note",
     "A2 needs a note when the answer is no; record the evidence with it"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "column", "sentence"), REFUSALS)
def test_every_path_refuses_an_answer_in_the_same_sentence(store, given, column, sentence):
    """Typed, imported or ruled on in moderation, an answer passes one gate with one wording."""
    from db.collation import moderation
    from db.errors import InvalidRows

    case_ref, qid, value, inspector, role, note = given
    with pytest.raises(StoreError) as typed:
        store.record_answer(case_ref, qid, value, inspector=inspector, role=role, note=note)
    row = {"case_ref": case_ref, "question_id": qid, "answer": value, "note": note}
    with pytest.raises(InvalidRows) as imported:
        store.import_answers([row | {"inspector": inspector, "role": role, "line": 2}])
    with pytest.raises(StoreError) as ruled:
        moderation.resolve(
            store, case_ref, qid, value, reason="r", moderator=inspector, note=note, role=role
        )
    assert str(typed.value) == str(ruled.value) == sentence
    assert [str(p) for p in imported.value.problems] == [f"line 2, column {column}: {sentence}"]
    assert store.answers() == [] and len(store.history()) == 0


def test_locked_case_needs_a_reason(store):
    for qid in ("A1", "A2", "A4", "R2", "G1"):
        store.record_answer("C001", qid, "yes", inspector="JS")
    store.complete_case("C001", inspector="JS")
    store.lock_case("C001", inspector="AB")
    with pytest.raises(StoreError, match="C001 is locked; give a reason"):
        store.record_answer("C001", "A1", "na", inspector="AB")
    from db.errors import InvalidRows

    with pytest.raises(InvalidRows) as imported:  # an import gives no reason of a person's
        store.import_answers([{"case_ref": "C001", "question_id": "A1", "answer": "na"}])
    assert [str(p) for p in imported.value.problems] == [
        "line 2, column case_ref: case C001 is locked; give a reason to change its answers, "
        "or reopen it"
    ]
    with pytest.raises(StoreError, match="locked"):
        store.clear_answer("C001", "A1", inspector="AB")
    with pytest.raises(StoreError, match="locked"):
        store.set_note("C001", "A1", "more evidence", inspector="AB")
    store.record_answer("C001", "A1", "na", inspector="AB", reason="moderation: no assessment due")
    last = store.history("C001")[-1]
    assert (last.new_value, last.reason) == ("na", "moderation: no assessment due")
    assert store.case_progress("C001")["C001"].status == "locked"
    with pytest.raises(StoreError, match="give a reason"):
        store.reopen_case("C001", inspector="AB", reason=" ")
    assert (
        store.reopen_case("C001", inspector="AB", reason="second read disagreed") == "in_progress"
    )


def test_lock_needs_a_complete_case(store):
    with pytest.raises(StoreError, match="not complete"):
        store.lock_case("C002", inspector="AB")


def test_update_case_reports_answered_questions_whose_applicability_changed(store):
    store.record_answer("C002", "A3", "yes", inspector="KM")
    store.record_answer("C002", "R1", "no", inspector="KM")
    assert store.answer_counts()["A3"] == {"yes": 1}
    changed = store.update_case("C002", disposal="yro", changed_by="AB")
    assert changed == ["A3"]
    assert "A3" not in store.answer_counts()  # kept, but no longer counted
    assert store.answer("C002", "A3").value == "yes"
    assert store.update_case("C002", rosh="low") == ["R1"]
    event = store.history("C002")[-1]
    assert event.event == "case" and '"rosh": "low"' in event.new_value
    with pytest.raises(StoreError, match="age"):
        store.update_case("C002", age=25)


def test_second_read_is_separate_from_primary(store):
    store.record_answer("C001", "A1", "yes", inspector="JS")
    store.record_answer("C001", "A1", "no", inspector="KM", role="second_read", note="No ETE")
    assert store.answer("C001", "A1").value == "yes"
    assert store.answer("C001", "A1", role="second_read").value == "no"
    assert store.answer_counts() == {"A1": {"yes": 1}}
    from db.file.records import CountFilter

    assert store.answer_counts(CountFilter(role="second_read")) == {"A1": {"no": 1}}
    with pytest.raises(StoreError, match="not a role"):
        store.record_answer("C001", "A1", "yes", inspector="JS", role="moderator")


def test_ui_state_and_readonly(store, store_path):
    store.set_state("cursor", "C002:A3")
    assert store.get_state("cursor") == "C002:A3" and store.get_state("nothing") is None
    store.close()
    with InspectionStore.open(store_path, readonly=True) as ro:
        assert ro.get_state("cursor") == "C002:A3"
        with pytest.raises(StoreError, match="read-only"):
            ro.record_answer("C001", "A1", "yes", inspector="JS")


def test_store_works_inside_one_non_main_thread(store_path, bank, clock, make_case):
    outcome: dict[str, object] = {}

    def writer() -> None:
        try:
            with InspectionStore.create(store_path, area="Leeds", bank=bank, clock=clock) as s:
                s.add_cases([make_case("C001")])
                outcome["answer"] = s.record_answer("C001", "A1", "yes", inspector="JS").value
        except Exception as exc:  # reported to the main thread below
            outcome["error"] = exc

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    assert outcome == {"answer": "yes"}


def test_import_answers_all_or_nothing(store):
    rows = [
        {"case_ref": "C001", "question_id": "A1", "answer": "yes", "line": 2},
        {"case_ref": "C001", "question_id": "A3", "answer": "yes", "line": 3},
    ]
    from db.errors import InvalidRows

    with pytest.raises(InvalidRows) as refused:
        store.import_answers(rows, "answers.csv")
    assert [str(p) for p in refused.value.problems] == [
        "line 3, column question_id: A3 does not apply to case C001: it applies only when custody, "
        "so it is N/A without an answer"
    ]
    assert store.answers() == []
    counts = store.import_answers(rows[:1])
    assert counts == {"added": 1, "changed": 0, "unchanged": 0}
    assert store.answer("C001", "A1").inspector == "JS"  # the case's inspector by default


def test_a_no_whose_note_is_to_follow_is_saved_and_blocks_completion(store):
    """The interview saves a no at once and asks for its note: until it is written the case
    cannot be completed, and an import or a ruling still needs its note (the same sentence)."""
    from db.collation import moderation
    from db.errors import InvalidRows

    sentence = "A2 needs a note when the answer is no; record the evidence with it"
    saved = store.record_answer("C001", "A2", "no", inspector="JS", note_to_follow=True)
    assert (saved.value, saved.note) == ("no", None)
    for qid in ("A1", "A4", "R2", "G1"):
        store.record_answer("C001", qid, "yes", inspector="JS")
    assert [str(m) for m in store.missing_for_completion("C001")] == [sentence]
    with pytest.raises(IncompleteCase) as refused:
        store.complete_case("C001", inspector="JS")
    assert str(refused.value) == f"case C001 cannot be completed yet: {sentence}"
    with pytest.raises(InvalidRows) as imported:
        store.import_answers([{"case_ref": "C003", "question_id": "A2", "answer": "no"}])
    assert [str(p) for p in imported.value.problems] == [f"line 2, column note: {sentence}"]
    with pytest.raises(StoreError) as ruled:
        moderation.resolve(store, "C003", "A2", "no", reason="r", moderator="AB")
    assert str(ruled.value) == sentence
    store.set_note("C001", "A2", "plan missed ETE", inspector="JS")
    assert store.missing_for_completion("C001") == []
    assert store.complete_case("C001", inspector="JS") == "complete"
    assert store.case_status("C001") == "complete"
