"""Drawing a key's frame as the key is handled, rather than on Textual's next frame tick.

Textual draws a screen once it is idle: each widget refreshed posts an update to its screen,
the screen's idle resumes its frame timer, and the timer draws on a 60 fps grid, so a frame
due within 1/60 s of the last one (the "✓ saved" redraw) waits for the grid. The interview
draws what an answer key changed at once instead: the repaints the key asked for, in the
same compositor update Textual would run. Anything more (a layout, a scroll, a restyle) is
left to Textual's own frame.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget

# What this reaches into Textual for (private names, Textual 8): a Textual that lacks any of
# them draws as usual, never fails (tests/app/test_answer_commit.py checks they are there).
SCREEN_NAMES = (
    "_layout_required",
    "_scroll_required",
    "_recompose_required",
    "_dirty_widgets",
    "_on_timer_update",
)
WIDGET_NAMES = (
    "_layout_required",
    "_scroll_required",
    "_refresh_styles_required",
    "_recompose_required",
    "_repaint_required",
)


def supported(screen: Screen[Any]) -> bool:
    """Whether this Textual has what draw_now uses (else it leaves drawing to Textual)."""
    return (
        all(hasattr(screen, name) for name in SCREEN_NAMES)
        and hasattr(screen.app, "_batch_count")
        and all(hasattr(screen, name) for name in WIDGET_NAMES)
    )


def draw_now(screen: Screen[Any]) -> bool:
    """Draw the repaints `screen`'s widgets wait for now; False (nothing drawn, Textual draws
    as usual) when the screen is not on top or something needs more than a repaint."""
    if not screen.is_current or not supported(screen) or screen.app._batch_count:
        return False
    if screen._layout_required or screen._scroll_required or screen._recompose_required:
        return False
    dirty: list[Widget] = []
    for widget in screen.walk_children(Widget):
        if (
            widget._layout_required
            or widget._scroll_required
            or widget._refresh_styles_required
            or widget._recompose_required
        ):
            return False
        if widget._repaint_required:
            dirty.append(widget)
    for widget in dirty:
        widget._repaint_required = False
        if widget.display:
            screen._dirty_widgets.add(widget)
    screen._on_timer_update()
    return True
