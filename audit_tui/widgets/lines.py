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
        if self._rows_stale or self._rows_width != width:
            self._rows = self._layout_rows(width)
            self._rows_width, self._rows_stale = width, False
        if y >= len(self._rows):
            return Strip.blank(width, self.visual_style.rich_style)
        key, part, line = self._rows[y]
        return self._strips(key, line, width, False)[part]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rendered.clear()

    # -- rendering ---------------------------------------------------------------------------

    def _layout_rows(self, width: int) -> list[_Row]:
        rows: list[_Row] = []
        selected = self._selected()
        for line in self.lines(width):
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
