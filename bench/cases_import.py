"""Benchmark: `audit-tui cases import` of 100,000 case rows against a raw sqlite3 executemany.

Run by hand: `python bench/cases_import.py [--rows N] [--repeats R] [--dir PATH]`. Our side is
the whole import as the command runs it (read and check the CSV, open the file through its
checks, insert the cases, their applicability and status in one transaction, commit with
synchronous=FULL); the baseline inserts the same case rows, already parsed, into a table of the
same columns with one `executemany` and commit, same pragmas, same disk. A second floor is what
the schema itself asks: every case has a row of `applicability` per question of the bank (133
on fji-2014, so 13.3 million rows for 100,000 cases); it inserts those rows alone, raw, with one
`executemany` into the inspection file's own table, with foreign keys off (there are no case rows
for them to point at), so it is a floor below any import that checks them, as ours does. The
runs alternate and the figures are medians.
"""

from __future__ import annotations

import argparse
import csv
import random
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


def raw_applicability(folder: Path, sample: Path, run: int) -> float:
    """The schema's floor: the applicability rows of every case, raw, into an inspection file."""
    path = folder / f"floor-{run}.inspection"
    bank = load_shipped(BANK)
    InspectionStore.create(path, area="Bench", bank=bank).close()
    with open(sample, newline="", encoding="utf-8") as handle:
        refs = [row[0] for row in list(csv.reader(handle))[1:]]
    conn = connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")  # no case rows here: their parents are not written
    ids = [q.id for q in bank.questions]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO applicability (case_ref, question_id, applies) VALUES (?, ?, 1)",
        ((ref, qid) for ref in refs for qid in ids),
    )
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
        mine, theirs, floor = [], [], []
        for run in range(args.repeats):
            mine.append(ours(folder, sample, run))
            theirs.append(raw(folder, sample, run))
            floor.append(raw_applicability(folder, sample, run))
        a, b, c = statistics.median(mine), statistics.median(theirs), statistics.median(floor)
        print(f"cases import of {args.rows:,} rows ({BANK}, median of {args.repeats}, {folder})")
        print(f"  audit-tui cases import (CSV, checks, cases, applicability)  {a:8.3f} s")
        print(f"  raw sqlite3 executemany of the same case rows               {b:8.3f} s")
        print(f"  ratio                                                       {a / b:8.2f}x")
        print(f"  raw executemany of their applicability rows alone           {c:8.3f} s")
        print(f"  ratio to that floor of the schema                           {a / c:8.2f}x")


if __name__ == "__main__":
    main()
