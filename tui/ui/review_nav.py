"""Stepping through what was tagged, and the list the tags panel shows.

Pure functions and one small model, no Textual: the reader's review keys
(``]`` ``[`` ``}`` ``{`` ``w`` ``W``, see :mod:`tui.ui.review_actions`) and
the tags panel (:mod:`tui.ui.tags_panel`) call into them, and
``tests/test_review_nav.py`` tests them directly.

Tags are keyed by the sentence's body offsets ``(start, end)``, as the
article view's ``labels`` are. Stepping wraps around the article: the step
says so (``wrapped``) and the reader tells the user in one line.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Key = tuple[int, int]

# Anchor states, as the store names them (tui/store/schema.py, m003).
ANCHORS = ("exact", "moved", "fuzzy", "orphan")


@dataclass(frozen=True)
class TagStep:
    """Where a tag step lands: the tag's offsets, and whether it wrapped around."""

    start: int
    end: int
    wrapped: bool = False


def step_tag(labels: Mapping[Key, str], here: int, forward: bool,
             label: str | None = None) -> TagStep | None:
    """The next (``forward``) or previous tagged sentence from body offset ``here``.

    ``here`` is the start of the cursor's sentence (or of its paragraph
    while the paragraph is not split yet). ``label``: only tags with that
    label; None: any. Past the last (first) tag it wraps to the first
    (last) and says so; None if there is no such tag at all. One pass over
    the tags, no sort: 10,000 tags cost about a millisecond.
    """
    best: Key | None = None  # nearest beyond ``here`` in the direction of travel
    edge: Key | None = None  # the first (forward) or last tag of the article: the wrap target
    for key, name in labels.items():
        if label is not None and name != label:
            continue
        if forward:
            if key[0] > here and (best is None or key < best):
                best = key
            if edge is None or key < edge:
                edge = key
        else:
            if key[0] < here and (best is None or key > best):
                best = key
            if edge is None or key > edge:
                edge = key
    if best is not None:
        return TagStep(*best)
    if edge is not None:
        return TagStep(*edge, wrapped=True)
    return None


@dataclass(frozen=True)
class SentenceStep:
    """Where an untagged step lands: 1-based paragraph and sentence.

    ``sentence`` is None for a long paragraph not split yet: its sentences
    are unknown, so the step stops at its start (the view splits it).
    """

    paragraph: int
    sentence: int | None
    wrapped: bool = False


def step_untagged(count: int, sentences_of: Callable[[int], Sequence[Any] | None],
                  labels: Mapping[Key, str], paragraph: int, sentence: int,
                  forward: bool = True) -> SentenceStep | None:
    """The next (previous) sentence without a tag after (before) the cursor.

    ``count`` paragraphs; ``sentences_of(i)`` gives paragraph ``i``'s
    (0-based) sentences (objects with ``start`` and ``end``), or None if it
    is not split yet. ``paragraph``/``sentence`` are the cursor's, 1-based.
    Wraps around the article once; None if every sentence is tagged.
    """
    if count == 0:
        return None
    step = 1 if forward else -1
    # Visit the cursor's paragraph (after/before the cursor), the others in
    # order, then the cursor's paragraph again (the part before/after it).
    for turn in range(count + 1):
        index = (paragraph - 1 + step * turn) % count
        wrapped = (index < paragraph - 1) if forward else (index > paragraph - 1)
        if turn == count:
            wrapped = True
        sentences = sentences_of(index)
        if sentences is None:  # not split yet: stop there, it may hold untagged ones
            if turn == 0:
                continue
            return SentenceStep(index + 1, None, wrapped)
        order = range(len(sentences)) if forward else range(len(sentences) - 1, -1, -1)
        for position in order:
            number = position + 1
            if turn == 0 and (number <= sentence if forward else number >= sentence):
                continue
            if turn == count and (number >= sentence if forward else number <= sentence):
                break
            found = sentences[position]
            if (found.start, found.end) not in labels:
                return SentenceStep(index + 1, number, wrapped)
    return None


@dataclass(frozen=True)
class TagRow:
    """One line of the tags panel: a tag, where it is, its note and anchor state.

    ``paragraph``/``sentence`` are 1-based, None for an orphan (its sentence
    is gone from the text). ``text`` is the sentence's text as stored, not
    yet made printable.
    """

    start: int
    end: int
    label: str
    paragraph: int | None
    sentence: int | None
    text: str
    note: str
    anchor: str

    @property
    def key(self) -> Key:
        """The sentence's offsets."""
        return (self.start, self.end)

    @property
    def where(self) -> str:
        """``¶3.2``, or ``¶—`` for an orphan."""
        if self.paragraph is None:
            return "¶—"
        return f"¶{self.paragraph}.{self.sentence}"


class TagList:
    """This coder's tags of one article, as the panel and the note bar need them.

    Fed by the reader from what the store returned (whole lists when the
    tags are loaded or reloaded, one annotation after each committed write),
    so it shows only what is in the database. The rows stay sorted: one
    committed tag moves one row (a bisection), not a sort of 10,000.
    """

    def __init__(self) -> None:
        self.annotations: dict[Key, Any] = {}
        self.anchors: dict[Key, str] = {}  # placed tags whose anchor is not exact
        self.orphans: list[Any] = []  # store Unsettled rows whose anchor is orphan
        self.loaded = False  # False until the database's tags arrived
        self.version = 0  # bumped on every change (the panel redraws on it)
        self._placed: list[TagRow] | None = None  # sorted by (start, end)
        self._keys: list[Key] = []  # parallel to _placed, for bisection
        self._rows: list[TagRow] | None = None  # _placed, then the orphans
        self._noted = 0  # annotations with a note

    def _row(self, key: Key, a: Any) -> TagRow:
        return TagRow(a.start, a.end, a.label, a.paragraph, a.sentence, a.text, a.note,
                      self.anchors.get(key, "exact"))

    def _changed(self, rebuild: bool = False) -> None:
        if rebuild:
            self._placed = None
        self._rows = None
        self.version += 1

    def replace(self, annotations: Mapping[Key, Any]) -> None:
        """All tags at once (the database opened, or another window wrote)."""
        self.annotations = dict(annotations)
        self._noted = sum(1 for a in self.annotations.values() if a.note.strip())
        self.loaded = True
        self._changed(rebuild=True)

    def put(self, key: Key, annotation: Any | None) -> None:
        """One sentence's tag now (None: it has none)."""
        old = self.annotations.pop(key, None)
        if old is None and annotation is None:
            return
        self._noted -= 1 if old is not None and old.note.strip() else 0
        if annotation is not None:
            self.annotations[key] = annotation
            self._noted += 1 if annotation.note.strip() else 0
        if self._placed is not None:
            at = bisect_left(self._keys, key)
            there = at < len(self._keys) and self._keys[at] == key
            if annotation is None:
                if there:
                    del self._placed[at], self._keys[at]
            elif there:
                self._placed[at] = self._row(key, annotation)
            else:
                self._placed.insert(at, self._row(key, annotation))
                self._keys.insert(at, key)
        self._changed()

    def set_anchors(self, anchors: Mapping[Key, str], orphans: Iterable[Any]) -> None:
        """Anchor states: (start, end) -> moved/fuzzy for placed tags; orphans apart."""
        self.anchors = dict(anchors)
        self.orphans = [item for item in orphans if item.anchor == "orphan"]
        self._changed(rebuild=True)

    def note_at(self, key: Key) -> str:
        """The note on that sentence's tag ('' if none or untagged)."""
        annotation = self.annotations.get(key)
        return annotation.note if annotation is not None else ""

    def has_notes(self) -> bool:
        """True if any of the article's tags carries a note (kept count: asked on every move)."""
        return self._noted > 0

    def rows(self, label: str | None = None) -> list[TagRow]:
        """Tags in text order (orphans last), only ``label``'s if given."""
        if self._placed is None:
            self._keys = sorted(self.annotations)
            self._placed = [self._row(key, self.annotations[key]) for key in self._keys]
        if self._rows is None:
            self._rows = self._placed + [
                TagRow(o.start, o.end, o.label, None, None, o.text, o.note, "orphan")
                for o in self.orphans]
        if label is None:
            return self._rows
        return [row for row in self._rows if row.label == label]


def row_at_or_before(rows: Sequence[TagRow], offset: int) -> int | None:
    """Index of the last placed row starting at or before ``offset`` (the
    panel's highlight follows the article's cursor); None if none."""
    found = None
    low, high = 0, len(rows)
    while low < high:  # rows are sorted by start, orphans (no place) after
        middle = (low + high) // 2
        row = rows[middle]
        if row.paragraph is not None and row.start <= offset:
            found, low = middle, middle + 1
        else:
            high = middle
    return found
