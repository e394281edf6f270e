"""Exporting annotations as CSV (for spreadsheets) or JSONL (lossless).

Rows stream from SQLite to the writer, so memory stays flat however many
annotations there are. Ordered by article, then position; orphans come last
in their article, with empty paragraph and sentence.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import gc
import json
import os
import re
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..store.sqlite_utils_lean import Database

from ..store.readonly import connect_read_only
from .csv_cells import csv_cell, csv_lines
from .files import pid_alive

CSV_COLUMNS = (
    "article_id", "article_title", "article_date", "article_source", "article_path",
    "paragraph", "sentence", "label", "text", "note", "annotator", "created_at",
    "updated_at", "start", "end",
    # How the tag sits on the current text (exact, moved, fuzzy, orphan):
    # last, so earlier columns keep their positions.
    "anchor",
)
# JSONL carries everything, so an import can re-find article and sentence,
# and restore a fuzzy or orphaned tag as it was (old_text, old_position);
# file_hash (header and body) tells two wire copies sharing a body apart.
# New keys are appended, so older readers see the keys they knew.
JSONL_COLUMNS = (
    *CSV_COLUMNS, "context_before", "context_after", "article_hash", "annotation_id",
    "old_text", "old_position", "file_hash",
)
_SQL = {
    "annotation_id": "a.id", "article_id": "ar.id", "article_title": "ar.title",
    "article_date": "ar.date", "article_source": "ar.source", "article_path": "ar.path",
    "article_hash": "ar.content_hash", "end": 'a."end"', "file_hash": "ar.file_hash",
}
# Only text cells can carry a formula; numbers and ids are left alone.
_TEXT_COLUMNS = frozenset(
    ("article_title", "article_date", "article_source", "article_path", "label", "text",
     "note", "annotator", "created_at", "updated_at")
)


def _select(columns: tuple[str, ...]) -> str:
    return ", ".join(f'{_SQL.get(name, f"a.{name}")} AS "{name}"' for name in columns)


# The CSV's columns after the article's five. Numbers never need quoting
# (a NULL paragraph of an orphan comes as ''); text cells are formatted by
# csv_cells.text_column.
_CSV_ARTICLE = CSV_COLUMNS[:5]
_CSV_ROW = CSV_COLUMNS[5:]
_CSV_ROW_SQL = ", ".join(
    f"a.{name}" if name in _TEXT_COLUMNS else f"ifnull({_SQL.get(name, f'a.{name}')}, '')"
    for name in _CSV_ROW
)
_CSV_ROW_TEXT = frozenset(i for i, name in enumerate(_CSV_ROW) if name in _TEXT_COLUMNS)


def _where(label: str | None | tuple[str | None, str | None]) -> tuple[str, list[str]]:
    """The SQL condition for the rows wanted: ``label`` is a label name, or
    (label or None, coder or None) for `tui export --annotator` (issue 13)."""
    name, coder = label if isinstance(label, tuple) else (label, None)
    sql, params = "", []
    if name:
        sql, params = "AND a.label = ?", [name]
    if coder is not None:
        sql, params = f"{sql} AND a.annotator = ?", [*params, coder]
    return sql, params


def _cursors(conn: sqlite3.Connection, select: str, article_id: int | None | list[int],
             label: str | None):
    """Yield (article id, cursor) per article and placed|orphans, in order.

    Per article, the annotations_order index yields placed annotations in
    reading order with no temporary sort of a million rows.
    """
    join = "JOIN articles ar ON ar.id = a.article_id" if "ar." in select else ""
    label_sql, label_params = _where(label)
    if article_id is None:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    elif isinstance(article_id, list):
        ids = article_id
    else:
        ids = [article_id]
    for current in ids:
        for where, order in (("IS NOT NULL", "a.article_id, a.paragraph, a.sentence"),
                             ("IS NULL", "a.start")):
            yield current, conn.execute(
                f"SELECT {select} FROM annotations a {join} "
                f"WHERE a.article_id = ? AND a.paragraph {where} {label_sql} ORDER BY {order}",
                [current, *label_params],
            )


def iter_rows(db: Database | sqlite3.Connection, article_id: int | None = None, label: str | None = None
              ) -> Iterator[dict[str, Any]]:
    """Yield every field of each annotation row (as dicts), in export order."""
    conn = getattr(db, "conn", db)  # a sqlite-utils Database or a connection
    for _, cursor in _cursors(conn, _select(JSONL_COLUMNS), article_id, label):
        for values in cursor:
            yield dict(zip(JSONL_COLUMNS, values))


def write_csv(db: Database, out: TextIO, article_id: int | None = None,
              label: str | None = None, raw: bool = False) -> int:
    """Write RFC 4180 CSV with the fixed header; returns the row count.

    Text cells a spreadsheet would run as a formula get a leading ``'``
    unless ``raw``.
    """
    _write_header(out)
    return _write_csv_rows(db.conn, out, article_id, label, raw)


def _write_header(out: TextIO) -> None:
    csv.writer(out, lineterminator="\r\n").writerow(CSV_COLUMNS)


def _write_csv_rows(conn: sqlite3.Connection, out: TextIO, article_id: int | None | list[int],
                    label: str | None, raw: bool) -> int:
    # The article's cells are formatted once per article and start each of
    # its lines; the rest is one fetch and one write per 5,000 rows.
    meta_sql = f"SELECT {_select(_CSV_ARTICLE)} FROM articles ar WHERE ar.id = ?"
    count = 0
    current = None
    prefix = ""
    for article, cursor in _cursors(conn, _CSV_ROW_SQL, article_id, label):
        if article != current:
            current = article
            meta = conn.execute(meta_sql, [article]).fetchone()
            prefix = ",".join(csv_cell(value, not raw and name in _TEXT_COLUMNS)
                              for name, value in zip(_CSV_ARTICLE, meta))
        while batch := cursor.fetchmany(5000):
            out.write(csv_lines(prefix, batch, _CSV_ROW_TEXT, neutralise=not raw))
            count += len(batch)
    return count


# Below this many rows one process is quicker than starting a second.
PARALLEL_MIN_ROWS = 200_000
# Ranges of articles per process in a parallel export.
CHUNKS_PER_WORKER = 6


# glibc's mallopt parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def reuse_freed_memory() -> None:
    """Ask glibc's malloc to keep freed blocks for reuse (this process).

    An export allocates and frees a few megabytes a batch; by default glibc
    gives such blocks back to the kernel at once and faults fresh pages in
    for the next batch. That was the kernel's 1.5 s of a million-row export
    (0.45 s with this). For a command that exits when done; elsewhere
    (not glibc) nothing changes.
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 64 << 20)
    mallopt(_M_TRIM_THRESHOLD, 128 << 20)


def write_csv_file(db_path: Path, out: TextIO, article_id: int | None = None,
                   label: str | None = None, raw: bool = False,
                   workers: int | None = None) -> int:
    """Like :func:`write_csv`, on both cores for a big export.

    Articles are split into consecutive ranges of about equal row counts;
    worker processes write the ranges to temporary files, and the files are
    copied out in order, so the output is byte for byte the same as
    :func:`write_csv`'s. Memory stays flat in every process.
    """
    # Rows make no reference cycles, yet a million of them set off the
    # cycle collector thousands of times (~20% of the time): off meanwhile,
    # in this process and the forked one.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_csv_file(db_path, out, article_id, label, raw, workers)
    finally:
        if was_enabled:
            gc.enable()


def _write_csv_file(db_path: Path, out: TextIO, article_id: int | None, label: str | None,
                    raw: bool, workers: int | None) -> int:
    workers = workers or min(2, os.cpu_count() or 1)
    conn = connect_read_only(db_path)
    try:
        if article_id is not None:
            ids = [article_id]
        else:
            ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
        _write_header(out)
        if workers < 2 or len(ids) < 2 or _row_count(conn, label) < PARALLEL_MIN_ROWS:
            return _write_csv_rows(conn, out, ids, label, raw)
    finally:
        conn.close()
    # More ranges than processes: whichever process is ahead takes the next
    # range, so a core slowed by the rest of the machine, or an article
    # bigger than the others, holds up little. Ranges hold equal numbers of
    # articles: counting each article's rows first would take a full index
    # scan (0.1-0.45 s for a million rows) before any row is written.
    chunks = _split_evenly(ids, workers * CHUNKS_PER_WORKER)
    out.flush()
    target = out.buffer if hasattr(out, "buffer") else None
    written = 0
    # Imported only for a big export: the reader imports this module.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    remove_stale_export_folders()
    with (tempfile.TemporaryDirectory(prefix=f"{EXPORT_FOLDER_PREFIX}{os.getpid()}-") as folder,
          ProcessPoolExecutor(max_workers=workers, mp_context=context,
                              initializer=die_with_parent, initargs=(os.getpid(),)) as pool):
        parts = [str(Path(folder) / f"part-{i}.csv") for i in range(len(chunks))]
        # map() yields in order: each part is copied out as soon as it and
        # those before it are done, while the processes write the next ones.
        results = pool.map(_write_part, repeat(str(db_path)), chunks, repeat(label),
                           repeat(raw), parts)
        try:
            for part, count in zip(parts, results):
                with open(part, "rb") as handle:
                    if target is not None:
                        shutil.copyfileobj(handle, target, 1 << 20)
                    else:
                        out.write(handle.read().decode("utf-8"))
                os.unlink(part)
                written += count
        except BaseException:
            # The reader went away (`| head`) or the disk filled up: write no
            # more parts than those already under way.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    if target is not None:
        target.flush()
    return written


def _row_count(conn: sqlite3.Connection, label: str | None) -> int:
    # Without a condition SQLite counts b-tree pages, not rows: ~10 ms.
    if label is None:
        return conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
    sql, params = _where(label)
    return conn.execute(f"SELECT count(*) FROM annotations a WHERE 1 {sql}", params).fetchone()[0]


def _split_evenly(ids: list[int], parts: int) -> list[list[int]]:
    """``ids`` cut into at most ``parts`` consecutive ranges of about equal length."""
    size = -(-len(ids) // parts)  # rounded up
    return [ids[start:start + size] for start in range(0, len(ids), size)]


# A parallel export's parts go to /tmp/tui-export-PID-XXXXXXXX (PID: the
# exporting process), so a later run can tell a folder whose owner is gone.
EXPORT_FOLDER_PREFIX = "tui-export-"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Worker initializer: be killed when the exporting process dies.

    On Linux the kernel sends SIGKILL to this worker when its parent dies,
    even by SIGKILL, so no worker outlives an interrupted export. If the
    parent died before this ran, exit at once. Elsewhere nothing is done
    (the pool's own checks end idle workers there).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def remove_stale_export_folders(temp: str | None = None) -> list[str]:
    """Remove ``tui-export-PID-*`` folders of dead processes; return them.

    A SIGKILL'ed export cannot remove its own folder of parts; the next
    parallel export does. Only this user's folders of PIDs that no longer
    exist are touched.
    """
    temp = temp or tempfile.gettempdir()
    pattern = re.compile(rf"{re.escape(EXPORT_FOLDER_PREFIX)}(\d+)-[^/]+")
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(temp):
            match = pattern.fullmatch(entry.name)
            if (not match or pid_alive(int(match.group(1)))
                    or not entry.is_dir(follow_symlinks=False)
                    or entry.stat(follow_symlinks=False).st_uid != os.getuid()):
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.path)
    return removed


def _write_part(db_path: str, ids: list[int], label: str | None, raw: bool, part: str) -> int:
    conn = connect_read_only(db_path)
    try:
        with open(part, "w", encoding="utf-8", newline="") as handle:
            return _write_csv_rows(conn, handle, ids, label, raw)
    finally:
        conn.close()


def write_jsonl(db: Database | sqlite3.Connection, out: TextIO, article_id: int | None = None,
                label: str | None = None) -> int:
    """Write JSON Lines with every field, exactly; returns the row count."""
    count = 0
    for row in iter_rows(db, article_id, label):
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
