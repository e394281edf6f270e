"""Bodies over 1 MB stored as UTF-8 BLOBs (tui/store/bodies.py), and every reader of them.

A long body is written a piece at a time into a ``zeroblob`` row (no whole
copy in SQLite); shorter ones stay TEXT, and so do those of older
databases. Identity, re-anchoring, the rename check, import and agreement
read both kinds; a failure while storing stores nothing.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers_mounts import tmpfs
from tui.exchange.importer import import_file
from tui.store import AnnotationStore, StoreError
from tui.store.agreement import coded_units
from tui.store.bodies import read_body
from tui.store.merge import merge_databases
from tui.store.identity import find_renamed, paragraph_prints
from tui.text import load_article

FIXTURES = Path(__file__).parent / "fixtures"
# About 370 bytes of UTF-8 a paragraph (em dash, curly quotes, CJK, an astral
# character, a combining accent): 3,200 of them make 1.18 MB, over the 1 MB
# that is stored as TEXT.
PARAGRAPH = " ".join(["Paragraph {n} opens here\u2014as the wire said. \u201cIt rose,\u201d "
                      "she said of the \u4e2d\u6587 index \U0001f600 on the caf\u00e9 floor. The "
                      "figure, e\u0301tudes aside, went up again in the region on the day."] * 2)


def big_paragraphs(count: int = 3_200, first: int = 1) -> list[str]:
    return [PARAGRAPH.format(n=n) for n in range(first, first + count)]


def write(path: Path, paragraphs: list[str], title: str = "A Long Story") -> Path:
    path.write_text(f"4 April 2014\n{title}\nWire\n\n" + "\n\n".join(paragraphs) + "\n",
                    encoding="utf-8")
    return path


def stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT article_id, typeof(body), length(CAST(body AS TEXT)) "
                            "FROM article_bodies ORDER BY article_id").fetchall()
    finally:
        conn.close()


def test_a_long_body_is_a_blob_a_short_one_text_both_read_back_exactly(tmp_path):
    long = write(tmp_path / "long.txt", big_paragraphs())
    short = write(tmp_path / "short.txt", big_paragraphs(3), title="Short")
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    long_doc = store.open_article(load_article(long))
    short_doc = store.open_article(load_article(short))
    assert (long_doc.how, short_doc.how) == ("new", "new")
    assert read_body(store.db.conn, long_doc.id) == "\n\n".join(big_paragraphs())
    assert read_body(store.db.conn, short_doc.id) == "\n\n".join(big_paragraphs(3))
    assert store.open_article(load_article(long)).how == "known"
    store.close()
    # 3,200 paragraphs of 329 characters and their numbers, 3,199 separators of 2.
    assert stored(tmp_path / "a.db") == [(1, "blob", 1_076_184), (2, "text", 991)]
    conn = sqlite3.connect(tmp_path / "a.db")
    (text,) = conn.execute("SELECT CAST(body AS TEXT) FROM article_bodies WHERE article_id = 1"
                           ).fetchone()
    conn.close()
    assert text == "\n\n".join(big_paragraphs())


def test_a_long_article_edited_in_place_keeps_its_tags_on_their_sentences(tmp_path):
    path = write(tmp_path / "long.txt", big_paragraphs())
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    doc = store.open_article(load_article(path))
    store.tag(doc, 2000, doc.article.paragraphs[1999].sentences[1], "quote")
    write(path, ["A new first paragraph\u2014added by the desk.", *big_paragraphs()])
    edited = store.open_article(load_article(path))
    assert (edited.how, edited.id, edited.reanchored, edited.orphaned) == ("edited", doc.id, 1, 0)
    rows = store.db.conn.execute("SELECT paragraph, sentence, label, anchor, text "
                                 "FROM annotations").fetchall()
    assert rows == [(2001, 2, "quote", "exact", "\u201cIt rose,\u201d she said of the "
                     "\u4e2d\u6587 index \U0001f600 on the caf\u00e9 floor.")]
    assert read_body(store.db.conn, doc.id).startswith("A new first paragraph\u2014added")
    store.close()
    assert stored(tmp_path / "a.db") == [(1, "blob", 1_076_184 + 42)]


# A BLOB body (1.2 MB), a TEXT one (0.4 MB, over 200,000 characters: by paragraphs too).
@pytest.mark.parametrize(("count", "bound"), [(3_200, 2_500_000), (1_000, 1_000_000)])
def test_a_long_article_renamed_and_edited_is_found_by_its_paragraphs(tmp_path, count, bound):
    old = write(tmp_path / "old.txt", big_paragraphs(count))
    store = AnnotationStore(tmp_path / "a.db", annotator="t")
    doc = store.open_article(load_article(old))
    old.unlink()
    changed = big_paragraphs(count)
    changed[10] = "This paragraph was rewritten by the desk."
    article = load_article(write(tmp_path / "new.txt", changed))
    # The check reads both bodies a piece at a time (1 MB pieces: 2.1 MB
    # and 0.45 MB at the peak). Compared as strs and their split lists it
    # peaked at 11.3 MB and 3.5 MB (astral characters: 4 bytes each).
    gc.collect()
    tracemalloc.start()
    try:
        assert find_renamed(store.db.conn, article.body) == doc.id
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < bound
    renamed = store.open_article(article)
    assert (renamed.how, renamed.id) == ("renamed+edited", doc.id)
    # Another story of the same length is not taken for it.
    other = store.open_article(load_article(write(tmp_path / "other.txt",
                                                  big_paragraphs(count, first=90_000))))
    assert other.how == "new"
    store.close()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="a\u00e9\u4e2d\U0001f600\n", max_size=40),
       st.lists(st.integers(min_value=1, max_value=7), max_size=12))
def test_paragraph_prints_are_the_split_paragraphs_whatever_the_pieces(text, cuts):
    data = text.encode("utf-8")
    pieces, at = [], 0
    for size in cuts:  # cut anywhere, even inside a character or a separator
        pieces.append(data[at:at + size])
        at += size
    pieces.append(data[at:])
    expected = [int.from_bytes(hashlib.blake2b(part.encode("utf-8"), digest_size=7).digest(),
                               "little") for part in text.split("\n\n")]
    assert paragraph_prints(pieces) == expected


def test_import_and_agreement_read_a_blob_body(tmp_path):
    path = write(tmp_path / "long.txt", big_paragraphs())
    store = AnnotationStore(tmp_path / "a.db", annotator="ana")
    doc = store.open_article(load_article(path))
    sentence = doc.article.paragraphs[1499].sentences[0]
    store.tag(doc, 1500, sentence, "claim")
    rows = tmp_path / "ben.csv"
    rows.write_text("text,label,article_path,paragraph,sentence,start,end,annotator\n"
                    f"\"{sentence.text}\",quote,{path},1500,1,"
                    f"{sentence.start},{sentence.end},ben\n",
                    encoding="utf-8")
    report = import_file(store, rows)
    assert (report.added, report.not_placed) == (1, 0)
    units = coded_units(store.db.conn)
    assert (units.coders, units.articles) == (["ana", "ben"], 1)
    # Every sentence of the body (6 a paragraph) is a unit; one has both tags.
    assert len(units.units) == 19_200
    assert [u for u in units.units if u != {"ana": "none", "ben": "none"}] == [
        {"ana": "claim", "ben": "quote"}]
    store.close()


def test_a_database_of_the_previous_release_reads_its_text_bodies_and_takes_blobs(tmp_path,
                                                                                  seed_path):
    db = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "db_v1.db", db)
    store = AnnotationStore(db, annotator="v1user")
    migrations = [r[0] for r in store.db.conn.execute(
        "SELECT name FROM _sqlite_migrations ORDER BY applied_at, name")]
    assert migrations[-1] == "m006_body_blobs"
    kinds = store.db.conn.execute("SELECT DISTINCT typeof(body) FROM article_bodies").fetchall()
    assert kinds == [("text",)]
    ids = [r[0] for r in store.db.conn.execute("SELECT article_id FROM article_bodies")]
    assert all(read_body(store.db.conn, i) for i in ids)
    doc = store.open_article(load_article(write(tmp_path / "long.txt", big_paragraphs())))
    assert read_body(store.db.conn, doc.id) == "\n\n".join(big_paragraphs())
    store.close()


def test_a_failure_while_storing_a_long_body_stores_nothing(tmp_path):
    small = write(tmp_path / "small.txt", big_paragraphs(2), title="Small")
    long = write(tmp_path / "long.txt", big_paragraphs(12_000))  # 5.7 MB of UTF-8
    with tmpfs(tmp_path / "disk", size="3m") as disk:
        store = AnnotationStore(disk / "a.db", annotator="t")
        store.open_article(load_article(small))
        with pytest.raises(StoreError):
            store.open_article(load_article(long))
        # The connection still works, and holds the first article only.
        assert store.db.conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        store.close()
        conn = sqlite3.connect(disk / "a.db")
        try:
            assert conn.execute("SELECT article_id, typeof(body) FROM article_bodies"
                                ).fetchall() == [(1, "text")]
        finally:
            conn.close()


def test_a_blob_body_merges_into_another_database_as_it_is(tmp_path):
    path = write(tmp_path / "long.txt", big_paragraphs())
    ana = AnnotationStore(tmp_path / "ana.db", annotator="ana")
    doc = ana.open_article(load_article(path))
    ana.tag(doc, 3, doc.article.paragraphs[2].sentences[0], "claim")
    ana.close()
    lead = AnnotationStore(tmp_path / "lead.db", annotator="lead")
    [report] = merge_databases(lead, [tmp_path / "ana.db"])
    assert (report.articles_added, report.tags_added) == (1, 1)
    (merged,) = lead.db.conn.execute("SELECT article_id FROM article_bodies").fetchone()
    assert read_body(lead.db.conn, merged) == "\n\n".join(big_paragraphs())
    # Opening the file finds the merged article by its identity.
    assert lead.open_article(load_article(path)).how == "known"
    lead.close()
    assert stored(tmp_path / "lead.db") == [(1, "blob", 1_076_184)]


def test_a_utf16_database_made_elsewhere_is_compared_by_its_text(tmp_path):
    """A blob handle reads TEXT in the database's encoding: a UTF-16 file
    (made by another tool) is read as text for the rename check instead."""
    db = tmp_path / "utf16.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    conn.execute("CREATE TABLE scratch (x)")  # the encoding is fixed by the first table
    conn.execute("DROP TABLE scratch")
    conn.close()
    old = write(tmp_path / "old.txt", big_paragraphs(1_000))
    store = AnnotationStore(db, annotator="t")
    assert store.db.conn.execute("PRAGMA encoding").fetchone() == ("UTF-16le",)
    doc = store.open_article(load_article(old))
    old.unlink()
    changed = big_paragraphs(1_000)
    changed[10] = "This paragraph was rewritten by the desk."
    renamed = store.open_article(load_article(write(tmp_path / "new.txt", changed)))
    assert (renamed.how, renamed.id) == ("renamed+edited", doc.id)
    # A long body is TEXT there too: a UTF-8 BLOB would not CAST back to text.
    long = store.open_article(load_article(write(tmp_path / "long.txt", big_paragraphs())))
    (text,) = store.db.conn.execute("SELECT CAST(body AS TEXT) FROM article_bodies "
                                    "WHERE article_id = ?", [long.id]).fetchone()
    assert text == "\n\n".join(big_paragraphs())
    store.close()
