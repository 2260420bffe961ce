"""A table of case assessment scores per theme, for one or more scopes side by side.

Reusable: the interview shows "this case" beside "inspection"; the dashboard shows every theme
of the bank for the cases chosen (or a group beside the rest), with the lead's recorded
judgements and a selected theme. The figures come from `db.reporting.figures`; the widget only lays
them out in the bank's words ("Standard 2.1", "rating"), marks every indicative judgement drawn
from provisional bands with PROVISIONAL (its title says what the mark means), and drops the
least important columns when it is narrow. Under a lowest-key rule a theme's row says which key
question sets its score and how many more yes answers there would move it up a band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive

from audit_tui.widgets.lines import KeptRows, Line
from audit_tui.widgets.score_cells import (
    WIDTHS,
    align,
    column_width,
    deciding_text,
    fit,
    judgement_style,
    percent_width,
)
from question_bank.model import Bank, Terms
from question_bank.scoring import ThemeScore

# Columns of a scope, left to right, under each rule. The percent is always shown.
POOLED_COLUMNS: tuple[str, ...] = ("percent", "counts", "judgement", "cases", "phrase")
LOWEST_COLUMNS: tuple[str, ...] = ("percent", "judgement", "deciding", "counts", "cases", "phrase")
# What a narrow table keeps first: each step adds a column at its least width, or widens one
# to its full width, when it fits. The lead's recorded column comes with the first column
# added and widens with the judgement. Under lowest_key what sets the score matters more than
# the counts, which are summed over key questions the score does not pool.
POOLED_STEPS: tuple[tuple[str, str], ...] = (
    ("add", "counts"), ("add", "judgement"), ("widen", "judgement"), ("add", "cases"),
    ("add", "phrase"),
)  # fmt: skip
LOWEST_STEPS: tuple[tuple[str, str], ...] = (
    ("add", "judgement"), ("add", "deciding"), ("widen", "judgement"), ("widen", "deciding"),
    ("add", "counts"), ("add", "cases"), ("add", "phrase"),
)  # fmt: skip
HEADINGS = {
    "percent": "",
    "counts": "yes·no·n/a",
    "cases": "cases",
    "judgement": "indicative",
    "deciding": "set by · +yes",
    "phrase": "in words",
    "recorded": "recorded",
}
DECIDING_FULL = "set by · +yes → next band"
THEME_MIN = 18
NOT_SCORED = "not case-scored: the lead's {judgement} from week-2 evidence"
NOT_SCORED_SHORT = "not case-scored: the lead's {judgement}"
NOT_RECORDED = "not recorded"
MARK = "▸ "
PROVISIONAL = "*"
PROVISIONAL_LEGEND = "* provisional: bands without a source"
PROVISIONAL_SHORT = "* provisional"
KEPT_LAYOUTS = 8  # score tables laid out ahead and kept (each answer to the question on screen)


@dataclass(frozen=True)
class ScoreScope:
    """One column group: a label ("C017", "Inspection", "female") and its theme scores.

    `cases` is the number of cases the scope covers, shown under the table as "`name`: N
    cases" (with `warning` when there are too few to say much) where the scope is a group of
    cases rather than one case.
    """

    label: str
    scores: tuple[ThemeScore, ...]
    brief: bool = False
    cases: int | None = None
    warning: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Layout:
    """The columns of each scope with their widths, and the recorded column's (0: none)."""

    scopes: tuple[dict[str, int], ...]
    recorded: int


class ThemeScores(KeptRows):
    """Theme scores (percent, yes/no/N-A, cases, indicative judgement, phrase) per scope."""

    DEFAULT_CSS = """
    ThemeScores {
        height: auto;
        border-top: solid $primary 50%;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    """

    class Selected(Message):
        """A theme's row was clicked."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    scopes: reactive[tuple[ScoreScope, ...]] = reactive((), repaint=False)
    # The lead's recorded judgement per theme number; None: no "recorded" column (interview).
    recorded: reactive[Mapping[int, str] | None] = reactive(None)
    # The theme whose row is marked (the dashboard's chosen theme); None marks none.
    selected: reactive[int | None] = reactive(None)
    # At most this many theme rows, a window that keeps the selected one in view (None: all).
    window: reactive[int | None] = reactive(None, layout=True)

    def __init__(
        self,
        *,
        bank: Bank | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        title: str | None = None,
        title_share: int | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # The bank gives the words, the themes' marks ("2.1") and whether bands are provisional.
        self.bank = bank
        words = self.words
        self.table_title = (
            title or f"{words.theme.capitalize()} scores ({words.judgement}s indicative)"
        )
        self.border_title = self.table_title
        # With a share, theme titles keep up to width/share cells before optional columns.
        self.title_share = title_share
        self._top = 0  # the first theme row shown when there is a window
        # Lines laid out ahead (keep_scopes), with what they were laid out for.
        self._laid_out: list[tuple[tuple[object, ...], list[Line]]] = []

    def on_resize(self, event: events.Resize) -> None:
        """The title says what the provisional mark means, briefly where it is narrow."""
        if self.provisional:
            legend = PROVISIONAL_LEGEND
            if len(self.table_title) + len(legend) + 5 > event.size.width:
                legend = PROVISIONAL_SHORT
            self.border_title = f"{self.table_title} · {legend}"

    @property
    def words(self) -> Terms:
        return self.bank.words if self.bank is not None else Terms()

    @property
    def provisional(self) -> bool:
        return self.bank is not None and self.bank.scoring.bands_provisional

    def show(
        self,
        *scopes: tuple[str, Sequence[ThemeScore]] | ScoreScope,
        recorded: Mapping[int, str] | None = None,
    ) -> None:
        """Set the scopes, e.g. show(ScoreScope("C017", case, brief=True), ("Inspection", all)).

        A brief scope gets its extra columns only after every full scope has all of its own.
        `recorded` (the dashboard's) adds the column of the lead's recorded judgements.
        """
        recorded = dict(recorded) if recorded is not None else None
        if recorded != self.recorded:
            self.set_reactive(ThemeScores.recorded, recorded)
            self.refresh()
        self.scopes = tuple(
            scope if isinstance(scope, ScoreScope) else ScoreScope(scope[0], tuple(scope[1]))
            for scope in scopes
        )

    def keep_scopes(self, *scopes: ScoreScope) -> None:
        """Lay out and render the lines these scopes would show (see KeptRows.keep), without
        showing them: showing them next costs nothing."""
        shown = self.scopes
        self.set_reactive(ThemeScores.scopes, tuple(scopes))
        try:
            width = self.content_width
            lines = self.lines(width)
            self.keep(lines)
            self._laid_out = [
                *self._laid_out[-(KEPT_LAYOUTS - 1) :],
                (self._drawn_for(width), lines),
            ]
        finally:
            self.set_reactive(ThemeScores.scopes, shown)

    def _drawn_for(self, width: int) -> tuple[object, ...]:
        """What the lines are made from (scores equal when their figures are: the scoring
        code hands back the same score for the same counts)."""
        return (self.scopes, width, self.recorded, self.selected, self.window, self._top)

    def watch_scopes(self, old: tuple[ScoreScope, ...], new: tuple[ScoreScope, ...]) -> None:
        # New figures repaint the rows that changed; only a different number of rows lays out.
        self.refresh_rows(layout=_rows(old) != _rows(new))

    def watch_selected(self) -> None:
        self.refresh()

    @property
    def themes(self) -> list[int]:
        """The theme numbers of the rows, in order."""
        return [s.number for s in self.scopes[0].scores] if self.scopes else []

    def shown_themes(self) -> tuple[list[int], int, int]:
        """The theme numbers of the rows on show, with how many are out of the window above
        and below it (the window moves only as far as it must to show the selected theme)."""
        themes = self.themes
        window = self.window
        if window is None or len(themes) <= window:
            self._top = 0
            return themes, 0, 0
        window = max(window, 1)
        if self.selected in themes:
            at = themes.index(self.selected)
            if at < self._top:
                self._top = at
            elif at >= self._top + window:
                self._top = at - window + 1
        self._top = max(0, min(self._top, len(themes) - window))
        return themes[self._top : self._top + window], self._top, len(themes) - self._top - window

    def mark_of(self, number: int) -> str:
        """The theme's number as its framework writes it ("2" or "2.1")."""
        theme = self.bank.theme_by_number.get(number) if self.bank is not None else None
        return theme.mark if theme is not None else str(number)

    def judged(self, judgement: str | None) -> str | None:
        """An indicative judgement as shown: 'Good', or 'Good*' from provisional bands."""
        if judgement is None:
            return None
        return f"{judgement}{PROVISIONAL}" if self.provisional else judgement

    # -- layout -------------------------------------------------------------------------------

    @property
    def _lowest(self) -> bool:
        return bool(self.scopes) and any(s.rule == "lowest_key" for s in self.scopes[0].scores)

    def _columns(self) -> tuple[str, ...]:
        return LOWEST_COLUMNS if self._lowest else POOLED_COLUMNS

    def _widths(self) -> dict[str, tuple[int, int]]:
        """Each column's least and full width, from its heading and what its cells say."""
        scores = [s for scope in self.scopes for s in scope.scores if s.case_scored]
        judged = [len(self.judged(s.judgement) or "") for s in scores]
        recorded = [len(j) for j in (self.recorded or {}).values() if j]
        short = [len(deciding_text(s, full=False)) for s in scores]
        full = [len(deciding_text(s, full=True)) for s in scores]
        least = {k: max(WIDTHS.get(k, 0), len(HEADINGS[k])) for k in HEADINGS}
        least["deciding"] = max([len(HEADINGS["deciding"]), *short])
        return {
            **{k: (w, w) for k, w in least.items()},
            "judgement": (least["judgement"], max([least["judgement"], *judged])),
            "recorded": (least["recorded"], max([least["recorded"], *recorded])),
            "deciding": (least["deciding"], max([least["deciding"], len(DECIDING_FULL), *full])),
        }

    def _layout(self, width: int) -> Layout:
        """The columns of each scope and their widths, and the recorded column's width."""
        widths = self._widths()
        chosen: list[dict[str, int]] = [{"percent": percent_width(s.label)} for s in self.scopes]
        used = self._theme_min(width) + self._mark_width() + sum(w["percent"] + 1 for w in chosen)
        recorded = 0
        wanted = self.recorded is not None
        steps = LOWEST_STEPS if self._lowest else POOLED_STEPS
        # Full scopes gain columns side by side (a group and the rest show the same ones);
        # a brief scope only once the full ones have all they can.
        full = [i for i, s in enumerate(self.scopes) if not s.brief]
        brief = [i for i, s in enumerate(self.scopes) if s.brief]
        passes = [[(i, step) for i in full] for step in steps]
        passes += [[(i, step) for step in steps] for i in brief]
        stopped = [False for _ in self.scopes]  # columns come in order: a scope that could
        # not have one gets none after it
        for steps_now in passes:
            for i, (step, column) in steps_now:
                least, most = widths[column]
                columns = chosen[i]
                if step == "add":
                    if stopped[i] or used + least + 1 > width:
                        stopped[i] = True
                        continue
                    columns[column] = least
                    used += least + 1
                    if wanted and not recorded and used + widths["recorded"][0] + 1 <= width:
                        recorded = widths["recorded"][0]
                        used += recorded + 1
                    continue
                if column not in columns or used + most - columns[column] > width:
                    continue
                used += most - columns[column]
                columns[column] = most
                if column == "judgement" and recorded:
                    more = widths["recorded"][1] - recorded
                    if used + more <= width:
                        recorded, used = recorded + more, used + more
        if wanted and not recorded and used + widths["recorded"][0] < width:
            recorded = widths["recorded"][0]
        order = self._columns()
        return Layout(tuple({c: cols[c] for c in order if c in cols} for cols in chosen), recorded)

    def _theme_min(self, width: int) -> int:
        """The least width of the theme column: THEME_MIN, or more with a title share."""
        if self.title_share is None or not self.scopes:
            return THEME_MIN
        longest = max((len(self._title(s)) for s in self.scopes[0].scores), default=0)
        return max(THEME_MIN, min(longest, width // self.title_share))

    def _title(self, score: ThemeScore) -> str:
        return f"{self.mark_of(score.number)} {score.title}"

    def _mark_width(self) -> int:
        return len(MARK) if self.selected is not None else 0

    # -- drawing ------------------------------------------------------------------------------

    def lines(self, width: int) -> list[Line]:
        drawn_for = self._drawn_for(width)
        for kept_for, lines in self._laid_out:
            if kept_for == drawn_for:
                return lines
        return list(self.lines_at(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines_at(self.content_region.width or self.size.width))

    def lines_at(self, width: int) -> list[Content]:
        """The table's lines at a content width: the one Textual measures the widget at, which
        on a resize is not yet its region's (drawn at the old width, every row would wrap)."""
        if not self.scopes:  # nothing shown yet: the figures are being read
            return [Content.styled("Reading the scores…", "dim")]
        if not self.scopes[0].scores:
            return [Content.styled(f"No case-scored {self.words.theme}s yet.", "dim")]
        layout = self._layout(width)
        cells: list[tuple[str, int, str]] = []  # (column kind, width, heading) after the theme
        for scope, columns in zip(self.scopes, layout.scopes, strict=True):
            for column, w in columns.items():
                if column == "percent":
                    heading = scope.label
                elif column == "deciding" and w >= len(DECIDING_FULL):
                    heading = DECIDING_FULL
                else:
                    heading = HEADINGS[column]
                cells.append((column, max(w, column_width(column, heading)), heading))
        mark = self._mark_width()
        recorded_width = layout.recorded
        fixed = sum(w + 1 for _, w, _ in cells) + (recorded_width + 1 if recorded_width else 0)
        fixed += mark
        theme_width = max(width - fixed, 8)
        if cells and cells[-1][0] == "phrase":
            # The phrase is last and takes what the theme column does not need, and what more
            # it needs to be whole from the theme's title (the number before it stays).
            longest = max(len(self._title(s)) for s in self.scopes[0].scores)
            spare = max(theme_width - max(longest, THEME_MIN), 0)
            phrase = max(len(s.phrase or "") for s in self.scopes[-1].scores)
            short = phrase - (cells[-1][1] + spare)
            spare += max(min(short, theme_width - spare - THEME_MIN), 0)
            theme_width -= spare
            cells[-1] = (cells[-1][0], cells[-1][1] + spare, cells[-1][2])
        header = [
            Content(" " * mark),
            Content.styled(fit(self.words.theme, theme_width).ljust(theme_width), "bold"),
        ]
        if recorded_width:
            header += [
                Content(" "),
                Content.styled(fit("recorded", recorded_width).ljust(recorded_width), "bold"),
            ]
        for column, w, heading in cells:
            header.append(Content(" "))
            header.append(Content.styled(align(column, heading, w), "bold"))
        shown, above, below = self.shown_themes()
        lines = [Content.assemble(*header), self._rule(width, above)]
        by_scope = [{s.number: s for s in scope.scores} for scope in self.scopes]
        scope_width = sum(w + 1 for _, w, _ in cells)
        for number in shown:
            first = by_scope[0][number]
            chosen = number == self.selected
            parts = [
                Content.styled(MARK, "bold $accent") if chosen else Content(" " * mark),
                Content.styled(
                    fit(self._title(first), theme_width).ljust(theme_width),
                    "bold" if chosen else "",
                ),
            ]
            judged = (self.recorded or {}).get(number)
            if recorded_width:
                text = fit(judged or NOT_RECORDED, recorded_width).ljust(recorded_width)
                parts += [Content(" "), Content.styled(text, judgement_style(judged))]
            if not first.case_scored:
                said = NOT_SCORED.format(judgement=self.words.judgement)
                if len(said) > scope_width - 1:
                    said = NOT_SCORED_SHORT.format(judgement=self.words.judgement)
                if self.recorded is not None and not recorded_width:
                    said = f"{f'recorded {judged}' if judged else NOT_RECORDED} · {said}"
                parts += [Content(" "), Content.styled(fit(said, scope_width - 1), "dim")]
                lines.append(Content.assemble(*parts))
                continue
            i = 0
            for scores, columns in zip(by_scope, layout.scopes, strict=True):
                for column in columns:
                    _, w, _ = cells[i]
                    i += 1
                    text, style = self._cell(scores.get(number), column, w)
                    parts.append(Content(" "))
                    parts.append(Content.styled(align(column, text, w), style))
            lines.append(Content.assemble(*parts))
        caption = self._caption(width, below)
        if caption is not None:
            lines.append(caption)
        return lines

    def _rule(self, width: int, above: int) -> Content:
        """The rule under the headings; it says how many rows are out of view above."""
        if not above:
            return Content.styled("─" * width, "dim")
        said = f"─ ↑ {above} more "
        return Content.styled((said + "─" * width)[:width], "dim")

    def _cell(self, score: ThemeScore | None, column: str, width: int) -> tuple[str, str]:
        """The text and style of one cell."""
        if score is None:
            return "", ""
        if column == "percent":
            return ("–", "dim") if score.percent is None else (f"{score.percent}%", "bold")
        if column == "counts":
            return f"{score.yes}·{score.no}·{score.na}", ""
        if column == "cases":
            return ("" if score.cases is None else str(score.cases)), ""
        if column == "judgement":
            text = self.judged(score.judgement) or "–"
            if len(text) > width and self.provisional and score.judgement:
                text = fit(score.judgement, width - len(PROVISIONAL)) + PROVISIONAL
            return text, judgement_style(score.judgement)
        if column == "deciding":
            full = width >= len(DECIDING_FULL)
            return deciding_text(score, full=full), ""
        return score.phrase or "", "italic"

    def _caption(self, width: int, below: int = 0) -> Content | None:
        """The number of cases of each group scope, and a warning for a group too small;
        first how many rows are out of view below, if any."""
        sized = [s for s in self.scopes if s.cases is not None]
        if not sized and not below:
            return None
        parts: list[Content] = []
        if below:
            parts.append(Content.styled(f"↓ {below} more (] [ move)", "bold"))
        for scope in sized:
            if parts:
                parts.append(Content.styled(" · ", "dim"))
            count = f"{scope.cases} case{'' if scope.cases == 1 else 's'}"
            parts.append(Content.styled(f"{scope.name or scope.label}: {count}", "dim"))
        warnings = [s.warning for s in sized if s.warning]
        line = Content.assemble(*parts)
        if warnings:
            line = Content.assemble(
                line, Content("  "), *[Content.styled(f"⚠ {w} ", "$warning") for w in warnings]
            )
        return line.truncate(width, ellipsis=True)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y - 2  # the heading and the rule come first
        shown = self.shown_themes()[0]
        if 0 <= row < len(shown):
            self.post_message(self.Selected(shown[row]))


def _rows(scopes: tuple[ScoreScope, ...]) -> tuple[int, bool]:
    return (len(scopes[0].scores) if scopes else 0, any(s.cases is not None for s in scopes))
