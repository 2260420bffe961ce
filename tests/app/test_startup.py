"""The case list comes first, read before the store opens the file; the store opens it after."""

from __future__ import annotations

import asyncio
import gc
import threading

from factories import make_case

from audit_tui import startup_gc
from audit_tui.app import make_app, open_inspection
from audit_tui.locations import backups_dir, data_dir
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.interview import InterviewScreen
from db.errors import StoreError
from db.file.store import InspectionStore
from db.protection.backup import list_backups

from .conftest import screen_text, settle

SIZE = (100, 40)


def held_opener(release: threading.Event):
    """A store opener that waits for the test before opening, as a slow first import would."""

    def opener(path, passphrase=None):
        assert release.wait(10), "the test never let the store open"
        return open_inspection(path, passphrase=passphrase)

    return opener


async def until(pilot, condition) -> None:
    for _ in range(2000):  # a bound, not a time: a busy machine takes as long as it takes
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the condition never held")


async def test_the_list_is_shown_before_the_store_opens_and_enter_waits_for_it(inspection):
    release = threading.Event()
    app = make_app(inspection, remember=False, open_store=held_opener(release))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "cases shown" in screen_text(app))
        assert isinstance(app.screen, CaseListScreen)
        assert app.opened is None, "the store has not opened the file yet"
        text = screen_text(app)
        assert "C02" in text and "6 of 6 cases shown" in text
        await pilot.press("down", "enter")  # C03, the second of AB's own cases
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen), "the interview needs the store"
        release.set()
        await settle(app, pilot)
        assert app.opened is not None
        assert isinstance(app.screen, InterviewScreen) and app.screen.case_ref == "C03"
        assert "A1" in screen_text(app)


async def test_f2_pressed_while_the_store_opens_shows_the_scores_once_it_has(inspection):
    from audit_tui.screens.dashboard import DashboardScreen

    release = threading.Event()
    app = make_app(inspection, remember=False, open_store=held_opener(release))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "cases shown" in screen_text(app))
        assert app.opened is None
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen), "the scores need the store"
        release.set()
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen), "the key was kept, not dropped"


async def test_the_bank_notice_is_read_once_the_list_shows(inspection):
    release = threading.Event()
    app = make_app(inspection, remember=False, open_store=held_opener(release))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await pilot.press("enter")  # a case chosen at once: the notice waits for the list
        release.set()
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert "does not ship" in screen_text(app)


async def test_a_demo_on_another_bank_says_how_to_have_a_new_one(tmp_path, bank):
    """The demo holds nothing to keep: its bank notice ends with the one step to a new demo."""
    demo = tmp_path / "demo-fji-2014.sqlite"
    with InspectionStore.create(demo, area="Lambeth (demo)", bank=bank, lead="AB") as store:
        store.add_cases([make_case("C01", inspector="AB")])
    app = make_app(demo, remember=False)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: "does not ship" in screen_text(app))
        text = " ".join(screen_text(app).split())  # the notice wraps: read it as one line
        assert f"for a demo on the shipped one, quit, `rm {demo}` and run the demo again" in text


async def test_the_backup_is_taken_beside_the_writer_and_quitting_waits_for_it(inspection):
    release = threading.Event()
    app = make_app(inspection, remember=False, open_store=held_opener(release))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "cases shown" in screen_text(app))
        await pilot.press("down", "enter")  # C03, which has no answer yet
        release.set()
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        await pilot.press("y")
        await until(pilot, lambda: "✓ saved" in screen_text(app))
    [taken] = list_backups(inspection, backups_dir())  # the app did not end before it
    assert _cases(taken.path) == _cases(inspection)
    assert not list(taken.path.parent.glob("*.partial"))


async def test_a_backup_that_cannot_be_taken_is_said_and_the_file_still_opens(inspection):
    backups_dir().rmdir()
    (data_dir() / "backups").write_text("not a folder")  # where the backups go is taken
    app = make_app(inspection, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: list(app._notifications))
        [said] = app._notifications
        assert said.title == "No backup taken"
        assert said.message.startswith(f"no backup of {inspection} was taken (")
        assert isinstance(app.screen, CaseListScreen) and app.opened is not None


def _cases(path) -> list[str]:
    store = InspectionStore.open(path, readonly=True)
    try:
        return [case.case_ref for case in store.cases()]
    finally:
        store.close()


async def test_a_store_that_cannot_open_a_listed_file_ends_the_app(inspection):
    def refusing(path, passphrase=None):
        raise StoreError(f"the question bank stored in {path} cannot be read by this audit-tui")

    app = make_app(inspection, remember=False, open_store=refusing)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await asyncio.sleep(0)
    assert app.return_code == 1
    assert "cannot be read by this audit-tui" in (app.return_value or "")


async def test_the_collector_paused_for_the_start_runs_again_once_the_app_is_up(inspection):
    startup_gc.pause()  # as `audit-tui open` does before it loads the interface
    try:
        assert not gc.isenabled()
        app = make_app(inspection, remember=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "cases shown" in screen_text(app))
            for _ in range(1000):  # the app resumes it a moment after it mounts
                if gc.isenabled():
                    break
                await pilot.pause(0.01)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0, "what the start made is frozen, not walked again"
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_collector_already_stopped_is_left_stopped():
    gc.disable()
    try:
        startup_gc.pause()
        startup_gc.resume()
        assert not gc.isenabled(), "only a pause of its own is resumed"
    finally:
        gc.enable()


def test_a_file_the_interface_cannot_open_leaves_the_collector_running(tmp_path):
    """`audit-tui open` pauses the collector as it starts the interface; an app that ends at
    once (a file that is not an inspection) runs it again as it ends."""
    from typer.testing import CliRunner

    from audit_tui.cli import app as cli

    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["open", str(bad)])
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert gc.isenabled()
