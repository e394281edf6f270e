"""Exporting annotations as CSV (for spreadsheets) or JSONL (lossless).

Rows stream from SQLite to the writer one at a time, so memory stays flat
however many annotations there are. Ordered by article, then position;
orphans come last in their article, with empty paragraph and sentence.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlite_utils import Database

from .csv_safety import neutralise

CSV_COLUMNS = (
    "article_id", "article_title", "article_date", "article_source", "article_path",
    "paragraph", "sentence", "label", "text", "note", "annotator", "created_at",
    "updated_at", "start", "end",
)
# JSONL carries everything, so an import can re-find article and sentence.
JSONL_COLUMNS = (
    *CSV_COLUMNS, "context_before", "context_after", "article_hash", "annotation_id",
)

_SELECT = """
SELECT a.id AS annotation_id, ar.id AS article_id, ar.title AS article_title,
       ar.date AS article_date, ar.source AS article_source, ar.path AS article_path,
       ar.content_hash AS article_hash, a.paragraph, a.sentence, a.label, a.text, a.note,
       a.annotator, a.created_at, a.updated_at, a.start, a."end", a.context_before,
       a.context_after
FROM annotations a JOIN articles ar ON ar.id = a.article_id
{where}
ORDER BY ar.id, a.paragraph IS NULL, a.paragraph, a.sentence, a.start
"""


def iter_rows(db: Database, article_id: int | None = None, label: str | None = None
              ) -> Iterator[dict[str, Any]]:
    """Yield annotation rows (as dicts) in export order, streaming."""
    clauses, params = [], []
    if article_id is not None:
        clauses.append("ar.id = ?")
        params.append(article_id)
    if label is not None:
        clauses.append("a.label = ?")
        params.append(label)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    cursor = db.conn.execute(_SELECT.format(where=where), params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO, raw: bool = False) -> int:
    """Write rows as RFC 4180 CSV with the fixed header; returns the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        cells = ["" if row[c] is None else row[c] for c in CSV_COLUMNS]
        writer.writerow(cells if raw else [neutralise(c) for c in cells])
        count += 1
    return count


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write rows as JSON Lines with every field, exactly; returns the count."""
    count = 0
    for row in rows:
        out.write(json.dumps({c: row[c] for c in JSONL_COLUMNS}, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
