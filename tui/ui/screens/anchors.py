"""The anchors list: this article's fuzzy and orphaned tags, and what to do with them.

Opened from the reader (``o``). Each row shows the state, the label, where the
tag was (paragraph.sentence before the edit), the text it was made on, and
its note. ``a`` accepts a fuzzy placement (the tag becomes exact), ``r``
re-attaches an orphan to the sentence under the reader's cursor, ``d``
deletes the tag (``u`` in the reader undoes it), Escape goes back.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...store import StoreError
from ...text.safe import printable
from ..footer_order import HelpAndQuitFirst
from ..keymap import key_of

ERRORS = (StoreError, sqlite3.Error)
MAX_TEXT = 70


def _short(text: str) -> str:
    text = printable(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


class AnchorsScreen(HelpAndQuitFirst, Screen):
    """Fuzzy and orphaned tags of the reader's article."""

    BINDINGS = [
        Binding("a", "accept", "Accept fuzzy", id="anchors.accept"),
        Binding("r", "reattach", "Re-attach here", id="anchors.reattach"),
        Binding("d", "delete", "Delete", id="anchors.delete"),
        Binding("escape,o", "close", "Back", id="anchors.close"),
    ]

    def __init__(self, reader) -> None:
        super().__init__()
        self.reader = reader
        self.items = []

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[b]Fuzzy and orphaned tags[/b]  [dim]$title[/dim]",
                                         title=printable(self.reader.article.title)),
                     id="anchors-header")
        table: DataTable = DataTable(id="anchors", cursor_type="row", zebra_stripes=True)
        table.add_columns("State", "Label", "Was", "Now", "Text as tagged", "Note")
        yield table
        yield Static(id="anchors-status")
        yield Footer()

    def on_mount(self) -> None:
        """List the tags."""
        self.query_one(DataTable).focus()
        self._load()

    def _load(self) -> None:
        try:
            with self.app.store_calls.lock:  # the store thread is not using it
                self.items = self.reader.store.unsettled(self.reader.doc)
        except ERRORS as exc:
            self.items = []
            self.notify(printable(f"Cannot read the tags: {exc}"), severity="error", markup=False)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in self.items:
            now = f"{item.paragraph}.{item.sentence}" if item.paragraph is not None else ""
            table.add_row(Text(item.anchor, style="bold" if item.anchor == "orphan" else ""),
                          Text(printable(item.label)), Text(item.old_position or "?"), Text(now),
                          Text(_short(item.was)), Text(_short(item.note)))
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        sentence = self.reader.view.current_sentence
        where = (f"cursor in the reader: ¶ {self.reader.view.paragraph}.{sentence.index}"
                 if sentence is not None else "no sentence under the reader's cursor")
        app = self.app  # the keys named are the ones bound now (the user's keymap)
        message = (f"{len(self.items)} tag(s) to check · {key_of(app, 'anchors.accept')} accepts "
                   f"fuzzy · {key_of(app, 'anchors.reattach')} re-attaches an orphan "
                   f"to the {where} · {key_of(app, 'anchors.delete')} deletes "
                   f"({key_of(app, 'reader.undo')} undoes in the reader)" if self.items
                   else "No fuzzy or orphaned tags in this article. "
                        f"{key_of(app, 'anchors.close')} goes back.")
        self.query_one("#anchors-status", Static).update(Content(message))

    def _selected(self):
        table = self.query_one(DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            self.notify("No tag selected.", markup=False)
            return None
        return self.items[table.cursor_row]

    def action_accept(self) -> None:
        """Accept the selected fuzzy placement."""
        item = self._selected()
        if item is None:
            return
        if item.anchor != "fuzzy":
            self.notify("Only a fuzzy tag can be accepted; re-attach an orphan with "
                        f"{key_of(self.app, 'anchors.reattach')}.",
                        markup=False)
            return
        try:
            with self.app.store_calls.lock:
                self.reader.store.accept_anchor(self.reader.doc, item.id)
        except ERRORS as exc:
            self.notify(printable(f"Not saved: {exc}"), severity="error", markup=False)
            return
        self.notify("Placement accepted.", markup=False)
        self._load()

    def action_reattach(self) -> None:
        """Put the selected orphan on the sentence under the reader's cursor."""
        item = self._selected()
        if item is None:
            return
        if item.anchor != "orphan":
            self.notify("Only an orphan can be re-attached; accept a fuzzy tag with "
                        f"{key_of(self.app, 'anchors.accept')}.",
                        markup=False)
            return
        view = self.reader.view
        sentence = view.current_sentence
        if sentence is None:
            self.notify("No sentence under the reader's cursor.", markup=False)
            return
        try:
            with self.app.store_calls.lock:
                problem = self.reader.store.reattach(self.reader.doc, item.id, view.paragraph,
                                                     sentence)
        except ERRORS as exc:
            self.notify(printable(f"Not saved: {exc}"), severity="error", markup=False)
            return
        if problem:
            self.notify(f"Not re-attached: {problem}.", severity="warning", markup=False)
            return
        view.set_label(sentence.start, sentence.end, item.label)
        view.set_note(sentence.start, sentence.end, bool(item.note))
        self.notify(f"Re-attached to ¶ {view.paragraph}.{sentence.index}.", markup=False)
        self._load()

    def action_delete(self) -> None:
        """Delete the selected tag (undo in the reader brings it back)."""
        item = self._selected()
        if item is None:
            return
        try:
            with self.app.store_calls.lock:
                self.reader.store.delete_unsettled(self.reader.doc, item.id)
        except ERRORS as exc:
            self.notify(printable(f"Not saved: {exc}"), severity="error", markup=False)
            return
        if item.paragraph is not None:
            self.reader.view.set_label(item.start, item.end, None)
            self.reader.view.set_note(item.start, item.end, False)
        self.notify(f"Tag deleted; {key_of(self.app, 'reader.undo')} in the reader undoes it.",
                    markup=False)
        self._load()

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss()
