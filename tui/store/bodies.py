"""Article bodies in ``article_bodies.body``: written and read without whole copies.

A body of at most :data:`TEXT_BYTES` bytes of UTF-8 is stored as TEXT, as
every release did (tools such as the sqlite3 shell or sqlite-utils read it
as it is). A longer one is stored as a BLOB of its UTF-8 bytes, written with
incremental blob I/O into a ``zeroblob(n)`` row, :data:`PIECE` bytes at a
time: binding it whole as ``CAST(? AS TEXT)`` made SQLite hold three copies
at once (the bound bytes, the cast's text, the record built for the row; the
bound copy then stayed with the cached statement), so the first open of a
50 MB article peaked near 200 MB and kept ~50 MB. SQLite cannot make a TEXT
value without building it whole, a BLOB it can (a trailing zeroblob is not
materialised). Migration m006 marks a database that may hold such bodies, so
that an older release refuses it instead of reading bytes as text.

Readers take both kinds: :func:`read_body` (a ``str``), :func:`stored_chars`,
:func:`stored_pieces`; in SQL, ``CAST(body AS TEXT)`` reads either as text.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..text.body import Body

# Bodies up to this many bytes of UTF-8 are bound as TEXT (three transient
# copies of at most 1 MB); longer ones are written in pieces as a BLOB.
TEXT_BYTES = 1 << 20
# Bytes written or read at once through a blob handle.
PIECE = 1 << 20
# UTF-8 continuation bytes: a character is any other byte.
_CONTINUATION = bytes(range(0x80, 0xC0))


def store_body(conn, article_id: int, body: Body | str, *, replace: bool = False) -> None:
    """Insert (or, with ``replace``, overwrite) the body of article ``article_id``.

    Runs inside the caller's transaction: a failure part-way leaves nothing
    once it rolls back. A body with a lone surrogate is refused
    (``UnicodeEncodeError``), as binding it always was.
    """
    data = body.encode("utf-8")  # a Body's own bytes, no copy
    # In a database of another encoding (made by another tool) a UTF-8 BLOB
    # would not read back with CAST(body AS TEXT): there every body is TEXT.
    small = len(data) <= TEXT_BYTES or not _utf8_database(conn)
    # Bound as bytes, not as the str: sqlite3 would leave a UTF-8 copy inside the str.
    value = "CAST(? AS TEXT)" if small else "zeroblob(?)"
    param = data if small else len(data)
    done = replace and conn.execute(
        f"UPDATE article_bodies SET body = {value} WHERE article_id = ?",
        [param, article_id]).rowcount
    if not done:
        conn.execute(f"INSERT INTO article_bodies (body, article_id) VALUES ({value}, ?)",
                     [param, article_id])
    if small:
        return
    # article_id is the INTEGER PRIMARY KEY, so it is the row id blobopen takes.
    with conn.blobopen("article_bodies", "body", article_id) as blob, memoryview(data) as view:
        for at in range(0, len(data), PIECE):
            blob.write(view[at:at + PIECE])


def _utf8_database(conn) -> bool:
    """True if the database stores text as UTF-8 (every database tui makes)."""
    return conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"


def _kind(conn, article_id: int) -> str | None:
    """``'text'`` or ``'blob'`` (None: no body row). Reads no content."""
    row = conn.execute("SELECT typeof(body) FROM article_bodies WHERE article_id = ?",
                       [article_id]).fetchone()
    return row[0] if row else None


def read_body(conn, article_id: int) -> str | None:
    """The stored body as text, whichever way it was stored (None: no row)."""
    kind = _kind(conn, article_id)
    if kind == "blob":
        with conn.blobopen("article_bodies", "body", article_id, readonly=True) as blob:
            return blob.read().decode("utf-8")
    if kind is None:
        return None
    (text,) = conn.execute("SELECT body FROM article_bodies WHERE article_id = ?",
                           [article_id]).fetchone()
    return text


def stored_pieces(conn, article_id: int) -> Iterator[bytes]:
    """The stored body's UTF-8 bytes, :data:`PIECE` at a time (TEXT or BLOB).

    Read through a blob handle, which takes TEXT as well (its bytes in the
    database's encoding: UTF-8 for every database tui makes; another
    encoding is read as text and encoded).
    """
    kind = _kind(conn, article_id)
    if kind is None:
        return
    if kind == "text" and not _utf8_database(conn):
        text = read_body(conn, article_id) or ""
        for at in range(0, len(text), PIECE):
            yield text[at:at + PIECE].encode("utf-8")
        return
    with conn.blobopen("article_bodies", "body", article_id, readonly=True) as blob:
        while piece := blob.read(PIECE):
            yield piece


def stored_chars(conn, article_id: int) -> int:
    """The stored body's length in characters, without decoding it."""
    if _kind(conn, article_id) != "blob":
        # length() of TEXT counts characters (SQLite reads the value, Python gets an int).
        row = conn.execute("SELECT length(body) FROM article_bodies WHERE article_id = ?",
                           [article_id]).fetchone()
        return row[0] or 0 if row else 0
    return sum(len(piece.translate(None, _CONTINUATION))
               for piece in stored_pieces(conn, article_id))


def body_pieces(body: Body | str) -> Iterator[memoryview | bytes]:
    """``body``'s UTF-8 bytes, :data:`PIECE` at a time (a Body's without a copy)."""
    if isinstance(body, Body):
        data = body.utf8()
        for at in range(0, len(data), PIECE):
            yield data[at:at + PIECE]
        return
    for at in range(0, len(body), PIECE):
        yield body[at:at + PIECE].encode("utf-8")
