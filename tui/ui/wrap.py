"""Word-wrapping paragraph text into terminal lines, by cell width.

Plain greedy wrapping at spaces, measured in terminal cells so wide (CJK)
characters take two columns. Text is shown literally: control characters
are swapped for their visible Unicode "control pictures" first, one
character for one, so every offset still points at the same character.
"""

from __future__ import annotations

import functools
import re

from rich.cells import get_character_cell_size

from ..text.safe import printable


# Characters whose cell width is not 1: wide East Asian, emoji, combining and
# zero-width marks. Text without any takes the fast path. Compiled on first
# use (~5 ms at start-up otherwise): ASCII text never needs it.
@functools.cache
def _not_one_cell() -> re.Pattern[str]:
    return re.compile(
        "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0e31-\u0e3a"
        "\u1100-\u115f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2e80-\ua4cf\uac00-\ud7a3"
        "\uf900-\ufaff\ufe00-\ufe0f\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
        "\U0001f000-\U0001faff\U00020000-\U0003fffd]"
    )


def visible(text: str) -> str:
    """``text`` with control characters replaced by visible symbols (same length)."""
    return printable(text)


def cell_widths(text: str) -> list[int] | None:
    """Cell width of each character, or None when every one is 1 cell."""
    if text.isascii() or not _not_one_cell().search(text):
        return None
    return [get_character_cell_size(ch) for ch in text]


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
    used = 0
    last_space = -1
    index = start
    while index < length:
        char = text[index]
        cell = get_character_cell_size(char)
        if char == " ":
            last_space = index
        if used + cell > width and index > start:
            if char == " ":
                index += 1
                continue  # spaces may hang past the edge
            return last_space + 1 if last_space >= start else index
        used += cell
        index += 1
    return None


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
