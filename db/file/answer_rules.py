"""What may be written as an answer, decided in one place, and the write with its history row.

`write_answer` is the one gate every answer passes: the interview (`InspectionStore.record_answer`),
the CSV import and the demo (`import_answers`) and the lead's ruling in moderation
(db.collation.moderation.resolve). Each rule refuses with one sentence, the same from every path,
raised as `AnswerRefused` naming the CSV column it is about. The rules are checked in the order
of an answers CSV's columns (the case, the question, the value on the question's scale, the
inspector's initials, the role), then: the question applies to the case, a locked case changes
only with a reason, and a value the bank wants evidence for has its note (or, in the
interview, is saved flagged "note needed" until it has: see `write_answer`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.errors import AnswerRefused, UnknownCase
from db.file import applicability, history_chain
from db.file.case_status import set_status
from db.file.records import ROLES, Answer, CaseStatus
from question_bank.model import Bank, Question


def clean(text: str | None) -> str | None:
    """Free text as stored: stripped, and nothing rather than an empty string."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def is_initials(text: str) -> bool:
    return 1 <= len(text) <= 6 and text.isascii() and text.isalpha() and text.isupper()


def initials(text: str | None) -> str:
    """An inspector's initials as stored (upper case), or the refusal when they are not."""
    found = (text or "").strip().upper()
    if not is_initials(found):
        raise AnswerRefused("inspector", not_initials(text))
    return found


def not_initials(text: str | None) -> str:
    return f"{text!r} is not an inspector's initials; use letters only, e.g. JS"


def checked_role(text: str) -> str:
    """A role an answer is given in: primary or second_read."""
    if text not in ROLES:
        raise AnswerRefused("role", f"{text!r} is not a role; use primary or second_read")
    return text


def question_of(bank: Bank, question_id: str) -> Question:
    """The bank's question of that id, or the refusal naming the bank."""
    question = bank.question_by_id.get(question_id)
    if question is None:
        raise AnswerRefused(
            "question_id", f"{question_id} is not a question of bank {bank.id} v{bank.version}"
        )
    return question


def applies_when(question: Question) -> str:
    """The condition a question needs, in words: 'applies only when custody'."""
    if question.applies_if is None:
        return "applies to every case"
    return f"applies only when {question.applies_if.describe()}"


def refuse_locked(case_ref: str, status: CaseStatus, reason: str | None) -> None:
    """A locked case (moderated) changes only with a reason, which the history keeps."""
    if status is CaseStatus.LOCKED and not reason:
        raise AnswerRefused(
            "case_ref",
            f"case {case_ref} is locked; give a reason to change its answers, or reopen it",
        )


def note_needed(question_id: str, value: str) -> str:
    """The one sentence for an answer the bank wants evidence for, given without its note: the
    refusal of an import or a ruling, the interview's "note needed" flag, what completion
    lists."""
    return f"{question_id} needs a note when the answer is {value}; record the evidence with it"


def lacks_note(question: Question, value: str | None, note: str | None) -> bool:
    """Whether an answer is one the bank wants evidence for (its note_required_for) without
    its note."""
    return value is not None and value in question.note_required_for and not note


def refuse_missing_note(question: Question, value: str, note: str | None) -> None:
    """A value the bank wants evidence for (its note_required_for) needs a note."""
    if lacks_note(question, value, note):
        raise AnswerRefused("note", note_needed(question.id, value))


@dataclass(frozen=True)
class Written:
    """What write_answer did: the answer now recorded, the one before, whether it changed."""

    answer: Answer  # the answer as recorded now (the one before when nothing changed)
    before: Answer | None  # None: the question was unanswered
    changed: bool
    question: Question
    inspector: str  # who gave it, as recorded in the history
    # An inspector's classification: the questions whose applicability it changed.
    reclassified: tuple[str, ...] = ()


def write_answer(
    conn: sqlite3.Connection,
    bank: Bank,
    *,
    case_ref: str,
    question_id: str,
    value: str,
    inspector: str,
    at: str,
    role: str = "primary",
    note: str | None = None,
    reason: str | None = None,
    history_reason: str | None = None,
    record_unchanged: bool = False,
    note_to_follow: bool = False,
) -> Written:
    """Inside a write transaction: refuse the answer in one sentence, or write it and its history.

    `note=None` keeps the note already recorded; a string replaces it ('' clears it). `reason`
    is the one a person gave (a locked case needs one); the history row records
    `history_reason` when it is given, else `reason`. An answer equal to the one recorded is
    not written again and adds no history row, unless `record_unchanged` (a moderator's ruling
    is recorded even when it keeps the answer). The first primary answer starts the case.

    `note_to_follow`: an answer the bank wants evidence for may be saved without its note,
    which the inspector writes next (the interview): it stands flagged "note needed" and the
    case cannot be completed until the note is written (case_status.missing). An import or a
    ruling, which no one follows with a note, is refused in the same sentence (note_needed).
    """
    row = conn.execute(
        """
        SELECT s.status, ap.applies, a.value, a.note, a.inspector, a.bank_version, a.answered_at
        FROM case_status s
        LEFT JOIN applicability ap ON ap.case_ref = s.case_ref AND ap.question_id = ?
        LEFT JOIN answers a ON a.case_ref = s.case_ref AND a.question_id = ? AND a.role = ?
        WHERE s.case_ref = ?
        """,
        (question_id, question_id, role, case_ref),
    ).fetchone()
    if row is None:
        raise AnswerRefused("case_ref", str(UnknownCase(case_ref)))
    question = question_of(bank, question_id)
    scale = bank.scale_of(question)
    if scale.option(value) is None:
        raise AnswerRefused(
            "answer",
            f"{value!r} is not an answer to {question_id}; "
            f"the answers are {', '.join(scale.values())}",
        )
    who = initials(inspector)
    checked_role(role)
    status, applies, old_value, old_note = CaseStatus(row[0]), row[1], row[2], row[3]
    if not applies:
        raise AnswerRefused(
            "question_id",
            f"{question_id} does not apply to case {case_ref}: it {applies_when(question)}, "
            "so it is N/A without an answer",
        )
    before = (
        None
        if old_value is None
        else Answer(case_ref, question_id, old_value, old_note, row[4], role, row[5], row[6])
    )
    new_note = old_note if note is None else clean(note)
    changed = before is None or (old_value, old_note) != (value, new_note)
    if before is not None and not changed and not record_unchanged:
        return Written(before, before, False, question, who)
    reason = clean(reason)
    refuse_locked(case_ref, status, reason)
    if not note_to_follow:
        refuse_missing_note(question, value, new_note)
    conn.execute("INSERT OR IGNORE INTO inspectors (initials, added_at) VALUES (?, ?)", (who, at))
    answer = Answer(case_ref, question_id, value, new_note, who, role, bank.version, at)
    if changed:
        conn.execute(
            """
            INSERT INTO answers (case_ref, question_id, role, value, note, inspector,
                                 bank_version, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (case_ref, question_id, role) DO UPDATE SET
                value = excluded.value, note = excluded.note, inspector = excluded.inspector,
                bank_version = excluded.bank_version, answered_at = excluded.answered_at
            """,
            (case_ref, question_id, role, value, new_note, who, bank.version, at),
        )
    elif before is not None:
        answer = before
    history_chain.append(
        conn,
        case_ref=case_ref,
        question_id=question_id,
        role=role,
        event="answer",
        old_value=old_value,
        new_value=value,
        old_note=old_note,
        new_note=new_note,
        inspector=who,
        at=at,
        reason=history_reason if history_reason is not None else reason,
    )
    if changed and status is CaseStatus.NOT_STARTED and role == "primary":
        set_status(conn, case_ref, status, CaseStatus.IN_PROGRESS, who, at, None)
    flipped: tuple[str, ...] = ()
    if changed and role == "primary" and question.classifies:
        flipped = tuple(applicability.refresh(conn, bank, case_ref))
    return Written(answer, before, changed, question, who, flipped)
