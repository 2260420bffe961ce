"""The case list, case details, help, command palette, themes and the mouse."""

from __future__ import annotations

from textual.widgets import DataTable, Select

from audit_tui.app import AuditApp
from audit_tui.screens.case_details import CaseDetailsScreen
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.help import HelpScreen, help_sections
from audit_tui.screens.interview import InterviewScreen
from db.file.store import InspectionStore

from .conftest import read_answers, screen_text, settle

SIZE = (100, 40)


def rows(screen: CaseListScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]


async def test_case_list_puts_own_cases_first_and_filters(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        assert rows(screen) == ["C02", "C03", "C06", "C01", "C04", "C05"]
        text = screen_text(app)
        assert "7/7" in text and "complete" in text, "C01 is fully answered"
        assert "4/6" in text and "in progress" in text, "C04 has four of six answered"
        await pilot.press("i")  # inspector AB
        assert rows(screen) == ["C02", "C03", "C06"]
        await pilot.press("s")  # current only
        assert rows(screen) == ["C02", "C03"]
        await pilot.press("i", "i")  # KM
        assert rows(screen) == ["C01"]
        await pilot.press("i", "s", "s")  # all inspectors, all statuses
        await pilot.press("p")  # not started
        assert rows(screen) == ["C02", "C03", "C06", "C05"]
        await pilot.press("p", "p")  # complete
        assert rows(screen) == ["C01"]
        await pilot.press("p", "o")  # all progress; sort by progress
        assert rows(screen)[:3] == ["C02", "C03", "C06"]
        assert rows(screen)[3:] == ["C05", "C04", "C01"], "others least done first"


async def test_inspector_option_changes_whose_cases_come_first(app_for):
    app = app_for(inspector="km")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert rows(app.screen)[:2] == ["C01", "C04"]
        assert "assigned to KM" in screen_text(app)


async def test_case_details_change_applicability_and_name_affected_answers(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "down")  # C04: KM's, medium RoSH, R1 answered
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, CaseDetailsScreen) and screen.case.case_ref == "C04"
        screen.query_one("#field-rosh", Select).value = "low"
        await settle(app, pilot)
        text = screen_text(app)
        assert "no longer apply (1): R1" in text
        assert "answers affected (1): R1" in text
        screen.query_one("#field-disposal", Select).value = "dto"
        await settle(app, pilot)
        assert "now apply (1): A3" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert "3/6" in screen_text(app), "R1 no longer counts; A3 is now to answer"
    with InspectionStore.open(inspection, readonly=True) as store:
        case = store.case("C04")
    assert (case.rosh.value, case.disposal.value) == ("low", "dto")
    assert read_answers(inspection, "C04")["R1"] == ("yes", None), "answers are kept"


async def test_a_complete_case_cannot_be_edited_in_details(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "d")  # C01 is complete
        screen = app.screen
        assert isinstance(screen, CaseDetailsScreen) and screen.case.case_ref == "C01"
        assert screen.query_one("#field-rosh", Select).disabled
        assert "reopen it in the interview" in screen_text(app)


async def test_details_from_the_interview_update_what_applies(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # C02, community
        await settle(app, pilot)
        interview = app.screen
        assert isinstance(interview, InterviewScreen) and interview.state is not None
        assert not interview.state.applies("A3")
        await pilot.press("d")
        app.screen.query_one("#field-disposal", Select).value = "dto"
        await settle(app, pilot)
        assert "now apply (1): A3" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is interview and interview.state.applies("A3")


async def test_help_lists_every_key_of_every_screen(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(".help-section"))
        words = " ".join(shown.split())  # a description wraps under itself at 80 columns
        for title, key_rows in help_sections(AuditApp.BINDINGS, [1, 2, 5]):
            assert title in shown
            for row in key_rows:
                assert " ".join(row.description.split()) in words
        assert " [   shift+tab   Chart of the previous theme" in shown, "[ as it is, not markup"
        assert " 1   2   5   Theme 1 or 2 or 5" in shown, "the bank's theme digits only"
        assert " 7 " not in shown and "[/]" not in shown
        assert "✗ no" in words and "n/a does not apply" in words, "the section strip's legend"
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
    from audit_tui.screens.interview import InterviewScreen as Interview

    listed = {row.action for _, key_rows in help_sections(AuditApp.BINDINGS) for row in key_rows}
    bound = {b.action if not isinstance(b, tuple) else b[1] for b in Interview.BINDINGS}
    assert {a.partition("(")[0] if a.startswith("go_theme") else a for a in bound} <= listed


async def test_help_at_80_columns_wraps_a_description_under_itself(app_for):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        # What the terminal shows inside the help's border, from its first section on.
        inside = [line.split("█")[1] for line in screen_text(app).splitlines() if "█" in line]
        shown = inside[inside.index(next(i for i in inside if i.strip() == "Everywhere")) :]
        titles = {title for title, _ in help_sections(AuditApp.BINDINGS)}
        flush = [i for i in shown if i[:2].strip("▄ ") and i.strip() not in titles]
        assert not flush, f"wrapped to the left edge, under the keys: {flush}"
        assert any(i.startswith("         ") and i.strip() for i in shown), "something wraps"


async def test_every_action_is_in_the_command_palette(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        titles = {command.title for command in app.get_system_commands(screen)}
        unused = {"Theme 3", "Theme 4", "Theme 6", "Theme 7", "Theme 8", "Theme 9"}
        assert not unused & titles, "only the digits the bank's themes (1, 2, 5) are numbered by"
        for binding in screen.BINDINGS:
            if binding.description not in unused:  # type: ignore[union-attr]
                assert binding.description in titles  # type: ignore[union-attr]
        for binding in AuditApp.BINDINGS:
            assert binding.description in titles  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.press(*"Yes")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
    assert read_answers(inspection, "C02") == {"A1": ("yes", None)}


async def test_light_and_dark_themes(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark


async def test_the_mouse_opens_a_case_answers_and_jumps(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        await pilot.click(DataTable, offset=(2, 2))  # the second row: C03
        await pilot.click(DataTable, offset=(2, 2))
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen), table.cursor_row
        screen = app.screen
        assert screen.case_ref == "C03"
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if "Answer " in line and " y Yes " in line)
        x = lines[y].index(" n No ") + 2
        await pilot.click(offset=(x, y))
        await settle(app, pilot)
        assert read_answers(inspection, "C03") == {"A1": ("no", None)}
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if "Protecting the public" in line)
        x = lines[y].index("Protecting the public")
        await pilot.click(offset=(x, y))
        assert screen.state is not None and screen.state.current.id == "R2"
