"""The current question: text, the answer with its saved mark, the note, guidance prompts.

Also the row of the section's questions (answered, unanswered, N/A because they do not apply),
so questions that are skipped are still shown. Clicking an answer or a question works like its
key.
"""

from __future__ import annotations

import functools
import textwrap

from rich.cells import cell_len
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive

from audit_tui.interview_state import REFUSED, SAVED, SAVING, InterviewState
from audit_tui.widgets.lines import KeptRows, Line
from db.file.answer_rules import note_needed
from question_bank.model import Question

# By what an answer counts as: the yes / no / N/A of any scale ("No: should be high" is a no).
COUNTS_AS_STYLES = {"yes": "$success", "no": "$error", "excluded": "$text-muted"}
ANSWER_INDENT = " " * len("Answer  ")


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


def _shared_words(labels: list[str]) -> tuple[int, str]:
    """The words the last three or more labels start with, and the first label they lead
    (("No: should be low", "No: should be high", ...) share "No: should be"); (len, "") if
    none."""
    for first in range(len(labels) - 2):
        words = [label.split(" ") for label in labels[first:]]
        shared: list[str] = []
        for column in zip(*words, strict=False):
            if len(set(column)) != 1:
                break
            shared.append(column[0])
        if shared and all(len(w) > len(shared) for w in words):
            return first, " ".join(shared)
    return len(labels), ""


def _chip_rows(chips: list[tuple[str, int]], width: int) -> list[str]:
    """Answer chips (markup, cells) in rows of at most `width` cells after the "Answer" label,
    each chip whole on one row: a long scale wraps between options, never inside one."""
    rows: list[str] = []
    row: list[str] = []
    used = 0
    room = max(width - len(ANSWER_INDENT), 1)
    for markup, cells in chips:
        if row and used + 1 + cells > room:
            rows.append(" ".join(row))
            row, used = [], 0
        used += cells + (1 if row else 0)
        row.append(markup)
    rows.append(" ".join(row))
    return [("Answer  " if i == 0 else ANSWER_INDENT) + r for i, r in enumerate(rows)]


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

    def __init__(self, state: InterviewState | None = None, *, id: str | None = None) -> None:
        """`state`: None while the case is being read (given later, `show_state`)."""
        super().__init__(id=id)
        self._state = state

    @property
    def state(self) -> InterviewState:
        assert self._state is not None, "the case is not read yet"
        return self._state

    def show_state(self, state: InterviewState) -> None:
        """The case has been read: show its current question (composed before, so that
        showing it lays nothing out again)."""
        self._state = state
        self.refresh_rows()

    def watch_revision(self) -> None:
        self.refresh_rows()

    def lines(self, width: int) -> list[Line]:
        if self._state is None:
            return ["[$text-muted]Opening the case…[/]"]
        return self.lines_for(self.state.current, width)

    def keep_settled(self, both: bool = False) -> None:
        """Render (see KeptRows.keep) the lines the current question will have once every
        answer being saved is saved (`both`: and the lines it has while they are saved)."""
        width = self.content_width
        self.keep(self.lines_for(self.state.current, width, settled=True))
        if both:
            self.keep(self.lines_for(self.state.current, width))

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
            f"[$text-muted]{state.bank.words.theme.capitalize()} {theme.mark} · "
            f"{escape(section.title)} · "
            f"[b]{escape(q.id)}[/b]{key} · {answered}/{total}[/]"
        )
        lines.append("")
        # Plain text as Content: no markup to parse, and nothing in it is taken for markup.
        lines.append(Content.styled(q.text, "bold"))
        # The answer right under the question, the guidance after it: on a short terminal the
        # guidance runs below the fold, never the answer given, its note or its saved mark.
        lines.append("")
        if not state.applies(q.id):
            lines.append(
                f"[b $text-muted]N/A automatically[/] [$text-muted]— "
                f"{escape(state.why_not_applicable(q))}; skipped[/]"
            )
        else:
            lines.extend(self._scale_lines(q, width))
            lines.append(self._note_line(q))
            lines.append(self._mark_line(q, settled))
        lines.append(self._section_strip(q, settled))
        if q.guidance:
            lines.append("")
            lines.extend(_guidance(tuple(q.guidance), max(width - 4, 20)))
        return lines

    def _style(self, q: Question, value: str | None) -> str:
        """The colour of an answer: by what it counts as."""
        option = self.state.bank.scale_of(q).option(value) if value else None
        return COUNTS_AS_STYLES.get(option.counts_as, "$accent") if option else ""

    def _glyph(self, q: Question, value: str | None) -> str:
        """An answer in one cell: ✓ ✗ – for yes / no / N/A, else its option's key."""
        option = self.state.bank.scale_of(q).option(value) if value else None
        if option is None or value in ("yes", "no", "na"):
            return answer_glyph(value)
        return option.key

    def _scale_lines(self, q: Question, width: int) -> list[str]:
        """The scale's options with their keys, the one answered highlighted; the words that
        three or more options share are said once ("No: should be  l low  m medium ...")."""
        state = self.state
        shown = state.shown_answer(q.id)
        options = state.bank.scale_of(q).options
        first, shared = _shared_words([o.label for o in options])
        chips: list[tuple[str, int]] = []
        for n, option in enumerate(options):
            label = option.label[len(shared) :].lstrip() if n >= first else option.label
            plain = f" {option.key} {label} "
            text = f" {option.key} {escape(label)} "
            action = f"[@click=screen.answer('{option.key}')]"
            if shown is not None and shown.value == option.value:
                style = self._style(q, option.value)
                chip = (f"{action}[reverse b {style}]{text}[/][/]", cell_len(plain))
            else:
                chip = (f"{action}[$text-muted]{text}[/][/]", cell_len(plain))
            if n == first:  # the shared words stay on the row of the first option they lead
                chip = (f"{escape(shared)} {chip[0]}", cell_len(shared) + 1 + chip[1])
            chips.append(chip)
        return _chip_rows(chips, width)

    def _note_line(self, q: Question) -> str:
        state = self.state
        shown = state.shown_answer(q.id)
        draft = state.draft_notes.get(q.id)
        required = self._required_for(q)
        if shown is not None and shown.note:
            return f"Note    {escape(shown.note)}"
        if shown is not None and state.lacks_note(q.id):
            sentence = note_needed(q.id, shown.value).partition(";")[0]
            return (
                f"Note    [b $warning]note needed[/] [$warning]{escape(sentence)} · e to write[/]"
            )
        if draft:
            return f"Note    {escape(draft)} [$warning](saved with the answer)[/]"
        if required:
            return f"Note    [$text-muted]none · required for {escape(required)} · e to write[/]"
        return "Note    [$text-muted]none · e to write[/]"

    def _required_for(self, q: Question) -> str:
        """The answers that need a note: 'no'; several of a longer scale by their keys."""
        required = q.note_required_for
        if len(required) == 1:
            return required[0].replace("_", " ")
        scale = self.state.bank.scale_of(q)
        return ", ".join(o.key for o in scale.options if o.value in required)

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
        if state.shown_answer(qid) is None:  # never answered, or cleared (an undo)
            return "[$text-muted]not answered[/]"
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
                glyph = "…" if saving else self._glyph(q, value)
                text = f"{n}{glyph}"
                style = self._style(q, value)
            chip = f"[@click=screen.go_to('{q.id}')]{text}[/]"
            if style:
                chip = f"[{style}]{chip}[/]"
            if q.id == current.id:
                chip = f"[reverse]{chip}[/reverse]"
            chips.append(chip)
        return "Section " + " ".join(chips)
