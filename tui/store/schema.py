"""The database schema, created and upgraded with sqlite-utils ``Migrations``.

Each migration runs in a transaction with its record in
``_sqlite_migrations``. A database that records a migration this version
does not know was written by a newer version and is refused.

Labels: new and changed rows must carry a label the app knows. SQLite
cannot add a CHECK constraint to an existing table, and rebuilding
``annotations`` with one would refuse to copy the rows other clients
already wrote with labels of their own (``opinion``), so m002 adds BEFORE
INSERT / BEFORE UPDATE OF label triggers that RAISE(ABORT) instead: the
existing rows stay, are read, counted and exported as they are, and an
update that keeps a row's foreign label (a note, re-anchoring) still works.
Adding a label to ``tui/store/labels.py`` therefore needs a migration that
recreates both triggers with the longer list (tests/test_store_schema.py
fails until it exists).
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


# The labels m002 lets into the table (tui/store/labels.py at the time).
M002_LABELS = ("claim", "quote", "background")


@MIGRATIONS()
def m002_history_by_sentence(db: Database) -> None:
    """Undo history keyed by sentence and annotator; unknown labels refused.

    ``history`` gains the annotator who took the step and the sentence's
    ``start``/``"end"`` (undo finds the sentence by these, never by a row id,
    which SQLite reuses), and ``skipped`` for a step found changed by someone
    else (never retried). Existing steps get them from their JSON.
    """
    db.execute("ALTER TABLE history ADD COLUMN annotator TEXT")
    db.execute("ALTER TABLE history ADD COLUMN start INTEGER")
    db.execute('ALTER TABLE history ADD COLUMN "end" INTEGER')
    db.execute("ALTER TABLE history ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE history SET "
        "annotator = json_extract(coalesce(after, before), '$.annotator'), "
        "start = json_extract(coalesce(after, before), '$.start'), "
        "\"end\" = json_extract(coalesce(after, before), '$.end')"
    )
    db.execute("CREATE INDEX history_annotator ON history(article_id, annotator, undone, id)")
    allowed = ", ".join(f"'{name}'" for name in M002_LABELS)
    db.execute(
        f"""
        CREATE TRIGGER annotations_label_insert BEFORE INSERT ON annotations
        WHEN NEW.label NOT IN ({allowed})
        BEGIN SELECT RAISE(ABORT, 'unknown label'); END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER annotations_label_update BEFORE UPDATE OF label ON annotations
        WHEN NEW.label NOT IN ({allowed}) AND NEW.label IS NOT OLD.label
        BEGIN SELECT RAISE(ABORT, 'unknown label'); END
        """
    )
