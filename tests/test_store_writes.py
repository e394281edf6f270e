"""Writes decided from the database, undo keyed by sentence, rollback on failure."""

from __future__ import annotations

import sqlite3

import pytest

from tui.store import AnnotationStore, StoreError, WriteResult
from tui.text import article_from_body, load_article


def sentence(doc, p, s):
    return doc.article.paragraphs[p - 1].sentences[s - 1]


def test_pressing_the_shown_label_on_a_tag_removed_elsewhere_adds_nothing(tmp_path, seed_path):
    article = load_article(seed_path)
    mine = AnnotationStore(tmp_path / "a.db", annotator="me")
    other = AnnotationStore(tmp_path / "a.db", annotator="me")  # a second window
    doc, their_doc = mine.open_article(article), other.open_article(article)
    target = sentence(doc, 3, 1)
    mine.tag(doc, 3, target, "claim", shown=None)
    assert other.untag(their_doc, target, shown="claim") == WriteResult(None, None)
    # My screen still shows the claim; I press c to remove it: it is gone already.
    assert mine.tag(doc, 3, target, "claim", shown="claim") == WriteResult(
        None, "claim was already removed elsewhere")
    assert mine.untag(doc, target, shown="claim") == WriteResult(
        None, "claim was already removed elsewhere")
    assert mine.annotations(doc) == {}


def test_data_version_changes_when_another_connection_commits(tmp_path, seed_path):
    article = load_article(seed_path)
    mine = AnnotationStore(tmp_path / "a.db", annotator="me")
    other = AnnotationStore(tmp_path / "a.db", annotator="me")  # a second window
    doc = mine.open_article(article)
    their_doc = other.open_article(article)
    seen = mine.data_version()
    assert mine.data_version() == seen  # nothing happened
    other.tag(their_doc, 1, sentence(their_doc, 1, 1), "quote")
    assert mine.data_version() != seen
    assert [a.label for a in mine.annotations(doc).values()] == ["quote"]


def test_undoing_an_untag_after_its_row_id_was_reused_elsewhere(tmp_path, seed_path):
    """Issue 9 §3: the freed id goes to another article's tag; undo still works."""
    path = tmp_path / "a.db"
    store = AnnotationStore(path, annotator="me")
    one = store.open_article(load_article(seed_path))
    two = store.open_article(article_from_body("Another story. It has two sentences.",
                                               "two.txt", "Two", "", ""))
    s1 = sentence(one, 1, 1)
    first = store.tag(one, 1, s1, "claim").annotation
    store.untag(one, s1, shown="claim")
    taken = store.tag(two, 1, sentence(two, 1, 1), "quote").annotation
    assert (first.id, taken.id) == (1, 1)  # SQLite handed the freed id on
    change = store.undo(one)  # brings the claim back, in a new row
    assert (change.start, change.end, change.annotation.label) == (s1.start, s1.end, "claim")
    assert change.annotation.id == 2
    assert [a.label for a in store.annotations(two).values()] == ["quote"]
    assert store.redo(one).annotation is None
    store.close()
    again = AnnotationStore(path, annotator="me")  # and after reopening
    one = again.open_article(load_article(seed_path))
    two = again.open_article(article_from_body("Another story. It has two sentences.",
                                               "two.txt", "Two", "", ""))
    assert again.undo(one).annotation.label == "claim"
    assert again.undo(one).annotation is None  # the original tag undone too
    assert again.undo(one) is None
    assert {(a.article_id, a.label) for a in again.annotations(two).values()} == {(two.id, "quote")}


def test_a_failed_statement_in_a_write_rolls_the_whole_write_back(tmp_path, seed_path):
    path = tmp_path / "a.db"
    store = AnnotationStore(path, annotator="me")
    doc = store.open_article(load_article(seed_path))
    # The tag's second statement (its history step) fails on purpose.
    outside = sqlite3.connect(path)
    outside.execute("CREATE TRIGGER no_history BEFORE INSERT ON history "
                    "BEGIN SELECT RAISE(ABORT, 'history refused'); END")
    outside.commit()
    with pytest.raises(StoreError, match=r"^.*a\.db: database error: history refused$"):
        store.tag(doc, 1, sentence(doc, 1, 1), "claim")
    assert store.annotations(doc) == {}  # the annotation insert is gone too
    assert not store.db.conn.in_transaction
    outside.execute("DROP TRIGGER no_history")
    outside.commit()
    store.tag(doc, 2, sentence(doc, 2, 1), "quote")  # the connection works, and commits
    assert outside.execute("SELECT paragraph, label FROM annotations").fetchall() == [(2, "quote")]
    assert outside.execute("SELECT count(*) FROM history").fetchone() == (1,)


def test_two_windows_of_one_coder_undo_only_their_own_steps(tmp_path, seed_path):
    """A laptop window and an SSH window of one coder: each u undoes what that
    window did; a restarted window undoes the steps from before it started."""
    article = load_article(seed_path)
    laptop = AnnotationStore(tmp_path / "a.db", annotator="me")
    ssh = AnnotationStore(tmp_path / "a.db", annotator="me")
    doc, ssh_doc = laptop.open_article(article), ssh.open_article(article)
    laptop.tag(doc, 1, sentence(doc, 1, 1), "claim")
    ssh.tag(ssh_doc, 2, sentence(ssh_doc, 2, 1), "quote")
    laptop.tag(doc, 3, sentence(doc, 3, 1), "background")
    # The SSH window's newest step is its quote, not the laptop's background.
    change = ssh.undo(ssh_doc)
    assert (change.start, change.end, change.annotation) == (
        sentence(doc, 2, 1).start, sentence(doc, 2, 1).end, None)
    assert ssh.undo(ssh_doc) is None  # the laptop's two tags are not its own
    assert sorted(a.label for a in laptop.annotations(doc).values()) == ["background", "claim"]
    # The laptop's undo takes its own newest step; its redo stack survives the
    # SSH window's new step.
    assert laptop.undo(doc).start == sentence(doc, 3, 1).start
    ssh.tag(ssh_doc, 4, sentence(ssh_doc, 4, 1), "claim")
    assert laptop.redo(doc).annotation.label == "background"
    laptop.close()
    ssh.close()
    # After a restart, the steps from before it are this window's to undo.
    again = AnnotationStore(tmp_path / "a.db", annotator="me")
    doc = again.open_article(article)
    assert again.undo(doc).start == sentence(doc, 4, 1).start  # the SSH window's claim
    assert again.undo(doc).start == sentence(doc, 3, 1).start  # the redone background
