"""The library's rows as the last scan left them, read before the store opens.

Opening the store loads sqlite-utils and runs the migration checks (a few
tenths of a second); a second launch of a large folder should not wait for
that to show its list. This module uses only :mod:`sqlite3`, on a read-only
connection of its own, and reads the scan cache (``library_files``), the
articles and the tag counts. The real scan (:mod:`tui.store.library`) runs
next and corrects whatever changed since; any trouble here (no database
yet, one from before m005, a lock) just means no early rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .labels import LABELS
from .status_row import StatusRow, file_state

_ROWS = """
SELECT f.path, f.title, f.outlet, f.date, f.sentences, f.error, a.id, a.path, a.title, a.source,
       a.date, a.last_opened, a.done_at, a.file_hash, a.opened_hash, a.opened_path
FROM library_files f LEFT JOIN articles a ON a.file_hash = f.file_hash
WHERE f.path >= ? AND f.path < ?
"""
_COUNTS = """
SELECT article_id, label, CASE WHEN paragraph IS NULL THEN 'orphan' ELSE anchor END AS state,
       count(*) FROM annotations GROUP BY article_id, label, state
"""


def peek(db_path: Path, folder: Path) -> tuple[list[StatusRow], dict[str, Any] | None]:
    """The cached rows of ``folder`` and its remembered view (None: not remembered)."""
    if not Path(db_path).is_file():
        return [], None
    try:
        conn = sqlite3.connect(f"file:{quote(str(Path(db_path).resolve()))}?mode=ro", uri=True,
                               timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return [], None
    try:
        return _read(conn, folder)
    except sqlite3.Error:
        return [], None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, folder: Path) -> tuple[list[StatusRow], dict[str, Any] | None]:
    inside = str(folder.resolve()).rstrip("/") + "/"
    conn.execute("BEGIN")  # one snapshot for the three reads
    counts: dict[int, dict[str, Any]] = {}
    for article_id, label, state, number in conn.execute(_COUNTS):
        entry = counts.setdefault(article_id, {"tagged": {}, "fuzzy": 0, "orphans": 0})
        if state == "orphan":
            entry["orphans"] += number
            continue
        entry["tagged"][label] = entry["tagged"].get(label, 0) + number
        if state == "fuzzy":
            entry["fuzzy"] += number
    rows = []
    for (path, title, outlet, date, sentences, error, article_id, at, a_title, a_source, a_date,
         opened, done, file_hash, opened_hash, opened_path) in conn.execute(
            _ROWS, [inside, inside[:-1] + "0"]):
        if error:
            rows.append(StatusRow(Path(path).name, "", "", path, None, state="unreadable",
                                  error=error))
            continue
        if article_id is None or at != path:
            # Never opened, or a copy/move the scan will sort out.
            rows.append(StatusRow(title, outlet, date, path, sentences,
                                  {label.name: 0 for label in LABELS},
                                  state="new" if article_id is None else "…"))
            continue
        entry = counts.get(article_id, {"tagged": {}, "fuzzy": 0, "orphans": 0})
        record = {"file_hash": file_hash, "opened_hash": opened_hash, "opened_path": opened_path}
        rows.append(StatusRow(
            a_title, a_source, a_date, path, sentences,
            {label.name: entry["tagged"].get(label.name, 0) for label in LABELS} | entry["tagged"],
            entry["fuzzy"], entry["orphans"], file_state(record, path), opened or "", article_id,
            done=bool(done)))
    view = conn.execute("SELECT sort, descending, show, selected FROM library_views "
                        "WHERE folder = ?", [str(folder.resolve())]).fetchone()
    conn.execute("COMMIT")
    if view is None:
        return rows, None
    return rows, {"sort": view[0], "descending": bool(view[1]), "show": view[2],
                  "selected": view[3]}
