"""Case- and accent-insensitive text, with a map back to the original.

Search folds both the query and the text, so ``reforme`` finds ``réforme``,
``Zurich`` finds ``Zürich`` and ``strasse`` finds ``Straße``. Folding a
character may change its length (``ß`` -> ``ss``, ``ﬁ`` -> ``fi``, ``İ`` ->
``i`` + a dot that is then dropped, a combining accent -> nothing, a Hangul
syllable -> its jamo), so a match found in the folded text is mapped back
through an offset map to the span of the original it came from: the
highlight covers exactly those original characters.

Folding works one character at a time (casefold, compatibility
decomposition, combining marks dropped) and never looks at neighbours, so
``fold(a + b) == fold(a) + fold(b)``: a slice of the original can be folded
on its own, which lets search fold one paragraph (or one block of a long
one) at a time and never a whole 50 MB body.

The map is kept sparse: text where every character folds to exactly one
character (ASCII, most Latin, Cyrillic, Greek, CJK) needs no map at all;
otherwise it holds one entry per run, not one per character.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass


def fold_char(char: str) -> str:
    """One character folded: casefolded, decomposed (NFKD), combining marks dropped."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    # Marks with a combining class are accents, points and tone marks; a
    # base character never has one.
    return "".join(c for c in text if not unicodedata.combining(c))


class _Table(dict):
    """Code point -> its folding, computed on first sight (for ``str.translate``)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


class _Lengths(dict):
    """Code point -> one character naming its folding's length ('1' most of the time)."""

    def __missing__(self, code: int) -> str:
        length = self[code] = chr(0x30 + min(len(_FOLDS[code]), 9))
        return length


_FOLDS = _Table()
_LENGTHS = _Lengths()
# Characters whose folding is not one character long, in a length string.
_CHANGERS = re.compile("[^1]")


def fold_text(text: str) -> str:
    """``text`` folded (no map): for queries and for checks."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDS)


def fold_query(query: str) -> str:
    """A search query folded, its runs of white space made one space (as the body's are)."""
    return " ".join(fold_text(query).split())


@dataclass(frozen=True)
class Folded:
    """A text folded, and where each folded character came from in the original.

    The map is a list of runs: run ``k`` starts at folded offset
    ``fold_starts[k]`` and original offset ``orig_starts[k]``; in a run of
    stride 1 each folded character comes from the next original character,
    in a run of stride 0 (a character that folded to several) they all come
    from the same one. No runs at all: the identity.
    """

    text: str
    original_length: int
    fold_starts: array
    orig_starts: array
    strides: array

    def origin(self, index: int) -> int:
        """Offset in the original of the character folded to ``text[index]``
        (``len(text)`` maps to the original's length)."""
        if index >= len(self.text):
            return self.original_length
        if not self.fold_starts:
            return index
        run = bisect_right(self.fold_starts, index) - 1
        return self.orig_starts[run] + (index - self.fold_starts[run]) * self.strides[run]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that folded to ``text[start:end]`` (``start < end``).

        It ends after the last character that contributed, and after any
        characters that folded to nothing right behind it (the combining
        accents of its last letter), so a highlight never splits a letter
        from its accent.
        """
        first = self.origin(start)
        last = self.origin(end - 1) + 1
        return first, max(last, self.origin(end))

    def find_all(self, needle: str, limit: int | None = None):
        """Original spans of every occurrence of ``needle`` (overlapping ones too)
        starting before folded offset ``limit``, in order; of occurrences that
        start in the same original character (``s`` twice in ``ß``, ``ss`` at
        both of ``ßß``'s first two positions) only the first counts, so each
        match has its own start (what ``n`` steps through)."""
        if not needle:
            return
        text, stop = self.text, len(self.text) if limit is None else limit
        at, last = text.find(needle, 0, stop + len(needle) - 1), None
        while at != -1:
            span = self.span(at, at + len(needle))
            if span[0] != last:
                yield span
            last = span[0]
            at = text.find(needle, at + 1, stop + len(needle) - 1)


def fold(text: str) -> Folded:
    """Fold ``text`` and keep the map back to it."""
    empty = array("q")
    if text.isascii():
        return Folded(text.lower(), len(text), empty, empty, array("b"))
    folded = text.translate(_FOLDS)
    lengths = text.translate(_LENGTHS)
    fold_starts, orig_starts, strides = array("q"), array("q"), array("b")
    at_fold = at_orig = 0  # where the current stride-1 run would continue
    for change in _CHANGERS.finditer(lengths):
        index = change.start()
        # Folded offset of this character: everything before it in the
        # current run folded one for one.
        position = at_fold + (index - at_orig)
        if not fold_starts:
            fold_starts.append(0)
            orig_starts.append(0)
            strides.append(1)
        count = len(_FOLDS[ord(text[index])])
        if count:  # several characters, all from this one
            fold_starts.append(position)
            orig_starts.append(index)
            strides.append(0)
        # The one-for-one run goes on after it.
        at_fold, at_orig = position + count, index + 1
        fold_starts.append(at_fold)
        orig_starts.append(at_orig)
        strides.append(1)
    if not fold_starts:
        return Folded(folded, len(text), empty, empty, array("b"))
    return Folded(folded, len(text), fold_starts, orig_starts, strides)
