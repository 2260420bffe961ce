"""`audit-tui open`, `audit-tui demo`, plain `audit-tui` and the start screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_tui import settings
from audit_tui.app import make_app
from audit_tui.cli import app as cli
from audit_tui.cli import launch
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.start import StartScreen

from .conftest import screen_text, settle

runner = CliRunner()


@pytest.fixture
def launched(monkeypatch):
    """Record what the commands would run instead of taking over the terminal."""
    calls: list[tuple[Path | None, str | None]] = []

    def run_app(path, inspector=None, passphrase=None, reopened=False):
        calls.append((path, inspector))

    monkeypatch.setattr(launch, "run_app", run_app)
    return calls


def test_open_a_missing_file_is_one_sentence(tmp_path):
    result = runner.invoke(cli, ["open", str(tmp_path / "nowhere.sqlite")])
    assert result.exit_code == 1
    assert "there is no inspection file at" in result.output
    assert "Traceback" not in result.output


def test_open_a_file_that_is_not_an_inspection_exits_with_the_store_sentence(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    before = bad.read_bytes()
    result = runner.invoke(cli, ["open", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    assert bad.read_bytes() == before


def test_open_passes_the_inspector(inspection, launched):
    result = runner.invoke(cli, ["open", str(inspection), "--inspector", "KM"])
    assert result.exit_code == 0, result.output
    assert launched == [(inspection, "KM")]


def test_demo_builds_once_then_reuses(tmp_path, launched):
    demo = tmp_path / "demo.sqlite"
    first = runner.invoke(cli, ["demo", "--path", str(demo)])
    assert first.exit_code == 0, first.output
    assert "Building the demo inspection" in first.output and demo.is_file()
    made = demo.stat().st_mtime_ns
    second = runner.invoke(cli, ["demo", "--path", str(demo)])
    assert "Using the existing demo inspection" in second.output
    assert demo.stat().st_mtime_ns == made
    assert launched == [(demo, None), (demo, None)]


def test_demo_goes_to_the_data_folder_by_default(launched):
    from audit_tui.locations import demo_path

    result = runner.invoke(cli, ["demo", "--inspector", "jd"])
    assert result.exit_code == 0, result.output
    assert launched == [(demo_path(), "jd")] and demo_path().is_file()


def test_plain_audit_tui_opens_the_last_file_or_the_start_screen(inspection, launched):
    assert runner.invoke(cli, []).exit_code == 0
    settings.save(last_file=str(inspection))
    assert runner.invoke(cli, []).exit_code == 0
    assert launched == [(None, None), (inspection, None)]


async def test_opening_a_file_remembers_it(app_for, inspection):
    app = app_for(remember=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await app.workers.wait_for_complete()
    assert settings.last_file() == inspection.resolve()


async def test_a_file_that_cannot_be_opened_ends_the_app_with_its_sentence(tmp_path):
    bad = tmp_path / "empty.sqlite"
    bad.write_bytes(b"")
    app = make_app(bad, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
    assert app.return_code == 1 and app.return_value


async def test_start_screen_opens_a_file_by_path(inspection, monkeypatch):
    monkeypatch.chdir(inspection.parent)  # a path from where audit-tui was started: short to type
    app = make_app(None, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "F2" not in screen_text(app), "no file yet: no key for its scores"
        await pilot.press(*inspection.name, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert "F2 Scores" in screen_text(app)


async def test_start_screen_creates_an_inspection(tmp_path, monkeypatch):
    target = tmp_path / "new.sqlite"
    monkeypatch.chdir(tmp_path)  # a path from where audit-tui was started: short to type
    app = make_app(None, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n", *"Lambeth", "tab", *"AB", "tab", "tab", *target.name, "enter")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        said = " ".join(str(app.screen.query_one("#case-summary").render()).split())
        assert said.startswith("No cases in this file yet. Quit (ctrl+q) and add the sample: ")
        assert said.endswith(f"audit-tui cases import {app.screen.listing.path} SAMPLE.csv")
        assert app.screen.listing.path.endswith(target.name)
    assert target.is_file()


START_CONTROLS = ["open-path", "create-area", "create-lead", "create-bank", "create-path", "create"]


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
@pytest.mark.parametrize("recent", [0, settings.RECENT])
async def test_every_start_screen_control_is_in_view_without_scrolling(tmp_path, size, recent):
    for number in range(recent):
        path = tmp_path / f"inspection{number}.sqlite"
        path.write_bytes(b"")
        settings.remember_file(str(path), "inspection")
    app = make_app(None, remember=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StartScreen)
        start = screen.query_one("#start")
        assert start.max_scroll_y == 0, "the start screen scrolls"
        ids = [*START_CONTROLS, "demo", *(["recent"] if recent else [])]
        for control_id in ids:
            region = screen.query_one(f"#{control_id}").region
            assert region.area and start.region.contains_region(region), f"#{control_id} hidden"
