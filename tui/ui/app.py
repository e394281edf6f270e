"""The Textual application: a library of articles and the reader.

The first paint does not wait for the database: the reader shows the text
at once while a worker thread loads sqlite-utils, opens and migrates the
database, registers the article and splits the sentences around the saved
position; then tags, the cursor and the keys that write come alive.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import active_worker

from ..store import StoreError
from ..text import Article, SplitCancelled
from .screens.reader import ReaderScreen

# Paragraphs split before the reader comes alive (the rest split on demand).
PRESPLIT_PARAGRAPHS = 80


class AnnotateApp(App):
    """Read articles and tag their sentences as claim, quote or background."""

    CSS_PATH = "app.tcss"
    TITLE = "tui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, store=None, *, db_path: Path | None = None, article: Article | None = None,
                 folder: Path | None = None, exports: Path | None = None) -> None:
        """Pass an open ``store`` (tests), or a ``db_path`` to open in a worker."""
        super().__init__()
        self._store = store
        self._db_path = db_path
        self._store_lock = threading.Lock()
        self._article = article
        self._folder = folder
        self.exports = exports or Path("exports")
        # A folder with a single article goes straight into the reader.
        self.open_single = folder is not None

    @property
    def store(self):
        """The store if it is open yet, else None."""
        return self._store

    def get_store(self):
        """The annotation store, opened on first use (call from a worker)."""
        with self._store_lock:
            if self._store is None:
                from ..store import AnnotationStore

                self._store = AnnotationStore(self._db_path)
            return self._store

    def on_mount(self) -> None:
        """Show the library for a folder, the reader for a file."""
        if self._folder is not None:
            # Imported here: its DataTable would slow the reader's first paint.
            from .screens.library import LibraryScreen

            self.push_screen(LibraryScreen(self._folder))
        elif self._article is not None:
            self.open_reader(self._article)

    def open_reader(self, article: Article) -> None:
        """Show the reader on ``article`` now; attach the store when it is open."""
        screen = ReaderScreen(article, self.exports)
        self.push_screen(screen)
        if self._store is not None:
            self._attach(screen, *self._prepare(article))
        else:
            # After the first frame: the worker's imports would hold the GIL
            # while the text is being painted.
            self.call_after_refresh(self._open_in_background, screen, article)

    # description=: Textual would otherwise build it from repr() of the
    # arguments, the whole article, on the screen thread.
    @work(thread=True, exclusive=True, group="open", description="open article")
    def _open_in_background(self, screen: ReaderScreen, article: Article) -> None:
        try:
            prepared = self._prepare(article)
        except StoreError as exc:
            self.call_from_thread(self.exit, 2, f"tui: {exc}")
            return
        except SplitCancelled:
            return  # the app is quitting: do not make it wait for the split
        self.call_from_thread(self._attach, screen, *prepared)

    def _prepare(self, article: Article):
        store = self.get_store()
        doc = store.open_article(article)
        paragraph = doc.position[0]
        worker = active_worker.get(None)  # cancelled when the app quits
        stop = (lambda: worker.is_cancelled) if worker is not None else None
        for item in article.paragraphs[max(0, paragraph - 10):paragraph + PRESPLIT_PARAGRAPHS]:
            item.spans(should_stop=stop)  # now, off the UI thread
            item.sentences  # noqa: B018  (from the spans just split)
        return store, doc, store.annotations(doc)

    def _attach(self, screen: ReaderScreen, store, doc, annotations) -> None:
        screen.attach(store, doc, annotations)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every reader action in the command palette, beside the system ones."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            for binding in ReaderScreen.BINDINGS:
                key = binding.key.split(",")[0]
                yield SystemCommand(binding.description, f"Key: {key}",
                                    partial(screen.run_action, binding.action))
