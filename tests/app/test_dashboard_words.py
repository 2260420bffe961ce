"""The dashboard in each bank's words, driven by keys on the demo inspections.

yjs-2021 says "Standard 2.1" and "rating", rates a standard from its lowest key question and
adds the ratings up to an overall rating; fji-2014 says "Theme 1" and "judgement" and pools its
key questions. Both banks' bands have no source, so every indicative judgement is marked
provisional. Expected figures come from a fresh store's db.reporting.figures.
"""

from __future__ import annotations

import re

import pytest

from audit_tui.app import make_app
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.dashboard import DashboardScreen
from audit_tui.screens.figure_dialogs import CaseFindingsDialog, JudgementDialog
from audit_tui.screens.interview import InterviewScreen
from audit_tui.widgets.data_summary import DataSummary
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.store import InspectionStore
from db.reporting import figures
from db.reporting.demo import build_demo

from .conftest import screen_text, settle
from .test_dashboard import open_dashboard, widget_lines


@pytest.fixture(scope="module")
def yjs_demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("yjs") / "yjs.sqlite", bank_id="yjs-2021")


@pytest.fixture(scope="module")
def fji_demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("fji") / "fji.sqlite")


def scores_of(path) -> dict[int, figures.ThemeScore]:
    with InspectionStore.open(path, readonly=True) as store:
        return {s.number: s for s in figures.theme_scores(store, scored_only=False)}


def recorded_of(path) -> dict[int, str | None]:
    with InspectionStore.open(path, readonly=True) as store:
        return {n: j.judgement for n, j in store.recorded_judgements().items()}


def row_of(screen, mark: str) -> str:
    lines = widget_lines(screen.query_one(ThemeScores))
    found = [line for line in lines if re.match(rf"[ ▸]*{re.escape(mark)} [A-Z]", line)]
    assert len(found) == 1, lines
    return found[0]


async def test_the_yjs_dashboard_speaks_of_standards_and_provisional_ratings(yjs_demo):
    scores, recorded = scores_of(yjs_demo), recorded_of(yjs_demo)
    app = make_app(yjs_demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        text = screen_text(app)
        assert "Case assessment scores · * provisional: bands without a source" in text
        heading = widget_lines(screen.query_one(ThemeScores))[1]  # under the border
        assert heading.split()[:2] == ["standard", "recorded"]
        assert "Next standard" in text and "j Rating" in text
        assert "theme" not in text.lower() and "judgement" not in text.lower()

        # A case-assessed standard: its rating marked provisional, the key question setting it
        # and what it needs for the next band.
        assessment = scores[21]
        assert assessment.deciding and assessment.rise and assessment.judgement
        row = row_of(screen, "2.1")
        assert f"{assessment.percent}% {assessment.judgement}*" in row
        rise = assessment.rise
        assert f"{assessment.deciding} +{rise.answers} → {rise.band}" in row
        # An organisational standard: the lead's recorded rating, or "not recorded".
        assert recorded.get(11) and recorded[11] in row_of(screen, "1.1")
        assert 14 not in recorded and "not recorded" in row_of(screen, "1.4")
        assert "not case-scored: the lead's rating" in row_of(screen, "1.4")

        # it opens on the first case-assessed standard, not on the lead's 1.1
        assert "Standard 2.1: Assessment · rating not recorded (j records it)" in text
        assert (
            f"Indicative rating {assessment.judgement} (provisional), {assessment.percent}%: "
            f"set by {assessment.deciding} ({assessment.numerator} of "
            f"{assessment.denominator} yes); {rise.answers} more yes there → {rise.band} "
            "(provisional)"
        ) in " ".join(line.strip() for line in text.splitlines())
        chart = widget_lines(screen.query_one(DataSummary))
        assert [line.split()[0] for line in chart[2:]] == ["S21-DESIST", "S21-CHILD", "S21-OTHERS"]
        assert chart[1].split()[0] == "Assessment:", "the labels' shared head, said once"

        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgementDialog)
        text = screen_text(app)
        assert "Record a rating for standard 2.1: Assessment" in text
        assert f"indicative rating {assessment.judgement} (provisional)" in text
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("2")
        assert "Standard 2.2: Planning" in screen_text(app), "again: the domain's next standard"
        await pilot.press("5")
        assert "The bank has no standard 5." in [n.message for n in app._notifications]


def assert_fits_80x24(app, screen, mark: str, title: str, above: int, below: int) -> None:
    """A standard chosen at 80x24: its row in the table's window, its title, its three bars
    and the overall rating on screen, nothing scrolled off it."""
    assert isinstance(app.screen, DashboardScreen)
    assert app.screen.virtual_size.height <= 24 and app.screen.virtual_size.width <= 80
    lines = screen_text(app).splitlines()
    assert len(lines) == 24
    rows = widget_lines(screen.query_one(ThemeScores))
    assert len(rows) == 12, "the border, headings, rule, a window of 8 rows and the caption"
    assert any(line.startswith(f" ▸ {mark} {title}") for line in rows)
    assert (f"↑ {above} more" in rows[2]) == bool(above), "a window of rows"
    assert f"↓ {below} more" in rows[-1]
    assert any(line.strip().startswith("Overall:") for line in lines)
    assert any(line.strip().startswith(f"Standard {mark}: {title}") for line in lines)
    bars = [line for line in lines if re.search(r"\d+·\d+\s+\d+%", line)]
    assert len(bars) == 3, "every bar of the standard on screen, above the footer"
    assert all(re.search(r"\d+% +\d+ +\d+ \S", line) for line in bars), "n/a, dna, phrase"


async def test_at_80x24_the_chosen_standard_its_chart_and_the_overall_rating_fit(yjs_demo):
    app = make_app(yjs_demo, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        for _ in range(3):
            await pilot.press("3")  # 3.1, 3.2, 3.3
        assert_fits_80x24(app, screen, "3.3", "Implementation", above=3, below=2)


async def test_a_terminal_shrunk_to_80x24_lays_the_dashboard_out_again(yjs_demo):
    app = make_app(yjs_demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        await pilot.press("2", "2", "2")  # from 2.1: 2.2 ... 2.4
        assert len(widget_lines(screen.query_one(ThemeScores))) == 17, "every standard"
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert_fits_80x24(app, screen, "2.4", "Reviewing", above=0, below=5)


async def test_a_cases_own_view_and_the_interview_table_say_standard(yjs_demo):
    app = make_app(yjs_demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseFindingsDialog)
        text = screen_text(app)
        assert re.search(r"standard +score +yes +no +n/a +keys", text)
        assert re.search(r"\b[23]\.[1-4] [A-Z]", text), "standards by their marks"
        await pilot.press("escape", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        scores = app.screen.query_one(ThemeScores)
        lines = widget_lines(scores)
        assert lines[1].split()[0] == "standard"
        assert any(re.match(r"\s*2\.1 Assessment", line) for line in lines)
        assert "Standard scores (ratings indicative) · * provisional" in screen_text(app)


async def test_the_fji_dashboard_speaks_of_themes_and_judgements(fji_demo):
    reducing = scores_of(fji_demo)[1]
    assert reducing.judgement and reducing.deciding is None
    app = make_app(fji_demo, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        text = screen_text(app)
        assert "Next theme" in text and "j Judgement" in text and "standard" not in text.lower()
        heading = widget_lines(screen.query_one(ThemeScores))[1]
        assert heading.split()[:2] == ["theme", "recorded"]
        assert f"{reducing.percent}%" in row_of(screen, "1")
        assert f"{reducing.judgement}*" in row_of(screen, "1")
        assert "Theme 1: Reducing reoffending · judgement not recorded (j records it)" in text
        assert (
            f"Indicative judgement {reducing.judgement} (provisional), {reducing.percent}% "
            f"({reducing.phrase})"
        ) in text
        assert not screen.query_one("#dashboard-overall").display, "fji-2014 has no overall"
        assert "Lowest shares of yes, every theme" in text
        await pilot.press("j")
        await settle(app, pilot)
        assert "Record a judgement for theme 1: Reducing reoffending" in screen_text(app)
