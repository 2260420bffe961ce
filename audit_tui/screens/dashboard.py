"""The dashboard: every theme's score, its Data Summary chart and the lead's recorded judgement.

Everything is said in the bank's words ("Standard 2.1", "rating"); the overall rating, where
the bank has one, stands under the table.

Figures are read on the writer thread (figure_calls.dashboard_figures, which calls
db.reporting.figures like `audit-tui scores` and `summary`) and redrawn when they come back: when
the screen shows, when the breakdown changes, and whenever an answer is saved anywhere (the app
forwards a FiguresChanged here). One read is in flight at a time; changes meanwhile ask for one
more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from audit_tui import figure_calls
from audit_tui.figure_calls import Breakdown, DashboardFigures
from audit_tui.locations import file_label
from audit_tui.messages import StoreRefused
from audit_tui.screens.dashboard_words import history_line, in_words, theme_name
from audit_tui.store_calls import OpenedFile
from audit_tui.widgets.data_summary import ChartScope, DataSummary, falling_short
from audit_tui.widgets.theme_scores import ScoreScope, ThemeScores, judgement_style
from audit_tui.writer import writer_of
from db.file.judgements import Judgement
from question_bank.model import Terms
from question_bank.scoring import ThemeScore

# What a group picker gives: a (field, value) group, "clear", or None when cancelled.
GroupChoice = tuple[str, Any] | str | None

# Rows of the screen besides the table's theme rows: the header and the footer, the table's
# border, headings, rule and caption, the overall rating; then what the chosen theme needs at
# least (its title and indicative judgement, the chart's legend and headings, a few bars).
CHROME_ROWS = 7
THEME_ROWS = 9
LEAST_WINDOW = 4
PROVISIONAL = " (provisional)"


class FiguresChanged(Message):
    """Answers or cases changed somewhere: figures on show must be read again."""


class FiguresRead(Message):
    def __init__(self, figures: DashboardFigures) -> None:
        super().__init__()
        self.figures = figures


class JudgementRecorded(FiguresRead):
    """A judgement is in the file, and the figures read after it."""


class DashboardScreen(Screen[None]):
    """All themes at once: scores, the chosen theme's chart, judgements; filter and compare."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "theme(1)", "Next theme", tooltip="The next theme"),
        Binding("left_square_bracket", "theme(-1)", "Prev theme", show=False,
                tooltip="Chart of the previous theme"),
        Binding("tab", "theme(1)", "Next theme", show=False),
        Binding("shift+tab", "theme(-1)", "Previous theme", show=False),
        *[Binding(str(n), f"go_theme({n})", f"Theme {n}", show=False,
                  tooltip=f"Theme {n} (again: the next theme numbered {n}.x)")
          for n in range(1, 10)],
        Binding("f", "filter", "Filter", tooltip="Count only a group of cases (adds to a filter)"),
        Binding("c", "compare", "Compare",
                tooltip="Set a group beside the rest of the cases (girls against boys)"),
        Binding("x", "all_cases", "All cases", show=False,
                tooltip="Clear the filter and the comparison"),
        Binding("j", "judgement", "Judgement",
                tooltip="Record the lead's judgement of the theme, with its rationale"),
        Binding("escape", "close", "Back", tooltip="Back to the screen before"),
        # F2 leaves the dashboard as Esc does: not in the footer twice, so it fits 80 columns.
        Binding("f2", "close", "Back", show=False),
    ]  # fmt: skip

    def __init__(self, opened: OpenedFile) -> None:
        super().__init__()
        self.opened = opened
        self.words = opened.bank.words
        self._in_words(self.words)
        self.breakdown = Breakdown()
        self.figures: DashboardFigures | None = None
        # the first theme with figures to show (yjs-2021's first standards are the lead's)
        themes = opened.bank.themes
        self.theme = next((t.number for t in themes if t.case_scored), themes[0].number)
        self._reading = False
        self._again = False
        self._texts: dict[str, Content] = {}
        self._saving: int | None = None  # the theme whose judgement the file has not yet taken

    def compose(self) -> ComposeResult:
        bank = self.opened.bank
        yield Header()
        yield ThemeScores(
            bank=bank, id="dashboard-scores", title="Case assessment scores", title_share=4
        )
        yield Static(id="dashboard-overall")
        with VerticalScroll(id="dashboard-theme"):
            yield Static(id="dashboard-judgement")
            yield DataSummary(bank=bank, id="dashboard-chart")
            yield Static(id="dashboard-lowest")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Scores"  # short: the header names the file too, at 80 columns
        self.query_one("#dashboard-scores", ThemeScores).selected = self.theme
        self.query_one("#dashboard-overall").display = self.opened.bank.scoring.overall is not None
        self.query_one("#dashboard-theme").focus()

    def on_resize(self, event: events.Resize) -> None:
        """On a short terminal the table shows a window of its rows around the chosen theme,
        so the theme's chart keeps room under it."""
        window = max(event.size.height - CHROME_ROWS - THEME_ROWS, LEAST_WINDOW)
        self.query_one("#dashboard-scores", ThemeScores).window = window

    def _in_words(self, words: Terms) -> None:
        """The keys' names in the footer and the palette in the bank's words ("Next
        standard", "Rating"). The help lists every screen's keys in the default words."""
        keys = self._bindings.key_to_bindings
        for key, bindings in keys.items():
            keys[key] = [
                replace(
                    b,
                    description=in_words(b.description, words),
                    tooltip=in_words(b.tooltip, words),
                )
                for b in bindings
            ]

    def on_screen_resume(self) -> None:
        self.read_figures()

    # -- reading ------------------------------------------------------------------------------

    def read_figures(self) -> None:
        """Ask the writer for the figures of the current breakdown (once at a time)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        writer_of(self).submit(
            partial(figure_calls.dashboard_figures, breakdown=self.breakdown),
            reply_to=self,
            done=FiguresRead,
            failed=StoreRefused,
        )

    def on_figures_changed(self, message: FiguresChanged) -> None:
        if self.is_attached and self in self.app.screen_stack:
            self.read_figures()

    def on_judgement_recorded(self, message: JudgementRecorded) -> None:
        self._saving = None
        self.on_figures_read(message)

    def on_figures_read(self, message: FiguresRead) -> None:
        message.stop()
        self._reading = False
        if self._saving is not None:
            return  # read before the judgement being saved: its own figures follow
        if self._again:
            self._again = False
            self.read_figures()
        if message.figures.breakdown != self.breakdown:
            return  # an older breakdown's figures; the current one's are on their way
        self.show(message.figures)

    def on_store_refused(self, message: StoreRefused) -> None:
        self._reading = False
        if self._saving is not None:
            self._saving = None
            self.read_figures()  # the judgement shown at once was not taken: read them back
        self.notify(message.error, title="Not saved", severity="error", timeout=8)

    # -- drawing ------------------------------------------------------------------------------

    def show(self, figures: DashboardFigures) -> None:
        self.figures = figures
        opened = self.opened
        self.sub_title = f"{file_label(opened.path, opened.kind)} · {figures.breakdown.headline()}"
        scores = self.query_one("#dashboard-scores", ThemeScores)
        compared = figures.breakdown.compare is not None
        scores.show(
            *[
                ScoreScope(
                    s.label if compared else "score",
                    tuple(s.themes),
                    cases=s.cases,
                    warning="; ".join(w for w in (figures.open_cases_warning, s.warning) if w)
                    or None,
                    name=s.label,
                )
                for s in figures.scopes
            ],
            recorded={n: j.judgement or "" for n, j in figures.judgements.items()},
        )
        scores.selected = self.theme
        self._update("#dashboard-overall", self._overall_text(), wraps=False)
        self._show_theme()

    def _show_theme(self) -> None:
        figures = self.figures
        if figures is None:
            return
        chart = self.query_one("#dashboard-chart", DataSummary)
        chart.show(
            *[
                ChartScope(s.label, s.cases, theme)
                for s in figures.scopes
                for theme in s.themes
                if theme.number == self.theme
            ]
        )
        first = figures.scopes[0]
        lowest = falling_short(self.opened.bank, first.label, first.themes)
        self._update("#dashboard-judgement", self._judgement_text(), wraps=True)
        self._update("#dashboard-lowest", lowest, wraps=False)

    def _update(self, selector: str, content: Content, wraps: bool) -> None:
        """Update a text only when it changed, and lay out only when its height may have: after
        most answers neither happens, and a layout costs more than the rest of the redraw. A
        text that does not wrap (CSS) is as high as its lines."""
        shown = self._texts.get(selector)
        if shown == content:
            return
        self._texts[selector] = content
        same_height = (
            not wraps
            and shown is not None
            and len(shown.plain.splitlines()) == len(content.plain.splitlines())
        )
        self.query_one(selector, Static).update(content, layout=not same_height)

    def _judgement_text(self) -> Content:
        """The theme's title with its recorded judgement, its indicative one (and under a
        lowest-key rule what sets it), the rationale and earlier judgements."""
        assert self.figures is not None
        words = self.words
        theme = self.opened.bank.theme_by_number[self.theme]
        recorded = self.figures.judgements.get(self.theme)
        head = Content.styled(f"{theme_name(words, theme)}: {theme.title}", "bold $accent")
        if recorded is None:
            said = Content.styled(f" · {words.judgement} not recorded (j records it)", "dim")
        else:
            said = Content.assemble(
                Content(" · recorded "),
                Content.styled(str(recorded.judgement), "bold"),
                Content.styled(f" by {recorded.recorded_by} on {recorded.recorded_at[:10]}", "dim"),
            )
        if self._saving == self.theme:
            said = Content.assemble(said, Content.styled(" (saving…)", "$warning"))
        lines = [Content.assemble(head, said)]
        if theme.case_scored:
            whole = next((t for t in self.figures.inspection if t.number == self.theme), None)
            if whole is not None:
                lines.append(self._indicative_text(whole))
        else:
            lines.append(
                Content.styled(
                    f"Not case-scored: the lead's {words.judgement} from the evidence of "
                    "fieldwork week 2.",
                    "italic",
                )
            )
        if recorded is not None:
            lines.append(Content(f"Rationale: {recorded.rationale}"))
        if not theme.case_scored:
            earlier = [j for j in self.figures.history if j.theme == self.theme][1:]
            for entry in earlier[:5]:
                lines.append(Content.styled(history_line(entry), "dim"))
        return Content("\n").join(lines)

    def _judged(self, label: str) -> str:
        """An indicative judgement in full: 'Good', or 'Good (provisional)'."""
        return f"{label}{PROVISIONAL}" if self.opened.bank.scoring.bands_provisional else label

    def _indicative_text(self, score: ThemeScore) -> Content:
        """'Indicative rating Good (provisional), 74%: set by S21-OTHERS (14 of 19 yes); 1 more
        yes there → Outstanding (provisional)', or under a pooled rule the score's phrase."""
        words = self.words
        whose = "" if self.breakdown == Breakdown() else " (all cases)"
        if score.percent is None or score.judgement is None:
            return Content.styled(
                f"Indicative {words.judgement}{whose}: none yet, no key question has a yes or "
                "no answer.",
                "dim",
            )
        parts = [
            Content(f"Indicative {words.judgement}{whose} "),
            Content.styled(self._judged(score.judgement), judgement_style(score.judgement)),
            Content(f", {score.percent}%"),
        ]
        if score.deciding is None:
            parts.append(Content.styled(f" ({score.phrase})", "italic"))
            return Content.assemble(*parts)
        parts.append(
            Content.styled(
                f": set by {score.deciding} ({score.numerator} of {score.denominator} yes)", "dim"
            )
        )
        if score.rise is None:
            parts.append(Content.styled(", the top band", "dim"))
        else:
            band = self._judged(score.rise.band)
            parts.append(Content.styled(f"; {score.rise.answers} more yes there → {band}", "dim"))
        return Content.assemble(*parts)

    def _overall_text(self) -> Content:
        """'Overall Requires improvement 17/36 (provisional)', or how many themes it waits for."""
        figures = self.figures
        if figures is None or figures.overall is None:
            return Content("")
        rating, words = figures.overall, self.words
        counted = figures.breakdown.describe()
        whose = Content.styled(f" · {counted}" if counted != "all cases" else "", "dim")
        if rating.label is None:
            marks = [self.opened.bank.theme_by_number[n].mark for n in rating.missing]
            many = len(marks) != 1
            return Content.assemble(
                Content.styled("Overall: ", "bold"),
                Content(f"{len(marks)} {words.theme}{'s' if many else ''} not yet rated "),
                Content.styled(
                    f"({', '.join(marks)}) · {rating.total}/{rating.maximum} so far · j records "
                    f"a {words.judgement}",
                    "dim",
                ),
                whose,
            )
        return Content.assemble(
            Content.styled("Overall ", "bold"),
            Content.styled(rating.label, f"bold {judgement_style(rating.label)}"),
            Content(f" {rating.total}/{rating.maximum}"),
            Content(PROVISIONAL if figures.overall_provisional else ""),
            whose,
            Content.styled(f" · recorded {words.judgement}s, else indicative ones", "dim"),
        )

    # -- actions ------------------------------------------------------------------------------

    def _choose_theme(self, number: int) -> None:
        self.theme = number
        self.query_one("#dashboard-scores", ThemeScores).selected = number
        self.query_one("#dashboard-theme", VerticalScroll).scroll_home(animate=False)
        self._show_theme()

    def action_theme(self, delta: int) -> None:
        numbers = [t.number for t in self.opened.bank.themes]
        index = numbers.index(self.theme) if self.theme in numbers else 0
        self._choose_theme(numbers[(index + delta) % len(numbers)])

    def action_go_theme(self, number: int) -> None:
        """The theme the framework numbers `number` ("2"), or the first of those numbered
        `number`.x ("2.1"); again, the next of them."""
        themes = [
            t.number
            for t in self.opened.bank.themes
            if t.mark == str(number) or t.mark.startswith(f"{number}.")
        ]
        if not themes:
            self.notify(f"The bank has no {self.words.theme} {number}.", timeout=3)
        elif self.theme in themes:
            self._choose_theme(themes[(themes.index(self.theme) + 1) % len(themes)])
        else:
            self._choose_theme(themes[0])

    def on_theme_scores_selected(self, message: ThemeScores.Selected) -> None:
        message.stop()
        self._choose_theme(message.number)

    def choose_theme(self, number: int) -> None:
        """Show a theme's row and chart: asked by the app when a theme is clicked elsewhere."""
        if self.is_mounted:
            self._choose_theme(number)
        else:
            self.theme = number  # on_mount selects it

    def _pick_group(self, title: str, clear: str, chosen: Callable[[GroupChoice], None]) -> None:
        from audit_tui.screens.figure_dialogs import GroupPicker

        if self.figures is not None:
            now = self.breakdown.describe()
            self.app.push_screen(
                GroupPicker(title, self.figures.groups, clear=clear, now=now), chosen
            )

    def action_filter(self) -> None:
        self._pick_group(
            "Count only the cases of a group", "All cases (no filter)", self._filter_chosen
        )

    def _filter_chosen(self, choice: GroupChoice) -> None:
        if choice is None:
            return
        if choice == "clear":
            self.set_breakdown(Breakdown(compare=self.breakdown.compare))
        elif isinstance(choice, tuple):
            self.set_breakdown(self.breakdown.with_group(*choice))

    def action_compare(self) -> None:
        self._pick_group(
            "Set a group beside the rest of the cases", "No comparison", self._compare_chosen
        )

    def _compare_chosen(self, choice: GroupChoice) -> None:
        if choice == "clear":
            self.set_breakdown(Breakdown(self.breakdown.filter))
        elif isinstance(choice, tuple):
            self.set_breakdown(self.breakdown.compared_with(*choice))

    def action_all_cases(self) -> None:
        self.set_breakdown(Breakdown())

    def set_breakdown(self, breakdown: Breakdown) -> None:
        """Count other cases: read their figures (the screen keeps the old ones until then)."""
        if breakdown != self.breakdown:
            self.breakdown = breakdown
            self.read_figures()

    def action_judgement(self) -> None:
        from audit_tui.screens.figure_dialogs import JudgementDialog

        figures = self.figures
        if figures is None:
            return
        theme = self.opened.bank.theme_by_number[self.theme]
        whole = next((t for t in figures.inspection if t.number == self.theme), None)
        self.app.push_screen(
            JudgementDialog(
                self.opened.bank,
                theme,
                figures.choices,
                figures.judgements.get(self.theme),
                [j for j in figures.history if j.theme == self.theme],
                indicative=whole,
                open_cases=figures.open_cases,
            ),
            partial(self._judgement_given, self.theme),
        )

    def _judgement_given(self, theme: int, given: tuple[str | None, str] | None) -> None:
        if given is None:
            return
        judgement, rationale = given
        self._show_at_once(theme, judgement, rationale)
        self._reading = True
        writer_of(self).submit(
            partial(
                figure_calls.record_judgement,
                breakdown=self.breakdown,
                theme=theme,
                judgement=judgement,
                rationale=rationale,
                by=self.opened.inspector,
            ),
            reply_to=self,
            done=JudgementRecorded,
            failed=StoreRefused,
        )

    def _show_at_once(self, theme: int, judgement: str | None, rationale: str) -> None:
        """The judgement given is shown on the frame the dialog closes, marked as saving until
        the file has it (a refusal reads the figures back)."""
        from datetime import UTC, datetime

        figures = self.figures
        if figures is None:
            return
        judgements = dict(figures.judgements)
        if judgement is None:
            judgements.pop(theme, None)
        else:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            judgements[theme] = Judgement(theme, judgement, rationale, self.opened.inspector, now)
        self._saving = theme
        self.show(replace(figures, judgements=judgements))

    def action_close(self) -> None:
        self.app.pop_screen()
