"""Importing annotations from a CSV or JSONL export (a colleague's, a model's).

Each row is placed on the sentence of its article whose text equals the
row's text, nearest the row's old offset if several do. Rows that match no
sentence are reported, never guessed. Importing the same file twice changes
nothing the second time.
"""

from __future__ import annotations

import csv
import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store import AnnotationStore, get_label
from ..store.anchoring import context_around, sentence_index
from ..store.annotations import now
from ..store.database import write_transaction
from ..text import ArticleError, article_from_body, load_article
from .csv_safety import restore

BATCH = 5_000
# Articles whose sentence index is kept at once. Exports come ordered by
# article, so a few suffice; more would hold every article of a big file in
# memory (~5 MB each for 10,000 sentences).
ARTICLES_KEPT = 4


class ImportFormatError(Exception):
    """A file that is not a tui export; the message is one line."""


@dataclass
class ImportReport:
    """What an import did: rows read, changed, unchanged and not placed."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)


@dataclass
class _ArticlePlaces:
    article_id: int
    body: str
    places: dict[str, list[tuple[int, int, int, int]]]


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Yield rows from a CSV or JSONL export, streaming."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        first = handle.read(1)
        handle.seek(0)
        if path.suffix.lower() in (".jsonl", ".json") or first == "{":
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        raise ImportFormatError(f"{path}:{number}: not valid JSON") from None
        else:
            reader = csv.DictReader(handle)
            needed = {"text", "label", "article_path"}
            if not reader.fieldnames or not needed <= set(reader.fieldnames):
                raise ImportFormatError(
                    f"{path}: not a tui export (needs columns {', '.join(sorted(needed))})"
                )
            for row in reader:
                yield {k: restore(v) if isinstance(v, str) else v for k, v in row.items()}


def import_file(store: AnnotationStore, path: Path) -> ImportReport:
    """Import every row of ``path`` into ``store``; returns a report."""
    report = ImportReport()
    articles: OrderedDict[tuple[str, str], _ArticlePlaces | None] = OrderedDict()
    batch: list[list[Any]] = []
    for number, row in enumerate(read_rows(path), start=1):
        report.read += 1
        where = f"row {number}"
        try:
            label = get_label(str(row.get("label", "")).strip()).name
        except ValueError as exc:
            report.unplaced.append(f"{where}: {exc}")
            continue
        key = (str(row.get("article_hash") or ""), str(row.get("article_path") or ""))
        if key in articles:
            articles.move_to_end(key)
        else:
            articles[key] = _find_article(store, *key)
            if len(articles) > ARTICLES_KEPT:
                articles.popitem(last=False)
        target = articles[key]
        if target is None:
            report.unplaced.append(f"{where}: article {key[1] or key[0]!r} not found")
            continue
        text = str(row.get("text", ""))
        candidates = target.places.get(text)
        if not candidates:
            report.unplaced.append(f"{where}: text matches no sentence: {text[:60]!r}")
            continue
        old_start = _int(row.get("start"))
        paragraph, sentence, start, end = min(candidates, key=lambda c: abs(c[2] - old_start))
        stamp = now()
        batch.append([
            target.article_id, paragraph, sentence, start, end, text,
            *context_around(target.body, start, end),
            label, str(row.get("note") or ""), str(row.get("annotator") or store.annotator),
            str(row.get("created_at") or stamp), str(row.get("updated_at") or stamp),
        ])
        if len(batch) >= BATCH:
            _flush(store, batch, report)
    _flush(store, batch, report)
    return report


_UPSERT = """
INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, context_before,
    context_after, label, note, annotator, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, start, "end") WHERE paragraph IS NOT NULL DO UPDATE SET
    label = excluded.label, note = excluded.note, annotator = excluded.annotator,
    updated_at = excluded.updated_at
WHERE label IS NOT excluded.label OR note IS NOT excluded.note
"""


def _flush(store: AnnotationStore, batch: list[list[Any]], report: ImportReport) -> None:
    if not batch:
        return
    conn = store.db.conn
    with write_transaction(store.db):
        for values in batch:
            before = conn.total_changes
            exists = conn.execute(
                'SELECT 1 FROM annotations WHERE article_id = ? AND start = ? AND "end" = ? '
                "AND paragraph IS NOT NULL", [values[0], values[3], values[4]],
            ).fetchone()
            conn.execute(_UPSERT, values)
            if conn.total_changes == before:
                report.unchanged += 1
            elif exists:
                report.updated += 1
            else:
                report.added += 1
    batch.clear()


def _find_article(store: AnnotationStore, content_hash: str, path: str) -> _ArticlePlaces | None:
    """The article a row belongs to: by hash, by path, or read from its file."""
    rows = []
    if content_hash:
        rows = store.db.execute_returning_dicts(
            "SELECT ar.*, b.body FROM articles ar JOIN article_bodies b ON b.article_id = ar.id "
            "WHERE ar.content_hash = ?", [content_hash])
    if not rows and path:
        rows = store.db.execute_returning_dicts(
            "SELECT ar.*, b.body FROM articles ar JOIN article_bodies b ON b.article_id = ar.id "
            "WHERE ar.path = ? ORDER BY ar.last_opened DESC LIMIT 1", [path])
    if rows:
        row = rows[0]
        article = article_from_body(row["body"], row["path"], row["title"], row["date"], row["source"])
        return _ArticlePlaces(row["id"], article.body, sentence_index(article))
    if not path:
        return None
    try:
        article = load_article(path)
    except ArticleError:
        return None
    doc = store.open_article(article)
    return _ArticlePlaces(doc.id, article.body, sentence_index(article))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
