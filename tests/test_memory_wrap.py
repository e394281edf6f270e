"""A huge paragraph is wrapped a window at a time (issue 11): the same lines as whole."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.ui import article_view
from tui.ui.article_view import _Layout
from tui.ui.wrap import wrap

_WORDS = st.sampled_from(["a", "to", "word", "longerword", "x" * 30, " ", "\u4e2d\u6587",
                          "e\u0301", "\U0001f600", "\u2014"])


def _layout(texts: list[str], width: int) -> _Layout:
    return _Layout(lambda i, a=0, b=None: texts[i][a:b], [len(t) for t in texts], width, 0)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_WORDS, min_size=1, max_size=300), width=st.integers(1, 40),
       window=st.integers(8, 64))
def test_a_paragraph_wrapped_in_windows_has_the_lines_of_one_wrapped_whole(words, width, window):
    text = " ".join(words)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(article_view, "HUGE_PARAGRAPH", 4)
        patch.setattr(article_view, "WRAP_WINDOW", window)
        layout = _layout([text, "after"], width)
        layout.reach(index=0)  # a jump to it: one window
        layout.has_row(0, 3)
        layout.reach()
    assert list(layout._line_starts) == wrap(text, width) + wrap("after", width)
    assert layout.count(0) == len(wrap(text, width)) and layout.done


def test_a_jump_to_a_huge_last_paragraph_wraps_only_what_shows(monkeypatch):
    monkeypatch.setattr(article_view, "WRAP_WINDOW", 1000)
    monkeypatch.setattr(article_view, "HUGE_PARAGRAPH", 5000)
    huge = " ".join(f"word{i:06d}" for i in range(100_000))  # 1.1 M characters
    asked: list[tuple[int, int, int]] = []
    texts = ["Short one.", huge]

    def text(i, a=0, b=None):
        asked.append((i, a, len(texts[i]) if b is None else b))
        return texts[i][a:b]

    layout = _Layout(text, [len(t) for t in texts], 50, 0)
    layout.reach(index=1)
    assert layout.top(1) == 2 and layout.has_row(1, 30)
    assert layout.line_span(1, 30, len(huge)) == (30 * 44, 31 * 44)  # 4 words of 11 a line
    assert sum(b - a for i, a, b in asked if i == 1) <= 3000  # not 1.1 M
    assert layout.row_of(1, 440_000) == 10_000
    assert not layout.done
    assert layout.count(1) == 25_000 and layout.done
