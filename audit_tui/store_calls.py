"""The store calls the screens submit to the writer thread, each returning a plain snapshot.

Everything here runs on the writer thread (see writer.py): it may use the store freely and must
not touch a widget. Each function does one user action's writes and then reads back what the
screen needs to redraw, so a screen gets everything in one message after the commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from question_bank.case import CaseRecord
from question_bank.model import Bank
from question_bank.scoring import ThemeScore

if TYPE_CHECKING:
    from db.store import InspectionStore


@dataclass(frozen=True)
class Progress:
    """A case's progress as the case list shows it."""

    status: str
    answered: int
    applicable: int


@dataclass(frozen=True)
class SavedAnswer:
    """An answer as the interview shows it."""

    value: str
    note: str | None


@dataclass(frozen=True)
class ResumePoint:
    case_ref: str
    question_id: str | None
    interview: bool


@dataclass(frozen=True)
class OpenedFile:
    """What the app needs once the file is open."""

    path: str
    area: str
    lead: str | None
    bank: Bank
    inspector: str
    cases: list[CaseRecord]
    progress: dict[str, Progress]
    resume: ResumePoint | None


@dataclass(frozen=True)
class CaseList:
    cases: list[CaseRecord]
    progress: dict[str, Progress]


@dataclass(frozen=True)
class CaseView:
    """One case with its answers and scores: what the interview opens with."""

    case: CaseRecord
    answers: dict[str, SavedAnswer]
    progress: Progress
    case_scores: list[ThemeScore]
    inspection_scores: list[ThemeScore]


@dataclass(frozen=True)
class AnswerOutcome:
    """The result of an answer, a note, a clear or an undo, read back after the commit."""

    request: int
    case_ref: str
    question_id: str
    answer: SavedAnswer | None
    progress: Progress
    case_scores: list[ThemeScore]
    inspection_scores: list[ThemeScore]


@dataclass(frozen=True)
class FieldsUpdated:
    case: CaseRecord
    affected: list[str]
    progress: Progress


@dataclass(frozen=True)
class MissingItem:
    question_id: str
    reason: str


def resume_key(inspector: str) -> str:
    return f"resume:{inspector}"


def _progress(store: InspectionStore, case_ref: str | None = None) -> dict[str, Progress]:
    return {
        ref: Progress(str(p.status), int(p.answered), int(p.applicable))
        for ref, p in store.case_progress(case_ref).items()
    }


def _saved(answer: Any) -> SavedAnswer | None:
    return None if answer is None else SavedAnswer(answer.value, answer.note)


def _scores(store: InspectionStore, case_ref: str | None) -> list[ThemeScore]:
    from db.figures import theme_scores
    from db.records import CountFilter

    return theme_scores(store, CountFilter(case_ref=case_ref))


def open_file(store: InspectionStore, path: str, inspector: str | None) -> OpenedFile:
    """Read what the case list needs, and where this inspector was last time."""
    inspection = store.inspection
    cases = store.cases()
    chosen = inspector or inspection.lead or _busiest_inspector(cases) or "XX"
    return OpenedFile(
        path=path,
        area=inspection.area,
        lead=inspection.lead,
        bank=store.bank,
        inspector=chosen,
        cases=cases,
        progress=_progress(store),
        resume=read_resume(store, chosen, {c.case_ref for c in cases}),
    )


def bank_notice(store: InspectionStore) -> str | None:
    """Whether the shipped bank of the file's id has changed; read after the list is shown,
    since it loads the shipped bank file."""
    return store.bank_notice


def _busiest_inspector(cases: list[CaseRecord]) -> str | None:
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.inspector] = counts.get(case.inspector, 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else None


def read_resume(store: InspectionStore, inspector: str, refs: set[str]) -> ResumePoint | None:
    raw = store.get_state(resume_key(inspector))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        point = ResumePoint(str(data["case"]), data.get("question"), bool(data.get("interview")))
    except (ValueError, KeyError, TypeError):
        return None
    return point if point.case_ref in refs else None


def remember_position(
    store: InspectionStore, inspector: str, case_ref: str, question_id: str | None, interview: bool
) -> None:
    value = json.dumps({"case": case_ref, "question": question_id, "interview": interview})
    store.set_state(resume_key(inspector), value)


def case_list(store: InspectionStore) -> CaseList:
    return CaseList(store.cases(), _progress(store))


def open_case(store: InspectionStore, case_ref: str) -> CaseView:
    return CaseView(
        case=store.case(case_ref),
        answers={
            a.question_id: SavedAnswer(a.value, a.note)
            for a in store.answers(case_ref, role="primary")
        },
        progress=_progress(store, case_ref)[case_ref],
        case_scores=_scores(store, case_ref),
        inspection_scores=_scores(store, None),
    )


def _outcome(
    store: InspectionStore, request: int, case_ref: str, qid: str, answer: Any = None
) -> AnswerOutcome:
    """What the screen redraws after a change; `answer`: the one just recorded, if known."""
    return AnswerOutcome(
        request=request,
        case_ref=case_ref,
        question_id=qid,
        answer=_saved(answer if answer is not None else store.answer(case_ref, qid)),
        progress=_progress(store, case_ref)[case_ref],
        case_scores=_scores(store, case_ref),
        inspection_scores=_scores(store, None),
    )


def record_answer(
    store: InspectionStore,
    request: int,
    case_ref: str,
    qid: str,
    value: str,
    inspector: str,
    note: str | None,
) -> AnswerOutcome:
    answer = store.record_answer(case_ref, qid, value, inspector=inspector, note=note)
    return _outcome(store, request, case_ref, qid, answer)


def set_note(
    store: InspectionStore, request: int, case_ref: str, qid: str, note: str, inspector: str
) -> AnswerOutcome:
    store.set_note(case_ref, qid, note, inspector=inspector)
    return _outcome(store, request, case_ref, qid)


def restore_answer(
    store: InspectionStore,
    request: int,
    case_ref: str,
    qid: str,
    previous: SavedAnswer | None,
    inspector: str,
) -> AnswerOutcome:
    """Undo: put back the answer a question had before the last change (or none)."""
    if previous is None:
        store.clear_answer(case_ref, qid, inspector=inspector, reason="undo")
    else:
        # '' rather than None: the earlier answer had no note, so the later one must go too.
        store.record_answer(
            case_ref, qid, previous.value, inspector=inspector, note=previous.note or ""
        )
    return _outcome(store, request, case_ref, qid)


def update_case(store: InspectionStore, case_ref: str, fields: dict[str, Any]) -> FieldsUpdated:
    affected = store.update_case(case_ref, **fields)
    return FieldsUpdated(store.case(case_ref), list(affected), _progress(store, case_ref)[case_ref])


def missing_for_completion(store: InspectionStore, case_ref: str) -> list[MissingItem]:
    return [_missing_item(m) for m in store.missing_for_completion(case_ref)]


def _missing_item(missing: Any) -> MissingItem:
    reason = "needs a note" if missing.what == "note_required" else "unanswered"
    return MissingItem(missing.question_id, reason)


def complete_case(store: InspectionStore, case_ref: str, inspector: str) -> Progress:
    store.complete_case(case_ref, inspector=inspector)
    return _progress(store, case_ref)[case_ref]


def reopen_case(store: InspectionStore, case_ref: str, inspector: str, reason: str) -> Progress:
    store.reopen_case(case_ref, inspector=inspector, reason=reason)
    return _progress(store, case_ref)[case_ref]
