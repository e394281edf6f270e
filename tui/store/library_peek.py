"""The library's rows as the last scan left them, read before the store opens.

Opening the store loads sqlite-utils and runs the migration checks (a few
tenths of a second); a second launch of a large folder should not wait for
that to show its list. This module uses only :mod:`sqlite3`, on a read-only
connection of its own, and reads the scan cache (``library_files``), the
articles and this coder's tag counts. The real scan (:mod:`tui.store.library`)
runs next and corrects whatever changed since; any trouble here (no database
yet, one from before m005, a lock) just means no early rows.

``tui read FOLDER`` reads them (:func:`start_early`) before it imports
Textual, so the library's first frame already holds the rows
(:func:`take_early`). Not in a thread beside the imports: sqlite3 gives up
the GIL for every row it steps, and the import thread took it each time;
10,000 rows took 50-95 ms that way, 25 ms on their own.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .labels import LABELS
from .status_row import StatusRow, file_state

_ARTICLES = """
SELECT a.id, a.path, a.title, a.source, a.date, a.last_opened, a.done_at, a.file_hash,
       a.opened_hash, a.opened_path FROM articles a
"""
_FILES = """
SELECT path, title, outlet, date, sentences, error, file_hash FROM library_files
WHERE path >= ? AND path < ? ORDER BY path
"""
# This coder's tags only, as the store's counts (tags are per coder, issue 13).
_COUNTS = """
SELECT article_id, label, CASE WHEN paragraph IS NULL THEN 'orphan' ELSE anchor END AS state,
       count(*) FROM annotations WHERE annotator = ? GROUP BY article_id, label, state
"""


def has_articles(folder: Path) -> bool:
    """True if ``folder`` holds at least one ``.txt`` file (stops at the first)."""
    return any(p.is_file() for p in folder.rglob("*.txt"))


def peek(db_path: Path, folder: Path,
         annotator: str | None = None) -> tuple[list[StatusRow], dict[str, Any] | None]:
    """The cached rows of ``folder`` and its remembered view (None: not remembered).

    ``annotator``: whose tags are counted (default: the coder the store would
    resolve, from ``$TUI_ANNOTATOR`` or the OS user).
    """
    if annotator is None:
        from .coders import CoderNameError, current_coder

        try:
            annotator = current_coder()
        except CoderNameError:
            return [], None
    if not Path(db_path).is_file():
        return [], None
    try:
        conn = sqlite3.connect(f"file:{quote(str(Path(db_path).resolve()))}?mode=ro", uri=True,
                               timeout=0.5, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return [], None
    try:
        return _read(conn, folder, annotator)
    except (sqlite3.Error, UnicodeEncodeError):  # UnicodeEncodeError: a non-UTF-8 folder name
        return [], None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, folder: Path,
          annotator: str) -> tuple[list[StatusRow], dict[str, Any] | None]:
    inside = str(folder.resolve()).rstrip("/") + "/"
    conn.execute("BEGIN")  # one snapshot for the reads
    counts: dict[int, dict[str, Any]] = {}
    for article_id, label, state, number in conn.execute(_COUNTS, [annotator]):
        entry = counts.setdefault(article_id, {"tagged": {}, "fuzzy": 0, "orphans": 0})
        if state == "orphan":
            entry["orphans"] += number
            continue
        entry["tagged"][label] = entry["tagged"].get(label, 0) + number
        if state == "fuzzy":
            entry["fuzzy"] += number
    # The articles by file hash, joined here rather than in SQL: a library of
    # 10,000 files has few opened articles, and one index probe per file
    # cost as much as reading the files' rows.
    articles = {row[7]: row for row in conn.execute(_ARTICLES) if row[7]}
    zero = {label.name: 0 for label in LABELS}
    rows = []
    append = rows.append
    for path, title, outlet, date, sentences, error, file_hash in conn.execute(
            _FILES, [inside, inside[:-1] + "0"]):
        if error:
            append(StatusRow(Path(path).name, "", "", path, None, state="unreadable", error=error))
            continue
        found = articles.get(file_hash) if file_hash else None
        if found is None or found[1] != path:
            # Never opened, or a copy/move the scan will sort out.
            append(StatusRow(title, outlet, date, path, sentences, dict(zero),
                             state="new" if found is None else "…"))
            continue
        (article_id, _at, a_title, a_source, a_date, opened, done, file_hash, opened_hash,
         opened_path) = found
        entry = counts.get(article_id)
        tagged = dict(zero) if entry is None else zero | entry["tagged"]
        record = {"file_hash": file_hash, "opened_hash": opened_hash, "opened_path": opened_path}
        append(StatusRow(
            a_title, a_source, a_date, path, sentences, tagged,
            entry["fuzzy"] if entry else 0, entry["orphans"] if entry else 0,
            file_state(record, path), opened or "", article_id, done=bool(done)))
    view = conn.execute("SELECT sort, descending, show, selected FROM library_views "
                        "WHERE folder = ?", [str(folder.resolve())]).fetchone()
    conn.execute("COMMIT")
    if view is None:
        return rows, None
    return rows, {"sort": view[0], "descending": bool(view[1]), "show": view[2],
                  "selected": view[3]}


class _Early:
    """Rows read when the command started, for the screen to take."""

    def __init__(self, db_path: Path, folder: Path, annotator: str | None) -> None:
        self.key = (str(db_path), str(folder))
        try:
            self.result = peek(db_path, folder, annotator)
        except Exception:  # noqa: BLE001  (only a head start: the scan will list them)
            self.result = ([], None)


_early: _Early | None = None
_lock = threading.Lock()


def start_early(db_path: Path, folder: Path, annotator: str | None = None) -> None:
    """Read ``folder``'s cached rows now (see :func:`take_early`)."""
    global _early
    found = _Early(db_path, folder, annotator)
    with _lock:
        _early = found


def take_early(db_path: Path, folder: Path, wait: float | None = None):
    """The rows :func:`start_early` read for this database and folder, once:
    ``(rows, view)``, or None if none were read for them. (``wait``: kept for
    callers; the read is done when :func:`start_early` returns.)"""
    global _early
    with _lock:
        early = _early
        if early is None or early.key != (str(db_path), str(folder)):
            return None
        _early = None
    return early.result
