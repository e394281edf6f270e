"""The Textual application: a library of articles and the reader.

The first paint does not wait for the database: the reader shows the text
at once while the store thread (:mod:`tui.ui.store_calls`) loads
sqlite-utils, opens and migrates the database, registers the article and
splits the sentences around the saved position; then tags, the cursor and
the keys that write come alive. Keys typed meanwhile are kept (see
:mod:`tui.ui.screens.reader`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..text import Article, SplitCancelled
from . import keymap as keys
from . import settings
from .store_calls import StoreCalls, one_line

if TYPE_CHECKING:  # imported when a reader opens: the library's first paint does not wait for it
    from .screens.reader import ReaderScreen

# Paragraphs split before the reader comes alive (the rest split on demand).
PRESPLIT_PARAGRAPHS = 80
# On quit, how long queued writes (a tag waiting for another program's lock)
# may take to finish: SQLite's busy timeout (15 s) and a margin; the user is
# told and may quit at once. Then the store thread gets QUIT_WAIT_S to save
# the reading position.
WRITE_WAIT_S = 17.0
QUIT_WAIT_S = 2.0


def open_store(path: Path):
    """Open the annotation store at ``path`` (the default opener)."""
    from ..store import AnnotationStore

    return AnnotationStore(path)


class AnnotateApp(App):
    """Read articles and tag their sentences as claim, quote or background."""

    CSS_PATH = "app.tcss"
    TITLE = "tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        # Textual's own palette binding, with an id so that a keymap can move it.
        Binding(App.COMMAND_PALETTE_BINDING, "command_palette", "palette", show=False,
                priority=True, tooltip="Open the command palette", id="app.command_palette"),
    ]
    # The reader's screen (ReaderScreen when None); `tui read --adjudicate`
    # sets AdjudicateScreen (issue 13).
    reader_class: type[ReaderScreen] | None = None

    def __init__(self, store=None, *, db_path: Path | None = None, article: Article | None = None,
                 folder: Path | None = None, exports: Path | None = None,
                 opener: Callable[[Path], object] = open_store) -> None:
        """Pass an open ``store`` (tests), or a ``db_path`` that ``opener`` opens
        on the store thread."""
        super().__init__()
        self._store = store
        self._db_path = db_path
        self._opener = opener
        self._store_lock = threading.Lock()
        self._article = article
        self._folder = folder
        self.exports = exports or Path("exports")
        # A folder with a single article goes straight into the reader.
        self.open_single = folder is not None
        # Every store call of the UI goes through this one thread.
        self.store_calls = StoreCalls(self)
        self._quitting = False
        # The settings file (theme, keymap): read before the first frame.
        self.settings_file = settings.load()
        self.keymap: dict[str, str] = {}  # the user's keymap as applied (checked, normalized)
        self._saved_theme: str | None = None  # the theme the settings file holds
        self._settings_applied = False  # theme changes before that are not the user's

    @property
    def store(self):
        """The store if it is open yet, else None."""
        return self._store

    def get_store(self):
        """The annotation store, opened on first use (call off the UI thread)."""
        with self._store_lock:
            if self._store is None:
                self._store = self._opener(self._db_path)
            return self._store

    def on_mount(self) -> None:
        """Apply the settings, then show the library for a folder, the reader for a file."""
        self._apply_settings()
        self.store_calls.start()
        if self._folder is not None:
            # Imported here: its DataTable would slow the reader's first paint.
            from .screens.library import LibraryScreen

            self.push_screen(LibraryScreen(self._folder))
        elif self._article is not None:
            self.open_reader(self._article)

    def _apply_settings(self) -> None:
        """The theme and keymap of the settings file; what was wrong with it, in one line each."""
        loaded = self.settings_file
        if loaded.problem:
            self._warn(loaded.problem)
        wanted = loaded.settings.theme
        self._saved_theme = wanted  # first: setting the theme below is not a change to save
        if wanted is not None:
            if wanted in self.available_themes:
                self.theme = wanted
            else:
                self._warn(f"Theme {wanted!r} (in {loaded.path}) is not installed; "
                           f"using {self.theme}")
        # Applied before the first key (an id no binding has matches nothing);
        # checked after the first frame: the check imports every screen.
        self.keymap = keys.normalize(loaded.settings.keymap)
        self.set_keymap(self.keymap)
        if self.keymap.get("app.command_palette"):
            # The Footer shows the palette's key by this name.
            self.COMMAND_PALETTE_BINDING = self.keymap["app.command_palette"].split(",")[0]
        if self.keymap:
            self.call_after_refresh(self._check_keymap)
        self._settings_applied = True

    def _check_keymap(self) -> None:
        usable, problems = keys.check(self.keymap)
        self.keymap = usable
        if problems:
            self._warn(settings.summarise(problems))

    def _warn(self, text: str) -> None:
        # Settings text is the user's file: data, never markup or raw controls.
        self.notify(one_line(text), severity="warning", markup=False, timeout=10)

    def search_themes(self) -> None:
        """Textual's theme list, where choosing the theme shown also counts (theme_choice.py)."""
        from textual.command import CommandPalette

        from .theme_choice import ChosenThemeProvider

        self.push_screen(CommandPalette(providers=[ChosenThemeProvider],
                                        placeholder="Search for themes…"))

    def theme_chosen(self, theme: str) -> None:
        """The user chose ``theme`` in the theme list (maybe the one shown)."""
        self.watch_theme(theme)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme the user chose (ctrl+p, theme) in the settings file."""
        if not self._settings_applied or self._saved_theme == theme:
            return  # starting up, or the file holds it already
        try:
            settings.save_theme(self.settings_file, theme)
        except settings.SettingsError as exc:
            self._warn(f"Theme not remembered: {exc}")
            return
        self._saved_theme = theme

    async def action_quit(self) -> None:
        """Quit; a change still waiting for the database is saved first (ctrl+q
        again quits without waiting)."""
        if self._quitting:
            self.exit()
            return
        self._quitting = True
        self.run_worker(self._quit_when_saved(), name="quit", exclusive=True)

    async def _quit_when_saved(self) -> None:
        # ctrl+q is a priority key, acted on as it arrives: a key typed just
        # before it (`c`) may still be on its way down to the reader. Let the
        # focused chain's queues drain so that key acts (and queues its save).
        for _ in range(200):
            await asyncio.sleep(0)
            chain = (list(self.focused.ancestors_with_self) if self.focused is not None
                     else [self.screen])
            if all(node._message_queue.empty() for node in chain):
                break
        if self.store_calls.writes_pending:
            bound = keys.app_keys(self, "app.quit")  # the user's keymap may have moved it
            again = (f" ({keys.display_key(bound[0])} again quits without waiting)"
                     if bound else "")
            self.notify(f"Saving before quitting…{again}", markup=False)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WRITE_WAIT_S
        while self.store_calls.writes_pending and loop.time() < deadline:
            await asyncio.sleep(0.02)
        self.exit()

    async def on_unmount(self) -> None:
        """Let the store thread finish the position save (briefly), then stop it."""
        await asyncio.to_thread(self.store_calls.stop, QUIT_WAIT_S)

    def open_reader(self, article: Article) -> None:
        """Show the reader on ``article`` now; attach the store when it is open."""
        from .screens.reader import ReaderScreen

        screen = (self.reader_class or ReaderScreen)(article, self.exports)
        self.push_screen(screen)
        # After the first frame: the store thread's imports would hold the GIL
        # while the text is being painted.
        self.call_after_refresh(self._open_for, screen)

    def _open_for(self, screen: ReaderScreen) -> None:
        # The article is not a worker argument: nothing repr()s it (50 MB).
        self.store_calls.call(self._prepare, screen.article, needs_store=False,
                              done=partial(self._attach, screen),
                              failed=screen.database_failed, quiet=True)

    def _prepare(self, article: Article):
        """On the store thread: open the store and the article, split around the position."""
        store = self.get_store()
        doc = store.open_article(article)
        paragraph = doc.position[0]
        stop = self.store_calls.stopping.is_set  # set when the app quits
        try:
            for item in article.paragraphs[max(0, paragraph - 10):paragraph + PRESPLIT_PARAGRAPHS]:
                item.spans(should_stop=stop)  # now, off the UI thread (cancellable)
                item.sentences  # noqa: B018  (from the spans just split)
        except SplitCancelled:
            return None  # the app is quitting: do not make it wait for the split
        return store, doc, store.annotations(doc), store.data_version()

    def _attach(self, screen: ReaderScreen, prepared) -> None:
        if prepared is not None:  # None: given up because the app is quitting
            screen.attach(*prepared)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every reader action in the command palette, beside the system ones."""
        from .screens.reader import ReaderScreen

        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            # The keys as bound now (the user's keymap applied).
            for bound, binding in keys.rows(type(screen).BINDINGS, self.keymap):
                key = keys.display_key(bound[0]) if bound else "none"
                yield SystemCommand(binding.description, f"Key: {key}",
                                    partial(screen.run_action, binding.action))

