"""What a user can do about fuzzy and orphaned tags: list, accept, re-attach, delete.

A mixin of :class:`tui.store.AnnotationStore` (it uses the store's
connection, ``_record`` and helpers), kept apart from tagging and undo.
Re-attaching and deleting are recorded in the undo history like any tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..text import Sentence
from .anchoring import context_around
from .database import write_transaction

# An orphan is a tag with no sentence (paragraph NULL), whatever its anchor
# column says (a row restored by undo, or written by an older version).
_STATE = "CASE WHEN paragraph IS NULL THEN 'orphan' ELSE anchor END"
_UNSETTLED = (
    f'SELECT id, {_STATE}, label, note, text, old_text, old_position, paragraph, sentence, start, '
    '"end", annotator FROM annotations WHERE article_id = ? '
    "AND (paragraph IS NULL OR anchor = 'fuzzy') "
    "ORDER BY paragraph IS NULL, paragraph, sentence, start, id"
)


@dataclass(frozen=True)
class Unsettled:
    """A fuzzy or orphaned tag, as the anchors screen lists it."""

    id: int
    anchor: str
    label: str
    note: str
    text: str  # the sentence it is on now (fuzzy) or the text it was made on (orphan)
    old_text: str  # fuzzy: the text it was made on
    old_position: str  # "paragraph.sentence" before the edit, '' if unknown
    paragraph: int | None
    sentence: int | None
    start: int
    end: int
    annotator: str

    @property
    def was(self) -> str:
        """The text as tagged, before the edit."""
        return self.old_text or self.text


class AnchorActions:
    """Store methods about anchor states (mixed into AnnotationStore)."""

    def anchor_counts(self, doc) -> dict[str, int]:
        """How many of the article's tags are fuzzy and orphaned (for the status line)."""
        rows = self.db.conn.execute(
            f"SELECT {_STATE} AS state, count(*) FROM annotations WHERE article_id = ? "
            "AND (paragraph IS NULL OR anchor = 'fuzzy') GROUP BY state", [doc.id]).fetchall()
        counts = {"fuzzy": 0, "orphan": 0}
        counts.update(dict(rows))
        return counts

    def unsettled(self, doc) -> list[Unsettled]:
        """The article's fuzzy tags, then its orphans."""
        return [Unsettled(*row) for row in self.db.conn.execute(_UNSETTLED, [doc.id])]

    def accept_anchor(self, doc, annotation_id: int) -> bool:
        """Confirm a fuzzy placement: the tag becomes exact. False if it is not fuzzy."""
        with write_transaction(self.db):
            cursor = self.db.conn.execute(
                "UPDATE annotations SET anchor = 'exact', old_text = '', old_position = '' "
                "WHERE id = ? AND article_id = ? AND anchor = 'fuzzy'", [annotation_id, doc.id])
            return cursor.rowcount == 1

    def reattach(self, doc, annotation_id: int, paragraph: int, sentence: Sentence) -> str | None:
        """Put an orphan on ``sentence``; returns None, or why it was not done."""
        with write_transaction(self.db):
            before = self._unsettled_row(doc, annotation_id)
            if before is None or before.paragraph is not None:
                return "that tag is no longer an orphan"
            if self.annotation_at(doc, sentence) is not None:
                return "that sentence already has a tag: remove it first (x)"
            orphan = self._as_annotation(before)  # as it is now, for undo
            context = context_around(doc.article.body, sentence.start, sentence.end)
            self.db.conn.execute(
                'UPDATE annotations SET paragraph = ?, sentence = ?, start = ?, "end" = ?, '
                "text = ?, context_before = ?, context_after = ?, anchor = 'exact', "
                "old_text = '', old_position = '' WHERE id = ?",
                [paragraph, sentence.index, sentence.start, sentence.end, sentence.text, *context,
                 annotation_id])
            after = self.annotation_at(doc, sentence)
            self._record(doc, "reattach", orphan, after)
            return None

    def delete_unsettled(self, doc, annotation_id: int) -> bool:
        """Delete a fuzzy or orphaned tag (undo brings it back). False if not found."""
        with write_transaction(self.db):
            before = self._unsettled_row(doc, annotation_id)
            if before is None:
                return False
            annotation = self._as_annotation(before)
            self._delete(annotation)
            self._record(doc, "untag", annotation, None)
            return True

    # -- internals --------------------------------------------------------

    def _unsettled_row(self, doc, annotation_id: int) -> Unsettled | None:
        for item in self.unsettled(doc):
            if item.id == annotation_id:
                return item
        return None

    def _as_annotation(self, item: Unsettled) -> Any:
        rows = self._annotations("id = ?", [item.id])
        return rows[0] if rows else None
