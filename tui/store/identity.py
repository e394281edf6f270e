"""Which stored article a file is: its content, header included.

* The **file hash** (``articles.file_hash``, unique) is the SHA-256 of the
  normalised whole file: date, headline and outlet as read from the file,
  then the body. The same wire story under another headline, outlet or date
  is another article, with its own tags and position.
* A file found under a new path with a known file hash is that article,
  moved or renamed (the path is updated).
* A file at a known path with a new hash is that article, edited: its tags
  are re-anchored (:mod:`tui.store.anchoring`).
* A file with a new path *and* a new hash is an earlier article, renamed and
  edited, only when it is clearly the same text: rapidfuzz's ratio of the
  bodies (of their paragraphs' fingerprints above :data:`CHARACTER_LIMIT`
  characters: no body is decoded whole for it) is at least
  :data:`RENAME_SIMILARITY` (out of 100), compared only
  with articles whose recorded file is gone (a second copy of a file that
  still exists is never taken for it). Otherwise it is a new article, and
  the old one keeps its tags, listed as "missing" by ``tui status``.

``articles.content_hash`` stays the hash of the body alone (exports carry it
as ``article_hash``; offsets point into the body).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from ..text import Article
from ..text.article import hash_text
from ..text.body import Body
from .bodies import body_pieces, read_body, store_body, stored_chars, stored_pieces
from .status_row import file_state as file_state  # noqa: PLC0414  (moved; callers import it here)

# Bodies this similar (rapidfuzz ratio, 0-100) are one article renamed and
# edited. 80 keeps a story with a few sentences rewritten or added (the bench's
# edits score 93-99) and refuses two stories of one outlet (30-60 on Wikinews).
RENAME_SIMILARITY = 80.0
# Above this many characters, compare lists of paragraphs rather than
# characters (ratio is quadratic/64 in the lengths).
CHARACTER_LIMIT = 200_000


def header_title(title: str, date: str, source: str, path: str) -> str:
    """The headline as written in the file ('' when it came from the file name).

    A plain-text file without a heading is titled after its file name; that
    title is not content, so renaming such a file does not change its hash.
    """
    if not date and not source and title == (Path(path).stem if path else "Untitled"):
        return ""
    return title


def file_hash_of(title: str, date: str, source: str, body: str, path: str) -> str:
    """The identity hash of an article from its parts (see the module docs)."""
    header = "\n".join((date, header_title(title, date, source, path), source))
    # The body is hashed in pieces: not a joined copy of a 50 MB body (94 MB
    # as str) plus its encoding beside it.
    return hash_text(body, hashlib.sha256(f"{header}\n\n".encode("utf-8"))).hexdigest()


def file_hash(article: Article) -> str:
    """The identity hash of ``article``: its header and its body."""
    return file_hash_of(article.title, article.date, article.source, article.body,
                        str(Path(article.path).resolve()) if article.path else "")


def _ratio(old: Any, new: Any) -> float:
    """rapidfuzz's ratio; imported on first use (5.7 MB and 15 ms): the
    library's helper processes use this module only for file hashes."""
    from rapidfuzz import fuzz

    return fuzz.ratio(old, new)


def new_uid() -> str:
    """A short random id, fixed for an article's life (export file names)."""
    return secrets.token_hex(4)


def body_similarity(old: str, new: str) -> float:
    """How alike two bodies are, 0-100 (rapidfuzz ratio: 100 = identical)."""
    if max(len(old), len(new)) > CHARACTER_LIMIT:
        return _ratio(old.split("\n\n"), new.split("\n\n"))
    return _ratio(old, new)


def paragraph_prints(pieces: Iterable[bytes | memoryview]) -> list[int]:
    """A fingerprint of each paragraph of a text given as UTF-8 pieces.

    The paragraphs are those of ``text.split("\n\n")`` (a separator may
    straddle two pieces), so ``fuzz.ratio`` of two lists of prints is
    :func:`body_similarity` of two long bodies, without either as a ``str``
    (a 50 MB body is 99 MB decoded, and its split list as much again).
    """
    prints: list[int] = []
    digest = hashlib.blake2b(digest_size=7)  # < 2**56: rapidfuzz takes it as a plain number
    carry = b""
    for piece in pieces:
        buf = carry + piece if carry else bytes(piece)
        view, pos = memoryview(buf), 0
        while (cut := buf.find(b"\n\n", pos)) >= 0:
            digest.update(view[pos:cut])
            prints.append(int.from_bytes(digest.digest(), "little"))
            digest, pos = hashlib.blake2b(digest_size=7), cut + 2
        end = len(buf)
        # A newline at the end may be the first half of a separator.
        carry = b"\n" if end > pos and buf[end - 1] == 0x0A else b""
        digest.update(view[pos:end - len(carry)])
        view.release()
    digest.update(carry)
    prints.append(int.from_bytes(digest.digest(), "little"))
    return prints


def find_renamed(conn, body: Body | str) -> int | None:
    """The id of an article whose file is gone and whose body is clearly ``body``'s.

    ``body`` is decoded or fingerprinted only if some article could match
    (its file gone, its length close enough); a long one is compared by
    paragraph fingerprints read in pieces, never as a whole ``str``.
    """
    best, best_id = RENAME_SIMILARITY, None
    length, new_prints = len(body), None
    rows = conn.execute("SELECT ar.id, ar.path FROM articles ar "
                        "JOIN article_bodies b ON b.article_id = ar.id").fetchall()
    for row_id, path in rows:
        # An article whose file is there was not renamed. Checked first:
        # length() of a TEXT reads the whole body, and a big import adds
        # articles one by one (quadratic: 100 articles of 1 MB took 5 s).
        if path and os.path.exists(path):
            continue
        old_length = stored_chars(conn, row_id)
        # The ratio cannot exceed 200*min/(sum of lengths): skip hopeless ones cheaply.
        if not old_length or 200 * min(old_length, length) / (old_length + length) < best:
            continue
        if max(old_length, length) > CHARACTER_LIMIT:
            if new_prints is None:
                new_prints = paragraph_prints(body_pieces(body))
            score = _ratio(paragraph_prints(stored_pieces(conn, row_id)), new_prints)
        else:
            score = _ratio(read_body(conn, row_id), str(body))
        if score >= best:
            best, best_id = score, row_id
    return best_id


def _holds(path: str, digest: str) -> bool:
    """True if the file at ``path`` still has the identity ``digest``.

    A recorded path that now holds other text (the file was renamed and a
    new one took its name) does not make a moved file a copy.
    """
    from ..text import ArticleError, load_article

    if not os.path.exists(path):
        return False
    try:
        return file_hash(load_article(path)) == digest
    except (ArticleError, OSError):
        return False


class Resolved:
    """The stored article a file is, and what re-anchoring did to it."""

    def __init__(self, row: dict[str, Any] | None, how: str, counts: dict[str, int] | None = None,
                 history_dropped: int = 0) -> None:
        self.row = row
        self.how = how  # known, moved, copy, edited, renamed+edited, new, unknown
        self.counts = counts or {}
        self.history_dropped = history_dropped


def _row(conn, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cursor = conn.execute(sql, params)
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip([d[0] for d in cursor.description], found))


def resolve(conn, article: Article, stamp: str, *, create: bool, renamed: bool = True) -> Resolved:
    """Find (or, with ``create``, add) the article ``article`` is; re-anchor if edited.

    Runs inside the caller's write transaction. Never touches
    ``last_opened``/``opened_*`` (the reader does, through open_article).
    With ``renamed`` False, a file known neither by content nor by path is
    left unknown (a folder scan tries those last, once every exactly known
    file has claimed its article).
    """
    from .anchoring import reanchor

    path = str(Path(article.path).resolve()) if article.path else ""
    digest = file_hash(article)
    row = _row(conn, "SELECT * FROM articles WHERE file_hash = ?", [digest])
    if row is not None:
        if row["path"] == path:
            return Resolved(row, "known")
        if row["path"] and _holds(row["path"], digest):
            # A second copy of a file that is still there: the same article,
            # but the record keeps pointing at the first (no path flapping).
            return Resolved(row, "copy")
        conn.execute("UPDATE articles SET path = ? WHERE id = ?", [path, row["id"]])
        return Resolved({**row, "path": path}, "moved")
    previous = _row(conn, "SELECT * FROM articles WHERE path = ? ORDER BY last_opened DESC LIMIT 1",
                    [path])
    how = "edited"
    if previous is None and renamed:
        # The Body itself: decoded (99 MB as str for 50 MB) only if compared.
        found = find_renamed(conn, article.body)
        if found is not None:
            previous = _row(conn, "SELECT * FROM articles WHERE id = ?", [found])
            how = "renamed+edited"
    if previous is not None:
        row_id = previous["id"]
        old_body = read_body(conn, row_id) or ""
        conn.execute(
            "UPDATE articles SET file_hash = ?, content_hash = ?, path = ?, title = ?, date = ?, "
            "source = ?, sentence_count = NULL WHERE id = ?",
            [digest, article.content_hash, path, article.title, article.date, article.source,
             row_id])
        store_body(conn, row_id, article.body, replace=True)
        done = reanchor(conn, row_id, old_body, article,
                        (previous["position_paragraph"], previous["position_sentence"]))
        conn.execute("UPDATE articles SET position_paragraph = ?, position_sentence = ? "
                     "WHERE id = ?", [*done.position, row_id])
        row = _row(conn, "SELECT * FROM articles WHERE id = ?", [row_id])
        return Resolved(row, how, done.counts, done.history_dropped)
    if not create:
        return Resolved(None, "unknown")
    uid = new_uid()
    while conn.execute("SELECT 1 FROM articles WHERE uid = ?", [uid]).fetchone():
        uid = new_uid()
    row_id = conn.execute(
        "INSERT INTO articles (content_hash, file_hash, uid, path, title, date, source, "
        "first_seen, last_opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [article.content_hash, digest, uid, path, article.title, article.date, article.source,
         stamp, stamp]).lastrowid
    store_body(conn, row_id, article.body)
    return Resolved(_row(conn, "SELECT * FROM articles WHERE id = ?", [row_id]), "new")
