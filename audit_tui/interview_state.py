"""Where the interview of one case stands: the question order, applicability, answers, undo.

Plain Python with no widgets, so the rules of moving through a case are read and tested here;
the interview screen only displays this state and sends the writes it implies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audit_tui.store_calls import SavedAnswer
from db.file.answer_rules import lacks_note

if TYPE_CHECKING:
    from audit_tui.live_scores import LiveScores
from question_bank.case import CaseRecord
from question_bank.model import Bank, Condition, Question, Section, Theme

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

    def __init__(
        self,
        bank: Bank,
        case: CaseRecord,
        answers: dict[str, SavedAnswer],
        applicable: Iterable[str],
    ) -> None:
        self.bank = bank
        self.answers: dict[str, SavedAnswer] = dict(answers)
        self.pending: dict[str, Pending] = {}
        self.marks: dict[str, str] = {}
        self.refusal: dict[str, str] = {}
        self.draft_notes: dict[str, str] = {}
        self.undo_stack: list[tuple[str, SavedAnswer | None]] = []
        self.request = 0  # the number of the last change sent to the writer
        # The scores as the answers shown make them, moved by every change of one (set by
        # the screen once the store has sent the counts; see live_scores.py).
        self.live: LiveScores | None = None
        self.order: list[Question] = _interview_order(bank)
        self.position = {q.id: i for i, q in enumerate(self.order)}
        self.sections = {s.id: s for s in bank.sections}
        self._themes = _themes_of(bank, self.order, self.sections)
        self.index = 0
        self.case = case
        self.applicable: frozenset[str] = frozenset()
        self.set_case(case, applicable)
        self.index = self.first_applicable()

    # -- case and applicability -------------------------------------------------------------

    def set_case(self, case: CaseRecord, applicable: Iterable[str]) -> None:
        """The case and the questions that apply to it, as the store holds them.

        Taken from the store rather than worked out here, so the interview, the case list's
        progress and the scores cannot disagree on what the inspector's classification brings in.
        """
        self.case = case
        self.applicable = frozenset(applicable)

    def applies(self, qid: str) -> bool:
        return qid in self.applicable

    def reclassify(self, qid: str, applicable: Iterable[str]) -> None:
        """The store's applicability after a change of `qid` (a classification may have moved
        questions in or out). If the inspector had moved on from `qid` to the next question
        that applied, a question brought in between comes next instead; a current question
        taken out gives way to the next one that applies."""
        before, self.applicable = self.applicable, frozenset(applicable)
        if before == self.applicable:
            return
        start, here = self.position[qid], self.index
        skipped = range(start + 1, here)
        if start < here and not any(self.order[i].id in before for i in skipped):
            brought = next((i for i in skipped if self.applies(self.order[i].id)), None)
            if brought is not None:
                self.index = brought
                return
        if not self.applies(self.current.id) and not self.step(1):
            self.step(-1)

    def classified_values(self) -> dict[str, Any]:
        """The case's values as the bank's conditions read them: the inspector's saved
        classifications over the service's (question_bank's rule, which the store applies)."""
        saved = {qid: answer.value for qid, answer in self.answers.items()}
        return self.bank.classified_values(self.case.condition_values(), saved)

    def why_not_applicable(self, question: Question) -> str:
        """Why a question is N/A: 'applies only when rosh is high or very_high, and your RoSH
        level is medium (PP-CLASS-01)'."""
        condition = question.applies_if
        if condition is None:
            return ""
        reasons = [f"applies only when {condition.describe()}"]
        values = self.classified_values()
        for checking in self.bank.classifying_questions:
            classified = checking.classifies
            if classified is None or classified not in _fields_read(condition):
                continue
            yours = self._sets_value(checking)
            stands = classification_stands(classified, values.get(classified), yours)
            reasons.append(f"{stands} ({checking.id})" if yours else stands)
        return ", and ".join(reasons)

    def _sets_value(self, question: Question) -> bool:
        """Whether the saved answer to classifying `question` sets its field (a "No: ...")."""
        saved = self.answers.get(question.id)
        option = self.bank.scale_of(question).option(saved.value) if saved else None
        return option is not None and option.sets is not None

    def reclassification_sentence(self, qid: str, reclassified: Iterable[str]) -> str:
        """What the saved answer to classifying question `qid` brought in and took out, in one
        sentence: 'Your RoSH level (high) brings in PP-ASSESS-03, PP-PLAN-06; takes out none.'"""
        question = self.bank.question(qid)
        classified = question.classifies
        assert classified is not None, f"{qid} classifies no case field"
        phrase = classification_phrase(classified, self.classified_values().get(classified))
        ordered = sorted(set(reclassified), key=lambda q: self.position.get(q, len(self.order)))
        brought = [q for q in ordered if self.applies(q)]
        taken = [q for q in ordered if not self.applies(q)]
        kept = " (their answers kept, not counted)" if any(q in self.answers for q in taken) else ""
        moved = f"brings in {self._named(brought)}; takes out {self._named(taken)}{kept}."
        if self._sets_value(question):
            return f"Your {phrase} {moved}" if ordered else f"Your {phrase} moves no question."
        stands = f"the service's {phrase} stands"
        if qid not in self.answers:
            stands = f"With no classification of yours, {stands}"
        stands = stands[0].upper() + stands[1:]
        return f"{stands}: {moved}" if ordered else f"{stands}; no question moves."

    def moved_count(self, reclassified: Iterable[str]) -> str:
        """The reclassification in short: '7 questions in, none out'."""
        moved = set(reclassified)
        if not moved:
            return "no question in or out"
        brought = sum(self.applies(q) for q in moved)
        taken = len(moved) - brought
        counted = [
            "none" if n == 0 else f"{n} question{'s' if n > 1 else ''}" for n in (brought, taken)
        ]
        return f"{counted[0]} in, {counted[1]} out"

    def _named(self, qids: list[str]) -> str:
        if not qids:
            return "none"
        return ", ".join(f"{q} (answered)" if q in self.answers else q for q in qids)

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
        value and note, marked as saving, and the scores count it. The number its reply will
        carry."""
        before = self.shown_answer(qid)
        self.request += 1
        self.pending[qid] = Pending(self.request, value, note)
        self.marks[qid] = SAVING
        self._shown_moved(qid, before)
        return self.request

    def change_saved(self, qid: str, answer: SavedAnswer | None, request: int) -> None:
        """The file holds `answer` (None: no answer) after the change numbered `request`;
        the question is saved unless a later change of it is still on its way."""
        before = self.shown_answer(qid)
        if answer is None:
            self.answers.pop(qid, None)
        else:
            self.answers[qid] = answer
        pending = self.pending.get(qid)
        if pending is not None and pending.request == request:
            del self.pending[qid]
            self.marks[qid] = SAVED
        self._shown_moved(qid, before)

    def change_refused(self, qid: str, error: str, request: int | None = None) -> bool:
        """The store refused a change of `qid` (numbered `request`, if known): unless a later
        change of it is on its way, the question shows what the file holds again, and the
        scores count that; the change is not to be undone. Whether the screen rolled back."""
        pending = self.pending.get(qid)
        if pending is not None and request is not None and pending.request != request:
            return False  # a later change of the question stands in for it
        before = self.shown_answer(qid)
        self.pending.pop(qid, None)
        self.marks[qid] = REFUSED
        self.refusal[qid] = error
        if self.undo_stack and self.undo_stack[-1][0] == qid:
            self.undo_stack.pop()
        self._shown_moved(qid, before)
        return True

    def rescore(self, live: LiveScores) -> None:
        """Counts read from the file (the case opened, or a classification moved questions in
        or out): the scores count every change still on its way on top of them."""
        self.live = live
        for qid, pending in self.pending.items():
            saved = self.answers.get(qid)
            if self.applies(qid):
                live.move(qid, saved.value if saved else None, pending.value)

    def _shown_moved(self, qid: str, before: SavedAnswer | None) -> None:
        """The answer shown for `qid` may have changed from `before`: the scores follow."""
        after = self.shown_answer(qid)
        old, new = (before.value if before else None), (after.value if after else None)
        if old != new and self.live is not None and self.applies(qid):
            self.live.move(qid, old, new)

    def lacks_note(self, qid: str) -> bool:
        """Whether the answer shown is one the bank wants a note for, without it ("note
        needed": saved, but the case cannot be completed until the note is written)."""
        shown = self.shown_answer(qid)
        return shown is not None and lacks_note(self.bank.question(qid), shown.value, shown.note)

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
        applicable, answered = self.applicable, self.answered_ids()
        shown: list[ThemeProgress] = []
        for theme, sections in self._themes:
            tp = ThemeProgress(theme)
            for section, questions in sections:
                ids = [q.id for q in questions if q.id in applicable]
                counted = sum(qid in answered for qid in ids)
                tp.sections.append(SectionProgress(theme, section, questions, counted, len(ids)))
            shown.append(tp)
        return shown

    def section_of(self, q: Question) -> list[Question]:
        return [o for o in self.order if o.theme == q.theme and o.section == q.section]

    def counts(self) -> tuple[int, int]:
        ids = [q.id for q in self.order if q.id in self.applicable]
        answered = self.answered_ids()
        return sum(qid in answered for qid in ids), len(ids)

    def answered_ids(self) -> set[str]:
        """The questions with an answer shown (`is_answered`), saved or being saved."""
        answered = {qid for qid, answer in self.answers.items() if answer is not None}
        for qid, pending in self.pending.items():
            if pending.value is None:
                answered.discard(qid)
            else:
                answered.add(qid)
        return answered


LEVEL_NOUNS = {"rosh": "RoSH level", "vulnerability": "vulnerability level"}


def classification_phrase(classified: str, value: Any) -> str:
    """A classified case field and its value as a sentence says them: 'RoSH level (very
    high)', 'finding of a victim'."""
    if classified == "victim_identified":
        return "finding of a victim" if value else "finding of no victim"
    noun = LEVEL_NOUNS.get(classified, classified.replace("_", " "))
    return f"{noun} ({str(value).replace('_', ' ') if value is not None else 'not recorded'})"


def classification_stands(classified: str, value: Any, yours: bool) -> str:
    """Whose classification stands and what it is: 'your RoSH level is high', 'the service
    recorded no victim'."""
    if classified == "victim_identified":
        found = "a victim" if value else "no victim"
        return f"you found {found}" if yours else f"the service recorded {found}"
    noun = LEVEL_NOUNS.get(classified, classified.replace("_", " "))
    whose = "your" if yours else "the service's"
    return f"{whose} {noun} is {str(value).replace('_', ' ')}"


def _fields_read(condition: Condition) -> set[str]:
    """The case fields a condition reads, at any depth."""
    children = [*(condition.all or []), *(condition.any or [])]
    if condition.not_ is not None:
        children.append(condition.not_)
    fields = {condition.field} if condition.field else set()
    return fields.union(*(_fields_read(child) for child in children))


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


def _themes_of(
    bank: Bank, order: list[Question], sections: dict[str, Section]
) -> list[tuple[Theme, list[tuple[Section, list[Question]]]]]:
    """The questions in interview order, grouped by theme and section (what `progress` counts)."""
    grouped: dict[int, dict[str, list[Question]]] = {}
    for q in order:
        grouped.setdefault(q.theme, {}).setdefault(q.section, []).append(q)
    return [
        (bank.theme_by_number[number], [(sections[s], qs) for s, qs in by_section.items()])
        for number, by_section in grouped.items()
    ]
