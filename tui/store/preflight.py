"""Checks on a database file that need neither sqlite-utils nor a write.

The CLI runs them before drawing any screen, so a bad ``--db`` fails at
once with one line, and the reader can start while sqlite-utils loads.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATION_SET = "tui"
# Every migration this version knows, in order; tests/test_store.py checks
# this against tui/store/schema.py.
KNOWN_MIGRATIONS = ("m001_initial", "m003_identity_anchor")
BUSY_TIMEOUT_S = 15
DEFAULT_DB = "annotations.db"


def default_db_path() -> Path:
    """``$TUI_DB`` if set, else ``annotations.db`` in the working directory."""
    return Path(os.environ.get("TUI_DB") or DEFAULT_DB)


class StoreError(Exception):
    """A database that cannot be used; the message is one line for the user."""


def check_database(path: Path) -> None:
    """Refuse a folder, a foreign file or a newer database; never writes."""
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
    if header:
        _refuse_newer_schema(path)


def _refuse_newer_schema(path: Path) -> None:
    """Read the applied migrations through a read-only connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return  # an empty database: migrations will set it up
        raise StoreError(f"{path}: not a usable SQLite database ({exc})") from None
    finally:
        conn.close()
    unknown = sorted({name for (name,) in rows} - set(KNOWN_MIGRATIONS))
    if unknown:
        raise StoreError(
            f"{path}: written by a newer version of tui (schema {unknown[-1]}); "
            "upgrade tui to open it"
        )


def is_current(path: Path) -> bool:
    """True if ``path`` is a database with every known migration applied.

    Read-only; lets read-only commands (export) skip loading sqlite-utils.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_S)
        try:
            names = {name for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return names == set(KNOWN_MIGRATIONS)
