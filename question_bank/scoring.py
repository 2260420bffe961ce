"""The scoring engine: pure functions from per-question answer counts to theme scores.

This is the one place a score is computed; the TUI, the CLI and every export call it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from question_bank.model import Bank, Question, Theme
from question_bank.phrasing import proportion_phrase

# question id -> answer value -> number of answers
AnswerCounts = Mapping[str, Mapping[str, int]]
# question id -> number of cases in scope the question does not apply to
NotApplying = Mapping[str, int]


def whole_percent(numerator: int, denominator: int) -> int | None:
    """A fraction as a whole percent, rounded half up; None when there is nothing to divide."""
    if denominator <= 0:
        return None
    return (200 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class QuestionTally:
    """Yes, no and excluded (N/A) counts of one question: a bar of the Data Summary chart."""

    question_id: str
    chart_label: str
    key: bool
    yes: int
    no: int
    na: int  # answered N/A (or another excluded answer) by the inspector
    did_not_apply: int = 0  # cases in scope the question does not apply to (no answer asked)
    charted: bool = False  # the theme's Data Summary charts it (the bank says which)

    @property
    def answered(self) -> int:
        return self.yes + self.no

    @property
    def percent(self) -> int | None:
        return whole_percent(self.yes, self.answered)

    @property
    def phrase(self) -> str | None:
        """The share done well, as the report words it: "almost three-fifths"."""
        return proportion_phrase(self.yes, self.answered)

    @property
    def not_done_phrase(self) -> str | None:
        """The share not done well, as the report often puts it: "not done well in almost half"."""
        return proportion_phrase(self.no, self.answered)

    @property
    def done_well_text(self) -> str | None:
        """Both shares as the report words them: "done well in almost three-fifths of cases;
        not done well in just over two-fifths"; None when nobody answered yes or no."""
        if self.phrase is None or self.not_done_phrase is None:
            return None
        if self.no == 0:
            return "done well in all cases"
        if self.yes == 0:
            return "not done well in any case"
        return f"done well in {_of_cases(self.phrase)}; not done well in {self.not_done_phrase}"


def _of_cases(phrase: str) -> str:
    """'almost half' -> 'almost half of cases'; 'very few' -> 'very few cases'."""
    return f"{phrase} cases" if phrase == "very few" else f"{phrase} of cases"


@dataclass(frozen=True)
class Rise:
    """What it takes to reach the next band: the band, and how many more yes answers."""

    band: str
    answers: int  # answers that would have to turn from no to yes
    percent: int  # the whole percent they would give


@dataclass(frozen=True)
class ThemeScore:
    """A theme's case assessment score with the counts behind it."""

    number: int
    title: str
    case_scored: bool
    rule: str
    yes: int
    no: int
    na: int
    numerator: int
    denominator: int
    percent: int | None
    judgement: str | None
    phrase: str | None
    cases: int | None = None
    questions: tuple[QuestionTally, ...] = field(default=())
    # lowest_key: the key question whose share sets the score (the first of a tie, bank order)
    deciding: str | None = None
    rise: Rise | None = None  # what would lift the score into the next band; None at the top

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    def as_dict(self, with_questions: bool = False) -> dict[str, object]:
        """The figures as plain data, the shape `--json` prints."""
        result: dict[str, object] = {
            "number": self.number,
            "title": self.title,
            "rule": self.rule,
            "yes": self.yes,
            "no": self.no,
            "na": self.na,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "score": self.percent,
            "judgement": self.judgement,
            "phrase": self.phrase,
            "cases": self.cases,
            "deciding_question": self.deciding,
            "rise": None
            if self.rise is None
            else {"band": self.rise.band, "answers": self.rise.answers, "score": self.rise.percent},
        }
        if with_questions:
            result["questions"] = [tally_dict(t) for t in self.questions]
        return result


def tally_dict(tally: QuestionTally) -> dict[str, object]:
    return {
        "id": tally.question_id,
        "chart_label": tally.chart_label,
        "yes": tally.yes,
        "no": tally.no,
        "na": tally.na,
        "did_not_apply": tally.did_not_apply,
        "charted": tally.charted,
        "phrase": tally.phrase,
        "not_done_phrase": tally.not_done_phrase,
    }


def tally_question(
    bank: Bank, question: Question, counts: AnswerCounts, did_not_apply: NotApplying | None = None
) -> QuestionTally:
    """Fold a question's answer values into yes / no / excluded by its scale.

    `did_not_apply` counts, per question, the cases in scope it does not apply to (None: 0).
    """
    scale = bank.scale_of(question)
    totals = {"yes": 0, "no": 0, "excluded": 0}
    for value, n in counts.get(question.id, {}).items():
        option = scale.option(value)
        if option is not None:
            totals[option.counts_as] += n
    return QuestionTally(
        question.id,
        question.chart_label,
        question.key,
        totals["yes"],
        totals["no"],
        totals["excluded"],
        did_not_apply=(did_not_apply or {}).get(question.id, 0),
        charted=question.charted,
    )


def score_theme(
    bank: Bank,
    theme: Theme,
    counts: AnswerCounts,
    cases: int | None = None,
    did_not_apply: NotApplying | None = None,
) -> ThemeScore:
    """Score one theme under the bank's rule, from its key questions' counts.

    `did_not_apply` only fills each question's tally (the cases it did not apply to); it
    never changes a score, which counts answers alone.
    """
    tallies = tuple(
        tally_question(bank, q, counts, did_not_apply) for q in bank.theme_questions(theme.number)
    )
    keys = [t for t in tallies if t.key]
    yes = sum(t.yes for t in keys)
    no = sum(t.no for t in keys)
    na = sum(t.na for t in keys)
    rule = bank.scoring.rule
    deciding = None
    if rule == "pooled_key":
        numerator, denominator = yes, yes + no
    else:  # lowest_key: the weakest key question decides; a key question nobody answered
        # yes or no has no share and cannot decide; of equal shares the first in the bank does
        answered = [t for t in keys if t.answered]
        lowest = min(answered, key=lambda t: Fraction(t.yes, t.answered), default=None)
        numerator, denominator = (lowest.yes, lowest.answered) if lowest else (0, 0)
        deciding = lowest.question_id if lowest else None
    percent = whole_percent(numerator, denominator) if theme.case_scored else None
    return ThemeScore(
        number=theme.number,
        title=theme.title,
        case_scored=theme.case_scored,
        rule=rule,
        yes=yes,
        no=no,
        na=na,
        numerator=numerator,
        denominator=denominator,
        percent=percent,
        judgement=bank.scoring.judgement(percent),
        phrase=proportion_phrase(numerator, denominator) if percent is not None else None,
        cases=cases,
        questions=tallies,
        deciding=deciding,
        rise=rise_to_next_band(bank, numerator, denominator) if percent is not None else None,
    )


def rise_to_next_band(bank: Bank, numerator: int, denominator: int) -> Rise | None:
    """How many of the `denominator` answers would have to be yes to reach the next band.

    Under lowest_key this is the deciding question's; another key question may then be the
    lowest, so it is what the deciding question needs, not a promise about the rating.
    """
    percent = whole_percent(numerator, denominator)
    if percent is None:
        return None
    above = bank.scoring.band_above(percent)
    if above is None:
        return None
    for yes in range(numerator + 1, denominator + 1):
        reached = whole_percent(yes, denominator)
        if reached is not None and reached >= above.min:
            return Rise(above.label, yes - numerator, reached)
    return None


@dataclass(frozen=True)
class OverallRating:
    """The inspection's overall rating: points of every rated theme, summed and banded."""

    total: int
    maximum: int
    label: str | None  # None until every theme that counts has a rating
    missing: tuple[int, ...]  # themes that count but have no rating yet
    source: str | None
    # Its own bands have no source, or it counts an indicative rating from unsourced bands.
    provisional: bool = True


def overall_rating(
    bank: Bank, ratings: Mapping[int, str | None], recorded: Collection[int] = ()
) -> OverallRating | None:
    """Sum the points of each counted theme's rating (recorded, else indicative) and band it.

    `ratings` maps theme numbers to band labels; `recorded` names the themes whose rating the
    lead recorded (the others are indicative, from the bank's bands). The rating is
    provisional when its own bands have no source, or when it counts an indicative rating
    from bands that have none. None for a bank without an overall rating.
    """
    overall = bank.scoring.overall
    if overall is None:
        return None
    counted = [t for t in bank.themes if t.in_overall is not False]
    top = max(overall.points.values())
    total, missing = 0, []
    for theme in counted:
        label = ratings.get(theme.number)
        if label is None or label not in overall.points:
            missing.append(theme.number)
        else:
            total += overall.points[label]
    band = None
    if not missing:
        band = next((b.label for b in overall.bands if b.min <= total <= b.max), None)
    provisional = overall.source is None or (
        bank.scoring.bands_provisional and any(t.number not in recorded for t in counted)
    )
    return OverallRating(
        total, top * len(counted), band, tuple(missing), overall.source, provisional
    )


def score_bank(
    bank: Bank,
    counts: AnswerCounts,
    cases_by_theme: Mapping[int, int] | None = None,
    scored_only: bool = True,
    did_not_apply: NotApplying | None = None,
) -> list[ThemeScore]:
    """Score every (case-scored) theme of a bank from the same counts."""
    themes = bank.scored_themes() if scored_only else bank.themes
    return [
        score_theme(bank, t, counts, (cases_by_theme or {}).get(t.number), did_not_apply)
        for t in themes
    ]
