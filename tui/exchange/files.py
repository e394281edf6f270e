"""Writing output files so that a failed run leaves the old file untouched.

A regular file (or a new name) is written beside the target under a
temporary name, ``.NAME.PID.XXXXXXXX.tmp``, and renamed over it only when
the export succeeds. A run killed outright (SIGKILL, power loss) cannot
remove its temporary file; the next export to the same target removes those
whose process (the PID in the name) is gone. Anything that is not a regular
file (a FIFO, ``/dev/null``, ``/dev/full``, a terminal, a symlink to
``/dev/stdout``) is written into as a stream, never replaced by a file.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO


class OutputError(Exception):
    """An output target the export refuses; the message is one line."""


@contextlib.contextmanager
def atomic_text_output(target: str | Path, bom: bool = False,
                       protect: Iterable[Path] = ()) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream for ``target`` ('-' is standard output).

    A regular file gets the permissions a plain ``open`` would give (those
    of the file it replaces, else the umask's), not mkstemp's owner-only
    0600. ``protect`` lists files that must never be the target (the
    database and its ``-wal``/``-shm``): :class:`OutputError` if it is one,
    or if the target is a read-only file (as ``cp`` refuses it).
    """
    encoding = "utf-8-sig" if bom else "utf-8"
    if str(target) == "-":
        with _stdout_stream(encoding) as out:
            yield out
        return
    path = Path(target)
    _refuse_protected(path, protect)
    try:
        info = path.stat()  # follows symlinks: what the data would go into
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{target}: is a directory")
        # A FIFO, a device, a terminal: write into it, as a shell's `>` would.
        with open(path, "w", encoding=encoding, newline="") as out:
            yield out
        return
    if info is not None and (not info.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise OutputError(f"{target}: is read-only; not replacing it")
    # Through a symlink, the file it points to is replaced, not the link.
    path = Path(os.path.realpath(path))
    folder = path.parent
    remove_stale_temporaries(folder, path.name)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                         dir=folder)
    try:
        os.chmod(temp_name, _mode_for(path))
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            yield out
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


@contextlib.contextmanager
def _stdout_stream(encoding: str) -> Iterator[TextIO]:
    """Standard output as UTF-8, whatever the locale says.

    Exports are UTF-8 files, also when piped: the bytes go to the buffer
    underneath ``sys.stdout`` (which a big export writes to directly).
    """
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a test's StringIO
        yield sys.stdout
        return
    out = io.TextIOWrapper(buffer, encoding=encoding, newline="", write_through=False)
    try:
        yield out
        out.flush()
    finally:
        out.detach()  # leave sys.stdout's buffer open for Python's own exit


def stdout_is_utf8() -> bool:
    """True if standard output's own encoding is UTF-8 (for a warning)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding in ("utf8", "utf8sig")


def _refuse_protected(path: Path, protect: Iterable[Path]) -> None:
    """OutputError if ``path`` is one of ``protect`` (same file or same name)."""
    resolved = os.path.realpath(path)
    for other in protect:
        same_name = resolved == os.path.realpath(other)
        try:
            same_file = os.path.samefile(path, other)
        except OSError:  # one of them does not exist
            same_file = False
        if same_name or same_file:
            raise OutputError(f"{path}: is the database or one of its files ({other}); refusing to overwrite it")


def database_files(db: Path) -> list[Path]:
    """The database and the files SQLite keeps beside it."""
    return [db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def remove_stale_temporaries(folder: Path, name: str) -> list[Path]:
    """Remove ``.NAME.PID.*.tmp`` files in ``folder`` left by dead processes.

    Only files of processes that no longer exist, and owned by this user,
    are removed; returns them.
    """
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[^.]+\.tmp")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and not pid_alive(int(match.group(1))) and _owned(entry):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists (another user's counts too)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def _owned(entry: os.DirEntry) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_uid == os.getuid()
    except OSError:
        return False


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
