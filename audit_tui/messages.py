"""Messages that carry the writer thread's replies (and widget requests) up to the screens."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from audit_tui.store_calls import (
    AnswerOutcome,
    CaseDetails,
    CaseList,
    CaseListing,
    CaseView,
    FieldsUpdated,
    MissingItem,
    OpenedFile,
    Progress,
)


class FileChosen(Message):
    """The start screen chose a file (opened, created or the demo): the app opens it."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class FileListed(Message):
    """The file's case list, read before the store opens it (None: nothing to show early)."""

    def __init__(self, listing: CaseListing | None) -> None:
        super().__init__()
        self.listing = listing


class ListingShown(Message):
    """The case list is on screen: the store can open the file now without delaying it."""


class FileOpened(Message):
    """The inspection file is open and its case list read."""

    def __init__(self, opened: OpenedFile) -> None:
        super().__init__()
        self.opened = opened


class BackupMissed(Message):
    """The automatic backup taken on opening the file failed; `text` says why."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FileFailed(Message):
    """The file could not be opened; `error` is one sentence saying what to do."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class BankNotice(Message):
    """A sentence about the file's question bank (e.g. the shipped bank has changed since)."""

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text


class StoreRefused(Message):
    """A store call was refused; `error` is the store's sentence."""

    def __init__(self, error: str, action: str = "", question_id: str | None = None) -> None:
        super().__init__()
        self.error = error
        self.action = action
        self.question_id = question_id


class CasesLoaded(Message):
    def __init__(self, cases: CaseList) -> None:
        super().__init__()
        self.cases = cases


class CaseLoaded(Message):
    def __init__(self, view: CaseView) -> None:
        super().__init__()
        self.view = view


class AnswerSaved(Message):
    """An answer, note, clear or undo is committed; the outcome is read back from the file."""

    def __init__(self, outcome: AnswerOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class CaseDetailsRead(Message):
    """What applies to a case and the inspector's own classifications, for case details."""

    def __init__(self, details: CaseDetails) -> None:
        super().__init__()
        self.details = details


class CaseFieldsSaved(Message):
    def __init__(self, update: FieldsUpdated) -> None:
        super().__init__()
        self.update = update


class CompletionChecked(Message):
    """What a case still lacks before it can be completed (empty: it can be)."""

    def __init__(self, case_ref: str, missing: list[MissingItem]) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.missing = missing


class CaseStatusChanged(Message):
    """A case was completed or reopened."""

    def __init__(self, case_ref: str, progress: Progress, change: str) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.progress = progress
        self.change = change


class OpenCase(Message):
    """The case list asks the app to start the interview of a case."""

    def __init__(self, case_ref: str, question_id: str | None = None) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.question_id = question_id


class SectionClicked(Message):
    """A section of the side panel was clicked."""

    def __init__(self, section_key: str) -> None:
        super().__init__()
        self.section_key = section_key
