"""The library: the articles of a folder, with their tagging progress.

Rows come from tui/store/status.py, the same code as ``tui status``: edited
files are re-anchored while the folder is scanned, so tagged counts are true
before an article is opened; articles recorded in this folder whose file is
gone are listed too (state "missing", their tags kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...store.status import StatusRow, collect, file_status, refresh
from ...store.status import find_articles as find_articles  # noqa: PLC0414  (cli imports it here)
from ...text import ArticleError, load_article
from ...text.safe import printable


TITLE_WIDTH = 44


@dataclass
class _Entry:
    path: Path
    row: StatusRow

    @property
    def openable(self) -> bool:
        """True if the entry has a readable file."""
        return self.row.state not in ("missing", "unreadable")


class LibraryScreen(Screen):
    """Lists a folder's articles; Enter opens one in the reader."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=True),
        Binding("r", "reload", "Reload"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.store = None  # opened by the scanning worker
        self.folder = folder
        self.entries: list[_Entry] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[b]Library[/b]  [dim]$folder[/dim]", folder=printable(str(self.folder))),
                     id="library-header")
        table: DataTable = DataTable(id="library", cursor_type="row", zebra_stripes=True)
        # The title is cut at a fixed width so that the file state and last
        # opened columns stay in view on an 80-120 column terminal.
        table.add_column("Title", width=TITLE_WIDTH)
        table.add_columns("Date", "Source", "Tagged", "Fuzzy/orphans", "File", "Last opened")
        yield table
        yield Static(Content("Loading articles…"), id="library-status")
        yield Footer()

    def on_mount(self) -> None:
        """Scan the folder without blocking the screen."""
        self.query_one(DataTable).focus()
        self._scan()

    def on_screen_resume(self) -> None:
        """Coming back from the reader: refresh the counts."""
        if self.entries:
            # After the reader's last writes have landed on the store thread.
            self.app.store_calls.call(lambda: None, quiet=True, needs_store=False,
                                      done=lambda _: self._refresh())

    @work(thread=True, exclusive=True, group="library-refresh")
    def _refresh(self) -> None:
        # Articles opened for the first time now have a record: look them up.
        for entry in self.entries:
            if entry.row.article_id is None and entry.row.state == "new":
                entry.row = file_status(self.store, entry.path)
        refresh(self.store, [entry.row for entry in self.entries])
        self.app.call_from_thread(self._fill)

    @work(thread=True, exclusive=True)
    def _scan(self) -> None:
        self.store = self.app.get_store()
        rows = collect(self.store, self.folder,
                       progress=lambda done, total: self.app.call_from_thread(
                           self._progress, done, total))
        entries = [_Entry(Path(row.path), row) for row in rows]
        self.app.call_from_thread(self._loaded, entries)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#library-status", Static).update(Content(f"Reading articles… {done}/{total}"))

    def _loaded(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self._fill()
        if self.app.open_single and len(entries) == 1 and entries[0].openable:
            self.app.open_single = False
            self.open_entry(entries[0])

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for entry in self.entries:
            item = entry.row
            opened = (item.last_opened or "never")[:16].replace("T", " ")
            total = "?" if item.sentences is None else str(item.sentences)
            tagged = sum(item.tagged.values())
            unsettled = f"{item.fuzzy}/{item.orphans}" if item.fuzzy or item.orphans else ""
            state = Text(printable(item.error or item.state),
                         style="red" if not entry.openable else "")
            # Text cells: titles are data, never markup.
            table.add_row(Text(printable(item.title), no_wrap=True, overflow="ellipsis"), Text(printable(item.date)),
                          Text(printable(item.outlet)),
                          Text(f"{tagged}/{total}", justify="right"),
                          Text(unsettled, justify="right"), state, Text(opened))
        if self.entries:
            table.move_cursor(row=min(row, len(self.entries) - 1))
        count = len(self.entries)
        self.query_one("#library-status", Static).update(
            Content(f"{count} article(s) · Enter opens · r reloads · ctrl+q quits")
        )

    def action_open(self) -> None:
        """Open the selected article."""
        table = self.query_one(DataTable)
        if self.entries and 0 <= table.cursor_row < len(self.entries):
            self.open_entry(self.entries[table.cursor_row])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click (or Enter) on a row opens it."""
        self.action_open()

    def open_entry(self, entry: _Entry) -> None:
        """Open one entry in the reader (re-read: the file may have changed)."""
        if entry.row.state == "missing":
            self.notify(f"{printable(entry.row.title)}: its file is gone ({printable(entry.row.path)}); "
                        "its tags are kept (tui status, tui export).", severity="warning",
                        markup=False)
            return
        try:
            article = load_article(entry.path)
        except ArticleError as exc:
            self.notify(printable(str(exc)), severity="error", markup=False)
            return
        self.app.open_reader(article)

    def action_reload(self) -> None:
        """Scan the folder again."""
        self._scan()

    def action_help(self) -> None:
        """Show the reader's keys (the library's are in the footer)."""
        from .help import HelpScreen
        from .reader import ReaderScreen

        self.app.push_screen(HelpScreen(self.BINDINGS + ReaderScreen.BINDINGS))
