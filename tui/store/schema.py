"""The database schema, created and upgraded with sqlite-utils ``Migrations``.

Each migration runs in a transaction with its record in
``_sqlite_migrations``. A database that records a migration this version
does not know was written by a newer version and is refused.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("tui")

# The view users and Datasette read: annotations with their article's metadata.
VIEW_NAME = "annotations_with_articles"


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """Articles and their bodies, annotations, undo history, the readable view."""
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            title TEXT NOT NULL,
            date TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            sentence_count INTEGER,
            first_seen TEXT NOT NULL,
            last_opened TEXT NOT NULL,
            position_paragraph INTEGER NOT NULL DEFAULT 1,
            position_sentence INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute("CREATE INDEX articles_path ON articles(path)")
    # The body lives apart: SQLite rewrites a whole row on UPDATE, and the
    # reader updates the position at every key (a 5 MB body made that 40 ms).
    db.execute(
        """
        CREATE TABLE article_bodies (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            body TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            paragraph INTEGER,          -- 1-based; NULL for an orphan
            sentence INTEGER,           -- 1-based within the paragraph; NULL for an orphan
            start INTEGER NOT NULL,     -- 0-based offsets into articles.body
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,         -- the sentence as tagged
            context_before TEXT NOT NULL DEFAULT '',
            context_after TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            annotator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    # One label per placed sentence; orphans (paragraph NULL) may pile up.
    db.execute(
        'CREATE UNIQUE INDEX annotations_sentence ON annotations(article_id, start, "end") '
        "WHERE paragraph IS NOT NULL"
    )
    db.execute("CREATE INDEX annotations_order ON annotations(article_id, paragraph, sentence)")
    db.execute(
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            action TEXT NOT NULL,       -- tag, untag, note
            before TEXT,                -- JSON of the annotation before, NULL if none
            after TEXT,                 -- JSON of the annotation after, NULL if none
            undone INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX history_article ON history(article_id, undone, id)")
    db.execute(
        f"""
        CREATE VIEW {VIEW_NAME} AS
        SELECT
            a.id AS annotation_id,
            ar.id AS article_id,
            ar.title AS article_title,
            ar.date AS article_date,
            ar.source AS article_source,
            ar.path AS article_path,
            a.paragraph, a.sentence, a.label, a.text, a.note, a.annotator,
            a.created_at, a.updated_at, a.start, a."end",
            a.context_before, a.context_after
        FROM annotations a JOIN articles ar ON ar.id = a.article_id
        ORDER BY ar.id, a.paragraph IS NULL, a.paragraph, a.sentence, a.start
        """
    )
