"""Finding a query in an article, one block of text at a time.

An article may be 50 MB, or one paragraph of 20 MB: no folded copy of the
body is ever made. The body is cut into blocks (each paragraph, and a long
paragraph into pieces of :data:`BLOCK` characters); a block is folded
(:mod:`tui.text.fold`) when its matches are asked for, and only the
matches are kept, in a small cache bounded by the number of matches it
holds. A match belongs to the block it starts in; one that runs on past
the block's end (across the cut in a long paragraph) is found by folding a
little more of the paragraph behind the block.

Matches are body offsets ``(start, end)`` of the original text, every
occurrence of the folded query (overlapping ones too), in text order.
Nothing here knows about screens; the count may run on another thread
(the cache is locked).
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import chain

from .fold import fold, fold_query, fold_text

# Characters of a paragraph folded at once: a 20 MB paragraph is 320 blocks.
BLOCK = 1 << 16
# Matches the cache may hold (two 8-byte offsets each): about 8 MB at most.
CACHED_MATCHES = 500_000


def _overlaps(needle: str) -> bool:
    """True if two occurrences of ``needle`` can overlap (it has a proper border: "aa", "ana")."""
    return any(needle[:n] == needle[-n:] for n in range(1, len(needle)))


class SearchCancelled(Exception):
    """The count was stopped (the search changed or the app is quitting)."""


class ArticleSearch:
    """Every match of one query in an article's body, found block by block.

    ``starts`` and ``ends`` are the paragraphs' body offsets (as
    ``article.paragraphs.starts`` / ``.ends``).
    """

    def __init__(self, body: str, starts: Sequence[int], ends: Sequence[int], query: str,
                 block: int = BLOCK) -> None:
        self.query = query
        self.needle = fold_query(query)
        self._body = body
        # Each block's start and end, and the end of its paragraph (how far
        # a match that starts in it may run).
        self._starts, self._ends, self._limits = array("q"), array("q"), array("q")
        for start, end in zip(starts, ends):
            at = start
            while True:
                stop = min(end, at + block)
                self._starts.append(at)
                self._ends.append(stop)
                self._limits.append(end)
                at = stop
                if at >= end:
                    break
        self._cache: OrderedDict[int, tuple[array, array, int]] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()
        # Matches per block once counted (None until the count is done), and
        # how many matches come before each block.
        self.counts: array | None = None
        self._before: array | None = None

    @property
    def blocks(self) -> int:
        """How many blocks the body is cut into."""
        return len(self._starts)

    def block_of(self, offset: int) -> int:
        """The block holding body ``offset`` (the last one for an offset past the end)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    # -- one block ----------------------------------------------------------

    def _text(self, block: int) -> tuple[str, int | None]:
        """A block's text, with as much of its paragraph after it as a match
        starting in it may need, and the folded length of the block's own part
        (None: the text is the block alone, up to its paragraph's end)."""
        needle = self.needle
        start, end, limit = self._starts[block], self._ends[block], self._limits[block]
        text = self._body[start:end]
        if end >= limit:
            return text, None
        own = len(fold_text(text))
        # Fold further until len(needle) - 1 more folded characters are there
        # (more than that many characters if some fold to nothing).
        more, reach = 0, end
        while more < len(needle) - 1 and reach < limit:
            step = self._body[reach:min(limit, reach + 2 * len(needle) + 16)]
            more += len(fold_text(step))
            reach += len(step)
        # And the accents that fold to nothing behind it: a match ending
        # there takes them along (as it would in the whole paragraph).
        while reach < limit and not fold_text(self._body[reach]):
            reach += 1
        return self._body[start:reach], own

    def _compute(self, block: int) -> tuple[array, array]:
        """Fold one block (and as much after it as a match may need) and find the query."""
        found_starts, found_ends = array("q"), array("q")
        if not self.needle or not self._starts:
            return found_starts, found_ends
        text, own = self._text(block)
        start = self._starts[block]
        for a, b in fold(text).find_all(self.needle, own):
            found_starts.append(start + a)
            found_ends.append(start + b)
        return found_starts, found_ends

    def _count_block(self, block: int) -> int:
        """How many matches start in ``block``, without listing them if it can."""
        needle = self.needle
        if not needle:
            return 0
        text, own = self._text(block)
        if text.isascii() and not _overlaps(needle):
            # One character for one, and occurrences never overlap: C speed.
            stop = len(text) if own is None else own + len(needle) - 1
            return text.lower().count(needle, 0, stop)
        return len(self._compute(block)[0])

    def block_matches(self, block: int) -> tuple[array, array]:
        """Starts and ends of the matches that start in ``block`` (cached)."""
        starts, ends, _ = self._block(block)
        return starts, ends

    def _block(self, block: int) -> tuple[array, array, int]:
        """A block's match starts, ends and longest match length, from the cache or found now."""
        with self._lock:
            hit = self._cache.get(block)
            if hit is not None:
                self._cache.move_to_end(block)
                return hit
        starts, ends = self._compute(block)
        found = starts, ends, max((e - s for s, e in zip(starts, ends)), default=0)
        with self._lock:
            if block not in self._cache:
                self._cache[block] = found
                self._cached += len(starts)
                while self._cached > CACHED_MATCHES and len(self._cache) > 1:
                    _, (old, _, _) = self._cache.popitem(last=False)
                    self._cached -= len(old)
        return found

    # -- what the screen asks -------------------------------------------------

    def between(self, start: int, end: int) -> list[tuple[int, int]]:
        """Matches overlapping body offsets [start, end), in order (a drawn line)."""
        if not self.needle or not self._starts or end <= start:
            return []
        first = self.block_of(start)
        # A match from the block before may run into this one.
        found = []
        for block in range(max(0, first - 1), self.block_of(end - 1) + 1):
            if self.counts is not None and not self.counts[block]:
                continue
            starts, ends, longest = self._block(block)
            if not starts:
                continue
            # Sorted by start, and none longer than the block's longest.
            lo = bisect_left(starts, start - longest)
            hi = bisect_left(starts, end)
            found.extend((starts[i], ends[i]) for i in range(lo, hi) if ends[i] > start)
        return found

    def next_after(self, offset: int) -> tuple[tuple[int, int] | None, bool]:
        """The first match starting at or after ``offset``, else the first of all.

        Returns ``(match, wrapped)``; ``(None, False)`` if there is none.
        """
        if not self.needle or not self._starts:
            return None, False
        first = self.block_of(offset)
        order = chain(range(first, self.blocks), range(0, first + 1))
        for turn, block in enumerate(order):
            if self.counts is not None and not self.counts[block]:
                continue
            starts, ends = self.block_matches(block)
            wrapped = turn >= self.blocks - first
            i = 0 if wrapped else bisect_left(starts, offset)
            if i < len(starts):
                return (starts[i], ends[i]), wrapped
        return None, False

    def previous_before(self, offset: int) -> tuple[tuple[int, int] | None, bool]:
        """The last match starting before ``offset``, else the last of all.

        Returns ``(match, wrapped)``; ``(None, False)`` if there is none.
        """
        if not self.needle or not self._starts:
            return None, False
        first = self.block_of(offset)
        order = chain(range(first, -1, -1), range(self.blocks - 1, first - 1, -1))
        for turn, block in enumerate(order):
            if self.counts is not None and not self.counts[block]:
                continue
            starts, ends = self.block_matches(block)
            wrapped = turn > first
            i = len(starts) if wrapped else bisect_left(starts, offset)
            if i > 0:
                return (starts[i - 1], ends[i - 1]), wrapped
        return None, False

    # -- the count ---------------------------------------------------------------

    def count(self, should_stop: Callable[[], bool] | None = None) -> int:
        """Count every match (slow on a huge body: a worker calls it); keeps the
        per-block counts, so later jumps skip empty blocks. Raises
        :class:`SearchCancelled` if ``should_stop()`` turns true."""
        counts, before, total = array("q"), array("q"), 0
        for block in range(self.blocks):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            with self._lock:
                hit = self._cache.get(block)
            number = len(hit[0]) if hit is not None else self._count_block(block)
            before.append(total)
            counts.append(number)
            total += number
        self._before, self.counts = before, counts
        return total

    @property
    def total(self) -> int | None:
        """How many matches there are (None until counted)."""
        if self.counts is None:
            return None
        return self._before[-1] + self.counts[-1] if self.counts else 0

    def rank(self, match: tuple[int, int]) -> int | None:
        """1-based number of ``match`` among all (None until counted)."""
        if self._before is None:
            return None
        block = self.block_of(match[0])
        starts, _ = self.block_matches(block)
        return self._before[block] + bisect_left(starts, match[0]) + 1
