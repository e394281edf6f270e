"""The library screen: a folder of articles, opening one, coming back."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.ui.library_table import LibraryTable

from tui.store import AnnotationStore
from tui.ui.app import AnnotateApp
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 40)


def make_library(tmp_path: Path, seed_path: Path) -> Path:
    folder = tmp_path / "lib"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(seed_path, folder / "seed.txt")
    (folder / "nested" / "plain.txt").write_text("A Plain [Story]\n\nOne sentence. Two.\n")
    (folder / "broken.txt").write_bytes(b"\x00\x01")
    (folder / "notes.md").write_text("not an article")
    return folder


async def wait_loaded(pilot) -> None:
    """Until workers, store calls and the library's scan are done."""
    for _ in range(500):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        calls = getattr(pilot.app, "store_calls", None)
        if calls is not None:
            await calls.idle()
        if not getattr(pilot.app.screen, "scanning", False) and not pilot.app.workers._workers:
            break
    await pilot.pause()


async def test_library_lists_articles_and_opens_one(tmp_path, seed_path):
    folder = make_library(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(LibraryTable)
        assert table.row_count == 3
        titles = [str(table.get_row_at(i)[0]) for i in range(3)]
        assert titles == ["broken.txt", "A Plain [Story]", "Russia Unfazed By Suspension of Antimissile Talks with U.S."]
        assert str(table.get_row_at(2)[3]) == "0/13"
        table.move_cursor(row=2)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("c", "escape")
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert str(app.screen.query_one(LibraryTable).get_row_at(2)[3]) == "1/13"


async def test_single_article_folder_opens_straight_in_the_reader(tmp_path, seed_path):
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_library_rows_follow_another_windows_tags(tmp_path, seed_path, monkeypatch):
    """Issue 9 §1: another instance tags; within about a second the row's
    count changes here without a key."""
    import asyncio

    from tui.text import load_article
    from tui.ui.screens import library

    monkeypatch.setattr(library, "POLL_EVERY_S", 0.1)
    folder = make_library(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="me"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(LibraryTable)
        assert str(table.get_row_at(2)[3]) == "0/13"
        other = AnnotationStore(tmp_path / "a.db", annotator="me")  # a second window
        doc = other.open_article(load_article(folder / "seed.txt"))
        other.tag(doc, 1, doc.article.paragraphs[0].sentences[0], "claim")
        other.close()
        for _ in range(100):
            await asyncio.sleep(0.05)
            await wait_loaded(pilot)
            if str(table.get_row_at(2)[3]) == "1/13":
                break
        assert str(table.get_row_at(2)[3]) == "1/13"
