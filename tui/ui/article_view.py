"""The article body: a Line API view that renders only the lines on screen.

One ``ScrollView`` draws every paragraph with ``render_line`` (the pattern of
Toolong's ``log_lines.py``): a 10,000-paragraph article costs the same per key
as the seed. Paragraphs are wrapped into a line index on resize; sentences
are split only for paragraphs that are drawn or visited.

A key costs the same whatever a paragraph's length (a court transcript
pasted as one 5 MB paragraph has 50,000 sentences): a rendered line finds
the few sentences and search matches it overlaps by bisection over the
paragraph's sentence ends (built once per paragraph) and over the sorted
matches, and the cursor finds its sentence the same way.

The view owns the cursor (paragraph and sentence) and posts
:class:`ArticleView.CursorMoved` up; the screen owns the store and tells the
view which sentences carry which label.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from ..store import LABELS, LABELS_BY_NAME
from ..text import Article, Sentence, SplitCancelled
from .label_styles import (LOOK, NOTE_MARK, UNKNOWN_LOOK, UNKNOWN_MARK, label_style,
                           readable_colour)
from .wrap import cell_widths, visible, wrap, wrap_window

GUTTER = 9  # "  12345 Q▌": number, space, mark, bar, space
# An article this small is wrapped whole before the first paint (~20 ms);
# a longer one, the first screen first and the rest LAYOUT_CHUNK
# paragraphs at a time between frames.
EAGER_LAYOUT_CHARS = 2_000_000
LAYOUT_CHUNK = 2000
UNKNOWN = "unknown"  # the component class of a label this app does not know
# A paragraph longer than this (characters) is wrapped WRAP_WINDOW characters
# at a time, as far as the screen needs (a jump to a 20 MB paragraph wrapped
# all of it on the screen's thread: 0.7 s); the rest between frames.
HUGE_PARAGRAPH = 1 << 18
WRAP_WINDOW = 1 << 16
# A paragraph longer than this (characters) that is not split yet is split
# in a worker thread (~0.1 s per MB would freeze the screen): the cursor
# sits on the paragraph, without a sentence, until its sentences arrive.
SPLIT_IN_WORKER_CHARS = 200_000
LAST = 1 << 62  # a sentence number meaning "the paragraph's last sentence"


@dataclass(frozen=True)
class _Bounds:
    """A paragraph's sentence starts and ends (body offsets), for bisection."""

    starts: array
    ends: array


def _bounds(sentences) -> _Bounds:
    return _Bounds(array("q", [s.start for s in sentences]), array("q", [s.end for s in sentences]))


class _Layout:
    """Where each paragraph's lines are, for one text width, wrapped on demand.

    Paragraphs are wrapped in order, a prefix at a time: the first screen
    is wrapped before the first paint, the rest in idle moments (or at once
    up to a paragraph or line that is asked for: a jump, a resumed
    position). Until then the remaining paragraphs count for an estimate of
    their lines, so the scroll bar has a size. The index is kept in flat
    arrays of machine integers, not a list of int lists: 500,000 wrapped
    lines of a 50 MB article take 2 MB, not 20 MB.
    """

    def __init__(self, texts: Callable[[int, int, int], str], lengths: list[int], width: int,
                 trailer_lines: int) -> None:
        self.width = width
        self._text = texts
        self._lengths = lengths
        self.first_line = array("q")  # first y of each laid-out paragraph
        self._line_index = array("q", [0])  # where each one's lines begin in _line_starts
        self._line_starts = array("I")  # offset of each wrapped line in its paragraph
        self._next_y = 0  # first y after the laid-out paragraphs
        self._trailer_lines = trailer_lines
        # Lines the paragraphs not yet wrapped are estimated to take.
        self._estimate = sum(n // width + 2 for n in lengths)
        # The last laid-out paragraph, if huge, may be wrapped only in part:
        # _resume is then the start of its last line so far (whose end is
        # not known yet), and its rest counts for an estimate.
        self._resume: int | None = None
        self._open_estimate = 0

    @property
    def done(self) -> bool:
        """True when every paragraph is wrapped (the total is exact)."""
        return len(self.first_line) == len(self._lengths) and self._resume is None

    @property
    def total(self) -> int:
        """Lines in the article (exact once done, estimated before)."""
        return self._next_y + self._estimate + self._open_estimate + self._trailer_lines

    def _wrap_more(self, line: int | None = None, offset: int | None = None,
                   windows: int | None = None) -> None:
        """Wrap more of the paragraph wrapped in part: until ``line`` is laid
        out, or the line holding ``offset`` is known, or ``windows`` more
        windows, or to its end."""
        index = len(self.first_line) - 1
        length = self._lengths[index]
        count = 0
        while self._resume is not None:
            if line is not None and self._next_y > line:
                return
            if offset is not None and offset < self._resume:
                return
            if windows is not None and count >= windows:
                return
            count += 1
            start = self._resume
            size = WRAP_WINDOW
            while True:
                end = min(length, start + size)
                final = end >= length
                starts = wrap_window(self._text(index, start, end), self.width, final)
                if final or len(starts) > 1:
                    break
                size *= 2  # no whole line in the window (a very wide one)
            self._line_starts.extend(start + s for s in starts[1:])
            self._line_index[-1] = len(self._line_starts)
            self._next_y += len(starts) - 1
            if final:
                self._resume, self._open_estimate = None, 0
                self._next_y += 1  # the blank line after the paragraph
            else:
                self._resume = start + starts[-1]
                self._open_estimate = (length - self._resume) // self.width + 2

    def reach(self, index: int | None = None, line: int | None = None,
              limit: int | None = None) -> None:
        """Wrap paragraphs up to ``index``, or until ``line`` is covered, or ``limit`` more."""
        count = len(self._lengths)
        laid = len(self.first_line)
        if self._resume is not None:  # the last one laid out is wrapped in part
            if index is not None and index < laid:
                return
            self._wrap_more(line=line, windows=None if limit is None else 2)
            if self._resume is not None:
                return
        stop = count if limit is None else min(count, laid + limit)
        if index is not None:
            stop = min(stop, index + 1)
        while laid < stop and (line is None or self._next_y <= line):
            length = self._lengths[laid]
            self.first_line.append(self._next_y)
            self._estimate -= length // self.width + 2
            if length > HUGE_PARAGRAPH:
                self._line_starts.append(0)
                self._line_index.append(len(self._line_starts))
                self._next_y += 1
                self._resume = 0
                if line is not None or (limit is None and (index is None or index > laid)):
                    windows = None  # down to ``line``, or all of it: later ones are asked for
                else:
                    windows = 1 if limit is None else 2  # itself (a jump), or between frames
                self._wrap_more(line=line, windows=windows)
                if self._resume is not None:
                    return
                laid += 1
                continue
            lines = wrap(self._text(laid, 0, length), self.width)
            self._line_starts.extend(lines)
            self._line_index.append(len(self._line_starts))
            self._next_y += len(lines) + 1  # a blank line after each paragraph
            laid += 1

    def paragraph_at(self, line: int) -> int:
        """Index of the paragraph drawn on ``line`` (-1 before the first)."""
        self.reach(line=line)
        return bisect_right(self.first_line, line) - 1

    def _is_open(self, index: int) -> bool:
        return self._resume is not None and index == len(self.first_line) - 1

    def count(self, index: int) -> int:
        """Number of wrapped lines of paragraph ``index`` (wrapping all of it)."""
        self.reach(index=index)
        if self._is_open(index):
            self._wrap_more()
        return self._line_index[index + 1] - self._line_index[index]

    def known_rows(self, index: int, at_least: int) -> int:
        """Lines of paragraph ``index`` known: all of them, or at least ``at_least``
        (a huge paragraph is wrapped no further than that)."""
        self.reach(index=index)
        while self._is_open(index) and (self._line_index[index + 1] - self._line_index[index]
                                        < at_least):
            self._wrap_more(windows=1)
        return self._line_index[index + 1] - self._line_index[index]

    def has_row(self, index: int, row: int) -> bool:
        """True if paragraph ``index`` has a line ``row`` (wrapping only up to it)."""
        return row < self.known_rows(index, row + 1)

    def top(self, index: int) -> int:
        """First line of paragraph ``index``."""
        self.reach(index=index)
        return self.first_line[index]

    def line_span(self, index: int, row: int, length: int) -> tuple[int, int]:
        """Offsets in its paragraph (of ``length``) of line ``row`` of paragraph ``index``."""
        self.known_rows(index, row + 2)  # the line after it, where this one ends
        position = self._line_index[index] + row
        end = self._line_starts[position + 1] if position + 1 < self._line_index[index + 1] else length
        return self._line_starts[position], end

    def row_of(self, index: int, offset: int) -> int:
        """The row of paragraph ``index`` holding its character ``offset``."""
        self.reach(index=index)
        if self._is_open(index):
            self._wrap_more(offset=offset)
        low, high = self._line_index[index], self._line_index[index + 1]
        return bisect_right(self._line_starts, offset, low, high) - 1 - low


@dataclass(frozen=True)
class _Styles:
    """The view's resolved styles: they change only when the CSS or theme does."""

    base: Style
    gutter: Style
    gutter_current: Style
    current_paragraph: Style
    cursor: Style
    cursor_plain: Style  # the cursor on an untagged sentence
    match: Style
    trailer: Style
    # Per label name (and UNKNOWN): the text's colour and style, readable on
    # both the plain and the current paragraph's background; the gutter
    # letter's style.
    labels: dict[str, Style]
    marks: dict[str, Style]
    note: Style


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable, wrapped article text with a sentence cursor.

    The scroll bindings of ``ScrollView`` are not inherited: arrows move the
    cursor (the screen's bindings) and the view follows it.
    """

    BINDINGS = [
        Binding("pageup", "page_up", "Page up", show=False, id="reader.page.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="reader.page.down"),
    ]

    COMPONENT_CLASSES = {
        "article-view--gutter",
        "article-view--gutter-current",
        "article-view--current-paragraph",
        "article-view--cursor",
        "article-view--match",
        "article-view--trailer",
        "article-view--note",
        f"article-view--{UNKNOWN}",
        *(f"article-view--{label.name}" for label in LABELS),
    }

    DEFAULT_CSS = """
    ArticleView { background: $surface; }
    """

    class CursorMoved(Message):
        """The cursor is on a new sentence (1-based paragraph and sentence)."""

        def __init__(self, paragraph: int, sentence: int) -> None:
            super().__init__()
            self.paragraph = paragraph
            self.sentence = sentence

    def __init__(self, article: Article, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article = article
        self.paragraph = 1  # 1-based
        self.sentence = 1  # 1-based within the paragraph
        # False until the screen has the database and the sentences around
        # the cursor: until then paragraphs are drawn without sentences.
        self.ready = True
        self.labels: dict[tuple[int, int], str] = {}
        # Tags re-attached fuzzily after an edit (not yet accepted): their
        # gutter letter is lower case and their text underlined, so they
        # read as "check me" with or without colour.
        self.fuzzy: frozenset[tuple[int, int]] = frozenset()
        # Tagged sentences whose tag has a note: a NOTE_MARK in the gutter.
        self.notes: set[tuple[int, int]] = set()
        # A search that finds matches as lines are drawn (tui.text.search), if any.
        self._search = None
        # Per paragraph index: its sentences' offsets, once it is split.
        self._bounds: dict[int, _Bounds] = {}
        # Long paragraphs being split in a worker, and where the cursor goes
        # once its paragraph is: (paragraph, sentence, body offset or None).
        self._splitting: set[int] = set()
        self._pending_target: tuple[int, int, int | None] | None = None
        # The view keeps no text of its own: each line drawn is sliced from
        # the article's body and made visible (one character for one, so
        # offsets hold); wrapping slices a paragraph for as long as it takes.
        self._body = article.body
        self._count = len(article.paragraphs)
        # Paragraph start offsets (for offset -> paragraph lookups by
        # bisection) and lengths, without making a Paragraph per paragraph.
        self._starts = article.paragraphs.starts
        ends = article.paragraphs.ends
        self._lengths = [ends[i] - self._starts[i] for i in range(self._count)]
        self._trailer = visible(article.trailer)
        self._layout: _Layout | None = None
        # Rendered lines, keyed by everything that shapes them, so a key
        # press redraws only the lines it changed (as Toolong's LogLines).
        self._line_cache: LRUCache[tuple, Strip] = LRUCache(2000)
        # Bumped when a paragraph's labels change: its cached lines go stale.
        self._revisions: dict[tuple[int, int], int] = {}
        self._resolved_styles: _Styles | None = None
        # The cursor's rows in its paragraph, and for which cursor and layout.
        self._cursor_rows: tuple[int, int] = (0, -1)
        self._cursor_rows_for: tuple | None = None

    # -- public API for the screen ----------------------------------------

    @property
    def current_sentence(self) -> Sentence | None:
        """The sentence under the cursor (None for an empty article)."""
        if not self.article.paragraphs or not self._sentences_ready(self.paragraph - 1):
            return None
        sentences = self.article.paragraphs[self.paragraph - 1].sentences
        return sentences[self.sentence - 1] if sentences else None

    def sentence_total(self) -> int | None:
        """Sentences in the cursor's paragraph; None while they are being split."""
        if not self.article.paragraphs or not self._sentences_ready(self.paragraph - 1):
            return None
        return len(self.article.paragraphs[self.paragraph - 1].sentences)

    def set_labels(self, labels: dict[tuple[int, int], str]) -> None:
        """Replace the map of (start, end) -> label name and redraw."""
        self.labels = labels
        self._line_cache.clear()
        self.refresh()

    def set_fuzzy(self, spans) -> None:
        """Mark the (start, end) sentences whose tags were placed fuzzily."""
        spans = frozenset(spans)
        if spans != self.fuzzy:
            self.fuzzy = spans
            self._line_cache.clear()
            self.refresh()

    def set_label(self, start: int, end: int, label: str | None) -> None:
        """Show or clear one sentence's label (after the store committed it)."""
        if label is None:
            self.labels.pop((start, end), None)
        else:
            self.labels[(start, end)] = label
        self._sentence_changed(start, end)

    def set_notes(self, spans) -> None:
        """Replace the set of (start, end) sentences whose tag has a note, and redraw."""
        spans = set(spans)
        if spans != self.notes:
            self.notes = spans
            self._line_cache.clear()
            self.refresh()

    def set_note(self, start: int, end: int, has_note: bool) -> None:
        """Show or clear one sentence's note mark (after the store committed it)."""
        if has_note == ((start, end) in self.notes):
            return
        if has_note:
            self.notes.add((start, end))
        else:
            self.notes.discard((start, end))
        self._sentence_changed(start, end)

    def _sentence_changed(self, start: int, end: int) -> None:
        """Redraw the lines of the sentence at body offsets [start, end)."""
        index = bisect_right(self._starts, start) - 1
        if index < 0:
            return
        if self._layout is None:
            self.refresh()
            return
        # Only the lines of that sentence change (in a 5 MB paragraph, 2 of
        # the 38 on screen): their cached lines go stale, no others.
        offset = self._starts[index]
        first = self._layout.row_of(index, start - offset)
        last = self._layout.row_of(index, max(start, end - 1) - offset)
        for row in range(first, last + 1):
            self._revisions[index, row] = self._revisions.get((index, row), 0) + 1
        self._refresh_rows(index, first, last + 1 - first)

    def set_search(self, search) -> None:
        """Highlight the matches of ``search`` (an ``ArticleSearch``; None: no
        search): asked for per drawn line, never listed whole (a 50 MB
        article may have millions)."""
        self._search = search
        self._line_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """The CSS or theme changed: resolve styles and render lines again."""
        super().notify_style_update()
        self._resolved_styles = None
        self._line_cache.clear()

    def move_to(self, paragraph: int, sentence: int = 1, *, post: bool = True,
                scroll: bool = True) -> None:
        """Put the cursor on a sentence, clamped to the article, and show it
        (``scroll=False``: the caller knows it is in view already)."""
        count = len(self.article.paragraphs)
        if count == 0:
            return
        paragraph = min(max(1, paragraph), count)
        self._pending_target = None
        if self._sentences_ready(paragraph - 1):
            sentences = self.article.paragraphs[paragraph - 1].sentences
            sentence = min(max(1, sentence), max(1, len(sentences)))
        else:
            if self.ready:  # being split in a worker: go there when it is
                self._pending_target = (paragraph, sentence, None)
            sentence = 1
        changed = (paragraph, sentence) != (self.paragraph, self.sentence)
        previous = self.paragraph
        self.paragraph, self.sentence = paragraph, sentence
        if not (scroll and self._scroll_to_cursor()):  # a scroll redraws everything anyway
            self._refresh_paragraph(previous)
            self._refresh_paragraph(paragraph)
        if post and changed:
            self.post_message(self.CursorMoved(paragraph, sentence))

    # Set by the reader: asked before a page key scrolls, with True for down;
    # True back means the key was kept to replay (the database is not open).
    hold_page: Callable[[bool], bool] | None = None

    def action_page_down(self) -> None:
        """Scroll a page down; the cursor comes along (see _keep_cursor_in_view)."""
        self._page(down=True)

    def action_page_up(self) -> None:
        """Scroll a page up; the cursor comes along (see _keep_cursor_in_view)."""
        self._page(down=False)

    def _page(self, down: bool) -> None:
        if self.hold_page is not None and self.hold_page(down):
            return
        if not self.allow_vertical_scroll:
            raise SkipAction()
        height = self.scrollable_content_region.height
        # At once, not animated: the cursor must be on the new page before
        # the next key is read. Animated, `PageDown c` typed together tagged
        # the sentence being scrolled off the screen.
        self.scroll_to(y=self.scroll_y + (height if down else -height), animate=False,
                       immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """The view scrolled (PageDown, Space, the wheel, the scrollbar): keep the cursor on screen."""
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._keep_cursor_in_view()

    def _keep_cursor_in_view(self) -> None:
        """Move the cursor to the first sentence that starts in view, if it scrolled away.

        As in less and vim: after PageDown or the wheel a key acts on a
        sentence the user can see, never on one scrolled off screen.
        """
        if not self.article.paragraphs or self.size.height == 0:
            return
        top, bottom = self._cursor_lines()
        y = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        if bottom >= y and top < y + height:  # (part of) the cursor's sentence shows
            return
        layout = self._ensure_layout()
        if not self.ready:
            # No sentences yet (the database is opening): the cursor is on a
            # paragraph, meaning its first sentence. The first paragraph that
            # starts in view; else the one the top line shows.
            shown = [layout.paragraph_at(line) for line in range(y, y + height)]
            starts = [index for index in shown
                      if 0 <= index < self._count and layout.top(index) >= y]
            first = starts[0] if starts else shown[0]
            if 0 <= first < self._count:
                self.move_to(first + 1, scroll=False)
            return
        # The first sentence that starts in view; else (one sentence longer
        # than the screen) the one the top line shows.
        fallback = None
        for line in range(y, y + height):
            index = layout.paragraph_at(line)
            if index < 0 or index >= self._count:
                continue
            row = line - layout.top(index)
            if not layout.has_row(index, row):
                continue  # the blank line between paragraphs
            if not self._sentences_ready(index):
                self.move_to(index + 1, scroll=False)
                return
            a, b = layout.line_span(index, row, self._lengths[index])
            start, end = self._starts[index] + a, self._starts[index] + b
            for sentence in self._sentences_between(index, start, end):
                if sentence.start >= start:
                    self.move_to(index + 1, sentence.index, scroll=False)
                    return
                if fallback is None:
                    fallback = (index + 1, sentence.index)
        if fallback is not None:
            self.move_to(*fallback, scroll=False)

    def move_to_offset(self, offset: int) -> None:
        """Put the cursor on the sentence containing body ``offset``."""
        paragraph = self._paragraph_at_offset(offset)
        if paragraph is None or not self.ready:
            return
        if not self._sentences_ready(paragraph.index - 1):
            self.move_to(paragraph.index, 1)
            self._pending_target = (paragraph.index, 1, offset)
            return
        ends = self._sentence_bounds(paragraph.index - 1).ends
        # The first sentence that ends after the offset, else the last one.
        found = bisect_right(ends, offset)
        self.move_to(paragraph.index, min(found, len(ends) - 1) + 1)

    def next_sentence(self) -> None:
        """Move to the next sentence, on into the next paragraph."""
        if not self.ready:
            return
        if not self._sentences_ready(self.paragraph - 1):  # still being split
            sentences = ()
        else:
            sentences = self.article.paragraphs[self.paragraph - 1].sentences
        if self.sentence < len(sentences):
            self.move_to(self.paragraph, self.sentence + 1)
        elif self.paragraph < len(self.article.paragraphs):
            self.move_to(self.paragraph + 1, 1)

    def previous_sentence(self) -> None:
        """Move to the previous sentence, back into the previous paragraph."""
        if not self.ready:
            return
        if self.sentence > 1:
            self.move_to(self.paragraph, self.sentence - 1)
        elif self.paragraph > 1:
            # LAST, not len(sentences): that would split a long one right here.
            self.move_to(self.paragraph - 1, LAST)

    def _sentences_ready(self, index: int) -> bool:
        """True if paragraph ``index``'s sentences can be read now.

        A long paragraph not split yet is not: a worker is started to split
        it (once), and until it is done the paragraph is drawn without
        sentences and the cursor has none.
        """
        if not self.ready or not 0 <= index < self._count:  # no such paragraph (an empty article)
            return False
        if index in self._bounds or self._lengths[index] <= SPLIT_IN_WORKER_CHARS:
            return True
        if index in self._splitting:  # until _split_done, even if the worker is through
            return False
        paragraph = self.article.paragraphs[index]
        if paragraph.has_sentences:
            return True
        self._splitting.add(index)
        self.run_worker(partial(self._split_worker, paragraph), thread=True,
                        group="split", description="split a long paragraph",
                        exit_on_error=False)
        return False

    def _split_worker(self, paragraph) -> None:
        """Split ``paragraph`` off the screen thread, then hand its bounds over."""
        worker = get_current_worker()
        try:
            paragraph.spans(should_stop=lambda: worker.is_cancelled)
            bounds = _bounds(paragraph.sentences)
        except SplitCancelled:
            return  # the app is quitting
        self.app.call_from_thread(self._split_done, paragraph.index - 1, bounds)

    def _split_done(self, index: int, bounds: _Bounds) -> None:
        """A long paragraph's sentences arrived: draw them, put the cursor on one."""
        self._splitting.discard(index)
        self._bounds[index] = bounds
        target, self._pending_target = self._pending_target, None
        if self.paragraph == index + 1:
            if target is not None and target[0] == index + 1:
                if target[2] is not None:
                    self.move_to_offset(target[2])
                else:
                    self.move_to(index + 1, target[1], post=False)
            # Always said: the status line showed the paragraph as being split.
            self.post_message(self.CursorMoved(self.paragraph, self.sentence))
        self._refresh_paragraph(index + 1)

    def _sentence_bounds(self, index: int) -> _Bounds:
        """Sentence offsets of paragraph ``index`` (0-based); splits it if need be."""
        bounds = self._bounds.get(index)
        if bounds is None:
            bounds = self._bounds[index] = _bounds(self.article.paragraphs[index].sentences)
        return bounds

    def _sentences_between(self, index: int, start: int, end: int):
        """Sentences of paragraph ``index`` overlapping body offsets [start, end)."""
        if not self._sentences_ready(index):
            return
        bounds = self._sentence_bounds(index)
        sentences = self.article.paragraphs[index].sentences
        position = bisect_right(bounds.ends, start)
        while position < len(sentences) and bounds.starts[position] < end:
            yield sentences[position]
            position += 1

    def _matches_between(self, start: int, end: int) -> list[tuple[int, int]]:
        """Search matches overlapping body offsets [start, end), in order."""
        if self._search is None:
            return []
        return self._search.between(start, end)

    # -- layout -----------------------------------------------------------

    def _ensure_layout(self, region_width: int | None = None) -> _Layout:
        """The line index for the current width (``region_width`` if known)."""
        if region_width is None:
            region_width = self.scrollable_content_region.width
        width = max(10, region_width - GUTTER)
        if self._layout is None or self._layout.width != width:
            trailer_lines = len(wrap(self._trailer, width)) + 1 if self._trailer else 0
            self._layout = _Layout(self._text, self._lengths, width, trailer_lines)
            # Rows are per width: lines and row revisions of another width go.
            self._line_cache.clear()
            self._revisions.clear()
            # The first screen (and a small article whole) before the first paint.
            if sum(self._lengths) <= EAGER_LAYOUT_CHARS:
                self._layout.reach()
            else:
                self._layout.reach(line=round(self.scroll_offset.y) + self.size.height + 1)
            self._update_virtual_size()
            if not self._layout.done:
                self.call_after_refresh(self._layout_more, self._layout)
        return self._layout

    def _text(self, index: int, a: int = 0, b: int | None = None) -> str:
        """Paragraph ``index`` (characters ``a``..``b``) as shown, sliced now
        (for wrapping; not kept)."""
        start = self._starts[index]
        return visible(self._body[start + a:start + (self._lengths[index] if b is None else b)])

    def _line_text(self, index: int, a: int, b: int) -> str:
        """Characters ``a``..``b`` of paragraph ``index`` as shown."""
        start = self._starts[index]
        return visible(self._body[start + a:start + b])

    def _update_virtual_size(self) -> None:
        layout = self._layout
        size = Size(layout.width + GUTTER, layout.total)
        if size != self.virtual_size:
            self.virtual_size = size

    def _layout_more(self, layout: _Layout) -> None:
        """Wrap the next paragraphs in an idle moment; again until all are."""
        if layout is not self._layout:
            return  # rewrapped for another width meanwhile
        layout.reach(limit=LAYOUT_CHUNK)
        self._update_virtual_size()
        if not layout.done:
            self.set_timer(0.005, lambda: self._layout_more(layout))

    def on_resize(self, event: events.Resize) -> None:
        """Rewrap for the new width and keep the cursor in view."""
        self._ensure_layout()
        self._scroll_to_cursor()

    def _cursor_lines(self) -> tuple[int, int]:
        layout = self._ensure_layout()
        index = self.paragraph - 1
        top = layout.top(index)
        if not layout.done:
            self._update_virtual_size()  # it may have wrapped up to here just now
        sentence = self.current_sentence
        if sentence is None:
            # A huge paragraph is wrapped no further than a screen shows.
            return top, top + layout.known_rows(index, self.size.height + 1) - 1
        paragraph = self.article.paragraphs[index]
        first = layout.row_of(index, sentence.start - paragraph.start)
        last = layout.row_of(index, sentence.end - 1 - paragraph.start)
        return top + first, top + last

    def _cursor_on_row(self, row: int) -> bool:
        """True if the cursor's sentence is on ``row`` of its paragraph."""
        where = (self.paragraph, self.sentence, self._sentences_ready(self.paragraph - 1),
                 self._layout)
        if self._cursor_rows_for != where:
            top, bottom = self._cursor_lines()
            first = self._layout.top(self.paragraph - 1)
            self._cursor_rows, self._cursor_rows_for = (top - first, bottom - first), where
        return self._cursor_rows[0] <= row <= self._cursor_rows[1]

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor's lines show; True if the view scrolled."""
        if not self.article.paragraphs or self.size.height == 0:
            return False
        top, bottom = self._cursor_lines()
        height = self.scrollable_content_region.height
        y = self.scroll_offset.y
        if top < y:
            target = max(0, top - 1)
        elif bottom >= y + height:
            target = min(top - 1, bottom - height + 2)
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        return round(self.scroll_offset.y) != round(y)

    def _refresh_paragraph(self, paragraph: int) -> None:
        """Redraw the lines of one paragraph (1-based), if laid out."""
        if self._layout is None or self.size.height == 0:
            self.refresh()
            return
        index = paragraph - 1
        top = self._layout.top(index)
        self._refresh_rows(index, 0, self._layout.known_rows(
            index, round(self.scroll_offset.y) + self.size.height - top))

    def _refresh_rows(self, index: int, row: int, count: int) -> None:
        """Redraw ``count`` lines of paragraph ``index`` from ``row``, those on screen.

        Only the lines on screen: Textual notes every line of a refreshed
        region, 50,000 of them for a long paragraph (1 ms a refresh).
        """
        if self.size.height == 0:
            self.refresh()
            return
        top = self._layout.top(index) + row
        first = max(top, round(self.scroll_offset.y))
        end = min(top + count, round(self.scroll_offset.y) + self.size.height)
        if end > first:
            self.refresh_lines(first, end - first)

    def _paragraph_at_offset(self, offset: int):
        index = bisect_right(self._starts, offset) - 1
        return self.article.paragraphs[index] if index >= 0 else None

    # -- rendering --------------------------------------------------------

    def _styles(self) -> _Styles:
        if self._resolved_styles is None:
            base = self.rich_style
            component = self.get_component_rich_style
            current_paragraph = base + component("article-view--current-paragraph")
            # Label colours are checked against both backgrounds text is drawn on.
            grounds = [base.bgcolor, current_paragraph.bgcolor]
            terminal = self.app.ansi_theme

            def resolve(name: str, look: str, fallback: str | None = None) -> Style:
                part = component(f"article-view--{name}", partial=True)
                return label_style(part, look, fallback, grounds, base.color, terminal)

            labels = {label.name: resolve(label.name, LOOK.get(label.name, ""), label.colour)
                      for label in LABELS}
            labels[UNKNOWN] = resolve(UNKNOWN, UNKNOWN_LOOK)
            # The gutter letter: the label's colour, always bold, never dim.
            marks = {name: Style(color=style.color, bold=True) for name, style in labels.items()}
            cursor = component("article-view--cursor", partial=True)  # over the label colour
            gutter_current = base + component("article-view--gutter-current")
            # Swapped (reverse), the cursor's text is as readable as its
            # colour on the paragraph: a theme's faint text colour is not.
            plain = readable_colour(base.color, [current_paragraph.bgcolor], base.color, terminal)
            self._resolved_styles = _Styles(
                base=base,
                gutter=base + component("article-view--gutter"),
                # The current paragraph's number and bar ($accent: 1.4:1 on textual-light).
                gutter_current=gutter_current + Style(color=readable_colour(
                    gutter_current.color, [base.bgcolor], base.color, terminal)),
                current_paragraph=current_paragraph,
                cursor=cursor,
                cursor_plain=Style(color=plain) + cursor,
                match=component("article-view--match"),
                trailer=base + component("article-view--trailer"),
                labels=labels,
                marks=marks,
                note=resolve("note", "bold"),
            )
        return self._resolved_styles

    def render_line(self, y: int) -> Strip:
        """Draw screen line ``y`` (only lines on screen are ever asked for)."""
        width = self.scrollable_content_region.width
        layout = self._ensure_layout(width)
        line = self.scroll_offset.y + y
        styles = self._styles()
        index = layout.paragraph_at(line)
        if index < 0 or line >= layout.total:
            return Strip.blank(width, styles.base)
        row = line - layout.top(index)
        if not layout.has_row(index, row):
            count = layout.count(index)
            if index == self._count - 1 and self._trailer:
                return self._render_trailer(row - count - 1, layout, width, styles)
            return Strip.blank(width, styles.base)
        current = index + 1 == self.paragraph
        # Only the lines the cursor's sentence is on depend on which
        # sentence it is: the others of a long paragraph stay cached as
        # the cursor moves through it.
        cursor = self.sentence if current and self._cursor_on_row(row) else 0
        split = self._sentences_ready(index)
        key = (index, row, width, split, current, cursor, self._revisions.get((index, row), 0))
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._render_paragraph_line(index, row, layout, width, styles, current)
            self._line_cache[key] = strip
        return strip

    def _render_trailer(self, row: int, layout: _Layout, width: int, styles: _Styles) -> Strip:
        lines = wrap(self._trailer, layout.width)
        if row < 0 or row >= len(lines):
            return Strip.blank(width, styles.base)
        end = lines[row + 1] if row + 1 < len(lines) else len(self._trailer)
        segments = [Segment(" " * GUTTER, styles.base),
                    Segment(self._trailer[lines[row]:end].rstrip(), styles.trailer)]
        return Strip(segments).extend_cell_length(width, styles.base).crop(0, width)

    def _render_paragraph_line(self, index: int, row: int, layout: _Layout, width: int,
                               styles: _Styles, current: bool) -> Strip:
        a, b = layout.line_span(index, row, self._lengths[index])
        offset, body = self._starts[index], self._body
        while b > a and body[offset + b - 1] == " ":  # visible() keeps spaces as they are
            b -= 1
        segments = self._gutter(index, row, a, b, current, styles)
        body_style = styles.current_paragraph if current else styles.base
        line = self._line_text(index, a, b)
        segments.extend(self._text_segments(index, line, a, b, body_style, styles))
        return Strip(segments).extend_cell_length(width, styles.base).crop(0, width)

    def _gutter(self, index: int, row: int, a: int, b: int, current: bool,
                styles: _Styles) -> list[Segment]:
        number = f"{index + 1:>6} " if row == 0 else " " * 7
        style = styles.gutter_current if current else styles.gutter
        mark, mark_style = " ", style
        note = False
        offset = self._starts[index]
        for sentence in self._sentences_between(index, offset + a, offset + max(b, a + 1)):
            key = sentence.start, sentence.end
            note = note or key in self.notes
            label = self.labels.get(key)
            if label and mark == " ":  # the line's first tagged sentence gives the letter
                definition = LABELS_BY_NAME.get(label)
                if definition is None:  # written by another client: shown, not guessed
                    mark = UNKNOWN_MARK
                    mark_style = style + styles.marks[UNKNOWN]
                else:
                    mark = definition.mark
                    mark_style = style + styles.marks[label]
                if key in self.fuzzy:
                    mark = mark.lower()
                    mark_style += Style(italic=True, underline=True)
            if note and mark != " ":
                break
        bar = "▌" if current else " "
        if note:
            return [Segment(number[:-1], style), Segment(NOTE_MARK, style + styles.note),
                    Segment(mark, mark_style), Segment(bar, style)]
        return [Segment(number, style), Segment(mark, mark_style), Segment(bar, style)]

    def _text_segments(self, index: int, line: str, a: int, b: int,
                       body_style: Style, styles: _Styles) -> list[Segment]:
        """Styled pieces of ``line``, characters ``a``..``b`` of paragraph ``index``."""
        offset = self._starts[index]
        cuts = {a, b}
        spans = []
        for sentence in self._sentences_between(index, offset + a, offset + b):
            s, e = sentence.start - offset, sentence.end - offset
            cuts.update((max(a, s), min(b, e)))
            spans.append((s, e, sentence))
        matches = [(s - offset, e - offset)
                   for s, e in self._matches_between(offset + a, offset + b)]
        for s, e in matches:
            cuts.update((max(a, s), min(b, e)))
        cursor = self.current_sentence if index + 1 == self.paragraph else None
        cursor_style, match_style = styles.cursor, styles.match
        label_styles, unknown = styles.labels, styles.labels[UNKNOWN]
        cursor_plain = styles.cursor_plain
        ordered = sorted(cuts)
        segments = []
        for start, end in zip(ordered, ordered[1:]):
            if start >= end:
                continue
            style = body_style
            for s, e, sentence in spans:
                if s <= start < e:
                    label = self.labels.get((sentence.start, sentence.end))
                    if label:  # its colour and its text style (bold, italic, dim)
                        style = style + label_styles.get(label, unknown)
                        if label in LABELS_BY_NAME and (sentence.start, sentence.end) in self.fuzzy:
                            style = style + Style(underline=True)
                    if sentence is cursor:  # untagged: the text colour, made readable
                        style = style + (cursor_style if label else cursor_plain)
                    break
            if any(s <= start < e for s, e in matches):
                style = style + match_style
            segments.append(Segment(line[start - a:end - a], style))
        return segments

    # -- mouse ------------------------------------------------------------

    # Set by the reader: asked with the body offset of a click before the
    # sentences are known; True back means it was kept to replay.
    hold_click: Callable[[int], bool] | None = None

    def on_click(self, event: events.Click) -> None:
        """Clicking a sentence moves the cursor to it."""
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            return
        if not self.ready and self.hold_click is not None and self.hold_click(offset):
            return
        self.move_to_offset(offset)

    def show_paragraph_of(self, offset: int) -> None:
        """Put the cursor on the paragraph holding body ``offset`` (its first
        sentence: all there is before the sentences are known)."""
        paragraph = self._paragraph_at_offset(offset)
        if paragraph is not None:
            self.move_to(paragraph.index)

    def offset_at(self, x: int, y: int) -> int | None:
        """Body offset under screen cell (x, y) of this widget, if any."""
        layout = self._ensure_layout()
        line = self.scroll_offset.y + y
        index = layout.paragraph_at(line)
        if index < 0 or index >= self._count:
            return None
        row = line - layout.top(index)
        if not layout.has_row(index, row):
            return None
        a, b = layout.line_span(index, row, self._lengths[index])
        column = max(0, x - GUTTER)
        widths = cell_widths(self._line_text(index, a, b))
        if widths is None:
            local = min(a + column, max(a, b - 1))
        else:
            used, local = 0, a
            for i, w in enumerate(widths):
                if used + w > column:
                    break
                used += w
                local = a + i + 1
            local = min(local, max(a, b - 1))
        return self._starts[index] + local
