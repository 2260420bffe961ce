"""A theme's Data Summary chart: per key question, a bar of yes against no, N/A beside it.

Like the published report's charts, one horizontal bar per key question, labelled with its
chart label; drawn as text rather than with plotext, because at 80x24 a plot's axes and legend
take the room the labels and the exact counts need (and cost a plot build per answer). Each
bar is scaled to the cases of its scope, so a group's bar beside the rest's compares shares,
and one more answer moves a bar by `width / cases` cells, the same for every bar. Wider, the
chart adds the question id and longer labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from db.reporting.figures import FEW_CASES
from question_bank.scoring import QuestionTally, ThemeScore

YES, NO = "█", "▒"
LABEL_MIN, LABEL_MAX = 14, 40
BAR_MIN = 10
WIDE = 110  # from this width the question id is shown too


@dataclass(frozen=True)
class ChartScope:
    """The figures of one theme for one set of cases (all cases, a group, the rest)."""

    label: str
    cases: int
    theme: ThemeScore


def bar_cells(yes: int, no: int, cases: int, width: int) -> tuple[int, int]:
    """Cells of yes and of no in a bar `width` cells long standing for `cases` cases.

    The ends are rounded half up from the start of the bar, so yes and no together take the
    cells their sum would.
    """
    if cases <= 0 or width <= 0:
        return 0, 0

    def cells(n: int) -> int:
        return min((2 * n * width + cases) // (2 * cases), width)

    return cells(yes), cells(yes + no) - cells(yes)


def counts_text(tally: QuestionTally) -> str:
    return f"{tally.yes}·{tally.no}"


class DataSummary(Widget):
    """The Data Summary chart of one theme, for one scope or a group beside the rest."""

    DEFAULT_CSS = """
    DataSummary {
        height: auto;
        padding: 0 1;
    }
    """

    scopes: reactive[tuple[ChartScope, ...]] = reactive(())

    def show(self, *scopes: ChartScope) -> None:
        self.scopes = tuple(scopes)

    def watch_scopes(self, old: tuple[ChartScope, ...], new: tuple[ChartScope, ...]) -> None:
        self.refresh(layout=_shape(old) != _shape(new))

    def key_questions(self) -> list[list[QuestionTally]]:
        """Per key question of the theme, its tally in each scope."""
        if not self.scopes:
            return []
        per_scope = [[t for t in s.theme.questions if t.key] for s in self.scopes]
        return [list(row) for row in zip(*per_scope, strict=True)]

    def layout_for(self, width: int) -> tuple[int, int, int, bool]:
        """(label width, tag width, bar width, wide) of the chart at a content width."""
        rows = self.key_questions()
        wide = width >= WIDE
        tail = self._tail_width(rows, wide)
        tag = max((len(s.label) for s in self.scopes), default=0) if len(self.scopes) > 1 else 0
        tag = min(tag, 12)
        ident = max((len(r[0].question_id) for r in rows), default=0) + 1 if wide else 0
        fixed = ident + (tag + 1 if tag else 0) + 1 + 1 + tail
        longest = max((len(r[0].chart_label) for r in rows), default=LABEL_MIN)
        label = min(longest, LABEL_MAX, width - fixed - BAR_MIN)
        if not wide:
            label = min(label, width * 2 // 5)
        label = max(label, LABEL_MIN)
        bar = max(width - fixed - label, 1)
        return label, tag, bar, wide

    @property
    def bar_width(self) -> int:
        """The length in cells of a bar standing for all the cases of its scope."""
        return self.layout_for(self.content_region.width or self.size.width)[2]

    def _tail_width(self, rows: list[list[QuestionTally]], wide: bool) -> int:
        return max((len(self._tail(t, wide)) for row in rows for t in row), default=8)

    def _tail(self, tally: QuestionTally, wide: bool) -> str:
        share = "–" if tally.percent is None else f"{tally.percent}%"
        return f"{counts_text(tally)} n/a {tally.na} {share:>4}"

    def render(self) -> Content:
        if not self.scopes:
            return Content.styled("Choose a theme to see its Data Summary.", "dim")
        rows = self.key_questions()
        if not rows:
            return Content.styled("This theme has no key questions, so no Data Summary.", "dim")
        width = self.content_region.width or self.size.width
        label_w, tag_w, bar_w, wide = self.layout_for(width)
        tail_w = self._tail_width(rows, wide)
        lines = [self._legend(width, wide)]
        ident_w = max(len(r[0].question_id) for r in rows) if wide else 0
        for row in rows:
            first = row[0]
            for index, (scope, tally) in enumerate(zip(self.scopes, row, strict=True)):
                parts: list[Content] = []
                if wide:
                    ident = first.question_id if index == 0 else ""
                    parts += [Content.styled(ident.ljust(ident_w), "dim"), Content(" ")]
                label = _fit(first.chart_label, label_w) if index == 0 else ""
                parts += [Content(label.ljust(label_w)), Content(" ")]
                if tag_w:
                    parts += [Content.styled(_fit(scope.label, tag_w).ljust(tag_w), "dim"),
                              Content(" ")]  # fmt: skip
                yes, no = bar_cells(tally.yes, tally.no, scope.cases, bar_w)
                parts += [
                    Content.styled(YES * yes, "$success"),
                    Content.styled(NO * no, "$error"),
                    Content(" " * (bar_w - yes - no)),
                    Content(" "),
                    Content(self._tail(tally, wide).rjust(tail_w)),
                ]
                lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def _legend(self, width: int, wide: bool) -> Content:
        scale = " · ".join(f"{s.label}: {s.cases} cases" for s in self.scopes)
        parts = [
            Content.styled(YES, "$success"),
            Content(" yes  "),
            Content.styled(NO, "$error"),
            Content(" no  "),
            Content.styled("yes·no n/a share of yes", "dim"),
            Content.styled(f" · a full bar is every case ({scale})", "dim"),
        ]
        return Content.assemble(*parts).truncate(width, ellipsis=True)


def falling_short(label: str, themes: Sequence[ThemeScore], limit: int = 5) -> Content:
    """The key questions with the smallest share of yes across every theme, for one scope.

    Only questions with at least FEW_CASES yes or no answers are ranked: a share of one or two
    answers says too little to single a question out.
    """
    answered = [
        (theme.number, tally)
        for theme in themes
        for tally in theme.questions
        if tally.key and tally.answered >= FEW_CASES
    ]
    # Lowest share first; of equal shares, the one more cases answered no.
    answered.sort(key=lambda pair: (Fraction(pair[1].yes, pair[1].answered), -pair[1].no))
    if not answered:
        return Content.styled(
            f"Lowest shares of yes: no key question has {FEW_CASES} yes or no answers to rank.",
            "dim",
        )
    lines = [
        Content.assemble(
            Content.styled(f"Lowest shares of yes, every theme ({label})", "bold"),
            Content.styled(f" · of key questions with {FEW_CASES}+ yes or no answers", "dim"),
        )
    ]
    for number, tally in answered[:limit]:
        lines.append(
            Content.assemble(
                Content.styled(f"  {tally.percent:>3}% ", "$error"),
                Content(f"theme {number} · {tally.chart_label} "),
                Content.styled(f"({tally.question_id}: {tally.yes} yes, {tally.no} no)", "dim"),
            )
        )
    return Content("\n").join(lines)


def _shape(scopes: tuple[ChartScope, ...]) -> tuple[int, int]:
    keys = sum(1 for t in scopes[0].theme.questions if t.key) if scopes else 0
    return len(scopes), keys


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
