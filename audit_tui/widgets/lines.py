"""Widgets drawn row by row, each row rendered once and repainted only when it changes.

The interview redraws after every answer: a new question, one theme's progress, one row of
scores. Rendering a whole widget again (parsing markup, wrapping, styling every line) costs a
millisecond or more per widget, several per answer. Here a widget gives its lines (markup or
Content); each is rendered once per width and style and kept, and `refresh_rows()` repaints
only the rows that differ from what is on screen. A layout, which Textual does for the whole
screen, is asked for only when the widget's height changes.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

_KEPT_LINES = 2048  # rendered lines kept per widget before they are all let go

Line = str | Content  # a line of Textual markup, or Content
_Row = tuple[Any, int, Line]  # the line's key, which of its wrapped parts, the line


class KeptRows(Widget):
    """Subclasses give `lines(width)`; `refresh_rows()` after they change repaints the rows
    that differ. Any other refresh (a style change, another reactive) draws everything again.
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[_Row] = []
        self._rows_width = -1
        self._rows_stale = True
        self._rendered: dict[tuple[Any, int], list[Strip]] = {}
        self._rendered_for: tuple[Any, ...] = ()
        self._home: Screen[Any] | None = None  # the screen the widget is on (see _selected)
        self._styled: dict[tuple[Any, int], Strip] = {}  # see render_lines
        self._styled_for: tuple[Any, ...] = ()

    def lines(self, width: int) -> list[Line]:
        """The widget's lines for a content width of `width` cells (a long line wraps)."""
        raise NotImplementedError

    # -- updating ----------------------------------------------------------------------------

    def refresh_rows(self, *, layout: bool = False) -> None:
        """Show the current `lines()`: repaint the rows that changed, and lay out the screen
        only if the widget's height changes (or `layout`)."""
        width = self.content_width
        if layout or not self.is_mounted or width <= 0:
            self.refresh(layout=True)
            return
        old = self._rows
        new = self._layout_rows(width)
        self._rows, self._rows_width, self._rows_stale = new, width, False
        height = max(0, self.outer_size.height - self.styles.gutter.height)
        if len(new) > height or (len(new) < height and len(old) >= height):
            self.refresh(layout=True)
            return
        changed = [
            y for y, (was, now) in enumerate(zip(old, new, strict=False)) if was[:2] != now[:2]
        ]
        changed += range(min(len(new), len(old)), max(len(new), len(old)))
        if changed:
            # A region per run of changed rows: a row that stays the same between two that
            # change (a blank line, the scale's keys) is not rendered again.
            super().refresh(*(Region(0, top, width, rows) for top, rows in _runs(changed)))

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> KeptRows:
        if repaint and not regions:
            self._rows_stale = True
            self._styled.clear()  # a style may have changed: style every row again
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    def keep(self, lines: list[Line]) -> None:
        """Render lines likely to be shown next (the next question), without showing them, so
        that showing them later costs nothing. Done when the app is idle."""
        width = self.content_width
        if width > 0:
            selected = self._selected()
            for line in lines:
                self._strips(_key(line), line, width, selected)
            self._style_ahead(lines, width)

    # -- Textual's hooks ---------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout_rows(width))

    def render(self) -> Content:
        """Every line as one Content: what Textual copies a text selection from."""
        width = self.content_region.width or self.size.width
        return Content("\n").join(_content(line) for line in self.lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        if self._selected():
            # The selection's coordinates are the whole text's: render it all (only while
            # text is selected).
            strips = Visual.to_strips(self, self.render(), width, None, self.visual_style)
            return strips[y] if y < len(strips) else Strip.blank(width)
        rows = self._current_rows(width)
        if y >= len(rows):
            return Strip.blank(width, self.visual_style.rich_style)
        key, part, line = rows[y]
        return self._strips(key, line, width, False)[part]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rendered.clear()
        self._styled.clear()

    # -- styled rows -------------------------------------------------------------------------
    # Textual styles each row (padding, colours, opacity) in the widget's StylesCache, kept by
    # row number: a row that shows another line is styled again, some 40 µs a row. With no
    # padding or border above or below the content, a line is styled alike on any row, so
    # here the styled row is also kept by the line it shows, and lines kept ahead (`keep`)
    # are styled ahead, by Textual's own StylesCache.

    def _styling(self) -> tuple[Any, ...] | None:
        """What a styled row depends on besides its line (None: styled rows are not kept)."""
        gutter = self.styles.gutter
        if gutter.top or gutter.bottom or self._selected() or not styles_cache_known(self):
            return None
        size = self.outer_size
        styling = (size.width, self.visual_style, self.background_colors, self.opacity)
        if styling != self._styled_for:
            self._styled.clear()
            self._styled_for = styling
        return styling

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._styling() is None:
            return super().render_lines(crop)
        rows, cache, styled = (
            self._current_rows(self.content_width),
            self._styles_cache,
            self._styled,
        )
        shown = range(crop.y, min(crop.bottom, len(rows)))
        for y in shown:
            if y in cache._dirty_lines or y not in cache._cache:
                strip = styled.get(rows[y][:2])
                if strip is not None:
                    cache._cache[y] = strip
                    cache._dirty_lines.discard(y)
        strips = super().render_lines(crop)
        if len(styled) >= _KEPT_LINES:
            styled.clear()
        for y in shown:
            if y in cache._cache:
                styled[rows[y][:2]] = cache._cache[y]
        return strips

    def _style_ahead(self, lines: list[Line], width: int) -> None:
        """Style the rows `lines` would show (see render_lines), without showing them."""
        cache = self._styles_cache
        if self._styling() is None or cache._width != self.outer_size.width:
            return
        rows = self._rows_for(lines, width)[: self.outer_size.height]
        wanted = [y for y, row in enumerate(rows) if row[:2] not in self._styled]
        if not wanted:
            return
        shown = (self._rows, self._rows_width, self._rows_stale, cache._cache, cache._dirty_lines)
        self._rows, self._rows_width, self._rows_stale = rows, width, False
        cache._cache, cache._dirty_lines = {}, set()
        try:
            top, bottom = wanted[0], wanted[-1]
            cache.render_widget(self, Region(0, top, self.outer_size.width, bottom - top + 1))
            for y in wanted:
                self._styled[rows[y][:2]] = cache._cache[y]
        finally:
            self._rows, self._rows_width, self._rows_stale = shown[:3]
            cache._cache, cache._dirty_lines = shown[3:]

    # -- rendering ---------------------------------------------------------------------------

    def _current_rows(self, width: int) -> list[_Row]:
        """The rows on screen, laid out again if the lines or the width changed since."""
        if self._rows_stale or self._rows_width != width:
            self._rows = self._layout_rows(width)
            self._rows_width, self._rows_stale = width, False
        return self._rows

    def _layout_rows(self, width: int) -> list[_Row]:
        return self._rows_for(self.lines(width), width)

    def _rows_for(self, lines: list[Line], width: int) -> list[_Row]:
        rows: list[_Row] = []
        selected = self._selected()
        for line in lines:
            key = _key(line)
            strips = self._strips(key, line, width, selected)
            rows.extend((key, part, line) for part in range(len(strips)))
        return rows

    def _selected(self) -> bool:
        """Whether some of the widget's text is selected (Textual's `text_selection` finds
        the widget's screen by walking up the DOM: costly once per row)."""
        if self._home is None:
            self._home = self.screen
        return self in self._home.selections

    @property
    def content_width(self) -> int:
        """The width of the content area, from the widget's own size (Textual's
        `content_region` finds the widget on its screen's map: costly once per row)."""
        return max(0, self.outer_size.width - self.styles.gutter.width)

    def _strips(self, key: Any, line: Line, width: int, selected: bool) -> list[Strip]:
        """One line rendered at a width (more than one strip when it wraps); `selected`:
        text of the widget is selected (drawn with the selection, so not kept)."""
        style = self.visual_style
        if selected:
            return self._draw(line, width, style)
        kept_for = (style, self.app.theme)
        if kept_for != self._rendered_for:
            self._rendered.clear()
            self._rendered_for = kept_for
        strips = self._rendered.get((key, width))
        if strips is None:
            if len(self._rendered) >= _KEPT_LINES:
                self._rendered.clear()
            strips = self._rendered[key, width] = self._draw(line, width, style)
        return strips

    def _draw(self, line: Line, width: int, style: Any) -> list[Strip]:
        return Visual.to_strips(self, _content(line), max(width, 1), None, style) or [Strip([])]


# What the styled rows use of Textual's StylesCache (private names, Textual 8): without any of
# them, rows are styled by Textual alone, as before (tests/app/test_answer_commit.py pins them).
STYLES_CACHE_NAMES = ("_cache", "_dirty_lines", "_width", "render_widget")


def styles_cache_known(widget: Widget) -> bool:
    cache = getattr(widget, "_styles_cache", None)
    return cache is not None and all(hasattr(cache, name) for name in STYLES_CACHE_NAMES)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as runs of consecutive rows: (first row, how many)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][0] + runs[-1][1]:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((row, 1))
    return runs


def _content(line: Line) -> Content:
    return Content.from_markup(line) if isinstance(line, str) else line


def _key(line: Line) -> Any:
    """What makes two lines the same: markup text, or Content's text with its spans (Content's
    own equality compares text only)."""
    if isinstance(line, str):
        return line
    return ("content", line.plain, tuple(line.spans))
