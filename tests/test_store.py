"""The annotation store on a real SQLite file: actions, undo, safety."""

from __future__ import annotations

import sqlite3

import pytest

from tui.store import LABELS, AnnotationStore, StoreError, WriteResult, get_label
from tui.store.schema import VIEW_NAME
from tui.text import load_article


def sentence(doc, p, s):
    paragraph = doc.article.paragraphs[p - 1]
    return paragraph.sentences[s - 1]


def test_tag_is_committed_and_readable_by_another_connection(store, seed_doc):
    target = sentence(seed_doc, 4, 1)
    ann = store.tag(seed_doc, 4, target, "quote", shown=None).annotation
    assert (ann.paragraph, ann.sentence, ann.label) == (4, 1, "quote")
    assert ann.text == target.text and ann.annotator == "tester"
    assert ann.context_before == seed_doc.article.body[target.start - 32:target.start]
    assert ann.context_after == seed_doc.article.body[target.end:target.end + 32]
    other = sqlite3.connect(store.path)
    assert other.execute("SELECT label FROM annotations").fetchall() == [("quote",)]


def test_same_label_removes_other_label_replaces(store, seed_doc):
    target = sentence(seed_doc, 2, 2)
    store.tag(seed_doc, 2, target, "claim")
    store.set_note(seed_doc, target, "check the figure")
    replaced = store.tag(seed_doc, 2, target, "background", shown="claim")
    assert replaced.annotation.label == "background"
    assert replaced.annotation.note == "check the figure" and replaced.message is None
    assert store.tag(seed_doc, 2, target, "background", shown="background").annotation is None
    assert store.annotations(seed_doc) == {}


def test_untag_and_notes(store, seed_doc):
    target = sentence(seed_doc, 1, 1)
    assert store.untag(seed_doc, target, shown=None).annotation is None
    assert store.set_note(seed_doc, target, "no tag yet") is None
    store.tag(seed_doc, 1, target, "claim")
    assert store.set_note(seed_doc, target, "  first  ").note == "first"
    assert store.set_note(seed_doc, target, "edited").note == "edited"
    assert store.set_note(seed_doc, target, "").note == ""
    assert store.untag(seed_doc, target, shown="claim") == WriteResult(None, None)
    assert store.annotation_at(seed_doc, target) is None


def test_undo_redo_survive_a_restart(tmp_path, seed_path):
    article = load_article(seed_path)
    first = AnnotationStore(tmp_path / "a.db")
    doc = first.open_article(article)
    s1, s2 = sentence(doc, 1, 1), sentence(doc, 2, 1)
    first.tag(doc, 1, s1, "claim")
    first.tag(doc, 2, s2, "quote")
    first.set_note(doc, s2, "said on Thursday")
    first.tag(doc, 1, s1, "claim", shown="claim")  # toggles off
    first.close()

    second = AnnotationStore(tmp_path / "a.db")
    doc = second.open_article(article)
    change = second.undo(doc)  # brings the claim back
    assert change.annotation.label == "claim" and (change.start, change.end) == (s1.start, s1.end)
    assert second.undo(doc).annotation.note == ""  # the note is undone
    assert second.undo(doc).annotation is None  # the quote is gone
    assert second.undo(doc).annotation is None  # the claim is gone
    assert second.undo(doc) is None  # nothing left
    assert second.annotations(doc) == {}
    assert second.redo(doc).annotation.label == "claim"
    assert second.redo(doc).annotation.label == "quote"
    # A new action clears what could be redone.
    second.tag(doc, 3, sentence(doc, 3, 1), "background")
    assert second.redo(doc) is None
    assert {a.label for a in second.annotations(doc).values()} == {"claim", "quote", "background"}


def test_counts_and_view(store, seed_doc):
    store.tag(seed_doc, 1, sentence(seed_doc, 1, 1), "claim")
    store.tag(seed_doc, 5, sentence(seed_doc, 5, 1), "quote")
    store.tag(seed_doc, 6, sentence(seed_doc, 6, 2), "quote")
    assert store.counts(seed_doc) == {"claim": 1, "quote": 2}
    rows = store.db.execute_returning_dicts(f"SELECT * FROM {VIEW_NAME}")
    assert [(r["paragraph"], r["label"]) for r in rows] == [(1, "claim"), (5, "quote"), (6, "quote")]
    assert rows[0]["article_title"].startswith("Russia Unfazed")


def test_labels_are_defined_once():
    assert [(l.name, l.key) for l in LABELS] == [("claim", "c"), ("quote", "q"), ("background", "b")]
    with pytest.raises(ValueError, match="claim, quote, background"):
        get_label("opinion")


def test_database_pragmas(store):
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # Exactly: FULL (2) makes each tag survive power loss; NORMAL would not.
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    # Exactly 15 s: a 5 s wait gives up on a sync tool's lock too early.
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 15000


def test_the_production_busy_timeout_is_15_seconds(tmp_path):
    from tui.store.preflight import BUSY_TIMEOUT_S

    assert BUSY_TIMEOUT_S == 15
    reopened = AnnotationStore(tmp_path / "a.db")  # no argument: the production value
    assert reopened.db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
    reopened.close()


def test_the_library_counts_placed_tags_not_orphans(store, seed_doc):
    store.tag(seed_doc, 1, sentence(seed_doc, 1, 1), "claim")
    store.tag(seed_doc, 2, sentence(seed_doc, 2, 1), "quote")
    store.tag(seed_doc, 3, sentence(seed_doc, 3, 1), "quote")
    # One of them lost its sentence (the text changed): an orphan now.
    store.db.execute("UPDATE annotations SET paragraph = NULL, sentence = NULL WHERE label = 'claim'")
    summary = store.article_summaries()[seed_doc.article.content_hash]
    assert summary["tagged"] == 2
    assert [row["label"] for row in store.orphans()] == ["claim"]


def test_non_sqlite_file_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database"):
        AnnotationStore(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "future.db"
    AnnotationStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('tui', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        AnnotationStore(path)
    assert path.read_bytes() == before


def test_moved_article_keeps_its_annotations(tmp_path, store, seed_path):
    first = tmp_path / "story.txt"
    first.write_bytes(seed_path.read_bytes())
    doc = store.open_article(load_article(first))
    store.tag(doc, 4, sentence(doc, 4, 1), "quote")
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    first.rename(moved)  # a copy of a file that is still there keeps the old path
    again = store.open_article(load_article(moved))
    assert again.id == doc.id
    assert store.db.execute("SELECT path FROM articles").fetchone()[0] == str(moved.resolve())
    assert [a.label for a in store.annotations(again).values()] == ["quote"]


def test_edited_article_reattaches_by_text_and_keeps_orphans(tmp_path, store, seed_path):
    path = tmp_path / "story.txt"
    text = seed_path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    doc = store.open_article(load_article(path))
    kept = sentence(doc, 6, 2)
    store.tag(doc, 6, kept, "quote")
    store.tag(doc, 3, sentence(doc, 3, 1), "claim")
    # The editor inserts a paragraph at the top and rewrites paragraph 3.
    edited = text.replace("Russia is unfazed", "A new lead paragraph.\n\nRussia is unfazed")
    old = sentence(doc, 3, 1).text
    edited = edited.replace(old, "Washington has said nothing more about it since.")
    path.write_text(edited, encoding="utf-8")
    doc2 = store.open_article(load_article(path))
    assert doc2.id == doc.id and (doc2.reanchored, doc2.orphaned) == (1, 1)
    placed = list(store.annotations(doc2).values())
    assert [(a.paragraph, a.sentence, a.text) for a in placed] == [(7, 2, kept.text)]
    assert doc2.article.body[placed[0].start:placed[0].end] == kept.text
    orphans = store.orphans()
    assert len(orphans) == 1 and orphans[0]["text"].startswith("M. Elaine Bunn")
    assert orphans[0]["paragraph"] is None
