"""The annotation store: tags, notes, undo/redo and reading positions.

Every public method that changes something commits before it returns, so the
reader draws a tag only once it is on disk. Writes decide from the database
inside their transaction, not from what a (possibly stale) screen shows:
another window may have written since. Undo history lives in the database
too, per annotator and keyed by sentence, so undo still works after a
restart and never undoes someone else's step. Every public method raises
only :class:`StoreError` (one line for the user) for database trouble.
"""

from __future__ import annotations

import functools
import json
import secrets
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from ..text import Article, Sentence
from .anchor_actions import AnchorActions, has_column, is_orphan
from .anchoring import context_around
from .dangling import count_dangling
from .coders import CoderNameError, current_coder, os_user
from .database import StoreDatabase, open_database, write_transaction
from .identity import file_hash, resolve
from .labels import LABELS_BY_NAME, get_label
from .preflight import BUSY_TIMEOUT_S, StoreError, describe_error


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def default_annotator() -> str:
    """The OS user name, or 'unknown' where there is none."""
    return os_user()


@dataclass(frozen=True)
class Annotation:
    """A stored tag on one sentence (paragraph None for an orphan).

    ``label`` may be one the app does not know (another client wrote it):
    ``LABELS_BY_NAME.get(label)`` is then None.
    """

    id: int
    article_id: int
    paragraph: int | None
    sentence: int | None
    start: int
    end: int
    text: str
    context_before: str
    context_after: str
    label: str
    note: str
    annotator: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Annotation:
        """Build from a database row (extra columns ignored)."""
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


# The columns of an Annotation, in field order: rows are read straight into
# it, without sqlite-utils' dict per row (a tag must commit in < 0.5 ms).
_FIELDS = tuple(Annotation.__dataclass_fields__)
_COLUMNS = [f'"{name}"' for name in _FIELDS]
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM annotations"
_INSERT = (f"INSERT INTO annotations ({', '.join(_COLUMNS[1:])}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS[1:]))})")

CHANGED_ELSEWHERE = "changed elsewhere; skipped"

# The undo steps that are this instance's to replay: this coder's, taken in
# this window or before it started (see AnnotationStore.__init__).
_MINE = "annotator = ? AND (session = ? OR id <= ?)"


@dataclass(frozen=True)
class WriteResult:
    """What a tag or untag did: the sentence's tag now (None: no tag), and a
    one-line message when the database was not what the screen showed."""

    annotation: Annotation | None
    message: str | None = None


@dataclass(frozen=True)
class Change:
    """What an undo or redo did: the sentence's offsets and its tag now.

    ``skipped``: the sentence was no longer as the step left it (someone
    else changed it), so nothing changed; ``message`` says so.
    """

    start: int
    end: int
    annotation: Annotation | None
    message: str | None = None
    skipped: bool = False
    orphan: bool = False  # the step only touched an orphan: nothing to draw


@dataclass(frozen=True)
class OpenArticle:
    """An article registered in the store: its id, text and saved position."""

    id: int
    article: Article
    position: tuple[int, int]
    reanchored: int = 0
    orphaned: int = 0
    fuzzy: int = 0
    uid: str = ""  # short id, fixed for the article's life (export file names)
    how: str = "known"  # how the file was recognised (tui/store/identity.py)


class AnnotationStore(AnchorActions):
    """All reads and writes of articles and annotations.

    A database this user cannot write opens read-only: ``read_only`` says
    why (else None), reads work, and every write raises StoreError("tags
    can't be saved: <why>"). ``busy_timeout`` (seconds) is how long a write
    waits for another program's lock before "locked by another program".
    """

    def __init__(self, path: str | Path, annotator: str | None = None,
                 busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        # --annotator, else $TUI_ANNOTATOR, else the OS user (tui/store/coders.py).
        try:
            self.annotator = current_coder(annotator)
        except CoderNameError as exc:
            raise StoreError(str(exc)) from None
        try:
            self.db: StoreDatabase = open_database(self.path, busy_timeout)
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from None
        # Undo is per window as well as per coder: the same coder may have the
        # article open twice (a laptop and an SSH session). This instance
        # undoes its own steps, and the steps taken before it started (so
        # undo still works after a restart), never another live window's.
        self.session = secrets.token_hex(8)
        try:
            (self._history_mark,) = self.db.conn.execute(
                "SELECT ifnull(max(id), 0) FROM history").fetchone()
        except sqlite3.Error as exc:
            self.db.conn.close()
            raise StoreError(describe_error(exc, self.path, None)) from None

    @property
    def read_only(self) -> str | None:
        """Why tags can't be saved in this database, or None if they can."""
        return self.db.read_only

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

    def data_version(self) -> int:
        """A number that changes when another connection commits (cheap to poll)."""
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    # -- articles ---------------------------------------------------------

    def open_article(self, article: Article) -> OpenArticle:
        """Register ``article`` (or find it) and return its id and position.

        Identity (tui/store/identity.py): the same file content (header and
        body) anywhere is the same article (a moved file keeps its tags); a
        changed file at a known path, or a renamed file whose body is clearly
        a vanished article's, is that article edited: its tags, undo steps
        and reading position are re-anchored (tui/store/anchoring.py), with
        an anchor state each; tags that fit nowhere stay as orphans.
        """
        stamp = now()
        with write_transaction(self.db):
            found = resolve(self.db.conn, article, stamp, create=True)
            row = found.row
            # What the reader showed: its text and the article's recorded file
            # (a copy opened elsewhere does not make the original look moved).
            self.db.execute(
                "UPDATE articles SET last_opened = ?, opened_hash = file_hash, opened_path = path "
                "WHERE id = ?", [stamp, row["id"]])
        counts = found.counts
        return OpenArticle(
            id=row["id"],
            article=article,
            position=(row["position_paragraph"], row["position_sentence"]),
            reanchored=sum(counts.get(k, 0) for k in ("exact", "moved", "fuzzy")),
            orphaned=counts.get("orphan", 0),
            fuzzy=counts.get("fuzzy", 0),
            uid=row["uid"],
            how=found.how,
        )

    def save_position(self, doc: OpenArticle, paragraph: int, sentence: int) -> None:
        """Remember where the reader is, to resume there next time."""
        self.db.execute(
            "UPDATE articles SET position_paragraph = ?, position_sentence = ? WHERE id = ?",
            [paragraph, sentence, doc.id],
        )

    def save_sentence_count(self, doc: OpenArticle, count: int) -> None:
        """Cache the article's sentence total (for the library's tagged/total)."""
        self._check_writable()
        self.db.execute("UPDATE articles SET sentence_count = ? WHERE id = ?", [count, doc.id])

    def article_summaries(self) -> dict[str, dict[str, Any]]:
        """Per content hash: id, sentence count, tagged count, last opened.

        ``tagged`` counts placed annotations only: orphans are not on any
        sentence of the current text.
        """
        rows = self.db.execute_returning_dicts(
            "SELECT ar.id, ar.content_hash, ar.sentence_count, ar.last_opened, "
            "(SELECT count(*) FROM annotations a WHERE a.article_id = ar.id "
            " AND a.paragraph IS NOT NULL AND a.annotator = ?) AS tagged FROM articles ar",
            [self.annotator],
        )
        return {row["content_hash"]: row for row in rows}

    # -- annotations ------------------------------------------------------

    def annotations(self, doc: OpenArticle) -> dict[tuple[int, int], Annotation]:
        """This coder's placed annotations of the article, keyed by (start, end).

        Blind by default: other coders' tags are not here (see
        :meth:`other_coders_labels`).
        """
        rows = self._annotations("article_id = ? AND annotator = ? AND paragraph IS NOT NULL",
                                 [doc.id, self.annotator])
        return {(a.start, a.end): a for a in rows}

    def annotation_at(self, doc: OpenArticle, sentence: Sentence) -> Annotation | None:
        """This coder's annotation on ``sentence``, if any."""
        return self._annotation_on(doc, sentence.start, sentence.end)

    def tag(self, doc: OpenArticle, paragraph: int, sentence: Sentence, label: str,
            shown: str | None = None) -> WriteResult:
        """Press ``label`` on a sentence whose screen shows ``shown`` (None: no tag).

        ``shown`` defaults to None, the safe reading: a caller that does not
        say what it shows never removes a tag. Decided from the database
        inside the transaction: the same label in
        the database and on screen is removed (a toggle); the same label set
        elsewhere is kept ("already tagged ... elsewhere"); another label is
        replaced (the note kept), saying so if the screen did not show it;
        no tag is added, except where the screen showed this very label
        (the user meant to remove it, and someone already did). Committed
        before returning.
        """
        get_label(label)
        self._check_writable()
        with write_transaction(self.db):
            before = self.annotation_at(doc, sentence)
            current = before.label if before is not None else None
            if current == label:
                if shown != label:
                    return WriteResult(before, f"already tagged {label} elsewhere")
                self._delete(before)
                self._record(doc, "untag", before, None)
                return WriteResult(None)
            if before is None and shown == label:
                return WriteResult(None, f"{label} was already removed elsewhere")
            stamp = now()
            message = None
            if before is None:
                after = self._insert(doc, paragraph, sentence, label, "", stamp)
            else:
                self.db.execute(
                    "UPDATE annotations SET label = ?, updated_at = ?, annotator = ? WHERE id = ?",
                    [label, stamp, self.annotator, before.id],
                )
                after = replace(before, label=label, updated_at=stamp, annotator=self.annotator)
                if shown != current:
                    message = f"replaced {current} set elsewhere"
            self._record(doc, "tag", before, after)
            return WriteResult(after, message)

    def untag(self, doc: OpenArticle, sentence: Sentence, shown: str | None = None) -> WriteResult:
        """Remove the sentence's tag, only if it is the ``shown`` one.

        A tag the screen did not show (set elsewhere) is not removed; the
        message says so. Committed before returning.
        """
        self._check_writable()
        with write_transaction(self.db):
            before = self.annotation_at(doc, sentence)
            if before is None:
                if shown is None:
                    return WriteResult(None, "no tag to remove")
                return WriteResult(None, f"{shown} was already removed elsewhere")
            if before.label != shown:
                return WriteResult(before, f"tagged {before.label} elsewhere; not removed")
            self._delete(before)
            self._record(doc, "untag", before, None)
            return WriteResult(None)

    def set_note(self, doc: OpenArticle, sentence: Sentence, note: str) -> Annotation | None:
        """Add, edit or (with '') clear the note on a sentence's tag.

        Returns the updated annotation, or None if the sentence has no tag.
        """
        note = note.strip()
        self._check_writable()
        with write_transaction(self.db):
            before = self.annotation_at(doc, sentence)
            if before is None or before.note == note:
                return before
            stamp = now()
            self.db.execute(
                "UPDATE annotations SET note = ?, updated_at = ? WHERE id = ?",
                [note, stamp, before.id],
            )
            after = replace(before, note=note, updated_at=stamp)
            self._record(doc, "note", before, after)
            return after

    def undo(self, doc: OpenArticle) -> Change | None:
        """Undo this annotator's latest step on the article; None if none is left.

        A step whose sentence someone else has changed since is skipped
        (``Change.skipped``) and never retried.
        """
        return self._replay(doc, undo=True)

    def redo(self, doc: OpenArticle) -> Change | None:
        """Redo this annotator's latest undone step; None if none is left."""
        return self._replay(doc, undo=False)

    def counts(self, doc: OpenArticle) -> dict[str, int]:
        """This coder's placed annotations per label (foreign labels as they are)."""
        rows = self.db.execute(
            "SELECT label, count(*) FROM annotations WHERE article_id = ? AND annotator = ? "
            "AND paragraph IS NOT NULL GROUP BY label",
            [doc.id, self.annotator],
        ).fetchall()
        return dict(rows)

    def other_coders_labels(self, doc: OpenArticle) -> dict[tuple[int, int], dict[str, str]]:
        """The other coders' labels on this article: {(start, end): {coder: label}}.

        For a compare view; :meth:`annotations` stays blind to them.
        """
        found: dict[tuple[int, int], dict[str, str]] = {}
        for start, end, coder, label in self.db.conn.execute(
                'SELECT start, "end", annotator, label FROM annotations WHERE article_id = ? '
                "AND annotator != ? AND paragraph IS NOT NULL ORDER BY start, annotator",
                [doc.id, self.annotator]):
            found.setdefault((start, end), {})[coder] = label
        return found

    def disagreements(self, doc: OpenArticle,
                      exclude: tuple[str, ...] = ()) -> dict[tuple[int, int], dict[str, tuple[str, str]]]:
        """Sentences where the coders (but those in ``exclude``, e.g. the
        adjudicator) disagree: {(start, end): {coder: (label, note)}}.

        A coder who tagged any sentence of the article has coded it: their
        untagged sentences count as ``("none", "")``, as in `tui agreement`.
        """
        tags: dict[tuple[int, int], dict[str, tuple[str, str]]] = {}
        for start, end, coder, label, note in self.db.conn.execute(
                'SELECT start, "end", annotator, label, note FROM annotations '
                "WHERE article_id = ? AND paragraph IS NOT NULL", [doc.id]):
            if coder not in exclude:
                tags.setdefault((start, end), {})[coder] = (label, note)
        coders = {coder for values in tags.values() for coder in values}
        if len(coders) < 2:
            return {}
        found = {}
        for paragraph in doc.article.paragraphs:
            for sentence in paragraph.sentences:
                here = tags.get((sentence.start, sentence.end), {})
                values = {coder: here.get(coder, ("none", "")) for coder in sorted(coders)}
                if len({label for label, _ in values.values()}) > 1:
                    found[(sentence.start, sentence.end)] = values
        return found

    def coders(self) -> list[str]:
        """Every coder with a tag in the database, sorted."""
        return [name for (name,) in self.db.conn.execute(
            "SELECT DISTINCT annotator FROM annotations ORDER BY annotator")]

    def orphans(self) -> list[dict[str, Any]]:
        """Annotations not on a sentence of their article's current text.

        Also those whose article is gone (deleted where foreign keys were
        off, e.g. in the sqlite3 shell): ``article_missing`` is 1 for them
        and ``article_title``/``article_path`` are ''.
        """
        return list(
            self.db.execute_returning_dicts(
                "SELECT a.*, coalesce(ar.title, '') AS article_title, "
                "coalesce(ar.path, '') AS article_path, ar.id IS NULL AS article_missing "
                "FROM annotations a LEFT JOIN articles ar ON ar.id = a.article_id "
                "WHERE a.paragraph IS NULL OR ar.id IS NULL ORDER BY a.article_id, a.start, a.id"
            )
        )

    def check_integrity(self) -> None:
        """Raise StoreError ("damaged") unless SQLite's quick check passes.

        Reads every page (time grows with the file): for commands about to
        write much (import), not for every open. A damaged page that a
        command never reads would otherwise go unnoticed while it writes.
        """
        (result,) = self.db.conn.execute("PRAGMA quick_check(1)").fetchone()
        if result != "ok":
            detail = " ".join(result.replace("*** in database main ***", "").split())
            raise StoreError(f"{self.path}: the database file is damaged ({detail})")

    def dangling_count(self) -> int:
        """How many annotations belong to an article no longer in the database."""
        return count_dangling(self.db.conn)

    # -- internals --------------------------------------------------------

    def _check_writable(self) -> None:
        if self.db.read_only is not None:
            raise StoreError(f"tags can't be saved: {self.db.read_only}")

    def _find_article(self, article: Article) -> OpenArticle:
        """open_article for a read-only database: find it, write nothing.

        Only an exact match of the file's identity (m003's file_hash; the
        body's hash in a database not yet migrated) is used: a changed text
        would need its annotations re-placed, which is a write. Unknown:
        id 0 (no tags).
        """
        if has_column(self.db.conn, "articles", "file_hash"):
            row = self._one("SELECT id, position_paragraph, position_sentence, uid FROM articles "
                            "WHERE file_hash = ?", [file_hash(article)])
        else:
            row = self._one("SELECT id, position_paragraph, position_sentence, '' AS uid "
                            "FROM articles WHERE content_hash = ?", [article.content_hash])
        if row is None:
            return OpenArticle(id=0, article=article, position=(1, 1))
        return OpenArticle(id=row["id"], article=article,
                           position=(row["position_paragraph"], row["position_sentence"]),
                           uid=row["uid"] or "")

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = self.db.execute_returning_dicts(sql, params)
        return rows[0] if rows else None

    def _annotations(self, where: str, params: list[Any]) -> list[Annotation]:
        return [Annotation(*row) for row in self.db.conn.execute(f"{_SELECT} WHERE {where}", params)]

    def _annotation_on(self, doc: OpenArticle, start: int, end: int) -> Annotation | None:
        rows = self._annotations('article_id = ? AND annotator = ? AND start = ? AND "end" = ? '
                                 "AND paragraph IS NOT NULL", [doc.id, self.annotator, start, end])
        return rows[0] if rows else None

    def _insert(self, doc: OpenArticle, paragraph: int, sentence: Sentence, label: str,
                note: str, stamp: str) -> Annotation:
        values = [doc.id, paragraph, sentence.index, sentence.start, sentence.end, sentence.text,
                  *context_around(doc.article.body, sentence.start, sentence.end),
                  label, note, self.annotator, stamp, stamp]
        row_id = self.db.conn.execute(_INSERT, values).lastrowid
        return Annotation(row_id, *values)

    def _delete(self, annotation: Annotation) -> None:
        self.db.execute("DELETE FROM annotations WHERE id = ?", [annotation.id])

    def _record(self, doc: OpenArticle, action: str, before: Annotation | None,
                after: Annotation | None) -> None:
        # A new step forgets what this window had undone (its redo stack);
        # other coders' and other windows' steps are theirs to keep.
        self.db.execute(f"DELETE FROM history WHERE article_id = ? AND {_MINE} AND undone = 1",
                        [doc.id, *self._mine()])
        where = after or before
        self.db.execute(
            'INSERT INTO history (article_id, action, before, after, created_at, annotator, start, "end", '
            "session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc.id, action, _dump(before), _dump(after), now(), self.annotator,
             where.start, where.end, self.session],
        )

    def _mine(self) -> list[Any]:
        """Parameters of :data:`_MINE`: this coder, this window, steps before it."""
        return [self.annotator, self.session, self._history_mark]

    def _replay(self, doc: OpenArticle, undo: bool) -> Change | None:
        self._check_writable()
        with write_transaction(self.db):
            # Undo takes this annotator's newest done step; redo the step it
            # undid last, which is the oldest one still undone.
            step = self._one(
                f"SELECT * FROM history WHERE article_id = ? AND {_MINE} AND undone = ? "
                f"AND skipped = 0 ORDER BY id {'DESC' if undo else 'ASC'} LIMIT 1",
                [doc.id, *self._mine(), 0 if undo else 1],
            )
            if step is None:
                return None
            left = json.loads((step["after"] if undo else step["before"]) or "null")
            target = json.loads((step["before"] if undo else step["after"]) or "null")
            if is_orphan(left) or is_orphan(target):  # the anchors screen's steps
                return self._replay_orphan(doc, step, left, target, undo)
            start, end = step["start"], step["end"]
            current = self._annotation_on(doc, start, end)
            if _state(current) != _state(left):
                # Someone else changed the sentence since: leave it, and
                # mark the step so it is not tried again.
                self.db.execute("UPDATE history SET skipped = 1 WHERE id = ?", [step["id"]])
                return Change(start, end, current, CHANGED_ELSEWHERE, skipped=True)
            if target is not None and target["label"] not in LABELS_BY_NAME:
                # Another client's label: the table no longer lets it in
                # (m002). Skipped for good, so older steps stay undoable.
                self.db.execute("UPDATE history SET skipped = 1 WHERE id = ?", [step["id"]])
                return Change(start, end, current,
                              f"can't restore the unknown label {target['label']}; skipped",
                              skipped=True)
            restored = self._restore(doc, current, target, start, end)
            self.db.execute("UPDATE history SET undone = ? WHERE id = ?",
                            [1 if undo else 0, step["id"]])
            return Change(start, end, restored)

    def _restore(self, doc: OpenArticle, current: Annotation | None,
                 target: dict[str, Any] | None, start: int, end: int) -> Annotation | None:
        """Make the sentence carry ``target`` (None: no tag).

        Never by the stored row id: SQLite gives a deleted row's id to the
        next insert, maybe another article's tag. A restored tag is a new
        row; a changed one keeps its current row. Always this coder's row
        (tags are per coder; a step from before m004 may name another).
        """
        if target is None:
            if current is not None:
                self._delete(current)
            return None
        stamp = now()
        if current is None:
            values = [doc.id, target["paragraph"], target["sentence"], start, end, target["text"],
                      target["context_before"], target["context_after"], target["label"],
                      target["note"], self.annotator, target["created_at"], stamp]
            row_id = self.db.conn.execute(_INSERT, values).lastrowid
            return Annotation(row_id, *values)
        self.db.execute(
            "UPDATE annotations SET label = ?, note = ?, annotator = ?, created_at = ?, "
            "updated_at = ? WHERE id = ?",
            [target["label"], target["note"], self.annotator, target["created_at"], stamp,
             current.id],
        )
        return replace(current, label=target["label"], note=target["note"],
                       annotator=self.annotator, created_at=target["created_at"],
                       updated_at=stamp)


def _state(annotation: Annotation | dict[str, Any] | None) -> tuple[str, str] | None:
    """What undo compares: the label and the note (None: no tag)."""
    if annotation is None:
        return None
    if isinstance(annotation, dict):
        return annotation["label"], annotation["note"]
    return annotation.label, annotation.note


def _dump(annotation: Annotation | None) -> str | None:
    if annotation is None:
        return None
    return json.dumps({name: getattr(annotation, name) for name in _FIELDS}, ensure_ascii=False)


def _boundary(method: Any, read_only_variant: str | None = None) -> Any:
    """Wrap a public method: sqlite3 and OS errors leave as one-line StoreErrors.

    ``read_only_variant``: the method to call instead when the database is
    read-only (open_article registers the article, a write).
    """

    @functools.wraps(method)
    def guarded(self: AnnotationStore, *args: Any, **kwargs: Any) -> Any:
        try:
            if read_only_variant is not None and self.db.read_only is not None:
                return getattr(self, read_only_variant)(*args, **kwargs)
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(describe_error(exc, self.path, self.db.read_only)) from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from exc

    return guarded


# Every public method, including ones added later, gets the boundary: no
# sqlite3.Error reaches the UI or the CLI.
for _name, _method in [*vars(AnchorActions).items(), *vars(AnnotationStore).items()]:
    if callable(_method) and not _name.startswith("_"):
        setattr(AnnotationStore, _name, _boundary(
            _method, "_find_article" if _name == "open_article" else None))
del _name, _method
