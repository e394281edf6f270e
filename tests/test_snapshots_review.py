"""Snapshots of the reader's tags panel (pytest-textual-snapshot).

Regenerate after a deliberate visual change with
``uv run pytest tests/test_snapshots_review.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from tests.test_snapshots import settle
from tests.test_ui_review import edited_story
from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp


async def open_panel(pilot) -> None:
    await settle(pilot)
    await pilot.press("t", "down")  # the panel, its highlight on the second tag
    await settle(pilot)


def test_tags_panel_beside_the_article(snap_compare, tmp_path, seed_path):
    # Tags exact, moved, fuzzy and orphaned; a note on 1.1 (the note bar shows it).
    path = edited_story(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_panel)


def test_tags_panel_under_the_article_at_80_columns(snap_compare, tmp_path, seed_path):
    path = edited_story(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_panel)
