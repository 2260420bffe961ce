"""Benchmark: `audit-tui cases import` of 100,000 case rows against a raw sqlite3 executemany.

Run by hand: `python bench/cases_import.py [--rows N] [--repeats R] [--dir PATH]`. Our side is
the whole import as the command runs it (read and check the CSV, open the file through its
checks, insert the cases, their applicability and status in one transaction, commit with
synchronous=FULL); the baseline inserts the same case rows, already parsed, into a table of the
same columns with one `executemany` and commit, same pragmas, same disk. The runs alternate and
the figures are medians.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from db.file.connection import connect
from db.file.csv_import import CASE_COLUMNS, read_cases
from db.file.store import InspectionStore
from db.reporting.demo import demo_cases
from question_bank.loader import load_shipped

BANK = "fji-2014"


def write_sample(path: Path, rows: int) -> None:
    """A sample CSV of `rows` cases (the demo's case mix), with refs C000001..."""
    cases = demo_cases(random.Random(7), 97)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_COLUMNS)
        for n in range(rows):
            case = cases[n % len(cases)].model_dump(mode="json")
            case["case_ref"] = f"C{n + 1:06d}"
            writer.writerow(
                ["yes" if case[c] is True else "no" if case[c] is False else case[c] or ""
                 for c in CASE_COLUMNS]
            )  # fmt: skip


def ours(folder: Path, sample: Path, run: int) -> float:
    path = folder / f"ours-{run}.inspection"
    InspectionStore.create(path, area="Bench", bank=load_shipped(BANK)).close()
    start = time.perf_counter()
    with InspectionStore.open(path) as store:
        taken = {case.case_ref for case in store.cases()}
        records = read_cases(sample, taken)
        store.add_cases(records)
    return time.perf_counter() - start


def raw(folder: Path, sample: Path, run: int) -> float:
    with open(sample, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    path = folder / f"raw-{run}.sqlite"
    conn = connect(path, create=True)
    columns = ", ".join(CASE_COLUMNS)
    conn.execute(f"CREATE TABLE cases ({columns}, PRIMARY KEY (case_ref)) WITHOUT ROWID")
    start = time.perf_counter()
    conn.execute("BEGIN")
    marks = ", ".join("?" for _ in CASE_COLUMNS)
    conn.executemany(f"INSERT INTO cases VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="case rows to import")
    parser.add_argument("--repeats", type=int, default=3, help="alternated runs of each side")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        sample = folder / "sample.csv"
        write_sample(sample, args.rows)
        mine, theirs = [], []
        for run in range(args.repeats):
            mine.append(ours(folder, sample, run))
            theirs.append(raw(folder, sample, run))
        a, b = statistics.median(mine), statistics.median(theirs)
        print(f"cases import of {args.rows:,} rows ({BANK}, median of {args.repeats}, {folder})")
        print(f"  audit-tui cases import (CSV, checks, cases, applicability)  {a:8.3f} s")
        print(f"  raw sqlite3 executemany of the same case rows               {b:8.3f} s")
        print(f"  ratio                                                       {a / b:8.2f}x")


if __name__ == "__main__":
    main()
