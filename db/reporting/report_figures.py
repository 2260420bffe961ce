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
from db.file.records import CountFilter, Inspection
from db.file.store import InspectionStore
from db.reporting import figures
from question_bank.scoring import QuestionTally, ThemeScore

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

    @property
    def key_questions(self) -> list[QuestionTally]:
        return [t for t in self.score.questions if t.key]


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

    @property
    def scored(self) -> list[ThemeReport]:
        return [t for t in self.themes if t.score.case_scored]


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
    by_field = {field: figures.scores_by(store, field) for field, _ in SUBGROUPS}
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
        themes.append(ThemeReport(whole[index], judgement, rationale, groups))
    now = (clock or (lambda: datetime.now(UTC)))()
    return ReportFigures(
        inspection=store.inspection,
        bank_title=store.bank.title,
        generated_at=now.isoformat(timespec="seconds"),
        cases=store.case_count(),
        themes=themes,
        agreement=agreement(store),
        conflicts=moderation.conflicts(store),
        disagreements=moderation.disagreements(store),
    )


def percent_text(value: int | None) -> str:
    return "-" if value is None else f"{value}%"


def kappa_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def sentence(theme: ThemeScore) -> str:
    """The report's sentence: 'overall 58% of work to ... was done well enough'."""
    if theme.percent is None:
        return "No key question of this theme has a yes or no answer yet."
    return (
        f"Within the case assessment, overall {theme.percent}% of work on "
        f"{theme.title[0].lower()}{theme.title[1:]} was done well enough ({theme.phrase})."
    )


def sides_text(item: moderation.Item) -> str:
    """The answers of a conflict or disagreement on one line, with who gave them and why."""
    return " | ".join(
        f"{s.value} ({s.inspector}, {s.role.replace('_', ' ')}): {s.note or 'no note'}"
        for s in item.sides
    )


def alarm_lines(report: ReportFigures) -> list[str]:
    """The loud part at the top: what is not yet settled."""
    if not report.conflicts and not report.disagreements:
        return ["No unresolved conflicts and no unmoderated second-read disagreements."]
    lines = []
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
