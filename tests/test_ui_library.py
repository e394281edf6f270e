"""The library screen: a folder of articles, opening one, coming back."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable

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
    from tests.test_ui_reader import settle as store_settled  # the reader's store thread

    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await store_settled(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_library_lists_articles_and_opens_one(tmp_path, seed_path):
    folder = make_library(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(DataTable)
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
        assert str(app.screen.query_one(DataTable).get_row_at(2)[3]) == "1/13"


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
