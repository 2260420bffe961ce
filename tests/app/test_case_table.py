"""The case list's table draws its one-line cells itself (audit_tui/widgets/case_table.py):
every cell of the demo's list, with the cursor anywhere and the mouse over a row, looks
exactly as Textual's DataTable draws it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.widgets import DataTable

from audit_tui.app import make_app
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.widgets.case_table import CaseTable
from db.reporting.demo import build_demo

from .conftest import settle


def cells(lines: list[Any]) -> list[list[tuple[str, Any]]]:
    """Each line as its characters with their styles (however Rich splits the segments)."""
    return [[(ch, seg.style) for seg in line for ch in seg.text] for line in lines]


def drawn(table: CaseTable, own: bool) -> list[list[tuple[str, Any]]]:
    """The table's visible lines, drawn by the table itself or by DataTable alone."""
    table._clear_caches()
    if own:
        return cells(table.render_lines(Region(0, 0, table.size.width, table.size.height)))
    table._render_cell = lambda *args, **kwargs: DataTable._render_cell(table, *args, **kwargs)
    try:
        return cells(table.render_lines(Region(0, 0, table.size.width, table.size.height)))
    finally:
        del table._render_cell


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_case_table_draws_every_cell_as_datatable_does(tmp_path, theme):
    demo = build_demo(tmp_path / "demo.sqlite")
    app = make_app(demo, remember=False, theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        table = app.screen.query_one(CaseTable)
        body = table.row_count
        assert body == 61
        for row in (0, 7, 20):
            table.move_cursor(row=row, animate=False)
            table._show_hover_cursor = True
            table.hover_coordinate = table.cursor_coordinate.down().down()
            await pilot.pause()
            own, textual = drawn(table, own=True), drawn(table, own=False)
            assert own == textual
        # The direct drawing is what drew the body's cells.
        table._clear_caches()
        for index, column in enumerate(table.ordered_columns):
            width = column.get_render_width(table)
            assert table._one_line_cell(3, index, table.rich_style, width, False, False)
