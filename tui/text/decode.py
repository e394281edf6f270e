"""Read an article file's bytes into text, with clear errors for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .paths import MAX_ARTICLE_BYTES, PathError, read_regular_file, show_path


class ArticleError(Exception):
    """A file that cannot be read as an article; the message names the path."""


# Bytes decoded per step when a file is read a piece at a time.
CHUNK_BYTES = 1 << 20


def read_article_bytes(path: Path) -> tuple[bytes, str]:
    """The bytes of an article file and its path as shown in messages.

    Only a regular file of at most ``MAX_ARTICLE_BYTES`` is read (see
    :mod:`tui.text.paths`); an empty or binary one is refused with one line.
    """
    try:
        data = read_regular_file(path, "an article file", MAX_ARTICLE_BYTES)
    except PathError as exc:
        raise ArticleError(str(exc)) from None
    shown = show_path(path)
    if not data.strip():
        raise ArticleError(f"{shown}: is empty")
    if b"\x00" in data:
        raise ArticleError(f"{shown}: looks like a binary file (it contains NUL bytes)")
    return data, shown


def decode_chunks(data: bytes, encoding: str) -> Iterator[str]:
    """``data`` decoded a piece (about ``CHUNK_BYTES``) at a time, with LF line ends.

    Pieces are cut just after a newline byte, which in UTF-8, cp1252 and
    latin-1 is never part of another character, and never between CR and
    LF. A UTF-8 byte order mark is dropped. Raises ``UnicodeDecodeError``
    (for UTF-8) on the first invalid piece: the caller starts over with
    another encoding.
    """
    start = 3 if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf") else 0
    length = len(data)
    view = memoryview(data)
    try:
        while start < length:
            cut = data.find(b"\n", start + CHUNK_BYTES)
            end = length if cut < 0 else cut + 1
            text = str(view[start:end], encoding)
            yield text.replace("\r\n", "\n").replace("\r", "\n")
            start = end
    finally:
        view.release()
