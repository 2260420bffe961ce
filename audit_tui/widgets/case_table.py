"""The case list's table: Textual's DataTable, drawing its one-line text cells directly.

The case list's first frame draws some 200 cells (36 rows of six columns at 120x40). Textual
renders each through Rich's general pipeline (the cell in a Padding in a Styled, laid out,
split into lines, cropped and padded): 23 ms of the first frame, the largest part of it that
is ours. A case list cell is one line of text narrower than its column, so its line is
simply the padding, the text's segments and the spaces after it, styled as that pipeline
styles them (the row's base style with the cell's meta, the cursor's or stripe's style, the
text's own); drawn so, the same frame takes 11 ms. Anything else (the header, a cell of more
than one line or wider than its column, another Textual) is drawn by DataTable itself, and
tests/app/test_case_table.py checks that both draw every cell of the demo's list alike.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

# What the direct drawing reads of DataTable (private names, Textual 8): a Textual that lacks
# any of them draws every cell its own way.
TABLE_NAMES = (
    "_row_locations",
    "_column_locations",
    "_show_hover_cursor",
    "_update_count",
    "_pseudo_class_state",
    "_cell_render_cache",
    "_get_row_renderables",
    "_get_styles_to_render_cell",
)


class CaseTable(DataTable[Any]):
    """The table of cases; Enter (or a click on the highlighted row) opens the interview."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Interview")]

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        lines = self._one_line_cell(row_index, column_index, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return lines

    def _one_line_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[list[Segment]] | None:
        """A body cell of one line of text that fits its column, drawn directly (and kept
        where DataTable keeps it); None for any other cell."""
        if (
            row_index < self.fixed_rows
            or column_index < self.fixed_columns
            or not all(hasattr(self, name) for name in TABLE_NAMES)
        ):
            return None
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return None
        key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        kept = self._cell_render_cache.get(key)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        row = self.rows.get(row_key)
        cell = self._get_row_renderables(row_index).cells[column_index]
        inner = width - 2 * self.cell_padding
        if (
            row is None
            or row.height != 1
            or not isinstance(cell, Text)
            or cell.justify not in (None, "default", "left")
            or "\n" in cell.plain
            or cell_len(cell.plain) > inner
        ):
            return None
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre += component_style
        console = self.app.console
        own = console.get_style(cell.style) if cell.style else None

        def styled(style: Style | None) -> Style:
            combined = pre + style if style else pre
            return combined + post_style if post_style else combined

        padding = Segment(" " * self.cell_padding, styled(None))
        line = [padding] if self.cell_padding else []
        for segment in cell.render(console, end=""):
            if segment.text:
                style = own + segment.style if own and segment.style else own or segment.style
                line.append(Segment(segment.text, styled(style)))
        rest = inner - cell_len(cell.plain)
        if rest:
            line.append(Segment(" " * rest, styled(None)))
        if self.cell_padding:
            line.append(padding)
        lines = [line]
        self._cell_render_cache[key] = lines
        return lines
