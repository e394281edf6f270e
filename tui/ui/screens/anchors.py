"""The anchors list: this article's fuzzy and orphaned tags, and what to do with them.

Opened from the reader (``o``). Each row shows the state, the label, where the
tag was (paragraph.sentence before the edit), the text it was made on, and
its note. ``a`` accepts a fuzzy placement (the tag becomes exact), ``r``
re-attaches an orphan to the sentence under the reader's cursor, ``d``
deletes the tag (``u`` in the reader undoes it), Escape goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...text.safe import printable
from ..footer_order import HelpAndQuitFirst
from ..keymap import key_of

MAX_TEXT = 70


def _short(text: str) -> str:
    text = printable(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


# The table's cursor keys: pressed before the list arrives, they wait for it
# (on an empty table they moved nothing, and d then deleted the first row).
_TABLE_MOVES = ("cursor_up", "cursor_down", "page_up", "page_down", "scroll_top",
                "scroll_bottom", "scroll_home", "scroll_end")


class _AnchorsTable(DataTable):
    """The list; a cursor key waits while the screen reads the list again."""


def _waiting_move(name: str):
    def action(self: _AnchorsTable) -> None:
        if not self.screen._kept(f"table.{name}"):
            getattr(DataTable, f"action_{name}")(self)
    action.__doc__ = f"DataTable's {name}, after the list being read."
    return action


for _name in _TABLE_MOVES:
    setattr(_AnchorsTable, f"action_{_name}", _waiting_move(_name))


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
        self._busy = False  # a store call is on its way (keys wait for its list)
        self._typed: list[str] = []  # keys pressed meanwhile, in order

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[b]Fuzzy and orphaned tags[/b]  [dim]$title[/dim]",
                                         title=printable(self.reader.article.title)),
                     id="anchors-header")
        table: DataTable = _AnchorsTable(id="anchors", cursor_type="row", zebra_stripes=True)
        table.add_columns("State", "Label", "Was", "Now", "Text as tagged", "Note")
        yield table
        yield Static(id="anchors-status")
        yield Footer()

    def on_mount(self) -> None:
        """List the tags."""
        self.query_one(DataTable).focus()
        self._load()

    # Every store call goes through the app's store thread: done here on the
    # UI thread, a call waiting for another program's lock (up to the 15 s
    # busy timeout) froze the whole screen. Keys pressed while a call is on
    # its way wait for the list it reads back, and act in the order typed.

    def _load(self) -> None:
        self._busy = self.app.store_calls.call(
            lambda store, doc: store.unsettled(doc), self.reader.doc, done=self._loaded,
            failed=lambda _: self._loaded([]), what="Cannot read the tags")

    def _loaded(self, items) -> None:
        if not self.is_attached:
            return
        self.items = items
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
        self._busy = False
        while self._typed and not self._busy:
            action = self._typed.pop(0)
            target = table if action.startswith("table.") else self
            getattr(target, f"action_{action.removeprefix('table.')}")()

    def _kept(self, action: str) -> bool:
        """True if a call is on its way: the key waits for the list it reads back."""
        if self._busy:
            self._typed.append(action)
        return self._busy

    def _write(self, job, done) -> None:
        """Run ``job(store, doc)`` on the store thread, then ``done(result)`` and read the list."""
        def finished(result) -> None:
            if self.reader._alive():
                done(result)
            if self.is_attached:
                self._load()

        def failed(_error) -> None:
            if self.is_attached:
                self._load()

        self._busy = self.app.store_calls.call(job, self.reader.doc, write=True,
                                               what="Not saved", done=finished, failed=failed)

    def _selected(self):
        table = self.query_one(DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            self.notify("No tag selected.", markup=False)
            return None
        return self.items[table.cursor_row]

    def action_accept(self) -> None:
        """Accept the selected fuzzy placement."""
        if self._kept("accept"):
            return
        item = self._selected()
        if item is None:
            return
        if item.anchor != "fuzzy":
            self.notify("Only a fuzzy tag can be accepted; re-attach an orphan with "
                        f"{key_of(self.app, 'anchors.reattach')}.",
                        markup=False)
            return

        def accepted(done: bool) -> None:
            self.notify("Placement accepted." if done
                        else "That tag is no longer fuzzy (changed elsewhere).", markup=False)

        self._write(lambda store, doc: store.accept_anchor(doc, item.id), accepted)

    def action_reattach(self) -> None:
        """Put the selected orphan on the sentence under the reader's cursor."""
        if self._kept("reattach"):
            return
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
        paragraph = view.paragraph

        def reattached(problem: str | None) -> None:
            if problem:
                self.notify(f"Not re-attached: {problem}.", severity="warning", markup=False)
                return
            view.set_label(sentence.start, sentence.end, item.label)
            view.set_note(sentence.start, sentence.end, bool(item.note))
            self.notify(f"Re-attached to ¶ {paragraph}.{sentence.index}.", markup=False)

        self._write(lambda store, doc: store.reattach(doc, item.id, paragraph, sentence),
                    reattached)

    def action_delete(self) -> None:
        """Delete the selected tag (undo in the reader brings it back)."""
        if self._kept("delete"):
            return
        item = self._selected()
        if item is None:
            return

        def deleted(done: bool) -> None:
            if not done:
                self.notify("That tag is gone already (changed elsewhere).", markup=False)
                return
            if item.paragraph is not None:
                self.reader.view.set_label(item.start, item.end, None)
                self.reader.view.set_note(item.start, item.end, False)
            self.notify(f"Tag deleted; {key_of(self.app, 'reader.undo')} in the reader undoes "
                        "it.", markup=False)

        self._write(lambda store, doc: store.delete_unsettled(doc, item.id), deleted)

    def action_close(self) -> None:
        """Back to the reader (after the keys pressed before it)."""
        if self._typed and self._kept("close"):
            return
        self.dismiss()
