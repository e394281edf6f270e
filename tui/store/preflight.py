"""Checks on a database file that need neither sqlite-utils nor a write.

The CLI runs them before drawing any screen, so a bad ``--db`` fails at
once with one line, and the reader can start while sqlite-utils loads.
Everything here reads only: a file that is refused is left byte-identical
(no PRAGMA that writes, not even ``journal_mode``, runs before the file is
known to be ours). Also here, because export and the CLI use them without
sqlite-utils: the read-only connection and the one-line wording of SQLite
errors.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ..text.paths import PathError, check_regular_file, show_path

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATION_SET = "tui"
# Every migration this version knows, in order; tests/test_store.py checks
# this against tui/store/schema.py.
KNOWN_MIGRATIONS = ("m001_initial", "m002_history_by_sentence", "m003_identity_anchor",
                    "m004_tags_per_coder", "m005_library", "m006_body_blobs")
# How long a write waits for another program's transaction before giving up.
# 15 s: long enough to outwait a sync tool or a second window, short enough
# that the user hears "not saved" in the same minute (tests assert it).
BUSY_TIMEOUT_S = 15
DEFAULT_DB = "annotations.db"

# SQLite primary result codes (sqlite3.h) the user-facing messages depend on.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
SQLITE_READONLY_ROLLBACK = SQLITE_READONLY | (3 << 8)  # a hot -journal, read-only connection


def default_db_path() -> Path:
    """``$TUI_DB`` if set, else ``annotations.db`` in the working directory."""
    return Path(os.environ.get("TUI_DB") or DEFAULT_DB)


class StoreError(Exception):
    """A database that cannot be used; the message is one line for the user."""

    disk_full = False  # set where the cause is a full disk (open_database reads it)


def describe_error(exc: sqlite3.Error, path: Path | str, read_only: str | None = None) -> str:
    """One line for the user saying what went wrong with the database at ``path``.

    Disk full, locked, damaged and read-only get their own words; anything
    else is "database error: ..." with SQLite's text on one line.
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    lowered = text.lower()
    if no_room(exc, path):
        return f"{path}: the disk is full; not saved"
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in lowered:
        return f"{path}: locked by another program; not saved"
    if (primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in lowered
            or "not a database" in lowered):
        return f"{path}: the database file is damaged ({text})"
    if primary == SQLITE_READONLY or "readonly database" in lowered:
        return f"tags can't be saved: {read_only or f'{path} is read-only'}"
    if primary == SQLITE_IOERR:
        return f"{path}: disk error ({text}); not saved"
    if primary == SQLITE_CANTOPEN:
        return f"{path}: cannot open the database ({text})"
    return f"{path}: database error: {text}"


def no_room(exc: sqlite3.Error, path: Path | str) -> bool:
    """True if ``exc`` means the disk holding ``path`` is full.

    A full disk may also surface as an I/O error (the -shm file of a
    database opened on a full disk cannot be sized).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    return (primary == SQLITE_FULL or "disk is full" in str(exc).lower()
            or (primary == SQLITE_IOERR and _no_space_left(path)))


def _empty_wal(path: Path) -> bool:
    """True if the database has no -wal, or an empty one (nothing committed
    there that the database file does not hold)."""
    try:
        return os.path.getsize(f"{path}-wal") == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _no_space_left(path: Path | str) -> bool:
    try:
        return os.statvfs(Path(path).parent).f_bavail == 0
    except OSError:
        return False


def write_refusal(path: Path) -> str | None:
    """Why the database at ``path`` cannot be written, or None if it can.

    Asks the system, not the permission bits: root may write a 0444 file,
    nobody may write on a read-only mount or to an immutable file. Opening
    for writing changes nothing in the file.
    """
    if path.exists():
        try:
            fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.EROFS:
                return f"{path} is on a read-only disk"
            if exc.errno == errno.EPERM:
                return f"{path} is immutable (chattr +i)"
            return f"{path} is read-only ({exc.strerror or exc})"
        os.close(fd)
    folder = path.parent
    # SQLite writes its -wal and -shm files next to the database.
    if not os.access(folder, os.W_OK):
        try:
            read_only_mount = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except OSError:
            read_only_mount = False
        if read_only_mount:
            return f"{path} is on a read-only disk"
        return f"the folder {folder} is read-only"
    return None


def _roll_back_hot_journal(path: Path, timeout: float) -> None:
    """Finish what a program that stopped mid-write left: its -journal.

    In rollback-journal mode (a database the sqlite3 shell or another tool
    switched out of WAL) a writer killed mid-transaction leaves pages of the
    file half-written and the originals in ``-journal``. A read-only
    connection cannot put them back (SQLITE_READONLY_ROLLBACK); any
    read-write connection does so at its first read, as SQLite always does:
    that is recovery, no change to what was committed. Where the file may
    not be written, an error says what to do.
    """
    if write_refusal(path) is not None:
        raise sqlite3.OperationalError(
            "a program stopped in the middle of a write (its -journal is beside the file); "
            "open the database once where it may be written, to finish undoing that write")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout,
                           isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def connect_read_only(path: Path, timeout: float = BUSY_TIMEOUT_S,
                      immutable: bool = False, _rolled_back: bool = False) -> sqlite3.Connection:
    """A connection that cannot write ``path``.

    ``mode=ro`` first; where SQLite cannot create the -shm file (a read-only
    folder or disk), ``immutable=1`` tells it that nobody changes the file.
    ``immutable`` asks for that at once.
    """
    uri = path.resolve().as_uri()
    if immutable:
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout,
                               isolation_level=None, check_same_thread=False)
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        code = getattr(exc, "sqlite_errorcode", 0)
        if code == SQLITE_READONLY_ROLLBACK:
            # Not the read-only folder below: read as immutable, the file
            # would be half-written (a crashed writer's -journal ignored).
            if _rolled_back:  # still there: never read it half-written
                raise
            _roll_back_hot_journal(path, timeout)
            return connect_read_only(path, timeout, _rolled_back=True)
        # CANTOPEN on a read-only disk, READONLY_DIRECTORY in a read-only folder.
        # On a full disk the -shm cannot be sized (IOERR_SHMSIZE): an export,
        # the way to save one's tags elsewhere, failed there. Read as
        # immutable then, if the -wal holds nothing the file does not.
        if code & 0xFF not in (SQLITE_CANTOPEN, SQLITE_READONLY) and not (
                code & 0xFF in (SQLITE_IOERR, SQLITE_FULL) and _no_space_left(path)
                and _empty_wal(path)):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)


def check_database(path: Path) -> None:
    """Refuse a folder, a foreign file or a newer database; never writes."""
    # Path level first, with stat only: a FIFO would block open() forever, a
    # device never ends; a name too long or a folder the user may not enter
    # is one line, not a traceback.
    try:
        found = check_regular_file(path, "a database", missing_ok=True)
    except PathError as exc:
        raise StoreError(str(exc)) from None
    if found is None:
        parent = path.parent
        if not parent.is_dir():
            raise StoreError(f"{show_path(path)}: folder {show_path(parent)} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read database ({exc.strerror or exc})") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: not a SQLite database; refusing to touch it")
    if header:
        _refuse_foreign_or_newer(path)


def _refuse_foreign_or_newer(path: Path) -> None:
    """Decide "ours" through a read-only connection, before any write.

    No tables: ours to set up. ``_sqlite_migrations`` with tui's set: ours
    (refused if it names a migration this version does not know). Anything
    else belongs to another program and is refused.
    """
    try:
        conn = connect_read_only(path, immutable=_idle_wal(path))
    except sqlite3.Error as exc:
        raise StoreError(describe_error(exc, path)) from None
    try:
        tables = sorted(name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
        if not tables:
            return  # an empty database: migrations will set it up
        names = []
        if "_sqlite_migrations" in tables:
            names = [name for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])]
    except sqlite3.Error as exc:
        raise StoreError(describe_error(exc, path)) from None
    finally:
        conn.close()
    if not names:
        shown = ", ".join(tables[:4]) + (", …" if len(tables) > 4 else "")
        raise StoreError(
            f"{path}: a database of another program (tables: {shown}); refusing to touch it"
        )
    unknown = sorted(set(names) - set(KNOWN_MIGRATIONS))
    if unknown:
        raise StoreError(
            f"{path}: written by a newer version of tui (schema {unknown[-1]}); "
            "upgrade tui to open it"
        )


def _idle_wal(path: Path) -> bool:
    """True for a WAL database that no program has open (it has no -wal file).

    Reading it with ``mode=ro`` would leave an empty -wal and -shm beside
    someone else's file; nobody is writing it, so ``immutable=1`` reads it
    safely without creating either.
    """
    try:
        with path.open("rb") as handle:
            versions = handle.read(20)[18:20]
    except OSError:
        return False
    return versions == b"\x02\x02" and not Path(f"{path}-wal").exists()


def is_current(path: Path) -> bool:
    """True if ``path`` is a database with every known migration applied.

    Read-only; lets read-only commands (export) skip loading sqlite-utils.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        # A quick look, as check_database's: no -wal/-shm made beside an idle file.
        conn = connect_read_only(path, immutable=_idle_wal(path))
        try:
            names = {name for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return names == set(KNOWN_MIGRATIONS)
