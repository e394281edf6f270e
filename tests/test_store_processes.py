"""Durability and concurrency across real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tui.store import AnnotationStore
from tui.text import load_article

CHILD = Path(__file__).parent / "child_tagger.py"
ROOT = Path(__file__).resolve().parent.parent


def _child(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_tag_survives_sigkill_right_after_the_call_returns(tmp_path, seed_path):
    db = tmp_path / "a.db"
    child = _child(str(db), str(seed_path), "once", "4", "1", "quote")
    assert child.stdout.readline().strip() == "tagged"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    store = AnnotationStore(db, annotator="child")
    doc = store.open_article(load_article(seed_path))
    assert [(a.paragraph, a.sentence, a.label) for a in store.annotations(doc).values()] == [
        (4, 1, "quote")
    ]


def test_two_processes_tagging_one_database_lose_nothing(tmp_path):
    # A long article so the two writers really overlap.
    article = tmp_path / "long.txt"
    article.write_text(
        "\n\n".join(f"Paragraph {i} says one thing. It says another thing too." for i in range(150)),
        encoding="utf-8",
    )
    db = tmp_path / "a.db"
    # No database yet: both processes create and migrate it at once.
    children = [subprocess.Popen([sys.executable, str(CHILD), str(db), str(article), "many", "150",
                                  str(w)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
                for w in (0, 1)]
    results = [c.communicate(timeout=120) for c in children]
    outputs = [out for out, _ in results]
    errors = [err[-2000:] for _, err in results]
    assert [c.returncode for c in children] == [0, 0], (outputs, errors)
    assert all(o.startswith("done 150") for o in outputs)
    store = AnnotationStore(db, annotator="child")
    doc = store.open_article(load_article(article))
    assert len(store.annotations(doc)) == 300


class Window:
    """A store in its own process, as a second reader window would hold it."""

    def __init__(self, db: Path, article: Path, annotator: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "child_store.py"), str(db), str(article), annotator],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.ask_raw() == "ready"

    def ask_raw(self):
        line = self.proc.stdout.readline()
        assert line, "the child process died"
        return json.loads(line)

    def __call__(self, command: str):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.ask_raw()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture
def windows(tmp_path, seed_path):
    opened = []

    def open_window(annotator: str) -> Window:
        window = Window(tmp_path / "shared.db", seed_path, annotator)
        opened.append(window)
        return window

    yield open_window
    for window in opened:
        window.proc.kill()
        window.proc.wait(timeout=30)


def test_two_windows_decide_from_the_database_not_from_their_screens(windows):
    # Two windows of one coder (tags are per coder since m004).
    a, b = windows("alice"), windows("alice")
    assert a("tag 1 1 claim -") == {"label": "claim", "message": None}
    # B never saw A's claim: pressing claim keeps it, and B is told.
    assert b("tag 1 1 claim -") == {"label": "claim", "message": "already tagged claim elsewhere"}
    assert a("labels") == {"1.1": "claim"}
    # B's quote over the claim it did not see replaces it, and says so.
    assert b("tag 1 1 quote -") == {"label": "quote",
                                    "message": "replaced claim set elsewhere"}
    # B's untag of a tag it did not see removes nothing.
    assert a("tag 2 1 background -") == {"label": "background", "message": None}
    assert b("untag 2 1 -") == {"label": "background",
                                "message": "tagged background elsewhere; not removed"}
    assert b("labels") == {"1.1": "quote", "2.1": "background"}


def test_each_coder_sees_and_undoes_only_their_own_tags(windows):
    a, b = windows("alice"), windows("bob")
    a("tag 1 1 claim -")
    b("tag 4 1 quote -")
    b("tag 1 1 background -")  # the same sentence: bob's own tag, alice's stays
    assert a("labels") == {"1.1": "claim"}
    assert b("labels") == {"1.1": "background", "4.1": "quote"}
    # A's undo takes A's claim, never B's later tags.
    assert a("undo") == {"at": "1.1", "label": None, "message": None, "skipped": False}
    assert a("labels") == {}
    assert a("undo") is None
    a("redo")
    assert b("labels") == {"1.1": "background", "4.1": "quote"}
    # B's undo then A's undo each undo only their own.
    assert b("undo") == {"at": "1.1", "label": None, "message": None, "skipped": False}
    assert b("undo") == {"at": "4.1", "label": None, "message": None, "skipped": False}
    assert a("undo") == {"at": "1.1", "label": None, "message": None, "skipped": False}
    assert b("labels") == {}
    assert b("undo") is None and a("undo") is None


def test_undo_skips_a_step_someone_else_has_changed_since_also_after_a_restart(windows, tmp_path):
    import sqlite3

    a = windows("alice")
    a("tag 1 1 claim -")
    a("tag 2 1 quote -")
    a.close()
    # Another program (a merge of alice's laptop, the sqlite3 shell) changes
    # alice's claim without a step in her history.
    outside = sqlite3.connect(tmp_path / "shared.db")
    with outside:
        outside.execute("UPDATE annotations SET label = 'background' WHERE label = 'claim'")
    outside.close()
    a = windows("alice")  # a restart: the history is in the database
    assert a("undo") == {"at": "2.1", "label": None, "message": None, "skipped": False}
    # The claim step's sentence is no longer as A left it: skipped, not undone.
    assert a("undo") == {"at": "1.1", "label": "background",
                         "message": "changed elsewhere; skipped", "skipped": True}
    assert a("labels") == {"1.1": "background"}
    # Marked, so it is not tried again: there is nothing left to undo.
    assert a("undo") is None
