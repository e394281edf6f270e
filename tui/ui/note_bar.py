"""The note bar: the note on the cursor's sentence, one line above the status line.

Shown while this article has at least one note (so the article's height
does not change as the cursor moves between sentences with and without a
note), hidden otherwise. The note is data: made printable (a newline shows
as ``␊``) and drawn as plain text, cut to the width with ``…`` when it is
longer than the line (``a`` opens it whole).
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.widgets import Static

from ..text.safe import printable

PREFIX = "✎ "


def note_line(note: str, width: int) -> str:
    """The bar's text for ``note`` in ``width`` cells ('' note: says there is none)."""
    if not note.strip():
        text = "no note on this sentence"  # no key named: the keymap may move it, and an untagged sentence takes none
    else:
        text = PREFIX + printable(note)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


class NoteBar(Static):
    """One line: the cursor sentence's note (see the module docstring)."""


    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.note = ""
        self.display = False

    def show(self, note: str, visible: bool) -> None:
        """Show ``note`` (the bar is displayed only if ``visible``)."""
        self.note = note
        self.display = visible
        self.set_class(not note.strip(), "-empty")
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or (self.app.size.width - 2)
        self.update(Content(note_line(self.note, width)), layout=False)
