"""The library: the articles of a folder, with their tagging progress."""

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

from ...text import Article, ArticleError, load_article
from ...text.safe import printable


@dataclass
class _Entry:
    path: Path
    article: Article | None
    error: str = ""


def find_articles(folder: Path) -> list[Path]:
    """The ``.txt`` files below ``folder``, sorted by path."""
    return sorted(p for p in folder.rglob("*.txt") if p.is_file())


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
        table.add_columns("Title", "Date", "Source", "Tagged", "Last opened")
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
                                      done=lambda _: self._fill())

    @work(thread=True, exclusive=True)
    def _scan(self) -> None:
        self.store = self.app.get_store()
        paths = find_articles(self.folder)
        entries = []
        for number, path in enumerate(paths, start=1):
            try:
                article = load_article(path)
                article.sentence_count()  # split now, off the UI thread
                entries.append(_Entry(path, article))
            except ArticleError as exc:
                entries.append(_Entry(path, None, str(exc)))
            if number % 10 == 0:
                self.app.call_from_thread(self._progress, number, len(paths))
        self.app.call_from_thread(self._loaded, entries)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#library-status", Static).update(Content(f"Reading articles… {done}/{total}"))

    def _loaded(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self._fill()
        if self.app.open_single and len(entries) == 1 and entries[0].article is not None:
            self.app.open_single = False
            self.open_entry(entries[0])

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        summaries = self.store.article_summaries()
        for entry in self.entries:
            article = entry.article
            if article is None:
                table.add_row(Text(printable(entry.path.name)), Text(""), Text(""), Text(""),
                              Text(printable(entry.error), style="red"))
                continue
            summary = summaries.get(article.content_hash, {})
            total = article.sentence_count()
            tagged = summary.get("tagged", 0)
            opened = (summary.get("last_opened") or "never")[:16].replace("T", " ")
            # Text cells: titles are data, never markup.
            table.add_row(Text(printable(article.title)), Text(printable(article.date)),
                          Text(printable(article.source)),
                          Text(f"{tagged}/{total}", justify="right"), Text(opened))
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
