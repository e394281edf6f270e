"""The compare view of the reader (issue 13): other coders' labels on the
cursor's sentence, for the status line.

Blind by default: the reader shows only the current coder's tags. ``C``
toggles this line; the coder's name is shown whenever other coders have
tagged the article (a solo reader's status line stays as it was). Names and labels
come from the database: printable() keeps them inert on the terminal.
"""

from __future__ import annotations

from ..text.safe import printable


def compare_text(coder: str, others: dict[tuple[int, int], dict[str, str]] | None,
                 sentence, team: bool = False) -> str:
    """The coder and the other coders' labels on ``sentence`` (None: no
    sentence) while the compare view is on; else the coder's name where
    others have coded the article (``team``), else ''."""
    if others is None:
        return printable(f"   coder {coder}") if team else ""
    here = others.get((sentence.start, sentence.end), {}) if sentence is not None else {}
    shown = ", ".join(f"{name} {label}" for name, label in sorted(here.items()))
    return printable(f"   coder {coder} · others: {shown or 'none'}")
