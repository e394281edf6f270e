"""Opening the annotation database safely.

Before anything is written, the file is checked: a file that is not SQLite,
or a database written by a newer version of tui, is refused with a one-line
:class:`StoreError` and left byte-for-byte unchanged.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .preflight import BUSY_TIMEOUT_S, DEFAULT_DB, StoreError, check_database, default_db_path
from .schema import MIGRATIONS

# How long a writer waits for another instance's transaction to finish.
BUSY_TIMEOUT_MS = BUSY_TIMEOUT_S * 1000


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = Path(path)
    check_database(path)
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    try:
        # WAL lets readers and one writer work at once; FULL sync makes each
        # commit survive power loss, still well under a millisecond here.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        with write_transaction(db):
            MIGRATIONS.apply(db)
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"{path}: cannot use database ({exc})") from None
    return db


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE).

    Taking the lock up front means a second instance waits on the busy
    timeout instead of failing with "database is locked" when it upgrades
    a read to a write. Committed when the block ends, rolled back on error.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
