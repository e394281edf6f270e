"""Opening the annotation database safely.

Before anything is written, the file is checked: a file that is not SQLite,
or a database written by a newer version of tui, is refused with a one-line
:class:`StoreError` and left byte-for-byte unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .schema import MIGRATIONS

DEFAULT_DB = "annotations.db"
SQLITE_HEADER = b"SQLite format 3\x00"
# How long a writer waits for another instance's transaction to finish.
BUSY_TIMEOUT_MS = 15_000


class StoreError(Exception):
    """A database that cannot be used; the message is one line for the user."""


def default_db_path() -> Path:
    """``$TUI_DB`` if set, else ``annotations.db`` in the working directory."""
    return Path(os.environ.get("TUI_DB") or DEFAULT_DB)


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = Path(path)
    _refuse_foreign_file(path)
    if path.exists() and path.stat().st_size > 0:
        _refuse_newer_schema(path)
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


def _refuse_foreign_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database")
    if not path.exists():
        parent = path.parent
        if not parent.is_dir():
            raise StoreError(f"{path}: folder {parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read database ({exc.strerror or exc})") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: not a SQLite database; refusing to touch it")


def _refuse_newer_schema(path: Path) -> None:
    """Read the applied migrations without writing anything."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name]
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return  # an older or empty database: migrations will bring it up
        raise StoreError(f"{path}: not a usable SQLite database ({exc})") from None
    finally:
        conn.close()
    # Every migration this version knows is pending on an empty database.
    known = {m.name for m in MIGRATIONS.pending(Database(memory=True))}
    unknown = sorted({name for (name,) in rows} - known)
    if unknown:
        raise StoreError(
            f"{path}: written by a newer version of tui (schema {unknown[-1]}); "
            "upgrade tui to open it"
        )
