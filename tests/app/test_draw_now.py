"""An answer key's frame, drawn by draw_now, sends the cells a full render would show.

draw_now renders only the changed lines, each cut range by the front-most widget there
(screens/draw_now.py), and KeptRows reuses rows styled before or ahead (widgets/lines.py).
Each update sent is checked against a full render of the screen at that moment from nothing
kept (every widget's styled rows let go): every changed cell is drawn, and drawn as that
render has it, also after the theme changes from dark to light.
"""

from __future__ import annotations

from typing import Any

from textual._compositor import ChopsUpdate
from textual.strip import Strip

from audit_tui.widgets.lines import KeptRows

from .conftest import settle
from .test_interview import open_case

SIZE = (100, 40)


def cells(strip: Strip) -> list[tuple[str, Any]]:
    return [(char, segment.style) for segment in strip for char in segment.text]


def render_afresh(screen: Any) -> list[Strip]:
    """The whole screen as Textual renders it with nothing kept from earlier renders."""
    for widget in screen.walk_children(with_self=True):
        widget._styles_cache.clear()
        if isinstance(widget, KeptRows):
            widget._styled.clear()
    return screen._compositor.render_strips()


def differences(update: ChopsUpdate, full: list[Strip]) -> list[str]:
    """Where the update's cells differ from the full render, or a changed cell is not drawn."""
    found = []
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
            if x >= x2 or end <= x1:
                continue
            if strip is None:
                found.append(f"line {y}, cells {x}-{end}: not drawn")
            elif cells(strip) != cells(full[y].crop(x, end)):
                found.append(f"line {y}, cells {x}-{end}: {strip.text!r} != {full[y].text!r}")
    return found


async def test_each_key_s_frame_draws_what_a_full_render_shows(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, downs=2)
        checked: list[ChopsUpdate] = []
        problems: list[str] = []
        drawn: list[str] = []  # every update shown, to say what happened if none was partial
        display = app._display

        def check(shown_on: Any, renderable: Any) -> None:
            if isinstance(renderable, ChopsUpdate) and shown_on is screen:
                problems.extend(differences(renderable, render_afresh(screen)))
                checked.append(renderable)
            drawn.append(f"{type(renderable).__name__} on {type(shown_on).__name__}")
            display(shown_on, renderable)

        app._display = check  # type: ignore[method-assign]
        for key in ["y", "y", "a", "ctrl+t", "y", "y", "u"]:
            await pilot.press(key)
            await settle(app, pilot)
        # A frame Textual draws whole (a layout, a restyle) holds nothing to check: answer on
        # until three frames were drawn cell by cell.
        for _ in range(20):
            if len(checked) >= 3:
                break
            await pilot.press("y")
            await settle(app, pilot)
        assert len(checked) >= 3, f"too few partial updates: {drawn}"
        assert not problems, problems
