"""The labels a sentence can carry, defined in one place.

Adding a label is one line in ``LABELS``: the reader's keys, colours, legend,
help screen and the export's validation all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """A tag a sentence can carry: its name, key, colour and meaning."""

    name: str
    key: str
    colour: str
    description: str

    @property
    def mark(self) -> str:
        """The one-letter mark shown without colour (gutter letter)."""
        return self.key.upper()


LABELS: tuple[Label, ...] = (
    Label("claim", "c", "#e5a50a", "A checkable statement of fact"),
    Label("quote", "q", "#3584e4", "Words attributed to a speaker"),
    Label("background", "b", "#9a9996", "Context, history or explanation"),
)

LABELS_BY_NAME = {label.name: label for label in LABELS}
LABELS_BY_KEY = {label.key: label for label in LABELS}


def get_label(name: str) -> Label:
    """The label called ``name``; ValueError names the valid ones otherwise."""
    try:
        return LABELS_BY_NAME[name]
    except KeyError:
        valid = ", ".join(LABELS_BY_NAME)
        raise ValueError(f"unknown label {name!r} (expected one of: {valid})") from None
