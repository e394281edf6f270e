"""Formatting an article's quotes for pasting into a story or a note."""

from __future__ import annotations

from collections.abc import Iterable

_STRAIGHT_PAIRS = (('"', '"'), ("“", "”"))


def typographic(text: str) -> str:
    """Wrap ``text`` in “curly quotes”, replacing one pair that wraps it whole."""
    for opening, closing in _STRAIGHT_PAIRS:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            if opening not in inner and closing not in inner:
                text = inner
                break
    return f"“{text}”"


def format_quotes(quotes: Iterable[str], title: str, source: str, date: str) -> str:
    """Each quote on its own line, then ``— title, source, date``."""
    lines = [typographic(q) for q in quotes]
    citation = ", ".join(part for part in (title, source, date) if part)
    lines.append(f"— {citation}")
    return "\n".join(lines)
