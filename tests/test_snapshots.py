"""Snapshots of the key screens (pytest-textual-snapshot).

Regenerate after a deliberate visual change with
``uv run pytest tests/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import shutil

from tui.store import AnnotationStore
from tui.text import load_article
from tui.ui.app import AnnotateApp

SIZE = (120, 40)


async def settle(pilot) -> None:
    """Workers done, the reader attached, every store call landed."""
    from tests.test_ui_reader import settle as store_settled

    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await store_settled(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_reader_on_the_seed(snap_compare, tmp_path, seed_path):
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_reader_with_tags(snap_compare, tmp_path, seed_path):
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))

    async def tag(pilot):
        await settle(pilot)
        await pilot.press("c", "j", "b", "j", "j", "q", "j", "q", "j", "l", "q")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=tag)


def test_library(snap_compare, tmp_path, seed_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "second.txt").write_text("A Second [Story]\n\nOne sentence. Two.\n")
    store = AnnotationStore(tmp_path / "a.db")
    app = AnnotateApp(store, folder=folder.relative_to(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_help_screen(snap_compare, tmp_path, seed_path):
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), article=load_article(seed_path))

    async def help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=help)
