"""Kill test: an answer the writer was told is saved survives SIGKILL at any moment."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.file.store import InspectionStore

WRITER = Path(__file__).with_name("answer_writer.py")
ROUNDS = 20
KILL_WITHIN = 75  # the kill comes after fewer confirmed answers than this
VALUES = ("yes", "no", "na")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer forks")
def test_sigkill_never_loses_a_confirmed_answer(tmp_path, bank, make_case):
    path = tmp_path / "fieldwork.inspection"
    with InspectionStore.create(path, area="Lambeth", bank=bank) as store:
        # community, low RoSH: five questions apply to each case, 3500 answers to give
        store.add_cases([make_case(f"K{n:03d}") for n in range(700)])
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    confirmed: dict[int, str] = {}
    start = 0
    killed_mid_write = 0
    try:
        for round_no in range(ROUNDS):
            # the writer may record a few answers more than it is let live for: the kill lands
            # while it writes, or, on a machine too busy to send it sooner, while it waits
            kill_after = rng.randrange(0, KILL_WITHIN)
            limit = kill_after + rng.randrange(1, 8)
            child.stdin.write(f"go {start} {round_no} {limit}\n")
            child.stdin.flush()
            first = child.stdout.readline()
            assert first.startswith("pid "), f"seed {seed}: writer said {first!r}"
            writer_pid = int(first.split()[1])
            done = []
            if kill_after == 0:
                os.kill(writer_pid, signal.SIGKILL)
            for line in child.stdout:
                if line.strip() == "done":
                    break
                done.append(int(line.split()[1]))
                if len(done) == kill_after:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(writer_pid, signal.SIGKILL)
            assert done == list(range(start, start + len(done))), f"seed {seed}"
            for index in done:
                confirmed[index] = VALUES[round_no % 3]
            killed_mid_write += len(done) < limit
            # the key after the last confirmed one may have been committed unconfirmed: skip it
            start += len(done) + 1
            check_file(path, confirmed, seed)
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    # How many kills landed before the writer had recorded all it was let record depends on
    # the machine's speed: said, not asserted. Every round ends by a kill all the same.
    print(f"seed {seed}: {len(confirmed)} confirmed, {killed_mid_write} kills mid-write")
    assert len(confirmed) > ROUNDS, f"seed {seed}: the writer hardly wrote anything"


def check_file(path: Path, confirmed: dict[int, str], seed: int) -> None:
    """The file is sound and holds every confirmed answer, with its history row."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"seed {seed}"
    finally:
        conn.close()
    with InspectionStore.open(path, readonly=True) as store:
        keys = []
        for case in store.cases():
            values = case.condition_values()
            keys.extend((case.case_ref, q.id) for q in store.bank.questions if q.applies(values))
        stored = {(a.case_ref, a.question_id): a.value for a in store.answers()}
        history = {(h.case_ref, h.question_id) for h in store.history() if h.event == "answer"}
    for index, value in confirmed.items():
        assert stored.get(keys[index]) == value, f"seed {seed}: answer {keys[index]} lost"
        assert keys[index] in history, f"seed {seed}: history of {keys[index]} lost"
