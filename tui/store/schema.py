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

from .sqlite_utils_lean import Database
from .sqlite_utils_lean import Migrations

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


@MIGRATIONS()
def m003_identity_anchor(db: Database) -> None:
    """Identity by the whole file, anchor states, stable short ids.

    ``articles.content_hash`` loses its UNIQUE (one body may now be several
    articles: the same wire copy under two headlines); ``file_hash`` (header
    and body) becomes the unique identity, ``uid`` a short id that never
    changes (export file names); ``opened_hash``/``opened_path`` record what
    the reader last showed (file state: edited, moved). Annotations get
    ``anchor`` (exact, moved, fuzzy, orphan), the text and place a fuzzy or
    orphaned tag had (``old_text``, ``old_position``). Every row is kept.
    """
    from .identity import file_hash_of, new_uid

    _drop_unique_content_hash(db)
    conn = db.conn
    for column in ("file_hash TEXT", "uid TEXT", "opened_hash TEXT", "opened_path TEXT"):
        conn.execute(f"ALTER TABLE articles ADD COLUMN {column}")
    rows = conn.execute(
        "SELECT ar.id, ar.title, ar.date, ar.source, ar.path, b.body FROM articles ar "
        "LEFT JOIN article_bodies b ON b.article_id = ar.id").fetchall()
    uids: set[str] = set()
    for row_id, title, date, source, path, body in rows:
        uid = new_uid()
        while uid in uids:
            uid = new_uid()
        uids.add(uid)
        digest = file_hash_of(title, date, source, body or "", path)
        conn.execute("UPDATE articles SET file_hash = ?, uid = ?, opened_hash = ?, "
                     "opened_path = path WHERE id = ?", [digest, uid, digest, row_id])
    conn.execute("CREATE UNIQUE INDEX articles_file_hash ON articles(file_hash)")
    conn.execute("CREATE UNIQUE INDEX articles_uid ON articles(uid)")
    conn.execute("CREATE INDEX articles_content_hash ON articles(content_hash)")
    conn.execute("ALTER TABLE annotations ADD COLUMN anchor TEXT NOT NULL DEFAULT 'exact' "
                 "CHECK (anchor IN ('exact', 'moved', 'fuzzy', 'orphan'))")
    conn.execute("ALTER TABLE annotations ADD COLUMN old_text TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE annotations ADD COLUMN old_position TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE annotations SET anchor = 'orphan' WHERE paragraph IS NULL")



@MIGRATIONS()
def m004_tags_per_coder(db: Database) -> None:
    """One tag per sentence per coder (issue 13), every existing tag kept.

    The unique index said one label per placed sentence, whoever set it, so
    a second coder's tag (or an import of their export) replaced the first
    one's. It now includes ``annotator``. Existing rows already satisfy the
    new index (one per sentence), so nothing is copied or lost. Runs after
    m003, which may rebuild ``annotations`` with the old index. ``history``
    gains ``session``, the window that took each step: two windows of one
    coder undo only their own steps (and those from before they started).
    """
    db.execute("DROP INDEX IF EXISTS annotations_sentence")
    db.execute(
        "CREATE UNIQUE INDEX annotations_sentence ON annotations"
        '(article_id, annotator, start, "end") WHERE paragraph IS NOT NULL'
    )
    # Comparing coders (agreement, merge) reads a coder's tags of an article.
    db.execute("CREATE INDEX IF NOT EXISTS annotations_coder ON annotations(annotator, article_id)")
    # Undo per window: the same coder may have one article open in two
    # windows; each undoes its own steps (and those from before it started).
    db.execute("ALTER TABLE history ADD COLUMN session TEXT NOT NULL DEFAULT ''")


@MIGRATIONS()
def m005_library(db: Database) -> None:
    """The library as a work queue: a done mark, a file cache, remembered views.

    ``articles.done_at`` is when the article was marked done (NULL: not
    done). ``library_files`` caches what a folder scan learns from a file
    (header, sentence count, identity hash), keyed by path and checked
    against the file's size and modification time, so that a second launch
    parses only new or changed files. ``library_views`` remembers, per
    folder, the sort, the state filter and the selected file.
    """
    conn = db.conn
    conn.execute("ALTER TABLE articles ADD COLUMN done_at TEXT")
    conn.execute(
        """
        CREATE TABLE library_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            file_hash TEXT,
            title TEXT NOT NULL,
            outlet TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            sentences INTEGER,
            error TEXT NOT NULL DEFAULT ''
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE library_views (
            folder TEXT PRIMARY KEY,
            sort TEXT NOT NULL DEFAULT 'path',
            descending INTEGER NOT NULL DEFAULT 0,
            show TEXT NOT NULL DEFAULT 'all',
            selected TEXT NOT NULL DEFAULT ''
        )
        """
    )


@MIGRATIONS()
def m006_body_blobs(db: Database) -> None:
    """Long bodies may be stored as UTF-8 BLOBs (tui/store/bodies.py); no row changes.

    A body over 1 MB of UTF-8 is written a piece at a time into a BLOB:
    SQLite cannot build a TEXT value without holding it whole, three times
    over for a bound one. Every body already stored stays TEXT and reads as
    before. This migration changes no table: its record is what makes a
    release before it refuse the database ("written by a newer version")
    rather than read a BLOB body as bytes. Tools read either kind with
    ``CAST(body AS TEXT)``.
    """
    del db  # nothing to change: the record is the point


def _drop_unique_content_hash(db: Database) -> None:
    """Rebuild ``articles`` without UNIQUE on content_hash, keeping every row.

    SQLite cannot drop an inline UNIQUE, and with foreign keys on (they are,
    and a PRAGMA cannot change inside the migration's transaction) dropping
    ``articles`` would cascade into the tags. So the tables that reference it
    are copied aside and dropped first, then ``articles`` is rebuilt, then
    they come back from their own CREATE statements (whatever earlier
    migrations made them), with their indexes, and the views.
    """
    conn = db.conn
    master = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                          "WHERE sql IS NOT NULL").fetchall()
    children = [name for kind, name, _t, sql in master
                if kind == "table" and name != "articles" and "REFERENCES articles" in sql]
    views = [sql for kind, _n, _t, sql in master if kind == "view"]
    # Triggers go with their tables when those are dropped: made again at the end.
    triggers = [sql for kind, _n, table, sql in master
                if kind == "trigger" and table in (*children, "articles")]
    indexes = {table: [sql for kind, _n, t, sql in master if kind == "index" and t == table]
               for table in [*children, "articles"]}
    tables = {name: sql for kind, name, _t, sql in master if kind == "table"}
    for _kind, name, _t, _sql in master:
        if _kind == "view":
            conn.execute(f'DROP VIEW "{name}"')
    for child in children:
        conn.execute(f'CREATE TEMP TABLE "keep_{child}" AS SELECT * FROM "{child}"')
        conn.execute(f'DROP TABLE "{child}"')
    old_sql = tables["articles"]
    new_sql = old_sql.replace("content_hash TEXT NOT NULL UNIQUE", "content_hash TEXT NOT NULL")
    if new_sql == old_sql:
        raise RuntimeError("m003: articles.content_hash is not as m001 made it")
    columns = ", ".join(f'"{r[1]}"' for r in conn.execute("PRAGMA table_info(articles)"))
    conn.execute(new_sql.replace("CREATE TABLE articles", "CREATE TABLE articles_new", 1))
    conn.execute(f"INSERT INTO articles_new ({columns}) SELECT {columns} FROM articles")
    conn.execute("DROP TABLE articles")
    conn.execute("ALTER TABLE articles_new RENAME TO articles")
    for child in children:
        conn.execute(tables[child])
        conn.execute(f'INSERT INTO "{child}" SELECT * FROM temp."keep_{child}"')
        conn.execute(f'DROP TABLE temp."keep_{child}"')
    for sql in [s for table in indexes.values() for s in table]:
        conn.execute(sql)
    for sql in [*views, *triggers]:
        conn.execute(sql)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"m003: {len(problems)} row(s) lost their article")
