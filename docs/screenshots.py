"""Make the README's screenshots again from the demo inspections, at 120x40.

Run by hand after a change to what the screens show: `python docs/screenshots.py`.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from audit_tui.app import make_app
from db.reporting.demo import build_demo

OUT = Path(__file__).parent


async def interview(demo):
    app = make_app(demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(40):
            await pilot.pause()
        await pilot.press("down", "down")
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause()
        await pilot.press("y")
        for _ in range(40):
            await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(20):
            await pilot.pause()
        app.save_screenshot(str(OUT / "screenshot-interview.svg"))
        print(app.screen.sub_title)


async def dashboard(demo, name):
    app = make_app(demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(40):
            await pilot.pause()
        await pilot.press("f2")
        for _ in range(60):
            await pilot.pause()
        app.save_screenshot(str(OUT / name))
        print(app.screen.sub_title)


tmp = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
fji = build_demo(tmp / "demo-fji-2014.sqlite")
asyncio.run(interview(fji))
asyncio.run(dashboard(build_demo(tmp / "demo-fji-2014b.sqlite"), "screenshot-dashboard.svg"))
asyncio.run(
    dashboard(
        build_demo(tmp / "demo-yjs-2021.sqlite", bank_id="yjs-2021"), "screenshot-dashboard-yjs.svg"
    )
)
