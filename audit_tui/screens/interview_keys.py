"""The interview's keys: one per answer, moving, jumping, notes, undo, completion.

The help screen (?) and the command palette list them all from here; the footer shows the
ones an inspector needs on every question (answer, gap, note, undo, complete, back to the
cases, help), which fit in 80 columns. Answer keys of
scales other than yes / no / N/A (l m h x, i o) are read by InterviewScreen.on_key.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

INTERVIEW_KEYS: list[BindingType] = [
    Binding("y", "answer('y')", "Yes", tooltip="Answer yes, save and move on"),
    Binding("n", "answer('n')", "No", tooltip="Answer no, save and move on"),
    Binding("a", "answer('a')", "N/A", tooltip="Answer N/A, save and move on"),
    # The arrows are in help (?) and the palette (Ctrl+P): the footer keeps its room at 80
    # columns for the keys a user could not guess.
    Binding("right", "step(1)", "Next", show=False, tooltip="Next question that applies"),
    Binding("left", "step(-1)", "Back", show=False, tooltip="Previous question that applies"),
    Binding("down,j", "step(1)", "Next", show=False),
    Binding("up,k", "step(-1)", "Back", show=False),
    Binding("g", "next_unanswered", "Gap", tooltip="Go to the next unanswered question"),
    Binding("e", "edit_note", "Note", tooltip="Write or edit the note of this question"),
    Binding("u", "undo", "Undo", tooltip="Undo the last answer (or note) of this session"),
    Binding("ctrl+z", "undo", "Undo", show=False),
    Binding("right_square_bracket", "theme(1)", "Next theme", show=False),
    Binding("left_square_bracket", "theme(-1)", "Previous theme", show=False),
    Binding("tab", "theme(1)", "Next theme", show=False),
    Binding("shift+tab", "theme(-1)", "Previous theme", show=False),
    *[Binding(str(n), f"go_theme({n})", f"Theme {n}", show=False) for n in range(1, 10)],
    Binding("c", "complete", "Complete", tooltip="Complete the case, or list what is missing"),
    Binding(
        "r",
        "reopen",
        "Reopen case",
        show=False,
        tooltip="Reopen a complete case, with a reason",
    ),
    Binding(
        "d",
        "details",
        "Case details",
        show=False,
        tooltip="Edit the fields that decide which questions apply",
    ),
    Binding(
        "v",
        "case_findings",
        "Case's no's",
        show=False,
        tooltip="This case's key questions answered no, per theme",
    ),
    Binding("escape", "leave", "Cases", tooltip="Back to the case list"),
    # The app's keys but help, kept out of the interview's footer for want of room at 80
    # columns: help (?) and the palette (Ctrl+P) list them, and they work as everywhere.
    Binding("f2", "dashboard", "Scores", key_display="F2", show=False),
    Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
]
