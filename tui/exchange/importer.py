"""Importing annotations from a CSV or JSONL export (a colleague's, a model's).

Each row is placed on the sentence of its article whose text equals the
row's text, nearest the row's old offset if several do. Rows that match no
sentence, or carry a label tui does not know, are reported, never guessed.
Importing the same file twice changes nothing the second time.

All or nothing: the whole import is one transaction. A file that is not an
export -- a line that is not a JSON object, an offset that is not a whole
number, bytes that are not text, a cell over the size limit -- stops the
import with one :class:`ImportFormatError` naming the file and line, and
nothing is written. The file streams: memory stays flat however many rows.

Reading (``read_rows``): ``-`` is standard input. UTF-8 with or without a
BOM; a CSV whose first 64 KB are not UTF-8 is read as cp1252 (as a
spreadsheet on Windows saves it) with a warning; UTF-16 and binary files
are refused. CSV may be comma-, semicolon- or TAB-separated (told from the
header line). Cells of a neutralised CSV export get their ``'`` back off
(see ``csv_safety``); a ``--raw`` export is recognised by a cell that is a
bare formula, and JSONL is never neutralised.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import stat
import sys
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..store import AnnotationStore, StoreError
from ..store.anchoring import context_around, sentence_index
from ..store.annotations import now
from ..store.database import write_transaction
from ..store.labels import LABELS_BY_NAME
from ..text import ArticleError, article_from_body, load_article
from .csv_safety import FORMULA_PREFIXES, is_formula, restore

# Rows written per executemany.
BATCH = 10_000
# Articles whose sentence index is kept at once. Exports come ordered by
# article, so a few suffice; more would hold every article of a big file in
# memory (~5 MB each for 10,000 sentences).
ARTICLES_KEPT = 4
# Bytes looked at to tell the format and the encoding.
SAMPLE_BYTES = 1 << 16
# The longest CSV cell read (csv's own default is 131,072 characters; an
# exported sentence of a huge paragraph can be longer).
MAX_CELL_CHARS = 16 * 1024 * 1024
# Article files larger than this are not read (the text layer's limit).
# TODO(lead): use tui.text.paths.check_regular_file / MAX_ARTICLE_BYTES from
# H1's branch instead of _refuse_article_file below once it is merged.
MAX_ARTICLE_BYTES = 64 * 1024 * 1024
# An offset is a character position in an article: far below this.
_MAX_OFFSET = 10**15
# "not placed" lines kept for the report; the rest are only counted.
MAX_LISTED = 1_000
_NEEDED = ("text", "label", "article_path")
_STRING_FIELDS = ("text", "label", "note", "annotator", "article_path", "article_hash",
                  "created_at", "updated_at")
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES) | frozenset(" \x00\n\x0b\x0c\xa0\u3000")


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
    not_placed: int = 0
    warnings: list[str] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)

    def refuse(self, message: str) -> None:
        """Count a row not placed; keep its message (the first MAX_LISTED)."""
        self.not_placed += 1
        if len(self.unplaced) < MAX_LISTED:
            self.unplaced.append(message)


@dataclass
class _ArticlePlaces:
    article_id: int
    body: str
    places: dict[str, list[tuple[int, int, int, int]]]


# A row as read: ("row" or "line", its number, text, label, note, annotator,
# article_hash, article_path, created_at, updated_at, start or None, and the
# text as written in the file). Tuples: a million of them go by.
_Row = tuple


# -- reading ----------------------------------------------------------------


def read_rows(source: Path | str, warnings: list[str] | None = None) -> Iterator[_Row]:
    """Yield checked rows from a CSV or JSONL export (``-``: standard input)."""
    name = "standard input" if str(source) == "-" else str(source)
    warnings = warnings if warnings is not None else []
    with _open_binary(source, name) as handle:
        first = handle.read(SAMPLE_BYTES).removeprefix(codecs.BOM_UTF8)
        lines = _binary_lines(first, handle)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFormatError(f"{name}: is UTF-16; save it as UTF-8 (CSV UTF-8) and import that")
        if b"\x00" in first.split(b"\n", 1)[0]:
            raise ImportFormatError(f"{name}:1: NUL bytes: a binary or UTF-16 file, not an export")
        stripped = first.lstrip()
        jsonl = Path(name).suffix.lower() in (".jsonl", ".json") or stripped.startswith(b"{")
        encoding = "utf-8"
        if not jsonl and not _is_utf8(first, final=len(first) < SAMPLE_BYTES):
            encoding = "cp1252"
            warnings.append(f"{name}: not valid UTF-8; decoded as cp1252")
        text_lines = _decoded(lines, encoding, name)
        if jsonl:
            yield from _jsonl_rows(text_lines, name)
        else:
            yield from _csv_rows(text_lines, name)


class _open_binary:
    """The file (a regular one, or standard input) as a binary stream."""

    def __init__(self, source: Path | str, name: str) -> None:
        self.source, self.name, self.handle = source, name, None

    def __enter__(self) -> BinaryIO:
        if str(self.source) == "-":
            return sys.stdin.buffer
        try:
            info = os.stat(self.source)
            if stat.S_ISDIR(info.st_mode):
                raise ImportFormatError(f"{self.name}: is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise ImportFormatError(
                    f"{self.name}: is not a regular file (use - to read standard input)")
            self.handle = open(self.source, "rb")
        except OSError as exc:
            raise ImportFormatError(f"{self.name}: cannot be read ({exc.strerror or exc})") from None
        return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _binary_lines(first: bytes, rest: BinaryIO) -> Iterator[bytes]:
    """The lines of ``first`` followed by the rest of the stream."""
    *complete, partial = first.split(b"\n")
    for line in complete:
        yield line + b"\n"
    if partial:
        yield partial + rest.readline()
    yield from rest


def _is_utf8(data: bytes, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(lines: Iterator[bytes], encoding: str, name: str) -> Iterator[str]:
    """Each line as text; a line that is not UTF-8 is an error naming it."""
    number = 0
    if encoding == "utf-8":
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFormatError(
                    f"{name}:{number}: not valid UTF-8 (byte {exc.start + 1} of the line)") from None
            yield line
    else:
        for raw in lines:
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                yield raw.decode("latin-1")


def _jsonl_rows(lines: Iterator[str], name: str) -> Iterator[_Row]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            value = json.loads(line)
        except RecursionError:
            raise ImportFormatError(f"{where}: JSON nested too deeply") from None
        except ValueError as exc:  # JSONDecodeError, or an integer of 4,300+ digits
            reason = str(exc).split(":")[0].split(";")[0][:80]
            raise ImportFormatError(f"{where}: not valid JSON ({reason})") from None
        if not isinstance(value, dict):
            raise ImportFormatError(
                f"{where}: not a JSON object (a tui export has one object per line)")
        for key in _STRING_FIELDS:
            if value.get(key) is not None and not isinstance(value[key], str):
                raise ImportFormatError(f"{where}: {key} must be text")
        if not isinstance(value.get("text"), str) or not isinstance(value.get("label"), str):
            raise ImportFormatError(f"{where}: needs text and label")
        text = value["text"]
        yield ("line", number, text, value["label"].strip(), value.get("note") or "",
               value.get("annotator") or "", value.get("article_hash") or "",
               value.get("article_path") or "", value.get("created_at") or "",
               value.get("updated_at") or "", _offset(value.get("start"), where), text)


def _csv_rows(lines: Iterator[str], name: str) -> Iterator[_Row]:
    # Told from the header line: a spreadsheet set to another locale saves
    # with ; (or TAB); the header of a tui export has neither in it.
    header_line = next(lines, "")
    delimiter = max((",", ";", "\t"), key=header_line.count)

    def all_lines() -> Iterator[str]:
        yield header_line
        yield from lines

    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        header = next(reader, None)
        columns = {column.strip(): i for i, column in enumerate(header or ())}
        if not set(_NEEDED) <= set(columns):
            raise ImportFormatError(
                f"{name}: not a tui export (needs columns {', '.join(sorted(_NEEDED))})")
        # A missing optional column reads the empty cell added at the end.
        width = max(columns.values()) + 1
        i_text, i_label, i_note, i_annotator, i_hash, i_path, i_created, i_updated, i_start = (
            columns.get(key, width) for key in (
                "text", "label", "note", "annotator", "article_hash", "article_path",
                "created_at", "updated_at", "start"))
        raw_file = False  # a --raw export: no cell had its ' added
        row_number = 0
        for cells in reader:
            row_number += 1
            if not cells:
                continue
            if len(cells) <= width:
                cells += [""] * (width + 1 - len(cells))
            text = cells[i_text]
            note = cells[i_note]
            if not raw_file and (text[:1] in _FORMULA_FIRST or note[:1] in _FORMULA_FIRST):
                raw_file = _bare_formula(text) or _bare_formula(note)
            label, annotator, path = cells[i_label], cells[i_annotator], cells[i_path]
            created, updated, start = cells[i_created], cells[i_updated], cells[i_start]
            written = text
            if not raw_file:
                # Inlined (a million rows): only a cell starting with ' can change.
                text = restore(text) if text[:1] == "'" else text
                note = restore(note) if note[:1] == "'" else note
                label = restore(label) if label[:1] == "'" else label
                annotator = restore(annotator) if annotator[:1] == "'" else annotator
                path = restore(path) if path[:1] == "'" else path
                created = restore(created) if created[:1] == "'" else created
                updated = restore(updated) if updated[:1] == "'" else updated
            if start:
                start = (int(start) if start.isdigit() and start.isascii() and len(start) < 16
                         else _offset(start, f"{name}:{reader.line_num}"))
            else:
                start = None
            yield ("row", row_number, text, label.strip(), note, annotator, cells[i_hash],
                   path, created, updated, start, written)
    except csv.Error as exc:
        raise ImportFormatError(f"{name}:{reader.line_num}: not valid CSV ({exc})") from None


def _bare_formula(cell: str) -> bool:
    """A cell a neutralised export would never write (it would start with ')."""
    return bool(cell) and cell[0] in _FORMULA_FIRST and is_formula(cell)


def _offset(value: Any, where: str) -> int | None:
    """The row's old start offset: a whole number, or None when missing."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.strip().isdigit() and len(value) < 16:
        return int(value)
    if type(value) is int and 0 <= value < _MAX_OFFSET:
        return value
    shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "…"
    raise ImportFormatError(f"{where}: start must be a whole number of characters, not {shown}")


# -- writing ----------------------------------------------------------------


def import_into(db_path: Path, source: Path | str) -> ImportReport:
    """Open (or create) the database at ``db_path`` and import ``source``.

    If the import fails and this run created the database, the database is
    removed again: a failed import leaves no new ``annotations.db`` behind.
    (The import streams, so the store must be open before the file is read;
    a temporary database renamed into place would race with another tui
    opening the same name meanwhile.) Raises ImportFormatError or StoreError.
    """
    created = not os.path.lexists(db_path)
    store = AnnotationStore(db_path)
    ok = False
    try:
        report = import_file(store, source)
        ok = True
        return report
    finally:
        empty = not ok and created and _is_empty(store)
        store.close()
        if empty:
            for path in (db_path, *(Path(f"{db_path}{s}") for s in ("-wal", "-shm", "-journal"))):
                try:
                    os.unlink(path)
                except OSError:
                    pass


def _is_empty(store: AnnotationStore) -> bool:
    try:
        return store.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    except Exception:  # a damaged file: leave it for the user to see
        return False


_UPSERT = """
INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, context_before,
    context_after, label, note, annotator, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, start, "end") WHERE paragraph IS NOT NULL DO UPDATE SET
    label = excluded.label, note = excluded.note, annotator = excluded.annotator,
    updated_at = excluded.updated_at
WHERE label IS NOT excluded.label OR note IS NOT excluded.note
"""


def import_file(store: AnnotationStore, source: Path | str) -> ImportReport:
    """Import every row of ``source`` into ``store`` in one transaction.

    Raises ImportFormatError (nothing written) for a file that is not an
    export; a database error becomes a StoreError (nothing written).
    """
    import sqlite3

    report = ImportReport()
    try:
        with write_transaction(store.db):
            _import_rows(store, source, report)
    except sqlite3.Error as exc:
        raise StoreError(f"{store.path}: import failed; nothing was imported ({exc})") from None
    return report


def _import_rows(store: AnnotationStore, source: Path | str, report: ImportReport) -> None:
    conn = store.db.conn
    # Rows get ids above every id before: the new ones are counted by id at
    # the end, the changed ones by SQLite's change counter around each batch
    # (an upsert whose WHERE is false changes nothing): no SELECT per row.
    max_before = conn.execute("SELECT ifnull(max(id), 0) FROM annotations").fetchone()[0]
    changed = 0
    stamp = now()
    annotator = store.annotator
    articles: OrderedDict[tuple[str, str], _ArticlePlaces | str] = OrderedDict()
    last_key: tuple[str, str] | None = None
    refusal: str | None = None
    places: dict[str, list[tuple[int, int, int, int]]] = {}
    body, article_id = "", 0
    batch: list[tuple[Any, ...]] = []
    labels = LABELS_BY_NAME
    for (kind, number, text, label, note, row_annotator, content_hash, path, created, updated,
         old_start, written) in read_rows(source, report.warnings):
        report.read += 1
        if label not in labels:
            valid = ", ".join(labels)
            report.refuse(f"{kind} {number}: unknown label {label!r} (expected one of: {valid})")
            continue
        key = (content_hash, path)
        if key != last_key:
            if key in articles:
                articles.move_to_end(key)
            else:
                articles[key] = _find_article(store, content_hash, path, report)
                if len(articles) > ARTICLES_KEPT:
                    articles.popitem(last=False)
            last_key, target = key, articles[key]
            if isinstance(target, str):
                refusal = target
            else:
                refusal, places, body, article_id = None, target.places, target.body, target.article_id
        if refusal is not None:
            report.refuse(f"{kind} {number}: {refusal}")
            continue
        candidates = places.get(text)
        if not candidates and written != text:
            # A --raw CSV whose sentence really begins with '= : as written.
            text = written
            candidates = places.get(text)
        if not candidates:
            report.refuse(f"{kind} {number}: text matches no sentence: {text[:60]!r}")
            continue
        if len(candidates) == 1:
            paragraph, sentence, start, end = candidates[0]
        else:
            old = old_start or 0
            paragraph, sentence, start, end = min(candidates, key=lambda c: abs(c[2] - old))
        before, after = context_around(body, start, end)
        batch.append((article_id, paragraph, sentence, start, end, text, before, after,
                      label, note, row_annotator or annotator, created or stamp, updated or stamp))
        if len(batch) >= BATCH:
            changed += _flush(conn, batch)
    changed += _flush(conn, batch)
    report.added = conn.execute("SELECT count(*) FROM annotations WHERE id > ?",
                                [max_before]).fetchone()[0]
    report.updated = changed - report.added
    report.unchanged = report.read - report.not_placed - changed


def _flush(conn: Any, batch: list[tuple[Any, ...]]) -> int:
    """Write the batch; return how many rows it added or changed."""
    if not batch:
        return 0
    before = conn.total_changes
    conn.executemany(_UPSERT, batch)
    batch.clear()
    return conn.total_changes - before


def _find_article(store: AnnotationStore, content_hash: str, path: str,
                  report: ImportReport) -> _ArticlePlaces | str:
    """The article a row belongs to: by hash, by path, or read from its file.

    Returns the reason as text when there is none.
    """
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
        return f"article {content_hash[:12]!r} not found"
    refusal = _refuse_article_file(path)
    if refusal:
        return f"article file {path!r} {refusal}"
    try:
        article = load_article(path)
    except ArticleError as exc:
        return f"article file not read: {exc}"
    report.files_read.append(path)
    report.warnings.extend(article.warnings)
    if not article.paragraphs:
        return f"article file {path!r} has no paragraphs; not stored"
    doc = store.open_article(article)
    return _ArticlePlaces(doc.id, article.body, sentence_index(article))


def _refuse_article_file(path: str) -> str | None:
    """Why the file at ``path`` may not be read as an article, or None.

    Only a regular file within the size limit is read: a FIFO would block
    forever and a device never ends. Only ``stat`` is called.
    """
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return "not found"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file; not read"
    if info.st_size > MAX_ARTICLE_BYTES:
        return f"is over the {MAX_ARTICLE_BYTES >> 20} MB limit; not read"
    return None
