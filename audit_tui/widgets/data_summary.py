"""A theme's Data Summary chart as published: per charted key question, a bar of yes against no.

Like the published report's charts, one horizontal bar per key question the bank charts,
labelled with its chart label; drawn as text rather than with plotext, because at 80x24 a
plot's axes and legend take the room the labels and the exact counts need (and cost a plot
build per answer). Each bar is scaled to the cases of its scope, so a group's bar beside the
rest's compares shares, and one more answer moves a bar by `width / cases` cells, the same for
every bar. Beside it: yes·no, the answered N/A and the cases the question did not apply to
(apart: neither is in the share), the share of yes, and the report's phrase of the share not
done well. Narrower, the columns go from the last (the phrase) back; wider, the chart adds the
question id and longer labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from db.reporting.figures import FEW_CASES
from question_bank.model import Bank, Terms
from question_bank.scoring import QuestionTally, ThemeScore

YES, NO = "█", "▒"
LABEL_MIN, LABEL_MAX = 14, 40
BAR_MIN = 10
# A column beside the bars is kept only while the label and the bar keep at least these.
LABEL_KEPT, BAR_KEPT = 20, 12
WIDE = 110  # from this width the question id is shown too
# The columns beside a bar, in the order they are kept when the chart is narrow.
TAIL = ("counts", "share", "na", "dna", "phrase")
HEADINGS = {
    "counts": "yes·no",
    "share": "share",
    "na": "n/a",
    "dna": "dna",
    "phrase": "not done well in",
}


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


def cell_text(tally: QuestionTally, column: str) -> str:
    """What a key question's bar has beside it in one column."""
    if column == "counts":
        return counts_text(tally)
    if column == "share":
        return "–" if tally.percent is None else f"{tally.percent}%"
    if column == "na":
        return str(tally.na)
    if column == "dna":
        return str(tally.did_not_apply)
    return tally.not_done_phrase or "–"


def shared_head(labels: Sequence[str]) -> str:
    """The head every label shares before a colon ("Assessment" of "Assessment: keeping the
    child safe"), said once over the labels; "" when they share none."""
    heads = {label.partition(": ")[0] for label in labels}
    if len(labels) < 2 or len(heads) != 1 or not all(": " in label for label in labels):
        return ""
    return heads.pop()


@dataclass(frozen=True)
class ChartLayout:
    """The widths of a chart's parts at one content width (0: not shown)."""

    ident: int
    label: int
    tag: int
    bar: int
    tail: dict[str, int]
    head: str  # what every label begins with, said once in the headings

    @property
    def wide(self) -> bool:
        return self.ident > 0


class DataSummary(Widget):
    """The Data Summary chart of one theme, for one scope or a group beside the rest."""

    DEFAULT_CSS = """
    DataSummary {
        height: auto;
        padding: 0 1;
    }
    """

    scopes: reactive[tuple[ChartScope, ...]] = reactive(())

    def __init__(
        self,
        *,
        bank: Bank | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.words = bank.words if bank is not None else Terms()

    def show(self, *scopes: ChartScope) -> None:
        self.scopes = tuple(scopes)

    def watch_scopes(self, old: tuple[ChartScope, ...], new: tuple[ChartScope, ...]) -> None:
        self.refresh(layout=_shape(old) != _shape(new))

    def key_questions(self) -> list[list[QuestionTally]]:
        """Per key question the bank charts for the theme, its tally in each scope."""
        if not self.scopes:
            return []
        per_scope = [[t for t in s.theme.questions if t.charted] for s in self.scopes]
        return [list(row) for row in zip(*per_scope, strict=True)]

    def layout_for(self, width: int) -> ChartLayout:
        """The widths of the chart's parts at a content width."""
        rows = self.key_questions()
        tallies = [t for row in rows for t in row]
        wide = width >= WIDE
        tag = max((len(s.label) for s in self.scopes), default=0) if len(self.scopes) > 1 else 0
        tag = min(tag, 12)
        ident = max((len(r[0].question_id) for r in rows), default=0) + 1 if wide else 0
        fixed = ident + (tag + 1 if tag else 0) + 1
        tail: dict[str, int] = {}
        for column in TAIL:
            cost = max([len(HEADINGS[column]), *(len(cell_text(t, column)) for t in tallies)])
            if fixed + sum(w + 1 for w in tail.values()) + cost + 1 + LABEL_KEPT + BAR_KEPT > width:
                break
            tail[column] = cost
        fixed += sum(w + 1 for w in tail.values())
        head = shared_head([r[0].chart_label for r in rows])
        longest = max((len(_label(r[0], head)) for r in rows), default=LABEL_MIN)
        longest = max(longest, len(head) + 1)
        label = min(longest, LABEL_MAX, width - fixed - BAR_MIN)
        if not wide:
            label = min(label, width * 2 // 5)
        label = max(label, LABEL_MIN)
        bar = max(width - fixed - label, 1)
        return ChartLayout(ident, label, tag, bar, tail, head)

    @property
    def bar_width(self) -> int:
        """The length in cells of a bar standing for all the cases of its scope."""
        return self.layout_for(self.content_region.width or self.size.width).bar

    def render(self) -> Content:
        word = self.words.theme
        if not self.scopes:  # nothing shown yet: the figures are being read
            return Content.styled("Reading the Data Summary…", "dim")
        rows = self.key_questions()
        if not rows:
            return Content.styled(f"This {word} charts no key questions: no Data Summary.", "dim")
        width = self.content_region.width or self.size.width
        layout = self.layout_for(width)
        lines = [self._legend(width, layout), self._headings(layout)]
        for row in rows:
            first = row[0]
            for index, (scope, tally) in enumerate(zip(self.scopes, row, strict=True)):
                parts: list[Content] = []
                if layout.ident:
                    ident = first.question_id if index == 0 else ""
                    parts += [Content.styled(ident.ljust(layout.ident - 1), "dim"), Content(" ")]
                label = _fit(_label(first, layout.head), layout.label) if index == 0 else ""
                parts += [Content(label.ljust(layout.label)), Content(" ")]
                if layout.tag:
                    tag = _fit(scope.label, layout.tag).ljust(layout.tag)
                    parts += [Content.styled(tag, "dim"), Content(" ")]
                yes, no = bar_cells(tally.yes, tally.no, scope.cases, layout.bar)
                parts += [
                    Content.styled(YES * yes, "$success"),
                    Content.styled(NO * no, "$error"),
                    Content(" " * (layout.bar - yes - no)),
                ]
                for column, w in layout.tail.items():
                    text = cell_text(tally, column)
                    shown = _fit(text, w).ljust(w) if column == "phrase" else text.rjust(w)
                    style = (
                        "italic" if column == "phrase" else "dim" if column in ("na", "dna") else ""
                    )
                    parts += [Content(" "), Content.styled(shown, style)]
                lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def _legend(self, width: int, layout: ChartLayout) -> Content:
        parts = [
            Content.styled(YES, "$success"),
            Content(" yes  "),
            Content.styled(NO, "$error"),
            Content(" no"),
        ]
        if "na" in layout.tail:
            parts.append(Content.styled(" · n/a: answered N/A", "dim"))
        if "dna" in layout.tail:
            parts.append(Content.styled(" · dna: did not apply", "dim"))
        return Content.assemble(*parts).truncate(width, ellipsis=True)

    def _headings(self, layout: ChartLayout) -> Content:
        """The columns' headings over the bars."""
        head = f"{layout.head}:" if layout.head else ""
        if len(self.scopes) == 1:
            cases = self.scopes[0].cases
            said = (f"a full bar: all {cases} cases", f"full bar: {cases} cases", f"{cases} cases")
        else:
            said = ("a full bar: its group's cases", "full: its group's", "full: group")
        scale = next((s for s in said if len(s) <= layout.bar), said[-1])
        parts = [
            Content(" " * layout.ident),
            Content.styled(_fit(head, layout.label).ljust(layout.label), "bold"),
            Content(" " * (1 + (layout.tag + 1 if layout.tag else 0))),
            Content.styled(_fit(scale, layout.bar).ljust(layout.bar), "dim"),
        ]
        for column, w in layout.tail.items():
            heading = HEADINGS[column]
            shown = heading.ljust(w) if column == "phrase" else heading.rjust(w)
            parts += [Content(" "), Content.styled(shown, "bold")]
        return Content.assemble(*parts)


def falling_short(
    bank: Bank | None, label: str, themes: Sequence[ThemeScore], limit: int = 5
) -> Content:
    """The key questions with the smallest share of yes across every theme, for one scope.

    Only questions with at least FEW_CASES yes or no answers are ranked: a share of one or two
    answers says too little to single a question out. Every key question counts, charted or
    not: each counts in its theme's score.
    """
    words = bank.words if bank is not None else Terms()
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
            Content.styled(f"Lowest shares of yes, every {words.theme} ({label})", "bold"),
            Content.styled(f" · of key questions with {FEW_CASES}+ yes or no answers", "dim"),
        )
    ]
    for number, tally in answered[:limit]:
        theme = bank.theme_by_number.get(number) if bank is not None else None
        mark = theme.mark if theme is not None else str(number)
        lines.append(
            Content.assemble(
                Content.styled(f"  {tally.percent:>3}% ", "$error"),
                Content(f"{words.theme} {mark} · {tally.chart_label} "),
                Content.styled(f"({tally.question_id}: {tally.yes} yes, {tally.no} no)", "dim"),
            )
        )
    return Content("\n").join(lines)


def _label(tally: QuestionTally, head: str) -> str:
    """A key question's chart label without the head every label of the chart shares."""
    return tally.chart_label[len(head) + 2 :] if head else tally.chart_label


def _shape(scopes: tuple[ChartScope, ...]) -> tuple[int, int]:
    keys = sum(1 for t in scopes[0].theme.questions if t.charted) if scopes else 0
    return len(scopes), keys


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
