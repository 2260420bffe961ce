"""An encrypted inspection file: the interface asks for its passphrase before opening it."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_tui.app import make_app
from audit_tui.screens.case_list import CaseListScreen
from audit_tui.screens.passphrase import PassphraseScreen
from db.protection.backup import list_backups
from db.protection.crypto import encrypt_file

from .conftest import build_inspection, screen_text, settle

SIZE = (100, 40)
PASSPHRASE = "correct horse battery"


@pytest.fixture
def encrypted(tmp_path, bank) -> Path:
    path = build_inspection(tmp_path / "secret.sqlite", bank)
    encrypt_file(path, PASSPHRASE)
    return path


async def _until(pilot, condition) -> None:
    for _ in range(200):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError("the interface never got there")


async def test_a_wrong_passphrase_is_said_and_the_right_one_opens_the_file(encrypted):
    app = make_app(encrypted, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PassphraseScreen))
        assert "secret.sqlite is encrypted" in screen_text(app)
        await pilot.press(*"wrong horse", "enter")
        await _until(pilot, lambda: "does not open this file" in screen_text(app))
        assert "wrong horse" not in screen_text(app)  # never echoed, and cleared for a retry
        assert isinstance(app.screen, PassphraseScreen) and app.writer is None
        await pilot.press(*PASSPHRASE, "enter")
        await _until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await settle(app, pilot)
        assert "C02" in screen_text(app)
        assert PASSPHRASE not in screen_text(app)
    [taken] = list_backups(encrypted, _backups())
    assert taken.encrypted  # opening for writing took an encrypted backup


async def test_escape_gives_up_and_says_the_file_was_not_opened(encrypted):
    app = make_app(encrypted, remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PassphraseScreen))
        await pilot.press("escape")
        await _until(pilot, lambda: app.return_code == 1)
    assert app.return_value == f"{encrypted} is encrypted and no passphrase was given"


async def test_a_passphrase_from_the_command_line_opens_without_asking(encrypted):
    app = make_app(encrypted, remember=False, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await settle(app, pilot)
        assert "C02" in screen_text(app)


def _backups() -> Path:
    from audit_tui.locations import backups_dir

    return backups_dir()
