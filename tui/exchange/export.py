"""Exporting annotations as CSV (for spreadsheets) or JSONL (lossless).

Rows stream from SQLite to the writer, so memory stays flat however many
annotations there are. Ordered by article, then position; orphans come last
in their article, with empty paragraph and sentence.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from sqlite_utils import Database

from .csv_safety import FORMULA_PREFIXES

CSV_COLUMNS = (
    "article_id", "article_title", "article_date", "article_source", "article_path",
    "paragraph", "sentence", "label", "text", "note", "annotator", "created_at",
    "updated_at", "start", "end",
)
# JSONL carries everything, so an import can re-find article and sentence.
JSONL_COLUMNS = (
    *CSV_COLUMNS, "context_before", "context_after", "article_hash", "annotation_id",
)
_SQL = {
    "annotation_id": "a.id", "article_id": "ar.id", "article_title": "ar.title",
    "article_date": "ar.date", "article_source": "ar.source", "article_path": "ar.path",
    "article_hash": "ar.content_hash", "end": 'a."end"',
}
# Only text cells can carry a formula; numbers and ids are left alone.
_TEXT_COLUMNS = frozenset(
    ("article_title", "article_date", "article_source", "article_path", "label", "text",
     "note", "annotator", "created_at", "updated_at")
)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'" if text.isprintable() else f"char({ord(text)})"


# The same rule as csv_safety.neutralise, done by SQLite so a million rows
# never pass through Python one cell at a time.
_PREFIXES_SQL = ", ".join(_sql_literal(p) for p in FORMULA_PREFIXES)


def _select(columns: tuple[str, ...], neutralise: bool) -> str:
    parts = []
    for name in columns:
        expr = _SQL.get(name, f"a.{name}")
        if neutralise and name in _TEXT_COLUMNS:
            expr = f"CASE WHEN substr({expr}, 1, 1) IN ({_PREFIXES_SQL}) THEN '''' || {expr} ELSE {expr} END"
        parts.append(f'{expr} AS "{name}"')
    return ", ".join(parts)


def _cursors(conn: sqlite3.Connection, columns: tuple[str, ...], neutralise: bool,
             article_id: int | None | list[int], label: str | None):
    """Yield (article id, cursor) per article and placed|orphans, in order.

    Per article, the annotations_order index yields placed annotations in
    reading order with no temporary sort of a million rows.
    """
    select = _select(columns, neutralise)
    join = "JOIN articles ar ON ar.id = a.article_id" if "ar." in select else ""
    label_sql, label_params = ("AND a.label = ?", [label]) if label else ("", [])
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
    for _, cursor in _cursors(conn, JSONL_COLUMNS, False, article_id, label):
        for values in cursor:
            yield dict(zip(JSONL_COLUMNS, values))


def write_csv(db: Database, out: TextIO, article_id: int | None = None,
              label: str | None = None, raw: bool = False) -> int:
    """Write RFC 4180 CSV with the fixed header; returns the row count.

    Text cells a spreadsheet would run as a formula get a leading ``'``
    unless ``raw``.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    return _write_csv_rows(db.conn, writer, article_id, label, raw)


def _write_csv_rows(conn: sqlite3.Connection, writer: Any, article_id: int | None | list[int],
                    label: str | None, raw: bool) -> int:
    # The article's columns are read once per article and joined to each
    # row as a tuple; everything else is one fetch per 5,000 rows.
    meta_sql = f"SELECT {_select(CSV_COLUMNS[:5], not raw)} FROM articles ar WHERE ar.id = ?"
    count = 0
    current = None
    meta: tuple = ()
    for article, cursor in _cursors(conn, CSV_COLUMNS[5:], not raw, article_id, label):
        if article != current:
            current = article
            meta = tuple(conn.execute(meta_sql, [article]).fetchone())
        while batch := cursor.fetchmany(5000):
            writer.writerows(map(meta.__add__, batch))
            count += len(batch)
    return count


# Below this many rows one process is quicker than starting a second.
PARALLEL_MIN_ROWS = 200_000


def write_csv_file(db_path: Path, out: TextIO, article_id: int | None = None,
                   label: str | None = None, raw: bool = False,
                   workers: int | None = None) -> int:
    """Like :func:`write_csv`, on both cores for a big export.

    Articles are split into consecutive ranges of about equal row counts;
    each range is written by its own process to a temporary file, and the
    files are copied out in order, so the output is byte for byte the same
    as :func:`write_csv`'s. Memory stays flat in every process.
    """
    workers = workers or min(2, os.cpu_count() or 1)
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        counts = conn.execute(
            "SELECT article_id, count(*) FROM annotations "
            + ("WHERE label = ? " if label else "")
            + "GROUP BY article_id ORDER BY article_id",
            [label] if label else [],
        ).fetchall()
        if article_id is not None:
            counts = [c for c in counts if c[0] == article_id]
        total = sum(n for _, n in counts)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        if workers < 2 or total < PARALLEL_MIN_ROWS or len(counts) < 2:
            ids = [a for a, _ in counts]
            return _write_csv_rows(conn, writer, ids, label, raw)
    finally:
        conn.close()
    chunks = _split_evenly(counts, workers)
    with tempfile.TemporaryDirectory(prefix="tui-export-") as folder:
        parts = [str(Path(folder) / f"part-{i}.csv") for i in range(1, len(chunks))]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
            # The later ranges go to other processes while this one writes
            # the first range straight to the output.
            futures = [pool.submit(_write_part, str(db_path), ids, label, raw, part)
                       for ids, part in zip(chunks[1:], parts)]
            conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
            try:
                written = _write_csv_rows(conn, writer, chunks[0], label, raw)
            finally:
                conn.close()
            written += sum(f.result() for f in futures)
        out.flush()
        target = out.buffer if hasattr(out, "buffer") else None
        for part in parts:
            with open(part, "rb") as handle:
                if target is not None:
                    shutil.copyfileobj(handle, target, 1 << 20)
                else:
                    out.write(handle.read().decode("utf-8"))
        if target is not None:
            target.flush()
    return written


def _split_evenly(counts: list[tuple[int, int]], parts: int) -> list[list[int]]:
    """Consecutive article ranges with about equal numbers of rows."""
    total = sum(n for _, n in counts)
    chunks: list[list[int]] = [[]]
    done = 0
    for article, n in counts:
        if done >= total * len(chunks) / parts and len(chunks) < parts and chunks[-1]:
            chunks.append([])
        chunks[-1].append(article)
        done += n
    return chunks


def _write_part(db_path: str, ids: list[int], label: str | None, raw: bool, part: str) -> int:
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        with open(part, "w", encoding="utf-8", newline="") as handle:
            return _write_csv_rows(conn, csv.writer(handle, lineterminator="\r\n"), ids, label, raw)
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
