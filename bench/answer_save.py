"""Benchmark: saving one answer through InspectionStore against a raw sqlite3 INSERT + COMMIT,
and scoring a fully answered 61-case inspection against a raw GROUP BY count.

Run by hand: `python bench/answer_save.py [--answers N] [--dir PATH]`. Every side of each
comparison runs in the same process, on the same disk, interleaved, with the same pragmas
(WAL, synchronous=FULL, foreign_keys=ON); the figures are medians. Target: the save path within
2x of the raw one; the checkpoint the interface's writer runs at rest is timed after each
answer beside a raw one. The store is measured twice: on a plain file and on an encrypted one
(SQLCipher), so the cost of encryption is the ratio of the two.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from db.file.connection import connect, derived_key
from db.file.store import InspectionStore
from db.protection.crypto import encrypt_file
from db.reporting import figures
from db.reporting.demo import build_demo, demo_cases
from question_bank.loader import load_shipped

PASSPHRASE = "bench passphrase, not a secret"
CHECKPOINTS: list[float] = []  # bench_save's: the store's checkpoint, the raw one
RAW_SCHEMA = """
CREATE TABLE answers (
    case_ref TEXT NOT NULL, question_id TEXT NOT NULL, role TEXT NOT NULL, value TEXT NOT NULL,
    note TEXT, inspector TEXT NOT NULL, bank_version TEXT NOT NULL, answered_at TEXT NOT NULL,
    PRIMARY KEY (case_ref, question_id, role)
) WITHOUT ROWID
"""


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


def bench_save(folder: Path, count: int) -> tuple[float, float, float]:
    """Median seconds per saved answer: our store, our store encrypted, raw INSERT + COMMIT."""
    bank = load_shipped("fji-2014")
    store = InspectionStore.create(folder / "store.inspection", area="Bench", bank=bank)
    sealed = InspectionStore.create(
        folder / "encrypted.inspection", area="Bench", bank=bank, passphrase=PASSPHRASE
    )
    cases = demo_cases(random.Random(1), 61)
    store.add_cases(cases)
    sealed.add_cases(cases)
    keys = [
        (case.case_ref, q.id)
        for case in cases
        for q in bank.questions
        if q.applies(case.condition_values())
    ][:count]
    raw = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute(RAW_SCHEMA)

    def raw_insert(case_ref: str, question_id: str) -> None:
        raw.execute("BEGIN")
        raw.execute(
            "INSERT INTO answers VALUES (?, ?, 'primary', 'yes', 'evidence', 'JS', '1.0', ?)",
            (case_ref, question_id, "2015-03-16T10:00:00"),
        )
        raw.execute("COMMIT")

    ours, encrypted, theirs = [], [], []
    copied, raw_copied = [], []  # the checkpoint after each (the TUI's writer, at rest)
    for case_ref, question_id in keys:
        ours.append(
            timed(
                lambda c=case_ref, q=question_id: store.record_answer(
                    c, q, "yes", inspector="JS", note="evidence"
                )
            )
        )
        encrypted.append(
            timed(
                lambda c=case_ref, q=question_id: sealed.record_answer(
                    c, q, "yes", inspector="JS", note="evidence"
                )
            )
        )
        theirs.append(timed(lambda c=case_ref, q=question_id: raw_insert(c, q)))
        copied.append(timed(store.checkpoint))
        raw_copied.append(timed(lambda: raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()))
    CHECKPOINTS.extend((statistics.median(copied), statistics.median(raw_copied)))
    store.close()
    sealed.close()
    raw.close()
    return statistics.median(ours), statistics.median(encrypted), statistics.median(theirs)


def bench_open_encrypted(path: Path, repeats: int) -> tuple[float, float]:
    """Median seconds to open + score: the plain file, and the same file encrypted."""
    sealed = path.with_name("full-encrypted.inspection")
    shutil.copyfile(path, sealed)
    encrypt_file(sealed, PASSPHRASE)
    plain, encrypted = [], []
    for _ in range(max(3, repeats // 10)):

        def open_and_score(file: Path = path, passphrase: str | None = None) -> None:
            with InspectionStore.open(file, readonly=True, passphrase=passphrase) as s:
                figures.theme_scores(s)

        plain.append(timed(open_and_score))
        # A fresh process derives the key once per file: measure that, not the cache.
        derived_key.cache_clear()
        encrypted.append(timed(lambda: open_and_score(sealed, PASSPHRASE)))
    return statistics.median(plain), statistics.median(encrypted)


def bench_scores(folder: Path, repeats: int) -> tuple[float, float, float]:
    """Median seconds: theme_scores on an open store, a raw GROUP BY, and open + scores."""
    path = build_demo(folder / "full.inspection", answered_share=1.0)
    store = InspectionStore.open(path, readonly=True)
    raw = connect(path, readonly=True)
    ours, theirs, whole = [], [], []
    for _ in range(repeats):
        ours.append(timed(lambda: figures.theme_scores(store)))
        theirs.append(
            timed(
                lambda: raw.execute(
                    "SELECT question_id, value, COUNT(*) FROM answers "
                    "WHERE role = 'primary' GROUP BY question_id, value"
                ).fetchall()
            )
        )
    store.close()
    raw.close()
    for _ in range(max(3, repeats // 10)):

        def open_and_score() -> None:
            with InspectionStore.open(path, readonly=True) as s:
                figures.theme_scores(s)

        whole.append(timed(open_and_score))
    return statistics.median(ours), statistics.median(theirs), statistics.median(whole)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=400, help="answers to save on each side")
    parser.add_argument("--repeats", type=int, default=50, help="score computations to time")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        ours, sealed, raw = bench_save(folder, args.answers)
        print(f"save one answer ({args.answers} answers, median, same disk: {folder})")
        print(f"  InspectionStore.record_answer  {ms(ours)}")
        print(f"  the same, encrypted file       {ms(sealed)}")
        print(f"  raw sqlite3 INSERT + COMMIT    {ms(raw)}")
        print(f"  ratio                          {ours / raw:8.2f}x  (target: within 2x)")
        print(f"  ratio encrypted / raw          {sealed / raw:8.2f}x")
        print(f"  ratio encrypted / plain store  {sealed / ours:8.2f}x")
        store_copy, raw_copy = CHECKPOINTS
        print("checkpoint after one answer (the interface's writer does it at rest)")
        print(f"  InspectionStore.checkpoint     {ms(store_copy)}")
        print(f"  raw wal_checkpoint(PASSIVE)    {ms(raw_copy)}")
        print(f"  ratio                          {store_copy / raw_copy:8.2f}x")
        score, group_by, whole = bench_scores(folder, args.repeats)
        print(f"scores of a fully answered 61-case fji-2014 inspection ({args.repeats} runs)")
        print(f"  figures.theme_scores           {ms(score)}")
        print(f"  raw GROUP BY count             {ms(group_by)}")
        print(f"  ratio                          {score / group_by:8.2f}x")
        print(f"  open file (checks) + scores    {ms(whole)}")
        plain_open, sealed_open = bench_open_encrypted(folder / "full.inspection", args.repeats)
        print("open (checks) + scores, plain against encrypted (key derived each time)")
        print(f"  plain file                     {ms(plain_open)}")
        print(f"  encrypted file                 {ms(sealed_open)}")
        print(f"  ratio                          {sealed_open / plain_open:8.2f}x")


if __name__ == "__main__":
    main()
