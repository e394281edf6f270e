"""Articles: a file read into title, date, outlet, body, paragraphs and sentences.

Two layouts are understood:

* newswire, as in ``seeds/``: a date line, the headline, the outlet, a blank
  line, then paragraphs separated by blank lines;
* plain text: paragraphs separated by blank lines, the title taken from a
  first line that looks like a heading, else from the file name.

The body is normalised once (LF line endings, a hard-wrapped paragraph's lines
joined with one space, tabs and runs of spaces folded to one space, one blank
line between paragraphs) and every offset in the program points into it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .dates import looks_like_date, normalise_date
from .decode import ArticleError, read_text
from .segment import split_cached, split_sentences, splitter_warning

# Horizontal white space other than the plain space, folded to a space.
_OTHER_SPACES = "\t\f\v\u00a0"
_SPACE_RUN = re.compile("  +")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]$")
_MAX_HEADING = 100
_MAX_TRAILER_WORDS = 4


@dataclass(frozen=True)
class Sentence:
    """One sentence: 1-based index in its paragraph, offsets into the body."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: 1-based index, offsets into the body, its text.

    Sentences are split on first use, so opening a long document does not
    wait for the whole of it to be segmented.
    """

    index: int
    start: int
    end: int
    text: str

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """The paragraph's sentences, in order; they tile the paragraph."""
        return tuple(
            Sentence(i, self.start + a, self.start + b, self.text[a:b])
            for i, (a, b) in enumerate(split_sentences(self.text), start=1)
        )


@dataclass(frozen=True)
class Article:
    """An article as read from a file: metadata, normalised body, paragraphs."""

    path: str
    title: str
    date: str
    source: str
    body: str
    paragraphs: tuple[Paragraph, ...]
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
        extra = splitter_warning()
        return (*self.file_warnings, extra) if extra else self.file_warnings

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the normalised body: the article's identity."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def sentence_count(self, should_stop: Callable[[], bool] | None = None) -> int:
        """Number of sentences in all paragraphs (splits every paragraph once).

        Counts spans without building a Sentence per sentence (a 50 MB
        article has ~400,000), and remembers the total. ``should_stop`` as
        in :func:`~tui.text.segment.split_sentences`: polled between bounded
        chunks of work, it makes the count raise ``SplitCancelled``.
        """
        total = self.__dict__.get("_sentence_count")  # frozen: set through __dict__
        if total is None:
            total = sum(len(split_cached(p.text, should_stop)) for p in self.paragraphs)
            self.__dict__["_sentence_count"] = total
        return total


def load_article(path: str | Path) -> Article:
    """Read and parse the article at ``path``.

    Raises :class:`~tui.text.decode.ArticleError` with a one-line message for
    a missing, empty, binary or unreadable file.
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
    text, warnings = read_text(path)
    blocks = _blocks(text)
    del text  # the text need not outlive its lines (a 50 MB file: peak 334 -> 230 MB)
    return _parse_blocks(blocks, str(path), warnings)


def parse_article(text: str, path: str = "", warnings: list[str] | None = None) -> Article:
    """Parse article ``text``; ``path`` names it when there is no heading."""
    return _parse_blocks(_blocks(text), path, warnings)


def _parse_blocks(blocks: list[list[str]], path: str, warnings: list[str] | None) -> Article:
    title, date, source, blocks = _split_header(blocks, path)
    paragraphs = [_join_lines(block) for block in blocks]
    return _build(paragraphs, path, title, date, source, warnings)


def article_from_body(body: str, path: str, title: str, date: str, source: str) -> Article:
    """Rebuild an article from a stored, already normalised body."""
    return _build(body.split("\n\n"), path, title, date, source, None)


def _build(paragraphs: list[str], path: str, title: str, date: str, source: str,
           warnings: list[str] | None) -> Article:
    paragraphs = [p for p in paragraphs if p]
    trailer = ""
    if len(paragraphs) > 1 and _is_trailer(paragraphs[-1]):
        trailer = paragraphs.pop()
    body_parts = [*paragraphs, trailer] if trailer else paragraphs
    body = "\n\n".join(body_parts)
    built: list[Paragraph] = []
    offset = 0
    for index, paragraph in enumerate(paragraphs, start=1):
        built.append(Paragraph(index, offset, offset + len(paragraph), paragraph))
        offset += len(paragraph) + 2
    return Article(
        path=path,
        title=title,
        date=date,
        source=source,
        body=body,
        paragraphs=tuple(built),
        trailer=trailer,
        file_warnings=tuple(warnings or ()),
    )


def _blocks(text: str) -> list[list[str]]:
    """Split text into blocks of non-blank lines (blank = only whitespace)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    # Spaces folded line by line, not in a copy of the whole text: the
    # checks are C-speed scans, and a 50 MB text is not held twice.
    for line in text.split("\n"):
        line = _fold_spaces(line).strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


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


def _join_lines(lines: list[str]) -> str:
    return " ".join(lines)


def _split_header(
    blocks: list[list[str]], path: str
) -> tuple[str, str, str, list[list[str]]]:
    """Take title, date and source off the front of the blocks."""
    if not blocks:
        return _title_from_path(path), "", "", blocks
    first = blocks[0]
    if len(first) >= 2 and looks_like_date(first[0]):
        date = normalise_date(first[0])
        title = first[1]
        source = first[2] if len(first) >= 3 else ""
        rest = first[3:]
        return title, date, source, ([rest] if rest else []) + blocks[1:]
    if len(first) == 1 and _is_heading(first[0]) and len(blocks) > 1:
        return first[0], "", "", blocks[1:]
    return _title_from_path(path), "", "", blocks


def _is_heading(line: str) -> bool:
    return len(line) <= _MAX_HEADING and not line.endswith(".")


def _is_trailer(paragraph: str) -> bool:
    """A stray short line at the end, such as the seed's 'Global Network'."""
    return (
        "\n" not in paragraph
        and len(paragraph.split()) <= _MAX_TRAILER_WORDS
        and not _SENTENCE_END.search(paragraph)
    )


def _title_from_path(path: str) -> str:
    return Path(path).stem if path else "Untitled"
