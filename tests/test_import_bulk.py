"""The bulk path of a big import (tui/store/bulk.py): the label trigger's
per-row check is replaced by one check at the end, inside the import's one
transaction. Threshold ``bulk_rows`` is lowered so that small files take it.

Real SQLite files; expected values written out; no time asserted.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.exchange.importer import ImportFormatError, import_file
from tui.store import AnnotationStore, StoreError
from tui.store.bulk import labels_checked_at_end
from tui.text import load_article

SENTENCES = 30


def _database_and_export(tmp_path: Path) -> tuple[Path, Path, str]:
    """A database with one tag, and a CSV of 30 rows for its article (the
    first row re-tags the tagged sentence)."""
    article = tmp_path / "story.txt"
    article.write_text("A story\n\n" + " ".join(f"Fact number {i} holds." for i in range(SENTENCES))
                       + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    store = AnnotationStore(db, annotator="ann")
    doc = store.open_article(load_article(article))
    store.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
    store.close()
    lines, start = ["text,label,annotator,article_path,paragraph,sentence,start,end"], 0
    for i in range(SENTENCES):
        text = f"Fact number {i} holds."
        lines.append(f"{text},{('quote', 'background')[i % 2]},ann,{article},1,{i + 1},"
                     f"{start},{start + len(text)}")
        start += len(text) + 1
    return db, tmp_path / "rows.csv", "\n".join(lines) + "\n"


def _master(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def _import_traced(db: Path, export: Path) -> tuple[list[str], object]:
    """Import with bulk_rows=3; the SQL run, and the report or the error."""
    store = AnnotationStore(db, annotator="ann")
    traced: list[str] = []
    store.db.conn.set_trace_callback(traced.append)
    try:
        return traced, import_file(store, export, bulk_rows=3)
    except (ImportFormatError, StoreError) as exc:
        return traced, exc
    finally:
        store.db.conn.set_trace_callback(None)
        store.close()


_OUR_TRIGGER = ("trigger", "annotations_label_insert", "annotations",
                "CREATE TRIGGER annotations_label_insert BEFORE INSERT ON annotations\n"
                "        WHEN NEW.label NOT IN ('claim', 'quote', 'background')\n"
                "        BEGIN SELECT RAISE(ABORT, 'unknown label'); END")


@pytest.mark.parametrize("fault", ["bad offset", "other client's trigger"])
def test_bulk_import_failing_in_its_last_row_leaves_the_database_byte_identical(
        tmp_path, fault):
    """The last of 30 rows fails after the bulk path dropped the trigger:
    nothing is written, the file is byte-identical, and sqlite_master (our
    trigger, the indexes, another client's trigger) is as it was."""
    db, export, csv_text = _database_and_export(tmp_path)
    if fault == "bad offset":
        csv_text = csv_text.replace(",30,", ",x30,")  # the last row's sentence number
        expected = ImportFormatError
    else:
        # Another client's trigger refuses the last row: it stays in place
        # (only our own trigger is dropped) and fires inside the merge.
        conn = sqlite3.connect(db)
        conn.execute("CREATE TRIGGER no_last BEFORE INSERT ON annotations "
                     "WHEN NEW.text = 'Fact number 29 holds.' "
                     "BEGIN SELECT RAISE(ABORT, 'not that one'); END")
        conn.close()
        expected = StoreError
    export.write_text(csv_text, encoding="utf-8")
    master, data = _master(db), db.read_bytes()
    assert _OUR_TRIGGER in master

    traced, outcome = _import_traced(db, export)

    assert isinstance(outcome, expected)
    assert 'DROP TRIGGER "annotations_label_insert"' in traced  # the bulk path was taken
    assert db.read_bytes() == data
    assert _master(db) == master
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT sentence, label FROM annotations").fetchall() == [(1, "claim")]
    conn.close()


def test_after_a_bulk_import_the_trigger_still_refuses_an_unknown_label(tmp_path):
    """A bulk import that succeeds: every row in, the trigger back with its
    own text, refusing a foreign label from any writer; importing again
    changes nothing."""
    db, export, csv_text = _database_and_export(tmp_path)
    export.write_text(csv_text, encoding="utf-8")
    master = _master(db)

    traced, report = _import_traced(db, export)

    assert 'DROP TRIGGER "annotations_label_insert"' in traced
    assert (report.read, report.added, report.updated, report.unchanged) == (30, 29, 1, 0)
    assert _master(db) == master
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), min(label), max(label) FROM annotations").fetchone() \
        == (30, "background", "quote")
    with pytest.raises(sqlite3.IntegrityError, match="unknown label"):
        conn.execute("INSERT INTO annotations (article_id, paragraph, sentence, start, \"end\", "
                     "text, label, annotator, created_at, updated_at) "
                     "VALUES (1, NULL, NULL, 0, 1, 'x', 'opinion', 'eve', '', '')")
    conn.close()
    _, again = _import_traced(db, export)
    assert (again.read, again.added, again.updated, again.unchanged) == (30, 0, 0, 30)


def test_labels_checked_at_end_refuses_an_unknown_label_and_rollback_restores(tmp_path):
    """Rows inserted while the trigger is dropped are checked in one query
    at the end; an unknown one is refused with the trigger's words, and the
    rollback brings the trigger back. Outside a transaction it refuses to
    start (the DROP would be committed)."""
    db, _, _ = _database_and_export(tmp_path)
    master = _master(db)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        with pytest.raises(RuntimeError):
            with labels_checked_at_end(conn, 1):
                pass
        conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.IntegrityError, match="unknown label"):
            with labels_checked_at_end(conn, 1):
                conn.execute("INSERT INTO annotations (article_id, paragraph, sentence, start, "
                             "\"end\", text, label, annotator, created_at, updated_at) "
                             "VALUES (1, 1, 2, 20, 40, 'x', 'opinion', 'eve', '', '')")
        conn.execute("ROLLBACK")
        assert conn.execute("SELECT count(*) FROM annotations").fetchone() == (1,)
    finally:
        conn.close()
    assert _master(db) == master


def test_each_row_keeps_its_own_coder_in_runs_and_alternating(tmp_path):
    """Coders in runs (ann, ann, ben) and alternating: each row is stored
    under its own coder (one tag per sentence per coder), in bulk too."""
    db, export, _ = _database_and_export(tmp_path)
    article = tmp_path / "story.txt"
    rows = [("Fact number 0 holds.", 0, 20, "ann", "quote"), ("Fact number 0 holds.", 0, 20, "ben",
            "claim"), ("Fact number 1 holds.", 21, 41, "ben", "quote"),
            ("Fact number 1 holds.", 21, 41, "ann", "background"),
            ("Fact number 2 holds.", 42, 62, "cy", "claim")]
    export.write_text("text,label,annotator,article_path,paragraph,sentence,start,end\n" + "".join(
        f"{text},{label},{coder},{article},1,{start // 21 + 1},{start},{end}\n"
        for text, start, end, coder, label in rows), encoding="utf-8")
    _, report = _import_traced(db, export)
    assert (report.added, report.updated) == (4, 1)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT start, annotator, label FROM annotations "
                        "ORDER BY start, annotator").fetchall() == [
        (0, "ann", "quote"), (0, "ben", "claim"), (21, "ann", "background"),
        (21, "ben", "quote"), (42, "cy", "claim")]
    conn.close()


def test_batch_writer_merges_each_staged_batch_once(tmp_path):
    """Merge mode: the caller stages, the thread merges; each row is merged
    once (the staging table is emptied between batches) and counted once."""
    from tui.exchange.batch_writer import BatchWriter

    conn = sqlite3.connect(tmp_path / "w.db", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    conn.execute("CREATE TEMP TABLE stage (x)")
    conn.execute("BEGIN")
    writer = BatchWriter(conn, "INSERT INTO temp.stage VALUES (?)",
                         merge="INSERT INTO t (x, n) SELECT x, 1 FROM temp.stage WHERE true "
                               "ON CONFLICT (x) DO UPDATE SET n = n + 1",
                         clear="DELETE FROM temp.stage")
    try:
        writer.put([(1,), (2,)])
        writer.put([(3,)])
        writer.put([(1,)])
        writer.drain()
    finally:
        writer.close()
    conn.execute("COMMIT")
    assert conn.execute("SELECT x, n FROM t ORDER BY x").fetchall() == [(1, 2), (2, 1), (3, 1)]
    assert writer.changed == 4
    conn.close()
