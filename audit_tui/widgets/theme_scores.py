"""A table of case assessment scores per theme, for one or more scopes side by side.

Reusable: the interview shows "this case" beside "inspection"; the dashboard shows every theme
of the bank for the cases chosen (or a group beside the rest), with the lead's recorded
judgements and a selected theme. The figures come from `db.reporting.figures`; the widget only lays
them out, dropping the least important columns when it is narrow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive

from audit_tui.widgets.lines import KeptRows, Line
from question_bank.scoring import ThemeScore

# Columns of a scope in the order they are dropped last to first when the widget is narrow.
COLUMN_ORDER: tuple[str, ...] = ("percent", "counts", "judgement", "cases", "phrase")
WIDTHS = {"percent": 5, "counts": 11, "cases": 5, "judgement": 14, "phrase": 20, "recorded": 14}
HEADINGS = {
    "percent": "",
    "counts": "yes·no·n/a",
    "cases": "cases",
    "judgement": "indicative",
    "phrase": "in words",
    "recorded": "recorded",
}
THEME_MIN = 18
LABEL_MAX = 12
NOT_SCORED = "not case-scored: judged from week-2 evidence"
MARK = "▸ "


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

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        title: str = "Theme scores (judgements indicative)",
        title_share: int | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = title
        # With a share, theme titles keep up to width/share cells before optional columns.
        self.title_share = title_share

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

    def watch_scopes(self, old: tuple[ScoreScope, ...], new: tuple[ScoreScope, ...]) -> None:
        # New figures repaint the rows that changed; only a different number of rows lays out.
        self.refresh_rows(layout=_rows(old) != _rows(new))

    def watch_selected(self) -> None:
        self.refresh()

    @property
    def themes(self) -> list[int]:
        """The theme numbers of the rows, in order."""
        return [s.number for s in self.scopes[0].scores] if self.scopes else []

    def _layout(self, width: int) -> tuple[list[tuple[str, ...]], bool]:
        """Columns per scope, and whether the recorded column fits (it comes after counts)."""
        chosen: list[list[str]] = [["percent"] for _ in self.scopes]
        used = (
            self._theme_min(width)
            + self._mark_width()
            + sum(_percent_width(s.label) + 1 for s in self.scopes)
        )
        recorded = False
        # Full scopes gain columns side by side (a group and the rest show the same ones);
        # a brief scope only once the full ones have all they can.
        full = [i for i, s in enumerate(self.scopes) if not s.brief]
        brief = [i for i, s in enumerate(self.scopes) if s.brief]
        passes = [[(i, c) for i in full] for c in COLUMN_ORDER[1:]]
        passes += [[(i, c) for c in COLUMN_ORDER[1:]] for i in brief]
        for columns in passes:
            for i, column in columns:
                cost = WIDTHS[column] + 1
                if used + cost > width or (
                    column != COLUMN_ORDER[1] and not _has_previous(chosen[i], column)
                ):
                    continue
                chosen[i].append(column)
                used += cost
                if column == "counts" and self.recorded is not None and not recorded:
                    cost = WIDTHS["recorded"] + 1
                    if used + cost <= width:
                        recorded, used = True, used + cost
        if self.recorded is not None and not recorded and used + WIDTHS["recorded"] < width:
            recorded = True
        return [tuple(c for c in COLUMN_ORDER if c in cols) for cols in chosen], recorded

    def _theme_min(self, width: int) -> int:
        """The least width of the theme column: THEME_MIN, or more with a title share."""
        if self.title_share is None or not self.scopes:
            return THEME_MIN
        longest = max((len(f"{s.number} {s.title}") for s in self.scopes[0].scores), default=0)
        return max(THEME_MIN, min(longest, width // self.title_share))

    def _mark_width(self) -> int:
        return len(MARK) if self.selected is not None else 0

    def lines(self, width: int) -> list[Line]:
        return list(self.render().split("\n"))

    def render(self) -> Content:
        if not self.scopes or not self.scopes[0].scores:
            return Content.styled("No case-scored themes yet.", "dim")
        width = self.content_region.width or self.size.width
        per_scope, with_recorded = self._layout(width)
        cells: list[tuple[str, int, str]] = []  # (column kind, width, heading) after the theme
        for scope, columns in zip(self.scopes, per_scope, strict=True):
            for column in columns:
                heading = scope.label if column == "percent" else HEADINGS[column]
                cells.append((column, _column_width(column, heading), heading))
        mark = self._mark_width()
        recorded_width = WIDTHS["recorded"] + 1 if with_recorded else 0
        fixed = sum(w + 1 for _, w, _ in cells) + recorded_width + mark
        theme_width = max(width - fixed, 8)
        if any(c == "phrase" for c, _, _ in cells):
            # The phrase is last and takes what the theme column does not need.
            longest = max(len(f"{s.number} {s.title}") for s in self.scopes[0].scores)
            spare = max(theme_width - max(longest, THEME_MIN), 0)
            theme_width -= spare
            cells[-1] = (cells[-1][0], cells[-1][1] + spare, cells[-1][2])
        header = [
            Content(" " * mark),
            Content.styled(_fit("theme", theme_width).ljust(theme_width), "bold"),
        ]
        if with_recorded:
            header += [
                Content(" "),
                Content.styled(
                    _fit("recorded", WIDTHS["recorded"]).ljust(WIDTHS["recorded"]), "bold"
                ),
            ]
        for column, w, heading in cells:
            header.append(Content(" "))
            header.append(Content.styled(_align(column, heading, w), "bold"))
        lines = [Content.assemble(*header), Content.styled("─" * width, "dim")]
        by_scope = [{s.number: s for s in scope.scores} for scope in self.scopes]
        scope_width = sum(w + 1 for _, w, _ in cells)
        for number in self.themes:
            first = by_scope[0][number]
            chosen = number == self.selected
            title = f"{number} {first.title}"
            parts = [
                Content.styled(MARK, "bold $accent") if chosen else Content(" " * mark),
                Content.styled(
                    _fit(title, theme_width).ljust(theme_width), "bold" if chosen else ""
                ),
            ]
            if with_recorded:
                judged = (self.recorded or {}).get(number)
                text = _fit(judged or "not recorded", WIDTHS["recorded"]).ljust(WIDTHS["recorded"])
                parts += [Content(" "), Content.styled(text, _judgement_style(judged))]
            if not first.case_scored:
                parts += [Content(" "), Content.styled(_fit(NOT_SCORED, scope_width - 1), "dim")]
                lines.append(Content.assemble(*parts))
                continue
            i = 0
            for scores, columns in zip(by_scope, per_scope, strict=True):
                for column in columns:
                    _, w, _ = cells[i]
                    i += 1
                    text, style = _cell(scores.get(number), column)
                    parts.append(Content(" "))
                    parts.append(Content.styled(_align(column, text, w), style))
            lines.append(Content.assemble(*parts))
        caption = self._caption(width)
        if caption is not None:
            lines.append(caption)
        return Content("\n").join(lines)

    def _caption(self, width: int) -> Content | None:
        """The number of cases of each group scope, and a warning for a group too small."""
        sized = [s for s in self.scopes if s.cases is not None]
        if not sized:
            return None
        parts: list[Content] = []
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
        themes = self.themes
        if 0 <= row < len(themes):
            self.post_message(self.Selected(themes[row]))


def _column_width(column: str, heading: str) -> int:
    """A column is as wide as its heading; a scope's label is cut beyond LABEL_MAX."""
    if column == "percent":
        return max(WIDTHS["percent"], min(len(heading), LABEL_MAX))
    return max(WIDTHS[column], len(heading))


def _percent_width(label: str) -> int:
    return _column_width("percent", label)


def _has_previous(columns: list[str], column: str) -> bool:
    """Columns come in order: a scope gets one only when it has the one before."""
    return COLUMN_ORDER[COLUMN_ORDER.index(column) - 1] in columns


def _rows(scopes: tuple[ScoreScope, ...]) -> tuple[int, bool]:
    return (len(scopes[0].scores) if scopes else 0, any(s.cases is not None for s in scopes))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _align(column: str, text: str, width: int) -> str:
    text = _fit(text, width)
    return text.rjust(width) if column in ("percent", "counts", "cases") else text.ljust(width)


def _cell(score: ThemeScore | None, column: str) -> tuple[str, str]:
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
        return score.judgement or "–", _judgement_style(score.judgement)
    return score.phrase or "", "italic"


def _judgement_style(judgement: str | None) -> str:
    styles = {
        "good": "$success",
        "outstanding": "$success",
        "satisfactory": "$warning",
        "requires improvement": "$warning",
        "unsatisfactory": "$error",
        "poor": "$error",
        "inadequate": "$error",
    }
    return styles.get((judgement or "").lower(), "dim")
