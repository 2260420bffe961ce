"""The Textual application: opens an inspection file through the writer thread, shows its cases."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

from audit_tui import settings, store_calls
from audit_tui.locations import file_label
from audit_tui.messages import (
    AnswerSaved,
    BackupMissed,
    CaseFieldsSaved,
    CaseStatusChanged,
    FileChosen,
    FileFailed,
    FileListed,
    FileOpened,
    ListingShown,
    OpenCase,
)
from audit_tui.writer import HoldsWriter, StoreWriter

if TYPE_CHECKING:
    from audit_tui.screens.case_list import CaseListScreen
    from audit_tui.widgets.theme_scores import ThemeScores
    from db.file.store import InspectionStore

LIGHT, DARK = "textual-light", "textual-dark"
DASHBOARD = "dashboard"  # the name the dashboard screen is installed under
StartWith = Literal["cases", "moderation"]


class StoreOpener(Protocol):
    """How the writer opens the file: `open_inspection`, or a test's stand-in."""

    def __call__(self, path: Path, passphrase: str | None = None) -> InspectionStore: ...


def open_inspection(path: Path, passphrase: str | None = None) -> InspectionStore:
    """Open an inspection file for the interface (its automatic backup is taken beside the
    writer once the file is open: `on_file_opened`)."""
    from db.file.store import InspectionStore

    return InspectionStore.open(path, passphrase=passphrase)


class AuditApp(App[str | None]):
    """audit-tui: the case list, the interview of a case and its completion."""

    TITLE = "audit-tui"
    CSS_PATH = ["app.tcss", "case_list.tcss", "interview.tcss", "dialogs.tcss", "dashboard.tcss"]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding(
            "f2",
            "dashboard",
            "Scores",
            key_display="F2",
            tooltip="Scores, Data Summary charts and recorded judgements of every theme",
        ),
        Binding(
            "f3",
            "moderation",
            "Moderation",
            key_display="F3",
            tooltip="Collated files: conflicts, second-read disagreements and agreement",
            show=False,  # a collation-week screen: in help and the palette, not the footer
        ),
        Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),  # in help and the palette
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        db_path: Path | None,
        *,
        inspector: str | None,
        theme: str | None,
        remember: bool,
        passphrase: str | None,
        start_with: StartWith,
        open_store: StoreOpener,
        reopened: bool = False,
    ) -> None:
        """Use make_app, which the CLI and the tests call alike."""
        super().__init__()
        self.db_path = db_path
        self.reopened = reopened  # the last file used, opened without being named: say which
        # Passphrases of encrypted files, by path: given on the command line or asked for.
        self._passphrases: dict[Path, str] = {}
        if db_path is not None and passphrase:
            self._passphrases[db_path] = passphrase
        self.requested_inspector = inspector.upper() if inspector else None
        self.remember = remember
        self.start_with = start_with
        self._open_store = open_store
        self.writer: StoreWriter | None = None
        self.opened: store_calls.OpenedFile | None = None
        # The case list shown before the store opened the file, and what waits for the store.
        self._listed: CaseListScreen | None = None
        self._listing_shown = threading.Event()
        self._waiting_case: OpenCase | None = None
        self._waiting_screen: Callable[[], None] | None = None  # F2 or F3 pressed meanwhile
        if theme in (LIGHT, DARK):
            self.theme = theme

    # -- lifecycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        from audit_tui import startup_gc

        self.set_timer(startup_gc.RESUME_AFTER, startup_gc.resume)
        if self.db_path is None:
            from audit_tui.screens.start import StartScreen

            self.push_screen(StartScreen())
        else:
            self.open_file(self.db_path)

    def open_file(self, path: Path) -> None:
        """Start a writer thread on the file; FileListed, then FileOpened or FileFailed, come
        back.

        The case list is read first, without the store, and shown; the store opens the file
        (validating its question bank, migrating it, taking the automatic backup) once the
        list is on screen. An encrypted file first asks for its passphrase.
        """
        from db.file.connection import is_encrypted

        passphrase = self._passphrases.get(path)
        if passphrase is None and is_encrypted(path):
            from audit_tui.screens.passphrase import PassphraseScreen

            self.push_screen(PassphraseScreen(path), partial(self._passphrase_given, path))
            return
        if self.writer is not None:
            self.writer.stop()
        self.db_path = path
        self.writer = StoreWriter(partial(self._open_store, path, passphrase=passphrase))
        self.writer.start()
        self._listed, self._waiting_case, self._waiting_screen = None, None, None
        self._listing_shown = shown = threading.Event()
        # Whose answers these are: as asked, else whoever last worked in this file here (plain
        # `audit-tui` on an inspector's split file must not answer as the lead).
        inspector = self.requested_inspector or (
            settings.inspector_for(path) if self.remember else None
        )
        self.writer.submit_without_store(
            partial(
                store_calls.list_file,
                path=str(path),
                passphrase=passphrase,
                inspector=inspector,
            ),
            reply_to=self,
            done=FileListed,
            failed=lambda _: FileListed(None),
        )
        self.writer.submit(
            partial(store_calls.open_file, path=str(path), inspector=inspector),
            reply_to=self,
            done=FileOpened,
            failed=FileFailed,
            after=shown,
        )

    def on_backup_missed(self, message: BackupMissed) -> None:
        self.notify(message.text, title="No backup taken", severity="warning", timeout=10)

    def on_file_chosen(self, message: FileChosen) -> None:
        self.open_file(message.path)

    def on_file_listed(self, message: FileListed) -> None:
        from audit_tui.screens.case_list import CaseListScreen

        listing = message.listing
        if listing is None:
            self._listing_shown.set()  # nothing to show early: the store opens it now
            return
        self.sub_title = _named(listing.path, listing.kind, listing.area, listing.bank_label)
        resume = listing.resume
        self._listed = CaseListScreen(listing, focus_case=resume.case_ref if resume else None)
        self.push_screen(self._listed)
        self.refresh_bindings()  # F2 and F3 wait for the store from now on

    def on_listing_shown(self, message: ListingShown) -> None:
        self._listing_shown.set()

    def _clear_screens(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.is_screen_installed(DASHBOARD):
            self.uninstall_screen(DASHBOARD)

    def on_file_opened(self, message: FileOpened) -> None:
        from audit_tui.screens.case_list import CaseListScreen

        opened = message.opened
        if self.start_with == "moderation":
            opened = replace(opened, resume=None)  # no jump into an interview
        self.opened = opened
        self.refresh_bindings()  # F2 and F3 are enabled now: the footer shows them so at once
        bank = f"{opened.bank.id} v{opened.bank.version}"
        self.sub_title = _named(opened.path, opened.kind, opened.area, bank)
        path = str(Path(opened.path).resolve())
        if self.reopened:
            self.reopened = False
            self.notify(
                f"{path} ({opened.kind}). `audit-tui open FILE` opens another.",
                title="Reopened the last file used",
                timeout=10,
            )
        if self.remember:
            self.run_worker(
                partial(settings.remember_file, path, opened.kind, opened.inspector), thread=True
            )
        if self.writer is not None:
            # The automatic backup, on its own connection and thread: the interview does not
            # wait for the copy (the writer's queue goes on), and quitting waits for it.
            opened_path = Path(opened.path)
            self.writer.submit_without_store(
                partial(store_calls.take_backup, opened_path, self._passphrases.get(opened_path)),
                reply_to=self,
                done=lambda missed: BackupMissed(missed) if missed else None,
                beside=True,
            )
        resume = opened.resume
        listed, self._listed = self._listed, None
        if listed is not None and self.screen_stack[1:] == [listed]:
            listed.file_opened(opened)
        else:
            self._clear_screens()
            focus = resume.case_ref if resume else None
            self.push_screen(CaseListScreen(store_calls.listing_of(opened), focus, opened))
        # A case chosen while the store was opening the file, else where the inspector was.
        waiting, self._waiting_case = self._waiting_case, None
        if waiting is None and resume is not None and resume.interview:
            waiting = OpenCase(resume.case_ref, resume.question_id)
        if waiting is not None:
            self.on_open_case(waiting)
        else:
            # While the inspector reads the list: Enter then finds the interview loaded.
            self.run_worker(_load_the_interview, thread=True, group="start-up", exit_on_error=False)
        if self.start_with == "moderation":
            from audit_tui.screens.moderation import ModerationScreen

            self.push_screen(ModerationScreen(opened))
        shown, self._waiting_screen = self._waiting_screen, None
        if shown is not None:
            shown()

    def _passphrase_given(self, path: Path, passphrase: str | None) -> None:
        if passphrase is None:
            self.post_message(FileFailed(f"{path} is encrypted and no passphrase was given"))
            return
        self._passphrases[path] = passphrase
        self.open_file(path)

    def on_file_failed(self, message: FileFailed) -> None:
        listed, self._listed, self._waiting_screen = self._listed, None, None
        if listed is not None and self.screen is listed:
            # The store could not open a file whose list was shown: as if nothing was shown.
            self.pop_screen()
        if self.opened is None and len(self.screen_stack) <= 1:
            self.exit(message.error, return_code=1)
            return
        self.notify(message.error, title="Could not open the file", severity="error", timeout=10)

    def on_open_case(self, message: OpenCase) -> None:
        from audit_tui.screens.interview import InterviewScreen

        if self.opened is None:
            self._waiting_case = message  # opened once the store has the file open
            return
        self.push_screen(InterviewScreen(self.opened, message.case_ref, message.question_id))

    # -- figures: the dashboard and a case's own view ----------------------------------------

    def _show_or_leave(
        self, kind: type[Screen[Any]], show: Callable[[store_calls.OpenedFile], object]
    ) -> None:
        """Leave the screen of this kind on top, else show it: once a file is open (pressed while
        the store opens the listed file, once it has), never over a dialog."""
        if self.opened is None:
            if self._listed is not None:
                self._waiting_screen = partial(self._show_or_leave, kind, show)
            return
        if isinstance(self.screen, ModalScreen):
            return
        if isinstance(self.screen, kind):
            self.pop_screen()
        else:
            show(self.opened)

    def action_dashboard(self) -> None:
        """Show the dashboard (one per file, so its filter stays), or leave it."""
        from audit_tui.screens.dashboard import DashboardScreen

        def show(opened: store_calls.OpenedFile) -> None:
            if not self.is_screen_installed(DASHBOARD):
                self.install_screen(DashboardScreen(opened), name=DASHBOARD)
            self.push_screen(DASHBOARD)

        self._show_or_leave(DashboardScreen, show)

    def action_moderation(self) -> None:
        """Show the moderation screen over the current one, or leave it."""
        from audit_tui.screens.moderation import ModerationScreen

        self._show_or_leave(
            ModerationScreen, lambda opened: self.push_screen(ModerationScreen(opened))
        )

    def on_theme_scores_selected(self, message: ThemeScores.Selected) -> None:
        """A theme clicked in a score table other than the dashboard's (the interview's): its
        scores and chart on the dashboard, so a theme that looks clickable is."""
        from audit_tui.screens.dashboard import DashboardScreen

        if self.opened is None or isinstance(self.screen, (DashboardScreen, ModalScreen)):
            return
        self.action_dashboard()
        dashboard = self.get_screen(DASHBOARD)
        if isinstance(dashboard, DashboardScreen):
            dashboard.choose_theme(message.number)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("dashboard", "moderation") and self.opened is None and self._listed is None:
            # No file chosen yet (the start screen): no key for scores. One opening: shown, dim.
            return None if self.db_path is not None else False
        return True

    def on_answer_saved(self, message: AnswerSaved) -> None:
        # Answers saved on any screen bubble up here: the case list under the interview takes
        # the case's progress at once (so it is right on the first frame back), and the
        # dashboard reads its figures again.
        from audit_tui.screens.interview import InterviewScreen

        outcome = message.outcome
        for screen in self.screen_stack:  # the interview counted it as it drew the answer
            if (
                isinstance(screen, InterviewScreen)
                and screen.case_ref == outcome.case_ref
                and screen.progress is not None
            ):
                self._case_progress(outcome.case_ref, screen.progress)
        self.figures_changed()

    def on_case_status_changed(self, message: CaseStatusChanged) -> None:
        self._case_progress(message.case_ref, message.progress)
        self.figures_changed()

    def _case_progress(self, case_ref: str, progress: store_calls.Progress) -> None:
        from audit_tui.screens.case_list import CaseListScreen

        for screen in self.screen_stack:
            if isinstance(screen, CaseListScreen):
                screen.case_progress(case_ref, progress)

    def on_case_fields_saved(self, message: CaseFieldsSaved) -> None:
        from audit_tui.screens.case_list import CaseListScreen

        for screen in self.screen_stack:
            if isinstance(screen, CaseListScreen):
                screen.case_updated(message.update.case, message.update.progress)
        self.figures_changed()  # applicability may have changed what counts

    def on_moderated(self, message: Message) -> None:
        self.figures_changed()

    def figures_changed(self) -> None:
        from audit_tui.screens.dashboard import FiguresChanged

        if self.is_screen_installed(DASHBOARD):
            dashboard = self.get_screen(DASHBOARD)
            if dashboard in self.screen_stack:
                dashboard.post_message(FiguresChanged())

    async def on_unmount(self) -> None:
        if self.writer is not None:
            # Queued answers are committed before the process ends.
            await asyncio.to_thread(self.writer.stop)

    # -- actions ----------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's toast, unless the very same one is on screen already: a key pressed again
        at the end of the questions stacks no second copy over the question (at 80x24, four
        such toasts hid half of it)."""
        shown = getattr(self, "_notifications", ())
        if any(n.message == message and n.title == title for n in shown):
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help(self) -> None:
        from audit_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.theme_digits()))

    def theme_digits(self) -> list[int]:
        """The digits that choose a theme: those the open bank numbers its themes with (2.1:
        2); none before a file is open."""
        if self.opened is None:
            return []
        return sorted({int(t.mark.split(".")[0]) for t in self.opened.bank.themes})

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
        if self.remember:
            self.run_worker(partial(settings.save, theme=self.theme), thread=True)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every binding of the screen and the app is a command in the palette too."""
        from audit_tui.palette import binding_commands

        yield from super().get_system_commands(screen)
        yield from binding_commands(screen, self, self.theme_digits())


def _load_the_interview() -> None:
    """Import the interview screen and what it draws with (pydantic's models of the bank, the
    scores), off the interface thread; Enter pressed meanwhile waits for the import. Should
    it fail (two threads importing alike can meet in a circle), Enter imports it itself."""
    with contextlib.suppress(Exception):
        importlib.import_module("audit_tui.screens.interview")


def _named(path: str, kind: str, area: str, bank: str) -> str:
    """The subtitle: which file is open and what it is, its area, then its bank (the part a
    narrow header cuts short)."""
    return f"{file_label(path, kind)} · {area} · {bank}"


if TYPE_CHECKING:
    # Screens reach the writer through HoldsWriter (writer.writer_of): the app must be one.
    _holds_writer: type[HoldsWriter] = AuditApp


def make_app(
    db_path: Path | str | None,
    *,
    inspector: str | None = None,
    theme: str | None = None,
    remember: bool = True,
    passphrase: str | None = None,
    start_with: StartWith = "cases",
    open_store: StoreOpener = open_inspection,
    reopened: bool = False,
) -> AuditApp:
    """Build the app for a file (or the start screen when db_path is None): the one factory
    of `audit-tui`, `open`, `demo` and `moderate`, and of the tests.

    `passphrase` opens an encrypted db_path without asking; otherwise the app asks for it.
    `start_with="moderation"` shows the moderation screen over the case list once the file
    is open, rather than resuming an interview. `open_store` is how the writer opens the
    file (a test holds it back or makes it fail). `reopened`: db_path is the last file used,
    opened without being named (plain `audit-tui`), so the app says which file it opened.
    """
    return AuditApp(
        Path(db_path) if db_path is not None else None,
        inspector=inspector,
        theme=theme,
        remember=remember,
        passphrase=passphrase,
        start_with=start_with,
        open_store=open_store,
        reopened=reopened,
    )
