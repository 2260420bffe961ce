"""The laws of collation, by hypothesis: order independence, idempotence, conservation.

Each example makes a few inspector files from one master: copies of an inspector's handed-out
file (or of the master, or of an earlier example file, to make lineages) with answers, notes,
clears and second reads recorded on chosen days, so that files agree, disagree, tie in time and
supersede each other. The merged file must not depend on the order of the inputs, must come back
unchanged when merged again with any input, must keep every history row, and must keep every
answer an input held (or say which later change superseded it), with its chain intact.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from collate_files import Clock, make_master
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.collation.collate import collate, content_of
from db.collation.export import split
from db.errors import StoreError
from db.file.connection import connect
from db.file.history_chain import verify_history
from db.file.store import InspectionStore

QUESTIONS = ("A1", "A2", "A3", "R1", "R2")
CASES = {"JS": ("C001", "C003"), "KM": ("C002", "C004"), "master": ("C001", "C002", "C003")}

op = st.tuples(
    st.integers(0, 2),  # which case of the file
    st.sampled_from(QUESTIONS),
    st.sampled_from(("yes", "no", "na", "clear")),
    st.sampled_from(("primary", "primary", "second_read")),
    st.sampled_from((None, "seen", "thin")),
)
file_spec = st.tuples(
    st.sampled_from(("JS", "KM", "master", "earlier")),
    st.integers(16, 18),  # the day its answers were recorded: equal days tie in time
    st.lists(op, min_size=1, max_size=6),
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The master (with an answer from before the split) and the two handed-out files."""
    folder = tmp_path_factory.mktemp("templates")
    master = make_master(folder / "lambeth.sqlite")
    with InspectionStore.open(master, clock=Clock(day=10)) as store:
        store.record_answer("C001", "A1", "yes", inspector="JS")
        store.record_answer("C002", "R2", "no", inspector="KM", note="before the split")
    handed = folder / "out"
    handed.mkdir()
    files = {f.inspector: f.path for f in split(master, handed)}
    return {"master": master, **files}


def make_file(templates, made: list[Path], folder: Path, spec, index: int) -> Path:
    kind, day, ops = spec
    base = made[-1] if kind == "earlier" and made else templates.get(kind, templates["JS"])
    path = folder / f"file-{index}.sqlite"
    shutil.copyfile(base, path)
    with InspectionStore.open(path, clock=Clock(day=day)) as store:
        refs = [c.case_ref for c in store.cases()]
        for case_index, qid, value, role, note in ops:
            ref = refs[case_index % len(refs)]
            who = store.case(ref).inspector if role == "primary" else "AB"
            try:
                if value == "clear":
                    store.clear_answer(ref, qid, inspector=who, role=role, reason="law")
                else:
                    note = note or ("evidence" if value == "no" else None)
                    store.record_answer(
                        ref, qid, value, inspector=who, role=role, note=note, reason="law"
                    )
            except StoreError:
                pass  # a question that does not apply to the case: skipped as the TUI would
    return path


def rows_of(path: Path, sql: str) -> list[tuple]:
    conn = connect(path, readonly=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


HISTORY = (
    "SELECT case_ref, question_id, role, event, old_value, new_value, old_note, new_note, "
    "inspector, at, reason FROM answer_history"
)


@settings(
    max_examples=int(os.environ.get("COLLATE_LAW_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(file_spec, min_size=1, max_size=4), data=st.data())
def test_collation_laws(templates, specs, data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        made: list[Path] = []
        for index, spec in enumerate(specs):
            made.append(make_file(templates, made, folder, spec, index))
        inputs = [templates["JS"], templates["KM"], *made]
        out = folder / "collated.sqlite"
        summary = collate(inputs, out)
        merged = content_of(out)
        assert verify_history(connect(out, readonly=True)).ok

        # Order independence: any order of the inputs gives the same file content.
        order = data.draw(st.permutations(range(len(inputs))), label="order")
        again = folder / "reordered.sqlite"
        collate([inputs[i] for i in order], again)
        assert content_of(again) == merged

        # Idempotence: the output merged again with any input, or all inputs twice, is the same.
        one = data.draw(st.sampled_from(inputs), label="merged again")
        collate([one], out)
        assert content_of(out) == merged
        twice = folder / "twice.sqlite"
        collate(inputs + inputs, twice)
        assert content_of(twice) == merged

        # Conservation of history: every input row is in the output, as often as in the input.
        output_history = Counter(rows_of(out, HISTORY))
        for path, tally in zip(inputs, summary.inputs, strict=True):
            mine = Counter(rows_of(path, HISTORY))
            assert not mine - output_history, f"history of {path.name} lost"
            assert tally.counts.history_taken + tally.counts.history_known == sum(mine.values())

        # Conservation of answers: each is the current answer or a kept version, or else the
        # output's history shows it answered and then changed (reported superseded, or as a
        # duplicate of an identical answer of an earlier input that was).
        kept = set(rows_of(out, "SELECT case_ref, question_id, role, value, note FROM answers"))
        kept |= set(
            rows_of(out, "SELECT case_ref, question_id, role, value, note FROM answer_versions")
        )
        made_rows = {(r[0], r[1], r[2], r[5], r[7], r[8], r[9]) for r in output_history}
        changed_from = {(r[0], r[1], r[2], r[4], r[6]) for r in output_history if r[3] != "case"}
        for path, tally in zip(inputs, summary.inputs, strict=True):
            answers = rows_of(
                path,
                "SELECT case_ref, question_id, role, value, note, inspector, answered_at "
                "FROM answers",
            )
            c = tally.counts
            assert (
                c.answers_taken + c.answers_known + c.answers_conflicting + c.answers_superseded
                == len(answers)
            )
            for answer in answers:
                if answer[:5] in kept:
                    continue
                assert answer in made_rows, f"{answer} of {path.name} lost"
                assert answer[:5] in changed_from, f"{answer} of {path.name} dropped unchanged"
                assert c.answers_superseded + c.answers_known > 0
