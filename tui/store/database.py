"""Opening the annotation database safely.

Before anything is written, the file is checked (tui/store/preflight.py): a
file that is not SQLite, another program's database, or a database written
by a newer version of tui is refused with a one-line :class:`StoreError`
and left byte-for-byte unchanged. A database this user cannot write (a
read-only file, folder or disk, an immutable file) opens read-only, with
the reason in ``db.read_only``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from .sqlite_utils_lean import Database

from .preflight import (
    BUSY_TIMEOUT_S,
    DEFAULT_DB,
    StoreError,
    check_database,
    connect_read_only,
    default_db_path,
    describe_error,
    no_room,
    write_refusal,
)
from .schema import MIGRATIONS

__all__ = ["BUSY_TIMEOUT_S", "DEFAULT_DB", "StoreDatabase", "default_db_path", "open_database",
           "write_transaction"]


class StoreDatabase(Database):
    """A sqlite-utils Database that knows its file and whether it may write."""

    path: Path
    read_only: str | None  # why it cannot be written, or None


def open_database(path: str | Path, busy_timeout: float = BUSY_TIMEOUT_S) -> StoreDatabase:
    """Open (creating if needed) and migrate the database at ``path``.

    ``busy_timeout`` is how many seconds a write waits for another
    program's lock (15 in production; tests pass less).
    """
    path = Path(path)
    check_database(path)
    reason = write_refusal(path)
    if reason is not None and not path.exists():
        raise StoreError(f"{path}: cannot create the database: {reason}")
    existed = path.exists() and path.stat().st_size > 0
    try:
        return _open(path, busy_timeout, reason)
    except StoreError as exc:
        # A full disk: the tags already saved are still read (status,
        # orphans, the reader with its banner), as on a read-only disk.
        if reason is not None or not existed or not exc.disk_full:
            raise
    return _open(path, busy_timeout, f"{path} is on a full disk")


def _open(path: Path, busy_timeout: float, reason: str | None) -> StoreDatabase:
    """open_database's work; ``reason``: why the file is opened read-only (or None)."""
    try:
        if reason is None:
            conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
        else:
            conn = connect_read_only(path, timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise _store_error(exc, path, reason) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = StoreDatabase(conn)
        db.path, db.read_only = path, reason
        if reason is None:
            _prepare_when_free(db, busy_timeout)
        elif [m.name for m in MIGRATIONS.pending(db)][:1] == ["m001_initial"]:
            raise StoreError(f"{path}: cannot create the database: {reason}")
        # A read-only database of the previous schema is read as it is:
        # the reads do not depend on the later migrations.
    except sqlite3.Error as exc:
        conn.close()
        raise _store_error(exc, path, reason) from None
    except BaseException:
        conn.close()
        raise
    return db


def _store_error(exc: sqlite3.Error, path: Path, reason: str | None) -> StoreError:
    error = StoreError(describe_error(exc, path, reason))
    error.disk_full = no_room(exc, path)
    return error


def _prepare_when_free(db: StoreDatabase, busy_timeout: float) -> None:
    """:func:`_prepare`, retried while another process is creating the file.

    Two windows started at once on a new database race to create it: the
    switch to WAL and the first read of a file being set up in rollback
    mode can fail with SQLITE_BUSY at once, without SQLite's busy handler.
    Retried for up to ``busy_timeout``; a real held lock still ends in
    "locked by another program".
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            _prepare(db)
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", None) in (5, 6) or "locked" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
            _rollback(db.conn)
            time.sleep(0.05)


def _prepare(db: StoreDatabase) -> None:
    """WAL, FULL sync, and the pending migrations (only they take the lock)."""
    conn = db.conn
    # WAL lets readers and one writer work at once; FULL sync makes each
    # commit survive power loss, still well under a millisecond here.
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    # Checking first (a read) means a current database opens even while
    # another program holds the write lock.
    if MIGRATIONS.pending(db):
        with write_transaction(db):
            MIGRATIONS.apply(db)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (SQLite may have ended it)."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE).

    Taking the lock up front means a second instance waits on the busy
    timeout instead of failing with "database is locked" when it upgrades
    a read to a write. Committed when the block ends; on any error (a
    statement, or the COMMIT itself on a full disk) rolled back, so nothing
    of a failed write remains and the connection is usable again. SQLite
    errors leave as a one-line StoreError.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    path = getattr(db, "path", "database")
    read_only = getattr(db, "read_only", None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
    except sqlite3.Error as exc:
        raise StoreError(describe_error(exc, path, read_only)) from exc
