"""Read an article file into text a piece at a time, with clear errors for bad input.

The file is never held whole as bytes: a 50 MB file read whole sat beside
the body being built from it (100 MB at once). It is read in pieces of
about :data:`CHUNK_BYTES`, each cut just after a newline byte (which in
UTF-8, cp1252 and latin-1 is never part of another character, and never
falls between CR and LF), and each piece is decoded on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .paths import MAX_ARTICLE_BYTES, PathError, _os_error, _size, open_regular_file, show_path


class ArticleError(Exception):
    """A file that cannot be read as an article; the message names the path."""


# Bytes read and decoded per step (each piece is briefly bytes, str and lines at once:
# 1 MB pieces made a 5 MB article peak 6 MB above its body, 256 KB ones 2 MB).
CHUNK_BYTES = 1 << 18


def open_article(path: Path) -> tuple[BinaryIO, str]:
    """The open article file (the caller closes it) and its path as shown in messages.

    Only a regular file of at most ``MAX_ARTICLE_BYTES`` is opened (see
    :mod:`tui.text.paths`).
    """
    try:
        handle = open_regular_file(path, "an article file", MAX_ARTICLE_BYTES)
    except PathError as exc:
        raise ArticleError(str(exc)) from None
    return handle, show_path(path)


def decode_file(handle: BinaryIO, path: Path, encoding: str) -> Iterator[str]:
    """The file's text decoded a piece at a time from its start, with LF line ends.

    A UTF-8 byte order mark is dropped. Raises ``UnicodeDecodeError`` (for
    UTF-8) on the first invalid piece: the caller starts over with another
    encoding. Raises :class:`ArticleError` for a file that is empty (only
    white space), binary (NUL bytes), over the size limit, or unreadable.
    """
    shown = show_path(path)
    first, seen_text = True, False
    for piece in _pieces(handle, path, shown):
        if b"\x00" in piece:
            raise ArticleError(f"{shown}: looks like a binary file (it contains NUL bytes)")
        if first and encoding == "utf-8" and piece.startswith(b"\xef\xbb\xbf"):
            piece = piece[3:]
        first = False
        seen_text = seen_text or bool(piece.strip())
        text = str(piece, encoding)
        del piece
        yield text.replace("\r\n", "\n").replace("\r", "\n")
    if not seen_text:
        raise ArticleError(f"{shown}: is empty")


def _pieces(handle: BinaryIO, path: Path, shown: str) -> Iterator[bytes]:
    """The file's bytes from its start, in pieces that end just after a newline
    (the last may not); a line longer than a chunk is gathered whole."""
    try:
        handle.seek(0)
    except OSError as exc:
        raise ArticleError(str(_os_error(path, exc))) from None
    pending: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = handle.read(CHUNK_BYTES)
        except OSError as exc:
            raise ArticleError(str(_os_error(path, exc))) from None
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_ARTICLE_BYTES:  # it grew while being read
            raise ArticleError(f"{shown}: files over {_size(MAX_ARTICLE_BYTES)} are not read")
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pending.append(chunk)
            continue
        pending.append(chunk[:cut] if cut < len(chunk) else chunk)
        yield pending[0] if len(pending) == 1 else b"".join(pending)
        pending = [chunk[cut:]] if cut < len(chunk) else []
        del chunk
    if pending:
        yield b"".join(pending)
