"""Merging other tui databases into this one (`tui merge`): a team's work together.

Coders tag on their own laptops; a lead brings the databases together. Every
article, tag and note of each other database comes in; nothing is ever
taken away or changed in the other files (they are read through read-only
connections). Rules:

- An article is the same article when its identity matches: ``file_hash``
  where both databases have it (schema m003), else the content hash of its
  body. Offsets of tags then mean the same sentence in both.
- A tag is keyed by (article, coder, sentence). A tag of a coder this
  database does not have on that sentence is added; a different coder's tag
  is never touched (tags are per coder, m004).
- The same coder with two different versions of one tag (label or note):
  the newer ``updated_at`` wins, and the report lists it.
- Orphans (tags no longer on a sentence) come along unless an identical one
  is already here.
- Undo history stays on the machine it was made on: undoing someone
  else's merged steps would not be theirs to undo.

Idempotent: merging the same database again adds nothing. All databases
are checked before anything is written (ours, not newer, not this very
file, coder names), then everything is written in one transaction: a
refusal or an error leaves this database as it was.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text.paths import show_path
from .coders import CoderNameError, check_coder_name
from .database import write_transaction
from .labels import LABELS_BY_NAME
from .preflight import (KNOWN_MIGRATIONS, MIGRATION_SET, SQLITE_HEADER, StoreError,
                        _idle_wal, connect_read_only, describe_error)

# The annotation columns every version has (m001): copied as they are.
_TAG_COLUMNS = ("paragraph", "sentence", "start", "end", "text", "context_before",
                "context_after", "label", "note", "annotator", "created_at", "updated_at")


@dataclass
class Replaced:
    """One tag the same coder had in two versions: the newer one was kept."""

    coder: str
    article: str
    place: str
    old: str
    new: str
    here_newer: bool


@dataclass
class MergeReport:
    """What merging one database did."""

    source: str
    articles_added: int = 0
    tags_added: int = 0
    tags_updated: int = 0
    tags_unchanged: int = 0
    kept_newer_here: int = 0
    orphans_added: int = 0
    unknown_labels: int = 0
    coders: list[str] = field(default_factory=list)
    replaced: list[Replaced] = field(default_factory=list)


def check_source(path: Path, target: Path) -> None:
    """StoreError (one line) unless ``path`` is another tui database we can read.

    Refused: a missing or unreadable file, one that is not SQLite, a
    database of another program, one written by a newer tui, this very
    database (also through a link), and coder names that are empty or hold
    control characters. Reads only.
    """
    shown = show_path(path)
    try:
        if not path.is_file():
            raise StoreError(f"{shown}: no such database file" if not path.exists()
                             else f"{shown}: not a regular file")
        if target.exists() and os.path.samefile(path, target):
            raise StoreError(f"{shown}: is the database being merged into; nothing to merge")
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{shown}: not a SQLite database; not merged")
    conn = _connect(path)
    try:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        names = set()
        if "_sqlite_migrations" in tables:
            names = {name for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
        if not names or not {"articles", "article_bodies", "annotations"} <= tables:
            raise StoreError(f"{shown}: not a tui database; not merged")
        newer = sorted(names - set(KNOWN_MIGRATIONS))
        if newer:
            raise StoreError(f"{shown}: written by a newer version of tui (schema {newer[-1]}); "
                             "upgrade tui to merge it")
        for (name,) in conn.execute("SELECT DISTINCT annotator FROM annotations"):
            try:
                check_coder_name(name if isinstance(name, str) else "", "coder name")
            except CoderNameError as exc:
                raise StoreError(f"{shown}: {exc}; not merged") from None
    except sqlite3.Error as exc:
        raise StoreError(describe_error(exc, shown)) from None
    finally:
        conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no -wal/-shm beside an idle file."""
    try:
        return connect_read_only(path, immutable=_idle_wal(path))
    except sqlite3.Error as exc:
        raise StoreError(describe_error(exc, show_path(path))) from None


def merge_databases(store: Any, sources: list[Path]) -> list[MergeReport]:
    """Merge every database in ``sources`` into ``store``, in one transaction.

    All sources are checked first (:func:`check_source`); a refusal raises
    StoreError before anything is written.
    """
    store._check_writable()
    for path in sources:
        check_source(path, store.path)
    reports = []
    conn = store.db.conn
    with write_transaction(store.db):
        for path in sources:
            source = _connect(path)
            try:
                reports.append(_merge_one(conn, source, path))
            except sqlite3.Error as exc:
                raise StoreError(describe_error(exc, show_path(path))) from None
            finally:
                source.close()
    return reports


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _merge_one(conn: sqlite3.Connection, source: sqlite3.Connection, path: Path) -> MergeReport:
    report = MergeReport(source=str(path))
    here_cols = _columns(conn, "articles")
    there_cols = _columns(source, "articles")
    by_file = "file_hash" in here_cols and "file_hash" in there_cols
    shared = [c for c in there_cols if c in here_cols and c != "id"]
    coders: set[str] = set()
    both = set(_columns(conn, "annotations")) & set(_columns(source, "annotations"))
    columns = (*_TAG_COLUMNS, *(c for c in _OPTIONAL_COLUMNS if c in both))
    for row in source.execute(f"SELECT id, {', '.join(shared)} FROM articles ORDER BY id"):
        there_id, values = row[0], dict(zip(shared, row[1:], strict=True))
        here_id = _find_article(conn, values, by_file)
        if here_id is None:
            here_id = _add_article(conn, source, there_id, values, here_cols)
            report.articles_added += 1
        title = values.get("title") or values.get("path") or ""
        _merge_tags(conn, source, there_id, here_id, title, report, coders, columns)
    report.coders = sorted(coders)
    return report


def _find_article(conn: sqlite3.Connection, values: dict[str, Any], by_file: bool) -> int | None:
    if by_file and values.get("file_hash"):
        found = conn.execute("SELECT id FROM articles WHERE file_hash = ?",
                             [values["file_hash"]]).fetchone()
    else:
        found = conn.execute("SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
                             [values["content_hash"]]).fetchone()
    return found[0] if found else None


def _add_article(conn: sqlite3.Connection, source: sqlite3.Connection, there_id: int,
                 values: dict[str, Any], here_cols: list[str]) -> int:
    body_row = source.execute("SELECT body FROM article_bodies WHERE article_id = ?",
                              [there_id]).fetchone()
    body = body_row[0] if body_row else ""
    values = dict(values)
    # Columns of a later schema (m003) that the other database lacks.
    if "file_hash" in here_cols and not values.get("file_hash"):
        from . import identity  # type: ignore[attr-defined]  # H5's module, with m003

        values["file_hash"] = identity.file_hash_of(values["title"], values["date"],
                                                    values["source"], body, values["path"])
    if "uid" in here_cols:
        uid = values.get("uid")
        while not uid or conn.execute("SELECT 1 FROM articles WHERE uid = ?", [uid]).fetchone():
            uid = os.urandom(4).hex()
        values["uid"] = uid
    names = list(values)
    here_id = conn.execute(
        f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [values[n] for n in names]).lastrowid
    conn.execute("INSERT INTO article_bodies (article_id, body) VALUES (?, ?)", [here_id, body])
    return here_id


# Columns of later schemas (m003's anchor state) copied where both databases have them.
_OPTIONAL_COLUMNS = ("anchor", "old_text", "old_position")


def _merge_tags(conn: sqlite3.Connection, source: sqlite3.Connection, there_id: int,
                here_id: int, title: str, report: MergeReport, coders: set[str],
                columns: tuple[str, ...]) -> None:
    placed: dict[tuple[str, int, int], tuple[int, str, str, str]] = {}
    orphans: set[tuple[Any, ...]] = set()
    for row_id, annotator, start, end, paragraph, label, note, updated, text in conn.execute(
            'SELECT id, annotator, start, "end", paragraph, label, note, updated_at, text '
            "FROM annotations WHERE article_id = ?", [here_id]):
        if paragraph is None:
            orphans.add((annotator, start, end, text, label, note))
        else:
            placed[(annotator, start, end)] = (row_id, label, note, updated)
    inserts = []
    select = ", ".join(f'"{c}"' for c in columns)
    for row in source.execute(f"SELECT {select} FROM annotations WHERE article_id = ?",
                              [there_id]):
        tag = dict(zip(columns, row, strict=True))
        annotator = check_coder_name(tag["annotator"])
        tag["annotator"] = annotator
        coders.add(annotator)
        if tag["label"] not in LABELS_BY_NAME:
            # Another client's label: this database refuses it (m002).
            report.unknown_labels += 1
            continue
        if tag["paragraph"] is None:
            key = (annotator, tag["start"], tag["end"], tag["text"], tag["label"], tag["note"])
            if key in orphans:
                report.tags_unchanged += 1
            else:
                orphans.add(key)
                inserts.append(tag)
                report.orphans_added += 1
            continue
        mine = placed.get((annotator, tag["start"], tag["end"]))
        if mine is None:
            inserts.append(tag)
            placed[(annotator, tag["start"], tag["end"])] = (0, tag["label"], tag["note"],
                                                           tag["updated_at"])
            report.tags_added += 1
            continue
        row_id, label, note, updated = mine
        if (label, note) == (tag["label"], tag["note"]):
            report.tags_unchanged += 1
            continue
        place = f"{tag['paragraph']}.{tag['sentence']}"
        if tag["updated_at"] > updated:
            conn.execute("UPDATE annotations SET label = ?, note = ?, updated_at = ? WHERE id = ?",
                         [tag["label"], tag["note"], tag["updated_at"], row_id])
            report.tags_updated += 1
            report.replaced.append(Replaced(annotator, title, place, _shown(label, note),
                                            _shown(tag["label"], tag["note"]), False))
        else:
            report.kept_newer_here += 1
            report.replaced.append(Replaced(annotator, title, place, _shown(tag["label"], tag["note"]),
                                            _shown(label, note), True))
    if inserts:
        names = ", ".join(f'"{c}"' for c in ("article_id", *columns))
        conn.executemany(
            f"INSERT INTO annotations ({names}) VALUES ({', '.join('?' * (len(columns) + 1))})",
            [[here_id, *(tag[c] for c in columns)] for tag in inserts])


def _shown(label: str, note: str) -> str:
    return f"{label} ({note})" if note else label
