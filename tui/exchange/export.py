"""Exporting annotations as CSV (for spreadsheets) or JSONL (lossless).

Rows stream from SQLite to the writer, so memory stays flat however many
annotations there are. Ordered by article, then position; orphans come last
in their article, with empty paragraph and sentence.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
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


def _cursors(db: Database, columns: tuple[str, ...], neutralise: bool,
             article_id: int | None, label: str | None):
    """Yield (article id, cursor) per article and placed|orphans, in order.

    Per article, the annotations_order index yields placed annotations in
    reading order with no temporary sort of a million rows.
    """
    select = _select(columns, neutralise)
    join = "JOIN articles ar ON ar.id = a.article_id" if "ar." in select else ""
    label_sql, label_params = ("AND a.label = ?", [label]) if label else ("", [])
    if article_id is None:
        ids = [row[0] for row in db.conn.execute("SELECT id FROM articles ORDER BY id")]
    else:
        ids = [article_id]
    for current in ids:
        for where, order in (("IS NOT NULL", "a.article_id, a.paragraph, a.sentence"),
                             ("IS NULL", "a.start")):
            yield current, db.conn.execute(
                f"SELECT {select} FROM annotations a {join} "
                f"WHERE a.article_id = ? AND a.paragraph {where} {label_sql} ORDER BY {order}",
                [current, *label_params],
            )


def iter_rows(db: Database, article_id: int | None = None, label: str | None = None
              ) -> Iterator[dict[str, Any]]:
    """Yield every field of each annotation row (as dicts), in export order."""
    for _, cursor in _cursors(db, JSONL_COLUMNS, False, article_id, label):
        for values in cursor:
            yield dict(zip(JSONL_COLUMNS, values))


def write_csv(db: Database, out: TextIO, article_id: int | None = None,
              label: str | None = None, raw: bool = False) -> int:
    """Write RFC 4180 CSV with the fixed header; returns the row count.

    Text cells a spreadsheet would run as a formula get a leading ``'``
    unless ``raw``. The article's columns are read once per article and
    joined to each row as a tuple: a million rows export in seconds.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    article_columns = CSV_COLUMNS[:5]
    meta_sql = f"SELECT {_select(article_columns, not raw)} FROM articles ar WHERE ar.id = ?"
    count = 0
    current = None
    meta: tuple = ()
    for article, cursor in _cursors(db, CSV_COLUMNS[5:], not raw, article_id, label):
        if article != current:
            current = article
            meta = tuple(db.conn.execute(meta_sql, [article]).fetchone())
        while batch := cursor.fetchmany(5000):
            writer.writerows(map(meta.__add__, batch))
            count += len(batch)
    return count


def write_jsonl(db: Database, out: TextIO, article_id: int | None = None,
                label: str | None = None) -> int:
    """Write JSON Lines with every field, exactly; returns the row count."""
    count = 0
    for row in iter_rows(db, article_id, label):
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
