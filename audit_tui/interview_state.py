"""Where the interview of one case stands: the question order, applicability, answers, undo.

Plain Python with no widgets, so the rules of moving through a case are read and tested here;
the interview screen only displays this state and sends the writes it implies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit_tui.store_calls import SavedAnswer
from question_bank.case import CaseRecord
from question_bank.model import Bank, Question, Section, Theme

SAVING = "saving"
SAVED = "saved"
REFUSED = "refused"


@dataclass
class SectionProgress:
    theme: Theme
    section: Section
    questions: list[Question]
    answered: int = 0
    applicable: int = 0

    @property
    def key(self) -> str:
        return f"{self.theme.number}:{self.section.id}"


@dataclass
class ThemeProgress:
    theme: Theme
    sections: list[SectionProgress] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.sections)


@dataclass(frozen=True)
class Pending:
    request: int
    value: str | None
    note: str | None


class InterviewState:
    """One case's walk through the bank, theme by theme and section by section."""

    def __init__(self, bank: Bank, case: CaseRecord, answers: dict[str, SavedAnswer]) -> None:
        self.bank = bank
        self.answers: dict[str, SavedAnswer] = dict(answers)
        self.pending: dict[str, Pending] = {}
        self.marks: dict[str, str] = {}
        self.refusal: dict[str, str] = {}
        self.draft_notes: dict[str, str] = {}
        self.undo_stack: list[tuple[str, SavedAnswer | None]] = []
        self.request = 0  # the number of the last change sent to the writer
        self.order: list[Question] = _interview_order(bank)
        self.position = {q.id: i for i, q in enumerate(self.order)}
        self.sections = {s.id: s for s in bank.sections}
        self.index = 0
        self.case = case
        self.applicable: set[str] = set()
        self.set_case(case)
        self.index = self.first_applicable()

    # -- case and applicability -------------------------------------------------------------

    def set_case(self, case: CaseRecord) -> None:
        self.case = case
        values = case.condition_values()
        self.applicable = {q.id for q in self.order if q.applies(values)}

    def applies(self, qid: str) -> bool:
        return qid in self.applicable

    def why_not_applicable(self, question: Question) -> str:
        condition = question.applies_if
        return f"applies only when {condition.describe()}" if condition else ""

    # -- answers ----------------------------------------------------------------------------

    def shown_answer(self, qid: str) -> SavedAnswer | None:
        """The answer the screen shows: the one being saved, else the one on disk."""
        pending = self.pending.get(qid)
        if pending is not None:
            return None if pending.value is None else SavedAnswer(pending.value, pending.note)
        return self.answers.get(qid)

    def is_answered(self, qid: str) -> bool:
        return self.shown_answer(qid) is not None

    def note_required(self, question: Question, value: str) -> bool:
        return value in question.note_required_for

    # -- changes on their way to the file ---------------------------------------------------

    def begin_change(self, qid: str, value: str | None, note: str | None) -> int:
        """A change of `qid` is sent to the writer: until its reply the question shows this
        value and note, marked as saving. The number its reply will carry."""
        self.request += 1
        self.pending[qid] = Pending(self.request, value, note)
        self.marks[qid] = SAVING
        return self.request

    def change_saved(self, qid: str, answer: SavedAnswer | None, request: int) -> None:
        """The file holds `answer` (None: no answer) after the change numbered `request`;
        the question is saved unless a later change of it is still on its way."""
        if answer is None:
            self.answers.pop(qid, None)
        else:
            self.answers[qid] = answer
        pending = self.pending.get(qid)
        if pending is not None and pending.request == request:
            del self.pending[qid]
            self.marks[qid] = SAVED

    def change_refused(self, qid: str, error: str) -> None:
        """The store refused the last change of `qid`: it is not saved, nor to be undone."""
        self.pending.pop(qid, None)
        self.marks[qid] = REFUSED
        self.refusal[qid] = error
        if self.undo_stack and self.undo_stack[-1][0] == qid:
            self.undo_stack.pop()

    @property
    def current(self) -> Question:
        return self.order[self.index]

    # -- moving -----------------------------------------------------------------------------

    def first_applicable(self) -> int:
        return next((i for i, q in enumerate(self.order) if self.applies(q.id)), 0)

    def peek(self, delta: int) -> Question | None:
        """The question `step(delta)` would move to, without moving."""
        i = self.index + delta
        while 0 <= i < len(self.order):
            if self.applies(self.order[i].id):
                return self.order[i]
            i += delta
        return None

    def step(self, delta: int) -> bool:
        """Move to the next (or previous) applicable question; False at either end."""
        i = self.index + delta
        while 0 <= i < len(self.order):
            if self.applies(self.order[i].id):
                self.index = i
                return True
            i += delta
        return False

    def next_unanswered(self) -> bool:
        """Move to the next applicable unanswered question, wrapping round; False if none."""
        n = len(self.order)
        for offset in range(1, n + 1):
            i = (self.index + offset) % n
            q = self.order[i]
            if self.applies(q.id) and not self.is_answered(q.id):
                self.index = i
                return True
        return False

    def go_to(self, qid: str) -> bool:
        if qid not in self.position:
            return False
        self.index = self.position[qid]
        return True

    def go_to_theme(self, number: int) -> bool:
        """Move to the theme's first unanswered applicable question, else its first one."""
        candidates = [
            i for i, q in enumerate(self.order) if q.theme == number and self.applies(q.id)
        ]
        if not candidates:
            return False
        unanswered = [i for i in candidates if not self.is_answered(self.order[i].id)]
        self.index = (unanswered or candidates)[0]
        return True

    def go_to_section(self, key: str) -> bool:
        theme_text, _, section_id = key.partition(":")
        candidates = [
            i
            for i, q in enumerate(self.order)
            if str(q.theme) == theme_text and q.section == section_id and self.applies(q.id)
        ]
        if not candidates:
            return False
        unanswered = [i for i in candidates if not self.is_answered(self.order[i].id)]
        self.index = (unanswered or candidates)[0]
        return True

    def themes_with_questions(self) -> list[int]:
        return [t.number for t in self.bank.themes if any(q.theme == t.number for q in self.order)]

    def cycle_theme(self, delta: int) -> bool:
        themes = [n for n in self.themes_with_questions() if self._theme_has_applicable(n)]
        if not themes:
            return False
        here = self.current.theme
        target = themes[(themes.index(here) + delta) % len(themes)] if here in themes else themes[0]
        return self.go_to_theme(target)

    def _theme_has_applicable(self, number: int) -> bool:
        return any(q.theme == number and self.applies(q.id) for q in self.order)

    # -- progress ---------------------------------------------------------------------------

    def progress(self) -> list[ThemeProgress]:
        """Answered / applicable for every theme and section, in interview order."""
        themes: dict[int, ThemeProgress] = {}
        sections: dict[tuple[int, str], SectionProgress] = {}
        for q in self.order:
            theme = self.bank.theme_by_number[q.theme]
            tp = themes.setdefault(q.theme, ThemeProgress(theme))
            sp = sections.get((q.theme, q.section))
            if sp is None:
                sp = SectionProgress(theme, self.sections[q.section], [])
                sections[(q.theme, q.section)] = sp
                tp.sections.append(sp)
            sp.questions.append(q)
            if self.applies(q.id):
                sp.applicable += 1
                if self.is_answered(q.id):
                    sp.answered += 1
        return list(themes.values())

    def section_of(self, q: Question) -> list[Question]:
        return [o for o in self.order if o.theme == q.theme and o.section == q.section]

    def counts(self) -> tuple[int, int]:
        applicable = [q for q in self.order if self.applies(q.id)]
        return sum(self.is_answered(q.id) for q in applicable), len(applicable)


def _interview_order(bank: Bank) -> list[Question]:
    """Theme by theme in the bank's theme order; within a theme, sections as they first appear."""
    ordered: list[Question] = []
    for theme in bank.themes:
        in_theme = [q for q in bank.questions if q.theme == theme.number]
        section_order: list[str] = []
        for q in in_theme:
            if q.section not in section_order:
                section_order.append(q.section)
        for section in section_order:
            ordered.extend(q for q in in_theme if q.section == section)
    return ordered
