"""The one way to open the annotation database for reading only.

Export (and any later read-only command) reads through this connection:
opened with ``mode=ro`` so it can never create, migrate or change the file,
from a URI whose path is percent-quoted (a ``?`` or ``#`` or ``%`` in a folder
name is part of the path, not a URI parameter), waiting on another writer for
the store's busy timeout instead of failing at once with "database is
locked", and with ``query_only`` on, so that a stray write in the caller's
code is refused by SQLite itself. It needs neither sqlite-utils nor a
migration, so a read-only command starts fast.

Not ``immutable=1`` for an export even when nobody has the database open: an
export takes seconds, and a reader started meanwhile may checkpoint pages
under it. Instead the -wal/-shm that ``mode=ro`` had to create are removed
afterwards (:func:`tidy_side_files`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .preflight import StoreError
from .preflight import connect_read_only as _connect


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the existing database at ``path``.

    The connection set-up itself is the store's one copy
    (``preflight.connect_read_only``: ``mode=ro`` from a quoted ``file:``
    URI, the busy timeout, ``immutable=1`` only where SQLite cannot make
    its -shm, on a read-only folder or disk). Here ``query_only`` is added,
    and any failure is a :class:`StoreError` (one line); a missing file is
    an error, never created.
    """
    try:
        conn = _connect(Path(path), immutable=_unwritable(Path(path)))
        conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    return conn


def _unwritable(path: Path) -> bool:
    """True when no one may write the database (no write bit) and it has no WAL.

    Then nothing can change it under us, so it is read as ``immutable``:
    ``mode=ro`` alone would make a -wal/-shm beside it that no one may tidy
    (a read-write connection cannot open a 0444 file).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    # A -journal too: a writer that stopped mid-write left it, and the file,
    # read as immutable, would be half-written (preflight rolls it back).
    return not mode & 0o222 and not any(
        os.path.lexists(p) for p in (*side_files(path), Path(f"{path}-journal")))


def side_files(path: str | Path) -> list[Path]:
    """The ``-wal`` and ``-shm`` files SQLite keeps beside a WAL database."""
    path = Path(path)
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def tidy_side_files(path: str | Path) -> None:
    """Let SQLite remove the ``-wal``/``-shm`` a read-only reader had to create.

    A read-only connection to a WAL database creates them when they are
    missing but may not remove them when it closes. Call this after closing
    it, only when they did not exist before: a read-write connection that
    reads and closes removes them if (and only if) no other connection has
    the database open; their WAL is empty, so the database is not written.
    """
    if not os.access(path, os.W_OK):
        return  # mode=rw would fall back to read-only and make the very files to tidy
    try:
        # as_uri() quotes the file system's bytes: a folder name that is
        # not UTF-8 cannot go through str quoting.
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw",
                               uri=True, timeout=0.1)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a read-only folder or file: nothing to tidy there
