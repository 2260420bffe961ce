"""Benchmark: the report's figures of a large collated file against a raw sqlite3 read of them.

`python bench/report.py FILE [--runs 3]` on a collated inspection file (the one
`python bench/collate.py --dir DIR` leaves as DIR/collated.sqlite: 9,000 cases, ~950k answers, a
year of inspections by DOMAIN.md's scale). Ours: `report.gather` (what `audit-tui report`
prints, every format alike: scores, the Data Summary, the subgroup tables of seven case fields,
agreement, conflicts, the cases not complete). Baseline in the same run: one raw GROUP BY of the
primary answers that apply, by the seven fields, question and value: the least any report of
those tables reads. The runs alternate; the figures are medians.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from db.file.store import InspectionStore
from db.reporting import report

FIELDS = "c.gender, c.bame, c.custody, c.status, c.rosh, c.vulnerability, c.looked_after"
RAW = f"""
SELECT {FIELDS}, a.question_id, a.value, COUNT(*) FROM answers a
JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id
JOIN cases c ON c.case_ref = a.case_ref
WHERE ap.applies = 1 AND a.role = 'primary'
GROUP BY {FIELDS}, a.question_id, a.value
"""


def ours(path: Path) -> float:
    start = time.perf_counter()
    with InspectionStore.open(path, readonly=True) as store:
        report.gather(store)
    return time.perf_counter() - start


def raw(path: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute(RAW).fetchall()
    finally:
        conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a collated inspection file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    measures: dict[str, Callable[[Path], float]] = {"audit-tui": ours, "raw sqlite3": raw}
    figures: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(args.runs):
        for name, measure in measures.items():
            figures[name].append(measure(args.file))
    a, b = (statistics.median(figures[name]) for name in measures)
    print(f"report figures of {args.file.name}: audit-tui {a:.2f} s, raw sqlite3 {b:.2f} s, "
          f"{a / b:.2f}x  (median of {args.runs})")  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
