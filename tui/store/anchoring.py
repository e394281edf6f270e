"""Re-attaching annotations when an article's text has changed.

Each annotation goes to the sentence whose text equals the text it was made
on, the one nearest its old position if several match. Annotations with no
such sentence become orphans (paragraph and sentence NULL): kept, listed by
``tui orphans`` and exported, never deleted silently.
"""

from __future__ import annotations

from sqlite_utils import Database

from ..text import Article

CONTEXT_CHARS = 32


def context_around(body: str, start: int, end: int) -> tuple[str, str]:
    """Up to 32 characters of ``body`` before ``start`` and after ``end``."""
    return body[max(0, start - CONTEXT_CHARS):start], body[end:end + CONTEXT_CHARS]


def sentence_index(article: Article) -> dict[str, list[tuple[int, int, int, int]]]:
    """Map sentence text to (paragraph, sentence, start, end) of each occurrence."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    for paragraph in article.paragraphs:
        for sentence in paragraph.sentences:
            found.setdefault(sentence.text, []).append(
                (paragraph.index, sentence.index, sentence.start, sentence.end)
            )
    return found


def reanchor(db: Database, article_id: int, article: Article) -> tuple[int, int]:
    """Re-place the article's annotations in its new text.

    Returns (placed, orphaned). Runs inside the caller's transaction.
    """
    places = sentence_index(article)
    # Per coder: two coders' tags on one sentence both move to its new place.
    taken: set[tuple[str, int, int]] = set()
    placed = orphaned = 0
    rows = db.execute_returning_dicts(
        "SELECT id, annotator, start, text FROM annotations WHERE article_id = ? ORDER BY start", [article_id]
    )
    # Park every annotation first so the unique index does not trip while
    # moving them past one another.
    db.execute("UPDATE annotations SET paragraph = NULL, sentence = NULL WHERE article_id = ?", [article_id])
    body = article.body
    for row in rows:
        candidates = [c for c in places.get(row["text"], []) if (row["annotator"], c[2], c[3]) not in taken]
        if not candidates:
            orphaned += 1
            continue
        paragraph, sentence, start, end = min(candidates, key=lambda c: abs(c[2] - row["start"]))
        taken.add((row["annotator"], start, end))
        db.execute(
            'UPDATE annotations SET paragraph = ?, sentence = ?, start = ?, "end" = ?, '
            "context_before = ?, context_after = ? WHERE id = ?",
            [paragraph, sentence, start, end, *context_around(body, start, end), row["id"]],
        )
        placed += 1
    return placed, orphaned
