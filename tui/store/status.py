"""The library's table: every article of a folder, a file or the database, with true counts.

One row per article: title, outlet, date, path, sentences, tags per label,
fuzzy, orphans, file state and last opened. An edited file is re-anchored
here (tui/store/identity.py), so the counts are true without opening each
article in the reader. Used by ``tui status`` and by the library screen.

File states: ``ok``; ``edited`` (its text changed since the reader last
showed it); ``moved`` (found elsewhere than where it was last opened);
``moved+edited``; ``copy`` (a byte-identical copy of an article whose file
is elsewhere); ``missing`` (no file: its tags are still listed here);
``new`` (never opened); ``unreadable`` (the file could not be read).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..text import ArticleError, SplitCancelled, load_article
from ..text.segment import StopCheck
from .database import write_transaction
from .identity import Resolved, _row, file_hash, resolve
from .labels import LABELS
from .preflight import StoreError, describe_error
from .status_row import StatusRow, file_state


def tag_counts(conn: sqlite3.Connection, annotator: str | None = None) -> dict[int, dict[str, Any]]:
    """Per article id: placed tags per label, fuzzy and orphaned counts.

    ``annotator``: that coder's tags only (tags are per coder, issue 13).
    """
    counts: dict[int, dict[str, Any]] = {}
    where, params = ("WHERE annotator = ? ", [annotator]) if annotator is not None else ("", [])
    for article_id, label, anchor, number in conn.execute(
            "SELECT article_id, label, CASE WHEN paragraph IS NULL THEN 'orphan' ELSE anchor END "
            f"AS state, count(*) FROM annotations {where}GROUP BY article_id, label, state", params):
        entry = counts.setdefault(article_id, {"tagged": {}, "fuzzy": 0, "orphans": 0})
        if anchor == "orphan":
            entry["orphans"] += number
            continue
        entry["tagged"][label] = entry["tagged"].get(label, 0) + number
        if anchor == "fuzzy":
            entry["fuzzy"] += number
    return counts


def _from_row(row: dict[str, Any], counts: dict[int, dict[str, Any]], path: str, state: str,
              sentences: int | None) -> StatusRow:
    entry = counts.get(row["id"], {"tagged": {}, "fuzzy": 0, "orphans": 0})
    return StatusRow(row["title"], row["source"], row["date"], path, sentences,
                     {label.name: entry["tagged"].get(label.name, 0) for label in LABELS}
                     | {k: v for k, v in entry["tagged"].items()},
                     entry["fuzzy"], entry["orphans"], state, row["last_opened"] or "", row["id"],
                     done=bool(row.get("done_at")))


def file_status(store, path: Path, counts: dict[int, dict[str, Any]] | None = None,
                renamed: bool = True, article=None, should_stop: StopCheck = None) -> StatusRow:
    """The row for one article file; re-anchors its tags if the file was edited.

    With ``renamed`` False a file that matches no article by content or path
    is reported as ``new`` without looking for a renamed one. ``article``:
    the file already parsed (the library's scan), else it is read here.
    ``should_stop`` (a worker's ``lambda: worker.is_cancelled``) is polled
    while the file's sentences are counted: the count then raises
    ``SplitCancelled``.
    """
    conn = store.db.conn
    try:
        if article is None:
            article = load_article(path)
        total = article.sentence_count(should_stop)
    except ArticleError as exc:  # unreadable, or gone since the folder was scanned
        state = "missing" if not path.exists() else "unreadable"
        # A name that is not UTF-8 is shown with \x escapes, never output raw.
        name, where = (str(p).encode("utf-8", "backslashreplace").decode("utf-8")
                       for p in (path.name, path))
        return StatusRow(name, "", "", where, None, state=state, error=str(exc))
    resolved_path = str(path.resolve())
    note = ""
    from .anchor_actions import has_column

    known = None
    if has_column(conn, "articles", "file_hash"):
        known = _row(conn, "SELECT * FROM articles WHERE file_hash = ? AND path = ?",
                     [file_hash(article), resolved_path])
    if known is not None and known["sentence_count"] == total:
        # As recorded: nothing to write, so no write lock to wait for (a
        # sync tool holding it must not stall a read of the counts).
        found = Resolved(known, "known")
    else:
        try:
            with write_transaction(store.db):
                found = resolve(conn, article, "", create=False, renamed=renamed)
                if found.row is not None:
                    conn.execute("UPDATE articles SET sentence_count = ? WHERE id = ?",
                                 [total, found.row["id"]])
        except (sqlite3.Error, StoreError) as exc:  # read-only or locked: counts as last stored
            if has_column(conn, "articles", "file_hash"):
                record = _row(conn, "SELECT * FROM articles WHERE file_hash = ?",
                              [file_hash(article)])
            else:
                record = None
            found = Resolved(record, "known")
            note = f"not re-anchored: {exc}"
    if found.row is None:
        blank = {"id": -1, "title": article.title, "source": article.source,
                 "date": article.date, "last_opened": ""}
        row = _from_row(blank, {}, resolved_path, "new", total)
        row.article_id = None
        return row
    state = "copy" if found.how == "copy" else file_state(found.row, resolved_path)
    row = _from_row(found.row, counts if counts is not None and found.how in ("known", "copy", "moved")
                    else tag_counts(conn, store.annotator), resolved_path, state, total)
    row.error = note
    return row


def collect(store, target: Path | None, progress=None,
            should_stop: StopCheck = None) -> list[StatusRow]:
    """Rows for a folder (its .txt files, then missing articles recorded inside it),
    a single file, or (``target`` None) every article in the database.

    ``progress(done, total)`` is called every 10 files of a folder. Database
    trouble (a damaged file, a lock) is a one-line :class:`StoreError`.
    ``should_stop`` is polled between files and while each is counted: when
    it returns True the scan raises ``SplitCancelled`` (a quitting app does
    not wait for a folder of long articles).
    """
    try:
        return _collect(store, target, progress, should_stop)
    except sqlite3.Error as exc:  # the counts are read on the raw connection
        raise StoreError(describe_error(exc, store.path, store.read_only)) from None


def _collect(store, target: Path | None, progress=None,
             should_stop: StopCheck = None) -> list[StatusRow]:
    def status(path: Path, renamed: bool = True) -> StatusRow:
        if should_stop is not None and should_stop():
            raise SplitCancelled("library scan cancelled")
        return file_status(store, path, counts, renamed=renamed, should_stop=should_stop)

    conn = store.db.conn
    counts = tag_counts(conn, store.annotator)
    if target is not None and not target.is_dir():
        return [status(target)]
    if target is not None:
        paths = find_articles(target)
        # Files known by content or path first, then the rest may be renamed
        # versions of articles whose file is gone (never one a file still claims).
        rows = []
        for number, path in enumerate(paths, start=1):
            rows.append(status(path, renamed=False))
            if progress is not None and number % 10 == 0:
                progress(number, len(paths))
        rows = [status(path) if row.state == "new" else row
                for path, row in zip(paths, rows)]
        seen = {row.article_id for row in rows}
        inside = str(target.resolve()).rstrip("/") + "/"
        recorded = [r for r in _articles(conn) if r["path"].startswith(inside)]
    else:
        rows, seen, recorded = [], set(), _articles(conn)
    for record in recorded:
        if record["id"] in seen:
            continue
        if Path(record["path"]).is_file():
            row = status(Path(record["path"]))
            if row.article_id == record["id"]:
                rows.append(row)
                seen.add(record["id"])
                continue
        rows.append(_from_row(record, counts, record["path"], "missing", record["sentence_count"]))
        seen.add(record["id"])
    refresh(store, rows)  # a later file's re-anchoring may have changed an earlier row's article
    return rows


def find_articles(folder: Path) -> list[Path]:
    """The ``.txt`` files below ``folder``, sorted by path."""
    from .library_parse import walk_articles

    return [Path(path) for path, _resolved, _stat in walk_articles(folder)]


def _articles(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    cursor = conn.execute("SELECT * FROM articles ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def refresh(store, rows: list[StatusRow]) -> None:
    """Counts, last opened, done mark and file state of ``rows`` from the database
    (after the reader or another window changed tags): two queries, whatever the rows."""
    conn = store.db.conn
    counts = tag_counts(conn, getattr(store, "annotator", None))
    records = {r["id"]: r for r in _articles(conn)}
    for row in rows:
        if row.article_id is None:
            continue
        entry = counts.get(row.article_id, {"tagged": {}, "fuzzy": 0, "orphans": 0})
        row.tagged = {label.name: entry["tagged"].get(label.name, 0) for label in LABELS} | dict(
            entry["tagged"])
        row.fuzzy, row.orphans = entry["fuzzy"], entry["orphans"]
        found = records.get(row.article_id)
        if found is not None:
            row.last_opened = found["last_opened"] or ""
            row.done = bool(found.get("done_at"))
            if row.state not in ("missing", "copy", "unreadable"):
                row.state = file_state(found, row.path)


def conn_row(store, article_id: int) -> dict[str, Any] | None:
    """The article's database row, or None."""
    cursor = store.db.conn.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    values = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], values)) if values else None


def tags_without_file(store) -> list[dict[str, Any]]:
    """Tags of articles whose recorded file is gone (kept; listed by ``tui orphans``)."""
    found = []
    for record in _articles(store.db.conn):
        if record["path"] and Path(record["path"]).exists():
            continue
        cursor = store.db.conn.execute(
            "SELECT label, text, paragraph FROM annotations WHERE article_id = ? "
            "ORDER BY paragraph IS NULL, paragraph, sentence, start", [record["id"]])
        for label, text, paragraph in cursor:
            found.append({"article_title": record["title"], "article_path": record["path"],
                          "label": label, "text": text, "placed": paragraph is not None})
    return found
