"""The interview at 80x24: every key an inspector needs is in the footer, the rest in help and
the palette; a snapshot shows it with an answer saved flagged "note needed"."""

from __future__ import annotations

from audit_tui.screens.help import help_sections

from .conftest import press_settled, screen_text, settle
from .test_snapshots import _run

FOOTER_KEYS = ("y Yes", "n No", "a N/A", "g Gap", "e Note", "u Undo", "c Complete", "esc Cases")


def test_interview_at_80x24(snap_compare, app_for):
    app, run_before = _run(app_for, "down", "enter", "y", "y", "n", "escape")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_every_key_the_interview_needs_is_in_its_footer_at_80_columns(app_for):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await press_settled(app, pilot, "enter")
        footer = screen_text(app).splitlines()[-1]
        for key in (*FOOTER_KEYS, "? Help"):
            assert key in footer, f"{key!r} is not in the footer: {footer!r}"
    # the rest are in help (its "Everywhere" and "Interview" sections) and the palette
    sections = dict(help_sections(app.BINDINGS))
    listed = {row.action for title in ("Everywhere", "Interview") for row in sections[title]}
    hidden = ("step(1)", "step(-1)", "theme(1)", "reopen", "details", "case_findings")
    for action in (*hidden, "dashboard", "toggle_dark", "quit", "command_palette"):
        assert action in listed, f"help does not list {action!r}"
