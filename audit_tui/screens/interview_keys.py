"""The interview's keys: one per answer, moving, jumping, notes, undo, completion.

The footer, the help screen (?) and the command palette all list them from here. Answer keys of
scales other than yes / no / N/A (l m h x, i o) are read by InterviewScreen.on_key.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

INTERVIEW_KEYS: list[BindingType] = [
    Binding("y", "answer('y')", "Yes", tooltip="Answer yes, save and move on"),
    Binding("n", "answer('n')", "No", tooltip="Answer no, save and move on"),
    Binding("a", "answer('a')", "N/A", tooltip="Answer N/A, save and move on"),
    Binding("right", "step(1)", "Next", tooltip="Next question that applies"),
    Binding("left", "step(-1)", "Back", tooltip="Previous question that applies"),
    Binding("down,j", "step(1)", "Next", show=False),
    Binding("up,k", "step(-1)", "Back", show=False),
    Binding("g", "next_unanswered", "Unanswered", tooltip="Go to the next unanswered question"),
    Binding("e", "edit_note", "Note", tooltip="Write or edit the note of this question"),
    Binding("u", "undo", "Undo", tooltip="Undo the last answer (or note) of this session"),
    Binding("ctrl+z", "undo", "Undo", show=False),
    Binding("right_square_bracket", "theme(1)", "Next theme", show=False),
    Binding("left_square_bracket", "theme(-1)", "Previous theme", show=False),
    Binding("tab", "theme(1)", "Next theme", show=False),
    Binding("shift+tab", "theme(-1)", "Previous theme", show=False),
    *[Binding(str(n), f"go_theme({n})", f"Theme {n}", show=False) for n in range(1, 10)],
    Binding("c", "complete", "Complete case", tooltip="Complete the case, or list what is missing"),
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
    Binding("escape", "leave", "Case list", tooltip="Back to the case list"),
]
