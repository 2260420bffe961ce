"""The one thread that owns the inspection file: every store call runs there, in order.

A sqlite3 connection belongs to the thread that opened it, and an answer must be on disk before
the screen says "saved", so the interface never touches the store itself. It submits calls here;
each call's result (or refusal) comes back to the widget that asked as a Textual message.
Replies travel by `post_message`, which is thread-safe and, unlike `call_from_thread`, does not
hold the writer until the interface has run: the next write starts while the screen updates.
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from db.errors import StoreError

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

    from db.file.store import InspectionStore

log = logging.getLogger(__name__)

# The longest a call held back `after` an event waits for it (the case list's first frame).
AFTER_TIMEOUT = 2.0

StoreCall = Callable[["InspectionStore"], Any]
Reply = Callable[[Any], "Message | None"]


@dataclass(frozen=True)
class _Submitted:
    call: StoreCall
    reply_to: MessagePump | None
    done: Reply | None
    failed: Callable[[str], Message | None] | None
    needs_store: bool = True
    after: threading.Event | None = None


class StoreWriter:
    """A daemon thread that opens the store on its first call and runs submitted calls in order."""

    def __init__(self, open_store: Callable[[], InspectionStore]) -> None:
        self._open_store = open_store
        self._store: InspectionStore | None = None
        self._queue: queue.SimpleQueue[_Submitted | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def submit(
        self,
        call: StoreCall,
        *,
        reply_to: MessagePump | None = None,
        done: Reply | None = None,
        failed: Callable[[str], Message | None] | None = None,
        needs_store: bool = True,
        after: threading.Event | None = None,
    ) -> None:
        """Queue `call(store)`; `done(result)` or `failed(sentence)` is posted to `reply_to`.

        `needs_store=False`: the call runs without opening the store and gets None (reading
        the case list before the store opens). `after`: the call, and every one queued behind
        it, waits until the event is set (at most AFTER_TIMEOUT), so that opening the store
        does not compete with the case list's first frame.
        """
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._queue.put(_Submitted(call, reply_to, done, failed, needs_store, after))

    @property
    def pending(self) -> int:
        """Calls submitted and not yet finished (for tests and the quit prompt)."""
        return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted call has finished (never from the interface thread)."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Finish every queued call, close the store and end the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                break
            try:
                self._handle(item)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()
        if self._store is not None:
            self._store.close()
            self._store = None

    def _handle(self, item: _Submitted) -> None:
        try:
            if item.after is not None:
                item.after.wait(AFTER_TIMEOUT)
            if item.needs_store and self._store is None:
                self._store = self._open_store()
            result = item.call(self._store if item.needs_store else None)
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

    @staticmethod
    def _reply(item: _Submitted, make: Callable[[Any], Message | None] | None, value: Any) -> None:
        if make is None or item.reply_to is None:
            return
        message = make(value)
        if message is not None:
            item.reply_to.post_message(message)
