"""The figures of the inspection report, gathered once, and the phrases every form shares.

Every score comes from db.reporting.figures (the one path from counts to scores), so the report,
the TUI and `audit-tui scores` cannot disagree. Unresolved conflicts and second-read disagreements
are listed first, loudly: the scores count the current answer of each until the lead has ruled.
The forms are written by db.reporting.report (Markdown, CSV, JSON) and db.reporting.report_xlsx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from db.collation import moderation
from db.collation.agreement import AgreementReport, agreement
from db.file.records import CaseProgress, CountFilter, Inspection
from db.file.store import InspectionStore
from db.reporting import figures
from db.reporting.figures import ThemeRating
from question_bank.model import Bank, Theme
from question_bank.scoring import OverallRating, QuestionTally, ThemeScore

Clock = Callable[[], datetime]

# The breakdowns of DOMAIN.md section 4, in the report's order, with their headings.
SUBGROUPS: tuple[tuple[str, str], ...] = (
    ("gender", "Gender"),
    ("bame", "Black, Asian and minority ethnic"),
    ("custody", "Custody"),
    ("status", "Current or terminated"),
    ("rosh", "Risk of serious harm"),
    ("vulnerability", "Vulnerability"),
    ("looked_after", "Looked-after child"),
)
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class GroupScore:
    """One subgroup's figures for one theme."""

    field: str
    group: Any
    cases: int
    score: ThemeScore

    @property
    def label(self) -> str:
        if self.group is None:
            return "not stated"
        if isinstance(self.group, bool):
            return "yes" if self.group else "no"
        return str(self.group).replace("_", " ")


@dataclass(frozen=True)
class ThemeReport:
    """A theme as the report shows it."""

    score: ThemeScore
    recorded: str
    rationale: str | None
    subgroups: list[GroupScore]
    theme: Theme
    rating: ThemeRating  # the rating it counts with in the overall rating

    @property
    def key_questions(self) -> list[QuestionTally]:
        return [t for t in self.score.questions if t.key]

    @property
    def charted(self) -> list[QuestionTally]:
        """The key questions its Data Summary charts (the bank says which)."""
        return [t for t in self.score.questions if t.charted]


@dataclass(frozen=True)
class ReportFigures:
    """Everything the report prints, gathered once from the inspection file."""

    inspection: Inspection
    bank_title: str
    generated_at: str
    cases: int
    themes: list[ThemeReport]
    agreement: AgreementReport
    conflicts: list[moderation.Item]
    disagreements: list[moderation.Item]
    bank: Bank  # the bank the inspection is scored with: its words, rule and bands
    overall: OverallRating | None  # None for a bank without an overall rating
    # Cases not marked complete (nor locked): their answers so far are counted all the same.
    unfinished: list[CaseProgress]

    @property
    def scored(self) -> list[ThemeReport]:
        return [t for t in self.themes if t.score.case_scored]

    @property
    def unsettled(self) -> bool:
        """Whether the figures are not final yet: the report's alarm lines say why."""
        return bool(self.conflicts or self.disagreements or self.unfinished)


def recorded_judgements(store: InspectionStore) -> dict[int, tuple[str, str | None]]:
    """The lead's recorded judgement and rationale per theme (db/judgements.py)."""
    return {
        theme: (str(entry.judgement), entry.rationale)
        for theme, entry in store.recorded_judgements().items()
    }


def gather(store: InspectionStore, *, clock: Clock | None = None) -> ReportFigures:
    """Read every figure of the report from the store."""
    recorded = recorded_judgements(store)
    whole = figures.theme_scores(store, CountFilter(), scored_only=False)
    bank = store.bank
    rated = figures.ratings(bank, whole, {n: label for n, (label, _) in recorded.items()})
    by_field = figures.scores_by_each(store, [field for field, _ in SUBGROUPS])
    sizes = {field: store.case_count_by(field) for field, _ in SUBGROUPS}
    themes = []
    for index, score in enumerate(whole):
        groups = []
        if score.case_scored:
            scored_index = [t.number for t in whole if t.case_scored].index(score.number)
            for field, _ in SUBGROUPS:
                for group, scores in by_field[field].items():
                    groups.append(
                        GroupScore(field, group, sizes[field].get(group, 0), scores[scored_index])
                    )
        judgement, rationale = recorded.get(score.number, (NOT_RECORDED, None))
        theme = bank.theme_by_number[score.number]
        themes.append(
            ThemeReport(whole[index], judgement, rationale, groups, theme, rated[score.number])
        )
    now = (clock or (lambda: datetime.now(UTC)))()
    return ReportFigures(
        bank=bank,
        overall=figures.overall_of(bank, rated),
        inspection=store.inspection,
        bank_title=store.bank.title,
        generated_at=now.isoformat(timespec="seconds"),
        cases=store.case_count(),
        themes=themes,
        agreement=agreement(store),
        conflicts=moderation.conflicts(store),
        disagreements=moderation.disagreements(store),
        unfinished=[p for p in store.case_progress().values() if not p.status.closed],
    )


def percent_text(value: int | None) -> str:
    return "-" if value is None else f"{value}%"


def kappa_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


# -- the bank's words ---------------------------------------------------------------------------


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(word: str, n: int) -> str:
    return word if n == 1 else f"{word}s"


def theme_name(bank: Bank, theme: Theme) -> str:
    """'Theme 1' or 'Standard 2.1': the bank's word for a theme and the framework's number."""
    return f"{capital(bank.words.theme)} {theme.mark}"


def provisional(bank: Bank, label: str) -> str:
    """A band label drawn from the bank's bands, marked when those bands have no source."""
    return f"{label} (provisional)" if bank.scoring.bands_provisional else label


def indicative_text(bank: Bank, score: ThemeScore, none: str = "-") -> str:
    """The indicative judgement of a score as every form shows it: 'Good (provisional)'."""
    return provisional(bank, score.judgement) if score.judgement else none


def deciding_text(score: ThemeScore) -> str | None:
    """Under a lowest-key rule, which key question sets the score: 'set by S22-OTHERS at 58%'."""
    if score.deciding is None or score.percent is None:
        return None
    return f"set by {score.deciding} at {score.percent}%"


def rise_text(score: ThemeScore) -> str | None:
    """Under a lowest-key rule, what the key question setting the score needs to reach the
    next band: '+4 yes answers to reach Good' (None at the top, or with no deciding question)."""
    if score.rise is None or score.deciding is None:
        return None
    answers = score.rise.answers
    return f"+{answers} yes {plural('answer', answers)} to reach {score.rise.band}"


def work_words(theme: Theme) -> str:
    """What the score is a share of: the bank's `work`, else 'work on <title>'."""
    return theme.work or f"work on {theme.title[:1].lower()}{theme.title[1:]}"


def sentence(bank: Bank, theme: Theme, score: ThemeScore) -> str:
    """The report's sentence of a theme's score.

    Pooled: 'Within the case assessment, overall 58% of work to reduce reoffending was done well
    enough (almost three-fifths).' Lowest key question: the rating and the question setting it.
    """
    if score.percent is None:
        return f"No key question of this {bank.words.theme} has a yes or no answer yet."
    if score.deciding is None:
        return (
            f"Within the case assessment, overall {score.percent}% of {work_words(theme)} was "
            f"done well enough ({score.phrase})."
        )
    label = next((t.chart_label for t in score.questions if t.question_id == score.deciding), None)
    asked = f"{score.deciding} ({label})" if label else score.deciding
    return (
        f"{theme_name(bank, theme)} {theme.title}: {bank.words.judgement} "
        f"{indicative_text(bank, score)}, set by its lowest key question, {asked}, done well "
        f"enough in {score.percent}% of cases ({score.phrase})."
    )


# -- the rows every form shows --------------------------------------------------------------


def lowest_key(report: ReportFigures) -> bool:
    """Whether a theme is rated from its lowest key question (its rows say which, and the rise)."""
    return report.bank.scoring.rule == "lowest_key"


def score_headers(report: ReportFigures) -> list[str]:
    """The scores table's headers in the bank's words ('Standard', 'Indicative rating')."""
    words = report.bank.words
    headers = [
        capital(words.theme), "Score", "Yes", "No", "N/A", "Cases",
        f"Indicative {words.judgement}", f"Recorded {words.judgement}", "Phrase",
    ]  # fmt: skip
    if lowest_key(report):
        headers += ["Set by", "To the next band"]
    return headers


def score_row(report: ReportFigures, t: ThemeReport) -> list[Any]:
    """A theme's row of the scores table (numbers as numbers; the forms format them)."""
    s = t.score
    row: list[Any] = [
        f"{t.theme.mark} {s.title}", s.percent, s.yes, s.no, s.na, s.cases or 0,
        indicative_text(report.bank, s, ""), t.recorded, s.phrase or "",
    ]  # fmt: skip
    if lowest_key(report):
        row += [deciding_text(s) or "", rise_text(s) or ""]
    return row


DATA_SUMMARY_HEADERS = [
    "Key question", "Chart label", "Yes", "No", "Answered N/A", "Did not apply", "% yes",
    "Done well",
]  # fmt: skip


def data_summary_row(t: QuestionTally) -> list[Any]:
    """A charted key question's row of the Data Summary (numbers as numbers)."""
    return [t.question_id, t.chart_label, t.yes, t.no, t.na, t.did_not_apply, t.percent,
            t.done_well_text or ""]  # fmt: skip


RATING_HEADERS = ["Title", "Rating", "From", "Points"]


NOT_YET_RATED = "not yet rated"


@dataclass(frozen=True)
class RatingRow:
    """A row of the ratings table as published: a theme, its rating and its points."""

    mark: str
    title: str
    rating: str  # 'Good', 'Good (provisional)' for an indicative one, 'not recorded'
    source: str  # "recorded", "indicative", or "" with no rating
    points: int | None  # None: no rating yet, or not counted in the overall rating
    counted: bool


def rating_rows(report: ReportFigures) -> list[RatingRow]:
    """Every theme with the rating it counts with in the overall rating (a bank with one)."""
    bank = report.bank
    overall = bank.scoring.overall
    rows = []
    for t in report.themes:
        counted = t.theme.in_overall is not False
        rated = t.rating
        if rated.label is None:
            rating = NOT_RECORDED if not t.theme.case_scored else NOT_YET_RATED
            source = ""
        elif rated.recorded:
            rating, source = rated.label, "recorded"
        else:
            rating, source = provisional(bank, rated.label), "indicative"
        points = overall.points.get(rated.label) if overall and rated.label else None
        rows.append(
            RatingRow(t.theme.mark, t.theme.title, rating, source, points if counted else None,
                      counted)
        )  # fmt: skip
    return rows


def overall_text(report: ReportFigures) -> str | None:
    """'Overall: Requires improvement, 17/36 (provisional)', or which themes still need a
    rating; None for a bank without an overall rating."""
    result, bank = report.overall, report.bank
    if result is None:
        return None
    if result.label is None:
        marks = [bank.theme_by_number[n].mark for n in result.missing]
        needs = "needs" if len(marks) == 1 else "need"
        return (
            f"Overall: {NOT_YET_RATED}: {plural(bank.words.theme, len(marks))} "
            f"{', '.join(marks)} {needs} a {bank.words.judgement}."
        )
    return f"Overall: {overall_label(report)}, {result.total}/{result.maximum}" + (
        " (provisional)" if overall_provisional(report) else ""
    )


def overall_provisional(report: ReportFigures) -> bool:
    """Whether the overall rating is provisional (question_bank's rule, OverallRating)."""
    return report.overall is not None and report.overall.provisional


def overall_label(report: ReportFigures) -> str:
    """The overall rating's band, or 'not yet rated'."""
    return (report.overall.label if report.overall else None) or NOT_YET_RATED


def sides_text(item: moderation.Item) -> str:
    """The answers of a conflict or disagreement on one line, with who gave them and why."""
    return " | ".join(
        f"{s.value} ({s.inspector}, {s.role.replace('_', ' ')}): {s.note or 'no note'}"
        for s in item.sides
    )


def alarm_lines(report: ReportFigures) -> list[str]:
    """The loud part at the top: what is not yet settled."""
    if not report.unsettled:
        return [
            "Every case is complete; no unresolved conflicts and no unmoderated second-read "
            "disagreements."
        ]
    lines = []
    if report.unfinished:
        shown = ", ".join(p.case_ref for p in report.unfinished[:10])
        more = f", and {len(report.unfinished) - 10} more" if len(report.unfinished) > 10 else ""
        lines.append(
            f"CASES NOT COMPLETE: {len(report.unfinished)} of {report.cases} ({shown}{more}). "
            "Their answers so far are counted; each is final once its inspector completes it "
            "(c in the interview)."
        )
    if report.conflicts:
        lines.append(
            f"UNRESOLVED CONFLICTS: {len(report.conflicts)}. Two inspector files hold different "
            "answers to these questions; the scores count the latest answer of each until the "
            "lead moderates them (`audit-tui moderate`)."
        )
    if report.disagreements:
        lines.append(
            f"SECOND-READ DISAGREEMENTS NOT MODERATED: {len(report.disagreements)}. The scores "
            "count the first read."
        )
    return lines


# -- Markdown -----------------------------------------------------------------------------------
