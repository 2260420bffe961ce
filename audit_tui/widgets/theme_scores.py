"""A table of case assessment scores per case-scored theme, for one or more scopes side by side.

Reusable: the interview shows "this case" beside "inspection", a dashboard can show any scopes
(an inspector, a subgroup). The figures come from `db.figures.theme_scores`; the widget only
lays them out, dropping the least important columns when it is narrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text
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

    scopes: reactive[tuple[ScoreScope, ...]] = reactive((), layout=True)

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

    def render(self) -> Table | Text:
        if not self.scopes or not self.scopes[0].scores:
            return Text("No case-scored themes yet.", style="dim")
        per_scope = self.columns_for(self.content_region.width or self.size.width)
        table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), pad_edge=False,
                      show_edge=False)
        table.add_column("theme", ratio=1, no_wrap=True, overflow="ellipsis",
                         min_width=THEME_MIN - 2)
        for scope, columns in zip(self.scopes, per_scope, strict=True):
            for column in columns:
                heading = scope.label if column == "percent" else HEADINGS[column]
                table.add_column(
                    heading,
                    justify="right" if column in ("percent", "counts", "cases") else "left",
                    no_wrap=True,
                    overflow="ellipsis",
                    style="bold" if column == "percent" else "",
                    max_width=None if column == "phrase" else max(WIDTHS[column], len(heading)),
                )
        numbers = [s.number for s in self.scopes[0].scores]
        by_scope = [{s.number: s for s in scope.scores} for scope in self.scopes]
        for number in numbers:
            first = by_scope[0][number]
            cells: list[Text | str] = [Text(f"{number} {first.title}")]
            for scores, columns in zip(by_scope, per_scope, strict=True):
                cells.extend(_cells(scores.get(number), columns))
            table.add_row(*cells)
        return table


def _cells(score: ThemeScore | None, columns: tuple[str, ...]) -> list[Text | str]:
    if score is None:
        return ["" for _ in columns]
    out: list[Text | str] = []
    for column in columns:
        if column == "percent":
            out.append(Text("–", style="dim") if score.percent is None
                       else Text(f"{score.percent}%"))
        elif column == "counts":
            out.append(f"{score.yes}·{score.no}·{score.na}")
        elif column == "cases":
            out.append("" if score.cases is None else str(score.cases))
        elif column == "judgement":
            out.append(Text(score.judgement or "–", style=_judgement_style(score.judgement)))
        elif column == "phrase":
            out.append(Text(score.phrase or "", style="italic"))
    return out


def _judgement_style(judgement: str | None) -> str:
    styles = {
        "good": "green",
        "outstanding": "green",
        "satisfactory": "yellow",
        "requires improvement": "yellow",
        "unsatisfactory": "dark_orange",
        "poor": "red",
        "inadequate": "red",
    }
    return styles.get((judgement or "").lower(), "dim")
