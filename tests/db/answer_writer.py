"""The child of the kill test: records answers one by one and prints each one confirmed.

It imports everything once, then for each `go START ROUND LIMIT` line on stdin forks a writer
that opens the store, works out the answer keys, prints `pid P` once it is about to write, and
records up to LIMIT answers from key START on, printing `ok I` only after record_answer has
returned (the COMMIT is done), then waits. The test SIGKILLs the writer after a random number of
confirmed answers, fewer than LIMIT, so every round ends by the kill however fast or busy the
machine is (on a busy one the writer may be further on, or already waiting); this process
reaps it and prints `done`.
"""

from __future__ import annotations

import os
import sys

from db.file.store import InspectionStore

VALUES = ("yes", "no", "na")


def answer_keys(store: InspectionStore) -> list[tuple[str, str]]:
    keys = []
    for case in store.cases():
        values = case.condition_values()
        keys.extend((case.case_ref, q.id) for q in store.bank.questions if q.applies(values))
    return keys


def say(line: str) -> None:
    """One write(2) per line, so a kill never leaves half a line in the pipe."""
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def write(path: str, start: int, round_no: int, limit: int) -> None:
    with InspectionStore.open(path) as store:
        keys = answer_keys(store)
        say(f"pid {os.getpid()}")
        for index in range(start, min(start + limit, len(keys))):
            case_ref, question_id = keys[index]
            store.record_answer(
                case_ref,
                question_id,
                VALUES[round_no % 3],
                inspector="JS",
                note=f"round {round_no}",
            )
            say(f"ok {index}")
        os.read(sys.stdin.fileno(), 1)  # wait for the kill (or the test's end: stdin closed)


def main(path: str) -> None:
    for line in sys.stdin:
        words = line.split()
        if words[:1] != ["go"]:
            break
        start, round_no, limit = (int(word) for word in words[1:4])
        pid = os.fork()
        if pid == 0:
            try:
                write(path, start, round_no, limit)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        say("done")


if __name__ == "__main__":
    main(sys.argv[1])
