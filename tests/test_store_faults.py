"""Faults of the database file: foreign, read-only, full, damaged, locked, dangling.

Real SQLite files on real tmpfs mounts; compare bytes before and after
wherever the user did not ask for a change.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tests.helpers_mounts import WITHOUT_ROOT_POWERS, remount_read_only, require_root, tmpfs
from tui.store import AnnotationStore, StoreError
from tui.text import load_article

ROOT = Path(__file__).resolve().parent.parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sentence(doc, p, s):
    return doc.article.paragraphs[p - 1].sentences[s - 1]


def make_tagged(path: Path, seed_path: Path) -> None:
    """A closed database with a claim on 1.1 and a quote on 4.1."""
    store = AnnotationStore(path, annotator="me")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 1, sentence(doc, 1, 1), "claim")
    store.tag(doc, 4, sentence(doc, 4, 1), "quote")
    store.close()


def labels_in(path: Path) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT paragraph, sentence, label FROM annotations "
                            "ORDER BY paragraph").fetchall()
    finally:
        conn.close()


# -- another program's database ---------------------------------------------

@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_programs_database_is_refused_byte_identical(tmp_path, journal):
    path = tmp_path / "expenses.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE expenses (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO expenses (amount) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(StoreError) as raised:
        AnnotationStore(path)
    assert str(raised.value) == (
        f"{path}: a database of another program (tables: expenses); refusing to touch it")
    result = run_tui("export", "--db", str(path))
    assert result.returncode == 2
    assert result.stderr.endswith(f"{path}: a database of another program (tables: expenses); "
                                  "refusing to touch it\n")
    assert result.stderr.count("\n") == 1
    assert sha256(path) == before
    assert os.listdir(tmp_path) == ["expenses.db"]  # no -wal or -shm left beside it


def test_another_sqlite_utils_migration_set_is_not_ours(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
                 "name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('blog', 'm001', '2026-01-01')")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(StoreError, match="a database of another program"):
        AnnotationStore(path)
    assert sha256(path) == before


def test_an_empty_file_and_an_empty_database_are_ours_to_set_up(tmp_path, seed_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("PRAGMA user_version = 0").connection.close()
    for path in (empty, blank):
        store = AnnotationStore(path, annotator="me")
        doc = store.open_article(load_article(seed_path))
        assert store.tag(doc, 1, sentence(doc, 1, 1), "claim").annotation.label == "claim"
        store.close()


# -- read-only: disk, file, folder, immutable ---------------------------------

def test_a_database_on_a_read_only_disk_opens_read_only(tmp_path, seed_path):
    with tmpfs(tmp_path / "mnt") as mnt:
        path = mnt / "a.db"
        make_tagged(path, seed_path)
        remount_read_only(mnt)
        before = sha256(path)
        store = AnnotationStore(path, annotator="me")
        assert store.read_only == f"{path} is on a read-only disk"
        doc = store.open_article(load_article(seed_path))
        assert sorted(a.label for a in store.annotations(doc).values()) == ["claim", "quote"]
        assert store.article_summaries()[doc.article.content_hash]["tagged"] == 2
        refused = f"tags can't be saved: {path} is on a read-only disk"
        for write in (lambda: store.tag(doc, 2, sentence(doc, 2, 1), "claim"),
                      lambda: store.untag(doc, sentence(doc, 1, 1), shown="claim"),
                      lambda: store.set_note(doc, sentence(doc, 1, 1), "a note"),
                      lambda: store.undo(doc), lambda: store.redo(doc),
                      lambda: store.save_sentence_count(doc, 13),
                      lambda: store.save_position(doc, 2, 1)):
            with pytest.raises(StoreError) as raised:
                write()
            assert str(raised.value) == refused
        store.close()
        assert sha256(path) == before
        assert sorted(os.listdir(mnt)) == ["a.db"]


def _child_without_root_powers(db: Path, seed_path: Path) -> dict:
    require_root("setpriv")
    result = subprocess.run(
        [*WITHOUT_ROOT_POWERS, sys.executable, str(ROOT / "tests" / "child_readonly.py"),
         str(db), str(seed_path)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_read_only_file_opens_read_only_for_a_user_who_cannot_write_it(tmp_path, seed_path):
    path = tmp_path / "a.db"
    make_tagged(path, seed_path)
    path.chmod(0o444)
    before = sha256(path)
    answer = _child_without_root_powers(path, seed_path)
    reason = f"{path} is read-only (Permission denied)"
    assert answer == {"read_only": reason, "labels": ["claim", "quote"],
                      "tag": f"tags can't be saved: {reason}",
                      "untag": f"tags can't be saved: {reason}",
                      "undo": f"tags can't be saved: {reason}"}
    assert sha256(path) == before


def test_a_database_in_a_read_only_folder_opens_read_only(tmp_path, seed_path):
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "a.db"
    make_tagged(path, seed_path)
    folder.chmod(0o555)
    try:
        before = sha256(path)
        answer = _child_without_root_powers(path, seed_path)
        reason = f"the folder {folder} is read-only"
        assert answer == {"read_only": reason, "labels": ["claim", "quote"],
                          "tag": f"tags can't be saved: {reason}",
                          "untag": f"tags can't be saved: {reason}",
                          "undo": f"tags can't be saved: {reason}"}
        assert sha256(path) == before and os.listdir(folder) == ["a.db"]
        # A new database cannot be made there: one line.
        answer = _child_without_root_powers(folder / "new.db", seed_path)
        assert answer == {"open": f"{folder / 'new.db'}: cannot create the database: {reason}"}
    finally:
        folder.chmod(0o755)


def test_an_immutable_file_opens_read_only(tmp_path, seed_path):
    require_root("chattr")
    with tmpfs(tmp_path / "mnt") as mnt:
        path = mnt / "a.db"
        make_tagged(path, seed_path)
        chattr = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if chattr.returncode != 0:
            pytest.skip(f"chattr +i refused on tmpfs here: {chattr.stderr.strip()}")
        try:
            before = sha256(path)
            store = AnnotationStore(path, annotator="me")
            assert store.read_only == f"{path} is immutable (chattr +i)"
            doc = store.open_article(load_article(seed_path))
            assert sorted(a.label for a in store.annotations(doc).values()) == ["claim", "quote"]
            with pytest.raises(StoreError, match=r"^tags can't be saved: .* is immutable"):
                store.tag(doc, 2, sentence(doc, 2, 1), "claim")
            store.close()
            assert sha256(path) == before
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)


# -- disk full ----------------------------------------------------------------

def _fill(folder: Path, name: str = "filler") -> Path:
    """Write a file until the disk is full; return it."""
    filler = folder / name
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_gives_one_line_and_keeps_every_earlier_tag(tmp_path, seed_path):
    from tui.exchange.importer import import_file

    with tmpfs(tmp_path / "mnt", size="600k") as mnt:
        path = mnt / "a.db"
        make_tagged(path, seed_path)
        store = AnnotationStore(path, annotator="me")
        doc = store.open_article(load_article(seed_path))
        store.tag(doc, 2, sentence(doc, 2, 1), "background")
        exported = tmp_path / "in.jsonl"
        exported.write_text(json.dumps({
            "article_path": str(seed_path), "paragraph": 6, "sentence": 2, "label": "quote",
            "text": sentence(doc, 6, 2).text}) + "\n", encoding="utf-8")
        filler = _fill(mnt)
        full = f"{path}: the disk is full; not saved"
        for write in (lambda: store.tag(doc, 3, sentence(doc, 3, 1), "claim"),
                      lambda: store.set_note(doc, sentence(doc, 1, 1), "x" * 50_000)):
            with pytest.raises(StoreError) as raised:
                write()
            assert str(raised.value) == full
        with pytest.raises(StoreError) as raised:
            import_file(store, exported)
        assert str(raised.value) == full
        store.close()  # this may free the -wal file's space: fill that too
        more = _fill(mnt, "more")
        try:  # reopened: it reads and refuses to write, or it cannot even open
            again = AnnotationStore(path, annotator="me")
        except StoreError as exc:
            assert str(exc) == full
        else:
            assert len(again.annotations(doc)) == 3
            with pytest.raises(StoreError) as raised:
                again.tag(doc, 3, sentence(doc, 3, 1), "claim")
            # Opened for writing, or (when even that failed) read-only.
            assert str(raised.value) in (full, f"tags can't be saved: {path} is on a full disk")
            again.close()
        with pytest.raises(StoreError) as raised:  # a new database cannot be made
            AnnotationStore(mnt / "new.db")
        assert "\n" not in str(raised.value) and str(raised.value).startswith(f"{mnt / 'new.db'}: ")
        filler.unlink()  # room for the checking connection's -shm file
        more.unlink()
        check = sqlite3.connect(path)
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        check.close()
        expected = [(1, 1, "claim"), (2, 1, "background"), (4, 1, "quote")]
        assert labels_in(path) == expected
        # Space again: it saves.
        store = AnnotationStore(path, annotator="me")
        store.tag(doc, 3, sentence(doc, 3, 1), "claim")
        store.close()
        assert labels_in(path) == [*expected[:2], (3, 1, "claim"), expected[2]]


# -- damaged file ---------------------------------------------------------------

def test_a_damaged_file_gives_one_line_naming_it(tmp_path, seed_path):
    path = tmp_path / "a.db"
    store = AnnotationStore(path, annotator="me")
    doc = store.open_article(load_article(seed_path))
    for paragraph in doc.article.paragraphs:
        for s in paragraph.sentences:
            store.tag(doc, paragraph.index, s, "claim")
            store.set_note(doc, s, "a note long enough to need a few pages " * 8)
    page_size = store.db.conn.execute("PRAGMA page_size").fetchone()[0]
    root = store.db.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'annotations'").fetchone()[0]
    pages = store.db.conn.execute("PRAGMA page_count").fetchone()[0]
    store.close()
    assert 1 < root < pages  # a page in the middle: the annotations table's root
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(random.Random(9).randbytes(page_size))
    damaged = f"{path}: the database file is damaged ("
    try:
        store = AnnotationStore(path, annotator="me")
    except StoreError as exc:
        assert str(exc).startswith(damaged) and "\n" not in str(exc)
        return
    target = sentence(doc, 1, 1)
    calls = {
        "open_article": lambda: store.open_article(doc.article),
        "annotations": lambda: store.annotations(doc),
        "annotation_at": lambda: store.annotation_at(doc, target),
        "tag": lambda: store.tag(doc, 1, target, "quote"),
        "untag": lambda: store.untag(doc, target, shown="claim"),
        "set_note": lambda: store.set_note(doc, target, "n"),
        "undo": lambda: store.undo(doc),
        "redo": lambda: store.redo(doc),
        "counts": lambda: store.counts(doc),
        "orphans": lambda: store.orphans(),
        "article_summaries": lambda: store.article_summaries(),
    }
    failed = []
    for name, call in calls.items():
        try:
            call()
        except StoreError as exc:
            assert str(exc).startswith(damaged) and "\n" not in str(exc), name
            failed.append(name)
    # Every call that reads the damaged rows says so in one line (orphans
    # and summaries find their answer in an index, and may still work).
    assert set(failed) >= {"annotations", "annotation_at", "tag", "untag", "set_note",
                           "counts", "undo"}


def test_a_file_with_a_sqlite_header_and_garbage_after_it_is_damaged(tmp_path):
    path = tmp_path / "a.db"
    path.write_bytes(b"SQLite format 3\x00" + random.Random(3).randbytes(8192))
    before = sha256(path)
    with pytest.raises(StoreError) as raised:
        AnnotationStore(path)
    assert str(raised.value).startswith(f"{path}: the database file is damaged (")
    assert "\n" not in str(raised.value)
    assert sha256(path) == before


# -- a held write lock ---------------------------------------------------------

def test_a_held_write_lock_gives_locked_after_the_timeout_and_nothing_is_saved(tmp_path, seed_path):
    path = tmp_path / "a.db"
    make_tagged(path, seed_path)
    store = AnnotationStore(path, annotator="me", busy_timeout=0.2)
    doc = store.open_article(load_article(seed_path))
    store.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Opening needs no write lock: a current database opens and reads.
        store = AnnotationStore(path, annotator="me", busy_timeout=0.2)
        assert store.db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 200
        assert len(store.annotations(doc)) == 2
        for write in (lambda: store.tag(doc, 2, sentence(doc, 2, 1), "claim"),
                      lambda: store.untag(doc, sentence(doc, 1, 1), shown="claim"),
                      lambda: store.undo(doc)):
            with pytest.raises(StoreError) as raised:
                write()
            assert str(raised.value) == f"{path}: locked by another program; not saved"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.tag(doc, 2, sentence(doc, 2, 1), "claim").annotation.label == "claim"
    assert labels_in(path) == [(1, 1, "claim"), (2, 1, "claim"), (4, 1, "quote")]


# -- dangling rows -----------------------------------------------------------------

def test_tags_of_an_article_deleted_in_the_sqlite3_shell_are_listed_as_orphans(tmp_path, seed_path):
    path = tmp_path / "a.db"
    make_tagged(path, seed_path)
    shell = sqlite3.connect(path)  # foreign_keys off, as in the sqlite3 shell
    shell.execute("DELETE FROM articles")
    shell.commit()
    shell.close()
    store = AnnotationStore(path, annotator="me")
    rows = store.orphans()
    assert [(r["paragraph"], r["label"], r["article_title"], r["article_path"],
             r["article_missing"]) for r in rows] == [(1, "claim", "", "", 1), (4, "quote", "", "", 1)]
    assert store.dangling_count() == 2
    assert store.article_summaries() == {}
