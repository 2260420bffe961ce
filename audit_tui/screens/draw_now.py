"""Drawing a key's frame as the key is handled, rather than on Textual's next frame tick.

Textual draws a screen once it is idle: each widget refreshed posts an update to its screen,
the screen's idle resumes its frame timer, and the timer draws on a 60 fps grid, so a frame
due within 1/60 s of the last one (the "✓ saved" redraw) waits for the grid. The interview
draws what an answer key changed at once instead: the repaints the key asked for, in the
same compositor update Textual would run. Anything more (a layout, a scroll, a restyle) is
left to Textual's own frame.

It also renders less than Textual's partial update does. Textual crops an update to the box
around every changed region (after an answer: the theme list on the left to the scores at the
bottom right, nearly the whole screen) and renders every widget overlapping that box whole,
the screen and its containers included, to keep the lines that changed. Here each changed cell
range is rendered once, by the front-most widget there, and only on the lines that changed:
the same cells Textual would send, from a fraction of the rendering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual._compositor import Compositor

try:
    from textual._compositor import ChopsUpdate
    from textual._context import visible_screen_stack
except ImportError:  # pragma: no cover - a Textual without them draws as Textual draws
    ChopsUpdate = None  # type: ignore[assignment, misc]

# What this reaches into Textual for (private names, Textual 8): a Textual that lacks any of
# them draws as usual, never fails (tests/app/test_answer_commit.py checks they are there).
SCREEN_NAMES = (
    "_layout_required",
    "_scroll_required",
    "_recompose_required",
    "_dirty_widgets",
    "_on_timer_update",
    "_compositor",
    "_update_timer",
    "_callbacks",
    "_invoke_and_clear_callbacks",
    "_repaint_required",
)
COMPOSITOR_NAMES = ("_dirty_regions", "_regions_to_spans", "visible_widgets", "cuts", "size")
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
        ChopsUpdate is not None
        and all(hasattr(screen, name) for name in SCREEN_NAMES)
        and all(
            hasattr(screen.app, name)
            for name in ("_batch_count", "_display", "_background_screens")
        )
        and all(hasattr(screen, name) for name in WIDGET_NAMES)
        and all(hasattr(screen._compositor, name) for name in COMPOSITOR_NAMES)
    )


def draw_now(screen: Screen[Any]) -> bool:
    """Draw the repaints `screen`'s widgets wait for now; False (nothing drawn, Textual draws
    as usual) when the screen is not on top or something needs more than a repaint."""
    if not screen.is_current or not supported(screen) or screen.app._batch_count:
        return False
    if (
        screen._layout_required
        or screen._scroll_required
        or screen._recompose_required
        or screen._repaint_required
    ):
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
    # What Screen._on_timer_update does for a repaint, with the update rendered here.
    screen._update_timer.pause()
    compositor = screen._compositor
    compositor.update_widgets(screen._dirty_widgets)
    screen._dirty_widgets.clear()
    regions, compositor._dirty_regions = compositor._dirty_regions, set()
    visible_screen_stack.set(screen.app._background_screens)  # as Compositor.render_update
    update = changed_cells(compositor, regions)
    if update is not None:
        screen.app._display(screen, update)
    if screen._callbacks:
        screen.call_next(screen._invoke_and_clear_callbacks)
    return True


def changed_cells(compositor: Compositor, regions: set[Region]) -> ChopsUpdate | None:
    """The update that draws `regions` (screen coordinates): for each changed line, each of
    its cut ranges (where one widget meets another) rendered by the front-most widget there."""
    screen_region = compositor.size.region
    spans = list(compositor._regions_to_spans(r.intersection(screen_region) for r in regions))
    if not spans:
        return None
    cuts = compositor.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]
    wanted: dict[int, set[int]] = {}  # line -> the cuts of its changed spans still to render
    for y, x1, x2 in spans:
        line = cuts[y]
        wanted.setdefault(y, set()).update(
            x for x, end in zip(line, line[1:], strict=False) if x < x2 and end > x1
        )
    # Front-most widget first: the first strip for a cut wins, as in Textual's own update.
    for widget, (region, clip) in compositor.visible_widgets.items():
        if not wanted:
            break
        seen = region.intersection(clip)
        left, right = seen.column_span
        lines = [
            y for y in seen.line_range if y in wanted and any(left <= x < right for x in wanted[y])
        ]
        if lines:
            _take(widget, region, seen, lines, cuts, chops, wanted)
    return ChopsUpdate(chops, spans, [line[1:] for line in cuts])


def _take(
    widget: Widget,
    region: Region,
    seen: Region,
    lines: list[int],
    cuts: list[list[int]],
    chops: list[dict[int, Strip | None]],
    wanted: dict[int, set[int]],
) -> None:
    """Render `widget`'s visible part on `lines` (from the first to the last) and keep the
    cut ranges of them still wanted."""
    top, bottom = lines[0], lines[-1]
    left, right = seen.column_span
    crop = Region(left - region.x, top - region.y, seen.width, bottom - top + 1)
    strips = widget.render_lines(crop)
    for y in lines:
        line_cuts = [x for x in cuts[y] if right >= x >= left]
        pieces = strips[y - top].divide([x - left for x in line_cuts[1:]])
        chop_line, still = chops[y], wanted[y]
        for x, piece in zip(line_cuts, pieces, strict=False):
            if x in still:
                chop_line[x] = piece
                still.discard(x)
        if not still:
            del wanted[y]
