"""What a user can do about fuzzy and orphaned tags: list, accept, re-attach, delete.

A mixin of :class:`tui.store.AnnotationStore` (it uses the store's
connection, ``_record`` and helpers), kept apart from tagging and undo.
Re-attaching and deleting are recorded in the undo history like any tag;
undo and redo of those steps (one side an orphan, which has no sentence to
key on) go through :meth:`AnchorActions._replay_orphan`.
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
    '"end", annotator FROM annotations WHERE article_id = ? AND annotator = ? '
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


def is_orphan(side: dict[str, Any] | None) -> bool:
    """True for an undo step's side that is an orphan (no sentence)."""
    return side is not None and side.get("paragraph") is None


def has_column(conn, table: str, column: str) -> bool:
    """True if ``table`` has ``column`` (a database not yet migrated may not)."""
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


class AnchorActions:
    """Store methods about anchor states (mixed into AnnotationStore)."""

    def anchor_counts(self, doc) -> dict[str, int]:
        """How many of this coder's tags of the article are fuzzy and orphaned (status line)."""
        rows = self.db.conn.execute(
            f"SELECT {_STATE} AS state, count(*) FROM annotations WHERE article_id = ? "
            "AND annotator = ? AND (paragraph IS NULL OR anchor = 'fuzzy') GROUP BY state",
            [doc.id, self.annotator]).fetchall()
        counts = {"fuzzy": 0, "orphan": 0}
        counts.update(dict(rows))
        return counts

    def unsettled(self, doc) -> list[Unsettled]:
        """This coder's fuzzy tags of the article, then their orphans."""
        # This coder's only: tags are per coder (issue 13).
        return [Unsettled(*row) for row in self.db.conn.execute(_UNSETTLED,
                                                                 [doc.id, self.annotator])]

    def anchor_states(self, doc) -> dict[tuple[int, int], str]:
        """This coder's placed tags of the article that are not exact:
        (start, end) -> 'moved' or 'fuzzy' (the reader's tags panel)."""
        if not has_column(self.db.conn, "annotations", "anchor"):  # read-only, not migrated
            return {}
        rows = self.db.conn.execute(
            'SELECT start, "end", anchor FROM annotations WHERE article_id = ? AND annotator = ? '
            "AND paragraph IS NOT NULL AND anchor != 'exact'", [doc.id, self.annotator])
        return {(start, end): anchor for start, end, anchor in rows}

    def accept_anchor(self, doc, annotation_id: int) -> bool:
        """Confirm a fuzzy placement: the tag becomes exact. False if it is not fuzzy."""
        self._check_writable()
        with write_transaction(self.db):
            cursor = self.db.conn.execute(
                "UPDATE annotations SET anchor = 'exact', old_text = '', old_position = '' "
                "WHERE id = ? AND article_id = ? AND anchor = 'fuzzy'", [annotation_id, doc.id])
            return cursor.rowcount == 1

    def reattach(self, doc, annotation_id: int, paragraph: int, sentence: Sentence) -> str | None:
        """Put an orphan on ``sentence``; returns None, or why it was not done."""
        self._check_writable()
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
        self._check_writable()
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

    def _replay_orphan(self, doc, step: dict[str, Any], left: dict[str, Any] | None,
                       target: dict[str, Any] | None, undo: bool):
        """Undo or redo a step with an orphan on one side (re-attach, delete).

        Like every undo, it acts only while things are as the step left them:
        the re-attached tag still on its sentence, the orphan still there;
        otherwise the step is skipped for good ("changed elsewhere").
        """
        from .annotations import CHANGED_ELSEWHERE, Change, _state

        conn = self.db.conn

        def finish(change):
            conn.execute("UPDATE history SET undone = ? WHERE id = ?",
                         [1 if undo else 0, step["id"]])
            return change

        def skip(start: int, end: int, current, orphan: bool):
            conn.execute("UPDATE history SET skipped = 1 WHERE id = ?", [step["id"]])
            return Change(start, end, current, CHANGED_ELSEWHERE, skipped=True, orphan=orphan)

        if left is not None and not is_orphan(left):  # on a sentence -> back to an orphan
            current = self._annotation_on(doc, left["start"], left["end"])
            if current is None or _state(current) != _state(left):
                return skip(left["start"], left["end"], current, False)
            self._delete(current)
            self._insert_orphan(doc, target)
            return finish(Change(left["start"], left["end"], None))
        if left is not None:  # an orphan -> on a sentence again, or deleted again
            found = conn.execute(
                'SELECT id FROM annotations WHERE article_id = ? AND paragraph IS NULL AND start = ? '
                'AND "end" = ? AND text = ? AND label = ? AND annotator = ? LIMIT 1',
                [doc.id, left["start"], left["end"], left["text"], left["label"],
                 self.annotator]).fetchone()
            if found is None:
                return skip(left["start"], left["end"], None, True)
            if target is None:
                conn.execute("DELETE FROM annotations WHERE id = ?", [found[0]])
                return finish(Change(left["start"], left["end"], None, orphan=True))
            if self._annotation_on(doc, target["start"], target["end"]) is not None:
                return skip(target["start"], target["end"],
                            self._annotation_on(doc, target["start"], target["end"]), False)
            conn.execute(
                'UPDATE annotations SET paragraph = ?, sentence = ?, start = ?, "end" = ?, text = ?, '
                "context_before = ?, context_after = ?, anchor = 'exact', old_text = '', "
                "old_position = '' WHERE id = ?",
                [target["paragraph"], target["sentence"], target["start"], target["end"],
                 target["text"], target["context_before"], target["context_after"], found[0]])
            return finish(Change(target["start"], target["end"],
                                 self._annotation_on(doc, target["start"], target["end"])))
        self._insert_orphan(doc, target)  # a deleted orphan comes back
        return finish(Change(target["start"], target["end"], None, orphan=True))

    def _insert_orphan(self, doc, data: dict[str, Any]) -> None:
        """A new orphan row from an undo step's JSON (never its old row id)."""
        self.db.conn.execute(
            'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
            "context_before, context_after, label, note, annotator, created_at, updated_at, "
            "anchor) VALUES (?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'orphan')",
            [doc.id, data["start"], data["end"], data["text"], data["context_before"],
             data["context_after"], data["label"], data["note"], data["annotator"],
             data["created_at"], data["updated_at"]])
