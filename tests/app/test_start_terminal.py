"""The real `audit-tui open` in a terminal (tmux): Enter on the first frame of the case list, or
as the store opens the file and the interview is loaded behind the list, opens the interview."""

from __future__ import annotations

import shutil

import pytest

from .test_real_terminal import audit_tui_in_tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.mark.parametrize(
    "enter_at",
    ["cases shown", "F2 Scores"],  # the list's first frame; the file opened (F2 then shows)
)
def test_enter_on_the_starting_list_opens_the_interview(tmp_path, inspection, enter_at):
    terminal = audit_tui_in_tmux(tmp_path, "open", str(inspection))
    try:
        terminal.wait_for(enter_at)
        terminal.send("Enter")  # never dropped: it waits for the store and the interview
        terminal.wait_for(r"Case C02 — .*inspector")  # AB's first case, highlighted first
        screen = terminal.wait_for(r"Section ").string
        assert "A1" in screen and "Inspection" in screen, "the question, with the scores"
    finally:
        terminal.close()
