"""The library's folder scan, cached; the done mark; the remembered view.

A folder of 10,000 articles cannot be re-read at every launch (it took 41 s).
So what a scan learns from a file (its header, its sentence count, its
identity hash, or why it could not be read) is kept in ``library_files``,
keyed by path and checked against the file's size and modification time
(nanoseconds): a second launch reads only new or changed files.

The scan runs in steps (:meth:`FolderScan.step`), each a short store call,
so the library shows rows as they are found and the reader's writes are
not held up behind a long scan. When many files must be read they are read
by helper processes, one per core (:mod:`tui.store.library_parse`): the
step collects their answers, and the app's process stays free for the
screen. A file the cache vouches for, whose identity
hash names an article recorded at that very path (or none at all, and no
article is recorded at that path) needs no write and no parse: this is what
:func:`tui.store.identity.resolve` would decide for it. Anything else (an
edited, moved or copied file) goes through :func:`tui.store.status.file_status`
as before, which re-anchors its tags.

On a read-only database nothing is cached and nothing re-anchored; the scan
still lists every file (parsing them all).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text import ArticleError, load_article
from .database import write_transaction
from .identity import file_state
from .library_parse import ParsePool, Prelude, prelude, read_entry
from .preflight import StoreError
from .status import (StatusRow, _articles, _from_row, conn_row, file_status, refresh,
                     tag_counts)

# One step of a scan gives the screen back after about this long (seconds).
STEP_SECONDS = 0.15
SORTS = ("path", "title", "date", "outlet", "progress", "opened")
SHOWS = ("all", "untouched", "in progress", "done")
# Helper processes read the files only when at least this many need reading
# (starting one costs ~0.3 s of imports), and only on a machine of 2+ cores.
POOL_MIN_FILES = 64
POOL_WORKERS = 2


@dataclass
class CacheEntry:
    """What a scan learned from one file (a row of ``library_files``)."""

    path: str
    size: int
    mtime_ns: int
    file_hash: str | None
    title: str
    outlet: str
    date: str
    sentences: int | None
    error: str = ""


@dataclass
class FolderScan:
    """A scan of one folder in steps: :meth:`begin`, :meth:`step` until done, :meth:`finish`."""

    folder: Path
    paths: list[str] = field(default_factory=list)  # as str(Path): no Path per file
    position: int = 0
    parsed: int = 0  # files read and split by this scan (the cache missed)
    rows: list[StatusRow] = field(default_factory=list)
    _stats: list[os.stat_result | None] = field(default_factory=list)
    _resolved: list[str] = field(default_factory=list)
    _cache: dict[str, CacheEntry] = field(default_factory=dict)
    _by_hash: dict[str, dict[str, Any]] = field(default_factory=dict)
    _by_path: dict[str, dict[str, Any]] = field(default_factory=dict)
    _counts: dict[int, dict[str, Any]] = field(default_factory=dict)
    _writable: bool = True
    use_pool: bool = True  # False: every file is read in this process
    done: int = 0  # files whose row is made
    helped: int = 0  # files read by the helper processes
    _at: dict[int, StatusRow] = field(default_factory=dict)  # rows by file index
    _pool: ParsePool | None = None
    _pooled: set[int] = field(default_factory=set)  # files handed to the pool
    _cancelled: bool = False
    _preparsed: dict[int, CacheEntry] = field(default_factory=dict)  # read by first_rows

    @property
    def total(self) -> int:
        """How many files the folder holds."""
        return len(self.paths)

    @property
    def finished(self) -> bool:
        """True once every file has been looked at."""
        return self._cancelled or (self.position >= len(self.paths) and self._pool is None)

    def _new_pool(self) -> ParsePool | None:
        if not self.use_pool or (os.cpu_count() or 1) < 2:
            return None
        try:
            return ParsePool(min(POOL_WORKERS, os.cpu_count() or 1))
        except OSError:  # no processes to be had: the files are read here
            return None

    def begin(self, store, early: Prelude | None = None) -> None:
        """Find the files (unless ``early`` did: see :func:`library_parse.prelude`),
        and load the cache and the articles."""
        if early is None:
            early = prelude(self.folder)
        self.paths, self._resolved, self._stats = early.paths, early.resolved, early.stats
        for index, fields in early.read.items():
            self.parsed += 1
            stat = self._stats[index]
            self._preparsed[index] = CacheEntry(self._resolved[index], stat.st_size,
                                                stat.st_mtime_ns, *fields)
        self._pool = early.pool if self.use_pool else None
        if early.pool is not None and not self.use_pool:
            early.pool.close()
        conn = store.db.conn
        self._writable = not getattr(store, "read_only", None)
        self._cache = load_cache(conn, self.folder)
        self._by_hash, self._by_path = {}, {}
        for record in _articles(conn):
            if record.get("file_hash"):
                self._by_hash[record["file_hash"]] = record
            self._by_path.setdefault(record["path"], record)
        self._counts = tag_counts(conn, getattr(store, "annotator", None))  # blind: this coder
        self._start_pool()

    def _start_pool(self) -> None:
        """Hand the files the cache does not vouch for to helper processes, if many."""
        todo = []
        for index, (stat, resolved) in enumerate(zip(self._stats, self._resolved)):
            if stat is None or index in self._preparsed:
                continue
            entry = self._cache.get(resolved)
            if entry is None or entry.size != stat.st_size or entry.mtime_ns != stat.st_mtime_ns:
                todo.append(index)
        if len(todo) < POOL_MIN_FILES:
            if self._pool is not None:  # started early for nothing: the cache knew them
                self._pool.close()
                self._pool = None
            return
        if self._pool is None:
            self._pool = self._new_pool()
            if self._pool is None:
                return
        for index in todo:
            self._pool.add(index, self.paths[index])
            self._pooled.add(index)

    def close(self) -> None:
        """Stop now, from any thread (the app quits): helper processes end, no more steps."""
        self._cancelled = True
        pool = self._pool
        if pool is not None:
            pool.kill()

    def step(self, store, seconds: float = STEP_SECONDS) -> list[StatusRow]:
        """Look at the next files for about ``seconds``; their rows (also kept in ``rows``).

        Files the cache vouches for come first (cheap); files handed to the
        helper processes come as they answer. While the helpers start, the
        first step reads a few files here, so that rows show at once.
        """
        started = time.perf_counter()
        found: list[StatusRow] = []
        fresh: list[CacheEntry] = []
        counted: list[tuple[int, int]] = []

        def left() -> float:
            return seconds - (time.perf_counter() - started)

        def add(index: int, entry: CacheEntry | None) -> None:
            path, stat = self.paths[index], self._stats[index]
            if entry is None:
                entry = self._preparsed.pop(index, None)
            row = self._row(store, path, stat, self._resolved[index], fresh, counted, entry)
            found.append(row)
            self._at[index] = row
            self.done += 1

        while not self._cancelled and self.position < len(self.paths) and left() > 0:
            index = self.position
            self.position += 1
            if index not in self._pooled:
                add(index, None)
        pool = self._pool
        if pool is not None and not self._cancelled:
            if not found and not self.rows:
                # The helpers are still starting: read the first files here meanwhile.
                while left() > 0:
                    taken = pool.take(1)
                    if not taken:
                        break
                    self._pooled.discard(taken[0][0])
                    add(taken[0][0], None)
            while True:
                for index, fields in pool.collect(max(0.0, left())):
                    self._pooled.discard(index)
                    self.helped += 1
                    add(index, None if fields is None else self._entry(index, fields))
                if self._cancelled:
                    break
                for index, _path in pool.returned:  # a helper died: read them here
                    self._pooled.discard(index)
                    add(index, None)
                pool.returned.clear()
                if not pool.busy or left() <= 0:
                    break
            if not pool.busy or self._cancelled:
                pool.close()
                self._pool = None
        self._save(store, fresh, counted)
        self.rows.extend(found)
        return found

    def _entry(self, index: int, fields) -> CacheEntry:
        """A helper's answer for file ``index`` as a cache entry (counted as parsed)."""
        self.parsed += 1
        stat = self._stats[index]
        return CacheEntry(self._resolved[index], stat.st_size, stat.st_mtime_ns, *fields)

    def finish(self, store) -> list[StatusRow]:
        """Renamed files, then articles recorded in the folder whose file is gone.

        Returns every row of the folder (as ``rows``), counts refreshed.
        """
        conn = store.db.conn
        # In file order (helpers answer in any order), as `tui status` lists them.
        self.rows = [self._at[index] for index in sorted(self._at)]
        gone = [r for r in self._by_hash.values() if not (r["path"] and os.path.exists(r["path"]))]
        if gone and self._writable:
            # A file new to the database may be a renamed and edited article
            # whose file is gone: only then is it worth comparing bodies.
            self.rows = [file_status(store, Path(row.path), self._counts)
                         if row.state == "new" else row for row in self.rows]
        seen = {row.article_id for row in self.rows}
        inside = str(self.folder.resolve()).rstrip("/") + "/"
        for record in _articles(conn):
            if record["id"] in seen or not record["path"].startswith(inside):
                continue
            if Path(record["path"]).is_file():
                row = file_status(store, Path(record["path"]), self._counts)
                if row.article_id == record["id"]:
                    self.rows.append(row)
                    seen.add(record["id"])
                    continue
            self.rows.append(_from_row(record, self._counts, record["path"], "missing",
                                       record["sentence_count"]))
            seen.add(record["id"])
        refresh(store, self.rows)
        return self.rows

    # -- one file ------------------------------------------------------------

    def _row(self, store, name: str, stat, resolved: str, fresh: list[CacheEntry],
             counted: list[tuple[int, int]], parsed: CacheEntry | None = None) -> StatusRow:
        """The row of one file: from ``parsed`` (a helper read it), the cache, or a read."""
        path = Path(name)
        if stat is None:
            return StatusRow(path.name, "", "", resolved, None, state="missing",
                             error=f"{path}: the file is gone")
        entry = self._cache.get(resolved) if parsed is None else parsed
        if parsed is not None:
            fresh.append(entry)
        elif entry is None or entry.size != stat.st_size or entry.mtime_ns != stat.st_mtime_ns:
            entry = self._parse(path, resolved, stat)
            fresh.append(entry)
        if entry.error:
            state = "missing" if not path.exists() else "unreadable"
            return StatusRow(path.name, "", "", resolved, None, state=state, error=entry.error)
        record = self._by_hash.get(entry.file_hash or "")
        if record is not None and record["path"] == resolved:
            if record["sentence_count"] != entry.sentences:
                counted.append((entry.sentences, record["id"]))
                record["sentence_count"] = entry.sentences
            state = file_state(record, resolved)
            return _from_row(record, self._counts, resolved, state, entry.sentences)
        if record is None and resolved not in self._by_path:
            row = _from_row({"id": -1, "title": entry.title, "source": entry.outlet,
                             "date": entry.date, "last_opened": ""}, {}, resolved, "new",
                            entry.sentences)
            row.article_id = None
            return row
        # Moved, copied or edited: identity decides, and re-anchors.
        row = file_status(store, path, self._counts, renamed=False)
        if row.article_id is not None:
            record = conn_row(store, row.article_id)
            if record is not None:
                self._by_hash[record["file_hash"]] = record
                self._by_path[record["path"]] = record
        return row

    def _parse(self, path: str | Path, resolved: str, stat) -> CacheEntry:
        self.parsed += 1
        return CacheEntry(resolved, stat.st_size, stat.st_mtime_ns, *read_entry(Path(path)))

    def _save(self, store, fresh: list[CacheEntry], counted: list[tuple[int, int]]) -> None:
        # A file name that is not UTF-8 (a surrogate escape) cannot be stored
        # in SQLite: that file is simply read again by the next scan.
        fresh = [e for e in fresh if _storable(e.path) and _storable(e.title)]
        if not self._writable or not (fresh or counted):
            return
        try:
            with write_transaction(store.db):
                store.db.conn.executemany(
                    "INSERT OR REPLACE INTO library_files (path, size, mtime_ns, file_hash, title, "
                    "outlet, date, sentences, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(e.path, e.size, e.mtime_ns, e.file_hash, e.title, e.outlet, e.date,
                      e.sentences, e.error) for e in fresh])
                store.db.conn.executemany("UPDATE articles SET sentence_count = ? WHERE id = ?",
                                          counted)
        except (StoreError, sqlite3.Error):
            # Locked or read-only: the rows are right, only not remembered.
            self._writable = False


def _storable(text: str) -> bool:
    """True if ``text`` encodes as UTF-8 (a non-UTF-8 file name does not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_cache(conn: sqlite3.Connection, folder: Path) -> dict[str, CacheEntry]:
    """The cached files below ``folder``, by resolved path."""
    inside = str(folder.resolve()).rstrip("/") + "/"
    try:
        cursor = conn.execute(
            "SELECT path, size, mtime_ns, file_hash, title, outlet, date, sentences, error "
            "FROM library_files WHERE path >= ? AND path < ?", [inside, inside[:-1] + "0"])
        return {row[0]: CacheEntry(*row) for row in cursor}
    except sqlite3.OperationalError:  # a database from before m005 (read-only)
        return {}
    except UnicodeEncodeError:  # a folder whose name is not UTF-8: nothing cached
        return {}


def set_done(store, row: StatusRow, done: bool, stamp: str) -> StatusRow:
    """Mark the row's article done (or not); an article never opened is recorded first.

    Returns the row, updated. Raises StoreError (read-only, locked, full disk).
    """
    conn = store.db.conn
    with write_transaction(store.db):
        if row.article_id is None:
            from .identity import resolve

            try:
                article = load_article(row.path)
            except ArticleError as exc:
                raise StoreError(str(exc)) from exc
            found = resolve(conn, article, "", create=True)
            row.article_id = found.row["id"]
            row.state = "ok"
        conn.execute("UPDATE articles SET done_at = ? WHERE id = ?",
                     [stamp if done else None, row.article_id])
    row.done = done
    return row


def notes_count(store, article_id: int | None = None,
                article_ids: list[int] | None = None) -> int:
    """How many of this coder's tags carry a note: of one article, of the articles
    ``article_ids`` (the library's rows), or of all. Other coders' notes are
    theirs (issue 13), as their tags are not in the counts beside this number."""
    import json

    sql = "SELECT count(*) FROM annotations WHERE note != '' AND annotator = ?"
    params: list[Any] = [store.annotator]
    if article_id is not None:
        sql += " AND article_id = ?"
        params.append(article_id)
    elif article_ids is not None:
        # One parameter, whatever the number of articles (SQLite caps parameters).
        sql += " AND article_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(article_ids))))
    return store.db.conn.execute(sql, params).fetchone()[0]


def load_view(store, folder: Path) -> dict[str, Any]:
    """The remembered sort, order, state filter and selected file of ``folder``."""
    try:
        found = store.db.conn.execute(
            "SELECT sort, descending, show, selected FROM library_views WHERE folder = ?",
            [str(folder.resolve())]).fetchone()
    except (sqlite3.Error, UnicodeEncodeError):  # UnicodeEncodeError: a non-UTF-8 folder name
        found = None
    if found is None or found[0] not in SORTS or found[2] not in SHOWS:
        return {"sort": "path", "descending": False, "show": "all", "selected": ""}
    return {"sort": found[0], "descending": bool(found[1]), "show": found[2], "selected": found[3]}


def save_view(store, folder: Path, sort: str, descending: bool, show: str, selected: str) -> None:
    """Remember the library's view of ``folder`` (nothing on a read-only database)."""
    if getattr(store, "read_only", None) or not _storable(str(folder.resolve())):
        return
    if not _storable(selected):  # a non-UTF-8 file name: the selection is not kept
        selected = ""
    with write_transaction(store.db):
        store.db.conn.execute(
            "INSERT OR REPLACE INTO library_views (folder, sort, descending, show, selected) "
            "VALUES (?, ?, ?, ?, ?)", [str(folder.resolve()), sort, int(descending), show, selected])
