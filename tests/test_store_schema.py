"""The schema: upgrading a database made by the previous release, label checks."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tui.store import LABELS, AnnotationStore
from tui.store.preflight import KNOWN_MIGRATIONS
from tui.store.schema import MIGRATIONS
from tui.text import load_article

FIXTURE = Path(__file__).parent / "fixtures" / "v1_annotations.db"


@pytest.fixture
def upgraded(tmp_path, seed_path):
    """The previous release's database (see fixtures/README.md), opened by this one."""
    path = tmp_path / "v1.db"
    shutil.copyfile(FIXTURE, path)
    store = AnnotationStore(path, annotator="v1user")
    yield store, store.open_article(load_article(seed_path))
    store.close()


def test_known_migrations_match_the_schema():
    assert KNOWN_MIGRATIONS == tuple(m.name for m in MIGRATIONS._migrations)
    assert KNOWN_MIGRATIONS == ("m001_initial", "m002_history_by_sentence",
                                "m003_identity_anchor", "m004_tags_per_coder", "m005_library",
                                "m006_body_blobs")


def test_the_upgrade_keeps_every_tag_and_fills_the_history(upgraded):
    store, doc = upgraded
    assert store.db.execute(
        "SELECT id, paragraph, sentence, label, note, annotator FROM annotations ORDER BY id"
    ).fetchall() == [
        (1, 1, 1, "claim", "", "v1user"),
        (2, 4, 1, "quote", "said on Thursday", "v1user"),
        (3, 6, 2, "background", "", "v1user"),
        (4, 5, 1, "opinion", "from another client", "otherclient"),
    ]
    # Blind by default (m004, issue 13): each coder reads their own tags.
    assert [(a.id, a.label) for a in sorted(store.annotations(doc).values(),
                                            key=lambda a: a.id)] == [
        (1, "claim"), (2, "quote"), (3, "background")]
    assert store.other_coders_labels(doc) == {(1091, 1417): {"otherclient": "opinion"}}  # 5.1
    assert store.db.execute(
        'SELECT id, action, annotator, start, "end", undone, skipped FROM history ORDER BY id'
    ).fetchall() == [
        (1, "tag", "v1user", 0, 156, 0, 0), (2, "tag", "v1user", 927, 1089, 0, 0),
        (3, "note", "v1user", 927, 1089, 0, 0), (4, "tag", "v1user", 1613, 1679, 0, 0),
        (5, "tag", "v1user", 158, 307, 0, 0), (6, "untag", "v1user", 158, 307, 0, 0),
    ]
    assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_old_history_undoes_although_the_old_row_id_is_taken(upgraded):
    store, doc = upgraded
    # The last step untagged the claim on 2.1 (row 4); `opinion` has row 4 now.
    change = store.undo(doc)
    assert (change.start, change.end, change.annotation.label, change.annotation.id) == (
        158, 307, "claim", 5)
    assert store.undo(doc).annotation is None  # and the tag before it
    assert store.undo(doc).annotation is None  # background 6.2 gone
    assert store.undo(doc).annotation.note == ""  # the note on 4.1
    assert sorted(a.label for a in store.annotations(doc).values()) == ["claim", "quote"]


def test_a_label_the_app_does_not_know_is_read_counted_and_exported(upgraded):
    store, doc = upgraded
    assert store.counts(doc) == {"background": 1, "claim": 1, "quote": 1}
    assert store.article_summaries()[doc.article.content_hash]["tagged"] == 3
    other = AnnotationStore(store.path, annotator="otherclient")
    assert other.counts(doc) == {"opinion": 1}
    assert other.article_summaries()[doc.article.content_hash]["tagged"] == 1
    other.close()
    # Another note on it works: the row keeps its label.
    store.db.execute("UPDATE annotations SET note = 'edited' WHERE label = 'opinion'")
    result = run_tui("export", "--db", str(store.path), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(line)["label"] for line in result.stdout.splitlines()) == [
        "background", "claim", "opinion", "quote"]


def test_a_tag_over_an_unknown_label_replaces_it_and_undo_moves_on(upgraded):
    v1, doc = upgraded
    store = AnnotationStore(v1.path, annotator="otherclient")  # the coder of `opinion`
    other = doc.article.paragraphs[4].sentences[0]
    result = store.tag(doc, 5, other, "claim")
    assert (result.annotation.label, result.message) == ("claim", "replaced opinion set elsewhere")
    # Undo cannot put the unknown label back (the table refuses it now):
    # the step is skipped for good, and nothing else is this coder's to undo.
    change = store.undo(doc)
    assert (change.annotation.label, change.message, change.skipped) == (
        "claim", "can't restore the unknown label opinion; skipped", True)
    assert store.undo(doc) is None
    assert store.counts(doc) == {"claim": 1}
    assert v1.undo(doc).annotation.label == "claim"  # the v1 untag of 2.1, undone
    assert v1.counts(doc) == {"background": 1, "claim": 2, "quote": 1}
    store.close()


def test_new_rows_must_carry_a_known_label(tmp_path, seed_path):
    path = tmp_path / "a.db"
    AnnotationStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles (id, content_hash, path, title, first_seen, last_opened) "
                 "VALUES (1, 'h', 'p', 't', 'now', 'now')")
    insert = ('INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
              "label, annotator, created_at, updated_at) VALUES (1, 1, ?, ?, ?, 's', ?, 'x', 'n', 'n')")
    # Every label the app defines is let in (adding one needs a migration).
    for i, label in enumerate(LABELS):
        conn.execute(insert, [i + 1, i * 10, i * 10 + 5, label.name])
    with pytest.raises(sqlite3.IntegrityError, match="unknown label"):
        conn.execute(insert, [9, 90, 95, "opinion"])
    with pytest.raises(sqlite3.IntegrityError, match="unknown label"):
        conn.execute("UPDATE annotations SET label = 'opinion' WHERE sentence = 1")
    conn.commit()
    assert [label for (label,) in conn.execute("SELECT label FROM annotations ORDER BY id")] == [
        "claim", "quote", "background"]


def test_opening_a_store_does_not_load_numpy_and_numpy_still_loads_later(tmp_path):
    """sqlite-utils imports numpy when installed, for types tui never inserts:
    0.08 s and 12 MB on every reader launch. Hidden while it loads (see
    tui/store/sqlite_utils_lean.py), and importable afterwards (tui agreement)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from tui.store import AnnotationStore\n"
            f"store = AnnotationStore({str(tmp_path / 'a.db')!r}, annotator='t')\n"
            "print('numpy' in sys.modules, 'pandas' in sys.modules)\n"
            "import numpy\n"
            "print(numpy.arange(3).sum())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False False", "3"]
