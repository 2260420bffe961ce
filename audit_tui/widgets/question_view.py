"""The current question: text, guidance prompts, the answer with its saved mark, the note.

Also the row of the section's questions (answered, unanswered, N/A because they do not apply),
so questions that are skipped are still shown. Clicking an answer or a question works like its
key.
"""

from __future__ import annotations

import functools
import textwrap

from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive

from audit_tui.interview_state import REFUSED, SAVED, SAVING, InterviewState
from audit_tui.widgets.lines import KeptRows, Line
from question_bank.model import Question

ANSWER_STYLES = {"yes": "$success", "no": "$error", "na": "$text-muted"}


@functools.lru_cache(maxsize=512)
def _guidance(prompts: tuple[str, ...], width: int) -> tuple[Content, ...]:
    """A question's guidance prompts as bullets, each wrapped with a hanging indent so that a
    prompt that wraps still reads as one bullet (kept: every redraw of a question needs them)."""
    lines: list[Content] = []
    for prompt in prompts:
        wrapped = textwrap.wrap(prompt, width) or [""]
        lines.append(Content.styled(f"  • {wrapped[0]}", "$text-muted"))
        lines.extend(Content.styled(f"    {more}", "$text-muted") for more in wrapped[1:])
    return tuple(lines)


def answer_glyph(value: str | None) -> str:
    return {"yes": "✓", "no": "✗", "na": "–", None: "·"}.get(value, "•")


class QuestionView(KeptRows):
    """Renders the InterviewState's current question; the screen bumps `revision` to redraw.

    At least as tall as the area it scrolls in, so a question with fewer lines than the last
    one repaints in place instead of laying out the screen again.
    """

    DEFAULT_CSS = """
    QuestionView {
        height: auto;
        min-height: 100%;
        padding: 0 1;
    }
    """

    revision: reactive[int] = reactive(0, repaint=False)

    def __init__(self, state: InterviewState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state

    def watch_revision(self) -> None:
        self.refresh_rows()

    def lines(self, width: int) -> list[Line]:
        return self.lines_for(self.state.current, width)

    def keep_settled(self) -> None:
        """Render (see KeptRows.keep) the lines the current question will have once every
        answer being saved is saved."""
        self.keep(self.lines_for(self.state.current, self.content_region.width, settled=True))

    def lines_for(self, q: Question, width: int, settled: bool = False) -> list[Line]:
        """The lines showing question `q` as the current one (`settled`: as they will be once
        every answer being saved is saved)."""
        state = self.state
        theme = state.bank.theme_by_number[q.theme]
        section = state.sections[q.section]
        answered, total = state.counts()
        lines: list[Line] = []
        key = " · [b $accent]key[/]" if q.key else ""
        lines.append(
            f"[$text-muted]Theme {theme.number} · {escape(section.title)} · "
            f"[b]{escape(q.id)}[/b]{key} · {answered}/{total}[/]"
        )
        lines.append("")
        # Plain text as Content: no markup to parse, and nothing in it is taken for markup.
        lines.append(Content.styled(q.text, "bold"))
        lines.extend(_guidance(tuple(q.guidance), max(width - 4, 20)))
        lines.append("")
        if not state.applies(q.id):
            lines.append(
                f"[b $text-muted]N/A automatically[/] [$text-muted]— "
                f"{escape(state.why_not_applicable(q))}; skipped[/]"
            )
        else:
            lines.append("Answer  " + self._scale_line(q))
            lines.append(self._note_line(q))
            lines.append(self._mark_line(q, settled))
        lines.append("")
        lines.append(self._section_strip(q, settled))
        return lines

    def _scale_line(self, q: Question) -> str:
        state = self.state
        shown = state.shown_answer(q.id)
        chips = []
        for option in state.bank.scale_of(q).options:
            label = f" {option.key} {escape(option.label)} "
            action = f"[@click=screen.answer('{option.key}')]"
            if shown is not None and shown.value == option.value:
                style = ANSWER_STYLES.get(option.value, "$accent")
                chips.append(f"{action}[reverse b {style}]{label}[/][/]")
            else:
                chips.append(f"{action}[$text-muted]{label}[/][/]")
        return " ".join(chips)

    def _note_line(self, q: Question) -> str:
        state = self.state
        shown = state.shown_answer(q.id)
        draft = state.draft_notes.get(q.id)
        required = ", ".join(q.note_required_for)
        if shown is not None and shown.note:
            return f"Note    {escape(shown.note)}"
        if draft:
            return f"Note    {escape(draft)} [$warning](saved with the answer)[/]"
        if required:
            return f"Note    [$text-muted]none · required for {escape(required)} · e to write[/]"
        return "Note    [$text-muted]none · e to write[/]"

    def _mark_line(self, q: Question, settled: bool = False) -> str:
        state = self.state
        qid = q.id
        mark = state.marks.get(qid)
        if mark == SAVING and settled:
            mark = SAVED
        if mark == SAVING:
            return "[$warning]… saving[/]"
        if mark == REFUSED:
            return f"[$error]✗ not saved: {escape(state.refusal.get(qid, ''))}[/]"
        if mark == SAVED or qid in state.answers:
            return "[$success]✓ saved[/]"
        return "[$text-muted]not answered[/]"

    def _section_strip(self, current: Question, settled: bool = False) -> str:
        state = self.state
        chips = []
        for n, q in enumerate(state.section_of(current), start=1):
            if not state.applies(q.id):
                text, style = f"{n} n/a", "$text-muted strike"
            else:
                shown = state.shown_answer(q.id)
                value = shown.value if shown else None
                saving = not settled and state.marks.get(q.id) == SAVING
                glyph = "…" if saving else answer_glyph(value)
                text = f"{n}{glyph}"
                style = ANSWER_STYLES.get(value or "", "") if value else ""
            chip = f"[@click=screen.go_to('{q.id}')]{text}[/]"
            if style:
                chip = f"[{style}]{chip}[/]"
            if q.id == current.id:
                chip = f"[reverse]{chip}[/reverse]"
            chips.append(chip)
        return "Section " + " ".join(chips)
