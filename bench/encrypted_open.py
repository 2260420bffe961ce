"""Benchmark: open + scores on an encrypted inspection file against the same file in the clear.

Run by hand: `python bench/encrypted_open.py [--repeats N] [--dir PATH]`. The file is the demo
inspection (fji-2014, 61 cases, every applicable question answered), plain and encrypted with
`encrypt_file`. Measured in one process, alternated, medians of N runs:

- open (through the gate's checks, read-only) + the theme scores, as a fresh process meets the
  file (every check runs, quick_check included) and as any later open in the process meets it
  (quick_check already passed for this state of the file), plain and encrypted;
- encrypted, the fresh process first derives the key (SQLCipher 4's PBKDF2-HMAC-SHA512, 256,000
  rounds) and gives every connection the raw key; a later open (the store after the checks, the
  tidy of a read-only open, a backup, the interface's writer thread) reuses it;
- `audit-tui scores FILE` as a new process, plain and encrypted (what an inspector waits for).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from db.file import checks
from db.file.connection import derived_key
from db.file.store import InspectionStore
from db.protection.crypto import encrypt_file
from db.reporting import figures
from db.reporting.demo import build_demo

PASSPHRASE = "bench passphrase, not a secret"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def open_and_score(path: Path, passphrase: str | None = None) -> None:
    with InspectionStore.open(path, readonly=True, passphrase=passphrase) as store:
        figures.theme_scores(store)


def first_open(path: Path, passphrase: str | None = None) -> None:
    """As a fresh process: no key derived yet, no state of the file checked yet."""
    derived_key.cache_clear()
    checks._SOUND.clear()
    open_and_score(path, passphrase)


def command(path: Path, home: Path) -> None:
    env = os.environ | {"AUDIT_TUI_PASSPHRASE": PASSPHRASE, "AUDIT_TUI_HOME": str(home)}
    subprocess.run(
        [sys.executable, "-m", "audit_tui", "scores", str(path)],
        check=True,
        capture_output=True,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="alternated runs of each side")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        plain = build_demo(folder / "plain.inspection", answered_share=1.0)
        sealed = folder / "encrypted.inspection"
        shutil.copyfile(plain, sealed)
        encrypt_file(sealed, PASSPHRASE)
        home = folder / "home"
        home.mkdir()
        runs: dict[str, list[float]] = {
            "plain first": [], "plain": [], "first": [], "later": [], "cmd plain": [],
            "cmd encrypted": [],
        }  # fmt: skip
        for _ in range(max(3, args.repeats)):
            runs["plain first"].append(timed(lambda: first_open(plain)))
            runs["plain"].append(timed(lambda: open_and_score(plain)))
            runs["first"].append(timed(lambda: first_open(sealed, PASSPHRASE)))
            runs["later"].append(timed(lambda: open_and_score(sealed, PASSPHRASE)))
            runs["cmd plain"].append(timed(lambda: command(plain, home)))
            runs["cmd encrypted"].append(timed(lambda: command(sealed, home)))
        m = {name: statistics.median(times) for name, times in runs.items()}
        ms = {name: f"{value * 1000:8.1f} ms" for name, value in m.items()}
        print(f"open (checks) + scores, demo fji-2014 fully answered (median of {args.repeats})")
        print(f"  plain, first open in the process             {ms['plain first']}")
        print(f"  encrypted, first open in the process (KDF)   {ms['first']}"
              f"  {m['first'] / m['plain first']:6.2f}x plain")  # fmt: skip
        print(f"  plain, any later open                        {ms['plain']}")
        print(f"  encrypted, any later open (key reused)       {ms['later']}"
              f"  {m['later'] / m['plain']:6.2f}x plain")  # fmt: skip
        print("audit-tui scores FILE, a new process each time")
        print(f"  plain file                                   {ms['cmd plain']}")
        print(f"  encrypted file                               {ms['cmd encrypted']}"
              f"  {m['cmd encrypted'] / m['cmd plain']:6.2f}x plain")  # fmt: skip


if __name__ == "__main__":
    main()
