"""Every screen names the open file and what it is; reopening says which file; recent files."""

from __future__ import annotations

from audit_tui import settings
from audit_tui.app import make_app
from audit_tui.cli import launch
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.moderation import ModerationScreen
from audit_tui.screens.start import StartScreen
from db.collation.export import split
from db.reporting.demo import build_demo

from .conftest import screen_text, settle
from .test_moderation import collated_with_conflict

SIZE = (80, 24)


def header(app) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_lead_s_file_its_split_files_and_the_collated_file_are_told_apart(
    tmp_path, inspection, bank
):
    made = {f.inspector: f.path for f in split(inspection, tmp_path / "handed-out")}
    collated = collated_with_conflict(tmp_path, bank)
    expected = [
        (inspection, "lambeth.sqlite (inspection) · Lambeth · interview-test v1"),
        (made["KM"], "lambeth-KM.sqlite (split for KM) · Lambeth · interview-test v1"),
        (made["AB"], "lambeth-AB.sqlite (split for AB) · Lambeth · interview-test v1"),
        (collated, "collated.sqlite (collated) · Lambeth · interview-test v1"),
    ]
    for path, named in expected:
        app = make_app(path, remember=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, CaseListScreen)
            assert app.sub_title == named
            assert f"Cases — {named.split(' · ')[0]} · Lambeth" in header(app), "at 80 columns"
            await pilot.press("f2")
            await settle(app, pilot)
            assert f"Scores — {named.split(' · ')[0]} · all cases" in header(app)


async def test_the_demo_says_it_is_the_demo(tmp_path):
    demo = build_demo(tmp_path / "demo-fji-2014.sqlite")
    app = make_app(demo, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "demo-fji-2014.sqlite (demo) · Lambeth (demo)" in header(app)


async def test_moderate_names_the_collated_file(tmp_path, bank):
    collated = collated_with_conflict(tmp_path, bank)
    app = make_app(collated, remember=False, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ModerationScreen)
        assert "Moderation — collated.sqlite (collated) · Lambeth" in header(app)


async def test_reopening_the_last_file_says_which_file_it_is(tmp_path, bank, monkeypatch):
    collated = collated_with_conflict(tmp_path, bank)
    # `moderate` remembers the collated file; plain `audit-tui` then reopens it, and says so.
    app = make_app(collated, start_with="moderation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.workers.wait_for_complete()
    assert settings.last_file() == collated.resolve()

    ran: list[tuple[object, bool]] = []
    monkeypatch.setattr(
        launch,
        "run_app",
        lambda path, passphrase=None, reopened=False: ran.append((path, reopened)),
    )
    launch.open_last()
    assert ran == [(collated.resolve(), True)]

    app = make_app(collated, remember=False, reopened=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        told = [n.title + ": " + n.message for n in app._notifications]
        assert told == [
            f"Reopened the last file used: {collated.resolve()} (collated). "
            "`audit-tui open FILE` opens another."
        ]


async def test_an_app_given_a_file_does_not_announce_it(app_for):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not list(app._notifications)


async def test_the_start_screen_lists_recent_files_with_their_paths(tmp_path, inspection, bank):
    collated = collated_with_conflict(tmp_path, bank)
    settings.remember_file(str(inspection), "inspection")
    settings.remember_file(str(collated), "collated")
    settings.remember_file(str(tmp_path / "gone.sqlite"), "inspection")  # deleted since
    app = make_app(None, remember=False)
    async with app.run_test(size=(160, 40)) as pilot:  # wide enough for a pytest path
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "No inspection file is open yet." in text, "the intro stays in view"
        assert "Recent files (ctrl+r, then enter)" in text
        assert f"collated.sqlite (collated) · {tmp_path}" in text
        assert f"lambeth.sqlite (inspection) · {inspection.parent}" in text
        assert "gone.sqlite" not in text
        await pilot.press("down", "enter")  # the second: the lead's file
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert "lambeth.sqlite (inspection)" in header(app)


async def test_a_file_collated_from_one_hand_in_is_still_collated(tmp_path, inspection):
    from db.collation.collate import collate
    from db.file.store import InspectionStore

    made = {f.inspector: f.path for f in split(inspection, tmp_path / "handed-out")}
    with InspectionStore.open(made["KM"]) as store:  # KM worked in the interface
        store.set_state("resume:KM", '{"case": "C01", "question": null, "interview": false}')
    out = tmp_path / "collated.sqlite"
    collate([made["KM"], made["AB"]], out)
    app = make_app(out, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.sub_title.startswith("collated.sqlite (collated) · ")


async def test_a_split_file_opened_without_initials_answers_as_its_inspector(tmp_path, inspection):
    """Plain `audit-tui open lambeth-KM.sqlite` (or reopening it) must not answer as the lead."""
    made = {f.inspector: f.path for f in split(inspection, tmp_path / "handed-out")}
    app = make_app(made["KM"], remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert app.screen.own == "KM"
        assert "assigned to KM" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "— lambeth-KM.sqlite (split for KM) · inspector KM" in header(app)


async def test_the_file_reopens_as_the_inspector_who_last_worked_in_it(tmp_path, inspection):
    first = make_app(inspection, inspector="km")
    async with first.run_test(size=SIZE) as pilot:
        await settle(first, pilot)
        await first.workers.wait_for_complete()
    assert settings.inspector_for(inspection) == "KM"
    again = make_app(inspection)  # as `audit-tui` or `audit-tui open FILE` with no initials
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert isinstance(again.screen, CaseListScreen)
        assert again.screen.own == "KM"
