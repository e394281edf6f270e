"""The tags panel: this article's tags in text order, beside the article (``t``).

One line per tag: its mark (C, Q, B), where it is (``¶3.2``), the sentence's
first words, ``✎`` if it has a note, and its anchor state (exact, moved,
fuzzy, orphan). Keys inside the panel: ↑/↓ (j/k), PageUp/PageDown, Home/End
move the highlight; Enter (or a click) puts the article's cursor on that
tag; ``1`` ``2`` ``3`` show only claims, quotes, background (the order of
:data:`tui.store.LABELS`), ``0`` all again; Escape gives the keys back to the
article (Tab too).

It draws with the Line API (``render_line``): only the lines on screen are
made, so 10,000 tags cost what 40 do. Text from the article and notes goes
through :func:`tui.text.safe.printable` and is drawn as plain segments,
never as markup.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..store import LABELS, LABELS_BY_NAME
from ..text.safe import printable
from .keymap import key_of, tag_keys
from .label_styles import UNKNOWN_MARK  # the gutter mark of a label another program wrote
from .review_nav import TagList, TagRow, row_at_or_before

NOTE_MARK = "✎"
ANCHOR_WIDTH = 6  # "orphan"


class TagsPanel(ScrollView, can_focus=True, inherit_bindings=False):
    """This article's tags, one line each, filterable by label; Enter jumps there."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Previous tag", show=False, id="tags_panel.up"),
        Binding("down,j", "move(1)", "Next tag", show=False, id="tags_panel.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="tags_panel.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="tags_panel.page_down"),
        Binding("home", "edge(0)", "First tag", show=False, id="tags_panel.first"),
        Binding("end", "edge(1)", "Last tag", show=False, id="tags_panel.last"),
        Binding("enter", "jump", "Go to tag", id="tags_panel.jump"),
        *(Binding(str(number), f"filter('{label.name}')", f"Only {label.name}", show=False,
                  id=f"tags_panel.only_{label.name}")
          for number, label in enumerate(LABELS, start=1)),
        Binding("0", "filter('')", "All labels", show=False, id="tags_panel.all"),
        Binding("escape", "leave", "Back to the article", id="tags_panel.leave"),
    ]

    # Not scoped: the narrow layout's rule starts at the screen (.-narrow).
    SCOPED_CSS = False

    COMPONENT_CLASSES = {
        "tags-panel--highlight",
        "tags-panel--meta",
        "tags-panel--mark",
    }

    DEFAULT_CSS = """
    TagsPanel {
        width: 44;
        max-width: 40%;
        height: 1fr;
        border: round $primary 60%;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    TagsPanel:focus { border: round $accent; }
    .-narrow TagsPanel {
        width: 1fr;
        max-width: 100%;
        height: 9;
    }
    TagsPanel > .tags-panel--highlight { background: $boost; }
    TagsPanel:focus > .tags-panel--highlight { text-style: reverse; }
    TagsPanel > .tags-panel--meta { color: $text-muted; }
    TagsPanel > .tags-panel--mark { text-style: bold; }
    """

    class Jump(Message):
        """Put the article's cursor on this tag (Enter or a click on its line)."""

        def __init__(self, row: TagRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, tags: TagList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags
        self.label: str | None = None  # the filter: one label's tags only, or all
        self.highlight = 0
        self._rows: list[TagRow] = []
        self._seen: tuple[int, str | None] | None = None  # (tags.version, label) shown
        self._where_width = 4
        self.failed = False  # the database could not be opened: no tags will come

    @property
    def rows(self) -> list[TagRow]:
        """The rows shown now (filtered), in text order."""
        return self._rows

    def on_mount(self) -> None:
        self.update_rows()

    # -- content ----------------------------------------------------------

    def update_rows(self) -> None:
        """Read the tags again if they changed; the highlight stays on its tag."""
        if self._seen == (self.tags.version, self.label):
            return
        kept = self._rows[self.highlight].key if 0 <= self.highlight < len(self._rows) else None
        self._seen = (self.tags.version, self.label)
        self._rows = self.tags.rows(self.label)
        self._where_width = max((len(row.where) for row in self._rows), default=4)
        if kept is not None:
            for index, row in enumerate(self._rows):
                if row.key == kept:
                    self.highlight = index
                    break
        self.highlight = min(self.highlight, max(0, len(self._rows) - 1))
        self._set_titles()
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, len(self._rows)))
        self.refresh()

    def _set_titles(self) -> None:
        # Counts and label names only: no text from the article here.
        every = len(self.tags.rows())
        if self.label is None:
            self.border_title = f"Tags {every}"
        else:
            self.border_title = f"Tags: {self.label} {len(self._rows)} of {every}"
        keys = " ".join(f"{number} {label.mark}" for number, label in enumerate(LABELS, start=1))
        self.border_subtitle = f"{keys} 0 all · ⏎ go"

    def database_failed(self) -> None:
        """The database could not be opened: say so instead of "Opening…"."""
        self.failed = True
        self.refresh()

    def follow(self, offset: int) -> None:
        """Highlight the tag at or before body ``offset`` (the article's cursor)."""
        found = row_at_or_before(self._rows, offset)
        if found is not None and found != self.highlight:
            self.highlight = found
            self._show_highlight()
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, len(self._rows)))

    # -- keys ---------------------------------------------------------------

    def _show_highlight(self) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_offset.y)
        if self.highlight < top:
            self.scroll_to(y=self.highlight, animate=False)
        elif height and self.highlight >= top + height:
            self.scroll_to(y=self.highlight - height + 1, animate=False)

    def _highlight(self, index: int) -> None:
        if not self._rows:
            return
        self.highlight = min(max(0, index), len(self._rows) - 1)
        self._show_highlight()
        self.refresh()

    def action_move(self, step: int) -> None:
        """Highlight the next (previous) tag."""
        self._highlight(self.highlight + step)

    def action_page(self, step: int) -> None:
        """Highlight a page further down (up)."""
        self._highlight(self.highlight + step * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, last: int) -> None:
        """Highlight the first (last) tag."""
        self._highlight(len(self._rows) - 1 if last else 0)

    def action_jump(self) -> None:
        """Put the article's cursor on the highlighted tag."""
        if 0 <= self.highlight < len(self._rows):
            jump = self.Jump(self._rows[self.highlight])
            # At once, not as a message: `Enter q` typed together tagged the
            # sentence the cursor was on before the jump (the message came after q).
            handler = getattr(self.screen, "on_tags_panel_jump", None)
            if handler is not None:
                handler(jump)
            else:
                self.post_message(jump)

    def action_filter(self, label: str) -> None:
        """Only ``label``'s tags ('' : all)."""
        self.label = label or None
        self.update_rows()

    def action_leave(self) -> None:
        """Give the keys back to the article (the panel stays open; t closes it)."""
        from .article_view import ArticleView

        views = list(self.screen.query(ArticleView).results())
        if views:
            views[0].focus()

    def on_click(self, event: events.Click) -> None:
        """A click on a tag's line jumps there."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_offset.y) + offset.y
        if 0 <= index < len(self._rows):
            self.highlight = index
            self.refresh()
            self.post_message(self.Jump(self._rows[index]))

    # -- drawing ------------------------------------------------------------

    def _empty_text(self) -> str:
        if not self.tags.loaded:
            return "No database: no tags to list." if self.failed else "Opening the database…"
        if self.label is not None:
            return f"No {self.label} tags here: {key_of(self.app, 'tags_panel.all')} shows all."
        return f"No tags yet: {tag_keys(self.app)} tags a sentence."

    def render_line(self, y: int) -> Strip:
        """Draw line ``y`` of the panel (only lines on screen are asked for)."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_offset.y) + y
        if not self._rows:
            if y == 0:
                meta = base + self.get_component_rich_style("tags-panel--meta")
                return Strip([Segment(_fit(self._empty_text(), width), meta)]).extend_cell_length(
                    width, base)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        style = base
        if index == self.highlight:
            style = base + self.get_component_rich_style("tags-panel--highlight")
        return Strip(self._segments(row, width, style)).extend_cell_length(width, style).crop(
            0, width)

    def _segments(self, row: TagRow, width: int, style: Style) -> list[Segment]:
        meta = style + self.get_component_rich_style("tags-panel--meta", partial=True)
        mark_style = style + self.get_component_rich_style("tags-panel--mark", partial=True)
        label = LABELS_BY_NAME.get(row.label)
        mark = label.mark if label is not None else UNKNOWN_MARK
        note = NOTE_MARK if row.note.strip() else " "
        anchor = row.anchor if row.anchor in ("exact", "moved", "fuzzy", "orphan") else "?"
        fixed = 1 + 1 + self._where_width + 1 + 1 + 1 + 1 + ANCHOR_WIDTH
        room = width - fixed
        segments = [Segment(mark, mark_style), Segment(" ", style),
                    Segment(f"{row.where:<{self._where_width}} ", meta)]
        if room >= 4:
            # The sentence's first words, made printable: data, never markup.
            segments.append(Segment(_fit(printable(row.text), room), style))
            segments.append(Segment(" ", style))
        segments.append(Segment(note, mark_style))
        segments.append(Segment(" ", style))
        anchor_style = meta if row.anchor == "exact" else mark_style
        segments.append(Segment(f"{anchor:<{ANCHOR_WIDTH}}", anchor_style))
        return segments


def _fit(text: str, cells: int) -> str:
    """``text`` in exactly ``cells`` terminal cells: cut with ``…`` if longer."""
    if cells <= 0:
        return ""
    if cell_len(text) <= cells:
        return set_cell_size(text, cells)
    return set_cell_size(text, cells - 1) + "…"
