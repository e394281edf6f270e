"""Wrapping by cell width: line by line, as the character-by-character loop did."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import get_character_cell_size

from tui.ui.wrap import wrap


def reference_wrap_cells(text: str, width: int) -> list[int]:
    """The loop over every character that wrap() used for text with wide characters."""
    widths = [get_character_cell_size(ch) for ch in text]
    starts, used, last_space, start, index = [0], 0, -1, 0, 0
    while index < len(text):
        cell = widths[index]
        if text[index] == " ":
            last_space = index
        if used + cell > width and index > start:
            if text[index] == " ":
                index += 1
                continue
            next_start = last_space + 1 if last_space >= start else index
            starts.append(next_start)
            start, used, last_space = next_start, 0, -1
            index = next_start
            continue
        used += cell
        index += 1
    return starts


_PIECES = st.sampled_from(["a", "word", "longerword", " ", "  ", "日本語", "é", "e\u0301", "\u200b",
                           "🙂", "x" * 25, "\u3000", ".", "Hello", "   "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join), st.integers(min_value=1, max_value=30))
def test_wrap_with_wide_characters_matches_the_character_loop(text, width):
    text = "日" + text  # always the wide-character path
    assert wrap(text, width) == reference_wrap_cells(text, width)


def test_one_wide_character_in_a_long_paragraph():
    text = "The line goes on. " * 20 + "日本語 " + "And on after it. " * 20
    assert wrap(text, 40) == reference_wrap_cells(text, 40)
    # "The line goes on. " is 18 characters: the first line breaks before
    # "line" at 40; the second ends on a space at 80, which hangs: 81.
    assert wrap(text, 40)[:4] == [0, 40, 81, 122]


def test_edge_cases_of_the_line_by_line_wrap():
    # A zero-width character after spaces hanging past the edge joins that
    # line (it takes no cell); the space after it hangs too.
    assert wrap("abc   \u200b def 日", 3) == [0, 8, 12]
    # A line's only space at its very start: the break is just after it.
    assert wrap(" abcdefgh 日", 4) == [0, 1, 5, 10]
