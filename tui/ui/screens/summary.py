"""A summary of one article or of the whole library, as small bar charts.

Counts per label, tagged/total, notes, fuzzy/orphaned tags; for the library
also articles done / in progress / untouched. Bars are plain block
characters, so they read the same in any terminal and in snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...text.safe import printable

BAR = 30


@dataclass
class Summary:
    """What a summary shows: ``title``, then (name, value, out of) bars per section."""

    title: str
    sections: list[tuple[str, list[tuple[str, int, int]]]] = field(default_factory=list)
    notes: int = 0


def bar(value: int, whole: int, width: int = BAR) -> str:
    """``value`` out of ``whole`` as a bar of ``width`` cells (eighths of a block)."""
    if whole <= 0:
        return " " * width
    eighths = round(min(1.0, value / whole) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return text.ljust(width, "·")


def render_summary(summary: Summary) -> str:
    """The summary as plain text lines (the screen shows this)."""
    lines = [printable(summary.title), ""]
    for heading, rows in summary.sections:
        lines.append(heading)
        name_width = max((len(name) for name, _v, _w in rows), default=0)
        for name, value, whole in rows:
            share = f"{100 * value / whole:5.1f}%" if whole else "     -"
            lines.append(f"  {printable(name).ljust(name_width)}  {bar(value, whole)} "
                         f"{value:>6} / {whole:<6} {share}")
        lines.append("")
    lines.append(f"Notes: {summary.notes}")
    return "\n".join(lines)


class SummaryScreen(ModalScreen[None]):
    """Shows a :class:`Summary`; Escape, q or i closes it."""

    BINDINGS = [Binding("escape,q,i,I", "dismiss", "Close", id="summary.close")]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="help-box"):
            yield Static(Content(render_summary(self.summary)), id="summary-text")
