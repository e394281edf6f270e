"""Paths from outside: only regular files are read, within a size limit.

A FIFO blocks ``open()`` until a writer comes (forever, in practice), a
character device such as ``/dev/zero`` never ends, and a socket cannot be
read at all. So every file the program reads -- article, database, import --
goes through :func:`check_regular_file` (a ``stat``, no ``open``) first.
:func:`open_regular_file` (for streaming readers such as imports) then opens
without blocking and checks again on the open file (the path may have been
swapped in between); articles are read by :func:`read_regular_file`, which
never reads more than the limit.

Every problem is a :class:`PathError` whose message is one line naming the
path, with control characters shown as visible symbols.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from .safe import printable

# Articles larger than this are refused before a byte is read. A long novel
# is 1-2 MB; 64 MB of text is far beyond any article, and parsing it would
# take minutes and gigabytes.
MAX_ARTICLE_BYTES = 64 * 1024 * 1024

# Longer names are shortened in messages (they are still one line).
_MAX_SHOWN = 160


class PathError(Exception):
    """A path that cannot be read as the file asked for; one-line message."""


def show_path(path: str | os.PathLike) -> str:
    """``path`` for a one-line message: control characters made visible,
    and a very long name shortened in the middle."""
    text = printable(os.fsdecode(path))
    if len(text) > _MAX_SHOWN:
        text = f"{text[:100]}…{text[-50:]} ({len(text)} characters)"
    return text


def _kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is, in words (None: regular)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_error(path, exc: OSError) -> PathError:
    """One line for an OSError on ``path``."""
    shown = show_path(path)
    reasons = {
        errno.ENOENT: "no such file",
        errno.ENAMETOOLONG: "name too long for the file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.ELOOP: "too many levels of symbolic links",
        errno.ENXIO: "no such device or address",
    }
    reason = reasons.get(exc.errno) or f"cannot be read ({exc.strerror or exc})"
    return PathError(f"{shown}: {reason}")


def check_regular_file(
    path: str | os.PathLike,
    what: str = "a file",
    *,
    max_bytes: int | None = None,
    missing_ok: bool = False,
) -> os.stat_result | None:
    """Refuse anything at ``path`` but a regular file; return its stat.

    ``what`` names the expected file in messages ("an article file", "a
    database"). A directory, FIFO, device or socket, a missing file (unless
    ``missing_ok``: then None is returned), a name too long, a folder on the
    way the user may not enter, or a file over ``max_bytes`` raise
    :class:`PathError`. Only ``stat`` is called: nothing is opened.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if missing_ok and exc.errno == errno.ENOENT:
            return None
        raise _os_error(path, exc) from None
    except ValueError:  # an embedded NUL: no such file can exist
        raise PathError(f"{show_path(path)}: no such file") from None
    kind = _kind(info.st_mode)
    if kind is not None:
        raise PathError(f"{show_path(path)}: is {kind}, not {what}")
    if max_bytes is not None and info.st_size > max_bytes:
        raise PathError(
            f"{show_path(path)}: is {_size(info.st_size)}; files over {_size(max_bytes)} "
            "are not read"
        )
    return info


def open_regular_file(
    path: str | os.PathLike, what: str = "a file", max_bytes: int | None = None
) -> BinaryIO:
    """Open the regular file at ``path`` for reading bytes (the caller closes it).

    For readers that stream (imports): :func:`check_regular_file` first,
    then an open that cannot block (a FIFO swapped in after the check must
    not hang the program), then the same check on the open file.
    """
    check_regular_file(path, what, max_bytes=max_bytes)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
    except OSError as exc:
        os.close(fd)
        raise _os_error(path, exc) from None
    if kind is not None:
        os.close(fd)
        raise PathError(f"{show_path(path)}: is {kind}, not {what}")
    return os.fdopen(fd, "rb")


def read_regular_file(
    path: str | os.PathLike, what: str = "a file", max_bytes: int = MAX_ARTICLE_BYTES
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Opened by :func:`open_regular_file`; a file that grows past the limit
    while being read is refused too.
    """
    with open_regular_file(path, what, max_bytes) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _os_error(path, exc) from None
    if len(data) > max_bytes:
        raise PathError(f"{show_path(path)}: files over {_size(max_bytes)} are not read")
    return data


def _size(count: int) -> str:
    """A byte count in MB (or bytes, when small), for messages."""
    mb = 1024 * 1024
    if count < mb:
        return f"{count} bytes"
    return f"{count // mb} MB" if count % mb == 0 else f"{count / mb:.1f} MB"


def is_missing(path: str | os.PathLike) -> bool:
    """True if nothing exists at ``path`` (other errors are not "missing")."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


__all__ = [
    "MAX_ARTICLE_BYTES",
    "PathError",
    "check_regular_file",
    "is_missing",
    "open_regular_file",
    "read_regular_file",
    "show_path",
]
