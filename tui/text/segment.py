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

Cost is linear in the paragraph's length (a court transcript pasted as one
20 MB paragraph splits like 20 MB of short ones): no step copies the rest
of the paragraph or the text since the last cut, regular expressions look
at a bounded window around a cut (``pattern.match(text, pos, endpos)``
instead of slices), and blingfire is fed a huge paragraph in bounded
windows that start at one of its own sentence starts. A caller may pass
``should_stop``, polled between bounded chunks of work, to abandon a long
split (:class:`SplitCancelled`): Python threads cannot be killed, and an
app quitting waits for its worker threads.
"""

from __future__ import annotations

import ctypes
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache

from .cancel import SplitCancelled
from .fallback_split import FALLBACK_WARNING, fallback_cuts

__all__ = ["SplitCancelled", "Span", "split_cached", "split_sentences", "split_uncached",
           "splitter_warning"]

Span = tuple[int, int]

# Patterns that test the text around one cut are used with match(text, pos)
# or fullmatch(text, pos, endpos), never on a slice: a slice of a huge
# paragraph is a copy. Hence no "^" in the patterns used that way.
# A list marker on its own: "1.", "1.)", "a.", "• 9.", "⁃10.", "(2)" (fullmatch).
_LONE_MARKER = re.compile(r"[•⁃*]|[•⁃\-*]?\s*(?:\d{1,3}|[a-zA-Z])\s*[.)]\)?")
# A list marker that starts an item: "1.) ", "2) ", "3. ", "b. ", "• 10. " (match).
_MARKER_START = re.compile(r"[•⁃]?\s*(?:\d{1,3}\.?\)|\d{1,3}\.|[a-z]\.)\s")
# The same markers where they appear inside a run of items.
_MARKER_INSIDE = re.compile(r"\s(?=[•⁃]?\s?(?:\d{1,3}\.?\)|\d{1,3}\.|[a-z]\.)\s)")
# A full stop with no space before the next sentence: "world.Today", "1,000.That".
# (These three begin with the stop itself, the lookbehind after it: a pattern
# that begins with a character class is scanned for at C speed; one that
# begins with a lookbehind is tried at every position, 5-8x slower.)
_NO_SPACE_END = re.compile(r"[.!?](?<=[a-z0-9]{2}[.!?])(?=[A-Z][a-z]+\b(?![@/\w]|\.\w))")
# A spaced ellipsis ". . ." inside a sentence (not a full stop before it).
# Searched in the last few characters of a stripped sentence, so "^" can
# only match where "\s" cannot: both forms agree.
_SPACED_ELLIPSIS_END = re.compile(r"(?:^|[^.\s])\s\. \. \.\s*$")
# A sentence that ends with a full stop followed by a spaced ellipsis: "words. . . ."
_STOP_THEN_ELLIPSIS = re.compile(r"\w\.(?= \. \. \.\s*$)")
# A parenthetical sentence after a full stop: "... Commons. (http://...)."
_END_BEFORE_PAREN = re.compile(r"[.!?](?<=[a-z]{2}[.!?])\s+(?=\()")
# A lower-case word that is a name rather than a sentence continuation: eHow, iPhone.
_CAMEL = re.compile(r"[a-z]+[A-Z]")
# A sentence end followed by a lower-case name (blingfire does not split there).
_END_BEFORE_CAMEL = re.compile(r"[.!?](?<=[a-z]{2}[.!?])\s+(?=[a-z]+[A-Z]\w*\s)")
# The first character that is not whitespace (str.isspace and \s agree).
_NON_SPACE = re.compile(r"\S")
# Characters of the sentence's end that the ellipsis patterns need to see.
_TAIL = 12

# blingfire sees a paragraph longer than this in windows of this many
# characters; a window's last _MARGIN characters only give it context.
WINDOW = 1 << 16
_MARGIN = 2048
# Cuts examined between two polls of should_stop.
_POLL_EVERY = 4096


StopCheck = Callable[[], bool] | None


def split_sentences(paragraph: str, should_stop: StopCheck = None) -> list[Span]:
    """Return the sentences of ``paragraph`` as ``(start, end)`` offsets.

    Offsets are relative to ``paragraph``; each span is stripped of surrounding
    whitespace. The spans tile the paragraph: nothing but whitespace is left
    out. A paragraph of only whitespace has no sentences.

    ``should_stop``, if given, is called between bounded chunks of work (at
    most ~64 KB of text or 4,096 cuts apart, and once before starting);
    when it returns True the split raises :class:`SplitCancelled` and
    nothing is cached. A worker thread passes e.g.
    ``lambda: worker.is_cancelled``.
    """
    return list(split_cached(paragraph, should_stop))


class _Cache:
    """A small thread-safe LRU of split paragraphs (workers split too)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[Span, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Span, ...] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: tuple[Span, ...]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _Cache(4096)


def split_cached(paragraph: str, should_stop: StopCheck = None) -> tuple[Span, ...]:
    """:func:`split_sentences` as a tuple, shared with later calls (no copy)."""
    spans = _CACHE.get(paragraph)
    if spans is None:
        spans = split_uncached(paragraph, should_stop)
        _CACHE.put(paragraph, spans)
    return spans


def split_uncached(paragraph: str, should_stop: StopCheck = None) -> tuple[Span, ...]:
    """Split without the cache (benchmarks time this)."""
    _poll(should_stop)
    if _NON_SPACE.search(paragraph) is None:
        return ()
    cuts = _blingfire_cuts(paragraph, should_stop)
    _poll(should_stop)
    cuts |= _extra_cuts(paragraph, should_stop)
    _poll(should_stop)
    kept = _drop_false_cuts(paragraph, cuts, should_stop)
    return tuple(_spans_from_cuts(paragraph, kept))


def _poll(should_stop: StopCheck) -> None:
    if should_stop is not None and should_stop():
        raise SplitCancelled("sentence split cancelled")


# blingfire's shared library, by platform, in the blingfire package's folder.
_LIBRARY_NAMES = {"win32": "blingfiretokdll.dll", "darwin": "libblingfiretokdll.dylib"}


@cache
def _blingfire():
    """blingfire's shared library (ctypes), or None where it cannot load
    (then the pure-Python splitter in fallback_split.py is used, with a warning).

    Loaded straight from the package's folder, without importing the package:
    its ``__init__`` imports numpy (measured here: 0.17 s and 14 MB in every
    process that splits a sentence: the reader's store thread, each library
    helper), and the sentence functions used here need only the library.
    Nothing is imported where the package is hidden (``sys.modules`` holding
    None for it, as the tests do) or absent.
    """
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec("blingfire")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    name = _LIBRARY_NAMES.get(sys.platform, "libblingfiretokdll.so")
    try:
        return ctypes.CDLL(os.path.join(list(spec.submodule_search_locations)[0], name))
    except OSError:  # no binary for this machine (ARM, Apple Silicon)
        return None


_call_failed = False


def splitter_warning() -> str | None:
    """One line for the user if sentences come from the fallback splitter.

    Loads blingfire if it was not yet loaded (so call it when sentences are
    about to be split anyway).
    """
    return FALLBACK_WARNING if _call_failed or _blingfire() is None else None


def _blingfire_cuts(text: str, should_stop: StopCheck = None) -> set[int]:
    """Positions where a new sentence starts (never 0): blingfire's, or the
    fallback splitter's where blingfire cannot load or run."""
    global _call_failed
    if _call_failed or _blingfire() is None:
        return fallback_cuts(text)
    try:
        return _windowed_cuts(text, should_stop)
    except (OSError, AttributeError):
        # The library loaded but cannot run here: use the fallback from now on.
        _call_failed = True
        return fallback_cuts(text)


def _windowed_cuts(text: str, should_stop: StopCheck) -> set[int]:
    """Positions where blingfire starts a new sentence (never 0).

    A long text goes to blingfire in windows of WINDOW characters: on one
    20 MB string it is superlinear and allocates ~18 bytes per byte. Each
    window after the first starts at a sentence start blingfire found in
    the window before, outside that window's last _MARGIN characters (which
    only served as look-ahead), so every window begins where a sentence
    does, as the whole text would. A stretch of WINDOW characters without
    any sentence start (not prose) moves on after its last space.
    """
    length = len(text)
    if length <= WINDOW:
        return {start for start in _sentence_starts(text) if start > 0}
    cuts: set[int] = set()
    position = 0
    while True:
        _poll(should_stop)
        end = position + WINDOW
        if end >= length:
            cuts.update(position + s for s in _sentence_starts(text[position:]) if s > 0)
            return cuts
        limit = WINDOW - _MARGIN
        starts = [s for s in _sentence_starts(text[position:end]) if 0 < s < limit]
        cuts.update(position + s for s in starts)
        if starts:
            position += starts[-1]
        else:
            space = text.rfind(" ", position, position + limit)
            position = space + 1 if space >= position else position + limit


def _sentence_starts(text: str) -> list[int]:
    """blingfire's sentence starts in ``text`` (character offsets, ascending).

    Calls blingfire's C function directly: its Python wrapper maps byte
    offsets to characters with a Python loop over every byte (~0.15 s per
    MB). Whenever the answer could differ from the wrapper's (a NUL byte,
    offsets that are not in order or not on character boundaries), the
    wrapper itself answers. A text blingfire refuses has no starts.
    """
    try:
        data = text.encode("utf-8")
        if b"\0" in data:
            return _wrapper_starts(text)
        starts = _native_starts(data, text.isascii())
        return _wrapper_starts(text) if starts is None else starts
    except (AssertionError, ValueError, UnicodeError, ImportError):
        # blingfire refuses some inputs (NUL bytes, odd code points): fall back
        # to one sentence rather than lose the paragraph.
        return []


def _wrapper_starts(text: str) -> list[int]:
    # blingfire's own Python wrapper (importing it loads numpy): only for the
    # rare texts the native call above does not answer.
    import blingfire

    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    return [start for start, _ in offsets]


def _native_starts(data: bytes, ascii_only: bool) -> list[int] | None:
    """Character offsets of blingfire's sentence starts in ``data``, or None."""
    lib = _blingfire()
    size = len(data) * 2  # the buffer sizes blingfire's wrapper uses
    out = ctypes.create_string_buffer(size)
    begins = (ctypes.c_int32 * size)()
    ends = (ctypes.c_int32 * size)()
    used = lib.TextToSentencesWithOffsets(
        ctypes.c_char_p(data), ctypes.c_int(len(data)), ctypes.byref(out),
        ctypes.byref(begins), ctypes.byref(ends), ctypes.c_int(size))
    if used == -1 or used > size:
        return []
    count = out.value.count(b"\n") + 1
    byte_starts = begins[:count]
    byte_ends = ends[:count]
    # The wrapper pairs each start with end + 1, in order, on character
    # boundaries; anything else is its business.
    previous = 0
    for begin, end in zip(byte_starts, byte_ends):
        if not previous <= begin <= end + 1 or begin >= len(data):
            return None
        previous = end + 1
    if previous > len(data):
        return None
    if ascii_only:
        return byte_starts
    if any(end + 1 < len(data) and data[end + 1] & 0xC0 == 0x80 for end in byte_ends):
        return None  # an end inside a character
    starts, chars, last = [], 0, 0
    for begin in byte_starts:
        if data[begin] & 0xC0 == 0x80:  # inside a character
            return None
        chars += len(data[last:begin].decode("utf-8"))
        starts.append(chars)
        last = begin
    return starts


def _extra_cuts(text: str, should_stop: StopCheck = None) -> set[int]:
    """Boundaries blingfire misses."""
    cuts = _match_ends(_NO_SPACE_END, text, should_stop)
    cuts |= _match_ends(_END_BEFORE_CAMEL, text, should_stop)
    cuts |= _match_ends(_END_BEFORE_PAREN, text, should_stop)
    if _MARKER_START.match(text):
        # Inside a list, each marker starts an item.
        cuts |= _match_ends(_MARKER_INSIDE, text, should_stop)
    return cuts


def _match_ends(pattern: re.Pattern[str], text: str, should_stop: StopCheck) -> set[int]:
    """Where ``pattern``'s matches in ``text`` end, polling ``should_stop``.

    A long text is searched WINDOW characters at a time, each search
    reaching _MARGIN characters further for the look-ahead and keeping the
    matches that begin inside its window (a lookbehind sees the text before
    a search's start). The patterns' matches begin with a stop or a single
    space, so none can begin inside another: the same matches as one
    search, unless a look-ahead needs a word longer than _MARGIN.
    """
    length = len(text)
    if length <= WINDOW:
        return {m.end() for m in pattern.finditer(text)}
    ends: set[int] = set()
    for start in range(0, length, WINDOW):
        _poll(should_stop)
        stop = start + WINDOW
        ends.update(m.end() for m in pattern.finditer(text, start, min(length, stop + _MARGIN))
                    if m.start() < stop)
    return ends


def _drop_false_cuts(text: str, cuts: set[int], should_stop: StopCheck = None) -> set[int]:
    """Remove boundaries that split one sentence, and move misplaced ones.

    For each cut, "before" is the stripped text since the last kept cut and
    "after" the text from the cut on, left-stripped. Neither is copied: the
    tests read their first or last few characters in place, so a cut costs
    the same however far the previous one is and however much text follows.
    """
    kept: set[int] = set()
    previous = 0
    for count, cut in enumerate(sorted(cuts), start=1):
        if count % _POLL_EVERY == 0:
            _poll(should_stop)
        first = _NON_SPACE.search(text, previous, cut)
        if first is None:
            continue  # only whitespace since the last cut
        start = first.start()  # "before" is text[start:end]
        end = cut
        while text[end - 1].isspace():
            end -= 1
        if _LONE_MARKER.fullmatch(text, start, end):
            continue  # "1." then "The first item": one list item.
        tail = max(start, end - _TAIL)
        stop = _STOP_THEN_ELLIPSIS.search(text, tail, end)
        if _SPACED_ELLIPSIS_END.search(text, tail, end) and not stop:
            continue  # ". . ." inside a sentence.
        if stop:
            # "compounds. . . . The": the sentence ends at the full stop and
            # the ellipsis opens the next one.
            cut = stop.end()
        else:
            after = _NON_SPACE.search(text, cut)
            if (after is not None and text[after.start()].islower()
                    and not _CAMEL.match(text, after.start())
                    and not _MARKER_START.match(text, after.start())):
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
