"""The one way screens use the store: off the UI thread, one call at a time.

SQLite may wait up to its busy timeout (15 s) for another program's lock, and
a connection must not be used by two threads at once. So every store call the
UI makes goes through :class:`StoreCalls`: one thread takes calls from a queue
in the order they were made, and each result comes back to the UI thread as a
callback. A store failure becomes one one-line error notification (markup
off, control characters made visible), never a traceback; a bug in the UI's
own callback still reaches Textual's error handling.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from ..store import StoreError
from ..text.safe import printable

# What a store call may fail with: StoreError from the store's API; the
# others from an older store or the file system (export).
STORE_FAILURES = (StoreError, sqlite3.Error, OSError, ValueError)

_STOP = object()


# A notification longer than this is cut in the middle: a toast grows to fit
# its text, and a 10,000-character headline in "TITLE: done" covered the
# screen's right half with its "done" off the bottom.
MAX_NOTICE = 300


def one_line(text: str) -> str:
    """``text`` safe for a notification: visible control characters, one line,
    at most :data:`MAX_NOTICE` characters (its start and its end kept)."""
    text = " ".join(str(text).split("\n"))
    if len(text) > MAX_NOTICE:
        head = MAX_NOTICE * 2 // 3
        text = text[:head] + "…" + text[len(text) - (MAX_NOTICE - head - 1):]
    return printable(text)


class StoreCalls:
    """Runs store calls in order on one thread; results return to the UI thread."""

    def __init__(self, app) -> None:
        self._app = app
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._context: contextvars.Context | None = None
        # Calls made and not yet delivered back, and how many of them are
        # the user's writes (touched on the UI thread only).
        self.outstanding = 0
        self.writes_pending = 0
        # Held while a call runs: code that must use the store on the UI
        # thread (a rare review screen) takes it too, so the connection is
        # never used by two threads at once.
        self.lock = threading.Lock()
        # Set when the app quits: a long job (splitting a huge article) may
        # poll it and give up rather than hold the exit.
        self.stopping = threading.Event()

    def start(self) -> None:
        """Start the store thread (call on the UI thread, inside the app's loop)."""
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        # Callbacks run in the app's context (Textual finds the active app there).
        self._context = contextvars.copy_context()
        self._thread = threading.Thread(target=self._run, name="tui-store", daemon=True)
        self._thread.start()

    def call(self, job: Callable[..., Any], *args: Any,
             done: Callable[[Any], None] | None = None,
             failed: Callable[[Exception], None] | None = None,
             what: str = "Not saved", needs_store: bool = True, quiet: bool = False,
             write: bool = False) -> bool:
        """Run ``job(store, *args)`` on the store thread; ``done(result)`` after.

        On failure, ``failed(exc)`` runs (if given) and, unless ``quiet``, the
        user sees one line: ``what: message``. ``write`` marks a change the
        user asked for: quitting waits for it. With no store open
        (``needs_store``) nothing is queued, the user is told, and False is
        returned.
        """
        if needs_store and self._app.store is None:
            self._app.notify("The database is not open yet.", markup=False)
            return False
        if self._thread is None:
            self.start()
        self.outstanding += 1
        self.writes_pending += write
        self._queue.put((job, args, done, failed, what, needs_store, quiet, write))
        return True

    async def idle(self, timeout: float = 60.0) -> None:
        """Wait until every call made so far has been delivered (for tests and exit)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.outstanding and loop.time() < deadline:
            await asyncio.sleep(0.01)

    def stop(self, timeout: float) -> None:
        """Let queued calls finish (up to ``timeout`` seconds), then end the thread."""
        self.stopping.set()
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)

    # -- the store thread --------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            job, args, done, failed, what, needs_store, quiet, write = item
            try:
                with self.lock:
                    result = job(self._app.store, *args) if needs_store else job(*args)
            except STORE_FAILURES as exc:
                self._deliver(self._failure, exc, failed, None if quiet else what, write)
            except Exception as exc:  # a bug: let Textual show it, as a worker would
                self._deliver(self._crash, exc, write)
            else:
                self._deliver(self._success, result, done, write)

    def _deliver(self, callback: Callable[..., None], *args: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(callback, *args, context=self._context)
        except RuntimeError:  # the app's loop has closed: nobody to tell
            pass

    # -- back on the UI thread ---------------------------------------------

    def _finished(self, write: bool) -> None:
        self.outstanding -= 1
        self.writes_pending -= write

    def _success(self, result: Any, done: Callable[[Any], None] | None, write: bool) -> None:
        try:
            if done is not None:
                done(result)
        except Exception as exc:
            self._app._handle_exception(exc)
        finally:
            self._finished(write)

    def _failure(self, exc: Exception, failed: Callable[[Exception], None] | None,
                 what: str | None, write: bool) -> None:
        try:
            if what is not None:
                self._app.notify(one_line(f"{what}: {exc}"), severity="error", markup=False)
            if failed is not None:
                failed(exc)
        except Exception as error:
            self._app._handle_exception(error)
        finally:
            self._finished(write)

    def _crash(self, exc: Exception, write: bool) -> None:
        self._finished(write)
        try:
            raise exc  # Textual's error screen wants the traceback of an except block
        except Exception as error:
            self._app._handle_exception(error)
