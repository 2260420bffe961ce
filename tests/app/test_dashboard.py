"""The dashboard driven by keys: live scores and bars, filters, comparisons, judgements.

Figures are read from what the widgets render (the screen's text), never from counters the
test sets itself, and checked against a fresh store's db.reporting.figures.
"""

from __future__ import annotations

import re
import threading

import pytest
from textual.widgets import OptionList, TextArea

from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.dashboard import DashboardScreen
from audit_tui.screens.figure_dialogs import CaseFindingsDialog, GroupPicker, JudgementDialog
from audit_tui.screens.help import HelpScreen
from audit_tui.screens.interview import InterviewScreen
from audit_tui.widgets.data_summary import DataSummary
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.records import CountFilter
from db.file.store import InspectionStore
from db.reporting import figures, report

from .conftest import screen_text, settle

SIZE = (100, 40)
SCORE_ROW = re.compile(r"(\d+)%\s+(\d+)·(\d+)·(\d+)")
# A bar, then yes·no, the share of yes, answered N/A and "did not apply" (dna).
BAR_ROW = re.compile(r"([█▒]*)\s+(\d+)·(\d+)\s+(\d+%|–)\s+(\d+)\s+(\d+)")


def widget_lines(widget) -> list[str]:
    """The lines a widget shows on screen, as text."""
    region = widget.region
    rows = widget.app.screen._compositor.render_strips()
    return [rows[y].text[region.x : region.right] for y in range(region.y, region.bottom)]


def theme_lines(screen) -> dict[int, str]:
    """The score widget's row of each theme, by theme number."""
    rows = {}
    for line in widget_lines(screen.query_one(ThemeScores)):
        found = re.match(r"[ ▸]*(\d+) [A-Z]", line)
        if found:
            rows[int(found.group(1))] = line
    return rows


def score_row(screen, number: int) -> tuple[int, int, int, int]:
    """(percent, yes, no, n/a) of a theme as the score widget shows it."""
    found = SCORE_ROW.search(theme_lines(screen)[number])
    assert found, theme_lines(screen)[number]
    return tuple(int(g) for g in found.groups())  # type: ignore[return-value]


def bar_row(screen, label: str) -> tuple[int, int, int, int, int]:
    """(yes cells, no cells, yes, no, n/a) of a key question's bar as the chart shows it."""
    for line in widget_lines(screen.query_one(DataSummary)):
        if f" {label} " in f" {line} ":
            found = BAR_ROW.search(line)
            assert found, line
            bar, yes, no, share, na, _ = found.groups()
            answered = int(yes) + int(no)
            assert share == (
                f"{(200 * int(yes) + answered) // (2 * answered)}%" if answered else "–"
            )
            return bar.count("█"), bar.count("▒"), int(yes), int(no), int(na)
    raise AssertionError(f"no bar for {label}")


def cells(n: int, cases: int, width: int) -> int:
    """Where a bar of `width` cells for `cases` cases ends after n answers (half up)."""
    return (2 * n * width + cases) // (2 * cases)


async def open_dashboard(app, pilot) -> DashboardScreen:
    await pilot.press("f2")
    await settle(app, pilot)
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


async def test_an_answer_moves_the_score_and_its_bar_by_exactly_one_answer(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # C02, AB's first case, at A1
        await settle(app, pilot)
        interview = app.screen
        assert isinstance(interview, InterviewScreen) and interview.case_ref == "C02"
        dashboard = await open_dashboard(app, pilot)
        # Theme 1's key questions A1 A2 A3: C04 said yes to A1, C01 no to A1, yes to A2 and A3.
        assert score_row(dashboard, 1) == (75, 3, 1, 0)
        width = dashboard.query_one(DataSummary).bar_width
        before = bar_row(dashboard, "Assessment")
        assert before == (cells(1, 6, width), cells(2, 6, width) - cells(1, 6, width), 1, 1, 0)

        await pilot.press("escape", "y")  # C02 answers A1 yes
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        assert score_row(dashboard, 1) == (80, 4, 1, 0)
        after = bar_row(dashboard, "Assessment")
        assert after[2:] == (2, 1, 0)
        assert after[0] - before[0] == cells(2, 6, width) - cells(1, 6, width) > 0
        assert after[0] + after[1] == cells(3, 6, width), "the no part keeps its length"

        await pilot.press("escape", "2", "n")  # theme 2, R2 (R1 needs medium RoSH): no
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        await pilot.press("2")
        assert score_row(dashboard, 2) == (60, 3, 2, 0)
        yes_cells, no_cells, *counts = bar_row(dashboard, "RoSH correct")
        assert counts == [1, 2, 0]
        assert (yes_cells, no_cells) == (
            cells(1, 6, width),
            cells(3, 6, width) - cells(1, 6, width),
        )


async def test_an_answer_saved_on_the_interview_updates_the_dashboard_on_show(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        interview = app.screen
        assert isinstance(interview, InterviewScreen)
        dashboard = await open_dashboard(app, pilot)
        assert score_row(dashboard, 1) == (75, 3, 1, 0)
        # The interview (under the dashboard) commits an answer: its reply bubbles to the app,
        # which tells the dashboard, which reads its figures again while it is showing.
        interview.submit_answer("A1", "no", None, advance=False)
        await settle(app, pilot)
        assert app.screen is dashboard
        assert score_row(dashboard, 1) == (60, 3, 2, 0)
        assert bar_row(dashboard, "Assessment")[2:] == (1, 2, 0)


async def choose_group(app, pilot, key: str, label: str) -> None:
    await pilot.press(key)
    await settle(app, pilot)
    picker = app.screen
    assert isinstance(picker, GroupPicker)
    options = picker.query_one(OptionList)
    index = next(
        i
        for i in range(options.option_count)
        if str(options.get_option_at_index(i).prompt).strip().startswith(label)
    )
    options.highlighted = index
    await pilot.press("enter")
    await settle(app, pilot)


def shown_scores(screen) -> dict[int, tuple[int, ...]]:
    return {number: score_row(screen, number) for number in (1, 2)}


def expected_scores(path, filter: CountFilter) -> dict[int, tuple[int, ...]]:
    with InspectionStore.open(path, readonly=True) as store:
        scores = figures.theme_scores(store, filter)
    return {s.number: (s.percent, s.yes, s.no, s.na) for s in scores}


async def test_a_filter_shows_the_groups_figures_and_warns_of_a_small_group(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        everyone = shown_scores(dashboard)
        assert everyone == expected_scores(inspection, CountFilter())
        await choose_group(app, pilot, "f", "RoSH high")  # C01 (answered) and C03
        assert shown_scores(dashboard) == expected_scores(inspection, CountFilter(rosh="high"))
        assert shown_scores(dashboard) != everyone
        text = screen_text(app)
        assert "RoSH high: 2 cases" in text and "only 2 cases: too few to say much" in text
        assert "lambeth.sqlite (inspection) · RoSH high" in text, "the file, then what counts"
        await choose_group(app, pilot, "f", "KM")  # adds to the filter: KM's C01
        assert shown_scores(dashboard) == expected_scores(
            inspection, CountFilter(inspector="KM", rosh="high")
        )
        assert "KM · RoSH high: 1 case" in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert shown_scores(dashboard) == everyone


async def test_a_group_beside_the_rest_with_their_cases(app_for, inspection):
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        await choose_group(app, pilot, "c", "custody")
        custody = expected_scores(inspection, CountFilter(custody=True))
        community = expected_scores(inspection, CountFilter(custody=False))
        rows = theme_lines(dashboard)
        for number in custody:
            shown = [tuple(int(g) for g in m.groups()) for m in SCORE_ROW.finditer(rows[number])]
            assert shown == [custody[number], community[number]]
        text = screen_text(app)
        assert "custody: 2 cases · the rest: 4 cases" in text
        assert "⚠ custody: only 2 cases: too few to say much" in text
        assert "custody against the rest" in text
        chart = [line for line in widget_lines(dashboard.query_one(DataSummary)) if "·" in line]
        assert any("Resettlement" in line and "custody" in line for line in chart)


async def test_the_lead_records_a_judgement_and_the_report_reads_it(app_for, inspection):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        await pilot.press("5")
        assert "Not case-scored" in screen_text(app)
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgementDialog)
        await pilot.press("down", "down", "space")  # Good, Satisfactory, Unsatisfactory
        await pilot.press("tab", *"Board attendance was poor.", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is dashboard
        assert "recorded Unsatisfactory by AB" in screen_text(app)
        assert "Rationale: Board attendance was poor." in screen_text(app)
        await pilot.press("j")
        await settle(app, pilot)
        area = app.screen.query_one(TextArea)
        assert area.text == "Board attendance was poor."
        await pilot.press("escape")
    with InspectionStore.open(inspection, readonly=True) as store:
        recorded = store.recorded_judgements()[5]
        text = report.to_markdown(report.gather(store))
    assert (recorded.judgement, recorded.recorded_by) == ("Unsatisfactory", "AB")
    assert "Recorded judgement: **Unsatisfactory**. Rationale: Board attendance was poor." in text


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_judgement_needs_a_choice_and_a_rationale(app_for, inspection, size):
    """What stops the judgement is said on screen, also where the dialog must scroll to show it."""
    app = app_for()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_dashboard(app, pilot)
        await pilot.press("j", "ctrl+s")
        assert isinstance(app.screen, JudgementDialog), "nothing chosen: the dialog stays"
        assert await shown(app, pilot, "(arrows, then space).")
        await pilot.press("space", "ctrl+s")
        assert isinstance(app.screen, JudgementDialog), "no rationale: the dialog stays"
        assert await shown(app, pilot, "Write the rationale: the evidence the")
        assert await shown(app, pilot, "Record (ctrl+s)"), "and the buttons under it"
        assert not list(app._notifications), "said inside the dialog, not in a toast over it"
        await pilot.press("escape")
        await settle(app, pilot)
    with InspectionStore.open(inspection, readonly=True) as store:
        assert store.judgement_history() == []


async def test_the_scores_say_how_many_cases_are_not_complete(app_for):
    """While cases are open the figures may still move: the dashboard and the judgement say so."""
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_dashboard(app, pilot)
        assert "⚠ 5 not complete; all cases: only 6 cases" in screen_text(app)
        await pilot.press("j")
        assert await shown(app, pilot, "are not complete yet, so the score may still move.")
        assert "informs. 5 cases" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)


async def test_the_scores_say_they_are_being_read_until_they_are(app_for):
    """On a large file the figures take a while: meanwhile the dashboard says it is reading
    them, not that there are no scores."""
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        release = threading.Event()
        assert app.writer is not None
        app.writer.submit(lambda store: release.wait(10))  # the writer busy, as on a big file
        await pilot.press("f2")
        assert await shown(app, pilot, "Reading the scores…")
        text = screen_text(app)
        assert "Reading the Data Summary…" in text and "No case-scored" not in text
        release.set()
        await settle(app, pilot)
        assert await shown(app, pilot, "1 Reducing reoffending")
        assert "Reading the" not in screen_text(app)


async def shown(app, pilot, text: str) -> bool:
    """Whether `text` comes to be on screen within a few frames."""
    for _ in range(20):
        if text in screen_text(app):
            return True
        await pilot.pause()
    return False


async def test_a_cases_own_view_lists_its_key_questions_answered_no(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        for _ in range(3):  # AB's C02, C03, C06, then KM's C01
            await pilot.press("down")
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseFindingsDialog)
        text = screen_text(app)
        assert "2 key questions of C01 (KM) answered no." in text
        assert "✗ A1 Assessment" in text and "✗ R2 RoSH correct" in text
        assert "✗ A2" not in text
        await pilot.press("escape", "up", "up", "up", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("n", "v")  # C02 answers A1 no, then looks at itself
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 key question of C02 (AB) answered no." in text and "✗ A1 Assessment" in text


async def test_f2_toggles_and_the_palette_and_help_know_the_dashboard(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_dashboard(app, pilot)
        await pilot.press("f2")
        assert isinstance(app.screen, CaseListScreen)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Scores" in commands
        await open_dashboard(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        first = str(app.screen.query(".help-section")[1].render())
        assert first.startswith("Scores and Data Summary"), "the screen it came from first"
        assert "Record the lead's judgement of the theme" in first


async def test_esc_never_throws_away_a_typed_rationale_at_one_key(app_for, inspection):
    """A cancelled dialog loses nothing by accident: the first Esc after typing keeps the
    dialog and says so; a second discards; a dialog with nothing typed closes at once."""
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dashboard = await open_dashboard(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgementDialog)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert app.screen is dashboard
        await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("down", "space", "tab", *"Planning was strong.", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgementDialog), "one Esc kept what was typed"
        assert app.screen.query_one(TextArea).text == "Planning was strong."
        assert "press Esc again to discard what you typed" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is dashboard
    with InspectionStore.open(inspection, readonly=True) as store:
        assert 1 not in store.recorded_judgements()
