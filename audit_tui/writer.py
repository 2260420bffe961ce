"""The one thread that owns the inspection file: every store call runs there, in order.

A sqlite3 connection belongs to the thread that opened it, and an answer must be on disk before
the screen says "saved", so the interface never touches the store itself. It submits calls here;
each call's result (or refusal) comes back to the widget that asked as a Textual message.
Replies travel by `post_message`, which is thread-safe and, unlike `call_from_thread`, does not
hold the writer until the interface has run: the next write starts while the screen updates.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import sqlite3
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from db.errors import StoreError

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

    from db.file.store import InspectionStore

log = logging.getLogger(__name__)

# The longest a call held back `after` an event waits for it (the case list's first frame).
AFTER_TIMEOUT = 2.0

# Seconds the writer rests, with nothing to do, before it checkpoints the file.
CHECKPOINT_REST = 0.25

StoreCall = Callable[["InspectionStore"], Any]
Reply = Callable[[Any], "Message | None"]
Refusal = Callable[[str], "Message | None"]


@dataclass(frozen=True)
class _Submitted:
    call: StoreCall | None  # run with the store, which the first such call opens
    reply_to: MessagePump | None
    done: Reply | None
    failed: Refusal | None
    # The submitter's context (Textual's active app): a screen built but not yet shown finds
    # its app through it, so that a reply quicker than the screen waits in its queue.
    context: contextvars.Context
    after: threading.Event | None = None
    without_store: Callable[[], Any] | None = None  # or run before the store is open


class HoldsWriter(Protocol):
    """The app as screens and dialogs see it: it holds the writer of the open file.

    AuditApp is one (app.py checks it). Screens sit below the app in pyproject's import
    contract and may not import it, not even for its type, so they name this instead.
    """

    writer: StoreWriter | None


def writer_of(node: MessagePump) -> StoreWriter:
    """The writer of the file open in the app that `node` (a screen, a dialog) belongs to."""
    writer = cast(HoldsWriter, node.app).writer
    assert writer is not None, "no inspection file is open"
    return writer


class StoreWriter:
    """A daemon thread that opens the store on its first call and runs submitted calls in order."""

    def __init__(self, open_store: Callable[[], InspectionStore]) -> None:
        self._open_store = open_store
        self._store: InspectionStore | None = None
        self._queue: queue.SimpleQueue[_Submitted | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._idle = threading.Event()
        self._idle.set()
        # Set when the writer is idle with every commit checkpointed into the main file.
        self._copied = threading.Event()
        self._uncopied = False  # commits (may) wait in the write-ahead log
        self._pending = 0
        self._lock = threading.Lock()
        self._beside: list[threading.Thread] = []

    def start(self) -> None:
        self._thread.start()

    def submit(
        self,
        call: StoreCall,
        *,
        reply_to: MessagePump | None = None,
        done: Reply | None = None,
        failed: Refusal | None = None,
        after: threading.Event | None = None,
    ) -> None:
        """Queue `call(store)`; `done(result)` or `failed(sentence)` is posted to `reply_to`.

        `after`: the call, and every one queued behind it, waits until the event is set (at
        most AFTER_TIMEOUT), so that opening the store does not compete with the case list's
        first frame.
        """
        self._put(_Submitted(call, reply_to, done, failed, contextvars.copy_context(), after))

    def submit_without_store(
        self,
        call: Callable[[], Any],
        *,
        reply_to: MessagePump | None = None,
        done: Reply | None = None,
        failed: Refusal | None = None,
        beside: bool = False,
    ) -> None:
        """Queue `call()`, which runs in turn without opening the store (reading the case list
        before the store opens the file); replies as `submit`.

        `beside`: run it now instead, on a thread of its own beside the queue, which goes on
        meanwhile (the file's backup, read on a connection of its own); `stop` waits for it.
        """
        context = contextvars.copy_context()
        item = _Submitted(None, reply_to, done, failed, context, without_store=call)
        if not beside:
            self._put(item)
            return
        thread = threading.Thread(
            target=self._handle, args=(item,), name="store-beside", daemon=True
        )
        self._beside.append(thread)
        thread.start()

    def _put(self, item: _Submitted) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
            self._copied.clear()
        self._queue.put(item)

    @property
    def pending(self) -> int:
        """Calls submitted and not yet finished (for tests and the quit prompt)."""
        return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted call has finished (never from the interface thread)."""
        return self._idle.wait(timeout)

    def wait_copied(self, timeout: float | None = None) -> bool:
        """Block until the writer is idle and its checkpoint done: the main file alone holds
        every commit (never from the interface thread)."""
        return self._copied.wait(timeout)

    def stop(self) -> None:
        """Finish every queued call (and every call beside), close the store and end the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        for thread in self._beside:
            thread.join()

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=CHECKPOINT_REST if self._uncopied else None)
            except queue.Empty:  # at rest, with commits not yet in the main file
                self._checkpoint()
                continue
            if item is None:
                break
            try:
                self._handle(item)
            finally:
                with self._lock:
                    self._pending -= 1
                    self._uncopied = self._store is not None
                    if self._pending == 0:
                        self._idle.set()
        if self._store is not None:
            self._store.close()
            self._store = None

    def _checkpoint(self) -> None:
        """The writer has rested CHECKPOINT_REST since its last call: copy the write-ahead log
        into the main file, so that a copy of the file alone, taken a moment after the last
        key, holds every answer. At rest, so that it never delays an answer or its redraw
        (it costs a write and a sync of the main file); at a person's pace, after each answer.
        A checkpoint that cannot finish (another connection reading, a full disk) is tried
        again at the next rest."""
        assert self._store is not None
        try:
            copied = self._store.checkpoint()
        except sqlite3.Error as exc:  # a full disk: the log still holds every commit
            log.warning("checkpoint failed: %s", exc.__class__.__name__)
            copied = False
        with self._lock:
            self._uncopied = not copied
            if copied and self._pending == 0:  # nothing queued meanwhile
                self._copied.set()

    def _handle(self, item: _Submitted) -> None:
        try:
            if item.after is not None:
                item.after.wait(AFTER_TIMEOUT)
            result = self._run_call(item)
        except StoreError as exc:
            self._reply(item, item.failed, str(exc))
        except Exception as exc:  # a bug must reach the screen, not kill the writer
            # Where it failed, never what with: an exception's message may quote a note or a
            # case field (pydantic's do), and neither may reach a log or the screen.
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error("store call failed: %s\n%s", exc.__class__.__name__, where)
            self._reply(
                item, item.failed, f"unexpected error ({exc.__class__.__name__}); please report it"
            )
        else:
            self._reply(item, item.done, result)

    def _run_call(self, item: _Submitted) -> Any:
        if item.without_store is not None:
            return item.without_store()
        assert item.call is not None
        if self._store is None:
            self._store = self._open_store()
        return item.call(self._store)

    @staticmethod
    def _reply(item: _Submitted, make: Callable[[Any], Message | None] | None, value: Any) -> None:
        if make is None or item.reply_to is None:
            return
        item.context.run(StoreWriter._post, item.reply_to, make, value)

    @staticmethod
    def _post(reply_to: MessagePump, make: Callable[[Any], Message | None], value: Any) -> None:
        message = make(value)
        if message is not None:
            reply_to.post_message(message)
