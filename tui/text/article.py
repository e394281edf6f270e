"""Articles: a file read into title, date, outlet, body, paragraphs and sentences.

Two layouts are understood:

* newswire, as in ``seeds/``: a date line, the headline, the outlet, a blank
  line, then paragraphs separated by blank lines;
* plain text: paragraphs separated by blank lines, the title taken from a
  first line that looks like a heading, else from the file name.

The body is normalised once (LF line endings, a hard-wrapped paragraph's lines
joined with one space, tabs and runs of spaces folded to one space, one blank
line between paragraphs) and every offset in the program points into it, in
characters. It is held once, as UTF-8 (:class:`~tui.text.body.Body`): a
50 MB article with an em dash is 99 MB as a ``str``; paragraphs and
sentences decode their own text when asked.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .dates import looks_like_date, normalise_date
from .body import Body, BodyWriter
from .decode import ArticleError, decode_file, open_article

if TYPE_CHECKING:
    from .segment import Span

# Horizontal white space other than the plain space, folded to a space.
_OTHER_SPACES = "\t\f\v\u00a0"
_SPACE_RUN = re.compile("  +")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]$")
_WORD = re.compile(r"\S+")
_MAX_HEADING = 100
_MAX_TRAILER_WORDS = 4
# Paragraphs up to this long share the segmenter's LRU (keyed by their
# text, a slice made for the lookup); a longer one keeps its spans only on
# itself, so no second copy of a 20 MB paragraph lingers in a cache.
_SHARED_SPLIT_MAX = 1 << 16
# Paragraphs kept made (with their sentences) once indexed, the most recently
# used; a reader paging through 111,000 paragraphs kept them all: ~1 KB each.
_KEPT_PARAGRAPHS = 2048
# Characters (or bytes) hashed per step: the body is never encoded whole at once.
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, eq=False)
class Sentence:
    """One sentence: 1-based index in its paragraph, offsets into the body.

    It keeps no text of its own: ``text`` is decoded from the article's
    body when asked for (a 20 MB paragraph's 200,000 sentences do not
    hold a second copy of it).
    """

    index: int
    start: int
    end: int
    body: Body = field(repr=False)

    @property
    def text(self) -> str:
        """The sentence's text (decoded from the body, made now)."""
        return self.body[self.start:self.end]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return ((self.index, self.start, self.end) == (other.index, other.start, other.end)
                and self.text == other.text)

    def __hash__(self) -> int:
        return hash((self.index, self.start, self.end))


@dataclass(frozen=True, eq=False)
class Paragraph:
    """One paragraph: 1-based index, offsets into the body.

    ``text`` is decoded from the article's body on demand: the article
    holds its text once. Sentences are split on first use, so opening a
    long document does not wait for the whole of it to be segmented.
    """

    index: int
    start: int
    end: int
    body: Body = field(repr=False)

    @property
    def text(self) -> str:
        """The paragraph's text (decoded from the body, made now)."""
        return self.body[self.start:self.end]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Paragraph):
            return NotImplemented
        return ((self.index, self.start, self.end) == (other.index, other.start, other.end)
                and self.text == other.text)

    def __hash__(self) -> int:
        return hash((self.index, self.start, self.end))

    @property
    def has_sentences(self) -> bool:
        """True once this paragraph object holds its sentences (reading them is free)."""
        return "_sentences" in self.__dict__

    def spans(self, should_stop: Callable[[], bool] | None = None) -> tuple[Span, ...]:
        """Sentence offsets relative to the paragraph, split once and kept.

        ``should_stop`` as in :func:`~tui.text.segment.split_sentences`
        (a worker passes it; the split then may raise ``SplitCancelled``).
        Not a ``cached_property``: in Python 3.11 that holds one lock for
        every instance, so a worker splitting a 20 MB paragraph would block
        the screen reading any other paragraph's sentences.
        """
        spans = self.__dict__.get("_spans")
        if spans is None:
            # Imported here: the first frame shows text, not sentences, and
            # need not wait for the splitter's module.
            from .segment import split_cached, split_uncached

            text = self.text
            if len(text) <= _SHARED_SPLIT_MAX:
                spans = split_cached(text, should_stop)
            else:
                spans = split_uncached(text, should_stop)
            del text
            spans = self.__dict__.setdefault("_spans", spans)  # one winner if two threads split
        return spans

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The paragraph's sentences, in order; they tile the paragraph."""
        sentences = self.__dict__.get("_sentences")
        if sentences is None:
            start, body = self.start, self.body
            built = tuple(Sentence(i, start + a, start + b, body)
                          for i, (a, b) in enumerate(self.spans(), start=1))
            sentences = self.__dict__.setdefault("_sentences", built)
        return sentences


class Paragraphs(Sequence):
    """An article's paragraphs: two arrays of offsets, objects made on demand.

    Indexing returns the same :class:`Paragraph` while it is in use (its
    sentences are kept on it): the :data:`_KEPT_PARAGRAPHS` most recently
    indexed, and every paragraph longer than ``_SHARED_SPLIT_MAX``
    characters (splitting one again would cost seconds), are kept; one
    indexed again after that is made again, its sentences split anew (or
    found in the segmenter's cache). Iterating makes a passing object for
    a paragraph not kept, so a scan of 111,000 paragraphs keeps none of
    them. ``starts`` and ``ends`` are the offsets, for bisection.
    """

    def __init__(self, body: Body, starts: array, ends: array) -> None:
        self.body = body
        self.starts = starts
        self.ends = ends
        self._recent: OrderedDict[int, Paragraph] = OrderedDict()
        self._pinned: dict[int, Paragraph] = {}
        self._lock = threading.Lock()  # the screen and workers index paragraphs

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self.starts)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("paragraph index out of range")
        made = self._pinned.get(index)
        if made is not None:
            return made
        with self._lock:
            made = self._recent.get(index)
            if made is not None:
                self._recent.move_to_end(index)
                return made
            made = self._make(index)
            if self.ends[index] - self.starts[index] > _SHARED_SPLIT_MAX:
                self._pinned[index] = made
            else:
                self._recent[index] = made
                if len(self._recent) > _KEPT_PARAGRAPHS:
                    self._recent.popitem(last=False)
        return made

    def __iter__(self) -> Iterator[Paragraph]:
        pinned, recent = self._pinned, self._recent
        for index in range(len(self.starts)):
            yield pinned.get(index) or recent.get(index) or self._make(index)

    def _make(self, index: int) -> Paragraph:
        return Paragraph(index + 1, self.starts[index], self.ends[index], self.body)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Paragraphs):
            if self.starts != other.starts or self.ends != other.ends:
                return False
            if not self.starts:
                return True
            first, last = self.starts[0], self.ends[-1]
            return self.body[first:last] == other.body[first:last]
        if isinstance(other, (tuple, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Paragraphs({len(self)})"


@dataclass(frozen=True)
class Article:
    """An article as read from a file: metadata, normalised body, paragraphs.

    ``body`` is a :class:`~tui.text.body.Body`: ``len``, ``body[a:b]``
    (character offsets, a ``str``) and ``==`` as for a ``str``; ``str(body)``
    decodes the whole text (a transient copy: rare paths only).
    """

    path: str
    title: str
    date: str
    source: str
    body: Body = field(repr=False)
    paragraphs: Paragraphs
    trailer: str = ""
    file_warnings: tuple[str, ...] = field(default=())

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per thing the user should know: the file's (not UTF-8),
        then the splitter's (blingfire could not load: a simpler rule splits).

        The splitter is checked here, not at load time, so opening an article
        does not wait for blingfire's import; read it when sentences are about
        to be split anyway.
        """
        from .segment import splitter_warning

        extra = splitter_warning()
        return (*self.file_warnings, extra) if extra else self.file_warnings

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the normalised body (as UTF-8): the article's identity."""
        return hash_text(self.body).hexdigest()

    def sentence_count(self, should_stop: Callable[[], bool] | None = None) -> int:
        """Number of sentences in all paragraphs (splits every paragraph once).

        Counts spans without building a Sentence per sentence (a 50 MB
        article has ~400,000), and remembers the total. ``should_stop`` as
        in :func:`~tui.text.segment.split_sentences`: polled between bounded
        chunks of work, it makes the count raise ``SplitCancelled``.
        """
        total = self.__dict__.get("_sentence_count")  # frozen: set through __dict__
        if total is None:
            total = sum(len(p.spans(should_stop)) for p in self.paragraphs)
            self.__dict__["_sentence_count"] = total
        return total


def hash_text(text: str | Body, digest=None):
    """``digest`` (a new SHA-256 if None) updated with ``text`` as UTF-8, 1 M characters
    at a time: the same digest as hashing ``text.encode()``, without a whole
    encoded copy of a 50 MB body. A :class:`Body` is hashed in its own bytes."""
    if digest is None:
        import hashlib  # (OpenSSL's module: ~1 ms, not needed for the first frame)

        digest = hashlib.sha256()
    if isinstance(text, Body):
        with text.utf8() as data:
            for at in range(0, len(data), _HASH_CHUNK):
                digest.update(data[at:at + _HASH_CHUNK])
        return digest
    for at in range(0, len(text), _HASH_CHUNK):
        digest.update(text[at:at + _HASH_CHUNK].encode("utf-8"))
    return digest


def load_article(path: str | Path) -> Article:
    """Read and parse the article at ``path``.

    Raises :class:`~tui.text.decode.ArticleError` with a one-line message for
    a missing, empty, binary or unreadable file.

    Memory: the file is read, decoded and normalised a piece at a time
    into the body's UTF-8; no stage holds a whole copy of the text beside
    another (a 50 MB file peaked at 334 MB, then 168 MB with the file's
    bytes and a UCS-2 body; now about its size).
    """
    path = Path(path)
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # Bytes of another encoding in the name (an old zip, a Latin-1 disk):
        # Python keeps them as lone surrogates, which no UTF-8 text (the
        # database, the terminal, JSON) can hold.
        shown = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
        raise ArticleError(f"{shown}: the file name is not valid UTF-8; "
                           "rename the file to read it") from None
    handle, shown = open_article(path)
    warnings: list[str] = []
    with handle:
        try:
            built = _Builder(str(path))
            built.feed(decode_file(handle, path, "utf-8"))
        except UnicodeDecodeError:
            # Read again from the start (the file stays open: the same file).
            encoding = "cp1252"
            try:
                built = _Builder(str(path))
                built.feed(decode_file(handle, path, encoding))
            except UnicodeDecodeError:
                encoding = "latin-1"  # the five bytes cp1252 leaves undefined
                built = _Builder(str(path))
                built.feed(decode_file(handle, path, encoding))
            warnings.append(f"{shown}: not valid UTF-8; decoded as {encoding}")
    return built.finish(warnings)


def parse_article(text: str, path: str = "", warnings: list[str] | None = None) -> Article:
    """Parse article ``text``; ``path`` names it when there is no heading."""
    built = _Builder(path)
    built.feed([text.replace("\r\n", "\n").replace("\r", "\n")])
    return built.finish(warnings)


def article_from_body(body: str, path: str, title: str, date: str, source: str) -> Article:
    """Rebuild an article from a stored, already normalised body (kept exactly)."""
    body = str(body)  # a Body (another article's) is read as its text
    starts, ends = array("q"), array("q")
    writer = BodyWriter()
    offset, last = 0, ""
    while True:  # one paragraph copy at a time
        cut = body.find("\n\n", offset)
        paragraph = body[offset:] if cut < 0 else body[offset:cut]
        if offset:
            writer.write("\n\n", new_block=False)
        writer.write(paragraph)
        if paragraph:
            starts.append(offset)
            ends.append(offset + len(paragraph))
            last = paragraph
        if cut < 0:
            break
        offset = cut + 2
    return _article(writer.finish(), starts, ends, last, path, title, date, source, None)


def _article(body: Body, starts: array, ends: array, last: str, path: str, title: str,
             date: str, source: str, warnings: list[str] | None) -> Article:
    """The article, the last paragraph (``last`` is its text) taken as a trailer if it is one."""
    trailer = ""
    if len(starts) > 1 and _is_trailer(last):
        starts.pop()
        ends.pop()
        trailer = last
    return Article(
        path=path,
        title=title,
        date=date,
        source=source,
        body=body,
        paragraphs=Paragraphs(body, starts, ends),
        trailer=trailer,
        file_warnings=tuple(warnings or ()),
    )


class _Builder:
    """Normalises text a piece at a time into the body's UTF-8 and paragraph offsets.

    Lines are folded and stripped one by one; blocks of non-blank lines
    become paragraphs, joined with one space; the first block may be the
    header (date, title, outlet; or a heading). Each paragraph is encoded
    into the body's writer as soon as it is complete, with its offsets in
    characters recorded; the body is never a ``str`` as a whole.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.out = BodyWriter()
        self.starts, self.ends = array("q"), array("q")
        self.last = ""  # the last paragraph's text: it may be a trailer
        self.header: list[str] | None = None  # the first block, until the second comes
        self.blocks = 0
        self.title = self.date = self.source = ""

    def feed(self, chunks: Iterable[str]) -> None:
        """Take text in pieces that end at line ends (the last may not)."""
        current: list[str] = []
        for chunk in chunks:
            lines = chunk.split("\n")
            if chunk.endswith("\n"):
                lines.pop()  # the line continues in no next piece: not a blank line
            del chunk
            for line in lines:
                line = _fold_spaces(line).strip()
                if line:
                    current.append(line)
                elif current:
                    self._block(current)
                    current = []
            del lines
        if current:
            self._block(current)

    def _block(self, lines: list[str]) -> None:
        self.blocks += 1
        if self.blocks == 1:
            self.header = lines  # what it is depends on whether a second block comes
            return
        if self.blocks == 2:
            self._take_header(more=True)
        self._paragraph(lines)

    def _take_header(self, more: bool) -> None:
        first, self.header = self.header, None
        if first is None:
            self.title = _title_from_path(self.path)
            return
        if len(first) >= 2 and looks_like_date(first[0]):
            self.date = normalise_date(first[0])
            self.title = first[1]
            self.source = first[2] if len(first) >= 3 else ""
            if first[3:]:
                self._paragraph(first[3:])
        elif len(first) == 1 and _is_heading(first[0]) and more:
            self.title = first[0]
        else:
            self.title = _title_from_path(self.path)
            self._paragraph(first)

    def _paragraph(self, lines: list[str]) -> None:
        text = " ".join(lines)
        out = self.out
        if self.starts:
            out.write("\n\n", new_block=False)
        self.starts.append(out.length)
        out.write(text)
        self.ends.append(out.length)
        self.last = text

    def finish(self, warnings: list[str] | None) -> Article:
        """The article; the writer hands its bytes over to the body."""
        if self.blocks <= 1:
            self._take_header(more=False)
        body = self.out.finish()
        return _article(body, self.starts, self.ends, self.last, self.path, self.title,
                        self.date, self.source, warnings)


def _fold_spaces(text: str) -> str:
    """Tabs, no-break spaces and runs of spaces become one plain space.

    Not a regex over every space: that visits every single space of a
    4.7 MB file (0.3 s). A regex for runs of two or more is scanned for at
    C speed (0.25 s on 50 MB, where replacing "  " until none was left took
    5 passes and 1.2 s).
    """
    for char in _OTHER_SPACES:
        if char in text:
            text = text.replace(char, " ")
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return text


def _is_heading(line: str) -> bool:
    return len(line) <= _MAX_HEADING and not line.endswith(".")


def _is_trailer(text: str) -> bool:
    """A stray short line at the end, such as the seed's 'Global Network'.

    At most five words are looked at.
    """
    if not text or _SENTENCE_END.search(text[-1:]):
        return False
    words = 0
    for _ in _WORD.finditer(text):
        words += 1
        if words > _MAX_TRAILER_WORDS:
            return False
    return "\n" not in text


def _title_from_path(path: str) -> str:
    return Path(path).stem if path else "Untitled"
