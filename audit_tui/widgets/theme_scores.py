"""A table of case assessment scores per case-scored theme, for one or more scopes side by side.

Reusable: the interview shows "this case" beside "inspection", a dashboard can show any scopes
(an inspector, a subgroup). The figures come from `db.figures.theme_scores`; the widget only
lays them out, dropping the least important columns when it is narrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from question_bank.scoring import ThemeScore

# Columns of a scope in the order they are dropped last to first when the widget is narrow.
COLUMN_ORDER: tuple[str, ...] = ("percent", "counts", "judgement", "cases", "phrase")
WIDTHS = {"percent": 5, "counts": 11, "cases": 5, "judgement": 14, "phrase": 20}
HEADINGS = {
    "percent": "",
    "counts": "yes·no·n/a",
    "cases": "cases",
    "judgement": "indicative",
    "phrase": "in words",
}
THEME_MIN = 18


@dataclass(frozen=True)
class ScoreScope:
    """One column group: a label ("C017", "Inspection") and its theme scores."""

    label: str
    scores: tuple[ThemeScore, ...]
    brief: bool = False


class ThemeScores(Widget):
    """Theme scores (percent, yes/no/N-A, cases, indicative judgement, phrase) per scope."""

    DEFAULT_CSS = """
    ThemeScores {
        height: auto;
        border-top: solid $primary 50%;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    """

    scopes: reactive[tuple[ScoreScope, ...]] = reactive(())

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Theme scores (judgements indicative)"

    def show(self, *scopes: tuple[str, Sequence[ThemeScore]] | ScoreScope) -> None:
        """Set the scopes, e.g. show(ScoreScope("C017", case, brief=True), ("Inspection", all)).

        A brief scope gets its extra columns only after every full scope has all of its own.
        """
        self.scopes = tuple(
            scope if isinstance(scope, ScoreScope) else ScoreScope(scope[0], tuple(scope[1]))
            for scope in scopes
        )

    def watch_scopes(
        self, old: tuple[ScoreScope, ...], new: tuple[ScoreScope, ...]
    ) -> None:
        # New figures redraw in place; only a different number of rows changes the layout.
        rows = [len(scope.scores) for scope in old[:1]], [len(scope.scores) for scope in new[:1]]
        self.refresh(layout=rows[0] != rows[1])

    def columns_for(self, width: int) -> list[tuple[str, ...]]:
        """Which columns each scope gets at this width: percent always, then what fits."""
        chosen: list[list[str]] = [["percent"] for _ in self.scopes]
        used = THEME_MIN + sum(max(WIDTHS["percent"], len(s.label)) + 1 for s in self.scopes)
        order = [i for i, s in enumerate(self.scopes) if not s.brief] + [
            i for i, s in enumerate(self.scopes) if s.brief
        ]
        for i in order:
            for column in COLUMN_ORDER[1:]:
                if column in chosen[i]:
                    continue
                cost = WIDTHS[column] + 1
                if used + cost <= width:
                    chosen[i].append(column)
                    used += cost
                else:
                    break
        return [tuple(c for c in COLUMN_ORDER if c in cols) for cols in chosen]

    def render(self) -> Content:
        if not self.scopes or not self.scopes[0].scores:
            return Content.styled("No case-scored themes yet.", "dim")
        width = self.content_region.width or self.size.width
        per_scope = self.columns_for(width)
        cells: list[tuple[str, int, str]] = []  # (column kind, width, heading) after the theme
        for scope, columns in zip(self.scopes, per_scope, strict=True):
            for column in columns:
                heading = scope.label if column == "percent" else HEADINGS[column]
                cells.append((column, max(WIDTHS[column], len(heading)), heading))
        fixed = sum(w + 1 for _, w, _ in cells)
        theme_width = max(width - fixed, 8)
        if any(c == "phrase" for c, _, _ in cells):
            # The phrase is last and takes what the theme column does not need.
            longest = max(len(f"{s.number} {s.title}") for s in self.scopes[0].scores)
            spare = max(theme_width - max(longest, THEME_MIN), 0)
            theme_width -= spare
            cells[-1] = (cells[-1][0], cells[-1][1] + spare, cells[-1][2])
        header = [Content.styled(_fit("theme", theme_width).ljust(theme_width), "bold")]
        for column, w, heading in cells:
            header.append(Content(" "))
            header.append(Content.styled(_align(column, heading, w), "bold"))
        lines = [Content.assemble(*header), Content.styled("─" * width, "dim")]
        by_scope = [{s.number: s for s in scope.scores} for scope in self.scopes]
        for number in (s.number for s in self.scopes[0].scores):
            title = f"{number} {by_scope[0][number].title}"
            parts = [Content(_fit(title, theme_width).ljust(theme_width))]
            i = 0
            for scores, columns in zip(by_scope, per_scope, strict=True):
                for column in columns:
                    _, w, _ = cells[i]
                    i += 1
                    text, style = _cell(scores.get(number), column)
                    parts.append(Content(" "))
                    parts.append(Content.styled(_align(column, text, w), style))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)


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
