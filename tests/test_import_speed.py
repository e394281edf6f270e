"""The import's hot paths: what the speed-ups must not change, and what they
must not do again (read every stored body for each new article).

Expected values are written out; no wall-clock time is asserted.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.exchange.importer import ImportFormatError, import_file, import_into, read_rows
from tui.store import AnnotationStore
from tui.store.identity import find_renamed
from tui.text import load_article


def test_csv_rows_columns_in_any_order_short_rows_and_hard_cells(tmp_path):
    """Cells picked by one itemgetter call, short rows padded, neutralised
    cells restored: quotes, commas, newlines, formulas, a missing column."""
    export = tmp_path / "odd.csv"
    # No note, annotator or article_hash column (no annotator: None, the
    # importing coder's rows); columns out of order.
    export.write_bytes(
        b"label,start,text,end,article_path,paragraph,sentence,created_at\r\n"
        b'quote,10,"He said ""no, never""\nthen left.",42,/a.txt,2,3,2026-01-01\r\n'
        b"\r\n"
        b"claim,0,'=SUM(A1),5,/b.txt,1,1\r\n"
        b"background,,plain,,'-x.txt\r\n"
    )
    rows = list(read_rows(export))
    assert rows == [
        ("row", 1, 'He said "no, never"\nthen left.', "quote", "", None, "", "/a.txt",
         "2026-01-01", "", 10, ('He said "no, never"\nthen left.', ""), (2, 3, 10, 42)),
        ("row", 3, "=SUM(A1)", "claim", "", None, "", "/b.txt", "", "", 0,
         ("'=SUM(A1)", ""), (1, 1, 0, 5)),
        ("row", 4, "plain", "background", "", None, "", "-x.txt", "", "", None,
         ("plain", ""), None),
    ]


def test_csv_raw_export_keeps_quote_once_a_bare_formula_is_seen(tmp_path):
    """From a bare formula on (a --raw export), its own row included, no ' is
    taken off."""
    export = tmp_path / "raw.csv"
    export.write_text("text,label,article_path\n=1+1,claim,'-a\n'=2+2,quote,'b\n",
                      encoding="utf-8")
    assert [(r[2], r[3], r[7]) for r in read_rows(export)] == [
        ("=1+1", "claim", "'-a"), ("'=2+2", "quote", "'b")]


def _two_articles(tmp_path: Path) -> tuple[Path, int, int]:
    db = tmp_path / "a.db"
    store = AnnotationStore(db)
    ids = []
    for name in ("here.txt", "gone.txt"):
        path = tmp_path / name
        path.write_text(f"Title {name}\n\nThe same long body sentence is here. And another one.\n")
        ids.append(store.open_article(load_article(path)).id)
    store.close()
    (tmp_path / "gone.txt").unlink()
    return db, ids[0], ids[1]


def test_find_renamed_reads_only_bodies_of_missing_files(tmp_path):
    """A new article must not make SQLite read every stored body: only
    articles whose file is gone can have been renamed."""
    db, here, gone = _two_articles(tmp_path)
    conn = sqlite3.connect(db)
    traced: list[str] = []
    conn.set_trace_callback(traced.append)
    found = find_renamed(conn, "The same long body sentence is here. And another one.")
    conn.close()
    assert found == gone
    reading = [sql for sql in traced if "length(" in sql]
    assert reading == [f"SELECT length(body) FROM article_bodies WHERE article_id = {gone}"]


def test_import_registers_new_article_files_and_is_idempotent(tmp_path):
    """Rows of an article file the database has not seen: read, placed,
    and a second import leaves every row unchanged; duplicates in one file
    count once; rows of an unknown article are refused per row."""
    article = tmp_path / "story.txt"
    article.write_text("A story\n\nFirst, it rained. Then \"it\", she said, stopped.\n\n=SUM(A1)\n")
    export = tmp_path / "rows.csv"
    export.write_text(
        "text,label,article_path,paragraph,sentence,start,end\n"
        f"\"First, it rained.\",claim,{article},1,1,0,17\n"
        f"\"Then \"\"it\"\", she said, stopped.\",quote,{article},1,2,18,47\n"
        f"\"Then \"\"it\"\", she said, stopped.\",quote,{article},1,2,18,47\n"
        f"'=SUM(A1),background,{article},2,1,49,57\n"
        f"Nowhere.,claim,{tmp_path / 'missing.txt'},1,1,0,8\n",
        encoding="utf-8")
    first = import_into(tmp_path / "t.db", export)
    assert (first.read, first.added, first.updated, first.unchanged, first.not_placed) == (
        5, 3, 0, 1, 1)
    again = import_into(tmp_path / "t.db", export)
    assert (again.read, again.added, again.updated, again.unchanged, again.not_placed) == (
        5, 0, 0, 4, 1)
    conn = sqlite3.connect(tmp_path / "t.db")
    stored = conn.execute("SELECT text, label, context_before, context_after FROM annotations "
                          "ORDER BY start").fetchall()
    conn.close()
    assert stored == [
        ("First, it rained.", "claim", "", ' Then "it", she said, stopped.\n\n'),
        ('Then "it", she said, stopped.', "quote", "First, it rained. ", "\n\n=SUM(A1)"),
        ("=SUM(A1)", "background", ' Then "it", she said, stopped.\n\n', ""),
    ]


def test_staged_merge_keeps_file_order_and_leaves_no_staging_table(tmp_path):
    """The same sentence twice in one file: the later row wins (as row by
    row), counted once added and once updated; the staging table is gone
    after an import and after a refused one."""
    article = tmp_path / "story.txt"
    article.write_text("A story\n\nFirst, it rained. Then it stopped.\n")
    export = tmp_path / "twice.csv"
    export.write_text(
        "text,label,note,article_path,paragraph,sentence,start,end\n"
        f"\"First, it rained.\",claim,one,{article},1,1,0,17\n"
        f"\"First, it rained.\",quote,two,{article},1,1,0,17\n", encoding="utf-8")
    store = AnnotationStore(tmp_path / "s.db")
    try:
        report = import_file(store, export)
        assert (report.read, report.added, report.updated, report.unchanged) == (2, 1, 1, 0)
        assert store.db.conn.execute("SELECT label, note FROM annotations").fetchall() == [
            ("quote", "two")]
        bad = tmp_path / "bad.csv"
        bad.write_text(export.read_text() + f"x,claim,,{article},1,1,0,not-a-number\n",
                       encoding="utf-8")
        with pytest.raises(ImportFormatError):
            import_file(store, bad)
        assert store.db.conn.execute("SELECT name FROM temp.sqlite_master").fetchall() == []
        assert store.db.conn.execute("SELECT label, note FROM annotations").fetchall() == [
            ("quote", "two")]
    finally:
        store.close()
