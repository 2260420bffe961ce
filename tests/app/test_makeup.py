"""The make-up screen: pushed over the case list, it shows the figures `audit-tui cases makeup`
prints for the same file, each inspector's share and what the sample lacks."""

from __future__ import annotations

import json

from textual.widgets import DataTable
from typer.testing import CliRunner

from audit_tui.cli import app as cli
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.makeup import MakeupScreen

from .conftest import screen_text, settle


def table_rows(screen: MakeupScreen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_screen_shows_the_make_up_the_command_prints(app_for, inspection):
    printed = CliRunner().invoke(cli, ["cases", "makeup", str(inspection), "--json"])
    assert printed.exit_code == 0, printed.output
    expected = json.loads(printed.stdout)
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        await pilot.press("m")  # the case list's key for it
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MakeupScreen)
        assert table_rows(screen, "#makeup-strata") == [
            [r["kind"], r["label"], str(r["sample"]), f"{r['sample_share']:.1f}%"]
            for r in expected["strata"]
        ]
        assert ["group", "girls", "1", "16.7%"] in table_rows(screen, "#makeup-strata")
        assert table_rows(screen, "#makeup-inspectors") == [
            [i["inspector"], str(i["cases"]), str(i["custody"]), str(i["high_risk"]),
             str(i["workload"])]
            for i in expected["inspectors"]
        ]  # fmt: skip
        assert [row[:4] for row in table_rows(screen, "#makeup-inspectors")] == [
            ["AB", "3", "1", "1"],
            ["JD", "1", "0", "0"],
            ["KM", "2", "1", "1"],
        ]
        text = screen_text(app)
        assert "6 cases · 3 inspectors" in text
        # six cases, none BAME: the warning the command gives on stderr is on the screen
        assert "the sample has no BAME children" in text
        shown = str(screen.query_one("#makeup-warnings").render())
        assert shown.splitlines() == [f"⚠ {w}" for w in expected["warnings"]]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
