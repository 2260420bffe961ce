"""The store calls the screens submit to the writer thread, each returning a plain snapshot.

Everything here runs on the writer thread (see writer.py): it may use the store freely and must
not touch a widget. Each function does one user action's writes and then reads back what the
screen needs to redraw, so a screen gets everything in one message after the commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from db.errors import StoreError
from db.file.records import CaseStatus

if TYPE_CHECKING:
    from db.file.store import InspectionStore
    from db.file.tally import ScopeTally
    from question_bank.case import CaseRecord
    from question_bank.model import Bank
    from question_bank.scoring import ThemeScore


@dataclass(frozen=True)
class Progress:
    """A case's progress as the case list shows it."""

    status: CaseStatus
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
    kind: str = "inspection"  # what the file is: demo, split for AS, collated (file_kind)


@dataclass(frozen=True)
class CaseRow:
    """A case as the case list shows it: read before the store is open, or from a record."""

    case_ref: str
    inspector: str
    disposal: str
    status: str  # the case's own: current or terminated


@dataclass(frozen=True)
class CaseListing:
    """What the case list shows, which the app has before the store is open (`list_file`)."""

    path: str
    area: str
    bank_label: str  # "fji-2014 v1"
    inspector: str
    cases: list[CaseRow]
    progress: dict[str, Progress]
    resume: ResumePoint | None
    kind: str = "inspection"


@dataclass(frozen=True)
class CaseList:
    cases: list[CaseRecord]
    progress: dict[str, Progress]


@dataclass(frozen=True)
class Tallies:
    """The counts that score a case and the inspection, each a copy the interview moves by
    every answer key before its commit (db.file.tally), with the scores they give now."""

    case: ScopeTally
    inspection: ScopeTally
    case_scores: list[ThemeScore]
    inspection_scores: list[ThemeScore]


@dataclass(frozen=True)
class CaseView:
    """One case with its answers and scores: what the interview opens with."""

    case: CaseRecord
    answers: dict[str, SavedAnswer]
    applicable: frozenset[str]  # as the store holds it: the inspector's classification counts
    progress: Progress
    tallies: Tallies


@dataclass(frozen=True)
class AnswerOutcome:
    """The result of an answer, a note, a clear or an undo, once committed.

    Nothing is read back but the case's status: the interview moved its scores and progress
    when the key was pressed (InterviewState, live_scores.py). Only a change of a classifying
    question, which may move other questions in or out, reads the counts again.
    """

    request: int
    case_ref: str
    question_id: str
    answer: SavedAnswer | None
    status: CaseStatus
    # The questions that apply to the case after an answer to a classifying question (which
    # may move others in or out); None after any other answer, which cannot change them.
    applicable: frozenset[str] | None = None
    # An answer to a classifying question: the questions whose applicability it changed.
    reclassified: tuple[str, ...] = ()
    # After a change of a classifying question: the counts read again, as they now stand.
    tallies: Tallies | None = None
    note_only: bool = False  # the note of an answer changed, not the answer


@dataclass(frozen=True)
class FieldsUpdated:
    case: CaseRecord
    affected: list[str]
    progress: Progress
    applicable: frozenset[str]


@dataclass(frozen=True)
class CaseDetails:
    """What case details shows besides the case: what applies, and the inspector's own
    classifications (the primary answers to the bank's classifying questions, by question)."""

    case: CaseRecord
    applicable: frozenset[str]
    classifications: dict[str, str]


@dataclass(frozen=True)
class MissingItem:
    question_id: str
    reason: str


def resume_key(inspector: str) -> str:
    return f"resume:{inspector}"


def _progress(store: InspectionStore, case_ref: str | None = None) -> dict[str, Progress]:
    return {
        ref: Progress(p.status, int(p.answered), int(p.applicable))
        for ref, p in store.case_progress(case_ref).items()
    }


def _applicable(store: InspectionStore, case_ref: str) -> frozenset[str]:
    """The questions that apply to the case, as the store holds them (one source of truth)."""
    return frozenset(qid for qid, applies in store.applicability(case_ref).items() if applies)


def _saved(answer: Any) -> SavedAnswer | None:
    return None if answer is None else SavedAnswer(answer.value, answer.note)


def _tallies(store: InspectionStore, case_ref: str) -> Tallies:
    """The case's and the inspection's counts, and their scores (figures' own scoring)."""
    from db.reporting.figures import scores_of

    case, inspection = store.scope_tally(case_ref), store.scope_tally()
    bank = store.bank
    return Tallies(
        case,
        inspection,
        scores_of(bank, case.tally.counts, case.tally.cases_by_theme, case.not_applying),
        scores_of(
            bank, inspection.tally.counts, inspection.tally.cases_by_theme, inspection.not_applying
        ),
    )


def list_file(path: str, passphrase: str | None, inspector: str | None) -> CaseListing | None:
    """The case list, read from the file after its checks but before the store opens it
    (runs on the writer thread with no store). None when there is nothing to show early: the
    file needs migrating first, or it fails a check, which `open_file` then reports."""
    from db.file.case_list import read_case_list

    try:
        listing = read_case_list(Path(path), passphrase)
    except (StoreError, sqlite3.Error):
        return None
    if listing is None:
        return None
    rows = [CaseRow(c.case_ref, c.inspector, c.disposal, c.status) for c in listing.cases]
    chosen = choose_inspector(inspector, listing.lead, rows)
    resume = _resume_point(listing.state.get(resume_key(chosen)), {r.case_ref for r in rows})
    return CaseListing(
        path=path,
        area=listing.area,
        bank_label=f"{listing.bank_id} v{listing.bank_version}",
        inspector=chosen,
        cases=rows,
        progress={
            p.case_ref: Progress(CaseStatus(p.status), p.answered, p.applicable)
            for p in listing.progress
        },
        resume=resume,
        kind=listing.kind,
    )


def listing_of(opened: OpenedFile) -> CaseListing:
    """The case list of a file the store has opened."""
    return CaseListing(
        path=opened.path,
        area=opened.area,
        bank_label=f"{opened.bank.id} v{opened.bank.version}",
        inspector=opened.inspector,
        cases=case_rows(opened.cases),
        progress=dict(opened.progress),
        resume=opened.resume,
        kind=opened.kind,
    )


def case_rows(cases: Iterable[CaseRecord]) -> list[CaseRow]:
    return [CaseRow(c.case_ref, c.inspector, c.disposal.value, c.status.value) for c in cases]


def open_file(store: InspectionStore, path: str, inspector: str | None) -> OpenedFile:
    """Read what the case list needs, and where this inspector was last time."""
    from db.file.case_list import file_kind

    inspection = store.inspection
    cases = store.cases()
    chosen = choose_inspector(inspector, inspection.lead, cases)
    return OpenedFile(
        path=path,
        area=inspection.area,
        lead=inspection.lead,
        bank=store.bank,
        inspector=chosen,
        cases=cases,
        progress=_progress(store),
        resume=read_resume(store, chosen, {c.case_ref for c in cases}),
        kind=file_kind(store.select, inspection.area, Path(path).name),
    )


def take_backup(path: Path, passphrase: str | None) -> str | None:
    """The file's rotating backup (unless one is recent), on a connection of its own; why none
    was taken, else None."""
    from audit_tui.backups import backup_file

    missed: list[str] = []
    backup_file(path, passphrase, warn=missed.append)
    return missed[0] if missed else None


def bank_notice(store: InspectionStore) -> str | None:
    """Whether the shipped bank of the file's id has changed; read after the list is shown,
    since it loads the shipped bank file."""
    return store.bank_notice


class _Assigned(Protocol):
    @property
    def inspector(self) -> str: ...


def choose_inspector(given: str | None, lead: str | None, cases: Iterable[_Assigned]) -> str:
    """Whose answers the interface records: the inspector asked for; else, in a file whose
    cases are all one inspector's (a split file), that inspector; else the lead."""
    if given:
        return given
    listed = list(cases)
    assigned = {case.inspector for case in listed}
    if len(assigned) == 1:
        return assigned.pop()
    return lead or _busiest_inspector(listed) or "XX"


def _busiest_inspector(cases: Iterable[_Assigned]) -> str | None:
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.inspector] = counts.get(case.inspector, 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else None


def read_resume(store: InspectionStore, inspector: str, refs: set[str]) -> ResumePoint | None:
    return _resume_point(store.get_state(resume_key(inspector)), refs)


def _resume_point(raw: str | None, refs: set[str]) -> ResumePoint | None:
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
        applicable=_applicable(store, case_ref),
        progress=_progress(store, case_ref)[case_ref],
        tallies=_tallies(store, case_ref),
    )


def _outcome(
    store: InspectionStore,
    request: int,
    case_ref: str,
    qid: str,
    answer: Any = None,
    reclassified: tuple[str, ...] = (),
) -> AnswerOutcome:
    """What the screen needs after a committed change; `answer`: the one just recorded, if
    known; `reclassified`: the questions the change moved in or out."""
    classifies = store.bank.question(qid).classifies is not None
    return AnswerOutcome(
        request=request,
        case_ref=case_ref,
        question_id=qid,
        answer=_saved(answer if answer is not None else store.answer(case_ref, qid)),
        status=store.case_status(case_ref),
        applicable=_applicable(store, case_ref) if classifies else None,
        reclassified=reclassified,
        tallies=_tallies(store, case_ref) if classifies else None,
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
    answer = store.record_answer(
        case_ref, qid, value, inspector=inspector, note=note, note_to_follow=True
    )
    return _outcome(store, request, case_ref, qid, answer, answer.reclassified)


def set_note(
    store: InspectionStore, request: int, case_ref: str, qid: str, note: str, inspector: str
) -> AnswerOutcome:
    store.set_note(case_ref, qid, note, inspector=inspector)
    return replace(_outcome(store, request, case_ref, qid), note_only=True)


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
        changed = store.clear_answer(case_ref, qid, inspector=inspector, reason="undo")
    else:
        # '' rather than None: the earlier answer had no note, so the later one must go too.
        changed = store.record_answer(
            case_ref,
            qid,
            previous.value,
            inspector=inspector,
            note=previous.note or "",
            note_to_follow=True,
        )
    return _outcome(
        store, request, case_ref, qid, reclassified=changed.reclassified if changed else ()
    )


def update_case(store: InspectionStore, case_ref: str, fields: dict[str, Any]) -> FieldsUpdated:
    affected = store.update_case(case_ref, **fields)
    return FieldsUpdated(
        store.case(case_ref),
        list(affected),
        _progress(store, case_ref)[case_ref],
        _applicable(store, case_ref),
    )


def read_case_details(store: InspectionStore, case_ref: str) -> CaseDetails:
    classifying = {q.id for q in store.bank.classifying_questions}
    return CaseDetails(
        case=store.case(case_ref),
        applicable=_applicable(store, case_ref),
        classifications={
            a.question_id: a.value
            for a in store.answers(case_ref, role="primary")
            if a.question_id in classifying
        },
    )


def missing_for_completion(store: InspectionStore, case_ref: str) -> list[MissingItem]:
    return [_missing_item(m) for m in store.missing_for_completion(case_ref)]


def _missing_item(missing: Any) -> MissingItem:
    """What stops completion, in the store's words: "unanswered", or the sentence the answer
    gate says a "note needed" answer in (db.file.answer_rules.note_needed)."""
    qid = missing.question_id
    if missing.what != "note_required":
        return MissingItem(qid, "unanswered")
    return MissingItem(qid, str(missing).removeprefix(f"{qid} "))


def complete_case(store: InspectionStore, case_ref: str, inspector: str) -> Progress:
    store.complete_case(case_ref, inspector=inspector)
    return _progress(store, case_ref)[case_ref]


def reopen_case(store: InspectionStore, case_ref: str, inspector: str, reason: str) -> Progress:
    store.reopen_case(case_ref, inspector=inspector, reason=reason)
    return _progress(store, case_ref)[case_ref]
