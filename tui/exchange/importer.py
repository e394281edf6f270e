"""Importing annotations from a CSV or JSONL export (a colleague's, a model's).

A row whose article text holds the row's text at the row's own offsets,
inside the row's paragraph (an export of this very text), is placed there:
no need to split the article into sentences, the costliest step of a big
import. Any other row is placed on the sentence of its article whose text
equals the row's text, nearest the row's old offset if several do. Rows
that match no sentence, or carry a label tui does not know, are reported,
never guessed. Importing the same file twice changes nothing the second
time. Writing is set-based: each batch of ``BATCH`` rows is staged in a
TEMP table and merged, on a second thread while the next batch is read,
with one INSERT ... SELECT ... ON CONFLICT (in file order), counted with
SQLite's change counter, no SELECT per row. A big import (``BULK_ROWS`` rows and more) checks labels
once at the end instead of per row in the trigger (tui/store/bulk.py).

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
import contextlib
import csv
import io
import json
import os
import re
import sys
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ..store import AnnotationStore, StoreError
from ..store.anchoring import CONTEXT_CHARS, sentence_index
from ..store.annotations import now
from ..store.bulk import labels_checked_at_end
from ..store.coders import CoderNameError, check_coder_name
from ..store.database import write_transaction
from ..store.labels import LABELS_BY_NAME
from ..store.preflight import describe_error
from ..store.readonly import connect_read_only
from ..text import Article, ArticleError, article_from_body, load_article
from ..text.paths import PathError, check_regular_file, open_regular_file
from .batch_writer import BatchWriter
from .csv_safety import FORMULA_PREFIXES, is_formula, restore

# Rows written per executemany (a few batches are in memory at once).
BATCH = 5_000
# From this many rows read on, an import is a bulk one: the label trigger's
# per-row check gives way to one set-based check at the end (see
# tui/store/bulk.py). Below it an import writes exactly as any writer does.
BULK_ROWS = 20_000
# Articles whose sentence index is kept at once. Exports come ordered by
# article, so a few suffice; more would hold every article of a big file in
# memory (~5 MB each for 10,000 sentences).
ARTICLES_KEPT = 4
# Bytes looked at to tell the format and the encoding.
SAMPLE_BYTES = 1 << 16
# The longest CSV cell read (csv's own default is 131,072 characters; an
# exported sentence of a huge paragraph can be longer).
MAX_CELL_CHARS = 16 * 1024 * 1024
# No line of an export is longer than a few of its cells: a longer one is
# refused once this much is read, before a multi-gigabyte line fills memory.
MAX_LINE_CHARS = 3 * MAX_CELL_CHARS
# An offset is a character position in an article: far below this.
_MAX_OFFSET = 10**15
# "not placed" lines kept for the report; the rest are only counted.
MAX_LISTED = 1_000
_NEEDED = ("text", "label", "article_path")
_STRING_FIELDS = ("text", "label", "note", "annotator", "article_path", "article_hash",
                  "created_at", "updated_at", "file_hash", "anchor", "old_text", "old_position",
                  "context_before", "context_after")
# A placed row keeps its anchor state from a JSONL export; any other value
# (an orphan's, a foreign file's) reads as exact.
_PLACED_ANCHORS = frozenset(("exact", "moved", "fuzzy"))
# Paragraph and sentence numbers repeat: looked up rather than parsed
# (int() of a str costs ~0.2 us; four a row add up over a million rows).
_SMALL_NUMBERS = {str(n): n for n in range(10_000)}
# The last character of a sentence that ends before the end of its paragraph,
# as the splitter leaves it on news text (end punctuation, a closing quote or
# bracket); a row ending otherwise is checked by splitting its paragraph.
_SENTENCE_ENDS = frozenset(".!?\u2026\"'\u201d\u2019\u201c\u00bb)]:;")
# Inside a row's text, what could be the end of one sentence and the start of
# the next (two sentences' offsets as one row): such a row is checked by
# splitting its paragraph. Abbreviations ("U.S. officials", ~3% of news
# sentences) match too; they only cost that check.
_INNER_END = re.compile("[.!?\u2026][\"'\u201d\u2019\u00bb)\\]]* ").search
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
    duplicates: int = 0  # rows for a sentence an earlier row of the file had

    def refuse(self, message: str) -> None:
        """Count a row not placed; keep its message (the first MAX_LISTED)."""
        self.not_placed += 1
        if len(self.unplaced) < MAX_LISTED:
            self.unplaced.append(message)


class _ArticlePlaces:
    """An article's body, paragraph spans and (built when first needed)
    the places of each sentence text."""

    def __init__(self, article_id: int, article: Article) -> None:
        self.article_id = article_id
        self.article = article
        self.body = str(article.body)  # a str: sliced three times a row, a million rows
        # From the offset arrays: no Paragraph object made per paragraph.
        self.paragraphs = list(zip(article.paragraphs.starts, article.paragraphs.ends))
        self._places: dict[str, list[tuple[int, int, int, int]]] | None = None
        # paragraph -> {(start, end): sentence}, for the paragraphs split by at()
        self._spans: dict[int, dict[tuple[int, int], int]] = {}

    @property
    def places(self) -> dict[str, list[tuple[int, int, int, int]]]:
        """Sentence text -> (paragraph, sentence, start, end) of each one.

        Splitting every paragraph into sentences is the costliest step of
        an import (~0.1 s a MB): done only for an article with a row that
        its own offsets do not place.
        """
        if self._places is None:
            self._places = sentence_index(self.article)
        return self._places

    def at(self, spot: tuple[int, int, int, int], text: str) -> tuple[int, int, int, int] | None:
        """The place of the sentence of the row's paragraph that is exactly
        ``text`` at the row's own offsets (as in an export of this very
        text), or None.

        The paragraph is split (once) to check it: offsets of a word, of
        an empty or reversed span, or of two sentences are no sentence's.
        The sentence number is the split's, whatever the row says.
        """
        paragraph, _, start, end = spot
        if not 0 < paragraph <= len(self.paragraphs) or not start < end:
            return None
        first, last = self.paragraphs[paragraph - 1]
        if not (first <= start and end <= last and self.body[start:end] == text):
            return None
        spans = self._spans.get(paragraph)
        if spans is None:
            spans = self._spans[paragraph] = {
                (first + a, first + b): index for index, (a, b) in
                enumerate(self.article.paragraphs[paragraph - 1].spans(), start=1)}
        index = spans.get((start, end))
        return None if index is None else (paragraph, index, start, end)


# A row as read: ("row" or "line", its number, text, label, note, annotator,
# article_hash, article_path, created_at, updated_at, start or None, (text,
# note) as written in the file, and (paragraph, sentence, start, end) when
# the row has all four), then file_hash (JSONL; '' if absent) and JSONL's
# extras: (anchor, old_text, old_position, (start, end) of an orphan or None,
# context_before, context_after), None for CSV. Tuples: a million go by.
_Row = tuple


# -- reading ----------------------------------------------------------------


def read_rows(source: Path | str, warnings: list[str] | None = None,
              raw: list[bool] | None = None) -> Iterator[_Row]:
    """Yield checked rows from a CSV or JSONL export (``-``: standard input).

    ``raw[0]`` is set (by this reader, or by the caller when a row is placed
    only as written) once the CSV is known to be a ``--raw`` export: from
    then on no ``'`` is taken off. ``raw[1]`` is set once a ``'`` has been
    taken off a cell (see :func:`import_file`).
    """
    raw = raw if raw is not None else [False, False]
    name = "standard input" if str(source) == "-" else str(source)
    warnings = warnings if warnings is not None else []
    with _open_binary(source, name) as handle:
        first = handle.read(SAMPLE_BYTES)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFormatError(f"{name}: is UTF-16; save it as UTF-8 (CSV UTF-8) and import that")
        if b"\x00" in first.split(b"\n", 1)[0]:
            raise ImportFormatError(f"{name}:1: NUL bytes: a binary or UTF-16 file, not an export")
        stripped = first.removeprefix(codecs.BOM_UTF8).lstrip()
        jsonl = Path(name).suffix.lower() in (".jsonl", ".json") or stripped.startswith(b"{")
        encoding, errors = "utf-8-sig", "strict"
        if not jsonl and not _is_utf8(first, final=len(first) < SAMPLE_BYTES):
            encoding, errors = "cp1252", _CP1252_FALLBACK
            warnings.append(f"{name}: not valid UTF-8; decoded as cp1252")
        if handle.seekable():
            handle.seek(0)
            binary: BinaryIO = handle
        else:  # standard input: the sample, then the rest
            binary = io.BufferedReader(_Prefixed(first, handle), SAMPLE_BYTES)  # type: ignore[arg-type]
        # Decoded in C, a chunk at a time; a bad byte is located afterwards.
        stream = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
        lines = _BoundedLines(stream, name)
        try:
            if jsonl:
                yield from _jsonl_rows(lines, name)  # type: ignore[arg-type]
            else:
                yield from _csv_rows(lines, name, raw)  # type: ignore[arg-type]
        except UnicodeDecodeError:
            raise ImportFormatError(_not_utf8(source, name)) from None
        finally:
            stream.detach()


class _BoundedLines:
    """The lines of ``stream``, each read to at most MAX_LINE_CHARS characters.

    ``readline`` and iteration, as the CSV and JSONL readers use them; a
    longer line is an :class:`ImportFormatError` naming its line number.
    """

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream, self.name, self.number = stream, name, 0

    def readline(self) -> str:
        line = self.stream.readline(MAX_LINE_CHARS + 1)
        self.number += 1
        if len(line) > MAX_LINE_CHARS:
            raise ImportFormatError(f"{self.name}:{self.number}: a line over "
                                    f"{MAX_LINE_CHARS // (1024 * 1024)} M characters; not an export")
        return line

    def __iter__(self) -> Iterator[str]:
        while line := self.readline():
            yield line


class _Prefixed(io.RawIOBase):
    """A stream that has been read from: the bytes read, then the rest."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self.first, self.rest = first, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.first:
            data, self.first = self.first[:len(buffer)], self.first[len(buffer):]
        else:
            read = getattr(self.rest, "read1", self.rest.read)
            data = read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _not_utf8(source: Path | str, name: str) -> str:
    """The message for a file with a byte that is not UTF-8, naming its line.

    The file is read again to find the line; standard input cannot be.
    """
    if str(source) == "-":
        return f"{name}: not valid UTF-8 (save it as UTF-8)"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(source, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return f"{name}:{number}: not valid UTF-8 (byte {exc.start + 1} of the line)"
    return f"{name}: not valid UTF-8 at its end"


def _latin1_for_undefined(error: UnicodeDecodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined are read as latin-1, as the
    # text layer does for articles.
    return error.object[error.start:error.end].decode("latin-1"), error.end


_CP1252_FALLBACK = "tui-cp1252-latin1"
codecs.register_error(_CP1252_FALLBACK, _latin1_for_undefined)


def check_source(source: Path | str) -> None:
    """ImportFormatError unless ``source`` is ``-`` or a regular file.

    Only ``stat``: a FIFO or a device is refused before it is opened.
    """
    if str(source) == "-":
        return
    try:
        check_regular_file(source, _WHAT)
    except PathError as exc:
        raise ImportFormatError(str(exc)) from None


# How the import file is named in messages about it.
_WHAT = "an export file (- reads standard input)"


class _open_binary:
    """The file (a regular one, or standard input) as a binary stream."""

    def __init__(self, source: Path | str, name: str) -> None:
        self.source, self.name, self.handle = source, name, None

    def __enter__(self) -> BinaryIO:
        if str(self.source) == "-":
            return sys.stdin.buffer
        try:  # checked again on the open file: it may have been swapped
            self.handle = open_regular_file(self.source, _WHAT)
        except PathError as exc:
            raise ImportFormatError(str(exc)) from None
        return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _is_utf8(data: bytes, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _jsonl_rows(lines: TextIO, name: str) -> Iterator[_Row]:
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
        if "\\ud" in line or "\\uD" in line:  # only an escape makes a lone surrogate
            _refuse_surrogates(value, where)
        for key in _STRING_FIELDS:
            if value.get(key) is not None and not isinstance(value[key], str):
                raise ImportFormatError(f"{where}: {key} must be text")
        if not isinstance(value.get("text"), str) or not isinstance(value.get("label"), str):
            raise ImportFormatError(f"{where}: needs text and label")
        text = value["text"]
        spot = tuple(_offset(value.get(key), where, key)
                     for key in ("paragraph", "sentence", "start", "end"))
        note = value.get("note") or ""
        # An orphan, as tui exports it: paragraph null, offsets kept. It is
        # stored as an orphan again, not placed by its text (issue: JSONL
        # export -> import is the identity).
        orphan = ((spot[2], spot[3]) if "paragraph" in value and spot[0] is None
                  and spot[2] is not None and spot[3] is not None else None)
        extras = (value.get("anchor") or "exact", value.get("old_text") or "",
                  value.get("old_position") or "", orphan,
                  value.get("context_before"), value.get("context_after"))
        yield ("line", number, text, value["label"].strip(), note,
               value.get("annotator"), value.get("article_hash") or "",
               value.get("article_path") or "", value.get("created_at") or "",
               value.get("updated_at") or "", spot[2], (text, note),
               None if None in spot else spot, value.get("file_hash") or "", extras)


def _refuse_surrogates(value: dict[str, Any], where: str) -> None:
    """ImportFormatError for a text field holding half a UTF-16 pair.

    JSON may write one (``"\\ud83d"``, an emoji cut in half by a tool that
    counts UTF-16 units); it is no character, cannot be stored as UTF-8 and
    ended the import in a traceback.
    """
    for key, cell in value.items():
        if isinstance(cell, str):
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError as exc:
                half = cell[exc.start]
                raise ImportFormatError(
                    f"{where}: {key[:40]!r} holds half a UTF-16 pair ({half!r}), not a "
                    "character (cut by the program that wrote it?)") from None


def _csv_rows(lines: TextIO, name: str, raw: list[bool]) -> Iterator[_Row]:
    # Told from the header line: a spreadsheet set to another locale saves
    # with ; (or TAB); the header of a tui export has neither in it.
    header_line = lines.readline()
    delimiter = max((",", ";", "\t"), key=header_line.count)
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(lines, delimiter=delimiter)  # line_num: lines after the header
    try:
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        columns = {column.strip(): i for i, column in enumerate(header)}
        names = [column.strip() for column in header if column.strip()]
        if len(names) != len(set(names)):  # the last would win, silently
            twice = next(n for n in names if names.count(n) > 1)
            raise ImportFormatError(f"{name}: column {twice!r} appears twice; "
                                    "which one holds the data?")
        if not set(_NEEDED) <= set(columns):
            raise ImportFormatError(
                f"{name}: not a tui export (needs columns {', '.join(sorted(_NEEDED))})")
        # A missing optional column reads the empty cell added at the end.
        width = max(columns.values()) + 1
        # All twelve cells in one C call (a million rows go by: each bytecode
        # of this loop costs ~0.1 s on a big import).
        cells_of = itemgetter(*(columns.get(key, width) for key in (
            "text", "label", "note", "annotator", "article_hash", "article_path",
            "created_at", "updated_at", "paragraph", "sentence", "start", "end")))
        formula_first = _FORMULA_FIRST
        no_annotator = "annotator" not in columns
        padding = [""] * (width + 1)
        numbers = _SMALL_NUMBERS
        row_number = 0
        for cells in reader:
            row_number += 1
            if len(cells) <= width:
                if not cells:
                    continue
                cells += padding[len(cells):]
            else:  # cells beyond the header's: no column names them
                cells = cells[:width]
                cells.append("")
            (text, label, note, annotator, content_hash, path, created, updated,
             paragraph, sentence, start, end) = cells_of(cells)
            written = text, note
            if not raw[0]:
                if text[:1] in formula_first or note[:1] in formula_first:
                    raw[0] = _bare_formula(text) or _bare_formula(note)
                if not raw[0]:
                    # Only a cell starting with ' can change. One that does
                    # is noted in raw[1]: should a later row show the file is
                    # a --raw export after all, the import starts again.
                    if text[:1] == "'":
                        text = restore(text)
                        raw[1] = raw[1] or text is not written[0]
                    if note[:1] == "'":
                        note = restore(note)
                        raw[1] = raw[1] or note is not written[1]
                    if label[:1] == "'":
                        label = restore(label)
                    if "'" in (annotator[:1], path[:1], created[:1], updated[:1]):
                        cells = annotator, path, created, updated
                        annotator, path, created, updated = map(restore, cells)
                        raw[1] = raw[1] or cells != (annotator, path, created, updated)
            if no_annotator:  # no annotator column: the importing coder
                annotator = None
            digits = paragraph + sentence + start + end
            if (paragraph and sentence and start and end and len(digits) < 48
                    and digits.isdigit() and digits.isascii()):
                spot = (numbers.get(paragraph) or int(paragraph),
                        numbers.get(sentence) or int(sentence), int(start), int(end))
            else:  # an orphan (no paragraph), a file of another program, or bad
                spot = tuple(_offset(n, f"{name}:{reader.line_num + 1}", key) for n, key in
                             zip((paragraph, sentence, start, end),
                                 ("paragraph", "sentence", "start", "end")))
            yield ("row", row_number, text, label.strip(), note, annotator, content_hash,
                   path, created, updated, spot[2], written, None if None in spot else spot,
                   "", None)
    except csv.Error as exc:
        raise ImportFormatError(f"{name}:{reader.line_num + 1}: not valid CSV ({exc})") from None


def _bare_formula(cell: str) -> bool:
    """A cell a neutralised export would never write (it would start with ')."""
    return bool(cell) and cell[0] in _FORMULA_FIRST and is_formula(cell)


def _offset(value: Any, where: str, key: str = "start") -> int | None:
    """A row's number (offset, paragraph, sentence): whole, or None when missing."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.strip().isdigit() and len(value) < 16:
        return int(value)
    if type(value) is int and 0 <= value < _MAX_OFFSET:
        return value
    shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "…"
    raise ImportFormatError(f"{where}: {key} must be a whole number (at most 15 digits), not {shown}")


# -- writing ----------------------------------------------------------------


def import_into(db_path: Path, source: Path | str, annotator: str | None = None,
                bulk_rows: int = BULK_ROWS) -> ImportReport:
    """Open (or create) the database at ``db_path`` and import ``source``.

    If the import fails and this run created the database, the database is
    removed again: a failed import leaves no new ``annotations.db`` behind.
    (The import streams, so the store must be open before the file is read;
    a temporary database renamed into place would race with another tui
    opening the same name meanwhile.) Raises ImportFormatError or StoreError.
    ``bulk_rows``: as for :func:`import_file`.
    """
    check_source(source)
    created = not os.path.lexists(db_path)
    try:
        store = AnnotationStore(db_path, annotator=annotator)  # rows without a coder get this one
    except StoreError:
        # Failed while creating it (a full disk): what it left is ours, and empty.
        if created and os.path.isfile(db_path) and os.path.getsize(db_path) == 0:
            _remove_database(db_path)
        raise
    ok = False
    try:
        if not created:
            store.check_integrity()  # never write into a damaged file
        report = import_file(store, source, bulk_rows)
        ok = report.added > 0 or report.updated > 0
        return report
    finally:
        # Failed, or nothing placed (every row refused): a database this run
        # created that holds nothing is not left behind.
        empty = not ok and created and _is_empty(store)
        store.close()
        if empty and _closed_by_all(db_path):
            _remove_database(db_path)


def _closed_by_all(db_path: Path) -> bool:
    """True unless another connection still has the database open.

    SQLite removes the -wal when its last connection closes; a -wal still
    there after ours closed means another program opened the new database
    meanwhile (a reader window, a second import). Removing the file then
    would send that program's tags to a file no longer there, lost without
    an error (SQLite writes on into the removed file).
    """
    return not os.path.lexists(f"{db_path}-wal")


def _remove_database(db_path: Path) -> None:
    """Remove a database this import created, with its side files."""
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


_COLUMNS = """article_id, paragraph, sentence, start, "end", text, context_before,
    context_after, label, note, annotator, created_at, updated_at, anchor, old_text,
    old_position"""
# A batch is staged in a TEMP table (no index, no trigger: cheap per row),
# then merged in one statement (see batch_writer). Untyped columns keep
# each value as bound. Created and dropped inside the import's transaction:
# a failed import leaves nothing of it.
_STAGE_CREATE = f"CREATE TEMP TABLE tui_import_stage ({_COLUMNS})"
_STAGE_INSERT = ("INSERT INTO temp.tui_import_stage VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
# An orphan (JSONL) is added unless its article already has a tag with the
# same coder, offsets, text and label: importing twice adds nothing. Orphans
# are outside the unique index (paragraph NULL), hence no upsert.
_ORPHAN_INSERT = f"""
INSERT INTO annotations ({_COLUMNS})
SELECT ?1, NULL, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'orphan', ?12, ?13
WHERE NOT EXISTS (SELECT 1 FROM annotations WHERE article_id = ?1 AND annotator = ?9
                  AND start = ?2 AND "end" = ?3 AND text = ?4 AND label = ?7)
"""
_STAGE_CLEAR = "DELETE FROM temp.tui_import_stage"
_STAGE_DROP = "DROP TABLE temp.tui_import_stage"
# In the file's order (a row repeated later in the file updates the first);
# "WHERE true" tells SQLite's parser the ON below is the upsert's.
_MERGE = f"""
INSERT INTO annotations ({_COLUMNS})
SELECT {_COLUMNS} FROM temp.tui_import_stage WHERE true ORDER BY rowid
ON CONFLICT (article_id, annotator, start, "end") WHERE paragraph IS NOT NULL DO UPDATE SET
    label = excluded.label, note = excluded.note, updated_at = excluded.updated_at
WHERE (label IS NOT excluded.label OR note IS NOT excluded.note)
    AND excluded.updated_at >= annotations.updated_at
"""


def import_file(store: AnnotationStore, source: Path | str,
                bulk_rows: int = BULK_ROWS) -> ImportReport:
    """Import every row of ``source`` into ``store`` in one transaction.

    Raises ImportFormatError (nothing written) for a file that is not an
    export; a database error becomes a StoreError (nothing written). Once
    ``bulk_rows`` rows are read, the rest is written in bulk (labels checked
    once, at the end: tui/store/bulk.py).
    """
    import sqlite3

    report = ImportReport()
    try:
        if not store.db.conn.in_transaction:  # (SQLite refuses it inside one)
            # The staging table (one batch at a time) in memory: an import
            # does not depend on the system's temporary folder having room.
            store.db.conn.execute("PRAGMA temp_store = MEMORY")
        # A --raw CSV is known as such only at its first bare formula (a
        # cell a neutralised export would have written with a '). A ' taken
        # off an earlier cell (a note "'=SUM(A1)" kept as written) would be
        # lost, so the import is rolled back and read again as --raw.
        # (Standard input cannot be read again: a warning says so.)
        restart = not store.db.conn.in_transaction
        try:
            with write_transaction(store.db):
                _import_rows(store, source, report, bulk_rows, [False, False], restart)
        except _RawAfterAll:
            report = ImportReport()
            with write_transaction(store.db):
                _import_rows(store, source, report, bulk_rows, [True, False], False)
    except sqlite3.Error as exc:  # rolled back: "not saved" covers every row
        raise StoreError(describe_error(exc, store.path)) from None
    return report


class _RawAfterAll(Exception):
    """The file turned out to be a --raw export after a ' was taken off a cell."""


def _import_rows(store: AnnotationStore, source: Path | str, report: ImportReport,
                 bulk_rows: int, raw: list[bool], restart: bool) -> None:
    conn = store.db.conn
    # Rows get ids above every id before: the new ones are counted by id at
    # the end, the changed ones by SQLite's change counter around each batch
    # (an upsert whose WHERE is false changes nothing): no SELECT per row.
    max_before = conn.execute("SELECT ifnull(max(id), 0) FROM annotations").fetchone()[0]
    # Leaving this block checks the labels of a bulk import and restores the
    # trigger (after the orphans, the last rows added); an error skips that,
    # and the caller's rollback restores everything.
    with contextlib.ExitStack() as bulk:
        conn.execute(_STAGE_CREATE)
        writer = BatchWriter(conn, _STAGE_INSERT, merge=_MERGE, clear=_STAGE_CLEAR)

        def go_bulk() -> None:
            writer.drain()  # the connection is ours only between batches
            bulk.enter_context(labels_checked_at_end(conn, max_before))

        # What was committed before this import (our write lock keeps it so).
        side = connect_read_only(store.path)
        orphans: list[tuple[Any, ...]] = []
        try:
            read = _place_rows(store, source, report, writer, side, orphans, bulk_rows, go_bulk,
                               raw)
            if raw[0] and raw[1]:  # a --raw export, known too late: see import_file
                if str(source) != "-" and restart:
                    raise _RawAfterAll
                report.warnings.append(
                    "standard input: a --raw export (seen at a bare formula) whose earlier cells "
                    "had a ' taken off; import it from a file to keep them as written")
            writer.drain()
        finally:
            writer.close()  # before the caller's COMMIT or ROLLBACK
            side.close()
        conn.execute(_STAGE_DROP)
        before = conn.total_changes
        conn.executemany(_ORPHAN_INSERT, orphans)
        orphans_added = conn.total_changes - before
    report.read = read
    report.added = conn.execute("SELECT count(*) FROM annotations WHERE id > ?",
                                [max_before]).fetchone()[0]
    report.updated = writer.changed - (report.added - orphans_added)
    report.unchanged = read - report.not_placed - writer.changed - orphans_added


def _place_rows(store: AnnotationStore, source: Path | str, report: ImportReport,
                writer: BatchWriter, side: Any, orphans: list[tuple[Any, ...]],
                bulk_rows: int, go_bulk: Any, raw: list[bool]) -> int:
    """Place each row and hand batches to ``writer``; returns rows read.

    ``side`` is a read-only connection that sees the database as it was
    before the import. JSONL orphans are appended to ``orphans`` (few), to
    be inserted after the batches. ``go_bulk`` is called once, when the
    ``bulk_rows``-th row is read.
    """
    # Ids and paths of articles looked up in the transaction (it may have
    # added or changed them): never taken from ``side`` again.
    opened: set[int | str] = set()
    stamp = now()
    context = CONTEXT_CHARS
    enders, inner_end = _SENTENCE_ENDS, _INNER_END
    # The last row placed: (article id, paragraph, sentence, start, end).
    last: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    iso = _iso_time
    coder = _coders(store.annotator)
    labels = LABELS_BY_NAME
    articles: OrderedDict[tuple[str, str, str], _ArticlePlaces | str] = OrderedDict()
    last_hash = last_path = last_file_hash = None
    last_annotator: Any = _UNSET  # the last row's coder cell, and its checked name
    name = ""
    # (coder, paragraph, sentence) -> line, for the article's run of rows:
    # a second row for a sentence wins, with a warning (see _duplicate).
    seen: dict[tuple[str, int, int], int] = {}
    target: _ArticlePlaces | str = ""
    refusal: str | None = None
    body, article_id = "", 0
    spans: list[tuple[int, int]] = []
    batch: list[tuple[Any, ...]] = []
    append = batch.append
    read = 0
    for (kind, number, text, label, note, row_annotator, content_hash, path, created, updated,
         old_start, written, spot, file_hash, extras) in read_rows(source, report.warnings, raw):
        read += 1
        if read == bulk_rows:
            go_bulk()
        if label not in labels:
            valid = ", ".join(labels)
            report.refuse(f"{kind} {number}: unknown label {label!r} (expected one of: {valid})")
            continue
        if content_hash != last_hash or path != last_path or file_hash != last_file_hash:
            key = last_hash, last_path, last_file_hash = content_hash, path, file_hash
            seen = {}
            if key in articles:
                articles.move_to_end(key)
            else:
                # An article the database had before this import is read on
                # a second connection while batches are written; any other
                # needs the store's own connection (this transaction's
                # articles), so the batches in flight are waited for.
                found = None if path in opened else _article_in(side, content_hash, path,
                                                                  hash_alone=False,
                                                                  file_hash=file_hash)
                if found is None or found.article_id in opened:
                    writer.drain()
                    found = _find_article(store, content_hash, path, report, file_hash)
                    opened.add(path)
                    if not isinstance(found, str):
                        opened.add(found.article_id)
                articles[key] = found
                if len(articles) > ARTICLES_KEPT:
                    articles.popitem(last=False)
            target = articles[key]
            if isinstance(target, str):
                refusal = target
            else:
                refusal, body, article_id = None, target.body, target.article_id
                spans = target.paragraphs
        if refusal is not None:
            report.refuse(f"{kind} {number}: {refusal}")
            continue
        # Times as tui writes them (UTC, microseconds) pass with one parse;
        # any other ISO 8601 time is rewritten so; anything else stops.
        if created:
            created = (created if len(created) == 32 and created[26:] == "+00:00"
                       and iso(created) else _utc_time(created, source, kind, number, "created_at"))
        if updated:
            updated = (updated if len(updated) == 32 and updated[26:] == "+00:00"
                       and iso(updated) else _utc_time(updated, source, kind, number, "updated_at"))
        if extras is not None and extras[3] is not None:
            start, end = extras[3]
            orphans.append((article_id, start, end, text, extras[4] or "", extras[5] or "",
                            label, note, coder(row_annotator, kind, number), created or stamp,
                            updated or stamp, extras[1], extras[2]))
            continue
        place = None
        if spot is not None:
            # The usual row (a million go by) is checked without splitting
            # its paragraph: its text at its own offsets; its start and number
            # those of sentence 1 (the paragraph's start), of the sentence
            # right after the row before (one space after its end), or of that
            # row's sentence (another coder's tag); its end a sentence's (the
            # paragraph's, or end punctuation and a space) with no sentence
            # end inside. Exports are in text order, so a full one passes
            # row after row. Any other row (the first tag of a paragraph past
            # its first sentence, a word's offsets, an empty span, two
            # sentences, a wrong number) is checked exactly by
            # _ArticlePlaces.at, which splits its paragraph.
            paragraph, sentence, start, end = spot
            if body[start:end] == text and 0 < paragraph <= len(spans) and start < end:
                first_char, last_char = spans[paragraph - 1]
                if (first_char <= start and end <= last_char and sentence > 0
                        and (start == first_char if sentence == 1 else
                             last[0] == article_id and last[1] == paragraph
                             and (last[2] == sentence - 1 and last[4] + 1 == start
                                  or last[2:] == (sentence, start, end)))
                        and (end == last_char or body[end] == " " and text[-1] in enders)
                        # (end punctuation counted first: a regex search
                        # of every row costs ~0.6 us, the counts a third)
                        and (text.count(".") + text.count("?") + text.count("!")
                             + text.count("\u2026") - (text[-1] in ".?!\u2026") < 1
                             or not inner_end(text))):
                    place = spot  # exported from this very text: placed where it was
                else:
                    place = target.at(spot, text)  # type: ignore[union-attr]
            if place is None and written[0] != text:
                place = target.at(spot, written[0])  # type: ignore[union-attr]
                if place is not None:
                    # The sentence really begins with ' + a formula: a --raw CSV.
                    raw[0], (text, note) = True, written
        if place is None:
            place = _by_text(target, text, old_start)  # type: ignore[arg-type]
            if place is None and written[0] != text:
                place = _by_text(target, written[0], old_start)  # type: ignore[arg-type]
                if place is not None:  # as above, placed by its text
                    raw[0], (text, note) = True, written
            if place is None:
                report.refuse(f"{kind} {number}: text matches no sentence: {text[:60]!r}")
                continue
        paragraph, sentence, start, end = place
        last = (article_id, paragraph, sentence, start, end)
        if row_annotator != last_annotator:  # a file's rows come in runs of one coder
            last_annotator, name = row_annotator, coder(row_annotator, kind, number)
        first = seen.setdefault((name, paragraph, sentence), number)
        if first != number:
            _duplicate(report, source, kind, number, first)
        if extras is None or extras[0] not in _PLACED_ANCHORS:
            anchor, old_text, old_position = "exact", "", ""
        else:
            anchor, old_text, old_position = extras[:3]
        # context_around(body, start, end), inlined.
        append((article_id, paragraph, sentence, start, end, text,
                body[start - context if start > context else 0:start], body[end:end + context],
                label, note, name, created or stamp, updated or stamp, anchor, old_text,
                old_position))
        if len(batch) >= BATCH:
            writer.put(batch)
            batch = []
            append = batch.append
    writer.put(batch)
    return read


_UNSET = object()  # unequal to any cell (None included)


# A time in UTC to the second, in the one layout _utc_time rewrites by
# inserting the fraction (ASCII digits: fromisoformat then checks the ranges).
_WHOLE_SECONDS_UTC = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+]00:00").fullmatch


def _iso_time(cell: str) -> bool:
    """True if ``cell`` reads as an ISO 8601 time."""
    try:
        datetime.fromisoformat(cell)
    except ValueError:
        return False
    return True


def _utc_time(cell: str, source: Path | str, kind: str, number: int, key: str) -> str:
    """``cell`` as tui writes times: ISO 8601 in UTC with microseconds.

    Times are compared as text (the newer version of a tag wins), so a time
    kept as written -- another zone, no fraction, a spreadsheet's
    "27/11/2026 14:09", which sorts after every year 2026 -- would win or
    lose wrongly for good. A time without a zone is taken as UTC, as tui
    writes them; anything not ISO 8601 stops the import (ImportFormatError).
    """
    if _WHOLE_SECONDS_UTC(cell) and _iso_time(cell):
        # Whole seconds in UTC (an older tui, many tools): the text the
        # general path below makes, without its ~2 us a cell.
        return cell[:19] + ".000000+00:00"
    try:
        value = datetime.fromisoformat(cell)
    except ValueError:
        shown = repr(cell) if len(cell) <= 40 else repr(cell[:36]) + "…"
        name = "standard input" if str(source) == "-" else str(source)
        raise ImportFormatError(
            f"{name}: {kind} {number}: {key} {shown} is not an ISO 8601 time (as a spreadsheet may "
            "rewrite it); delete the created_at and updated_at columns to import with "
            "the time of the import") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _duplicate(report: ImportReport, source: Path | str, kind: str, number: int,
               first: int) -> None:
    """Warn of a second row for a sentence (same article and coder): the
    later row wins, as it always did, but no longer silently."""
    name = "standard input" if str(source) == "-" else str(source)
    report.duplicates += 1
    if report.duplicates <= MAX_LISTED:
        report.warnings.append(f"{name}:{number}: same sentence as {kind} {first} "
                               "(same article and coder); the later row wins")


def _coders(importer: str):
    """A function giving each row's coder: its own name, checked (each
    distinct name once), or ``importer`` where the file has no annotator.

    Tags are per coder, so a row keeps its coder; an empty name or one with
    a control character stops the import (nothing written), as any
    malformed cell does.
    """
    checked: dict[str, str] = {}

    def coder(name: str | None, kind: str, number: int) -> str:
        if name is None:
            return importer
        found = checked.get(name)
        if found is None:
            try:
                found = checked[name] = check_coder_name(name, "annotator")
            except CoderNameError as exc:
                raise ImportFormatError(f"{kind} {number}: {exc}") from None
        return found

    return coder


def _by_text(target: _ArticlePlaces, text: str, old_start: int | None
             ) -> tuple[int, int, int, int] | None:
    """The sentence with this text nearest the row's old offset, or None."""
    candidates = target.places.get(text)
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    old = old_start or 0
    return min(candidates, key=lambda c: abs(c[2] - old))


# CAST: a long body is stored as a UTF-8 BLOB (tui/store/bodies.py).
_ARTICLE = ("SELECT ar.id, ar.path, ar.title, ar.date, ar.source, CAST(b.body AS TEXT) "
            "FROM articles ar "
            "JOIN article_bodies b ON b.article_id = ar.id ")
_BY_HASH = _ARTICLE + "WHERE ar.content_hash = ? LIMIT 1"
_BY_FILE_HASH = _ARTICLE + "WHERE ar.file_hash = ? LIMIT 1"
_BY_PATH = _ARTICLE + "WHERE ar.path = ? ORDER BY ar.last_opened DESC LIMIT 1"
_BY_HASH_AND_PATH = _ARTICLE + "WHERE ar.content_hash = ? AND ar.path = ? LIMIT 1"


def _article_in(conn: Any, content_hash: str, path: str,
                hash_alone: bool = True, file_hash: str = "") -> _ArticlePlaces | None:
    """The article with this file hash (header and body), else this body hash
    at this path, else at this path, else (``hash_alone``, and only for a row
    without a file hash: an older export) any with this body hash, as ``conn``
    sees it.

    The body hash alone is the last resort: two wire copies (same body, other
    headline, outlet or date) are two articles sharing it, and a row that
    names its file hash is never put on another wire copy.
    """
    row = None
    if file_hash:
        row = conn.execute(_BY_FILE_HASH, [file_hash]).fetchone()
        hash_alone = False
    if row is None and content_hash and path:
        row = conn.execute(_BY_HASH_AND_PATH, [content_hash, path]).fetchone()
    if row is None and path:
        row = conn.execute(_BY_PATH, [path]).fetchone()
    if row is None and content_hash and hash_alone:
        row = conn.execute(_BY_HASH, [content_hash]).fetchone()
    if row is None:
        return None
    article_id, stored_path, title, date, source, body = row
    return _ArticlePlaces(article_id, article_from_body(body, stored_path, title, date, source))


def _find_article(store: AnnotationStore, content_hash: str, path: str,
                  report: ImportReport, file_hash: str = "") -> _ArticlePlaces | str:
    """The article a row belongs to: by hash, by path, or read from its file.

    Returns the reason as text when there is none.
    """
    found = _article_in(store.db.conn, content_hash, path, hash_alone=False,
                        file_hash=file_hash)
    if found is not None:
        return found
    if not path:
        found = _article_in(store.db.conn, content_hash, path, file_hash=file_hash)
        return found if found is not None else f"article {content_hash[:12]!r} not found"
    try:
        # Only a regular file within the size limit is read (a FIFO would
        # block forever, a device never ends): the text layer checks it.
        article = load_article(path)
    except ArticleError as exc:
        # The file is gone: the article with the row's body, wherever it is
        # now (a moved file). A file still there is the row's article, even
        # edited; a wire copy of it elsewhere is another article.
        # A row with a file hash (JSONL) is not put on a wire copy: the
        # lookup by file hash above would have found its own article.
        found = (_article_in(store.db.conn, content_hash, "", file_hash=file_hash)
                 if content_hash else None)
        return found if found is not None else f"article file not read: {exc}"
    report.files_read.append(path)
    report.warnings.extend(article.warnings)
    if not article.paragraphs:
        return f"article file {path!r} has no paragraphs; not stored"
    doc = store.open_article(article)
    return _ArticlePlaces(doc.id, article)
