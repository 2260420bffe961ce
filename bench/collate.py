"""Benchmark: collating a stress inspection (150 inspector files, about a million answers).

Run by hand: `python bench/collate.py [--files 150] [--cases 60] [--dir PATH] [--runs 3]
[--busy] [--growth]`.

The inspector files are generated fast with direct SQL into copies of one real inspection file
(same schema, fji-2014, valid hash-chained history, answers matching it), so every check of
collation passes. In the same run, on the same disk:

- `collate`: db.collation.collate.collate of all files into one new file, then every theme's score
  (db.reporting.figures) computed on it;
- `raw`: a plain sqlite3 ATTACH and INSERT ... SELECT of the same rows (cases, applicability,
  answers, history with its stored hashes, statuses, inspectors) from every file into a copy of
  the same empty schema, with the same pragmas as collation's bulk load; no checks, no merge;
- the parts of collation on their own: the input checks (private copy, schema, integrity,
  history chain verified, each input's facts read and validated by the process checking it)
  and the merge and write;
- collating the output again with one of its inputs (which brings nothing new);
- how collation's time grows from 6 to all the files.

Each measurement runs in a fresh process, so its peak RSS (ru_maxrss) is its own, beside the
largest peak of the processes it started (collation's checks and history chain); tracemalloc
gives the peak of Python's own allocations. Raw and collate are measured `--runs` times,
alternated, and their medians compared, in seconds and in CPU seconds (the process's own and its
processes': on a shared machine the wall clock says what another program's load did too); the
load average is printed at the start and the end. `--busy` measures beside a competing CPU-heavy
process (the loaded figure); `--dir` keeps the generated files for the next run. Target: collate
within 1.5x of raw, loaded too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.file import history_chain
from db.file.cases import case_row
from db.file.store import InspectionStore
from db.reporting.demo import demo_cases
from question_bank.loader import load_shipped

HISTORY_FIELDS = history_chain.CHAINED_FIELDS
YES_NO_NA = ["yes", "no", "na"]
BULK = ("PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -65536")


def initials(index: int) -> str:
    letters = ""
    index += 26 * 27  # three letters at least
    while index:
        index, rest = divmod(index, 26)
        letters = chr(65 + rest) + letters
    return letters


def make_template(folder: Path) -> Path:
    template = folder / "template.sqlite"
    template.unlink(missing_ok=True)
    store = InspectionStore.create(
        template, area="Stress", bank=load_shipped("fji-2014"), lead="LEAD",
        inspection_id="5" * 32,
    )  # fmt: skip
    store.close()
    conn = sqlite3.connect(template)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return template


def make_inspector_file(template: Path, target: Path, index: int, cases: int) -> int:
    """One inspector's file: `cases` cases, every applicable question answered. Returns answers."""
    bank = load_shipped("fji-2014")
    rng = random.Random(index)
    who = initials(index)
    shutil.copyfile(template, target)
    conn = sqlite3.connect(target, isolation_level=None)
    for pragma in BULK:
        conn.execute(pragma)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO inspectors (initials, added_at) VALUES (?, ?)", (who, "2015-03-09"))
    previous = history_chain.genesis("5" * 32)
    next_id = 1
    answers, history, applicability, rows, statuses = [], [], [], [], []
    day = f"2015-03-{16 + index % 5:02d}"
    for number, record in enumerate(demo_cases(rng, cases), start=1):
        ref = f"S{index:03d}C{number:03d}"
        record = record.model_copy(update={"case_ref": ref, "inspector": who})
        rows.append(case_row(record) | {"position": number, "added_at": "2015-03-09"})
        values = record.condition_values()
        minute = 0
        for question in bank.questions:
            applies = question.applies(values)
            applicability.append((ref, question.id, int(applies)))
            if not applies or question.classifies:  # a classification would move applicability
                continue
            options = [o.value for o in bank.scales[question.scale].options]
            value = rng.choice(("yes", "yes", "no", "na") if options == YES_NO_NA else options)
            note = "evidence" if value in question.note_required_for else None
            minute += 1
            at = f"{day}T{9 + minute // 60:02d}:{minute % 60:02d}:00.000+00:00"
            answers.append((ref, question.id, "primary", value, note, who, bank.version, at))
            fields = (ref, question.id, "primary", "answer", None, value, None, note, who, at, None)
            previous = history_chain.row_hash(previous, fields)
            history.append((next_id, *fields, previous))
            next_id += 1
        statuses.append((ref, "in_progress", day, who))
    names = list(rows[0])
    conn.executemany(
        f"INSERT INTO cases ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [tuple(r.values()) for r in rows],
    )
    conn.executemany("INSERT INTO applicability VALUES (?, ?, ?)", applicability)
    conn.executemany(
        "INSERT INTO case_status (case_ref, status, changed_at, changed_by) VALUES (?, ?, ?, ?)",
        statuses,
    )
    conn.executemany(
        "INSERT INTO answers (case_ref, question_id, role, value, note, inspector, bank_version, "
        "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        answers,
    )
    conn.executemany(
        f"INSERT INTO answer_history (id, {', '.join(HISTORY_FIELDS)}, hash) "
        f"VALUES ({', '.join('?' for _ in range(len(HISTORY_FIELDS) + 2))})",
        history,
    )
    conn.execute("COMMIT")
    conn.close()
    return len(answers)


# -- what is measured (each in its own process) -------------------------------------------------


def run_collate(files: list[str], out: str) -> dict[str, Any]:
    from db.collation.collate import collate
    from db.reporting import figures

    start = time.perf_counter()
    summary = collate([Path(f) for f in files], Path(out))
    collated = time.perf_counter()
    with InspectionStore.open(out, readonly=True) as store:
        opened = time.perf_counter()
        scores = [t.percent for t in figures.theme_scores(store)]
    return {
        "answers": summary.answers,
        "history": summary.history,
        "scores": scores,
        "collate_seconds": collated - start,
        "open_seconds": opened - collated,
        "scores_seconds": time.perf_counter() - opened,
    }


def run_again(output: str, one: str, out: str) -> dict[str, Any]:
    """Collate an output again with one of its inputs (into a copy of it: the output's place)."""
    from db.collation.collate import collate

    shutil.copyfile(output, out)
    start = time.perf_counter()
    summary = collate([Path(one)], Path(out))
    return {"answers": summary.answers, "collate_seconds": time.perf_counter() - start}


def run_checks(files: list[str], out: str) -> dict[str, Any]:
    from db.collation import merge
    from db.collation.collate import workspace
    from db.collation.inputs import check_inputs

    with workspace(Path(out)) as work:  # as collate checks them, facts read by the same process
        jobs = [(index, Path(path)) for index, path in enumerate(files, start=1)]
        check_inputs(jobs, work, None, merge.read_facts)
    return {}


def run_raw(files: list[str], out: str, template: str) -> dict[str, Any]:
    shutil.copyfile(template, out)
    conn = sqlite3.connect(f"file:{out}", uri=True, isolation_level=None)
    for pragma in BULK:
        conn.execute(pragma)
    fields = ", ".join(HISTORY_FIELDS)
    for path in files:
        conn.execute("ATTACH DATABASE ? AS src", (f"file:{path}?mode=ro",))
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO main.inspectors SELECT * FROM src.inspectors")
        conn.execute("INSERT INTO main.cases SELECT * FROM src.cases")
        conn.execute("INSERT INTO main.applicability SELECT * FROM src.applicability")
        conn.execute("INSERT INTO main.case_status SELECT * FROM src.case_status")
        conn.execute("INSERT INTO main.answers SELECT * FROM src.answers")
        conn.execute(
            f"INSERT INTO main.answer_history ({fields}, hash) "
            f"SELECT {fields}, hash FROM src.answer_history ORDER BY id"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    (answers,) = conn.execute("SELECT COUNT(*) FROM answers").fetchone()
    conn.close()
    return {"answers": answers}


def _measured(
    job: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any, traced: bool
) -> None:
    if traced:  # tracemalloc slows Python's allocations, so timed runs go without it
        tracemalloc.start()
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    result = job(*args)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_before
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # Collation's own processes (input checks, the history's chain): the largest of them.
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    queue.put(
        {
            "seconds": seconds,
            "cpu": cpu,
            "python_peak": peak,
            "rss": rss,
            "child_rss": child_rss,
            **result,
        }
    )


def cpu_seconds() -> float:
    """CPU time of this process and of the processes it started and waited for (user + system).

    Beside a busy machine's noisy wall clock, the work done: what another program's load can
    stretch but hardly inflate.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(job: Callable[..., dict[str, Any]], *args: Any, traced: bool = False) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measured, args=(job, args, queue, traced))
    process.start()
    result = queue.get()
    process.join()
    return dict(result)


def mb(count: float) -> str:
    return f"{count / 2**20:7.1f} MB"


def busy() -> None:
    """A competing CPU-heavy process (the machine is not the benchmark's alone)."""
    while True:
        sum(i * i for i in range(10_000))


def generate(folder: Path, count: int, cases: int) -> list[str]:
    """The inspector files (kept in `folder` and reused when they are there already)."""
    inputs = folder / "inputs"
    inputs.mkdir(exist_ok=True)
    start = time.perf_counter()
    template = make_template(folder)
    files = []
    for index in range(count):
        path = inputs / f"inspector-{index:03d}-{cases}.sqlite"
        if not path.exists():
            staged = path.with_suffix(".partial")
            make_inspector_file(template, staged, index, cases)
            staged.rename(path)
        files.append(str(path))
    size = sum(Path(f).stat().st_size for f in files)
    print(
        f"{count} inspector files, {count * cases} cases, {mb(size).strip()} "
        f"(ready in {time.perf_counter() - start:.1f} s, in {folder})"
    )
    return files


def median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=150)
    parser.add_argument("--cases", type=int, default=60, help="cases per inspector file")
    parser.add_argument("--dir", type=Path, default=None, help="keep (and reuse) the files here")
    parser.add_argument("--runs", type=int, default=3, help="alternated runs of raw and collate")
    parser.add_argument(
        "--busy", action="store_true", help="measure beside a competing CPU-heavy process"
    )
    parser.add_argument("--growth", action="store_true", help="also time 6 to all the files")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-collate-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = generate(folder, args.files, args.cases)
    template = str(folder / "template.sqlite")

    def out(name: str) -> str:
        path = folder / name
        path.unlink(missing_ok=True)
        return str(path)

    print("load average at the start: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    competitor = None
    if args.busy:
        competitor = multiprocessing.get_context("spawn").Process(target=busy, daemon=True)
        competitor.start()
        print("measured beside a competing CPU-heavy process (one core busy)")
    try:
        raws, fulls = [], []
        for _ in range(args.runs):  # alternated, so a change of load falls on both
            raws.append(measure(run_raw, files, out("raw.sqlite"), template))
            fulls.append(measure(run_collate, files, out("collated.sqlite")))
        checks = measure(run_checks, files, out("checks.sqlite"))
        traced = measure(run_collate, files, out("traced.sqlite"), traced=True)
        report(raws, fulls, checks, traced)
        collated = str(folder / "collated.sqlite")
        again = [measure(run_again, collated, files[7], out("again.sqlite")) for _ in range(3)]
        seconds = median(again, "collate_seconds")
        print(
            f"collate the output again with one of its inputs (median of 3): {seconds:.2f} s, "
            f"{seconds / median(raws, 'seconds'):.2f}x raw, "
            f"{seconds / median(fulls, 'collate_seconds'):.2f}x a fresh collate"
        )
        if args.growth:
            growth(files, template, out)
        print("load average at the end: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    finally:
        if competitor is not None:
            competitor.terminate()
            competitor.join()


def report(
    raws: list[dict[str, Any]],
    fulls: list[dict[str, Any]],
    checks: dict[str, Any],
    traced: dict[str, Any],
) -> None:
    answers = {r["answers"] for r in raws + fulls}
    assert len(answers) == 1, answers
    raw = median(raws, "seconds")
    print(f"{answers.pop()} answers; scores of the collated file: {fulls[0]['scores']}")
    raw_runs = " ".join(f"{r['seconds']:.1f}" for r in raws)
    collate_runs = " ".join(f"{f['collate_seconds']:.1f}" for f in fulls)
    print(f"runs in seconds: raw {raw_runs}; collate {collate_runs}")
    print(f"{'median of ' + str(len(raws)) + ' runs':36} {'seconds':>8} {'x raw':>6} "
          f"{'peak RSS':>10} {'children':>10}")  # fmt: skip
    collate_s = median(fulls, "collate_seconds")
    for label, result, seconds in (
        ("raw ATTACH + INSERT ... SELECT", raws[0], raw),
        ("collate, open, scores (all)", fulls[0], median(fulls, "seconds")),
        ("  collate", fulls[0], collate_s),
        ("    of which input checks", checks, checks["seconds"]),
        ("    of which merge and write", fulls[0], collate_s - checks["seconds"]),
        ("  open the result (its checks)", fulls[0], median(fulls, "open_seconds")),
        ("  every theme's score", fulls[0], median(fulls, "scores_seconds")),
    ):
        print(
            f"{label:34} {seconds:8.2f} {seconds / raw:6.2f} {mb(result['rss']):>10} "
            f"{mb(result['child_rss']):>10}"
        )
    raw_cpu, full_cpu = median(raws, "cpu"), median(fulls, "cpu")
    print(
        f"CPU seconds, median (own and its processes'): raw {raw_cpu:.2f}, collate, open, "
        f"scores {full_cpu:.2f} ({full_cpu / raw_cpu:.2f}x raw)"
    )
    print(f"Python's own peak allocation during collate + scores: {mb(traced['python_peak'])}")


def growth(files: list[str], template: str, out: Callable[[str], str]) -> None:
    print("growth with the number of files (collate alone, against raw):")
    for count in sorted({6, 12, 25, 50, 100, len(files)}):
        if count > len(files):
            continue
        part = measure(run_collate, files[:count], out(f"collated-{count}.sqlite"))
        base = measure(run_raw, files[:count], out(f"raw-{count}.sqlite"), template)
        print(
            f"  {count:4} files {part['answers']:8} answers  collate "
            f"{part['collate_seconds']:7.2f} s  raw {base['seconds']:6.2f} s  ratio "
            f"{part['collate_seconds'] / base['seconds']:5.2f}  "
            f"{part['collate_seconds'] / count * 1000:6.1f} ms/file"
        )


if __name__ == "__main__":
    main()
