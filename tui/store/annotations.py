"""The annotation store: tags, notes, undo/redo and reading positions.

Every public method that changes something commits before it returns, so the
reader draws a tag only once it is on disk. Undo history lives in the
database too, so undo still works after a restart.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..text import Article, Sentence
from .anchor_actions import AnchorActions
from .anchoring import context_around
from .database import open_database, write_transaction
from .identity import resolve
from .labels import get_label




def now() -> str:
    """The current UTC time as ISO 8601 with microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def default_annotator() -> str:
    """The OS user name, or 'unknown' where there is none."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


@dataclass(frozen=True)
class Annotation:
    """A stored tag on one sentence (paragraph None for an orphan)."""

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


@dataclass(frozen=True)
class Change:
    """What an undo or redo did: the sentence's offsets and its tag now."""

    start: int
    end: int
    annotation: Annotation | None
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
    """All reads and writes of articles and annotations."""

    def __init__(self, path: str | Path, annotator: str | None = None) -> None:
        self.path = Path(path)
        self.db: Database = open_database(self.path)
        self.annotator = annotator or default_annotator()

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

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
        self.db.execute("UPDATE articles SET sentence_count = ? WHERE id = ?", [count, doc.id])

    def article_summaries(self) -> dict[str, dict[str, Any]]:
        """Per content hash: id, sentence count, tagged count, last opened."""
        rows = self.db.execute_returning_dicts(
            "SELECT ar.id, ar.content_hash, ar.sentence_count, ar.last_opened, "
            "(SELECT count(*) FROM annotations a WHERE a.article_id = ar.id "
            " AND a.paragraph IS NOT NULL) AS tagged FROM articles ar"
        )
        return {row["content_hash"]: row for row in rows}

    # -- annotations ------------------------------------------------------

    def annotations(self, doc: OpenArticle) -> dict[tuple[int, int], Annotation]:
        """The article's placed annotations, keyed by (start, end)."""
        rows = self._annotations("article_id = ? AND paragraph IS NOT NULL", [doc.id])
        return {(a.start, a.end): a for a in rows}

    def annotation_at(self, doc: OpenArticle, sentence: Sentence) -> Annotation | None:
        """The annotation on ``sentence``, if any."""
        rows = self._annotations('article_id = ? AND start = ? AND "end" = ? AND paragraph IS NOT NULL',
                                 [doc.id, sentence.start, sentence.end])
        return rows[0] if rows else None

    def tag(self, doc: OpenArticle, paragraph: int, sentence: Sentence, label: str) -> Annotation | None:
        """Toggle ``label`` on a sentence and return what it carries now.

        No tag: add it. The same label: remove it. Another label: replace it
        (the note is kept). Committed before returning.
        """
        get_label(label)
        with write_transaction(self.db):
            before = self.annotation_at(doc, sentence)
            if before is not None and before.label == label:
                self._delete(before)
                self._record(doc, "untag", before, None)
                return None
            stamp = now()
            if before is None:
                after = self._insert(doc, paragraph, sentence, label, "", stamp)
            else:
                self.db.execute(
                    "UPDATE annotations SET label = ?, updated_at = ?, annotator = ? WHERE id = ?",
                    [label, stamp, self.annotator, before.id],
                )
                after = replace(before, label=label, updated_at=stamp, annotator=self.annotator)
            self._record(doc, "tag", before, after)
            return after

    def untag(self, doc: OpenArticle, sentence: Sentence) -> bool:
        """Remove the sentence's tag; False if it had none."""
        with write_transaction(self.db):
            before = self.annotation_at(doc, sentence)
            if before is None:
                return False
            self._delete(before)
            self._record(doc, "untag", before, None)
            return True

    def set_note(self, doc: OpenArticle, sentence: Sentence, note: str) -> Annotation | None:
        """Add, edit or (with '') clear the note on a sentence's tag.

        Returns the updated annotation, or None if the sentence has no tag.
        """
        note = note.strip()
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
        """Undo the article's latest action; None if there is nothing to undo."""
        return self._replay(doc, undo=True)

    def redo(self, doc: OpenArticle) -> Change | None:
        """Redo the latest undone action; None if there is nothing to redo."""
        return self._replay(doc, undo=False)

    def counts(self, doc: OpenArticle) -> dict[str, int]:
        """Placed annotations per label."""
        rows = self.db.execute(
            "SELECT label, count(*) FROM annotations WHERE article_id = ? "
            "AND paragraph IS NOT NULL GROUP BY label",
            [doc.id],
        ).fetchall()
        return dict(rows)

    def orphans(self) -> list[dict[str, Any]]:
        """Annotations that could not be placed in their article's current text."""
        return list(
            self.db.execute_returning_dicts(
                "SELECT a.*, ar.title AS article_title, ar.path AS article_path "
                "FROM annotations a JOIN articles ar ON ar.id = a.article_id "
                "WHERE a.paragraph IS NULL ORDER BY ar.id, a.start"
            )
        )

    # -- internals --------------------------------------------------------

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = self.db.execute_returning_dicts(sql, params)
        return rows[0] if rows else None

    def _annotations(self, where: str, params: list[Any]) -> list[Annotation]:
        return [Annotation(*row) for row in self.db.conn.execute(f"{_SELECT} WHERE {where}", params)]

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
        # A new action forgets what was undone: the redo stack is cleared.
        self.db.execute("DELETE FROM history WHERE article_id = ? AND undone = 1", [doc.id])
        self.db.execute(
            "INSERT INTO history (article_id, action, before, after, created_at) VALUES (?, ?, ?, ?, ?)",
            [doc.id, action, _dump(before), _dump(after), now()],
        )

    def _replay(self, doc: OpenArticle, undo: bool) -> Change | None:
        with write_transaction(self.db):
            if undo:
                step = self._one(
                    "SELECT * FROM history WHERE article_id = ? AND undone = 0 ORDER BY id DESC LIMIT 1",
                    [doc.id],
                )
            else:
                step = self._one(
                    "SELECT * FROM history WHERE article_id = ? AND undone = 1 ORDER BY id LIMIT 1",
                    [doc.id],
                )
            if step is None:
                return None
            target = json.loads((step["before"] if undo else step["after"]) or "null")
            current = json.loads((step["after"] if undo else step["before"]) or "null")
            # A step may move a tag between an orphan and a sentence (the
            # anchors screen's re-attach): remove what the step left on each
            # side, by the orphan's row or the sentence's offsets.
            for side in (current, target):
                if side and side.get("paragraph") is None:
                    self.db.execute("DELETE FROM annotations WHERE id = ?", [side["id"]])
                elif side:
                    self.db.execute(
                        'DELETE FROM annotations WHERE article_id = ? AND start = ? AND "end" = ? '
                        "AND paragraph IS NOT NULL", [doc.id, side["start"], side["end"]])
            if target:
                if target.get("paragraph") is None:
                    target = {**target, "anchor": "orphan"}
                self.db["annotations"].insert(target)
            self.db.execute(
                "UPDATE history SET undone = ? WHERE id = ?", [1 if undo else 0, step["id"]]
            )
            key = next((s for s in (target, current) if s and s.get("paragraph") is not None),
                       target or current)
            shown = target if target and target.get("paragraph") is not None else None
            return Change(key["start"], key["end"], Annotation.from_row(shown) if shown else None,
                          orphan=key.get("paragraph") is None)


def _dump(annotation: Annotation | None) -> str | None:
    if annotation is None:
        return None
    return json.dumps({name: getattr(annotation, name) for name in _FIELDS}, ensure_ascii=False)
