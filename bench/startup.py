"""How fast audit-tui comes up, beside a bare Textual app doing the same, in the same run.

1. Start -> first interactive frame: `audit-tui open FILE` on the 61-case demo in a
   pseudo-terminal, from spawning the process to the case list's first output with its cases
   ("cases shown"). Floor: a bare Textual app started the same way, to its label's first output.
2. Start, Enter -> interview: the same, Enter pressed as soon as the list shows, to the
   interview's first question on screen ("Section " under it). Floor: the bare app started the
   same way, Enter pressed as soon as its label shows, to a pushed screen's label.

3. Of the Enter measure, what the stack alone costs: a bare Python process with the app's
   settings (no pydantic plugins, no cyclic collector) importing pydantic and the bank's models
   and validating the demo's stored bank, as the store does when it opens the file. The rest of
   Enter is the interface's own (the store's reads, the interview's widgets, its first frame).

Each run alternates the measures, so a busy machine weighs on both sides alike; the
figures are medians. Run by hand: `python bench/startup.py [--runs 7]`.

Both sides run as installed: every module they import has its bytecode cached, as pip leaves
an installed audit-tui and Textual (it compiles them as it installs). A development checkout
run with PYTHONDONTWRITEBYTECODE (as the project's shells set it) would otherwise compile
every audit-tui module from source at each start, while Textual's come compiled: so the
children cache their bytecode under the run's temporary folder (PYTHONPYCACHEPREFIX), filled by
one unmeasured round first. `--compile-each-start` measures the development checkout as it
runs, compiling audit-tui's modules at every start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from keypress import BARE_APP

BARE_PUSH = """
from textual.app import App
from textual.screen import Screen
from textual.widgets import Label

class Pushed(Screen):
    def compose(self):
        yield Label("pushed screen ready")

class Bare(App):
    BINDINGS = [("enter", "push", "push")]

    def compose(self):
        yield Label("bare app ready", id="label")

    def action_push(self):
        self.push_screen(Pushed())

if __name__ == "__main__":
    Bare().run()
"""


class _Reader:
    """Reads a pseudo-terminal's output as it comes; `at`: when the last read returned."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.at = 0.0

    def __call__(self) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], 30)
        if not ready:
            raise RuntimeError("no output within 30 s")
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            data = b""
        except OSError as exc:
            raise RuntimeError("the program ended") from exc
        self.at = time.perf_counter()
        return data


@contextlib.contextmanager
def spawned(
    argv: list[str], env: dict[str, str]
) -> Iterator[tuple[float, _Reader, Callable[[bytes], int]]]:
    """argv started in a pseudo-terminal: (when it was spawned, its output, its input); it
    is killed when the block ends."""
    main, child = pty.openpty()
    os.set_blocking(main, False)
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(child)
    try:
        yield start, _Reader(main), lambda data: os.write(main, data)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(main)


def first_output(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning argv in a pseudo-terminal to the marker appearing in its output."""
    with spawned(argv, env) as (start, read, _):
        seen = b""
        while marker not in seen:
            seen += read()
        return read.at - start


def start_then_enter(argv: list[str], ready: bytes, shown: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning argv to `shown` in its output, Enter pressed once `ready` shows."""
    with spawned(argv, env) as (start, read, write):
        seen = b""
        while ready not in seen:
            seen += read()
        write(b"\r")
        seen = b""
        while shown not in seen:
            seen += read()
        return read.at - start


BANK_MODELS = """
import gc, json, sys, time
gc.disable()
bank_json = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
from question_bank.loader import validate_bank
validate_bank(json.loads(bank_json))
print(time.perf_counter() - start)
"""


def bank_models(script: Path, bank_json: Path, env: dict[str, str]) -> float:
    """Seconds a bare process takes to import pydantic and the bank's models and validate the
    stored bank (the part of opening an interview that comes with the stack)."""
    argv = [sys.executable, str(script), str(bank_json)]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--compile-each-start",
        action="store_true",
        help="no bytecode cache for the children: audit-tui's modules compiled at every start",
    )
    args = parser.parse_args()
    from db.reporting.demo import build_demo

    script = Path(sys.executable).with_name("audit-tui")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(
            os.environ,
            TERM="xterm-256color",
            COLUMNS="120",
            LINES="40",
            AUDIT_TUI_HOME=str(work / "home"),
        )
        os.environ["AUDIT_TUI_HOME"] = env["AUDIT_TUI_HOME"]
        if not args.compile_each_start:
            env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        demo = build_demo(work / "demo.sqlite")
        stored_bank = work / "bank.json"
        with contextlib.closing(sqlite3.connect(demo)) as conn:
            (text,) = conn.execute(
                "SELECT canonical_json FROM bank JOIN inspection ON content_hash = bank_hash"
            ).fetchone()
        stored_bank.write_text(text, encoding="utf-8")
        models = work / "bank_models.py"
        models.write_text(BANK_MODELS, encoding="utf-8")
        bare, push = work / "bare_app.py", work / "bare_push.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        push.write_text(BARE_PUSH, encoding="utf-8")
        figures: dict[str, list[float]] = {}
        # Round -1 is not measured: it fills the bytecode cache of both sides.
        first_round = 0 if args.compile_each_start else -1
        for run in range(first_round, args.runs):
            first, second = work / f"start-{run}.sqlite", work / f"enter-{run}.sqlite"
            shutil.copy(demo, first)
            shutil.copy(demo, second)
            measures = {
                "ours start": partial(
                    first_output, [str(script), "open", str(first)], b"cases shown", env
                ),
                "bare start": partial(
                    first_output, [sys.executable, str(bare)], b"bare app ready", env
                ),
                "ours enter": partial(
                    start_then_enter,
                    [str(script), "open", str(second)],
                    b"cases shown",
                    b"Section ",
                    env,
                ),
                "bare enter": partial(
                    start_then_enter,
                    [sys.executable, str(push)],
                    b"bare app ready",
                    b"pushed screen ready",
                    env,
                ),
                "bank models": partial(
                    bank_models, models, stored_bank, dict(env, PYDANTIC_DISABLE_PLUGINS="__all__")
                ),
            }
            for name, measure in measures.items():
                seconds = measure()
                if run >= 0:
                    figures.setdefault(name, []).append(seconds)
    cache = "compiled at each start" if args.compile_each_start else "bytecode cached, as installed"
    heading = f"{'':<42} {'audit-tui':>10} {'bare app':>10} {'ratio':>7}"
    print(f"{heading}  (median of {args.runs}; {cache})")
    for label, ours, theirs in (
        ("start -> first interactive frame", "ours start", "bare start"),
        ("start, Enter -> interview / pushed screen", "ours enter", "bare enter"),
    ):
        a, b = statistics.median(figures[ours]) * 1000, statistics.median(figures[theirs]) * 1000
        print(f"{label:<42} {a:7.1f} ms {b:7.1f} ms {a / b:6.2f}x  (target 1.5x)")
    median = {name: statistics.median(values) * 1000 for name, values in figures.items()}
    enter, push = (
        median["ours enter"] - median["ours start"],
        median["bare enter"] - median["bare start"],
    )
    models = median["bank models"]
    print(f"{'Enter alone (the second less the first)':<42} {enter:7.1f} ms {push:7.1f} ms")
    print(f"{'  of which pydantic + the bank validated':<42} {models:7.1f} ms  (bare process)")
    print(f"{'  the rest: store, interview, frame':<42} {enter - models:7.1f} ms {push:7.1f} ms")


if __name__ == "__main__":
    main()
