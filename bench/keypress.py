"""How fast the interview answers, beside a bare Textual app measured the same way in the same run.

1. Key press to updated score: the time from an answer key reaching the app (sent as the
   terminal driver sends it) to the first frame rendered after the score panel took the new
   scores, which the interview computes from its in-memory tally as it handles the key; the
   commit follows on the writer thread ("saving", then "✓ saved"). Median of a few hundred
   presses on the full 61-case demo inspection, at a person's pace (20-60 ms apart at random,
   so presses fall at every phase of the frame clock).
   Baseline: a bare Textual app whose key handler updates a Label, to the first frame after
   the update, paced the same way.
Each run alternates the two sides; the figures are medians over every run's presses, and each
run's own are printed too. Start-up is bench/startup.py's.

Run by hand: `python bench/keypress.py [--presses 300] [--runs 3] [--busy]`; `--busy` measures
beside a competing CPU-heavy process (one of the machine's cores kept busy), both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    BINDINGS = [("y", "press", "press")]
    count = 0

    def compose(self):
        yield Label("bare app ready", id="label")

    def action_press(self):
        self.count += 1
        self.query_one(Label).update(f"pressed {self.count}")

if __name__ == "__main__":
    Bare().run()
"""


class FrameClock:
    """Hooks an app's frame output: the time of the first frame after a marked change."""

    def __init__(self, app: Any) -> None:
        self.changes = 0
        self.seen = 0
        self.frame_at = 0.0
        self.event = asyncio.Event()
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None and self.changes > self.seen:
                self.seen = self.changes
                self.frame_at = time.perf_counter()
                self.event.set()

        app._display = display

    def changed(self) -> None:
        self.changes += 1


async def press(app: Any, clock: FrameClock, key: str) -> float:
    """Send one key the way the terminal driver does; seconds until the changed frame."""
    from textual import events

    clock.event.clear()
    event = events.Key(key, key)
    event.set_sender(app)
    start = time.perf_counter()
    app._driver.send_message(event)
    await asyncio.wait_for(clock.event.wait(), timeout=30)
    return clock.frame_at - start


async def human_pause(pacing: random.Random | None) -> None:
    """A gap between presses at a random phase of Textual's frame clock (it draws on a fixed
    1/60 s grid), as a person's key presses are; back-to-back presses lock onto that grid."""
    if pacing is not None:
        await asyncio.sleep(pacing.uniform(0.02, 0.06))


async def audit_presses(path: Path, presses: int, paced: bool = True) -> list[float]:
    from audit_tui.app import make_app
    from audit_tui.screens.case_list import CaseListScreen
    from audit_tui.screens.interview import InterviewScreen
    from audit_tui.widgets.theme_scores import ThemeScores

    app = make_app(path, remember=False)
    clock = FrameClock(app)
    pacing = random.Random(2015) if paced else None
    show = ThemeScores.show

    def counted_show(self: ThemeScores, *scopes: Any) -> None:
        show(self, *scopes)
        clock.changed()

    ThemeScores.show = counted_show  # type: ignore[method-assign]
    times: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while len(times) < presses:
                await _open_next_case(app, pilot, CaseListScreen, InterviewScreen)
                screen = app.screen
                state = screen.state
                while len(times) < presses:
                    key = "a" if len(times) % 4 == 3 else "y"
                    question = state.current
                    # only keys the question's scale has and that need no note (fji-2014 2.0
                    # asks classifications on scales without N/A)
                    usable = [
                        o.key
                        for o in state.bank.scale_of(question).options
                        if o.value not in question.note_required_for
                    ]
                    if key not in usable:
                        key = "y"
                    times.append(await press(app, clock, key))
                    await human_pause(pacing)
                    if state.is_answered(state.current.id) and not state.next_unanswered():
                        break
                await pilot.press("escape")
                await pilot.pause()
    finally:
        ThemeScores.show = show  # type: ignore[method-assign]
    return times


async def _open_next_case(app: Any, pilot: Any, case_list: type, interview: type) -> None:
    """From the case list, open the first case not yet started."""
    while not (isinstance(app.screen, case_list) and app.screen.query("#cases")):
        await pilot.pause(0.01)
    await pilot.pause()
    screen = app.screen
    if screen.progress_filter != "not_started":
        await pilot.press("p")
    await pilot.press("enter")
    while not (isinstance(app.screen, interview) and app.screen.state is not None):
        await pilot.pause(0.01)


async def bare_presses(presses: int, paced: bool = True) -> list[float]:
    namespace: dict[str, Any] = {}
    exec(BARE_APP.replace('if __name__ == "__main__":', "if False:"), namespace)
    app = namespace["Bare"]()
    clock = FrameClock(app)
    pacing = random.Random(2015) if paced else None
    update = app.action_press

    def counted_press() -> None:
        update()
        clock.changed()

    app.action_press = counted_press
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(presses):
            times.append(await press(app, clock, "y"))
            await human_pause(pacing)
    return times


def spin() -> None:
    """A competing CPU-heavy process (the machine is not the benchmark's alone)."""
    while True:
        sum(i * i for i in range(10_000))


def report(name: str, ours: list[float], bare: list[float]) -> None:
    a, b = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    print(f"{name:<38} {a:9.1f} ms {b:9.1f} ms {a / b:7.2f}x   (n={len(ours)}, {len(bare)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=300, help="presses per run and side")
    parser.add_argument("--runs", type=int, default=3, help="alternated runs of each side")
    parser.add_argument(
        "--busy", action="store_true", help="measure beside a competing CPU-heavy process"
    )
    args = parser.parse_args()
    if args.busy:
        competitor = multiprocessing.get_context("spawn").Process(target=spin, daemon=True)
        competitor.start()
        print("measured beside a competing CPU-heavy process (one core busy)")
    from db.reporting.demo import build_demo

    audit: list[float] = []
    bare: list[float] = []
    audit_burst: list[float] = []
    bare_burst: list[float] = []
    per_run: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["AUDIT_TUI_HOME"] = str(work / "home")
        demo = build_demo(work / "demo.sqlite")
        for run in range(args.runs):
            shutil.copy(demo, work / f"paced-{run}.sqlite")
            shutil.copy(demo, work / f"burst-{run}.sqlite")
            ours = asyncio.run(audit_presses(work / f"paced-{run}.sqlite", args.presses))
            theirs = asyncio.run(bare_presses(args.presses))
            audit += ours
            bare += theirs
            per_run.append((statistics.median(ours), statistics.median(theirs)))
            audit_burst += asyncio.run(
                audit_presses(work / f"burst-{run}.sqlite", args.presses, False)
            )
            bare_burst += asyncio.run(bare_presses(args.presses, False))
    print(f"{'':<38} {'audit-tui':>12} {'bare app':>12} {'ratio':>8}")
    report("answer key -> updated score (median)", audit, bare)
    report("  same, presses back to back", audit_burst, bare_burst)
    runs = ", ".join(f"{a * 1000:.1f}/{b * 1000:.1f} ms" for a, b in per_run)
    print(f"each run's medians, audit-tui/bare: {runs} (target 1.5x)")
    p90 = statistics.quantiles(audit, n=10)[-1] * 1000
    print(
        f"answer key -> updated score, 90th percentile: {p90:.1f} ms; "
        f"cases: 61, questions answered: {len(audit)}"
    )
    print("start-up figures: bench/startup.py")


if __name__ == "__main__":
    main()
