"""At 80x24 every key a screen needs is in its footer or named on screen, dialogs keep their
cursor inside their edge, and moderation, case details and the report speak plainly."""

from __future__ import annotations

import shutil
import time
import zipfile

import pytest
from factories import make_case, make_inspection
from textual.widgets import Checkbox, DataTable, OptionList
from textual.widgets._footer import FooterKey

from audit_tui.app import AuditApp, make_app
from audit_tui.messages import OpenCase
from audit_tui.screens.case_details import CaseDetailsScreen
from audit_tui.screens.figure_dialogs import GroupPicker
from audit_tui.screens.interview import InterviewScreen
from audit_tui.screens.moderation import ModerationScreen, RulingDialog
from audit_tui.store_calls import open_case
from db.collation.collate import collate
from db.file.store import InspectionStore
from db.reporting import report
from db.reporting.demo import build_demo

from .conftest import screen_text, settle
from .test_moderation import collated_with_conflict

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Times are shown in local time: the tests' is UTC, like the files' stamps."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def footer_keys(app: AuditApp) -> dict[str, bool]:
    """Each key the footer shows, and whether the whole of it is on screen (left of the
    command palette's key, docked at the right)."""
    keys = list(app.screen.query(FooterKey))
    palette = next(k for k in keys if k.has_class("-command-palette"))
    return {
        f"{k.key_display} {k.description}".strip(): k.region.right <= palette.region.x
        for k in keys
        if k is not palette
    }


def assert_footer_holds(app: AuditApp, *needed: str) -> None:
    shown = footer_keys(app)
    cut = [key for key, whole in shown.items() if not whole]
    assert not cut, f"cut off at 80 columns: {cut}"
    for key in needed:
        assert any(key in k for k in shown), f"{key} not in the footer: {list(shown)}"


async def test_the_case_list_footer_and_filter_line_hold_every_key(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert_footer_holds(app, "Interview", "d Details", "v Case's no's", "? Help", "F2 Scores")
        assert "i inspector all  s status all  p progress all  o sort case" in screen_text(app)
        await pilot.press("p")
        assert "x clear" in screen_text(app)


async def test_the_dashboard_footer_holds_every_key(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        assert_footer_holds(app, "Next theme", "f Filter", "c Compare", "j Judgement", "Back")
        assert_footer_holds(app, "? Help")


@pytest.mark.parametrize("key", ["f", "c"])
async def test_the_group_pickers_keep_their_cursor_inside_their_edge(app_for, key):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, GroupPicker)
        groups = picker.query_one(OptionList)
        dialog = picker.query_one("#group-picker")
        inside = dialog.region.shrink(dialog.styles.gutter)
        for _ in range(groups.option_count):
            await pilot.press("down")
            await pilot.pause()
            assert inside.contains_region(groups.region), "the list ends inside the dialog"
            top = groups.scroll_offset.y
            # The option's first line (OptionList lays out (option, line of it) per line).
            line = next(
                y for y, (index, _) in enumerate(groups._lines) if index == groups.highlighted
            )
            assert top <= line < top + groups.scrollable_content_region.height


async def test_moderation_at_80x24_speaks_labels_times_and_hand_ins(tmp_path, bank):
    app = make_app(collated_with_conflict(tmp_path, bank), remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert_footer_holds(app, "1", "2", "e Other", "g Agreement", "esc Back", "? Help")
        assert "Take" in screen_text(app).splitlines()[-1], "1 2 Take"
        detail = str(app.screen.query_one("#moderation-detail").render())
        assert "case C01, KM's, complete" in detail, "the case's status as words"
        assert "1 No · answered by KM, Mon 16 Mar 2015 09:01" in detail
        assert "2 Yes · answered by KM, Mon 16 Mar 2015 09:01" in detail
        assert "in_progress" not in detail and "T09:00" not in detail and "(no)" not in detail
        assert "a unresolved only" in screen_text(app), "the resolved toggle, with its key"
        await pilot.press("down")
        detail = str(app.screen.query_one("#moderation-detail").render())
        assert "1 No · first read by KM, Mon 16 Mar 2015 09:11" in detail
        assert "2 Yes · second read by JD, Mon 16 Mar 2015 09:02" in detail
        await pilot.press("g")
        agreement = app.screen.query_one("#moderation-agreement", DataTable)
        scopes = [str(agreement.get_row_at(i)[0]) for i in range(agreement.row_count)]
        assert "R2" in scopes, "a question by its id, whole"
        await pilot.press("1")
        dialog = app.screen
        assert isinstance(dialog, RulingDialog)
        assert [label for label, _ in dialog.options] == ["Yes", "No", "N/A"]
        assert "Record (enter, ^s)" in screen_text(app)


async def test_case_details_tick_only_the_flags_that_are_set(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # C02: no flag set
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailsScreen)
        flags = list(app.screen.query(Checkbox))
        assert flags and all(not f.value for f in flags)
        assert "✓" not in screen_text(app) and "X" not in screen_text(app).split("\n", 2)[2]
        flags[0].value = True  # looked after: saved, and ticked
        await settle(app, pilot)
        assert screen_text(app).count("✓") == 1


def test_the_xlsx_report_says_second_read_as_the_markdown_does(tmp_path, bank):
    path = collated_with_conflict(tmp_path, bank)
    with InspectionStore.open(path, readonly=True) as store:
        figures = report.gather(store)
    out = tmp_path / "report.xlsx"
    report.write(figures, "xlsx", out)
    with zipfile.ZipFile(out) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "second read" in strings and "second_read" not in strings
    assert "second read" in report.to_markdown(figures)


async def test_the_answer_shows_under_a_question_whose_guidance_runs_below_the_fold(tmp_path):
    """PP-PLAN-06 has three long guidance prompts: at 80x24 they once pushed the answer, its
    note and its saved mark out of view; the answer now sits under the question."""
    demo = build_demo(tmp_path / "demo.sqlite")
    app = make_app(demo, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.opened is not None
        with InspectionStore.open(demo, readonly=True) as store:
            ref = next(
                c.case_ref
                for c in app.opened.cases
                if "PP-PLAN-06" in open_case(store, c.case_ref).applicable
                and open_case(store, c.case_ref).answers.get("PP-PLAN-06") is None
            )
        app.post_message(OpenCase(ref, "PP-PLAN-06"))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.state is not None
        assert screen.state.current.id == "PP-PLAN-06"
        await pilot.press("y")
        await pilot.press("left")
        await settle(app, pilot)
        assert screen.state.current.id == "PP-PLAN-06"
        text = screen_text(app)
        for shown in ("Answer   y Yes", "Note ", "✓ saved", "Section "):
            assert shown in text, f"{shown!r} is out of view at 80x24"
        assert text.index("Answer ") < text.index("• "), "the guidance follows the answer"


async def test_a_toast_said_again_while_it_shows_is_not_stacked_over_the_question(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        for _ in range(4):  # left from the first question: there is none before it
            await pilot.press("left")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == ["No more questions that apply that way."]


async def test_moderation_shows_a_long_case_reference_whole(tmp_path, bank):
    """The case column was five cells wide: K00041 read K0004, another case's reference."""
    ref = "LAMBETH-2015-0041"
    base = tmp_path / "base.sqlite"
    make_inspection(base, bank, [make_case(ref, inspector="KM")]).close()
    copies = [tmp_path / "monday.sqlite", tmp_path / "tuesday.sqlite"]
    for copy, value in zip(copies, ("yes", "no"), strict=True):
        shutil.copyfile(base, copy)
        with InspectionStore.open(copy) as store:
            store.record_answer(ref, "A1", value, inspector="KM", note="seen")
    out = tmp_path / "collated.sqlite"
    assert collate(copies, out).conflicts == 1
    app = make_app(out, remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        row = next(line for line in screen_text(app).splitlines() if line.startswith(" conf"))
        assert f" {ref} " in row, row


async def test_the_case_list_shows_long_case_references_whole_within_80_columns(tmp_path, bank):
    refs = ["LAMBETH-2015-000041", "LAMBETH-2015-000042"]  # alike but for their last digit
    path = tmp_path / "long.sqlite"
    make_inspection(path, bank, [make_case(ref, inspector="AB") for ref in refs]).close()
    app = make_app(path, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert all(f" {ref} " in text for ref in refs), text
        assert app.screen.query_one(DataTable).max_scroll_x == 0, "no sideways scrolling"
