"""What the dashboard costs after an answer, beside a frame and a bare Textual app's redraw.

On the 61-case demo inspection, with the dashboard showing over an interview, answers are
committed one after another (a key question flipped between yes and no, at a person's pace);
each reaches the app, which tells the dashboard, which reads every theme's figures again on the
writer thread and redraws the score table and the chosen theme's chart. Measured per answer:

- recompute: figure_calls.dashboard_figures on the writer thread (db.reporting.figures for every
theme,
  the judgements and the groups the pickers offer);
- redraw: the interface thread's work for it, DashboardScreen.show (the widgets take the new
  figures) plus the screen update that lays out, renders and writes the frame;
- answer committed -> dashboard frame: from the app learning of the committed answer to that
  frame (asking the writer, recompute, reply, redraw, and the wait for Textual's frame clock,
  which draws on a fixed 1/60 s grid and, after a frame drawn moments before, skips a tick);

each at 80x24 and 120x40, for all cases and for girls beside the rest. Baselines from the same
run: one frame at 60 Hz (16.7 ms) and a bare Textual app whose key handler updates a Label:
its work (handler plus screen update) and its key -> frame time (as in bench/keypress.py).

Run by hand: `python bench/redraw.py [--answers 200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from keypress import BARE_APP, FrameClock, human_pause, press  # noqa: E402

FRAME_MS = 1000 / 60


class UpdateTimer:
    """Times each screen update (layout, render, write) that put a changed frame out."""

    def __init__(self, clock: FrameClock) -> None:
        from textual.screen import Screen

        self.clock = clock
        self.durations: list[float] = []
        self._screen = Screen
        self._original = original = Screen._on_timer_update

        def timed(screen: Any) -> None:
            seen = clock.seen
            start = time.perf_counter()
            original(screen)
            if clock.seen != seen:
                self.durations.append(time.perf_counter() - start)

        Screen._on_timer_update = timed  # type: ignore[method-assign]

    def restore(self) -> None:
        self._screen._on_timer_update = self._original  # type: ignore[method-assign]


async def dashboard_answers(path: Path, answers: int, size: tuple[int, int], compare: bool
                            ) -> dict[str, list[float]]:  # fmt: skip
    from audit_tui import figure_calls
    from audit_tui.app import AuditApp, make_app
    from audit_tui.screens.case_list import CaseListScreen
    from audit_tui.screens.dashboard import DashboardScreen
    from audit_tui.screens.interview import InterviewScreen

    app = make_app(path, remember=False)
    clock = FrameClock(app)
    updates = UpdateTimer(clock)
    times: dict[str, list[float]] = {"recompute": [], "redraw": [], "end_to_end": []}
    shows: list[float] = []
    marks: dict[str, float] = {}
    read, show, changed = (
        figure_calls.dashboard_figures,
        DashboardScreen.show,
        AuditApp.figures_changed,
    )

    def timed_read(store: Any, breakdown: Any) -> Any:
        start = time.perf_counter()
        result = read(store, breakdown)
        times["recompute"].append(time.perf_counter() - start)
        return result

    def timed_show(self: Any, figures: Any) -> None:
        start = time.perf_counter()
        show(self, figures)
        shows.append(time.perf_counter() - start)
        clock.changed()

    def timed_changed(self: Any) -> None:
        marks["committed"] = time.perf_counter()
        changed(self)

    figure_calls.dashboard_figures = timed_read  # type: ignore[assignment]
    DashboardScreen.show = timed_show  # type: ignore[method-assign]
    AuditApp.figures_changed = timed_changed  # type: ignore[method-assign]
    pacing = random.Random(2015)
    try:
        async with app.run_test(size=size) as pilot:
            while not (isinstance(app.screen, CaseListScreen) and app.screen.query("#cases")):
                await pilot.pause(0.01)
            await pilot.press("enter")
            while not (isinstance(app.screen, InterviewScreen) and app.screen.state is not None):
                await pilot.pause(0.01)
            interview = app.screen
            state = interview.state
            question = next(q for q in state.bank.questions if q.key and state.applies(q.id))
            await pilot.press("f2")
            while not (isinstance(app.screen, DashboardScreen) and app.screen.figures):
                await pilot.pause(0.01)
            dashboard = app.screen
            if compare:
                from audit_tui.figure_calls import Breakdown

                dashboard.set_breakdown(Breakdown(compare=("gender", "female")))
                while dashboard.figures.breakdown.compare is None:
                    await pilot.pause(0.01)
            for _ in times:
                times[_].clear()
            shows.clear()
            updates.durations.clear()
            for n in range(answers):
                clock.event.clear()
                value = "no" if n % 2 else "yes"  # a no needs its note in fji-2014
                interview.submit_answer(question.id, value, "bench note", False)
                await asyncio.wait_for(clock.event.wait(), timeout=30)
                times["redraw"].append(shows[-1] + updates.durations[-1])
                times["end_to_end"].append(clock.frame_at - marks["committed"])
                await human_pause(pacing)
    finally:
        updates.restore()
        figure_calls.dashboard_figures = read  # type: ignore[assignment]
        DashboardScreen.show = show  # type: ignore[method-assign]
        AuditApp.figures_changed = changed  # type: ignore[method-assign]
    return times


async def bare_redraws(presses: int) -> dict[str, list[float]]:
    """The bare app: its handler plus screen update, and key -> frame, paced like a person."""
    namespace: dict[str, Any] = {}
    exec(BARE_APP.replace('if __name__ == "__main__":', "if False:"), namespace)
    app = namespace["Bare"]()
    clock = FrameClock(app)
    updates = UpdateTimer(clock)
    pacing = random.Random(2015)
    handler = app.action_press
    handled: list[float] = []

    def counted_press() -> None:
        start = time.perf_counter()
        handler()
        handled.append(time.perf_counter() - start)
        clock.changed()

    app.action_press = counted_press
    latency: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            updates.durations.clear()
            for _ in range(presses):
                latency.append(await press(app, clock, "y"))
                await human_pause(pacing)
    finally:
        updates.restore()
    work = [h + u for h, u in zip(handled, updates.durations, strict=False)]
    return {"redraw": work, "end_to_end": latency}


def ms(values: list[float]) -> tuple[float, float]:
    return statistics.median(values) * 1000, statistics.quantiles(values, n=10)[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    from db.reporting.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        import os

        os.environ["AUDIT_TUI_HOME"] = str(work / "home")
        demo = build_demo(work / "demo.sqlite")
        results = {}
        for size in ((80, 24), (120, 40)):
            for compare in (False, True):
                copy = work / f"run-{size[0]}-{compare}.sqlite"
                shutil.copy(demo, copy)
                results[size, compare] = asyncio.run(
                    dashboard_answers(copy, args.answers, size, compare)
                )
        bare = asyncio.run(bare_redraws(args.answers))
    print(f"61 cases, {args.answers} answers per run; median and 90th percentile in ms")
    print(f"{'':<44} {'median':>8} {'p90':>8}")
    for (size, compare), times in results.items():
        scope = "girls beside the rest" if compare else "all cases"
        print(f"{size[0]}x{size[1]}, {scope}")
        for name, label in (
            ("recompute", "  recompute (writer thread)"),
            ("redraw", "  redraw (show + screen update, UI thread)"),
            ("end_to_end", "  answer committed -> dashboard frame"),
        ):
            median, p90 = ms(times[name])
            print(f"{label:<44} {median:8.1f} {p90:8.1f}")
    print(f"{'baseline: one frame at 60 Hz':<44} {FRAME_MS:8.1f}")
    for name, label in (
        ("redraw", "baseline: bare Textual app, label redraw"),
        ("end_to_end", "baseline: bare Textual app, key -> frame"),
    ):
        median, p90 = ms(bare[name])
        print(f"{label:<44} {median:8.1f} {p90:8.1f}")


if __name__ == "__main__":
    main()
