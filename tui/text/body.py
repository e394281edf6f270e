"""An article's normalised text, held once as UTF-8 bytes, read by character offsets.

A 50 MB article with one em dash is 99 MB as a Python ``str`` (2 bytes a
character) but 50 MB as UTF-8. :class:`Body` keeps the UTF-8 and decodes
only what is asked for: ``body[a:b]`` takes *character* offsets, as every
offset in the program (and in the database) always has, and returns a
``str``.

The text is cut into blocks (each paragraph, and a long paragraph every
:data:`BLOCK` characters) whose start is recorded both in characters and
in bytes, so a slice finds its block by bisection. A block whose byte
length equals its character length is ASCII: its slices are decoded
straight from the bytes. Other blocks are decoded whole (at most BLOCK
characters) into a small LRU, so reading the sentences of one paragraph
decodes it once.
"""

from __future__ import annotations

import io
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict

# Characters of a block at most: bounds what one slice of a huge paragraph decodes.
BLOCK = 1 << 14
# Decoded non-ASCII blocks kept (at most BLOCK characters each).
_CACHED_BLOCKS = 32
# Bytes decoded at once in a huge slice (between two, other threads may run).
_DECODE_STEP = 1 << 20


class Body:
    """The body's text as UTF-8; ``len``, slicing and ``==`` by characters, like a ``str``.

    Cheap: ``len(body)``, ``body[a:b]`` and ``body[i]`` (decodes at most the
    blocks the slice covers), ``body.encode("utf-8")`` (the bytes
    themselves, no copy) and :meth:`utf8` (for hashing). Whole-text
    methods (``str(body)``, ``casefold``, ``split``, ``find`` ...) decode
    everything, a transient copy of the whole text: for rare paths only.
    """

    __slots__ = ("_data", "_chars", "_bytes", "_length", "_cache", "_lock", "_surrogates")

    def __init__(self, data: bytes, chars: array, byte_starts: array, length: int,
                 surrogates: bool = False) -> None:
        self._data = data
        # True if the text holds a lone surrogate (parse_article of odd text):
        # it is kept exactly, but is not valid UTF-8 (encode refuses it, as str's).
        self._surrogates = surrogates
        self._chars = chars  # block starts, in characters (the first is 0)
        self._bytes = byte_starts  # the same starts, in bytes
        self._length = length
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._lock = threading.Lock()  # the screen and workers read at once

    @classmethod
    def from_str(cls, text: str) -> Body:
        """A body holding ``text`` (exactly)."""
        writer = BodyWriter()
        writer.write(text)
        return writer.finish()

    # -- the str-like surface ---------------------------------------------

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, key: int | slice) -> str:
        if key.__class__ is slice:
            start, stop = key.start, key.stop
            if (key.step is None and start.__class__ is int and stop.__class__ is int
                    and 0 <= start < stop <= self._length):
                return self._slice(start, stop)  # the usual case, checked cheaply
            start, stop, step = key.indices(self._length)
            if step != 1:
                return str(self)[key]
            return self._slice(start, stop) if start < stop else ""
        if key < 0:
            key += self._length
        if not 0 <= key < self._length:
            raise IndexError("body index out of range")
        return self._slice(key, key + 1)

    def __str__(self) -> str:
        return self._data.decode("utf-8", "surrogatepass")

    def __repr__(self) -> str:
        return f"Body({self._length} characters)"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Body):
            return self._length == other._length and self._data == other._data
        if isinstance(other, str):
            return self._length == len(other) and self._data == other.encode(
                "utf-8", "surrogatepass")
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._data)

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The text encoded; as UTF-8, the bytes held (no copy)."""
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and (
                not self._surrogates or errors == "surrogatepass"):
            return self._data
        return str(self).encode(encoding, errors)

    def utf8(self) -> memoryview:
        """The UTF-8 bytes, read-only (hash them in place); ``UnicodeEncodeError``
        if the text holds a lone surrogate (as ``str.encode`` would)."""
        if self._surrogates:
            str(self).encode("utf-8")  # raises, naming the character
        return memoryview(self._data).toreadonly()

    # Whole-text conveniences (a full decode each time: search, rename checks, tests).
    def casefold(self) -> str:
        """``str(self).casefold()``."""
        return str(self).casefold()

    def split(self, *args) -> list[str]:
        """``str(self).split(...)``."""
        return str(self).split(*args)

    def find(self, *args) -> int:
        """``str(self).find(...)``."""
        return str(self).find(*args)

    def index(self, *args) -> int:
        """``str(self).index(...)``."""
        return str(self).index(*args)

    def startswith(self, prefix) -> bool:
        """``str(self).startswith(prefix)``, reading only the start."""
        if isinstance(prefix, tuple):
            return any(self.startswith(p) for p in prefix)
        return self[:len(prefix)] == prefix

    def endswith(self, suffix) -> bool:
        """``str(self).endswith(suffix)``, reading only the end."""
        if isinstance(suffix, tuple):
            return any(self.endswith(s) for s in suffix)
        return len(suffix) <= self._length and self[self._length - len(suffix):] == suffix

    # -- blocks -----------------------------------------------------------

    def _block_end(self, block: int) -> tuple[int, int]:
        if block + 1 < len(self._chars):
            return self._chars[block + 1], self._bytes[block + 1]
        return self._length, len(self._data)

    def _block_text(self, block: int) -> str:
        """Block ``block`` decoded (non-ASCII blocks through the LRU)."""
        with self._lock:
            text = self._cache.get(block)
            if text is not None:
                self._cache.move_to_end(block)
                return text
        text = self._data[self._bytes[block]:self._block_end(block)[1]].decode(
            "utf-8", "surrogatepass")
        with self._lock:
            self._cache[block] = text
            while len(self._cache) > _CACHED_BLOCKS:
                self._cache.popitem(last=False)
        return text

    def _byte_of(self, block: int, offset: int) -> int:
        """The byte position of character ``offset``, which lies in ``block``."""
        char_start, byte_start = self._chars[block], self._bytes[block]
        char_end, byte_end = self._block_end(block)
        if char_end - char_start == byte_end - byte_start:  # ASCII
            return byte_start + offset - char_start
        prefix = self._block_text(block)[:offset - char_start]
        return byte_start + len(prefix.encode("utf-8", "surrogatepass"))

    def _slice(self, start: int, stop: int) -> str:
        chars, data = self._chars, self._data
        first = bisect_right(chars, start) - 1
        after = first + 1
        if after < len(chars):
            char_end, byte_end = chars[after], self._bytes[after]
        else:
            char_end, byte_end = self._length, len(data)
        char_start, byte_start = chars[first], self._bytes[first]
        if stop <= char_end:  # within one block
            if char_end - char_start == byte_end - byte_start:  # ASCII: straight from the bytes
                return data[byte_start + start - char_start:
                            byte_start + stop - char_start].decode("ascii")
            rest = char_end - stop
            if start == char_start and rest <= 2 and data[byte_end - rest:byte_end].isascii():
                # A whole paragraph (its block but the separator): decoded
                # as it is, not through the cache (a scan reads each once).
                return data[byte_start:byte_end - rest].decode("utf-8", "surrogatepass")
            return self._block_text(first)[start - char_start:stop - char_start]
        last = bisect_right(chars, stop - 1, after) - 1
        begin = self._byte_of(first, start)
        end = self._byte_of(last, stop) if stop < self._length else len(data)
        with memoryview(data) as view:
            if end - begin <= _DECODE_STEP:
                return str(view[begin:end], "utf-8", "surrogatepass")
            # A huge slice (a 20 MB paragraph for the splitter's worker) is
            # decoded a step at a time, cut at block starts (character
            # boundaries): one decode holds the GIL throughout (40 ms), and
            # the screen's thread waited for it.
            pieces, at = [], begin
            while at < end:
                cut = bisect_right(self._bytes, at + _DECODE_STEP, first, last + 1) - 1
                if self._bytes[cut] <= at:  # no block starts within the step: the next one
                    cut += 1
                cut = min(self._bytes[cut] if cut <= last else end, end)
                pieces.append(str(view[at:cut], "utf-8", "surrogatepass"))
                at = cut
            return "".join(pieces)


class BodyWriter:
    """Builds a :class:`Body` a piece at a time; the bytes are made once, not copied."""

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self._chars, self._bytes = array("q"), array("q")
        self.length = 0  # characters written so far
        self._surrogates = False

    def write(self, text: str, *, new_block: bool = True) -> None:
        """Append ``text``; it starts a new block unless ``new_block`` is False
        (a separator stays with the block before it). A long text is cut
        into blocks of at most BLOCK characters."""
        if not text:
            return
        out = self._out
        for at in range(0, len(text), BLOCK):
            piece = text[at:at + BLOCK] if len(text) > BLOCK else text
            if new_block or not self._chars or at:
                self._chars.append(self.length)
                self._bytes.append(out.tell())
            try:
                out.write(piece.encode("utf-8"))
            except UnicodeEncodeError:
                # parse_article's text may hold a lone surrogate: kept exactly
                # (surrogatepass), and the body remembers it is not valid UTF-8.
                out.write(piece.encode("utf-8", "surrogatepass"))
                self._surrogates = True
            self.length += len(piece)

    def finish(self) -> Body:
        """The body; the writer is emptied (BytesIO hands over its buffer without a copy)."""
        out, self._out = self._out, io.BytesIO()
        data = out.getvalue()
        out.close()
        return Body(data, self._chars, self._bytes, self.length, self._surrogates)
