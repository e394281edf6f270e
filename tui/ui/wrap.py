"""Word-wrapping paragraph text into terminal lines, by cell width.

Plain greedy wrapping at spaces, measured in terminal cells so wide (CJK)
characters take two columns. Text is shown literally: control characters
are swapped for their visible Unicode "control pictures" first, one
character for one, so every offset still points at the same character.

Widths are rich's, grapheme by grapheme, as Textual measures (and crops)
the drawn line: an emoji made wide by VS16 (``⚠️``, ``❤️``) takes two cells,
a ZWJ sequence (``👨‍👩‍👧``) two, not six. Measured one character at a
time, a line of ``✅`` or ``⚠️`` came out wider than the screen and its end
was cut off (never drawn).
"""

from __future__ import annotations

import functools
import re

from rich.cells import load_cell_table, split_graphemes

from ..text.safe import printable


# Characters whose cell width is not 1 (wide East Asian, emoji, combining and
# zero-width marks, VS16, ZWJ), from rich's own table so the two never
# disagree: text without any takes the fast path. Every character past
# U+FFFF is measured too: the table's 200 ranges there made the class one
# that re does range by range, ~45x slower a character (Moby-Dick's first
# frame 0.27 -> 0.56 s, a 5 MB paragraph's 1.0 -> 2.7 s); one range keeps it
# a lookup. Compiled on first use (~ms at start-up otherwise): ASCII text
# never needs it.
@functools.cache
def _not_one_cell() -> re.Pattern[str]:
    ranges = [(start, min(end, 0xFFFF)) for start, end, cells in load_cell_table().widths
              if cells != 1 and start <= 0xFFFF]
    ranges += [(0x00, 0x1F), (0x7F, 0x9F), (0x200D, 0x200D), (0xFE0F, 0xFE0F),
               (0x10000, 0x10FFFF)]
    return re.compile("[" + "".join(
        re.escape(chr(start)) + ("-" + re.escape(chr(end)) if end > start else "")
        for start, end in sorted(ranges)) + "]")


def _grapheme_cells(text: str, start: int, stop: int) -> list[int]:
    """Cells of each character of ``text[start:stop]``, as rich measures that line.

    A grapheme's width goes on its first character and 0 on the rest (the
    joined emoji of a ZWJ sequence, VS16, combining marks), so a line is
    never broken inside a grapheme and its widths add up to rich's
    ``cell_len``.
    """
    widths = [0] * (stop - start)
    for first, _end, cells in split_graphemes(text[start:stop])[0]:
        widths[first] = cells
    return widths


def visible(text: str) -> str:
    """``text`` with control characters replaced by visible symbols (same length)."""
    return printable(text)


def cell_widths(text: str) -> list[int] | None:
    """Cell width of each character, or None when every one is 1 cell."""
    if text.isascii() or not _not_one_cell().search(text):
        return None
    return _grapheme_cells(text, 0, len(text))


def wrap(text: str, width: int) -> list[int]:
    """Offsets at which each wrapped line of ``text`` starts (first is 0).

    Lines break after a space where possible; a word longer than the line
    is split. Spaces at a break are left at the end of the line above.
    """
    width = max(1, width)
    if text.isascii() or not _not_one_cell().search(text):
        return _wrap_one_cell(text, width)
    return _wrap_cells(text, width)


def _wrap_one_cell(text: str, width: int) -> list[int]:
    starts = [0]
    start, length = 0, len(text)
    while length - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            next_start = start + width
        else:
            next_start = cut + 1
            while next_start < length and text[next_start] == " ":
                next_start += 1
        if next_start >= length:
            break
        starts.append(next_start)
        start = next_start
    return starts


def _wrap_cells(text: str, width: int) -> list[int]:
    """Greedy wrap by cell width, for text with some characters not one cell wide.

    Line by line: a line whose first ``width + 1`` characters are all one
    cell wide is broken as in :func:`_wrap_one_cell_line` (C-speed
    searches); only a line with a wide, combining or zero-width character
    in it is measured character by character. One emoji in a 5 MB
    paragraph no longer means a Python loop over 5 million characters.
    """
    special = _not_one_cell()
    starts = [0]
    start, length = 0, len(text)
    while True:
        next_start: int | None = -1
        if special.search(text, start, start + width + 1) is None:
            next_start = _one_cell_line(text, start, width, length, special)
        if next_start == -1:
            next_start = _cells_line(text, start, width, length)
        if next_start is None:
            return starts
        starts.append(next_start)
        start = next_start


_NOT_SPACE = re.compile("[^ ]")


def _one_cell_line(text: str, start: int, width: int, length: int,
                   special: re.Pattern[str]) -> int | None:
    """Where the line after the one at ``start`` begins, its characters being one cell.

    None at the end of the text; -1 when the line must be measured by
    :func:`_cells_line` after all (a character of no width after the
    spaces that hang past the edge joins the line there).
    """
    edge = start + width  # the first character past the edge
    if edge >= length:
        return None
    if text[edge] == " ":
        after = _NOT_SPACE.search(text, edge)  # spaces hang past the edge
        if after is None:
            return None
        if special.match(text, after.start()):
            return -1
        return after.start()
    space = text.rfind(" ", start, edge)
    return space + 1 if space >= start else edge


def _cells_line(text: str, start: int, width: int, length: int) -> int | None:
    """Where the line after the one at ``start`` begins (None at the end), by cells."""
    window = width + 16  # widened while zero-width characters or hanging spaces run on
    while True:
        stop = min(length, start + window)
        widths = _grapheme_cells(text, start, stop)
        # A character's width may depend on the one after it (VS16): decide
        # only up to the window's last character, unless it ends the text.
        decided = len(widths) if stop == length else len(widths) - 1
        used = 0
        last_space = -1
        for offset in range(decided):
            index = start + offset
            cell = widths[offset]
            if text[index] == " ":
                last_space = index
            if used + cell > width and index > start:
                if text[index] == " ":
                    continue  # spaces may hang past the edge
                return last_space + 1 if last_space >= start else index
            used += cell
        if stop == length:
            return None
        window *= 2


def wrap_window(text: str, width: int, final: bool) -> list[int]:
    """The line starts of :func:`wrap` that hold for a longer text.

    ``text`` is a window of a paragraph, beginning at one of its line
    starts; ``final`` says it runs to the paragraph's end. A line's start
    depends only on the text from the line before's start up to it (and
    the ``width + 1`` characters the break looks at), so the starts found
    with all of that inside the window are the paragraph's own; the last
    kept one is where the next window begins. Lets a 20 MB paragraph be
    wrapped a window at a time, as far as the screen needs.
    """
    starts = wrap(text, width)
    if final:
        return starts
    length = len(text)
    kept = 1
    while (kept < len(starts) and starts[kept] + 1 < length
           and starts[kept - 1] + max(1, width) + 2 < length):
        kept += 1
    return starts[:kept]
