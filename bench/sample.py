"""Benchmark: drawing a 61-case sample from a 20,000-case caseload extract.

Run by hand: `python bench/sample.py [--cases 20000] [--size 61] [--runs 5] [--dir PATH]`.

In the same process, on the same CSV file, alternated, median of `--runs` each:

- `sample`: what `audit-tui sample` does: the caseload read through the CSV gate (every cell
  checked, every row validated as a case record), sifted for eligibility, the stratified draw
  with the groups' minimums and reserves, shared among six inspectors by workload (the fji-2014
  questions that apply), the make-up check, the sample and reserves written;
- `baseline`: csv.DictReader of the same file, random.sample of 61 rows and csv.DictWriter of
  them: no checks, no strata, no minimums, no assignment;
- `read only`: the CSV gate alone (db.sampling.caseload.read_caseload), to show where the time
  of `sample` goes.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from db.reporting import demo
from db.sampling.caseload import CASELOAD_COLUMNS, read_caseload
from db.sampling.plan import plan_sample, reserves_path, sample_csv, write_files
from question_bank.loader import load_shipped

FIELDWORK = date(2015, 3, 16)
INSPECTORS = ["AB", "JS", "KM", "PT", "RD", "SW"]
# The demo's mix, with some community resolutions (not statutory: left out of the sample).
DISPOSALS = {**demo.DISPOSALS, "youth_conditional_caution": 14, "community_resolution": 3}


def write_caseload(path: Path, count: int) -> None:
    """A caseload like a large service's over three years: about a third in the window."""
    rng = random.Random(20_000)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CASELOAD_COLUMNS)
        for n in range(1, count + 1):
            start = FIELDWORK - timedelta(days=rng.randrange(1, 1100))
            terminated = rng.random() < 0.5
            row = {
                "case_ref": f"YOS{n:06d}",
                "case_manager_role": rng.choice(["yos_officer", "social_worker", "other"]),
                "age": str(rng.randint(10, 18)),
                "gender": "female" if rng.random() < 0.18 else "male",
                "ethnicity": rng.choice(["white_british", "black_caribbean", "black_african",
                                         "mixed_other", "asian_other", "not_stated"]),
                "disposal": rng.choices(list(DISPOSALS), weights=list(DISPOSALS.values()))[0],
                "status": "terminated" if terminated else "current",
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=90)).isoformat() if terminated else "",
                "rosh": rng.choice(["low", "medium", "medium", "high", "very_high"]),
                "vulnerability": rng.choice(["low", "medium", "high", "very_high"]),
                "looked_after": rng.choice(["yes", "no", "no", "no"]),
                "child_protection_plan": "no",
                "mappa": "no",
                "transferred": "no",
                "victim_identified": rng.choice(["yes", "no"]),
                "psr_prepared": rng.choice(["yes", "no"]),
            }  # fmt: skip
            writer.writerow([row[c] for c in CASELOAD_COLUMNS])


def ours(caseload: Path, out: Path, size: int) -> int:
    bank = load_shipped("fji-2014")
    plan = plan_sample(
        read_caseload(caseload),
        bank,
        size=size,
        seed=42,
        fieldwork=FIELDWORK,
        inspectors=INSPECTORS,
    )
    write_files(
        {
            out: sample_csv(plan.draw.sample, plan.inspector_of),
            reserves_path(out): sample_csv(plan.draw.reserves, plan.inspector_of),
        }
    )
    return len(plan.sifted.eligible)


def baseline(caseload: Path, out: Path, size: int) -> int:
    with caseload.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    chosen = random.Random(42).sample(rows, size)
    with out.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    return len(rows)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=61)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        root = Path(folder)
        caseload = root / "caseload.csv"
        write_caseload(caseload, args.cases)
        eligible = ours(caseload, root / "warm.csv", args.size)  # loads the bank, warms caches
        print(f"caseload: {args.cases} cases ({caseload.stat().st_size // 1024} KiB), "
              f"{eligible} eligible; sample of {args.size}, 6 inspectors")  # fmt: skip
        times: dict[str, list[float]] = {"sample": [], "baseline": [], "read only": []}
        for run in range(args.runs):
            times["sample"].append(timed(lambda: ours(caseload, root / "s.csv", args.size)))
            times["baseline"].append(timed(lambda: baseline(caseload, root / "b.csv", args.size)))
            times["read only"].append(timed(lambda: read_caseload(caseload)))
            print(f"  run {run + 1}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items()))
        median = {name: statistics.median(values) for name, values in times.items()}
    print(f"sample     {median['sample']:.3f} s (median of {args.runs})")
    print(f"baseline   {median['baseline']:.3f} s (csv.DictReader + random.sample + DictWriter)")
    print(f"read only  {median['read only']:.3f} s (the CSV gate alone)")
    print(f"ratio sample/baseline {median['sample'] / median['baseline']:.1f}x; "
          f"the draw, assignment and check after reading: "
          f"{median['sample'] - median['read only']:.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
