"""Read an article file's bytes into text, with clear errors for bad input."""

from __future__ import annotations

from pathlib import Path


class ArticleError(Exception):
    """A file that cannot be read as an article; the message names the path."""


def read_text(path: Path) -> tuple[str, list[str]]:
    """Return the file's text with LF line endings, and any warnings.

    UTF-8 (with or without BOM) is read as is. Anything else is decoded as
    cp1252, the usual encoding of such files, falling back to latin-1 for
    the five bytes cp1252 leaves undefined, and a warning says so.
    """
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if path.is_dir():
        raise ArticleError(f"{path}: is a directory, not an article file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ArticleError(f"{path}: is empty")
    if b"\x00" in data:
        raise ArticleError(f"{path}: looks like a binary file (it contains NUL bytes)")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "latin-1"
        warnings.append(f"{path}: not valid UTF-8; decoded as {encoding}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings
