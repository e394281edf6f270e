"""The library's list: one line per article, drawn line by line (Textual's Line API).

A DataTable of 10,000 rows took 1.2 s to paint and re-measures every cell;
this view draws only the lines on screen, so the list shows at once and a
key costs one small repaint whatever the folder's size. Columns fit the
width: the title takes what the fixed columns (progress, state, last
opened) leave, cut with an ellipsis; date and outlet appear when there is
room (100 columns and more).

Every cell that comes from a file or the database goes through
:func:`tui.text.safe.printable` (done by the screen when it builds a
:class:`Line`). Lines are made when first drawn (:class:`Lines`): sorting
10,000 rows does not format 10,000 lines before the screen shows twenty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

BAR_WIDTH = 5


@dataclass
class Line:
    """One row as shown: every text already printable()."""

    key: str  # the file's path: identifies the row across sorts and filters
    title: str
    date: str
    outlet: str
    tagged: int
    total: int | None
    state: str
    opened: str
    done: bool
    bad: bool = False
    unsettled: str = ""  # "fuzzy/orphaned" tags, when there are any


class Lines(Sequence):
    """The table's lines: each made by ``make(index)`` when first asked for, and kept.

    ``keys`` are the rows' keys (their paths), known up front so the cursor
    can find its row without making every line.
    """

    def __init__(self, keys: list[str], make: Callable[[int], Line]) -> None:
        self.keys = keys
        self._make = make
        self._made: dict[int, Line] = {}

    @classmethod
    def of(cls, lines: list[Line]) -> Lines:
        """Lines already made."""
        return cls([line.key for line in lines], lines.__getitem__)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.keys)
        if not 0 <= index < len(self.keys):
            raise IndexError("line index out of range")
        line = self._made.get(index)
        if line is None:
            line = self._made[index] = self._make(index)
        return line

    def index_of(self, key: str) -> int | None:
        """The index of the row keyed ``key``, or None (a scan at C speed: a
        redraw asks once, so no index is worth building)."""
        try:
            return self.keys.index(key)
        except ValueError:
            return None


def progress_cell(tagged: int, total: int | None) -> str:
    """``tagged/total`` and a bar of block characters, e.g. ``3/12 █▎   ``."""
    if not total:
        return f"{tagged}/{'?' if total is None else 0}".rjust(9) + " " + " " * BAR_WIDTH
    eighths = round(min(1.0, tagged / total) * BAR_WIDTH * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return f"{tagged}/{total}".rjust(9) + " " + bar.ljust(BAR_WIDTH)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis, padded to ``width``.

    Cells, not characters: a Japanese or Chinese title (two cells a
    character) or an emoji cut by ``len`` pushed every later column right
    and the row's end off the screen.
    """
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class LibraryTable(ScrollView, can_focus=True):
    """A cursor over a list of :class:`Line`; a click on the selected row posts
    :class:`LibraryTable.Chosen` (Enter is the screen's binding)."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="library.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="library.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="library.page.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="library.page.down"),
        Binding("home,g", "jump(0)", "First", show=False, id="library.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="library.last"),
    ]
    COMPONENT_CLASSES = {"library-table--header", "library-table--cursor",
                         "library-table--done", "library-table--bad"}
    DEFAULT_CSS = """
    LibraryTable { height: 1fr; overflow-x: hidden; }
    LibraryTable > .library-table--header { text-style: bold; background: $panel; }
    LibraryTable > .library-table--cursor { background: $block-cursor-background;
                                            color: $block-cursor-foreground; }
    LibraryTable > .library-table--done { color: $text-muted; }
    LibraryTable > .library-table--bad { color: $error; }
    """

    class Chosen(Message):
        """Enter or a click on a row."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Moved(Message):
        """The cursor moved to another row."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: Lines = Lines([], lambda _index: None)  # type: ignore[arg-type,return-value]
        self.cursor_row = 0
        self.sort_label = ""  # e.g. "Title ▲": shown in the header

    # -- data ----------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows are listed."""
        return len(self.lines)

    def set_lines(self, lines: Lines | list[Line], keep: str | None = None) -> None:
        """Show ``lines``; the cursor goes to the row keyed ``keep`` if listed."""
        if not isinstance(lines, Lines):
            lines = Lines.of(lines)
        self.lines = lines
        if keep is not None:
            index = lines.index_of(keep)
            if index is not None:
                self.cursor_row = index
        self.cursor_row = max(0, min(self.cursor_row, len(lines) - 1))
        self.virtual_size = Size(self.size.width, len(lines) + 1)
        self._scroll_to_cursor()
        self.refresh()

    @property
    def cursor_key(self) -> str | None:
        """The key (path) of the row under the cursor, or None."""
        if not self.lines:
            return None
        return self.lines.keys[self.cursor_row]

    def get_row_at(self, index: int) -> tuple[str, ...]:
        """The row's cells as text (for tests and the command line)."""
        line = self.lines[index]
        total = "?" if line.total is None else line.total
        return (line.title, line.date, line.outlet, f"{line.tagged}/{total}", line.unsettled,
                line.state, line.opened, "done" if line.done else "")

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row``."""
        if not self.lines:
            return
        self.cursor_row = max(0, min(row, len(self.lines) - 1))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Moved(self.cursor_row))

    # -- keys ----------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """One row up or down."""
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        """One screen up or down."""
        self.move_cursor(self.cursor_row + step * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        """First or last row."""
        self.move_cursor(row if row >= 0 else len(self.lines) - 1)

    def on_click(self, event) -> None:
        """A click selects a row; a second click on it opens it."""
        row = event.y + int(self.scroll_y) - 1
        if 0 <= row < len(self.lines):
            if row == self.cursor_row:
                self.post_message(self.Chosen(row))
            self.move_cursor(row)

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        """Keep the virtual size's width in step with the widget's."""
        self.virtual_size = Size(self.size.width, len(self.lines) + 1)

    # -- drawing -------------------------------------------------------------

    def columns(self, width: int) -> list[tuple[str, int]]:
        """Column names and widths for ``width`` cells (title takes the rest)."""
        fixed = [("✓", 1), ("Progress", 9 + 1 + BAR_WIDTH), ("State", 10), ("Last opened", 11)]
        if width >= 100:
            fixed[1:1] = [("Date", 17), ("Outlet", 16)]
        used = sum(w for _n, w in fixed) + len(fixed)  # one space after each column
        title = max(8, width - used)
        return [fixed[0], ("Title", title), *fixed[1:]]

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the rows scrolled into view."""
        width = self.size.width
        columns = self.columns(width)
        if y == 0:
            names = [(self.sort_label if name == self.sort_label.split(" ")[0] else name)
                     for name, _w in columns]
            text = " ".join(fit(name, w) for name, (_n, w) in zip(names, columns))
            style = self.get_component_rich_style("library-table--header")
            return Strip([Segment(fit(text, width), style)], width)
        index = y - 1 + int(self.scroll_y)
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[index]
        cells = {"✓": "✓" if line.done else " ", "Title": line.title, "Date": line.date,
                 "Outlet": line.outlet, "Progress": progress_cell(line.tagged, line.total),
                 "State": f"{line.state} {line.unsettled}".strip(), "Last opened": line.opened}
        text = " ".join(fit(cells[name], w) for name, w in columns)
        style = self.rich_style
        if line.bad:
            style += self.get_component_rich_style("library-table--bad")
        elif line.done:
            style += self.get_component_rich_style("library-table--done")
        if index == self.cursor_row:
            style += self.get_component_rich_style("library-table--cursor")
            if not self.has_focus:
                style += Style(dim=True)
        return Strip([Segment(fit(text, width), style)], width)
