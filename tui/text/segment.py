"""Sentence segmentation: blingfire's boundaries, corrected for news text.

blingfire is the fastest of the maintained segmenters measured here and the
most accurate on Wikinews, but it trips on lists, on quoted speech followed by
a lower-case attribution, on spaced ellipses and on sentences with no space
after the full stop. Rather than write a segmenter from scratch we take its
boundaries and apply a handful of small, tested corrections (see
``bench/segment.py`` for the scores before and after).

A paragraph's sentences always tile it: the spans are ordered, do not overlap,
and only whitespace lies between or around them. That invariant is what lets
a tag point at a sentence by character offsets.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .fallback_split import FALLBACK_WARNING, fallback_cuts

Span = tuple[int, int]

# A list marker on its own: "1.", "1.)", "a.", "• 9.", "⁃10.", "(2)".
_LONE_MARKER = re.compile(r"^(?:[•⁃*]|[•⁃\-*]?\s*(?:\d{1,3}|[a-zA-Z])\s*[.)]\)?)$")
# A list marker that starts an item: "1.) ", "2) ", "3. ", "b. ", "• 10. ".
_MARKER_START = re.compile(r"^[•⁃]?\s*(?:\d{1,3}\.?\)|\d{1,3}\.|[a-z]\.)\s")
# The same markers where they appear inside a run of items.
_MARKER_INSIDE = re.compile(r"\s(?=[•⁃]?\s?(?:\d{1,3}\.?\)|\d{1,3}\.|[a-z]\.)\s)")
# A full stop with no space before the next sentence: "world.Today", "1,000.That".
_NO_SPACE_END = re.compile(r"(?<=[a-z0-9]{2})[.!?](?=[A-Z][a-z]+\b(?![@/\w]|\.\w))")
# A spaced ellipsis ". . ." inside a sentence (not a full stop before it).
_SPACED_ELLIPSIS_END = re.compile(r"(?:^|[^.\s])\s\. \. \.\s*$")
# A sentence that ends with a full stop followed by a spaced ellipsis: "words. . . ."
_STOP_THEN_ELLIPSIS = re.compile(r"\w\.(?= \. \. \.\s*$)")
# A parenthetical sentence after a full stop: "... Commons. (http://...)."
_END_BEFORE_PAREN = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=\()")
# A lower-case word that is a name rather than a sentence continuation: eHow, iPhone.
_CAMEL = re.compile(r"[a-z]+[A-Z]")
# A sentence end followed by a lower-case name (blingfire does not split there).
_END_BEFORE_CAMEL = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=[a-z]+[A-Z]\w*\s)")


def split_sentences(paragraph: str) -> list[Span]:
    """Return the sentences of ``paragraph`` as ``(start, end)`` offsets.

    Offsets are relative to ``paragraph``; each span is stripped of surrounding
    whitespace. The spans tile the paragraph: nothing but whitespace is left
    out. A paragraph of only whitespace has no sentences.
    """
    return list(_split_cached(paragraph))


@lru_cache(maxsize=4096)
def _split_cached(paragraph: str) -> tuple[Span, ...]:
    if not paragraph.strip():
        return ()
    cuts = _blingfire_cuts(paragraph)
    cuts |= _extra_cuts(paragraph)
    cuts = _drop_false_cuts(paragraph, cuts)
    return tuple(_spans_from_cuts(paragraph, cuts))


@cache
def _blingfire():
    """The blingfire module, or None where it cannot load (then the pure-
    Python splitter in fallback_split.py is used, with a warning)."""
    # Imported on first use: blingfire pulls in numpy (~0.25 s), which
    # commands that never split a sentence (export, --help) need not pay.
    try:
        import blingfire
    except (ImportError, OSError):  # no x86-64 binary for this machine
        return None
    return blingfire


_call_failed = False


def splitter_warning() -> str | None:
    """One line for the user if sentences come from the fallback splitter.

    Loads blingfire if it was not yet loaded (so call it when sentences are
    about to be split anyway).
    """
    return FALLBACK_WARNING if _call_failed or _blingfire() is None else None


def _blingfire_cuts(text: str) -> set[int]:
    """Positions where blingfire starts a new sentence (never 0)."""
    global _call_failed
    module = None if _call_failed else _blingfire()
    if module is None:
        return fallback_cuts(text)
    try:
        _, offsets = module.text_to_sentences_and_offsets(text)
    except (AssertionError, ValueError, UnicodeError):
        # blingfire refuses some inputs (NUL bytes, odd code points): fall back
        # to one sentence rather than lose the paragraph.
        return set()
    except (OSError, AttributeError):
        # The library loaded but cannot run here: use the fallback from now on.
        _call_failed = True
        return fallback_cuts(text)
    return {start for start, _ in offsets if start > 0}


def _extra_cuts(text: str) -> set[int]:
    """Boundaries blingfire misses."""
    cuts = {m.end() for m in _NO_SPACE_END.finditer(text)}
    cuts |= {m.end() for m in _END_BEFORE_CAMEL.finditer(text)}
    cuts |= {m.end() for m in _END_BEFORE_PAREN.finditer(text)}
    if _MARKER_START.match(text):
        # Inside a list, each marker starts an item.
        cuts |= {m.end() for m in _MARKER_INSIDE.finditer(text)}
    return cuts


def _drop_false_cuts(text: str, cuts: set[int]) -> set[int]:
    """Remove boundaries that split one sentence, and move misplaced ones."""
    kept: set[int] = set()
    previous = 0
    for cut in sorted(cuts):
        before = text[previous:cut].strip()
        after = text[cut:].lstrip()
        if not before:
            continue
        if _LONE_MARKER.match(before):
            continue  # "1." then "The first item": one list item.
        if _SPACED_ELLIPSIS_END.search(before) and not _STOP_THEN_ELLIPSIS.search(before):
            continue  # ". . ." inside a sentence.
        stop = _STOP_THEN_ELLIPSIS.search(before)
        if stop:
            # "compounds. . . . The": the sentence ends at the full stop and
            # the ellipsis opens the next one.
            cut = previous + (len(text[previous:cut]) - len(text[previous:cut].lstrip())) + stop.end()
        elif after[:1].islower() and not _CAMEL.match(after) and not _MARKER_START.match(after):
            continue  # '"This is great." she said.': the attribution belongs.
        kept.add(cut)
        previous = cut
    return kept


def _spans_from_cuts(text: str, cuts: set[int]) -> list[Span]:
    """Turn boundary positions into whitespace-stripped spans."""
    spans: list[Span] = []
    edges = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    for start, end in zip(edges, edges[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans
