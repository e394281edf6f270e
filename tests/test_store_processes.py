"""Durability and concurrency across real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

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
    store = AnnotationStore(db)
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
    children = [_child(str(db), str(article), "many", "150", str(w)) for w in (0, 1)]
    outputs = [c.communicate(timeout=120)[0] for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    assert all(o.startswith("done 150") for o in outputs)
    store = AnnotationStore(db)
    doc = store.open_article(load_article(article))
    assert len(store.annotations(doc)) == 300
