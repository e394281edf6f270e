"""The Textual application: a library of articles and the reader."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..store import AnnotationStore, StoreError
from ..text import Article
from .screens.library import LibraryScreen
from .screens.reader import ReaderScreen


class AnnotateApp(App):
    """Read articles and tag their sentences as claim, quote or background."""

    CSS_PATH = "app.tcss"
    TITLE = "tui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, store: AnnotationStore, *, article: Article | None = None,
                 folder: Path | None = None, exports: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self._article = article
        self._folder = folder
        self.exports = exports or Path("exports")
        # A folder with a single article goes straight into the reader.
        self.open_single = folder is not None

    def on_mount(self) -> None:
        """Show the library for a folder, the reader for a file."""
        if self._folder is not None:
            self.push_screen(LibraryScreen(self.store, self._folder))
        elif self._article is not None:
            self.open_reader(self._article)

    def open_reader(self, article: Article) -> None:
        """Register ``article`` in the store and push the reader on it."""
        try:
            doc = self.store.open_article(article)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.push_screen(ReaderScreen(self.store, doc, self.exports))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every reader action in the command palette, beside the system ones."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            for binding in ReaderScreen.BINDINGS:
                key = binding.key.split(",")[0]
                yield SystemCommand(binding.description, f"Key: {key}",
                                    partial(screen.run_action, binding.action))
